"""What the viewer's tooltips say: a span's label, attributes, text and comment; a relation."""

from __future__ import annotations

import html

from PySide6.QtGui import QColor

from annotator.core.annotation import Relation, Span
from annotator.core.schema import AttributeValue

TOOLTIP_TEXT_LIMIT = 160
"""Longer span texts are shortened in the middle in tooltips."""


def describe_span(span: Span, color: QColor, document_text: str) -> str:
    """One paragraph: the label's colour swatch and name, the attributes, the text (a
    discontinuous span's pieces joined by " … ") and the comment."""
    text = " … ".join(" ".join(document_text[a:b].split()) for a, b in span.pieces)
    if len(text) > TOOLTIP_TEXT_LIMIT:
        half = TOOLTIP_TEXT_LIMIT // 2
        text = text[:half].rstrip() + " … " + text[-half:].lstrip()
    attributes = "; ".join(
        f"{html.escape(name)}: {html.escape(attribute_text(value))}"
        for name, value in sorted(span.attributes.items())
    )
    parts = [f"<span style='color:{color.name()}'>&#9632;</span> <b>{html.escape(span.label)}</b>"]
    if attributes:
        parts.append(f" &nbsp;<span>{attributes}</span>")
    parts.append(f"<br><i>“{html.escape(text)}”</i>")
    if span.comment:
        parts.append(comment_html(span.comment))
    return f"<p style='margin:0 0 6px 0'>{''.join(parts)}</p>"


def describe_relation(relation: Relation) -> str:
    comment = comment_html(relation.comment) if relation.comment else ""
    return f"<p style='margin:0'><b>{html.escape(relation.type)}</b>{comment}</p>"


def comment_html(comment: str) -> str:
    lines = "<br>".join(html.escape(line) for line in comment.splitlines())
    return f"<br><b>Comment:</b> {lines}"


def attribute_text(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


__all__ = ["TOOLTIP_TEXT_LIMIT", "describe_relation", "describe_span"]
