"""Relation commands: link the selected span to another one, retype and delete relations.

Linking: R (or "Link from Here…" in a span's context menu) starts it from the selected span; a
click on the target span, or Tab/Shift+Tab through the spans it may link to (nearest first) and
Enter, finishes it; Escape or a right click cancels. The type comes from the schema: the only
type allowed for the two labels is used at once, several are offered in a small menu at the
click, none refuses with a message that names the pairs the source may link to. Every change is
one edit on the document's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu

from annotator.core.annotation import Relation, Span
from annotator.core.edits import AddRelation, RemoveRelation, RetypeRelation
from annotator.core.ids import RelationId
from annotator.core.schema import LabelSchema
from annotator.gui.current import OpenDocument
from annotator.gui.undo import UndoStacks
from annotator.gui.viewer import DocumentViewer

QUOTE_LIMIT = 40


def quote(text: str, span: Span, limit: int = QUOTE_LIMIT) -> str:
    shown = " … ".join(" ".join(text[a:b].split()) for a, b in span.pieces)
    return f"“{shown if len(shown) <= limit else shown[: limit - 1] + '…'}”"


class RelationCommands(QObject):
    """Creates, retypes and deletes relations of the open document through the undo stack."""

    message = Signal(str)

    def __init__(
        self,
        viewer: DocumentViewer,
        stacks: UndoStacks,
        current: Callable[[], OpenDocument | None],
        schema: Callable[[], LabelSchema | None],
        annotator: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._viewer = viewer
        self._stacks = stacks
        self._current = current
        self._schema = schema
        self._annotator = annotator
        self._candidates: list[int] = []
        self._candidate = -1
        self.type_menu: QMenu | None = None
        """The menu of types while one is open (several types fit the pair)."""
        viewer.linkFromRequested.connect(self.start)
        viewer.linkTargetChosen.connect(self._target_chosen)
        viewer.linkCycle.connect(self.cycle)
        viewer.linkConfirmed.connect(self.confirm)
        viewer.linkCancelled.connect(self.cancel)

    # -- linking --------------------------------------------------------------------------------

    def start(self, span_id: int | None = None) -> bool:
        """Start linking from ``span_id`` (default: the selected span)."""
        document = self._current()
        schema = self._schema()
        if document is None or schema is None:
            return False
        if span_id is None or isinstance(span_id, bool):
            span_id = self._viewer.selected_span_id()
        source = document.span(span_id)
        if source is None:
            self.message.emit("Select the source span first (click it), then press R to link it.")
            return False
        if not any(source.label in rt.source_labels for rt in schema.relation_types):
            self.message.emit(f"No relation type starts at a {source.label} span.")
            return False
        candidates = [
            span
            for span in self._viewer.shapes()
            if span.id != source.id and schema.relation_types_for(source.label, span.label)
        ]
        candidates.sort(key=lambda span: (abs(span.start - source.start), span.start, span.id))
        self._candidates = [int(span.id) for span in candidates]
        self._candidate = -1
        allowed = set(self._candidates)
        self._viewer.start_linking(int(source.id), lambda target: target in allowed)
        self._viewer.setFocus()
        self.message.emit(
            f"Link {source.label} {quote(document.text, source)} to… click the target span "
            "(Tab: next candidate, Enter: link, Esc: cancel)"
        )
        return True

    def cancel(self) -> None:
        if self._viewer.is_linking():
            self._viewer.stop_linking()
            self.message.emit("Linking cancelled.")

    def cycle(self, step: int) -> None:
        """Tab / Shift+Tab: the next / previous candidate target, nearest first."""
        if not self._viewer.is_linking():
            return
        if not self._candidates:
            self.message.emit("No span in this document can be the target of such a link.")
            return
        self._candidate = (self._candidate + step) % len(self._candidates)
        target = self._candidates[self._candidate]
        self._viewer.set_link_target(target)
        document = self._current()
        span = document.span(target) if document else None
        if document is not None and span is not None:
            self.message.emit(
                f"Target {self._candidate + 1}/{len(self._candidates)}: {span.label} "
                f"{quote(document.text, span)} (Enter: link)"
            )

    def confirm(self) -> None:
        """Enter: link to the candidate chosen with Tab."""
        target = self._viewer.link_target()
        if target is None:
            self.message.emit("Press Tab to choose a target, or click it.")
            return
        self._target_chosen(target, self._viewer.mapToGlobal(self._viewer.cursorRect().center()))

    def _target_chosen(self, target_id: int, where: QPoint) -> None:
        document = self._current()
        schema = self._schema()
        source_id = self._viewer.linking_source()
        if document is None or schema is None or source_id is None:
            return
        source = document.span(source_id)
        target = document.span(target_id)
        if source is None or target is None:
            return
        types = [rt.name for rt in schema.relation_types_for(source.label, target.label)]
        if not types:
            self.message.emit(self._refusal(schema, source.label, target.label))
            return
        if len(types) == 1:
            self.link(source, target, types[0])
            return
        menu = QMenu(self._viewer)
        menu.setObjectName("relationTypeMenu")
        for name in types:
            action = menu.addAction(name)
            action.triggered.connect(lambda _c=False, n=name: self.link(source, target, n))
        menu.aboutToHide.connect(menu.deleteLater)
        self.type_menu = menu
        menu.destroyed.connect(lambda: setattr(self, "type_menu", None))
        menu.popup(where if not where.isNull() else QCursor.pos())

    @staticmethod
    def _refusal(schema: LabelSchema, source_label: str, target_label: str) -> str:
        pairs = [
            f"{source_label} → {'/'.join(sorted(rt.target_labels))} ({rt.name})"
            for rt in schema.relation_types
            if source_label in rt.source_labels
        ]
        return f"No relation type links {source_label} to {target_label}. Allowed: " + "; ".join(
            pairs
        )

    def link(self, source: Span, target: Span, type_name: str) -> bool:
        document = self._current()
        if document is None:
            return False
        self._viewer.stop_linking()
        if any(
            r.type == type_name and r.source == source.id and r.target == target.id
            for r in document.relations.values()
        ):
            self.message.emit(f"This {type_name} relation already exists.")
            return False
        edit = AddRelation(
            document.id, type_name, source.id, target.id, annotator=self._annotator()
        )
        if not self._stacks.push(edit):
            return False
        for relation in document.relations.values():
            if relation.type == type_name and (relation.source, relation.target) == (
                source.id,
                target.id,
            ):
                self._viewer.select_relation(int(relation.id), scroll=False)
        return True

    # -- the selected relation ------------------------------------------------------------------

    def relation(self, relation_id: int | None) -> Relation | None:
        document = self._current()
        if document is None or not relation_id:
            return None
        return document.relations.get(RelationId(relation_id))

    def allowed_types(self, relation: Relation) -> list[str]:
        """The types this relation may have, given the labels of its spans."""
        document = self._current()
        schema = self._schema()
        if document is None or schema is None:
            return []
        source = document.span(relation.source)
        target = document.span(relation.target)
        if source is None or target is None:
            return []
        return [rt.name for rt in schema.relation_types_for(source.label, target.label)]

    def delete(self, relation_id: int | None = None) -> bool:
        relation = self.relation(relation_id or self._viewer.selected_relation_id())
        if relation is None:
            self.message.emit("Select a relation first (click its label or its row).")
            return False
        return self._stacks.push(RemoveRelation(relation.id, expected_version=relation.version))

    def retype(self, relation_id: int, type_name: str) -> bool:
        relation = self.relation(relation_id)
        if relation is None or relation.type == type_name:
            return False
        if type_name not in self.allowed_types(relation):
            self.message.emit(f"{type_name} cannot link these two spans.")
            return False
        return self._stacks.push(
            RetypeRelation(relation.id, type_name, expected_version=relation.version)
        )
