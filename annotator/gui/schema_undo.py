"""Schema changes as undoable steps of the window's undo history."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.errors import AnnotatorError
from annotator.core.schema_changes import SchemaChange, describe_change
from annotator.gui.bridge import ProjectBridge
from annotator.gui.versions import rebase_changes
from annotator.services import schema_editing
from annotator.services.schema_editing import SchemaEdit, SchemaStep

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

log = logging.getLogger("annotator.gui")


class SchemaCommand(QUndoCommand):
    """Redo applies the change (later: the step that redoes it), undo the step that undoes it;
    ``applied`` is called after each with what happened. A failed step makes the command
    obsolete, as for annotation edits."""

    def __init__(
        self,
        bridge: ProjectBridge,
        change: SchemaChange,
        applied: Callable[[SchemaEdit], None],
    ) -> None:
        super().__init__(describe_change(change))
        self._bridge = bridge
        self._change = change
        self._applied = applied
        self._forward: SchemaStep | None = None
        self._backward: SchemaStep | None = None

    def redo(self) -> None:
        if self._forward is None:
            edit = self._run(
                lambda: schema_editing.apply(self._bridge.require_project(), self._change),
                self.text(),
            )
        else:
            edit = self._step(self._forward, self.text())
        if edit is not None:
            self._backward = edit.inverse

    def undo(self) -> None:
        if self._backward is None:
            self.setObsolete(True)
            return
        edit = self._step(self._backward, f"Undo {self.text()}")
        if edit is not None:
            self._forward = edit.inverse

    def _step(self, step: SchemaStep, what: str) -> SchemaEdit | None:
        rebased = replace(step, changes=rebase_changes(self._bridge.versions, step.changes))
        return self._run(
            lambda: schema_editing.apply_step(self._bridge.require_project(), rebased), what
        )

    def _run(self, action: Callable[[], SchemaEdit], what: str) -> SchemaEdit | None:
        try:
            edit = action()
        except AnnotatorError as error:
            log.info("schema change failed: %s: %s", what, error)
            self._bridge.failed.emit(what, error)
            self.setObsolete(True)
            return None
        except Exception as error:
            log.exception("schema change failed unexpectedly: %s", what)
            self._bridge.failed.emit(what, error)
            self.setObsolete(True)
            return None
        self._bridge.versions.note(edit.changes)
        self._applied(edit)
        self._bridge.saved.emit(what)
        return edit


def push_schema_change(window: MainWindow, change: SchemaChange) -> bool:
    """Apply ``change`` as a step of the active undo history (the open document's; applied
    without undo when no document is open). False when it failed."""
    command = SchemaCommand(window.bridge, change, window.schema_editing.schema_changed)
    stack: QUndoStack | None = window.stacks.group.activeStack()
    if stack is None:
        command.redo()
        return not command.isObsolete()
    before = stack.index()
    stack.push(command)
    return stack.index() == before + 1
