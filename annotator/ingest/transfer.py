"""Batches to and from worker processes as plain tuples: cheap to pickle, no data sent twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from annotator.core.document import DocumentDraft, RawSource
from annotator.ingest.items import IngestedDocument, IngestFailure, IngestItem
from annotator.ingest.options import IngestOptions
from annotator.ingest.units import FileUnit, RecordUnit, Unit, process_units

PackedUnit = tuple[Any, ...]
PackedItem = tuple[Any, ...]
"""A document as ``(text, title, source, url, published, metadata, external_id, raw,
content_hash, signature)``; a failure as ``(reason, code, line)``. The origin, file and line of a
document and the raw bytes of a record are the main process's own unit: they are not sent back.
"""

DRAFT_FIELDS = ("text", "title", "source", "url", "published", "metadata", "external_id")
_Setter = Callable[[object, Any], None]
_DRAFT_SETTERS: tuple[_Setter, ...] = tuple(
    vars(DocumentDraft)[name].__set__ for name in (*DRAFT_FIELDS, "raw", "content_hash")
)
"""The slots' own setters: a frozen dataclass refuses ``setattr``, and ``object.__setattr__``
looks the name up each time (twice the cost; a draft is rebuilt for every article)."""
_FIELD_SETTERS, (_SET_RAW, _SET_HASH) = _DRAFT_SETTERS[:-2], _DRAFT_SETTERS[-2:]
RAW_FIELDS = ("name", "content", "media_type")
DOCUMENT_FIELDS = ("origin", "file", "line", "draft", "signature")
"""The fields ``_raw`` and ``_document`` set, all of their classes' (a test checks)."""
_SET_NAME, _SET_CONTENT, _SET_MEDIA = (vars(RawSource)[name].__set__ for name in RAW_FIELDS)
_SET_ORIGIN, _SET_FILE, _SET_LINE, _SET_DRAFT, _SET_SIGNATURE = (
    vars(IngestedDocument)[name].__set__ for name in DOCUMENT_FIELDS
)
_new = object.__new__


def _raw(name: str, content: bytes, media_type: str) -> RawSource:
    """``RawSource(name, content, media_type)`` without the frozen ``__init__`` (which sets
    each field through ``object.__setattr__``: twice the cost)."""
    made: RawSource = _new(RawSource)
    _SET_NAME(made, name)
    _SET_CONTENT(made, content)
    _SET_MEDIA(made, media_type)
    return made


def _document(
    origin: str, file: str, line: int | None, draft: DocumentDraft, signature: bytes
) -> IngestedDocument:
    """``IngestedDocument(...)`` likewise (one is made for every article)."""
    made: IngestedDocument = _new(IngestedDocument)
    _SET_ORIGIN(made, origin)
    _SET_FILE(made, file)
    _SET_LINE(made, line)
    _SET_DRAFT(made, draft)
    _SET_SIGNATURE(made, signature)
    return made


def pack_units(units: Sequence[Unit]) -> list[PackedUnit]:
    """Units as tuples (a frozen dataclass pickles through Python code, a tuple does not)."""
    return [
        (unit.origin, unit.kind, unit.path, unit.data)
        if isinstance(unit, FileUnit)
        else tuple(unit)
        for unit in units
    ]


def _unit(packed: PackedUnit) -> Unit:
    return FileUnit(*packed) if len(packed) == 4 else RecordUnit(*packed)


def _pack_item(unit: Unit, item: IngestItem) -> PackedItem:
    if isinstance(item, IngestFailure):
        return (item.reason, item.code, item.line)
    draft = item.draft
    raw = None if isinstance(unit, RecordUnit) else draft.raw
    return (
        draft.text,
        draft.title,
        draft.source,
        draft.url,
        draft.published,
        draft.metadata,
        draft.external_id,
        raw,
        draft.content_hash,
        item.signature,
    )


def process_packed(units: Sequence[PackedUnit], options: IngestOptions) -> list[PackedItem]:
    """What a worker process runs: ``process_units`` over a packed batch, packed results."""
    batch = [_unit(data) for data in units]
    items = process_units(batch, options)
    return [_pack_item(unit, item) for unit, item in zip(batch, items, strict=True)]


def _draft(packed: PackedItem, raw: RawSource | None) -> DocumentDraft:
    """The draft as the worker made it, without hashing its text again."""
    draft: DocumentDraft = _new(DocumentDraft)
    text, title, source, url, published, metadata, external_id = packed[:7]
    set_text, set_title, set_source, set_url, set_published, set_metadata, set_id = _FIELD_SETTERS
    set_text(draft, text)
    set_title(draft, title)
    set_source(draft, source)
    set_url(draft, url)
    set_published(draft, published)
    set_metadata(draft, metadata)
    set_id(draft, external_id)
    _SET_RAW(draft, raw)
    _SET_HASH(draft, packed[8])
    return draft


def unpack_items(
    units: Sequence[Unit], packed: Sequence[PackedItem], options: IngestOptions
) -> list[IngestItem]:
    """The items ``process_unit`` would have returned for ``units``, from a worker's answer."""
    items: list[IngestItem] = []
    keep_raw = options.keep_raw
    for unit, data in zip(units, packed, strict=True):
        if isinstance(unit, RecordUnit):
            file, line = unit.file, unit.line
        else:
            file, line = unit.origin, None
        if len(data) == 3:
            reason, code, failed_line = data
            items.append(IngestFailure(unit.origin, file, failed_line, reason, code))
            continue
        raw = data[7]
        if keep_raw and isinstance(unit, RecordUnit):
            raw = _raw(unit.origin, unit.raw, unit.media_type)
        items.append(_document(unit.origin, file, line, _draft(data, raw), data[9]))
    return items
