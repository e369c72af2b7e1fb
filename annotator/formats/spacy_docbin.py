"""spaCy v3 DocBin (.spacy) written and read by spaCy itself, with everything else in user data.

An export is a folder (or a .zip) of ``.spacy`` shards of at most ``SHARD_DOCUMENTS`` documents
each (``ExportOptions.extra["shard_documents"]``), written one at a time so that memory stays
flat however many documents go out: ``spacy train --paths.train <folder>`` reads every ``.spacy``
file of a folder. Import reads one ``.spacy`` file, a folder of them or a .zip, a shard at a time.
"""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from annotator.core.annotation import AnnotatedDocument, Span
from annotator.core.document import DocumentDraft
from annotator.core.errors import OffsetError, UserError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.reports import Failure
from annotator.core.schema import AttributeValue, LabelSchema
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    ImportOptions,
    Layout,
    Loss,
    LossReport,
    OutputSink,
    OverlapPolicy,
)
from annotator.formats.offset_check import check_span, parse_offset
from annotator.formats.spacy_jsonl import document_meta, draft_from_meta
from annotator.formats.workers import batched, ordered_map, worker_count

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, DocBin
    from spacy.tokens import Span as SpacySpan

FORMAT_NAME = "spacy"
USER_DATA_KEY = "annotator"
"""``doc.user_data[USER_DATA_KEY]`` holds what spaCy's fields cannot (see :func:`user_data`)."""
USER_DATA_VERSION = 1
SPAN_GROUP = "sc"
DOCBIN_ATTRS = ("ORTH", "ENT_IOB", "ENT_TYPE")
"""Token attributes stored (spaCy adds SPACY): the text and the entities, nothing a blank
pipeline leaves empty, which keeps the file and the memory small."""
MISSING_SPACY_CODE = "ANN198"
SHARD_DOCUMENTS = 1000
"""Documents per ``.spacy`` file of an export: a DocBin holds its documents' token arrays until
it is written (about 50 kB per 3,000-character document), so a shard is a few tens of MB."""
SHARD_NAME = "part-{:04d}.spacy"


def require_spacy() -> Any:
    """Import spaCy, or tell the user how to install it."""
    try:
        import spacy
    except ImportError:
        raise UserError(
            "the spaCy format needs spaCy, which is not installed: pip install 'annotator[spacy]'",
            code=MISSING_SPACY_CODE,
        ) from None
    return spacy


def check_spacy_installed() -> None:
    """:func:`require_spacy`'s error without importing spaCy (which takes a second): an export
    imports it in its worker processes only."""
    loaded: object = sys.modules.get("spacy", False)
    if loaded is None or (loaded is False and importlib.util.find_spec("spacy") is None):
        require_spacy()


MsgpackExtensions = tuple[dict[str, Any], dict[str, Any]]
"""What srsly's msgpack encoder and decoder registries hold (see :func:`msgpack_extensions`)."""


def msgpack_extensions() -> MsgpackExtensions:
    """srsly's msgpack encoders and decoders, looked up now (the slow lookup, once)."""
    from srsly.msgpack import msgpack_decoders, msgpack_encoders  # type: ignore[import-untyped]

    return dict(msgpack_encoders.get_all()), dict(msgpack_decoders.get_all())


@contextmanager
def cached_msgpack_extensions(found: MsgpackExtensions | None = None) -> Iterator[None]:
    """Answer srsly's msgpack extension registry lookups from ``found`` (looked up now when not
    given) for the duration.

    spaCy packs and unpacks every document's user data and span groups with srsly, which asks
    its ``msgpack_encoders``/``msgpack_decoders`` registries for every extension on every call,
    and each such call scans the entry points of every installed package and catalogue's whole
    registry (about 0.4 ms, twice per document each way: most of the DocBin export and import
    time). Nothing registers a msgpack extension while we read or write, so the answer is the
    same; the registries are restored on exit.
    """
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    found = found or msgpack_extensions()
    saved: list[tuple[Any, Any]] = []
    try:
        for registry, entries in zip((msgpack_encoders, msgpack_decoders), found, strict=True):
            saved.append((registry, registry.__dict__.get("get_all", _ABSENT)))
            registry.get_all = lambda entries=entries: dict(entries)
        yield
    finally:
        for registry, before in reversed(saved):
            if before is _ABSENT:
                del registry.get_all
            else:
                registry.get_all = before


