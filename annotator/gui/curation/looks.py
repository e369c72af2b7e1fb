"""How a disagreement's decision and its candidate versions look in the curation table:
a glyph, a font style and an Okabe-Ito colour each, so no state depends on colour alone."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QTableWidgetItem

from annotator.core.curation import Alternative
from annotator.core.curation_decisions import Decision

KEPT_LIGHT, KEPT_DARK = QColor("#007A5A"), QColor("#3FCFA4")
"""Bluish green (Okabe-Ito), darker or lighter for contrast with the theme's base colour."""
REJECTED_LIGHT, REJECTED_DARK = QColor("#B34700"), QColor("#FF8A4C")
"""Vermillion (Okabe-Ito)."""
LEGEND = (
    "✓ a version kept · ✎ the curator's own · ✗ nothing kept (rejected) · — undecided · "
    "struck-out versions were not kept"
)


def who(annotator: str) -> str:
    return annotator or "(unnamed)"


def decision_text(decision: Decision, state: Alternative | None) -> str:
    if decision is Decision.KEPT and state is not None:
        return "✓ " + ", ".join(who(a) for a in state.annotators)
    return {
        Decision.OWN: "✎ the curator's own",
        Decision.REJECTED: "✗ nothing kept",
    }.get(decision, "—")


def decision_tip(decision: Decision, state: Alternative | None) -> str:
    if decision is Decision.KEPT and state is not None:
        return f"Kept: the version of {', '.join(who(a) for a in state.annotators)}"
    return {
        Decision.OWN: "The curator's own edit: none of the annotators' versions as they are",
        Decision.REJECTED: "Rejected: the curated layer keeps nothing here",
    }.get(decision, "Undecided: press 1–9 to keep a version, or 0 to keep nothing")


def style_decision(
    item: QTableWidgetItem, decision: Decision, state: Alternative | None, palette: QPalette
) -> None:
    """The Curated column: green and bold when kept, vermillion italic when rejected, muted
    italic while undecided."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    font = QFont(item.font())
    if decision is Decision.KEPT:
        font.setBold(True)
        item.setForeground(QBrush(KEPT_DARK if dark else KEPT_LIGHT))
    elif decision is Decision.REJECTED:
        font.setBold(True)
        font.setItalic(True)
        item.setForeground(QBrush(REJECTED_DARK if dark else REJECTED_LIGHT))
    elif decision is Decision.UNDECIDED:
        font.setItalic(True)
        item.setForeground(QBrush(palette.color(QPalette.ColorRole.PlaceholderText)))
    item.setFont(font)
    item.setToolTip(decision_tip(decision, state))


def style_candidate(
    item: QTableWidgetItem,
    version: Alternative,
    decision: Decision,
    state: Alternative | None,
    palette: QPalette,
) -> None:
    """An annotator's ``version``: bold when kept (keeping nothing keeps the versions that
    propose nothing), struck out and muted when the decision left it out, as it is while
    undecided."""
    font = QFont(item.font())
    text = item.text()
    if decision is Decision.UNDECIDED:
        item.setToolTip(f"{text}\n\nUndecided")
        return
    kept = (decision is Decision.KEPT and version == state) or (
        decision is Decision.REJECTED and version.empty
    )
    if kept:
        font.setBold(True)
        item.setToolTip(f"{text}\n\nKept in the curated layer")
    else:
        font.setStrikeOut(True)
        item.setForeground(QBrush(palette.color(QPalette.ColorRole.PlaceholderText)))
        item.setToolTip(f"{text}\n\nNot kept")
    item.setFont(font)
