"""Storing imported annotated documents in batches: new documents, or spans added to the
documents that already hold the same text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from operator import attrgetter
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Connection

from annotator.core.document import DocumentStatus
from annotator.core.ids import DocumentId
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.plain_draft import PlainDraft
from annotator.storage.annotators import AnnotatorCache
from annotator.storage.document_claims import documents_by_hash, lock_documents
from annotator.storage.fast_insert import (
    insert_columns,
    insert_columns_returning,
    insert_rows,
    insert_tuples,
)
from annotator.storage.rows import chunks
from annotator.storage.tables import documents, relations, spans


@dataclass(frozen=True, slots=True)
class StoredAnnotations:
    document_id: DocumentId
    created: bool
    spans_added: int
    spans_skipped: int
    relations_added: int


_SPAN_COLUMNS = (
    "document_id",
    "label",
    "start_offset",
    "end_offset",
    "attributes",
    "annotator_id",
    "fragments",
    "comment",
)


_EXTENT = attrgetter("label", "start", "end", "annotator")
"""What makes a span a duplicate: label, extent and annotator (layer)."""
_LABEL = attrgetter("label")
_START = attrgetter("start")
_END = attrgetter("end")
_ATTRIBUTES = attrgetter("attributes")
_ANNOTATOR = attrgetter("annotator")
_NOTE = attrgetter("note")
_FRAGMENTS = attrgetter("fragments")


class _AnnotatorIds(dict[str, int | None]):
    """Annotator ids by name for one batch (one lookup per span, no call on a hit)."""

    def __init__(self, connection: Connection, annotators: AnnotatorCache) -> None:
        super().__init__()
        self._connection = connection
        self._annotators = annotators

    def __missing__(self, name: str) -> int | None:
        found = self[name] = self._annotators.id_for(self._connection, name)
        return found


def store_batch(
    connection: Connection,
    batch: Sequence[AnnotatedDraft | PlainDraft],
    annotators: AnnotatorCache,
    now: datetime,
) -> list[StoredAnnotations]:
    """Store a batch with a handful of statements whatever its size: documents, spans and
    relations each go in with one executemany. Spans already present with the same label,
    extent and annotator are not added twice (each annotator has their own layer: two may mark
    the same words); relations already present are not either. A :class:`PlainDraft` that
    makes a document of its own goes in column by column; one that adds to a document is
    compared as an AnnotatedDraft."""
    lock_documents(connection)  # another importer's new texts are committed or wait for ours
    known = documents_by_hash(connection, [item.draft.content_hash for item in batch])
    new_items = [item for item in batch if item.draft.content_hash not in known]
    new_ids = _insert_documents(connection, _first_of_each_text(new_items), now)
    known.update(new_ids)
    created = set(new_ids.values())
    uses = Counter(known[item.draft.content_hash] for item in batch)
    ids_of = _AnnotatorIds(connection, annotators)
    items, plain_counts = _store_plain(connection, batch, known, created, uses, ids_of, now)
    existing = sorted({known[item.draft.content_hash] for item in batch} - created)
    present = _present_spans(connection, existing)
    present_links = _present_relations(connection, existing)

    span_rows: list[tuple[Any, ...]] = []
    span_keys: list[tuple[int, str]] = []  # (item index, key) of each row, for relations
    repeats: list[tuple[int, str, int]] = []  # (item index, key, row) of spans already in a row
    need_ids = any(item.relations for item in items if item is not None)
    ids_by_key: list[dict[str, int]] = [{} for _ in batch]
    counts = [[count, 0, 0] for count in plain_counts]  # added, skipped, relations
    fresh: list[SpanRecord] = []  # spans of the usual items, stored column by column
    fresh_documents: list[int] = []
    for index, item in enumerate(items):
        if item is None:
            continue  # stored by _store_plain
        document_id = known[item.draft.content_hash]
        if document_id in created and uses[document_id] == 1 and not need_ids:
            # The usual item: a new document of its own, nothing to compare with but itself.
            records = item.spans
            if len(set(map(_EXTENT, records))) == len(records):
                fresh += records
                fresh_documents += repeat(document_id, len(records))
                counts[index][0] = len(records)
                continue
        seen = present.setdefault(document_id, {})
        skipped = 0
        before = len(span_rows)
        add = span_rows.append
        for key, label, start, end, attributes, annotator, note, fragments in item.spans:
            annotator_id = ids_of[annotator]
            extent = (label, start, end, annotator_id)
            if extent in seen:
                found = seen[extent]
                if found > 0:
                    ids_by_key[index][key] = found
                elif need_ids:  # added earlier in this batch: its id once the insert gives it
                    repeats.append((index, key, -found - 1))
                skipped += 1
                continue
            seen[extent] = -len(span_rows) - 1  # the row's place until the insert gives an id
            if need_ids:
                span_keys.append((index, key))
            add(
                (
                    document_id,
                    label,
                    start,
                    end,
                    attributes,
                    annotator_id,
                    fragments or None,
                    note or None,
                )
            )
        counts[index][0] = len(span_rows) - before
        counts[index][1] = skipped
    _insert_fresh_spans(connection, fresh, fresh_documents, ids_of, now)
    new_span_ids = _insert_spans(connection, span_rows, need_ids, now)
    for (index, key), span_id in zip(span_keys, new_span_ids, strict=False):
        ids_by_key[index][key] = span_id
    for index, key, place in repeats:
        ids_by_key[index][key] = new_span_ids[place]
    link_rows: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if item is None or not item.relations:
            continue
        document_id = known[item.draft.content_hash]
        links = present_links.setdefault(document_id, set())
        for relation in item.relations:
            source = ids_by_key[index].get(relation.source)
            target = ids_by_key[index].get(relation.target)
            if source is None or target is None or source == target:
                continue
            link = (relation.type, source, target)
            if link in links:
                continue
            links.add(link)
            counts[index][2] += 1
            link_rows.append(
                {
                    "document_id": document_id,
                    "type": relation.type,
                    "source_id": source,
                    "target_id": target,
                    "annotator_id": ids_of[relation.annotator],
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "comment": relation.note or None,
                }
            )
    if link_rows:
        insert_rows(connection, relations, link_rows)
    _comment_documents(connection, [(known[i.draft.content_hash], i.comment) for i in batch])
    results = []
    first_use: set[DocumentId] = set()
    for index, stored in enumerate(batch):
        document_id = known[stored.draft.content_hash]
        was_created = document_id in created and document_id not in first_use
        first_use.add(document_id)
        added, skipped, linked = counts[index]
        results.append(StoredAnnotations(document_id, was_created, added, skipped, linked))
    return results


def _store_plain(
    connection: Connection,
    batch: Sequence[AnnotatedDraft | PlainDraft],
    known: dict[str, DocumentId],
    created: set[DocumentId],
    uses: Counter[DocumentId],
    ids_of: _AnnotatorIds,
    now: datetime,
) -> tuple[list[AnnotatedDraft | None], list[int]]:
    """Insert the spans of each PlainDraft that is the only item of a new document, column by
    column. Returns the batch with those items as ``None`` (the other PlainDrafts as
    AnnotatedDrafts), and how many spans each item added here."""
    items: list[AnnotatedDraft | None] = []
    counts: list[int] = []
    ids: list[DocumentId] = []
    sizes: list[int] = []
    annotator_ids: list[int | None] = []
    labels: list[tuple[str, ...]] = []
    starts: list[tuple[int, ...]] = []
    ends: list[tuple[int, ...]] = []
    for item in batch:
        if type(item) is not PlainDraft:
            items.append(item)  # type: ignore[arg-type]
            counts.append(0)
            continue
        document_id = known[item.draft.content_hash]
        if document_id not in created or uses[document_id] != 1:
            items.append(item.annotated())
            counts.append(0)
            continue
        items.append(None)
        counts.append(len(item.labels))
        ids.append(document_id)
        sizes.append(len(item.labels))
        annotator_ids.append(ids_of[item.annotator])
        labels.append(item.labels)
        starts.append(item.starts)
        ends.append(item.ends)
    total = sum(sizes)
    if total:
        flat = chain.from_iterable
        layers = set(annotator_ids)
        names = ["document_id", "label", "start_offset", "end_offset"]
        columns: list[Sequence[Any]] = [
            list(flat(map(repeat, ids, sizes))),
            list(flat(labels)),
            list(flat(starts)),
            list(flat(ends)),
        ]
        constants = dict(_PLAIN_SPAN, created_at=now, updated_at=now)
        if len(layers) == 1:
            constants["annotator_id"] = layers.pop()
        else:
            names.append("annotator_id")
            columns.append(list(flat(map(repeat, annotator_ids, sizes))))
        insert_columns(connection, spans, names, columns, constants=constants)
    return items, counts


_PLAIN_SPAN: dict[str, Any] = {"attributes": {}, "fragments": None, "comment": None, "version": 1}
"""The columns every plain span has the same value in (besides its import's time)."""


def _first_of_each_text(
    items: Sequence[AnnotatedDraft | PlainDraft],
) -> list[AnnotatedDraft | PlainDraft]:
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.draft.content_hash not in seen:
            seen.add(item.draft.content_hash)
            unique.append(item)
    return unique


def _insert_documents(
    connection: Connection, items: Sequence[AnnotatedDraft | PlainDraft], now: datetime
) -> dict[str, DocumentId]:
    if not items:
        return {}
    drafts = list(map(_DRAFT, items))
    hashes = list(map(_HASH, drafts))
    # Column by column (each a C loop over the batch): a dict per document cost as much as
    # its insert.
    names = list(_DRAFT_COLUMNS)
    columns: list[Sequence[Any]] = [list(map(get, drafts)) for get in _DRAFT_COLUMNS.values()]
    names += ["metadata", "length", "content_hash", "origin", "status", "comment"]
    columns += [
        [data if type(data) is dict else dict(data) for data in map(_METADATA, drafts)],
        list(map(len, map(_TEXT, drafts))),
        hashes,
        list(map(_ORIGIN, items)),
        list(map(_STATUS_VALUE.__getitem__, map(_STATUS, items))),
        [comment or None for comment in map(_COMMENT, items)],
    ]
    stamps = {"version": 1, "created_at": now, "updated_at": now}
    if connection.dialect.name != "sqlite":
        # The ids the insert returns: under READ COMMITTED a lookup by text afterwards could
        # find another writer's document with the same text, committed meanwhile.
        ids = insert_columns_returning(connection, documents, names, columns, stamps)
        return {digest: DocumentId(i) for digest, i in zip(hashes, ids, strict=True)}
    # One executemany, then the ids: SQLite's RETURNING in parameter order costs one statement
    # per document. Every text here is new to the project (and unique in ``items``), and the
    # write transaction (BEGIN IMMEDIATE) keeps every other writer out until it ends.
    # OR FAIL: no statement journal (see insert_columns); the import's one transaction is
    # rolled back on any error (AnnotationAccess.annotation_writer)
    insert_columns(connection, documents, names, columns, constants=stamps, or_fail=True)
    new_ids = _sqlite_new_ids(connection, len(drafts))
    if new_ids is None:
        return documents_by_hash(connection, hashes)
    return {digest: DocumentId(i) for digest, i in zip(hashes, new_ids, strict=True)}


_DRAFT = attrgetter("draft")
_HASH = attrgetter("content_hash")
_TEXT = attrgetter("text")
_ORIGIN = attrgetter("origin")
_STATUS = attrgetter("status")
_COMMENT = attrgetter("comment")
_METADATA = attrgetter("metadata")
_DRAFT_COLUMNS = {
    name: attrgetter(name)
    for name in ("external_id", "title", "source", "url", "published", "text")
}
"""The documents columns a DocumentDraft holds as they are stored."""
_STATUS_VALUE: dict[DocumentStatus | None, str] = {
    None: DocumentStatus.NEW.value,
    **{status: status.value for status in DocumentStatus},
}


def _sqlite_new_ids(connection: Connection, count: int) -> range | None:
    """The ids of the ``count`` documents just inserted, in order: SQLite gives each new row
    the largest id so far plus one, so they are the ``count`` ids up to the last inserted.
    ``None`` when that does not hold (an id at 2**63 - 1 makes SQLite pick ids at random)."""
    last, largest, rows = connection.exec_driver_sql(
        "SELECT last_insert_rowid(), (SELECT max(id) FROM documents), "
        "(SELECT count(*) FROM documents WHERE id > last_insert_rowid() - ?)",
        (count,),
    ).one()
    if last != largest or rows != count:
        return None
    return range(last - count + 1, last + 1)


def _insert_spans(
    connection: Connection, rows: list[tuple[Any, ...]], need_ids: bool, now: datetime
) -> list[int]:
    """Insert rows of :data:`_SPAN_COLUMNS`; with ``need_ids``, their new ids in row order."""
    if not rows:
        return []
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    if need_ids:
        result = connection.execute(
            spans.insert().returning(spans.c.id, sort_by_parameter_order=True),
            [dict(zip(_SPAN_COLUMNS, _core_span(row), strict=True)) | stamps for row in rows],
        )
        return [row[0] for row in result]
    insert_tuples(connection, spans, _SPAN_COLUMNS, rows, stamps)
    return []


def _insert_fresh_spans(
    connection: Connection,
    records: list[SpanRecord],
    document_ids: list[int],
    ids_of: _AnnotatorIds,
    now: datetime,
) -> None:
    """Insert spans that need no comparing, column by column: every loop here runs in C."""
    if not records:
        return
    count = len(records)
    pieces = list(map(_FRAGMENTS, records))
    notes = list(map(_NOTE, records))
    columns: list[Sequence[Any]] = [
        document_ids,
        list(map(_LABEL, records)),
        list(map(_START, records)),
        list(map(_END, records)),
        list(map(_ATTRIBUTES, records)),
        list(map(ids_of.__getitem__, map(_ANNOTATOR, records))),
        [piece or None for piece in pieces] if any(pieces) else [None] * count,
        [note or None for note in notes] if any(notes) else [None] * count,
        [now] * count,
        [now] * count,
        [1] * count,
    ]
    insert_columns(
        connection, spans, [*_SPAN_COLUMNS, "created_at", "updated_at", "version"], columns
    )


def _core_span(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row as Core binds it: attributes a dict, fragments lists."""
    document_id, label, start, end, attributes, annotator_id, fragments, note = row
    pieces = [list(piece) for piece in fragments] if fragments else None
    return (document_id, label, start, end, dict(attributes), annotator_id, pieces, note)


def _comment_documents(connection: Connection, comments: Sequence[tuple[DocumentId, str]]) -> None:
    """Give documents the comment their import carries, where they have none yet."""
    rows = [{"document_id": i, "comment": c} for i, c in dict(comments).items() if c]
    if rows:
        connection.execute(
            documents.update()
            .where(
                and_(
                    documents.c.id == bindparam("document_id"),
                    func.coalesce(documents.c.comment, "") == "",
                )
            )
            .values(comment=bindparam("comment")),
            rows,
        )


def _present_spans(
    connection: Connection, ids: Sequence[DocumentId]
) -> dict[DocumentId, dict[tuple[str, int, int, int | None], int]]:
    """Per document, the id of each span by (label, start, end, annotator id)."""
    found: dict[DocumentId, dict[tuple[str, int, int, int | None], int]] = {}
    for batch in chunks(ids):
        for span_id, document_id, label, start, end, annotator_id in connection.execute(
            select(
                spans.c.id,
                spans.c.document_id,
                spans.c.label,
                spans.c.start_offset,
                spans.c.end_offset,
                spans.c.annotator_id,
            ).where(spans.c.document_id.in_(batch))
        ):
            key = (label, start, end, annotator_id)
            found.setdefault(DocumentId(document_id), {})[key] = span_id
    return found


def _present_relations(
    connection: Connection, ids: Sequence[DocumentId]
) -> dict[DocumentId, set[tuple[str, int, int]]]:
    found: dict[DocumentId, set[tuple[str, int, int]]] = {}
    for batch in chunks(ids):
        for document_id, type_, source, target in connection.execute(
            select(
                relations.c.document_id,
                relations.c.type,
                relations.c.source_id,
                relations.c.target_id,
            ).where(relations.c.document_id.in_(batch))
        ):
            found.setdefault(DocumentId(document_id), set()).add((type_, source, target))
    return found