_ABSENT = object()


def shard_documents(options: ExportOptions) -> int:
    """Documents per shard: ``extra["shard_documents"]``, else :data:`SHARD_DOCUMENTS`."""
    raw = options.extra.get("shard_documents", str(SHARD_DOCUMENTS))
    if not raw.isdecimal() or int(raw) < 1:
        raise UserError(f"extra option shard_documents={raw!r} must be a positive number")
    return int(raw)


_STRING_ATTRS: list[int | str] = [
    *("ORTH", "TAG", "LEMMA", "NORM", "DEP", "ENT_TYPE", "ENT_KB_ID", "ENT_ID")
]
"""The token attributes whose strings ``DocBin.add`` keeps (with ``str(token.morph)``)."""


def add_doc(docbin: DocBin, doc: Doc, packed_user_data: bytes | None = None) -> None:
    """``docbin.add(doc)``, with the same result, faster; ``packed_user_data`` is
    ``srsly.msgpack_dumps(doc.user_data)`` when the caller has it already.

    ``DocBin.add`` collects the strings a document uses by making a Token object per token and
    reading nine string attributes from each (most of the export time). The same strings are
    the distinct values of the token attribute arrays, looked up once each. A document with
    morphology (``str(token.morph)`` is not such a value) goes through ``DocBin.add``.
    """
    import numpy
    import srsly  # type: ignore[import-untyped]

    if doc.to_array("MORPH").any():
        if packed_user_data is not None:
            doc.user_data.update(srsly.msgpack_loads(packed_user_data))
        docbin.add(doc)
        return
    array = doc.to_array(list[int | str](docbin.attrs))
    if len(array.shape) == 1:
        array = array.reshape((array.shape[0], 1))
    docbin.tokens.append(array)
    spaces = doc.to_array("SPACY").reshape((array.shape[0], 1))
    docbin.spaces.append(numpy.asarray(spaces, dtype=bool))
    docbin.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
    strings = doc.vocab.strings
    used = numpy.unique(doc.to_array(_STRING_ATTRS))
    docbin.strings.update(strings[int(key)] if key else "" for key in used)
    docbin.cats.append(doc.cats)
    if docbin.store_user_data:
        if packed_user_data is None:
            packed_user_data = srsly.msgpack_dumps(doc.user_data)
        docbin.user_data.append(packed_user_data)
    docbin.span_groups.append(doc.spans.to_bytes())
    for group in doc.spans.values():
        for span in group:
            docbin.strings.add(span.label_)
            if span.kb_id in strings:
                docbin.strings.add(span.kb_id_)
            if span.id in strings:
                docbin.strings.add(span.id_)


class TokenizedAdder:
    """``doc.ents = ents; docbin.add(doc)`` for documents straight from a blank pipeline's
    tokenizer (no morphology, tags, lemmas or dependencies) with span groups set, with the
    same result, faster.

    The entity columns are filled from ``ents`` with numpy, the way ``doc.ents`` sets them (the
    first token ``B``, the others ``I``, every other token ``O``), so the document's own entity
    fields are never written; the strings are the distinct ORTH, NORM and entity type values
    plus ``""`` (the empty tags, lemmas, dependencies and morphology), each looked up once per
    shard.
    """

    def __init__(self, docbin: DocBin) -> None:
        from spacy.attrs import ENT_IOB, ENT_TYPE, NORM, ORTH, SPACY  # type: ignore[import-not-found]

        self.docbin = docbin
        self._seen: set[int] = set()
        self._read = [ORTH, SPACY, NORM]
        self._columns = [(ORTH, ENT_IOB, ENT_TYPE).index(attr) for attr in docbin.attrs]

    def add(
        self,
        doc: Doc,
        ents: Sequence[SpacySpan],
        labels: Iterable[str],
        packed_user_data: bytes,
    ) -> None:
        """Add ``doc`` with ``ents`` as ``doc.ents``; ``labels`` are those of the spans in
        ``doc.spans`` (which have no KB id nor id)."""
        import numpy

        docbin = self.docbin
        count = len(doc)
        if not count:
            doc.ents = ents
            add_doc(docbin, doc, packed_user_data)
            return
        read = doc.to_array(self._read)
        iob = numpy.full(count, 2, dtype=numpy.uint64)
        types = numpy.zeros(count, dtype=numpy.uint64)
        for ent in ents:
            label = ent.label
            if label:  # doc.ents leaves out a span without a label
                iob[ent.start] = 3
                iob[ent.start + 1 : ent.end] = 1
                types[ent.start : ent.end] = label
        columns = (read[:, 0], iob, types)
        docbin.tokens.append(numpy.stack([columns[k] for k in self._columns], axis=1))
        docbin.spaces.append(numpy.asarray(read[:, 1].reshape((count, 1)), dtype=bool))
        docbin.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
        used = numpy.unique(numpy.concatenate((read[:, 0], read[:, 2], types)))
        new = set(used.tolist())
        new.add(0)
        new -= self._seen
        if new:
            self._seen |= new
            strings = doc.vocab.strings
            docbin.strings.update(strings[key] if key else "" for key in new)
        docbin.cats.append(doc.cats)
        if docbin.store_user_data:
            docbin.user_data.append(packed_user_data)
        docbin.span_groups.append(doc.spans.to_bytes())
        # the span groups' labels; their spans have no KB id nor id (both "", added above)
        docbin.strings.update(labels)


