"""CoNLL-2003 style token-per-line files with IOB2 or BILOU tags (export and import).

Export (one file): every document starts with ``-DOCSTART- -X- O O`` and a blank line (the only
document line spaCy's ``conll_ner_to_docs`` recognises), then one token per line as
``token -X- _ TAG`` (``extra["columns"] = "2"`` writes ``token TAG``), a blank line after each
sentence. Tokens and sentences come from :mod:`annotator.formats.tokenize`; whitespace, newlines
included, is not a token here. A sentence boundary never cuts a span: the sentences it crosses
are written as one. Overlapping spans follow ``options.overlap_policy``: PRIORITY keeps the span
whose label comes first in ``label_priority`` (default: schema order), DROP leaves out every
span that overlaps another, COLUMNS writes one tag column per nesting layer (outermost first,
``extra["layers"]``, default 3, tag columns). Everything left out is counted in the loss report,
with spans widened to whole tokens (``extra["tokens"] = "split"`` splits tokens instead).

Import: 2-column (``token TAG``), CoNLL-2003 4-column (``token POS chunk TAG``: the last column
is read) and our own layered files (``token -X- _ TAG...``); TAB-separated lines are split on
tabs, others on whitespace. IOB1, IOB2 and BILOU/BIOES are detected per document. A file whose
first line is ``-DOCSTART-`` has one document per ``-DOCSTART-`` (sentences become lines of its
text); any other file has one document per blank-line-separated block, as doccano and most
sequence-labelling corpora mean it. The text is rebuilt by joining tokens with one space.
Invalid tag sequences (``I-`` after ``O`` in IOB2, an unclosed ``B-`` in BILOU) are repaired and
listed with their lines in the document's note; a line without a valid tag is a Failure with its
file and line, and the rest of the file imports.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, groupby, repeat
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from annotator.core.annotation import AnnotatedDocument
from annotator.core.interchange import AnnotatedDraft
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    ImportOptions,
    Layout,
    LossReport,
    OutputSink,
    read_text_file,
)
from annotator.formats.conll_read import CHUNK, read_docstart_file
from annotator.formats.tokenize_support import (
    OUTSIDE,
    LineNumbers,
    TaggedDocument,
    TokenSentence,
    check_scheme,
    draft_from_tokens,
    label_ranks,
    layer_count,
    parse_tag,
    tag_document,
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

FORMAT_NAME = "conll"
DOCSTART = "-DOCSTART- -X- O O"
_FILLER = "-X- _"


class ConllExporter:
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
        """Documents are tagged and laid out in worker processes, a batch at a time
        (:mod:`annotator.formats.workers`), while this process reads the next ones."""
        check_scheme(options)
        layer_count(options)
        report = LossReport()
        two_columns = options.extra.get("columns", "4") == "2"
        render = partial(render_documents, schema, options, two_columns)
        workers = worker_count(options.extra)
        batches = batched(map(light_packer(workers), items), BATCH_DOCUMENTS)
        with sink.main_text() as out:
            for text, batch_report in ordered_map(render, batches, workers, BATCH_DOCUMENTS):
                out.write(text)
                report.merge(batch_report)
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
            report.merge(tag_document(item, schema, options).report)
        return report


def render_documents(
    schema: LabelSchema, options: ExportOptions, two_columns: bool, batch: list[LightPacked]
) -> tuple[str, LossReport]:
    """The lines of a batch of documents and what they could not carry (in a worker)."""
    report = LossReport()
    out = io.StringIO()
    ranks = label_ranks(schema, options)
    for packed in batch:
        tagged = tag_document(unpack_light(packed), schema, options, report=report, ranks=ranks)
        write_document(out, tagged, two_columns=two_columns)
    return out.getvalue(), report


def write_document(out: TextIO, tagged: TaggedDocument, *, two_columns: bool = False) -> None:
    out.write(DOCSTART + "\n\n")
    words = tagged.words
    if not words:
        return
    layers = tagged.layers
    tags = layers[0] if len(layers) == 1 else list(map(" ".join, zip(*layers, strict=True)))
    suffixes = _TWO_COLUMNS if two_columns else _FOUR_COLUMNS
    # words and their line ends interleaved, joined once: no string made per line
    parts = words + words
    parts[::2] = words
    parts[1::2] = map(suffixes.__getitem__, tags)
    for first, _ in tagged.groups[1:]:
        parts[2 * first - 1] += "\n"  # a blank line ends the sentence before
    parts[-1] += "\n"
    out.write("".join(parts))


class _Suffixes(dict[str, str]):
    """What follows the token on a line with these tags, line break included (made once per
    tag combination)."""

    def __init__(self, before: str) -> None:
        super().__init__()
        self.before = before

    def __missing__(self, tags: str) -> str:
        made = self[tags] = self.before + tags + "\n"
        return made


_FOUR_COLUMNS = _Suffixes(f" {_FILLER} ")
_TWO_COLUMNS = _Suffixes(" ")


# -- import ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Document:
    line: int
    sentences: list[tuple[list[str], list[int]]] = field(default_factory=list)
    """Each sentence's lines (not parsed yet) and their numbers."""

    def add(self, lines: list[str], numbers: list[int]) -> None:
        if lines:
            self.sentences.append((lines, numbers))


