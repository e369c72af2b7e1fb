"""Opening a document loads only its spans' outline; what the user looks at is still complete.

The window reads full spans (attributes, comment, annotator, pieces) only for the span list
rows on screen, tooltips, the selected span and edits. These tests open a document whose spans
have all of those, check that most spans were never loaded, then that the span list (also a
row far down), the tooltip, the attribute form, relabel + undo and a span deleted by someone
else meanwhile all show exactly what the database holds.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.core.annotation import Span
from annotator.core.edits import AddSpan, Batch, RelabelSpan, RemoveSpan
from annotator.core.ids import DocumentId, SpanId
from annotator.gui.main_window import MainWindow
from annotator.gui.span_panel import ATTRIBUTES, BY, COMMENT, LABEL, SPAN_ID_ROLE, TEXT
from annotator.services.project import Project
from tests.gui.workspace import ARTICLES, make_project, make_window, point_at, press

CTRL = Qt.KeyboardModifier.ControlModifier
DOC = DocumentId(1)
ARTICLE = str(ARTICLES[0]["text"])
FIGURE = "At least seven people were killed"
FILLERS = 400
"""More spans than one page of the span list, so that most are never loaded."""


def at(phrase: str) -> tuple[int, int]:
    start = ARTICLE.index(phrase)
    return start, start + len(phrase)


def fillers() -> list[AddSpan]:
    """LOCATION spans over distinct ranges of the first 50 characters."""
    return [
        AddSpan(DOC, "LOCATION", i % 40, i % 40 + 1 + i // 40, annotator="bot")
        for i in range(FILLERS)
    ]


def annotate(folder: Path) -> dict[str, Span]:
    with Project.open(folder, annotator="tester") as project:
        applied = project.apply(
            Batch(
                (
                    AddSpan(
                        DOC,
                        "CASUALTY_FIGURE",
                        *at(FIGURE),
                        {"count": 7, "outcome": "killed"},
                        comment="from the ministry",
                    ),
                    AddSpan(
                        DOC,
                        "ACTOR",
                        at("the health")[0],
                        at("directorate")[1],
                        {"kind": "official"},
                        fragments=(at("the health"), at("directorate")),
                    ),
                    *fillers(),
                )
            )
        )
        figure, actor = applied.changes.spans_added[:2]
        return {"figure": figure, "actor": actor}


def stored(folder: Path, span_id: int) -> Span | None:
    with Project.open(folder) as project:
        return next((s for s in project.annotated(DOC).spans if s.id == span_id), None)


def opened(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, Path, dict[str, Span]]:
    folder = make_project(tmp_path / "proj")
    spans = annotate(folder)
    window = make_window(qtbot, tmp_path / "config", folder)
    assert window.current is not None
    assert window.current.id == DOC
    return window, folder, spans


def test_the_span_list_and_tooltips_show_every_column_after_a_lazy_open(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, _folder, spans = opened(qtbot, tmp_path)
    current = window.current
    assert current is not None
    assert len(current.spans) == FILLERS + 2
    loaded = [i for i in current.spans if current.spans.loaded(i) is not None]
    assert len(loaded) < FILLERS // 2  # the rows on screen (a page), not all of them
    assert window.palette_dock.model.count("LOCATION") == FILLERS
    assert window.palette_dock.model.count("CASUALTY_FIGURE") == 1

    model = window.spans.model
    figure, actor = spans["figure"], spans["actor"]
    row = model.row_of(int(figure.id))
    assert row is not None
    cells = [model.index(row, column).data() for column in (TEXT, LABEL, ATTRIBUTES, COMMENT, BY)]
    assert cells == [
        FIGURE,
        "CASUALTY_FIGURE",
        "count=7, outcome=killed",
        "from the ministry",
        "tester",
    ]
    row = model.row_of(int(actor.id))
    assert row is not None
    assert model.index(row, TEXT).data() == "the health … directorate"
    assert model.index(row, ATTRIBUTES).data() == "kind=official"

    last = model.rowCount() - 2  # far down (a filler): its page is read when asked for
    shown = model.span_at(last)
    assert shown is not None
    assert shown.annotator == "bot"
    assert model.index(last, TEXT).data() == ARTICLE[shown.start : shown.end]
    assert model.index(last, BY).data() == "bot"

    tooltip = window.viewer.tooltip_html(point_at(window, figure.start + 3))
    assert "count: 7" in tooltip
    assert "outcome: killed" in tooltip
    assert "from the ministry" in tooltip
    tooltip = window.viewer.tooltip_html(point_at(window, at("directorate")[0] + 3))
    assert "kind: official" in tooltip
    assert "…" in tooltip


def test_select_relabel_and_undo_after_a_lazy_open(qtbot: QtBot, tmp_path: Path) -> None:
    window, folder, spans = opened(qtbot, tmp_path)
    actor = spans["actor"]
    qtbot.mouseClick(
        window.viewer.viewport(),
        Qt.MouseButton.LeftButton,
        pos=point_at(window, at("directorate")[0] + 3),
    )
    assert window.viewer.selected_span_id() == actor.id
    assert window.attributes.form.span == actor  # the whole span, loaded on selection

    press(qtbot, window, "c")  # relabel to CLAIM, committed
    after = stored(folder, actor.id)
    assert after is not None
    assert after.label == "CLAIM"
    assert after.fragments == actor.fragments
    assert after.comment == actor.comment
    assert window.current is not None
    assert window.current.span(actor.id) == after
    assert window.palette_dock.model.count("ACTOR") == 0

    press(qtbot, window, "z", CTRL)  # undo
    back = stored(folder, actor.id)
    assert back is not None
    assert (back.label, back.attributes, back.fragments) == (
        "ACTOR",
        {"kind": "official"},
        actor.fragments,
    )
    assert window.current.span(actor.id) == back
    assert window.viewer.span(actor.id) == back
    assert window.palette_dock.model.count("ACTOR") == 1
    row = window.spans.model.row_of(int(actor.id))
    assert row is not None
    assert window.spans.model.index(row, LABEL).data() == "ACTOR"


def test_a_span_deleted_by_someone_else_meanwhile_is_not_shown_as_loaded(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, folder, _spans = opened(qtbot, tmp_path)
    current = window.current
    assert current is not None
    unloaded = next(i for i in current.spans if current.spans.loaded(i) is None)
    with Project.open(folder, annotator="tester") as project:
        project.apply(RemoveSpan(SpanId(unloaded)))
    assert current.span(unloaded) is None
    assert unloaded not in current.spans
    window.reload_document()
    assert window.current is not None
    assert unloaded not in window.current.spans
    assert window.spans.model.rowCount() == FILLERS + 1


def test_a_span_changed_elsewhere_before_it_was_loaded_is_not_overwritten(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Opened at once, a span someone else relabels later made the next edit of it stale
    (the window held the old version); loaded lazily it must not silently win either, nor
    leave the palette counting the label the text showed."""
    window, folder, _spans = opened(qtbot, tmp_path)
    current = window.current
    assert current is not None
    unloaded = next(i for i in current.spans if current.spans.loaded(i) is None)
    with Project.open(folder, annotator="bot") as project:
        project.apply(RelabelSpan(SpanId(unloaded), "ACTOR"))

    window.viewer.select_span(SpanId(unloaded))
    press(qtbot, window, "c")  # relabel to CLAIM what the text shows as a LOCATION

    after = stored(folder, unloaded)
    assert after is not None
    assert after.label == "ACTOR"  # the other annotator's change stands
    for box in window.findChildren(QMessageBox):
        box.close()
    assert window.current is not None
    with Project.open(folder) as project:
        labels = Counter(span.label for span in project.annotated(DOC).spans)
    palette = window.palette_dock.model
    assert {name: palette.count(name) for name in labels} == dict(labels)
    assert palette.count("CLAIM") == labels["CLAIM"]
    assert window.viewer.span(SpanId(unloaded)) == after