def blank_pipeline(lang: str = "en") -> Language:
    """``spacy.blank(lang)``: the rule-based tokenizer only, no model to download."""
    nlp: Language = require_spacy().blank(lang)
    return nlp


@dataclass(slots=True)
class Projection:
    """How one document's spans land on spaCy tokens."""

    group: list[SpacySpan] = field(default_factory=list)
    """Every span covering a token, widened to token boundaries: ``doc.spans["sc"]``."""
    ents: list[SpacySpan] = field(default_factory=list)
    """A non-overlapping subset: ``doc.ents``."""
    report: LossReport = field(default_factory=LossReport)


class SpanExtent(NamedTuple):
    """What :func:`project_extents` needs of a span (a worker process gets only this)."""

    start: int
    end: int
    label: str


def project(
    doc: Doc, item: AnnotatedDocument, schema: LabelSchema, options: ExportOptions
) -> Projection:
    """Place ``item``'s spans on ``doc``'s tokens and choose ``doc.ents``.

    A span not on token boundaries is widened (``alignment_mode="expand"``) and reported as
    :attr:`Loss.UNALIGNED`; one that covers no token at all (only whitespace between tokens)
    stays out of both and is reported the same way. ``doc.ents`` cannot overlap: with
    :attr:`OverlapPolicy.DROP` every span that overlaps another (on tokens) is left out, with
    any other policy the span whose label comes first in ``options.label_priority`` (default:
    the schema's order; unknown labels last) wins, then the earlier, then the longer one. Spans
    left out of ``doc.ents`` are reported as :attr:`Loss.OVERLAPS`; all of them stay in
    ``doc.spans["sc"]`` and, exact, in the user data.
    """
    extents = [SpanExtent(s.start, s.end, s.label) for s in item.spans]
    priority = options.label_priority or schema.label_names
    return project_extents(doc, item.document.text, extents, priority, options.overlap_policy)


def project_extents(
    doc: Doc,
    text: str,
    spans: Sequence[SpanExtent],
    priority: Sequence[str],
    policy: OverlapPolicy,
) -> Projection:
    """:func:`project` for the spans' extents and labels, the label priority and the policy."""
    out = Projection()
    placed: list[tuple[SpanExtent, SpacySpan]] = []
    char_span = doc.char_span
    for span in spans:
        start, end, label = span
        widened = char_span(start, end, label=label, alignment_mode="expand")
        if widened is None or len(widened) == 0:
            out.report.add(
                Loss.UNALIGNED, 1, f"{label} {text[start:end]!r} covers no token (user data only)"
            )
            continue
        if widened.start_char != start or widened.end_char != end:
            out.report.add(
                Loss.UNALIGNED, 1, f"{label} {text[start:end]!r} widened to {widened.text!r}"
            )
        placed.append((span, widened))
        out.group.append(widened)
    kept = _choose_ents(placed, priority, policy)
    for _, widened in placed:
        if id(widened) in kept:
            out.ents.append(widened)
    left_out = [(span, w) for span, w in placed if id(w) not in kept]
    if left_out:
        span, widened = left_out[0]
        rival = next(
            (
                s
                for s, w in placed
                if id(w) in kept and w.start < widened.end and widened.start < w.end
            ),
            None,
        )
        against = f" overlaps {rival.label} {rival.start}-{rival.end}" if rival else ""
        out.report.add(
            Loss.OVERLAPS,
            len(left_out),
            f"{span.label} {span.start}-{span.end}{against}: not in doc.ents, kept in "
            f"doc.spans[{SPAN_GROUP!r}]",
        )
    out.ents.sort(key=lambda s: s.start)
    return out