class ConllImporter:
    name = FORMAT_NAME
    rebuilds_text = True
    """The text is the tokens joined by spaces: an import matches it to the project's texts
    ignoring whitespace (:mod:`annotator.services.token_texts`)."""

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        name = str(path)
        yield from read_text_file(
            path, lambda handle: read_file(handle, name, options), encoding="utf-8-sig"
        )


def read_file(
    handle: TextIO, name: str, options: ImportOptions = ImportOptions(), chunk: int = CHUNK
) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
    """What :func:`read_conll` yields for the lines of ``handle``; a file that starts with
    ``-DOCSTART-`` is read ``chunk`` characters at a time (:mod:`conll_read`)."""
    return read_docstart_file(
        handle,
        name,
        lambda lines: read_conll(lines, name, options),
        lambda lines, first: read_region(lines, first, name, options),
        options.annotator,
        chunk,
        options.plain,
    )


def read_conll(
    lines: Iterable[str], name: str, options: ImportOptions = ImportOptions()
) -> Iterator[AnnotatedDraft | Failure]:
    """Documents (and bad lines) of a CoNLL/IOB file, one document at a time.

    Lines are only sorted into documents and sentences here, a run of non-blank lines at a time
    (told apart in C by ``groupby``); a document's lines are parsed when it is complete
    (:func:`_finish`), a sentence at a time.
    """
    state = _Reading()
    number = 0
    for blank, group in groupby(lines, str.isspace):
        chunk = list(map(str.rstrip, group, repeat("\r\n")))
        first = number + 1
        number += len(chunk)
        if blank:
            yield from state.blank(name, options)
        elif "-DOCSTART-" in "".join(chunk) or "" in chunk:
            for offset, line in enumerate(chunk):
                yield from state.line(line, first + offset, name, options)
        else:  # token lines only: one part of a sentence
            if state.docstart_mode is None:
                state.docstart_mode = False
            if state.document is None:
                state.document = _Document(first)
            state.sentence += chunk
            state.numbers += range(first, number + 1)
    yield from state.end(name, options)


def read_region(
    lines: list[str], first: int, name: str, options: ImportOptions
) -> Iterator[AnnotatedDraft | Failure]:
    """What :func:`read_conll` yields for the lines of one ``-DOCSTART-`` document of a file
    that starts with ``-DOCSTART-`` (the document's own line first, numbered ``first``)."""
    state = _Reading(docstart_mode=True)
    for number, line in enumerate(lines, start=first):
        yield from state.line(line, number, name, options)
    yield from state.end(name, options)


@dataclass(slots=True)
class _Reading:
    """Where :func:`read_conll` is: the document and sentence being read."""

    docstart_mode: bool | None = None
    """Whether the file starts with ``-DOCSTART-`` (then only those lines end a document)."""
    document: _Document | None = None
    sentence: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)

    def blank(self, name: str, options: ImportOptions) -> Iterator[AnnotatedDraft | Failure]:
        if self.document is not None:
            self.document.add(self.sentence, self.numbers)
            self.sentence, self.numbers = [], []
            if not self.docstart_mode:
                yield from _finish(self.document, name, options)
                self.document = None

    def line(
        self, line: str, number: int, name: str, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | Failure]:
        if not line or line.isspace():
            yield from self.blank(name, options)
            return
        docstart = _fields(line)[0] == "-DOCSTART-"
        if self.docstart_mode is None:
            self.docstart_mode = docstart
        if docstart:
            if self.document is not None:
                self.document.add(self.sentence, self.numbers)
                yield from _finish(self.document, name, options)
            self.document, self.sentence, self.numbers = _Document(number), [], []
            return
        if self.document is None:
            self.document = _Document(number)
        self.sentence.append(line)
        self.numbers.append(number)

    def end(self, name: str, options: ImportOptions) -> Iterator[AnnotatedDraft | Failure]:
        if self.document is not None:
            self.document.add(self.sentence, self.numbers)
            yield from _finish(self.document, name, options)


