"""Reading ``.spacy`` files: one file, a folder of them or a .zip, a file at a time, with
spaCy's DocBin; our own documents come back exactly from their user data."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from itertools import count, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from annotator.core.document import DocumentDraft
from annotator.core.errors import OffsetError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import AttributeValue, LabelSchema
from annotator.formats.base import ImportOptions
from annotator.formats.offset_check import check_span, parse_offset
from annotator.formats.read_ahead import in_reading_worker
from annotator.formats.spacy_inflate import docbin_decompression
from annotator.formats.spacy_jsonl import draft_from_meta
from annotator.formats.spacy_pair import read_in_two
from annotator.formats.spacy_plain import plain_from_user_data
from annotator.formats.spacy_shard import import_spacy_without_cli
from annotator.formats.spacy_support import (
    FORMAT_NAME,
    USER_DATA_KEY,
    MsgpackExtensions,
    cached_msgpack_extensions,
    gc_kept,
    msgpack_extensions,
    require_spacy,
    user_data_loader,
)
from annotator.formats.spacy_texts import docbin_texts

if TYPE_CHECKING:
    from spacy.tokens import Doc, DocBin
    from spacy.tokens import Span as SpacySpan


class DocBinImporter:
    """Reads ``.spacy`` files with spaCy: one file, a folder of them (every ``.spacy`` file under
    it, by name) or a .zip of them, one file at a time. A document written by us comes back from
    its user data, exactly; any other gets its spans from every ``doc.spans`` group and
    ``doc.ents`` (identical label and extent once), without attributes or relations. Failures
    name the file, and the document's position in it (1-based) in their reason."""

    name = FORMAT_NAME

    def read(
        self, path: Path, schema: LabelSchema, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        forked = in_reading_worker()
        if forked and "spacy" not in sys.modules:
            import_spacy_without_cli()  # a reading worker (read_ahead) runs no spaCy command
        else:
            require_spacy()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.spacy") if p.is_file())
            if forked:
                yield from read_in_two(path, files, partial(self._path, options=options))
                return
            for file in files:
                yield from self._path(file, options)
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

    def _path(
        self, file: Path, options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        return self._file(str(file), file.read_bytes, options)

    def _file(
        self, path: str, read: Callable[[], bytes], options: ImportOptions
    ) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab

        try:
            data = read()
        except OSError as error:
            yield Failure(path, None, f"cannot read ({error.strerror or error})", "ANN133")
            return
        extensions = msgpack_extensions()
        try:
            with cached_msgpack_extensions(extensions), gc_kept(), docbin_decompression():
                docbin = DocBin(store_user_data=True).from_bytes(data)
        except Exception as error:  # spaCy raises ValueError, zlib.error, msgpack errors...
            yield Failure(path, None, f"not a spaCy DocBin file ({error})", "ANN131")
            return
        del data
        done = 0
        for number, (text, user_data) in enumerate(_ours(docbin, extensions), 1):
            try:
                draft: AnnotatedDraft | PlainDraft | Failure = _draft(
                    text, user_data, f"{path}#{number}", options
                )
            except (OffsetError, KeyError, TypeError, ValueError) as error:
                draft = _failure(path, number, error)
            yield draft
            done = number
        if done == len(docbin):
            return
        docs = islice(docbin.get_docs(Vocab()), done, None)  # the first one not ours, and on
        for number in count(done + 1):
            with cached_msgpack_extensions(extensions), gc_kept():  # not across the yield
                doc = next(docs, None)
            if doc is None:
                return
            origin = f"{path}#{number}"
            try:
                ours_data = doc.user_data.get(USER_DATA_KEY)
                if _is_ours(ours_data):
                    yield _draft(doc.text, ours_data, origin, options)
                else:
                    yield _from_doc(doc, origin, options)
            except (OffsetError, KeyError, TypeError, ValueError) as error:
                yield _failure(path, number, error)


def _failure(path: str, number: int, error: Exception) -> Failure:
    reason = error.message if isinstance(error, OffsetError) else repr(error)
    return Failure(path, None, f"document {number}: {reason}", "ANN132")


def _is_ours(user_data: object) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(user_data, Mapping) and user_data.get("format") == "annotator"


def _ours(docbin: DocBin, extensions: MsgpackExtensions) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each document's text and our user data, from the first document on, for as long as the
    documents are ours; the rest are made by ``DocBin.get_docs``.

    The text is what ``Doc.text`` joins (:mod:`annotator.formats.spacy_texts`); nothing else
    of a ``Doc`` is needed, as the user data holds the rest. A file whose texts cannot be told
    from its arrays goes to ``get_docs`` from its first document.
    """
    texts = docbin_texts(docbin)
    if texts is None:
        return
    load = user_data_loader(extensions)
    packed_data = docbin.user_data
    for i, text in enumerate(texts):
        try:
            data = load(packed_data[i] if i < len(packed_data) else None)  # type: ignore[arg-type]
        except Exception:  # whatever get_docs makes of it
            return
        ours = data.get(USER_DATA_KEY) if isinstance(data, Mapping) else None
        if not _is_ours(ours):
            return
        yield text, ours


def _draft(
    text: str, ours: Mapping[str, Any], origin: str, options: ImportOptions
) -> AnnotatedDraft | PlainDraft:
    """A PlainDraft when asked for one and the spans are plain, else what the user data says."""
    if options.plain:
        plain = plain_from_user_data(text, ours, origin, options)
        if plain is not None:
            return plain
    return _from_user_data(text, ours, origin, options)


def _from_user_data(
    text: str, ours: Mapping[str, Any], origin: str, options: ImportOptions
) -> AnnotatedDraft:
    conv: OffsetConverter | None = None
    spans = []
    for i, raw in enumerate(ours.get("spans") or ()):
        start = parse_offset(raw["start"], f"spans[{i}].start")
        end = parse_offset(raw["end"], f"spans[{i}].end")
        surface = raw.get("text")
        if not (0 <= start < end <= len(text) and surface == text[start:end]):
            conv = conv or OffsetConverter(text)  # check_span says what is wrong, if anything
            checked = check_span(
                conv, start, end, surface=surface, unit=Unit.CODE_POINT, candidates=()
            )
            start, end = checked.start, checked.end
        attributes: dict[str, AttributeValue] = {
            str(k): v for k, v in (raw.get("attributes") or {}).items()
        }
        spans.append(
            SpanRecord(
                str(raw["key"]),
                str(raw["label"]),
                start,
                end,
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
