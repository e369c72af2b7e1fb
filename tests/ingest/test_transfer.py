"""Batches sent to worker processes and back as tuples give exactly the in-process items."""

from __future__ import annotations

import pickle
from dataclasses import fields
from pathlib import Path

import pytest

from annotator.core.document import DocumentDraft, RawSource
from annotator.ingest import IngestedDocument, IngestOptions
from annotator.ingest.pipeline import batches
from annotator.ingest.reader import iter_units
from annotator.ingest.transfer import (
    DOCUMENT_FIELDS,
    DRAFT_FIELDS,
    RAW_FIELDS,
    pack_units,
    process_packed,
    unpack_items,
)
from annotator.ingest.units import Unit, process_units


@pytest.mark.parametrize("keep_raw", [True, False])
def test_packed_batches_give_the_same_items(tmp_path: Path, fixtures: Path, keep_raw: bool) -> None:
    (tmp_path / "broken.jsonl").write_text('{"text": "Fine."}\n{oops\n[1]\n')
    options = IngestOptions(keep_raw=keep_raw)
    units: list[Unit] = []
    for batch in batches(iter_units([fixtures, tmp_path], options, lambda origin: False)):
        if isinstance(batch, list):
            units.extend(batch)
    direct = process_units(units, options)
    answer = pickle.loads(pickle.dumps(process_packed(pack_units(units), options)))
    unpacked = unpack_items(units, answer, options)
    assert unpacked == direct
    documents = [item for item in direct if isinstance(item, IngestedDocument)]
    assert len(documents) >= 10
    assert len(documents) < len(direct)  # failures travel too
    for ours, theirs in zip(unpacked, direct, strict=True):
        if isinstance(theirs, IngestedDocument):
            assert isinstance(ours, IngestedDocument)
            assert ours.draft.content_hash == theirs.draft.content_hash
            assert ours.draft.raw == theirs.draft.raw
            assert (ours.draft.raw is None) == (not keep_raw)


def test_items_are_rebuilt_with_every_field() -> None:
    """``unpack_items`` sets the slots one by one: it must know every field."""
    assert tuple(field.name for field in fields(RawSource)) == RAW_FIELDS
    assert tuple(field.name for field in fields(IngestedDocument)) == DOCUMENT_FIELDS
    drafts = (*DRAFT_FIELDS, "raw", "content_hash")
    assert tuple(field.name for field in fields(DocumentDraft)) == drafts
