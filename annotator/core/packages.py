"""Annotator packages without the files: the manifest, layer fingerprints and merge decisions.

A package carries one annotator's layer (spans and relations) of some documents. Each document
entry names two fingerprints: ``layer`` (what the package holds) and ``base`` (the layer both
sides last agreed on, when it left the project it returns to). Merging replaces the project's
layer when the project has not changed it since (it still has ``base``), and reports a conflict
when both sides changed it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from annotator.core.annotation import Relation, Span
from annotator.core.errors import PackageError
from annotator.core.ids import DocumentId
from annotator.core.schema import LabelSchema, schema_to_mapping
from annotator.core.text import plural

PACKAGE_FORMAT = "annotator-package"
PACKAGE_VERSION = 1
MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"


def _digest(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _span_content(span: Span) -> list[Any]:
    return [
        span.label,
        span.start,
        span.end,
        sorted(span.attributes.items()),
        [list(f) for f in span.fragments],
        span.comment,
    ]


def layer_fingerprint(spans: Iterable[Span], relations: Iterable[Relation]) -> str:
    """What a layer says, whatever the ids and times: equal layers, equal fingerprints."""
    by_id = {s.id: s for s in spans}
    span_part = sorted(_span_content(s) for s in by_id.values())
    relation_part = sorted(
        [r.type, _span_content(by_id[r.source])[:3], _span_content(by_id[r.target])[:3], r.comment]
        for r in relations
        if r.source in by_id and r.target in by_id
    )
    return _digest([span_part, relation_part])


def schema_fingerprint(schema: LabelSchema) -> str:
    return _digest(schema_to_mapping(schema))


@dataclass(frozen=True, slots=True)
class PackageEntry:
    """One document of a package, as the manifest lists it."""

    content_hash: str
    title: str
    base: str
    layer: str
    spans: int
    relations: int

    def to_json(self) -> dict[str, Any]:
        return {
            "content_hash": self.content_hash,
            "title": self.title,
            "base_fingerprint": self.base,
            "layer_fingerprint": self.layer,
            "spans": self.spans,
            "relations": self.relations,
        }


@dataclass(frozen=True, slots=True)
class Manifest:
    project: str
    schema_fingerprint: str
    annotator: str
    created_at: datetime
    documents: tuple[PackageEntry, ...]
    format_version: int = PACKAGE_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PACKAGE_FORMAT,
            "format_version": self.format_version,
            "project": self.project,
            "schema_fingerprint": self.schema_fingerprint,
            "annotator": self.annotator,
            "created_at": self.created_at.isoformat(),
            "documents": [d.to_json() for d in self.documents],
        }

    def entry(self, content_hash: str) -> PackageEntry | None:
        for entry in self.documents:
            if entry.content_hash == content_hash:
                return entry
        return None


def manifest_from_json(data: object, *, where: str) -> Manifest:
    """Validate a parsed manifest; errors name ``where`` (the package file)."""
    if not isinstance(data, Mapping) or data.get("format") != PACKAGE_FORMAT:
        raise PackageError(f"{where}: not an annotator package (no manifest)", code="ANN232")
    version = data.get("format_version")
    if version != PACKAGE_VERSION:
        raise PackageError(
            f"{where}: package format version {version!r}; this program reads version "
            f"{PACKAGE_VERSION}",
            code="ANN233",
        )
    try:
        annotator = data["annotator"]
        if not isinstance(annotator, str) or not annotator:
            raise ValueError("annotator must be a non-empty name")
        entries = tuple(
            PackageEntry(
                str(raw["content_hash"]),
                str(raw.get("title") or ""),
                str(raw["base_fingerprint"]),
                str(raw["layer_fingerprint"]),
                int(raw.get("spans") or 0),
                int(raw.get("relations") or 0),
            )
            for raw in data["documents"]
        )
        return Manifest(
            str(data.get("project") or ""),
            str(data.get("schema_fingerprint") or ""),
            annotator,
            datetime.fromisoformat(str(data["created_at"])),
            entries,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PackageError(f"{where}: malformed manifest ({error})", code="ANN232") from None


class Decision(StrEnum):
    UNCHANGED = "unchanged"
    """The project already holds the package's layer."""
    UPDATE = "update"
    """The project's layer is as the package left it (or empty and never exchanged): take the
    package's."""
    CONFLICT = "conflict"
    """Both sides changed the layer since they last agreed."""


def decide(current: str, untouched: bool, entry: PackageEntry) -> Decision:
    """``untouched``: the project's layer is empty and was never exchanged."""
    if current == entry.layer:
        return Decision.UNCHANGED
    if current == entry.base or untouched:
        return Decision.UPDATE
    return Decision.CONFLICT


def schema_gaps(
    schema: LabelSchema, spans: Iterable[Span], relations: Iterable[Relation]
) -> tuple[set[str], set[str]]:
    """Labels and relation types the package uses that the schema does not have."""
    labels = {s.label for s in spans if schema.label(s.label) is None}
    types = {r.type for r in relations if schema.relation_type(r.type) is None}
    return labels, types


def describe_difference(
    project: Sequence[Span], package: Sequence[Span], text: str, shown: int = 3
) -> str:
    """What differs between two versions of a layer, in words, for a conflict report."""

    def key(span: Span) -> tuple[object, ...]:
        return (span.label, span.start, span.end, tuple(sorted(span.attributes.items())))

    ours = {key(s): s for s in project}
    theirs = {key(s): s for s in package}
    only_ours = [ours[k] for k in sorted(set(ours) - set(theirs), key=repr)]
    only_theirs = [theirs[k] for k in sorted(set(theirs) - set(ours), key=repr)]

    def listed(spans: list[Span]) -> str:
        names = [f"{s.label} {text[s.start : s.end]!r} ({s.start}-{s.end})" for s in spans]
        more = f" and {len(names) - shown} more" if len(names) > shown else ""
        return ", ".join(names[:shown]) + more

    parts = []
    if only_ours:
        parts.append(f"{plural(len(only_ours), 'span')} only in the project: {listed(only_ours)}")
    if only_theirs:
        parts.append(
            f"{plural(len(only_theirs), 'span')} only in the package: {listed(only_theirs)}"
        )
    return "; ".join(parts) or "the relations, comments or fragments differ"


@dataclass(frozen=True, slots=True)
class Conflict:
    file: str
    document_id: DocumentId
    title: str
    annotator: str
    difference: str

    def __str__(self) -> str:
        return (
            f"{self.file}: document {self.document_id} ({self.title}): {self.annotator}'s layer "
            f"was changed both in the project and in the package; kept the project's. "
            f"{self.difference} [ANN237]"
        )


@dataclass(slots=True)
class MergeReport:
    """What merging packages did, document by document."""

    added: list[DocumentId] = field(default_factory=list)
    updated: list[DocumentId] = field(default_factory=list)
    unchanged: list[DocumentId] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cancelled: bool = False
    """Stopped on Cancel: the documents listed were merged, the rest of the packages not."""

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.errors

    @property
    def changed(self) -> list[DocumentId]:
        return self.added + self.updated

    def summary(self) -> str:
        stopped = "cancelled after " if self.cancelled else ""
        return (
            f"{stopped}{plural(len(self.added), 'document')} added, {len(self.updated):,} "
            f"updated, {len(self.unchanged):,} unchanged, "
            f"{plural(len(self.conflicts), 'conflict')}, {plural(len(self.errors), 'error')}"
        )

    def lines(self) -> list[str]:
        return [str(c) for c in self.conflicts] + list(self.errors)
