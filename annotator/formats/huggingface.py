"""Hugging Face token classification JSONL: tokens and integer ``ner_tags``, one sentence a line.

Export: ``{"id": "<document>#<n>", "tokens": [...], "ner_tags": [...]}`` per sentence (what
``conll2003`` and transformers' token-classification examples use; a sentence fits a model's
length limit where a whole article does not). ``<document>`` is the external id, else
``doc-<id>``; ``<n>`` counts the document's sentences from 0. Tokens, sentences, the overlap
policy (PRIORITY or DROP; COLUMNS keeps the outermost spans, there is one tag column) and the
loss report are those of the CoNLL export (:mod:`annotator.formats.tokenize_support`).

Beside ``<stem>.jsonl`` go ``<stem>.labels.json``, the tag names in id order (``O``, then
``B-``/``I-`` -- or ``B-``/``I-``/``L-``/``U-`` for BILOU -- per label in schema order, then any
label the schema lacks), and ``<stem>.features.json``, the ``datasets.Features`` of the file in
``Features.to_dict()`` form, so that::

    features = Features.from_dict(json.load(open("train.features.json")))
    load_dataset("json", data_files="train.jsonl", features=features)

loads it offline with ``ner_tags`` as ``ClassLabel`` (``datasets`` refuses a features mapping
that lacks the ``id`` column, so pass the one shipped).

Import: the names come from ``<stem>.labels.json``, else ``<stem>.features.json``, else
``extra["labels"]`` (comma-separated); string tags need none. Consecutive lines whose ids share
the part before ``#<n>`` form one document (sentences on lines of its text, tokens joined by
spaces); any other line is a document of its own. A bad line (not JSON, token and tag counts
differ, a tag id outside the names -- ``datasets`` itself loads those without a word) is a
Failure with its file and line; the rest imports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, cast

from annotator.core.annotation import AnnotatedDocument
from annotator.core.interchange import AnnotatedDraft
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import jsontext
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    ImportOptions,
    Layout,
    LossReport,
    OutputSink,
    read_text_file,
)
from annotator.formats.huggingface_read import decode_sentence, tagged_draft
from annotator.formats.tokenize_support import (
    OUTSIDE,
    TaggedDocument,
    TokenSentence,
    check_scheme,
    document_key,
    draft_from_tokens,
    label_ranks,
    parse_tag,
    tag_document,
    tag_names,
)
from annotator.formats.workers import (
    BATCH_DOCUMENTS,
    LightPacked,
    batched,
    light_packer,
    ordered_map,
    unpack_light,
    worker_count,
)

FORMAT_NAME = "huggingface"
LABELS_SUFFIX = ".labels.json"
FEATURES_SUFFIX = ".features.json"


def features_dict(names: Sequence[str]) -> dict[str, Any]:
    """``Features({"id": Value("string"), "tokens": Sequence(Value("string")),
    "ner_tags": Sequence(ClassLabel(names=...))}).to_dict()``, in the form every ``datasets``
    version reads."""
    return {
        "id": {"dtype": "string", "_type": "Value"},
        "tokens": {"feature": {"dtype": "string", "_type": "Value"}, "_type": "Sequence"},
        "ner_tags": {
            "feature": {"names": list(names), "_type": "ClassLabel"},
            "_type": "Sequence",
        },
    }


class HuggingFaceExporter:
    name = FORMAT_NAME
    layout = Layout.FILE
    capabilities = Capabilities(
        overlaps=False, relations=False, attributes=False, discontinuous=False, token_based=True
    )

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        """Sentences are tagged and encoded in worker processes, a batch at a time
        (:mod:`annotator.formats.workers`); a batch with a label the schema lacks comes back
        tagged and is encoded here, where such labels get their ids in order."""
        scheme = check_scheme(options)
        names = tag_names(schema.label_names, scheme)
        ids = _TagIds(names, scheme)
        report = LossReport()
        workers = worker_count(options.extra)
        batches = batched(map(light_packer(workers), items), BATCH_DOCUMENTS)
        work = partial(render_sentences, schema, options)
        with sink.main_binary() as out:
            for lines, tagged, batch_report in ordered_map(work, batches, workers, BATCH_DOCUMENTS):
                report.merge(batch_report)
                out.write(lines if tagged is None else _encode(tagged, ids))
        with sink.beside(LABELS_SUFFIX) as out:
            json.dump(names, out, ensure_ascii=False, indent=1)
            out.write("\n")
        with sink.beside(FEATURES_SUFFIX) as out:
            json.dump(features_dict(names), out, ensure_ascii=False, indent=1)
            out.write("\n")
        return report

    def losses(
        self,
        items: Iterable[AnnotatedDocument],
        schema: LabelSchema,
        options: ExportOptions = ExportOptions(),
    ) -> LossReport:
        """Exactly what :meth:`write` would report, without writing."""
        report = LossReport()
        for item in items:
            report.merge(tag_document(item, schema, options, layers=1).report)
        return report


TaggedBatch = list[tuple[str, TaggedDocument]]
"""Documents' keys and their tagged words."""


