"""What an export format cannot carry from a selection, computed in a worker thread (a
:class:`~annotator.gui.tasks.Task`, cancelled once stale) and shown before anything is written
(the export dialog), and listed again after (the summary)."""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from annotator.gui.dialog_parts import muted_colour
from annotator.gui.errors import message_of
from annotator.gui.tasks import Cancelled, Progress, Task

PREVIEW_DELAY_MS = 150
"""Options changed in quick succession start one loss preview, not one per change."""
EXAMPLE_LIMIT = 90
"""Characters of each example of a loss shown (the service's examples quote the text)."""

Work = Callable[[Cancelled], object]
"""Computes the loss report (a LossReport) of the settings a preview was asked for; it may
stop (raising) once ``cancelled()`` turns true."""


class LossPreview(QGroupBox):
    """The loss report of the latest settings asked for with :meth:`schedule`: one preview
    runs at a time; when the settings change it is cancelled and, once it stopped, the preview
    of the newest settings starts. It shows in the dialog, not in a progress dialog, so the
    settings stay editable. ``updated`` is emitted whenever what is shown changed (ready or
    not)."""

    updated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("What this format cannot carry", parent)
        self.label = QLabel()
        self.label.setObjectName("exportLosses")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setContentsMargins(2, 2, 2, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.label)
        scroll.setMinimumHeight(110)
        scroll.viewport().setAutoFillBackground(False)
        self.label.setAutoFillBackground(False)
        QVBoxLayout(self).addWidget(scroll)
        self._task: Task | None = None
        self._running_key: Hashable | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self._start)
        self._wanted: tuple[Hashable, str, Work] | None = None
        """The settings (a key), the format's title and the work of the newest request."""
        self._shown_key: Hashable | None = None
        """The settings the losses on screen were computed for."""
        self._shown_text = ("", self.title())
        """Their text and title: shown again when the settings go back to them."""
        self._stopped = False
        self._then: Callable[[], None] | None = None
        """What runs once a preview still running when :meth:`stop` was called has ended."""

    def schedule(self, key: Hashable, title: str, work: Work) -> None:
        """Show the losses of these settings soon (at once when they are shown already)."""
        self._wanted = (key, title, work)
        if self._task is not None and self._running_key != key:
            self._task.cancel()  # stale: _done starts the newest once it stopped
        self.show()
        if key != self._shown_key:
            self.setTitle(f"What {title} cannot carry")
            self.label.setText(f"<i>Checking what {html.escape(title)} cannot carry…</i>")
        else:  # back to the settings shown, after "Checking" others
            self.label.setText(self._shown_text[0])
            self.setTitle(self._shown_text[1])
        self._timer.start()
        self.updated.emit()

    def clear(self) -> None:
        """Nothing to preview (the format cannot be used): hidden and never ready."""
        self._wanted = None
        self._shown_key = None
        self.label.setText("")
        self.hide()
        self.updated.emit()

    def ready(self) -> bool:
        """Whether the losses on screen are those of the newest settings asked for."""
        return self._wanted is not None and self._shown_key == self._wanted[0]

    def text(self) -> str:
        return self.label.text()

    def stop(self, then: Callable[[], None]) -> None:
        """No more previews; ``then`` runs once no preview thread can still answer."""
        self._stopped = True
        self._timer.stop()
        if self._task is not None:
            self._task.cancel()
            self._then = then  # _done calls it
        else:
            then()

    def _start(self) -> None:
        if self._task is not None or self._wanted is None or self._stopped:
            return  # _done starts the next one
        key, _title, work = self._wanted
        if key == self._shown_key:
            return

        def run(_progress: Progress, cancelled: Cancelled) -> object:
            return work(cancelled)

        task = Task(run)
        task.done.connect(self._done)
        self._task, self._running_key = task, key
        task.start()

    def _done(self, report: object, error: object) -> None:
        cancelled = self._task is not None and self._task.cancelled
        key, self._task, self._running_key = self._running_key, None, None
        if self._stopped:
            if self._then is not None:
                self._then()
            return
        if self._wanted is None:
            return
        wanted, title, _work = self._wanted
        if key != wanted or cancelled:
            self._start()  # the settings changed meanwhile
            return
        self._shown_key = wanted
        if isinstance(error, BaseException):
            self.setTitle(f"What {title} cannot carry")
            self.label.setText(
                f"Could not check what {html.escape(title)} cannot carry: "
                f"{html.escape(message_of(error))}"
            )
        else:
            self.label.setText(losses_html(report, title, muted_colour(self).name()))
            left_out = getattr(report, "left_out", None)
            layers = " and what the layer choice leaves out" if left_out and left_out() else ""
            self.setTitle(f"What {title} cannot carry{layers}")
        self._shown_text = (self.label.text(), self.title())
        self.updated.emit()


def losses_html(report: object, title: str, muted: str = "#6a737d", intro: str = "") -> str:
    """The loss report (a LossReport) as a list for a label: each kind of loss with its count,
    and a few examples, shortened, in the ``muted`` colour."""
    counts = getattr(report, "counts", {})
    examples = getattr(report, "examples", {})
    notes = getattr(report, "notes", {})
    rows = []
    for loss, count in sorted(counts.items(), key=lambda item: str(item[0].value)):
        if not count:
            continue
        note = f": {html.escape(notes[loss])}" if loss in notes else ""
        shown = [_shorten(e) for e in dict.fromkeys(examples.get(loss, []))]
        detail = (
            f"<br><span style='color: {muted}'>e.g. {html.escape('; '.join(shown))}</span>"
            if shown
            else ""
        )
        rows.append(f"<li><b>{html.escape(loss.counted(count))}</b>{note}{detail}</li>")
    left_out = getattr(report, "left_out", None)
    if left_out is not None:  # annotations a layer choice kept out, by layer
        rows.extend(f"<li><b>{html.escape(line)}</b></li>" for line in left_out())
    if not rows:
        return f"Nothing is lost: {html.escape(title)} carries everything in this selection."
    return (
        f"{html.escape(intro)}<ul style='margin-left: 0px; -qt-list-indent: 1'>{''.join(rows)}</ul>"
    )


def _shorten(text: str, limit: int = EXAMPLE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
