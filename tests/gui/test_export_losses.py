"""The export dialog's loss preview: one worker task at a time, a stale one cancelled."""

from __future__ import annotations

import threading
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.formats.base import Loss, LossReport
from annotator.gui.export_losses import PREVIEW_DELAY_MS, LossPreview
from annotator.gui.tasks import Cancelled


class StoppedError(Exception):
    pass


def slow(seen: list[str], name: str, started: threading.Event) -> Callable[[Cancelled], object]:
    """Work that runs until it is cancelled."""

    def work(cancelled: Cancelled) -> object:
        seen.append(f"{name} started")
        started.set()
        while not cancelled():
            threading.Event().wait(0.005)
        seen.append(f"{name} cancelled")
        raise StoppedError

    return work


def quick(seen: list[str], name: str, relations: int) -> Callable[[Cancelled], object]:
    def work(_cancelled: Cancelled) -> object:
        seen.append(f"{name} done")
        report = LossReport()
        report.add(Loss.RELATIONS, relations)
        return report

    return work


def make(qtbot: QtBot) -> LossPreview:
    preview = LossPreview()
    qtbot.addWidget(preview)
    preview.show()
    return preview


def test_new_settings_cancel_the_stale_preview_and_show_their_own(qtbot: QtBot) -> None:
    preview = make(qtbot)
    seen: list[str] = []
    started = threading.Event()
    preview.schedule("a", "A", slow(seen, "a", started))
    qtbot.waitUntil(started.is_set, timeout=5_000)
    assert "Checking what A cannot carry" in preview.text()
    preview.schedule("b", "B", quick(seen, "b", 2))
    qtbot.waitUntil(preview.ready, timeout=5_000)
    assert seen == ["a started", "a cancelled", "b done"]
    assert "2 relations" in preview.text()
    assert preview.title() == "What B cannot carry"


def test_going_back_to_the_running_settings_does_not_show_a_cancelled_answer(
    qtbot: QtBot,
) -> None:
    preview = make(qtbot)
    seen: list[str] = []
    started = threading.Event()
    preview.schedule("a", "A", slow(seen, "a", started))
    qtbot.waitUntil(started.is_set, timeout=5_000)
    preview.schedule("b", "B", quick(seen, "b", 2))
    preview.schedule("a", "A", quick(seen, "a again", 1))
    qtbot.waitUntil(preview.ready, timeout=5_000)
    assert seen == ["a started", "a cancelled", "a again done"]
    assert "1 relation" in preview.text()
    assert "Could not" not in preview.text()


def test_stopping_waits_for_the_running_preview(qtbot: QtBot) -> None:
    preview = make(qtbot)
    seen: list[str] = []
    started = threading.Event()
    preview.schedule("a", "A", slow(seen, "a", started))
    qtbot.waitUntil(started.is_set, timeout=5_000)
    stopped: list[bool] = []
    preview.stop(lambda: stopped.append(True))
    assert not stopped
    qtbot.waitUntil(lambda: bool(stopped), timeout=5_000)
    assert seen == ["a started", "a cancelled"]


def test_going_back_to_the_shown_settings_shows_their_losses_again(qtbot: QtBot) -> None:
    """A shown, B asked for (the label says B is being checked), then A again before B's
    answer: the label shows A's losses, not "Checking B" for good."""
    preview = make(qtbot)
    seen: list[str] = []
    preview.schedule("a", "A", quick(seen, "a", 1))
    qtbot.waitUntil(preview.ready, timeout=5_000)
    shown_a = preview.text()
    started = threading.Event()
    preview.schedule("b", "B", slow(seen, "b", started))
    qtbot.waitUntil(started.is_set, timeout=5_000)
    assert "Checking what B cannot carry" in preview.text()
    assert preview.title() == "What B cannot carry"
    preview.schedule("a", "A", quick(seen, "a again", 1))
    qtbot.waitUntil(lambda: "b cancelled" in seen, timeout=5_000)
    qtbot.wait(PREVIEW_DELAY_MS + 100)
    assert preview.ready()
    assert "Checking" not in preview.text()
    assert preview.text() == shown_a
    assert preview.title() == "What A cannot carry"


def test_a_failed_preview_does_not_keep_the_earlier_formats_title(qtbot: QtBot) -> None:
    preview = make(qtbot)
    seen: list[str] = []
    preview.schedule("b", "B", quick(seen, "b", 2))
    qtbot.waitUntil(preview.ready, timeout=5_000)
    assert preview.title() == "What B cannot carry"

    def failing(_cancelled: Cancelled) -> object:
        raise StoppedError("no tokens here")

    preview.schedule("a", "A", failing)
    qtbot.waitUntil(preview.ready, timeout=5_000)
    assert preview.text().startswith("Could not check what A cannot carry")
    assert preview.title() == "What A cannot carry"  # failed before: "What B cannot carry"
