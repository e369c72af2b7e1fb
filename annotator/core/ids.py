"""Typed identifiers for the domain's entities."""

from __future__ import annotations

from typing import NewType

DocumentId = NewType("DocumentId", int)
SpanId = NewType("SpanId", int)
RelationId = NewType("RelationId", int)
AnnotatorId = NewType("AnnotatorId", int)