def render_sentences(
    schema: LabelSchema, options: ExportOptions, batch: list[LightPacked]
) -> tuple[bytes, TaggedBatch | None, LossReport]:
    """The JSON lines of a batch of documents, or (with a label the schema lacks) their tagged
    words, and what they could not carry (in a worker)."""
    report = LossReport()
    tagged: TaggedBatch = []
    ranks = label_ranks(schema, options)
    for packed in batch:
        item = unpack_light(packed)
        done = tag_document(item, schema, options, layers=1, report=report, ranks=ranks)
        tagged.append((document_key(item.document), done))
    scheme = check_scheme(options)
    names = tag_names(schema.label_names, scheme)
    used = set[str]().union(*(layer for _, done in tagged for layer in done.layers))
    if not used.issubset(names):
        return b"", tagged, report
    return _encode(tagged, _TagIds(names, scheme)), None, report


def _encode(tagged: TaggedBatch, ids: _TagIds) -> bytes:
    """The JSON lines of tagged documents, encoded in one call: a record is an object of
    strings and lists only, so ``},{"id":`` occurs in the encoded list only between two
    records (a ``"`` inside a string is escaped) and becomes the line break."""
    records: list[dict[str, Any]] = []
    for key, done in tagged:
        words = done.words
        if not words:
            continue
        numbers = list(map(ids.__getitem__, done.layers[0]))
        records.extend(
            {"id": f"{key}#{n}", "tokens": words[a:b], "ner_tags": numbers[a:b]}
            for n, (a, b) in enumerate(done.groups)
        )
    if not records:
        return b""
    encoded = jsontext.dumps_bytes(records)
    return encoded[1:-1].replace(b'},{"id":', b'}\n{"id":') + b"\n"


class _TagIds(dict[str, int]):
    """Tag name -> id; a label the schema lacks gets its tags appended to the names."""

    def __init__(self, names: list[str], scheme: str) -> None:
        super().__init__((name, n) for n, name in enumerate(names))
        self.names = names
        self.scheme = scheme

    def __missing__(self, tag: str) -> int:
        for name in tag_names([tag[2:]], self.scheme)[1:]:
            self[name] = len(self.names)
            self.names.append(name)
        return self[tag]


# -- import ---------------------------------------------------------------------------------------


class HuggingFaceImporter:
    name = FORMAT_NAME
    rebuilds_text = True
    """The text is the tokens joined by spaces: an import matches it to the project's texts
    ignoring whitespace (:mod:`annotator.services.token_texts`)."""

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        names = label_names(path, options)
        if isinstance(names, Failure):
            yield names
            return
        yield from read_text_file(
            path, lambda handle: read_lines(handle, str(path), names, options)
        )


def label_names(path: Path, options: ImportOptions) -> list[str] | Failure | None:
    """The tag names for integer tags: the labels file, the features file or ``extra``."""
    labels = path.with_name(path.stem + LABELS_SUFFIX)
    features = path.with_name(path.stem + FEATURES_SUFFIX)
    try:
        if labels.is_file():
            names = json.loads(labels.read_text(encoding="utf-8"))
            where = str(labels)
        elif features.is_file():
            data = json.loads(features.read_text(encoding="utf-8"))
            names = data["ner_tags"]["feature"]["names"]
            where = str(features)
        elif options.extra.get("labels"):
            return [n.strip() for n in options.extra["labels"].split(",")]
        else:
            return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        return Failure(str(labels), None, f"cannot read the label names ({error})", "ANN133")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return Failure(where, None, "label names must be a JSON list of strings", "ANN133")
    return names


def read_lines(
    lines: Iterable[str], name: str, names: list[str] | None, options: ImportOptions
) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
    """Documents from JSONL lines, grouping consecutive sentences of one document. A line and
    a document are read in C where they can be (:mod:`huggingface_read`), else as before."""
    tokens: list[list[str]] = []
    tag_lists: list[list[tuple[str, str]]] = []
    numbers: list[int] = []
    group_key: str | None = None
    tags = _Tags(names)
    for number, line in enumerate(lines, start=1):
        if not line or line.isspace():
            continue
        decoded = decode_sentence(line, tags, tags.bad)
        if decoded is None:
            parsed = _parse(line, number, name, tags)
            if isinstance(parsed, Failure):
                yield parsed
                continue
            key, sentence = parsed
            decoded = key, sentence.tokens, sentence.layers[0]
        key = decoded[0]
        if numbers and (key is None or key != group_key):
            yield _document(tokens, tag_lists, numbers, group_key, name, options)
            tokens, tag_lists, numbers = [], [], []
        tokens.append(decoded[1])
        tag_lists.append(decoded[2])
        numbers.append(number)
        group_key = key
    if numbers:
        yield _document(tokens, tag_lists, numbers, group_key, name, options)


