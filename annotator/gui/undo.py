"""Undo and redo: thin commands that apply an edit or its inverse, one stack per document."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoGroup, QUndoStack

from annotator.core.edits import Edit, describe
from annotator.core.ids import DocumentId
from annotator.gui.bridge import ProjectBridge


class EditCommand(QUndoCommand):
    """Redo applies the edit through the bridge and keeps its inverse; undo applies that.

    A step that fails (stale data, database error) marks the command obsolete, so the stack
    drops it instead of recording something that did not happen. Expected versions are rebased
    before each step (see :mod:`annotator.gui.versions`).
    """

    def __init__(self, bridge: ProjectBridge, edit: Edit) -> None:
        super().__init__(describe(edit))
        self._bridge = bridge
        self._forward: Edit = edit
        self._backward: Edit | None = None

    def redo(self) -> None:
        forward = self._bridge.versions.rebase(self._forward)
        applied = self._bridge.apply(forward, self.text())
        if applied is None:
            self.setObsolete(True)
            return
        self._backward = applied.inverse

    def undo(self) -> None:
        if self._backward is None:
            self.setObsolete(True)
            return
        backward = self._bridge.versions.rebase(self._backward)
        applied = self._bridge.apply(backward, f"Undo {self.text()}")
        if applied is None:
            self.setObsolete(True)
            return
        self._forward = applied.inverse


class UndoStacks(QObject):
    """A :class:`QUndoGroup` with one stack per document opened in this session."""

    def __init__(self, bridge: ProjectBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.group = QUndoGroup(self)
        self._stacks: dict[DocumentId, QUndoStack] = {}

    def activate(self, document_id: DocumentId | None) -> None:
        if document_id is None:
            self.group.setActiveStack(None)  # type: ignore[arg-type]
            return
        stack = self._stacks.get(document_id)
        if stack is None:
            stack = QUndoStack(self.group)
            self._stacks[document_id] = stack
        self.group.setActiveStack(stack)

    def stack(self, document_id: DocumentId) -> QUndoStack | None:
        return self._stacks.get(document_id)

    def push(self, edit: Edit) -> bool:
        """Apply ``edit`` as an undoable step of the active document; False when it failed."""
        stack: QUndoStack | None = self.group.activeStack()
        if stack is None:
            return self._bridge.apply(edit) is not None
        before = stack.index()
        stack.push(EditCommand(self._bridge, edit))
        # A failed command is obsolete: Qt deletes it instead of adding it, so the index stays.
        return stack.index() == before + 1

    def clear(self) -> None:
        """Forget every stack (another project was opened)."""
        self.group.setActiveStack(None)  # type: ignore[arg-type]
        for stack in self._stacks.values():
            self.group.removeStack(stack)
            stack.deleteLater()
        self._stacks.clear()
