"""The viewer's context menu: the standard text actions plus the span under the mouse's own
(link, comment, remove a fragment) and "Add Fragment to Span" while text is selected."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from annotator.gui.viewer.viewer import DocumentViewer


def context_menu(viewer: DocumentViewer, point: QPoint) -> QMenu:
    """The menu at a viewport point of ``viewer``; the window's extra actions at the end."""
    menu = viewer.createStandardContextMenu(point)
    ours = _span_actions(viewer, point, menu)
    ours.extend(_fragment_actions(viewer, menu))
    actions = menu.actions()
    for action in ours:
        if actions:
            menu.insertAction(actions[0], action)
        else:
            menu.addAction(action)
    if ours and actions:
        menu.insertSeparator(actions[0])
    extra = viewer.extra_context_actions()
    if extra:
        menu.addSeparator()
        menu.addActions(extra)
    return menu


def _action(menu: QMenu, text: str, name: str, shortcut: str = "") -> QAction:
    action = QAction(text, menu)
    action.setObjectName(name)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    return action


def _span_actions(viewer: DocumentViewer, point: QPoint, menu: QMenu) -> list[QAction]:
    """For the span under the mouse (the selected one when several are there)."""
    ids = viewer.spans_under(point)
    if not ids:
        return []
    selected = viewer.selected_span_id()
    span_id = selected if selected in ids else ids[0]
    link = _action(menu, "Link from Here…", "linkFromHere", "R")
    link.triggered.connect(lambda _c=False, s=span_id: viewer.link_from(s))
    comment = _action(menu, "Comment…", "commentSpan", "#")
    comment.triggered.connect(lambda _c=False, s=span_id: viewer.commentRequested.emit(s))
    found = [link, comment]
    offset = viewer.offset_at(point)
    piece = viewer.piece_at(span_id, offset) if offset is not None else None
    if piece is not None and viewer.is_discontinuous(span_id):
        remove = _action(menu, "Remove This Fragment", "removeFragment")
        remove.triggered.connect(
            lambda _c=False, s=span_id, p=piece: viewer.fragmentRemoveRequested.emit(s, *p)
        )
        found.append(remove)
    return found


def _fragment_actions(viewer: DocumentViewer, menu: QMenu) -> list[QAction]:
    start, end = viewer.selection_offsets()
    if viewer.fragment_target() is None or start >= end:
        return []
    add = _action(menu, "Add Fragment to Span", "addFragment", "+")
    add.triggered.connect(lambda _c=False: viewer.fragmentAddRequested.emit())
    return [add]


__all__ = ["context_menu"]
