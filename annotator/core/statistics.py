"""Project statistics: documents by status, spans per label and per annotator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ProjectStatistics:
    documents_by_status: Mapping[str, int] = field(default_factory=dict)
    spans_by_label: Mapping[str, int] = field(default_factory=dict)
    spans_by_annotator: Mapping[str, int] = field(default_factory=dict)
    relations_by_type: Mapping[str, int] = field(default_factory=dict)

    @property
    def documents(self) -> int:
        return sum(self.documents_by_status.values())

    @property
    def spans(self) -> int:
        return sum(self.spans_by_label.values())

    @property
    def relations(self) -> int:
        return sum(self.relations_by_type.values())

    @property
    def done(self) -> int:
        return self.documents_by_status.get("done", 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "documents_by_status": dict(self.documents_by_status),
            "spans": self.spans,
            "spans_by_label": dict(self.spans_by_label),
            "spans_by_annotator": dict(self.spans_by_annotator),
            "relations": self.relations,
            "relations_by_type": dict(self.relations_by_type),
        }