def _choose_ents(
    placed: Sequence[tuple[SpanExtent, SpacySpan]], priority: Sequence[str], policy: OverlapPolicy
) -> set[int]:
    """``id()`` of the widened spans that go into ``doc.ents``."""
    if policy is OverlapPolicy.DROP:
        ordered = sorted(placed, key=lambda pair: (pair[1].start, pair[1].end))
        clashing: set[int] = set()
        furthest, owner = -1, None
        for _, widened in ordered:
            if widened.start < furthest and owner is not None:
                clashing.add(id(widened))
                clashing.add(owner)
            if widened.end > furthest:
                furthest, owner = widened.end, id(widened)
        return {id(w) for _, w in placed} - clashing
    rank = {label: i for i, label in enumerate(priority)}
    ordered = sorted(
        placed,
        key=lambda pair: (
            rank.get(pair[0].label, len(rank)),
            pair[1].start,
            -(pair[1].end - pair[1].start),
        ),
    )
    taken: set[int] = set()
    kept: set[int] = set()
    for _, widened in ordered:
        tokens = range(widened.start, widened.end)
        if any(t in taken for t in tokens):
            continue
        taken.update(tokens)
        kept.add(id(widened))
    return kept


def user_data(item: AnnotatedDocument) -> dict[str, Any]:
    """What goes into ``doc.user_data[USER_DATA_KEY]``: exact spans with their attributes and
    annotators, relations between them by key, and the document's fields. Keys are the span
    ids, so that relations survive even when two spans share an extent."""
    text = item.document.text
    keys = span_keys(item.spans)
    by_id = {int(span.id): key for span, key in zip(item.spans, keys, strict=True)}
    return {
        "format": "annotator",
        "version": USER_DATA_VERSION,
        "document": document_meta(item.document),
        "spans": [
            {
                "key": key,
                "label": span.label,
                "start": span.start,
                "end": span.end,
                "text": text[span.start : span.end],
                "attributes": dict(span.attributes),
                "annotator": span.annotator,
            }
            for span, key in zip(item.spans, keys, strict=True)
        ],
        "relations": [
            {
                "type": relation.type,
                "source": by_id.get(relation.source, str(relation.source)),
                "target": by_id.get(relation.target, str(relation.target)),
                "annotator": relation.annotator,
            }
            for relation in item.relations
        ],
    }


def span_keys(spans: Sequence[Span]) -> list[str]:
    """Each span's key in the file: its id when ids are set and unique, else its position."""
    ids = [int(s.id) for s in spans]
    if all(ids) and len(set(ids)) == len(ids):
        return [str(i) for i in ids]
    return [str(n) for n in range(1, len(spans) + 1)]


ShardPayload = tuple[str, tuple[tuple[int, int, str], ...], bytes]
"""What a shard worker gets of a document: its text, its spans' extents and labels, and its
packed user data (``srsly.msgpack_dumps(doc.user_data)``)."""


@dataclass(frozen=True, slots=True)
class ShardSettings:
    """The export options a shard worker needs."""

    priority: tuple[str, ...]
    policy: OverlapPolicy


def shard_payload(item: AnnotatedDocument, pack: Callable[[Any], bytes]) -> ShardPayload:
    """``item`` as a shard worker gets it (``pack`` is ``srsly.msgpack_dumps``)."""
    spans = tuple((s.start, s.end, s.label) for s in item.spans)
    return item.document.text, spans, pack({USER_DATA_KEY: user_data(item)})