def test_the_span_list_and_palette_follow_many_edits_undos_and_redos(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Random adds, relabels, resizes by key, deletes, undos and redos on a lazily opened
    document: afterwards the span list rows and the palette counts are what the database holds."""
    window, folder, _spans = opened(qtbot, tmp_path)
    rng = random.Random(7)
    words = [w for w in set(ARTICLE.split()) if w.isalpha() and len(w) > 3][:30]
    for _step in range(60):
        current = window.current
        assert current is not None
        choice = rng.random()
        if choice < 0.35:
            word = rng.choice(words)
            start = ARTICLE.index(word)
            window.viewer.set_selection_offsets(start, start + len(word))
            press(qtbot, window, rng.choice("alc"))
        elif choice < 0.6:
            span_id = rng.choice(list(current.spans))
            window.viewer.select_span(span_id)
            press(qtbot, window, rng.choice("alc") if rng.random() < 0.6 else Qt.Key.Key_Delete)
        elif choice < 0.8:
            press(qtbot, window, "z", CTRL)
        else:
            press(qtbot, window, "y", CTRL)
    with Project.open(folder) as project:
        spans = project.annotated(DOC).spans
    model = window.spans.model
    rows = [model.index(row, 0).data(SPAN_ID_ROLE) for row in range(model.rowCount())]
    assert rows == [int(s.id) for s in sorted(spans, key=lambda s: (s.start, s.end, s.id))]
    labels = Counter(span.label for span in spans)
    assert labels["CLAIM"]  # the edits happened
    assert len(spans) != FILLERS + 2
    palette = window.palette_dock.model
    assert {name: palette.count(name) for name in ("ACTOR", "LOCATION", "CLAIM")} == {
        name: labels[name] for name in ("ACTOR", "LOCATION", "CLAIM")
    }
    for row in range(0, model.rowCount(), 37):
        span = next(s for s in spans if s.id == rows[row])
        assert model.index(row, LABEL).data() == span.label


def test_a_span_deleted_elsewhere_that_the_user_selects_reloads_the_document(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Read at open, such a span made the next edit fail as stale and reload; read lazily, its
    absence is noticed when it is first looked at, and the document is shown again at once
    (not left painted, counted and listed with nothing behind it until the next poll)."""
    window, folder, _spans = opened(qtbot, tmp_path)
    current = window.current
    assert current is not None
    unloaded = next(i for i in current.spans if current.spans.loaded(i) is None)
    with Project.open(folder, annotator="bot") as project:
        project.apply(RemoveSpan(SpanId(unloaded)))

    window.viewer.select_span(SpanId(unloaded))
    qtbot.waitUntil(lambda: window.spans.model.rowCount() == FILLERS + 1, timeout=1000)
    assert window.palette_dock.model.count("LOCATION") == FILLERS - 1
    assert window.current is not None
    assert unloaded not in window.current.spans
    assert window.viewer.span(SpanId(unloaded)) is None
    assert window.viewer.selected_span_id() is None
    assert "changed elsewhere" in window.statusBar().currentMessage()
