"""Reading ``.spacy`` files: one file, a folder of them or a .zip, a file at a time, with
spaCy's DocBin; our own documents come back exactly from their user data."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from itertools import count, islice, pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from annotator.core.document import DocumentDraft
from annotator.core.errors import OffsetError
from annotator.core.interchange import AnnotatedDraft, RelationRecord, SpanRecord
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.reports import Failure
from annotator.core.schema import AttributeValue, LabelSchema
from annotator.formats.base import ImportOptions
from annotator.formats.offset_check import check_span, parse_offset
from annotator.formats.spacy_jsonl import draft_from_meta
from annotator.formats.spacy_support import (
    FORMAT_NAME,
    USER_DATA_KEY,
    MsgpackExtensions,
    cached_msgpack_extensions,
    msgpack_extensions,
    require_spacy,
)

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
        extensions = msgpack_extensions()
        done = 0
        for number, (text, user_data) in enumerate(_ours(docbin, extensions), 1):
            try:
                draft: AnnotatedDraft | Failure = _from_user_data(
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
            with cached_msgpack_extensions(extensions):  # not across the yield: only in spaCy
                doc = next(docs, None)
            if doc is None:
                return
            origin = f"{path}#{number}"
            try:
                ours_data = doc.user_data.get(USER_DATA_KEY)
                if _is_ours(ours_data):
                    yield _from_user_data(doc.text, ours_data, origin, options)
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

    The text is what ``Doc.text`` joins: each token's ORTH string and a space where it has one,
    looked up in the file's own strings for the whole file at once; nothing else of a ``Doc``
    is needed, as the user data holds the rest. A file with unknown spaces, or a token whose
    string is not in the file, goes to ``get_docs`` from its first document.
    """
    import srsly  # type: ignore[import-untyped]

    texts = _texts(docbin)
    if texts is None:
        return
    for i, text in enumerate(texts):
        packed = docbin.user_data[i] if i < len(docbin.user_data) else None
        try:
            with cached_msgpack_extensions(extensions):
                data = srsly.msgpack_loads(packed, use_list=False)  # as get_docs loads it
        except Exception:  # whatever get_docs makes of it
            return
        ours = data.get(USER_DATA_KEY) if isinstance(data, Mapping) else None
        if not _is_ours(ours):
            return
        yield text, ours


def _texts(docbin: DocBin) -> Iterator[str] | None:
    """The documents' texts from their tokens (see :func:`_ours`), or None."""
    import numpy
    from spacy.attrs import ORTH  # type: ignore[import-not-found]
    from spacy.strings import get_string_id

    if ORTH not in docbin.attrs or any(f.get("has_unknown_spaces") for f in docbin.flags):
        return None
    if not len(docbin):
        return iter(())
    strings = sorted(docbin.strings)
    keys = numpy.fromiter(map(get_string_id, strings), dtype=numpy.uint64, count=len(strings))
    order = numpy.argsort(keys)
    keys = keys[order]
    words = numpy.asarray(strings, dtype=object)[order]
    pieces = numpy.concatenate((words, words + " "))  # each string, then with its space
    column = docbin.attrs.index(ORTH)
    orths = numpy.concatenate([tokens[:, column] for tokens in docbin.tokens])
    spaces = numpy.concatenate([spaces[:, 0] for spaces in docbin.spaces])
    found = numpy.minimum(numpy.searchsorted(keys, orths), max(len(keys) - 1, 0))
    if len(orths) and (not len(keys) or not (keys[found] == orths).all()):
        return None
    pieces = pieces[found + len(keys) * spaces] if len(orths) else orths
    bounds = numpy.cumsum([0, *map(len, docbin.tokens)]).tolist()
    return ("".join(pieces[a:b].tolist()) for a, b in pairwise(bounds))


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
