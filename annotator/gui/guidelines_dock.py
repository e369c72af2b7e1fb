"""The project's guidelines.md rendered in a dock, with a find box that highlights every hit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

HIT = QColor("#FFE08A")
HEADING_SCALE = {1: 1.6, 2: 1.3, 3: 1.12}
CURRENT_HIT = QColor("#FFB000")


class GuidelinesDock(QDockWidget):
    """Markdown guidelines; Ctrl+F (while the dock has focus) jumps to the find box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Guidelines", parent)
        self.setObjectName("guidelinesDock")
        self.browser = QTextBrowser()
        self.browser.setObjectName("guidelinesBrowser")
        self.browser.setOpenExternalLinks(True)
        self.find_box = QLineEdit()
        self.find_box.setObjectName("guidelinesFind")
        self.find_box.setPlaceholderText("Find in guidelines (Enter: next, Shift+Enter: previous)")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.textChanged.connect(self._highlight)
        self.find_box.returnPressed.connect(self._return_pressed)
        self.hits_label = QLabel()
        self.hits_label.setObjectName("guidelinesHits")
        previous = QToolButton()
        previous.setArrowType(Qt.ArrowType.UpArrow)
        previous.setToolTip("Previous match (Shift+F3)")
        previous.clicked.connect(self.find_previous)
        following = QToolButton()
        following.setArrowType(Qt.ArrowType.DownArrow)
        following.setToolTip("Next match (F3)")
        following.clicked.connect(self.find_next)

        find_row = QHBoxLayout()
        find_row.setContentsMargins(0, 0, 0, 0)
        find_row.addWidget(self.find_box, 1)
        find_row.addWidget(self.hits_label)
        find_row.addWidget(previous)
        find_row.addWidget(following)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(find_row)
        layout.addWidget(self.browser, 1)
        self.setWidget(body)

        shortcuts = (
            (QKeySequence.StandardKey.Find, self.focus_find),
            (QKeySequence.StandardKey.FindNext, self.find_next),
            (QKeySequence.StandardKey.FindPrevious, self.find_previous),
        )
        for key, slot in shortcuts:
            action = QAction(self)
            action.setShortcut(key)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        self._hits: list[QTextCursor] = []
        self._current = -1

    def set_markdown(self, markdown: str | None) -> None:
        if markdown is None:
            self.browser.setMarkdown(
                "*This project has no `guidelines.md`.* Write one in the project folder and "
                "reopen the project to see it here."
            )
        else:
            self.browser.setMarkdown(markdown)
        self._tone_down_headings()
        self._highlight()

    def _tone_down_headings(self) -> None:
        """Markdown headings render huge in a narrow dock; keep them a little above the text."""
        document = self.browser.document()
        base = self.browser.font().pointSizeF()
        block = document.begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level:
                cursor = QTextCursor(block)
                cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
                fmt = QTextCharFormat()
                fmt.setFontPointSize(base * HEADING_SCALE.get(level, 1.0))
                fmt.setProperty(QTextCharFormat.Property.FontSizeAdjustment, 0)
                cursor.mergeCharFormat(fmt)
            block = block.next()

    # -- finding --------------------------------------------------------------------------------

    def focus_find(self) -> None:
        self.find_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_box.selectAll()

    def hit_count(self) -> int:
        return len(self._hits)

    def find_next(self) -> None:
        self._step(1)

    def _return_pressed(self) -> None:
        shift = QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
        self._step(-1 if shift else 1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        if not self._hits:
            return
        self._current = (self._current + step) % len(self._hits)
        self._show_hits()
        self.browser.setTextCursor(self._hits[self._current])
        self.browser.ensureCursorVisible()

    def _highlight(self) -> None:
        needle = self.find_box.text()
        self._hits = []
        self._current = -1
        document = self.browser.document()
        if needle:
            cursor = QTextCursor(document)
            while True:
                cursor = document.find(needle, cursor, QTextDocument.FindFlag(0))
                if cursor.isNull():
                    break
                self._hits.append(QTextCursor(cursor))
        if self._hits:
            self._current = 0
            self.browser.setTextCursor(self._hits[0])
            self.browser.ensureCursorVisible()
        self._show_hits()

    def _show_hits(self) -> None:
        selections = []
        for number, cursor in enumerate(self._hits):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setBackground(CURRENT_HIT if number == self._current else HIT)
            fmt.setForeground(QColor("#000000"))
            selection.format = fmt
            selections.append(selection)
        self.browser.setExtraSelections(selections)
        if not self.find_box.text():
            self.hits_label.setText("")
        elif self._hits:
            self.hits_label.setText(f"{self._current + 1} of {len(self._hits)}")
        else:
            self.hits_label.setText("no match")
