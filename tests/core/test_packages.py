"""Package manifests, layer fingerprints and merge decisions, without files or a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from annotator.core.annotation import Relation, Span
from annotator.core.errors import PackageError
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.packages import (
    Decision,
    Manifest,
    PackageEntry,
    decide,
    layer_fingerprint,
    manifest_from_json,
)

DOC = DocumentId(1)


def test_fingerprints_ignore_ids_times_and_order_but_not_content() -> None:
    a = Span(SpanId(1), DOC, "ACTOR", 0, 5, {"kind": "official"}, "ana")
    b = Span(SpanId(2), DOC, "LOCATION", 9, 14, {}, "ana")
    link = Relation(RelationId(1), DOC, "LOCATED_IN", a.id, b.id, "ana")
    moved = [replace(b, id=SpanId(20)), replace(a, id=SpanId(10), created_at=datetime.now(UTC))]
    moved_link = replace(link, id=RelationId(7), source=SpanId(10), target=SpanId(20))
    assert layer_fingerprint([a, b], [link]) == layer_fingerprint(moved, [moved_link])
    assert layer_fingerprint([a, b], [link]) != layer_fingerprint([a, b], [])
    assert layer_fingerprint([a], []) != layer_fingerprint([replace(a, attributes={})], [])
    assert layer_fingerprint([a], []) != layer_fingerprint([replace(a, comment="check")], [])


@pytest.mark.parametrize(
    ("current", "untouched", "expected"),
    [
        ("L", False, Decision.UNCHANGED),
        ("B", False, Decision.UPDATE),
        ("E", True, Decision.UPDATE),
        ("E", False, Decision.CONFLICT),
        ("X", False, Decision.CONFLICT),
    ],
)
def test_decisions(current: str, untouched: bool, expected: Decision) -> None:
    assert decide(current, untouched, PackageEntry("h", "t", "B", "L", 1, 0)) is expected


def test_manifest_round_trip_and_refusals() -> None:
    manifest = Manifest(
        "p", "s", "ana", datetime(2026, 1, 1, tzinfo=UTC), (PackageEntry("h", "t", "B", "L", 1, 0),)
    )
    assert manifest_from_json(manifest.to_json(), where="x.zip") == manifest
    with pytest.raises(PackageError, match=r"x.zip: not an annotator package") as caught:
        manifest_from_json({"format": "other"}, where="x.zip")
    assert caught.value.code == "ANN232"
    with pytest.raises(PackageError, match="version 99") as caught:
        manifest_from_json({**manifest.to_json(), "format_version": 99}, where="x.zip")
    assert caught.value.code == "ANN233"
    with pytest.raises(PackageError, match="malformed manifest"):
        manifest_from_json({**manifest.to_json(), "documents": [{}]}, where="x.zip")