def build_shard(settings: ShardSettings, batch: Sequence[ShardPayload]) -> tuple[bytes, LossReport]:
    """One ``.spacy`` shard of ``batch`` and what it could not carry (see
    :class:`DocBinExporter`); runs in a worker process."""
    from spacy.tokens import DocBin

    nlp = _pipeline()
    docbin = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)
    adder = TokenizedAdder(docbin)
    report = LossReport()
    with cached_msgpack_extensions(_extensions()):
        for text, spans, packed in batch:
            doc = nlp.make_doc(text)
            extents = list(map(SpanExtent._make, spans))
            projection = project_extents(doc, text, extents, settings.priority, settings.policy)
            doc.spans[SPAN_GROUP] = projection.group
            labels = {span.label_ for span in projection.group}
            adder.add(doc, projection.ents, labels, packed)
            report.merge(projection.report)
        data: bytes = docbin.to_bytes()
    return data, report


@lru_cache(maxsize=1)
def _pipeline() -> Language:
    return blank_pipeline()


@lru_cache(maxsize=1)
def _extensions() -> MsgpackExtensions:
    return msgpack_extensions()


class DocBinExporter:
    """Writes ``.spacy`` shards with ``spacy.tokens.DocBin(store_user_data=True)``.

    Each document is tokenized by ``spacy.blank("en")`` (so ``"\\n"`` is a token of its own) and
    gets ``doc.spans["sc"]`` (every span, widened to tokens), ``doc.ents`` (a non-overlapping
    projection, see :func:`project`) and ``doc.user_data["annotator"]`` (see :func:`user_data`):
    the exact spans, attributes, relations and document fields, which spaCy carries but its
    components ignore. A DocBin keeps a few integer arrays per document and is written when it
    holds a shard's worth (``part-0001.spacy``, ``part-0002.spacy``, ...; one empty shard for an
    empty export).
    """

    name = FORMAT_NAME
    layout = Layout.FOLDER
    capabilities = Capabilities(overlaps=True, relations=True, attributes=True, token_based=True)

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        """Shards are built in worker processes (:mod:`annotator.formats.workers`), one per
        core, while this process reads the documents and packs their user data."""
        check_spacy_installed()
        import srsly

        shard_size = shard_documents(options)
        workers = worker_count(options.extra)
        settings = ShardSettings(
            tuple(options.label_priority or schema.label_names), options.overlap_policy
        )
        report = LossReport()
        shards = 0

        def flush(data: bytes) -> None:
            nonlocal shards
            shards += 1
            with sink.member_binary(SHARD_NAME.format(shards)) as out:
                out.write(data)

        with cached_msgpack_extensions():
            payloads = (shard_payload(item, srsly.msgpack_dumps) for item in items)
            build = partial(build_shard, settings)
            batches = batched(payloads, shard_size)
            for data, shard_report in ordered_map(build, batches, workers, shard_size):
                flush(data)
                report.merge(shard_report)
        if not shards:
            flush(build_shard(settings, [])[0])
        return report

    def losses(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        options: ExportOptions | None = None,
    ) -> LossReport:
        nlp = blank_pipeline()
        report = LossReport()
        for item in items:
            doc = nlp.make_doc(item.document.text)
            report.merge(project(doc, item, schema, options or ExportOptions()).report)
        return report