def _fields(line: str) -> list[str]:
    if not line.strip():
        return []
    if "\t" in line:
        return [f.strip() for f in line.strip().split("\t") if f.strip()]
    return line.split()


def _parse_line(fields: list[str], number: int, name: str) -> list[tuple[str, str]] | Failure:
    """The parsed tags of a line, or why it is not a token line."""
    if len(fields) < 2:
        return Failure(
            name, number, f"expected a token and a tag, found only {fields[0]!r}", "ANN137"
        )
    layered = len(fields) >= 4 and fields[1] == "-X-" and fields[2] == "_"
    raw_tags = fields[3:] if layered else fields[-1:]
    tags: list[tuple[str, str]] = []
    for raw in raw_tags:
        tag = parse_tag(raw)
        if tag is None:
            return Failure(
                name,
                number,
                f"{raw!r} is not a tag (O, or B-/I-/L-/U-/E-/S- and a label); line skipped",
                "ANN137",
            )
        tags.append(tag)
    return tags


def _parse_sentence(
    lines: list[str], numbers: list[int], name: str
) -> tuple[list[str], list[list[tuple[str, str]]], list[int], list[Failure]]:
    """Tokens, their tags by layer (as many layers as the widest line has), the numbers of the
    lines kept, and the lines that failed.

    The common shape (one token and one tag separated by spaces, or our ``token -X- _ TAG``
    lines) is parsed in bulk; a sentence with anything else goes line by line.
    """
    if "\t" not in "".join(lines):
        rows = list(map(str.split, lines))
        widths = set(map(len, rows))
        if min(widths) >= 2 and max(widths) <= 4:  # one tag: the last field
            tags = list(map(parse_tag, map(itemgetter(-1), rows)))
        else:
            tags = [None]
        if None not in tags:
            return list(map(itemgetter(0), rows)), [tags], numbers, []  # type: ignore[list-item]
    tokens: list[str] = []
    parsed: list[list[tuple[str, str]]] = []
    kept: list[int] = []
    failures: list[Failure] = []
    for line, number in zip(lines, numbers, strict=True):
        fields = _fields(line)
        result = _parse_line(fields, number, name)
        if isinstance(result, Failure):
            failures.append(result)
            continue
        tokens.append(fields[0])
        parsed.append(result)
        kept.append(number)
    width = max(map(len, parsed), default=0)
    layers = [[tags[k] if k < len(tags) else OUTSIDE for tags in parsed] for k in range(width)]
    return tokens, layers, kept, failures


def _parse_common(document: _Document) -> list[TokenSentence] | None:
    """The document's sentences when every line has the common shape :func:`_parse_sentence`
    parses in bulk (one token and one tag, space-separated), parsed all at once; else None."""
    lines = list(chain.from_iterable(lines for lines, _ in document.sentences))
    if not lines or "\t" in "".join(lines):
        return None
    rows = list(map(str.split, lines))
    widths = set(map(len, rows))
    if min(widths) < 2 or max(widths) > 4:
        return None
    tags = list(map(parse_tag, map(itemgetter(-1), rows)))
    if None in tags:
        return None
    words = list(map(itemgetter(0), rows))
    sentences = []
    first = 0
    for sentence_lines, numbers in document.sentences:
        last = first + len(sentence_lines)
        layer: list[tuple[str, str]] = tags[first:last]  # type: ignore[assignment]
        sentences.append(TokenSentence(words[first:last], [layer], LineNumbers(numbers)))
        first = last
    return sentences


def _finish(
    document: _Document, name: str, options: ImportOptions
) -> Iterator[AnnotatedDraft | Failure]:
    common = _parse_common(document)
    if common is not None:
        yield draft_from_tokens(common, f"{name}:{document.line}", options.annotator)
        return
    parsed = []
    for lines, numbers in document.sentences:
        tokens, tags, kept, failures = _parse_sentence(lines, numbers, name)
        yield from failures
        if tokens:
            parsed.append((tokens, tags, kept))
    if not parsed:
        return
    width = max(len(layers) for _, layers, _ in parsed)
    sentences = [
        TokenSentence(
            tokens,
            layers + [[OUTSIDE] * len(tokens) for _ in range(width - len(layers))],
            LineNumbers(kept),
        )
        for tokens, layers, kept in parsed
    ]
    yield draft_from_tokens(sentences, f"{name}:{document.line}", options.annotator)


EXPORTER = ConllExporter()
IMPORTER = ConllImporter()