def _document(
    tokens: list[list[str]],
    tag_lists: list[list[tuple[str, str]]],
    numbers: list[int],
    key: str | None,
    name: str,
    options: ImportOptions,
) -> AnnotatedDraft | PlainDraft:
    origin = f"{name}:{numbers[0]}"
    draft = tagged_draft(tokens, tag_lists, origin, options.annotator, key or "", options.plain)
    if draft is not None:
        return draft
    sentences = [
        TokenSentence(words, [tags], _Places(number, len(words)))
        for words, tags, number in zip(tokens, tag_lists, numbers, strict=True)
    ]
    return draft_from_tokens(sentences, origin, options.annotator, key or "")


def _parse(
    line: str, number: int, name: str, parsed_tags: _Tags
) -> tuple[str | None, TokenSentence] | Failure:
    def fail(reason: str) -> Failure:
        return Failure(name, number, reason, "ANN131")

    try:
        record = jsontext.loads(line)
    except jsontext.JSONDecodeError as error:
        return fail(jsontext.syntax_error(error.msg, number, error.colno))
    if not isinstance(record, dict):
        return fail("expected a JSON object")
    tokens, raw_tags = record.get("tokens"), record.get("ner_tags")
    if not isinstance(tokens, list) or not set(map(type, tokens)) <= {str}:
        return fail("'tokens' must be a list of strings")
    if not isinstance(raw_tags, list) or len(raw_tags) != len(tokens):
        return fail(f"'ner_tags' must be a list as long as 'tokens' ({len(tokens)})")
    # Tag ids and tags repeat: each distinct one is parsed once (bools excluded, True == 1).
    tags = (
        list(map(parsed_tags.__getitem__, raw_tags))
        if set(map(type, raw_tags)) <= {int, str}
        else None
    )
    if tags is None or str in set(map(type, tags)):  # a str says what is wrong
        for n, raw in enumerate(raw_tags):
            problem = _tag(raw, parsed_tags.names)
            if isinstance(problem, str):
                return fail(f"ner_tags[{n}]: {problem}")
    identifier = str(record.get("id", ""))
    document, hash_sign, index = identifier.rpartition("#")
    key = document if hash_sign and index.isdigit() else None
    checked = cast("list[tuple[str, str]]", tags)
    return key, TokenSentence(tokens, [checked], _Places(number, len(tokens)))


class _Tags(dict[int | str, tuple[str, str] | str]):
    """Raw tag (id or text) -> the parsed tag, or what is wrong with it."""

    def __init__(self, names: list[str] | None) -> None:
        super().__init__()
        self.names = names
        self.bad: set[int | str] = set()
        """The raw tags that are wrong."""

    def __missing__(self, raw: int | str) -> tuple[str, str] | str:
        value = _tag(raw, self.names)
        if isinstance(value, str):
            self.bad.add(raw)
        elif value == OUTSIDE:
            value = OUTSIDE
        self[raw] = value
        return value


class _Places(list[str]):
    """``line N, token K`` for each token of a line, made only when a message needs one."""

    def __init__(self, line: int, count: int) -> None:
        super().__init__()
        self._line = line
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, n: Any) -> Any:
        if not 0 <= n < self._count:
            raise IndexError(n)
        return f"line {self._line}, token {n + 1}"

    def __iter__(self) -> Iterator[str]:
        return (self[n] for n in range(self._count))


def _tag(raw: object, names: list[str] | None) -> tuple[str, str] | str:
    """The parsed tag, or what is wrong with it."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return f"{raw!r} is neither a tag id nor a tag"
    if isinstance(raw, int):
        if names is None:
            return f"tag id {raw} but no label names (no {LABELS_SUFFIX} beside the file)"
        if not 0 <= raw < len(names):
            return f"tag id {raw} is outside the {len(names)} label names"
        raw = names[raw]
    parsed = parse_tag(raw)
    return parsed if parsed is not None else f"{raw!r} is not a tag (O, B-X, I-X, ...)"


EXPORTER = HuggingFaceExporter()
IMPORTER = HuggingFaceImporter()