class DocBinImporter:
    """Reads ``.spacy`` files with spaCy: one file, a folder of them (every ``.spacy`` file under
    it, by name) or a .zip of them, one file at a time. A document written by us comes back from
    its user data, exactly; any other gets its spans from every ``doc.spans`` group and
    ``doc.ents`` (identical label and extent once), without attributes or relations. Failures
    name the file, and the document's position in it (1-based) in their reason."""

    name = FORMAT_NAME

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | Failure]:
        require_spacy()
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*.spacy") if p.is_file()):
                yield from self._file(str(file), file.read_bytes, options)
            return
        if path.suffix.lower() == ".zip":
            try:
                archive = zipfile.ZipFile(path)
            except (OSError, zipfile.BadZipFile) as error:
                yield Failure(str(path), None, f"cannot read: {error}", "ANN130")
                return
            with archive:
                for info in sorted(archive.infolist(), key=lambda i: i.filename):
                    if not info.is_dir() and info.filename.lower().endswith(".spacy"):
                        name = f"{path}!{info.filename}"
                        yield from self._file(name, partial(archive.read, info), options)
            return
        yield from self._file(str(path), path.read_bytes, options)

    def _file(
        self, path: str, read: Callable[[], bytes], options: ImportOptions
    ) -> Iterator[AnnotatedDraft | Failure]:
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab

        try:
            data = read()
        except OSError as error:
            yield Failure(path, None, f"cannot read ({error.strerror or error})", "ANN133")
            return
        try:
            with cached_msgpack_extensions():
                docbin = DocBin(store_user_data=True).from_bytes(data)
        except Exception as error:  # spaCy raises ValueError, zlib.error, msgpack errors...
            yield Failure(path, None, f"not a spaCy DocBin file ({error})", "ANN131")
            return
        del data
        docs = docbin.get_docs(Vocab())
        extensions = msgpack_extensions()
        for number in count(1):
            with cached_msgpack_extensions(extensions):  # not across the yield: only in spaCy
                doc = next(docs, None)
            if doc is None:
                return
            origin = f"{path}#{number}"
            try:
                ours = doc.user_data.get(USER_DATA_KEY)
                if isinstance(ours, Mapping) and ours.get("format") == "annotator":
                    yield _from_user_data(doc.text, ours, origin, options)
                else:
                    yield _from_doc(doc, origin, options)
            except (OffsetError, KeyError, TypeError, ValueError) as error:
                reason = error.message if isinstance(error, OffsetError) else repr(error)
                yield Failure(path, None, f"document {number}: {reason}", "ANN132")


def _from_user_data(
    text: str, ours: Mapping[str, Any], origin: str, options: ImportOptions
) -> AnnotatedDraft:
    conv = OffsetConverter(text)
    spans = []
    for i, raw in enumerate(ours.get("spans") or ()):
        start = parse_offset(raw["start"], f"spans[{i}].start")
        end = parse_offset(raw["end"], f"spans[{i}].end")
        checked = check_span(
            conv, start, end, surface=raw.get("text"), unit=Unit.CODE_POINT, candidates=()
        )
        attributes: dict[str, AttributeValue] = {
            str(k): v for k, v in (raw.get("attributes") or {}).items()
        }
        spans.append(
            SpanRecord(
                str(raw["key"]),
                str(raw["label"]),
                checked.start,
                checked.end,
                attributes,
                str(raw.get("annotator") or options.annotator),
            )
        )
    keys = {s.key for s in spans}
    relations = []
    for i, raw in enumerate(ours.get("relations") or ()):
        source, target = str(raw["source"]), str(raw["target"])
        if source not in keys or target not in keys:
            raise ValueError(f"relations[{i}] names a span that is not in this document")
        relations.append(
            RelationRecord(
                str(raw["type"]), source, target, str(raw.get("annotator") or options.annotator)
            )
        )
    document = ours.get("document")
    draft, status = draft_from_meta(text, document if isinstance(document, Mapping) else {})
    return AnnotatedDraft(draft, origin, tuple(spans), tuple(relations), status)


def _from_doc(doc: Doc, origin: str, options: ImportOptions) -> AnnotatedDraft:
    spans: list[SpanRecord] = []
    seen: set[tuple[str, int, int]] = set()
    sources: list[tuple[str, Sequence[SpacySpan]]] = [
        (name, list(group)) for name, group in doc.spans.items()
    ]
    sources.append(("ents", list(doc.ents)))
    for name, group in sources:
        for i, span in enumerate(group):
            extent = (span.label_, span.start_char, span.end_char)
            if extent in seen or not span.label_ or span.start_char >= span.end_char:
                continue
            seen.add(extent)
            spans.append(
                SpanRecord(
                    f"{name}:{i}",
                    span.label_,
                    span.start_char,
                    span.end_char,
                    annotator=options.annotator,
                )
            )
    spans.sort(key=lambda s: (s.start, s.end))
    return AnnotatedDraft(DocumentDraft(text=doc.text), origin, tuple(spans))


EXPORTER = DocBinExporter()
IMPORTER = DocBinImporter()
