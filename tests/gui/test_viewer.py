"""The document viewer on its own: real mouse and keyboard input on its viewport (offscreen)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QHelpEvent,
    QKeySequence,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QMainWindow, QToolTip
from pytestqt.qtbot import QtBot

from annotator.core.annotation import Span
from annotator.core.changes import ChangeSet
from annotator.core.document import Document, content_hash
from annotator.core.ids import DocumentId, SpanId
from annotator.core.offsets import OffsetConverter
from annotator.core.schema import Label, LabelSchema
from annotator.gui.viewer import DocumentViewer
from annotator.gui.viewer.colors import contrast_ratio, theme_for

SCHEMA = LabelSchema(
    (
        Label("ACTOR", "#0072B2", "a"),
        Label("LOCATION", "#009E73", "l"),
        Label("CLAIM", "#E69F00", "c"),
        Label("CASUALTY_FIGURE", "#CC79A7", "f"),
    )
)
DOC = DocumentId(1)
TEXT = (
    "At least seven people were killed in Brennick on Tuesday, the health directorate said.\n"
    "\n"
    "The army of al-Assad’s allies blamed the Kell Valley Defence Front, officials said."
)


def make_document(text: str, doc_id: DocumentId = DOC) -> Document:
    return Document(id=doc_id, text=text, content_hash=content_hash(text), title="t")


def span(
    span_id: int, label: str, start: int, end: int, doc_id: DocumentId = DOC, **attributes: object
) -> Span:
    return Span(SpanId(span_id), doc_id, label, start, end, attributes)  # type: ignore[arg-type]


def find(text: str, part: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


@pytest.fixture
def viewer(qtbot: QtBot) -> DocumentViewer:
    widget = DocumentViewer()
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def show(viewer: DocumentViewer, text: str, spans: Sequence[Span] = ()) -> None:
    viewer.set_document(make_document(text), spans, SCHEMA)
    QApplication.processEvents()


def point_at(viewer: DocumentViewer, offset: int, *, dx: int = 1) -> QPoint:
    """Viewport point just right of the boundary before code point ``offset``."""
    conv = OffsetConverter(viewer.current_document().text)  # type: ignore[union-attr]
    cursor = QTextCursor(viewer.document())
    cursor.setPosition(conv.cp_to_utf16(offset))
    rect = viewer.cursorRect(cursor)
    return QPoint(rect.left() + dx, rect.center().y())


def char_center(viewer: DocumentViewer, offset: int) -> QPoint:
    """Viewport point in the middle of the character at code point ``offset``."""
    left = point_at(viewer, offset, dx=0)
    right = point_at(viewer, offset + 1, dx=0)
    return QPoint((left.x() + right.x()) // 2, left.y())


def drag(qtbot: QtBot, viewer: DocumentViewer, start: int, end: int) -> None:
    port = viewer.viewport()
    a, b = point_at(viewer, start, dx=0), point_at(viewer, end, dx=0)
    qtbot.mousePress(port, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(port, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    qtbot.mouseMove(port, b)
    qtbot.mouseRelease(port, Qt.MouseButton.LeftButton, pos=b)


def click(qtbot: QtBot, viewer: DocumentViewer, point: QPoint) -> None:
    qtbot.mouseClick(viewer.viewport(), Qt.MouseButton.LeftButton, pos=point)


def double_click(qtbot: QtBot, viewer: DocumentViewer, point: QPoint) -> None:
    qtbot.mouseDClick(viewer.viewport(), Qt.MouseButton.LeftButton, pos=point)


def pixel(viewer: DocumentViewer, point: QPoint) -> QColor:
    image = viewer.viewport().grab().toImage()
    return QColor(image.pixel(point))


def close(a: QColor, b: QColor, tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


# -- selection in code points -----------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix",
    [
        "plain text ",
        "emoji 😀 ",
        "flag 🇸🇾 ",
        "family 👩\u200d👩\u200d👧 ",
        "two flags 🇸🇾🇫🇷 and 👍🏽 ",
        "accent cafe\u0301 ",
    ],
)
def test_drag_gives_code_point_offsets(qtbot: QtBot, viewer: DocumentViewer, prefix: str) -> None:
    text = prefix + "the army said\u00a0twelve were hurt"
    show(viewer, text)
    seen: list[tuple[int, int]] = []
    viewer.selectionOffsetsChanged.connect(lambda a, b: seen.append((a, b)))
    start, end = find(text, "army said")
    drag(qtbot, viewer, start, end)
    assert viewer.selection_offsets() == (start, end)
    assert seen[-1] == (start, end)
    # next to the non-breaking space, on both sides
    nbsp = text.index("\u00a0")
    drag(qtbot, viewer, nbsp - 4, nbsp + 7)
    assert viewer.selection_offsets() == (nbsp - 4, nbsp + 7)
    assert text[nbsp - 4 : nbsp + 7] == "said\u00a0twelve"
    # backwards drag
    drag(qtbot, viewer, end, start)
    assert viewer.selection_offsets() == (start, end)


def test_drag_over_the_emoji_itself(qtbot: QtBot, viewer: DocumentViewer) -> None:
    text = "before 👩\u200d👩\u200d👧 and 🇸🇾 after"
    show(viewer, text)
    start = text.index("👩")
    end = text.index(" after")
    drag(qtbot, viewer, start, end)
    assert viewer.selection_offsets() == (start, end)
    assert text[start:end] == "👩\u200d👩\u200d👧 and 🇸🇾"


def test_set_selection_offsets_round_trip(viewer: DocumentViewer) -> None:
    text = "😀 a 🇸🇾 b\u00a0c 👩\u200d🔬 d"
    show(viewer, text)
    for start, end in [(0, 1), (2, 3), (4, 6), (7, 12), (0, len(text)), (len(text), len(text))]:
        viewer.set_selection_offsets(start, end)
        assert viewer.selection_offsets() == (start, end)
    viewer.set_selection_offsets(9, 2)  # reversed: anchor after the caret
    assert viewer.selection_offsets() == (2, 9)


def test_double_click_selects_a_word(qtbot: QtBot, viewer: DocumentViewer) -> None:
    show(viewer, TEXT)
    start, end = find(TEXT, "al-Assad’s")
    qtbot.mouseDClick(
        viewer.viewport(), Qt.MouseButton.LeftButton, pos=char_center(viewer, start + 4)
    )
    assert viewer.selection_offsets() == (start, end)
    text = "after 😀 Brennick’s market"
    show(viewer, text)
    start, end = find(text, "Brennick’s")
    qtbot.mouseDClick(
        viewer.viewport(), Qt.MouseButton.LeftButton, pos=char_center(viewer, start + 2)
    )
    assert viewer.selection_offsets() == (start, end)


def test_shift_click_extends_the_selection(qtbot: QtBot, viewer: DocumentViewer) -> None:
    show(viewer, TEXT)
    start, _ = find(TEXT, "seven")
    _, end = find(TEXT, "killed")
    click(qtbot, viewer, point_at(viewer, start, dx=0))
    qtbot.mouseClick(
        viewer.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        point_at(viewer, end, dx=0),
    )
    assert viewer.selection_offsets() == (start, end)


def test_selection_survives_new_document_reset(viewer: DocumentViewer) -> None:
    show(viewer, TEXT)
    viewer.set_selection_offsets(3, 8)
    show(viewer, "another text")
    assert viewer.selection_offsets() == (0, 0)
    viewer.clear_document()
    assert viewer.selection_offsets() == (0, 0)
    assert viewer.toPlainText() == ""


# -- span selection ---------------------------------------------------------------------------


def nested_spans() -> list[Span]:
    claim = find(TEXT, "The army of al-Assad’s allies blamed the Kell Valley Defence Front")
    actor = find(TEXT, "The army of al-Assad’s allies")
    person = find(TEXT, "al-Assad")
    front = find(TEXT, "the Kell Valley Defence Front")
    valley = find(TEXT, "Kell Valley")
    figure = find(TEXT, "At least seven people were killed")
    place = find(TEXT, "Brennick")
    return [
        span(1, "CLAIM", *claim, certainty="reported"),
        span(2, "ACTOR", *actor, kind="state"),
        span(3, "ACTOR", *person, kind="official"),
        span(4, "ACTOR", *front, kind="non-state armed group"),
        span(5, "LOCATION", *valley),
        span(6, "CASUALTY_FIGURE", *figure, count=7, qualifier="at least"),
        span(7, "LOCATION", *place),
    ]


def test_click_selects_the_innermost_span_and_cycles(qtbot: QtBot, viewer: DocumentViewer) -> None:
    show(viewer, TEXT, nested_spans())
    selected: list[int] = []
    viewer.spanSelected.connect(selected.append)
    inside = char_center(viewer, TEXT.index("Assad"))
    assert viewer.spans_at(TEXT.index("Assad")) == [3, 2, 1]
    click(qtbot, viewer, inside)
    assert viewer.selected_span_id() == 3
    click(qtbot, viewer, inside)
    assert viewer.selected_span_id() == 2
    click(qtbot, viewer, inside)
    assert viewer.selected_span_id() == 1
    click(qtbot, viewer, inside)
    assert viewer.selected_span_id() == 3
    assert selected == [3, 2, 1, 3]
    assert viewer.selection_offsets()[0] == viewer.selection_offsets()[1]
    # plain text deselects
    click(qtbot, viewer, char_center(viewer, TEXT.index("officials")))
    assert viewer.selected_span_id() is None
    assert selected[-1] == 0


def test_a_drag_deselects_the_span_and_selecting_a_span_clears_the_text(
    qtbot: QtBot, viewer: DocumentViewer
) -> None:
    show(viewer, TEXT, nested_spans())
    click(qtbot, viewer, char_center(viewer, TEXT.index("Brennick") + 2))
    assert viewer.selected_span_id() == 7
    drag(qtbot, viewer, *find(TEXT, "Tuesday"))
    assert viewer.selected_span_id() is None
    assert viewer.selection_offsets() == find(TEXT, "Tuesday")
    viewer.select_span(7)
    s, e = viewer.selection_offsets()
    assert s == e
    assert viewer.selected_span_id() == 7
    viewer.select_span(12345)  # unknown: none
    assert viewer.selected_span_id() is None


def test_click_on_a_bar_selects_that_span(qtbot: QtBot, viewer: DocumentViewer) -> None:
    show(viewer, TEXT, nested_spans())
    offset = TEXT.index("Valley")
    visible, on_text = viewer._line_at(QPointF(char_center(viewer, offset)))  # type: ignore[misc]
    assert on_text
    plan = viewer._overlay.plan(visible)
    bars = {bar.span_id: bar.rect for bar in plan.bars}
    assert set(bars) >= {1, 4, 5}
    lanes = sorted({round(rect.top()) for rect in bars.values()})
    assert len(lanes) == 3  # claim, actor and location each in their own lane
    for span_id in (1, 4, 5):
        click(qtbot, viewer, bars[span_id].center().toPoint())
        assert viewer.selected_span_id() == span_id
    tooltip = viewer.tooltip_html(bars[4].center())
    assert "ACTOR" in tooltip
    assert "LOCATION" not in tooltip


def test_escape_clears_the_selection_then_the_span(qtbot: QtBot, viewer: DocumentViewer) -> None:
    show(viewer, TEXT, nested_spans())
    viewer.setFocus()
    viewer.select_span(7)
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert viewer.selected_span_id() is None
    viewer.set_selection_offsets(0, 5)
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert viewer.selection_offsets() == (5, 5)


# -- rendering --------------------------------------------------------------------------------


def space_inside(viewer: DocumentViewer, text: str, part: str) -> QPoint:
    """The middle of the first space inside ``part``: only the tint is drawn there."""
    start = text.index(part) + part.index(" ")
    return char_center(viewer, start)


def test_spans_are_tinted_and_barred(viewer: DocumentViewer) -> None:
    spans = nested_spans()
    show(viewer, TEXT, spans)
    base = pixel(viewer, QPoint(viewer.viewport().width() - 5, 5))
    assert close(base, theme_for(False).base)
    figure = space_inside(viewer, TEXT, "least seven")
    assert close(pixel(viewer, figure), viewer.label_style("CASUALTY_FIGURE").tint)
    # nested: Valley is in LOCATION inside ACTOR inside CLAIM: the innermost tint wins
    valley = space_inside(viewer, TEXT, "Kell Valley")
    assert close(pixel(viewer, valley), viewer.label_style("LOCATION").tint)
    front = space_inside(viewer, TEXT, "Defence Front")
    assert close(pixel(viewer, front), viewer.label_style("ACTOR").tint)
    blamed = space_inside(viewer, TEXT, " blamed")
    assert close(pixel(viewer, blamed), viewer.label_style("CLAIM").tint)
    # bars under the text in every lane
    visible, _ = viewer._line_at(QPointF(valley))  # type: ignore[misc]
    for bar in viewer._overlay.plan(visible).bars:
        assert close(pixel(viewer, bar.rect.center().toPoint()), viewer.label_style(bar.label).bar)


def test_text_stays_readable_on_every_tint(viewer: DocumentViewer) -> None:
    for dark in (False, True):
        viewer.set_dark(dark)
        theme = theme_for(dark)
        for label in SCHEMA.labels:
            style = viewer.label_style(label.name)
            assert contrast_ratio(style.tint, theme.text) >= 7.0
            assert contrast_ratio(style.tint, theme.base) > 1.2  # visibly tinted
            assert contrast_ratio(style.bar, theme.base) >= 2.4


def test_dark_theme_repaints(viewer: DocumentViewer) -> None:
    show(viewer, TEXT, nested_spans())
    viewer.set_dark(True)
    QApplication.processEvents()
    corner = QPoint(viewer.viewport().width() - 5, 5)
    assert close(pixel(viewer, corner), theme_for(True).base)
    figure = space_inside(viewer, TEXT, "least seven")
    assert close(pixel(viewer, figure), viewer.label_style("CASUALTY_FIGURE").tint)
    assert viewer.is_dark()


def test_selected_span_is_outlined(viewer: DocumentViewer) -> None:
    show(viewer, TEXT, nested_spans())
    start, _ = find(TEXT, "Brennick")
    left = point_at(viewer, start, dx=0)
    outline = viewer.label_style("LOCATION").outline
    edge = [QPoint(left.x() - dx, left.y()) for dx in range(5)]
    assert not any(close(pixel(viewer, p), outline, tolerance=40) for p in edge)
    viewer.select_span(7)
    QApplication.processEvents()
    assert any(close(pixel(viewer, p), outline, tolerance=40) for p in edge)


def test_apply_changes_add_remove_relabel(viewer: DocumentViewer) -> None:
    spans = nested_spans()
    show(viewer, TEXT, spans)
    tuesday = find(TEXT, "on Tuesday")
    where = space_inside(viewer, TEXT, "on Tuesday")
    base = pixel(viewer, where)
    added = span(20, "CLAIM", *tuesday)
    viewer.apply_changes(ChangeSet(spans_added=(added,)))
    QApplication.processEvents()
    assert viewer.spans_at(tuesday[0]) == [20]
    assert close(pixel(viewer, where), viewer.label_style("CLAIM").tint)
    relabelled = replace(added, label="LOCATION", version=2)
    viewer.apply_changes(ChangeSet(spans_updated=((added, relabelled),)))
    QApplication.processEvents()
    assert viewer.span(20) == relabelled
    assert close(pixel(viewer, where), viewer.label_style("LOCATION").tint)
    viewer.select_span(20)
    deselected: list[int] = []
    viewer.spanSelected.connect(deselected.append)
    viewer.apply_changes(ChangeSet(spans_removed=(relabelled,)))
    QApplication.processEvents()
    assert viewer.spans_at(tuesday[0]) == []
    assert close(pixel(viewer, where), base)
    assert viewer.selected_span_id() is None
    assert deselected == [0]
    # resize
    moved = replace(spans[6], start=spans[6].start - 3, version=2)
    viewer.apply_changes(ChangeSet(spans_updated=((spans[6], moved),)))
    assert viewer.spans_at(moved.start) == [7]
    # spans of other documents are ignored
    other = span(30, "ACTOR", 0, 2, doc_id=DocumentId(2))
    viewer.apply_changes(ChangeSet(spans_added=(other,)))
    assert viewer.span(30) is None


def test_apply_changes_repaints_only_the_touched_lines(
    viewer: DocumentViewer, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n".join(f"Paragraph {i} with the army in Brennick." for i in range(400))
    spans = [span(i + 1, "ACTOR", *find(text, "the army", i)) for i in range(400)]
    show(viewer, text, spans)
    port = viewer.viewport()
    updates: list[object] = []
    monkeypatch.setattr(port, "update", lambda *args: updates.append(args))
    far = find(text, "Brennick", 300)
    viewer.apply_changes(ChangeSet(spans_added=(span(1000, "LOCATION", *far),)))
    assert updates == []  # off screen: nothing to repaint
    near = find(text, "Brennick", 1)
    viewer.apply_changes(ChangeSet(spans_added=(span(1001, "LOCATION", *near),)))
    assert len(updates) == 1
    (rect,) = updates[0]  # type: ignore[misc]
    assert rect.height() < 3 * viewer.fontMetrics().height() + 40  # one line and its gap
    assert viewer.spans_at(far[0]) == [1000]
    # a big batch (an undo of many edits): one repaint of the viewport
    updates.clear()
    viewer.apply_changes(ChangeSet(spans_removed=tuple(spans[:100])))
    assert updates == [()]
    assert viewer.spans_at(spans[0].start) == []
    assert viewer.spans_at(spans[100].start) == [101]


# -- tooltips ---------------------------------------------------------------------------------


def test_tooltip_lists_every_span_under_the_mouse(viewer: DocumentViewer) -> None:
    show(viewer, TEXT, nested_spans())
    html = viewer.tooltip_html(char_center(viewer, TEXT.index("Assad")))
    assert html.index("official") < html.index("state") < html.index("CLAIM")
    assert html.count("<b>ACTOR</b>") == 2
    assert "certainty: reported" in html
    assert "al-Assad" in html
    html = viewer.tooltip_html(char_center(viewer, TEXT.index("seven")))
    assert "CASUALTY_FIGURE" in html
    assert "count: 7" in html
    assert "qualifier: at least" in html
    assert "At least seven people were killed" in html
    assert viewer.tooltip_html(char_center(viewer, TEXT.index("officials"))) == ""


def test_hovering_shows_the_tooltip(qtbot: QtBot, viewer: DocumentViewer) -> None:
    show(viewer, TEXT, nested_spans())
    point = char_center(viewer, TEXT.index("Brennick") + 2)
    event = QHelpEvent(QEvent.Type.ToolTip, point, viewer.viewport().mapToGlobal(point))
    QApplication.sendEvent(viewer.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible)
    assert "LOCATION" in QToolTip.text()
    assert "Brennick" in QToolTip.text()
    QToolTip.hideText()


def test_tooltip_escapes_and_shortens(viewer: DocumentViewer) -> None:
    text = "<b>bold</b> " + "word " * 100
    show(viewer, text, [span(1, "CLAIM", 0, len(text) - 1, certainty="<x>")])
    html = viewer.tooltip_html(char_center(viewer, 1))
    assert "&lt;b&gt;bold" in html
    assert "&lt;x&gt;" in html
    assert " … " in html
    assert len(html) < 600


# -- zoom and keys ----------------------------------------------------------------------------


def test_zoom(qtbot: QtBot, viewer: DocumentViewer) -> None:
    show(viewer, TEXT, nested_spans())
    viewer.setFocus()
    size = viewer.font().pointSizeF()
    gap = viewer._layout.gap
    zooms: list[int] = []
    viewer.zoomChanged.connect(zooms.append)
    viewer.zoom_in()
    assert viewer.font().pointSizeF() > size
    assert viewer.zoom_percent() == 110
    assert viewer._layout.gap >= gap
    qtbot.keyClick(viewer, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert viewer.zoom_percent() == 125
    qtbot.keyClick(viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert viewer.zoom_percent() == 90
    qtbot.keyClick(viewer, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert viewer.zoom_percent() == 100
    assert viewer.font().pointSizeF() == pytest.approx(size)
    assert zooms == [110, 125, 110, 100, 90, 100]
    # Ctrl+wheel
    center = QPointF(viewer.viewport().rect().center())
    global_center = QPointF(viewer.viewport().mapToGlobal(center.toPoint()))
    event = QWheelEvent(
        center,
        global_center,
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewer.viewport(), event)
    assert viewer.zoom_percent() == 110
    viewer.set_zoom_percent(300)
    viewer.zoom_in()
    assert viewer.zoom_percent() == 300
    # spans still line up after zooming: a click still finds them
    click(qtbot, viewer, char_center(viewer, TEXT.index("Brennick") + 3))
    assert viewer.selected_span_id() == 7


def test_window_shortcuts_fire_while_the_viewer_has_focus(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    viewer = DocumentViewer()
    window.setCentralWidget(viewer)
    fired: list[str] = []
    for shortcut in ("a", "Shift+A", "l", "Delete", "Alt+Right", "Ctrl+Alt+Left", "Alt+Shift+Right",
                     "Ctrl+Return", "Ctrl+Z", "Ctrl+Shift+Z", "Backspace", "Alt+Down"):  # fmt: skip
        action = QAction(shortcut, window)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False, s=shortcut: fired.append(s))
        window.addAction(action)
    window.resize(600, 400)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    viewer.set_document(make_document(TEXT), nested_spans(), SCHEMA)
    viewer.setFocus()
    qtbot.waitUntil(viewer.hasFocus)
    viewer.select_span(3)
    keys = [
        (Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_L, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier),
    ]
    for key, modifiers in keys:
        qtbot.keyClick(viewer, key, modifiers)
    assert fired == ["a", "Shift+A", "l", "Delete", "Alt+Right", "Ctrl+Alt+Left",
                     "Alt+Shift+Right", "Ctrl+Return", "Ctrl+Z", "Ctrl+Shift+Z", "Backspace",
                     "Alt+Down"]  # fmt: skip
    assert viewer.toPlainText() == TEXT
    assert viewer.selected_span_id() == 3  # the viewer itself did nothing with the keys


def test_keyboard_selection_still_works(qtbot: QtBot, viewer: DocumentViewer) -> None:
    text = "😀 army said"
    show(viewer, text)
    viewer.setFocus()
    viewer.set_selection_offsets(2, 2)
    for _ in range(4):
        qtbot.keyClick(viewer, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert viewer.selection_offsets() == (2, 6)
    qtbot.keyClick(viewer, Qt.Key.Key_Home)
    qtbot.keyClick(viewer, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert viewer.selection_offsets() == (0, 1)  # the emoji whole


def test_the_text_can_never_be_edited(qtbot: QtBot, viewer: DocumentViewer) -> None:
    show(viewer, TEXT)
    viewer.setFocus()
    QApplication.clipboard().setText("PASTED")
    qtbot.keyClicks(viewer, "xyz")
    qtbot.keyClick(viewer, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(viewer, Qt.Key.Key_Delete)
    qtbot.keyClick(viewer, Qt.Key.Key_Return)
    viewer.insertPlainText("typed")
    viewer.appendPlainText("typed")
    viewer.paste()
    viewer.cut()
    assert viewer.toPlainText() == TEXT
    assert viewer.isReadOnly()
    assert not viewer.acceptDrops()
    assert not viewer.viewport().acceptDrops()


# -- scrolling and big documents --------------------------------------------------------------


def test_scroll_to_offset_and_select_span_scroll(viewer: DocumentViewer) -> None:
    text = "\n".join(f"Paragraph {i}: the army shelled Brennick again." for i in range(2000))
    last = find(text, "Brennick", 1990)
    show(viewer, text, [span(1, "LOCATION", *last)])
    assert viewer.verticalScrollBar().value() == 0
    viewer.scroll_to_offset(last[0])
    QApplication.processEvents()
    point = point_at(viewer, last[0])
    assert viewer.viewport().rect().contains(point)
    assert viewer.spans_at(last[0] + 1) == [1]
    viewer.scroll_to_offset(0)
    assert viewer.verticalScrollBar().value() == 0
    viewer.select_span(1)
    QApplication.processEvents()
    assert viewer.viewport().rect().contains(point_at(viewer, last[0]))
    before = viewer.verticalScrollBar().value()
    viewer.select_span(None)
    viewer.select_span(1, scroll=False)
    assert viewer.verticalScrollBar().value() == before


def test_line_endings_and_lone_surrogates_keep_offsets(viewer: DocumentViewer) -> None:
    text = "one\r\ntwo\rthree 😀 four"
    show(viewer, text)
    shown = viewer.toPlainText()
    assert OffsetConverter(shown).utf16_length == OffsetConverter(text).utf16_length
    assert shown.startswith("one \ntwo three")
    start, end = find(text, "four")
    viewer.set_selection_offsets(start, end)
    assert viewer.selection_offsets() == (start, end)


def test_one_long_paragraph(qtbot: QtBot, viewer: DocumentViewer) -> None:
    text = " ".join(f"word{i}" for i in range(20_000))
    target = find(text, "word19000")
    show(viewer, text, [span(1, "ACTOR", *target), span(2, "LOCATION", 0, 5)])
    viewer.scroll_to_offset(target[0])
    QApplication.processEvents()
    point = char_center(viewer, target[0] + 2)
    assert viewer.viewport().rect().contains(point)
    click(qtbot, viewer, point)
    assert viewer.selected_span_id() == 1
    assert "word19000" in viewer.tooltip_html(point)
    visible, _ = viewer._line_at(QPointF(point))  # type: ignore[misc]
    assert [bar.span_id for bar in viewer._overlay.plan(visible).bars] == [1]


def test_showing_the_same_document_again_keeps_the_place(viewer: DocumentViewer) -> None:
    text = "\n".join(f"Paragraph {i}: the army shelled Brennick again." for i in range(500))
    spans = [span(1, "LOCATION", *find(text, "Brennick", 300)), span(2, "ACTOR", 0, 9)]
    show(viewer, text, spans)
    viewer.select_span(1)
    position = viewer.verticalScrollBar().value()
    assert position > 0
    selected: list[int] = []
    viewer.spanSelected.connect(selected.append)
    show(viewer, text, spans)  # a reload
    assert viewer.verticalScrollBar().value() == position
    assert viewer.selected_span_id() == 1
    show(viewer, text, spans[1:])  # the selected span is gone
    assert viewer.selected_span_id() is None
    assert selected == [0]
    assert viewer.verticalScrollBar().value() == position


def test_select_adjacent_span(viewer: DocumentViewer) -> None:
    spans = nested_spans()
    show(viewer, TEXT, spans)
    order = [s.id for s in sorted(spans, key=lambda s: (s.start, s.end, s.id))]
    viewer.set_selection_offsets(0, 0)
    walked = []
    while (found := viewer.select_adjacent_span(+1)) is not None:
        walked.append(found)
    assert walked == order
    assert viewer.selected_span_id() == order[-1]
    back = []
    while (found := viewer.select_adjacent_span(-1)) is not None:
        back.append(found)
    assert back == order[-2::-1]
    viewer.select_span(None)
    viewer.set_selection_offsets(TEXT.index("Tuesday"), TEXT.index("Tuesday"))
    assert viewer.select_adjacent_span(+1) == 2  # the actor opening the next paragraph
    viewer.select_span(None)
    viewer.set_selection_offsets(TEXT.index("Tuesday"), TEXT.index("Tuesday"))
    assert viewer.select_adjacent_span(-1) == 7  # Brennick


def test_select_adjacent_span_far_away(viewer: DocumentViewer) -> None:
    text = "x" * 50_000 + " word " + "y" * 50_000 + " more"
    first, second = find(text, "word"), find(text, "more")
    show(viewer, text, [span(1, "ACTOR", *first), span(2, "ACTOR", *second)])
    assert viewer.select_adjacent_span(+1) == 1
    assert viewer.select_adjacent_span(+1) == 2
    assert viewer.select_adjacent_span(+1) is None
    assert viewer.select_adjacent_span(-1) == 1
    assert viewer.select_adjacent_span(-1) is None
    assert viewer.selected_span_id() == 1
