"""The header above the text: the document's title, outlet, date, link, status and comment."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotator.core.document import Document, DocumentStatus

LINK_COLORS = {False: "#0072B2", True: "#56B4E9"}
STATUS_COLORS = {
    DocumentStatus.NEW: "#0072B2",
    DocumentStatus.IN_PROGRESS: "#E69F00",
    DocumentStatus.DONE: "#009E73",
}


class DocumentHeader(QWidget):
    """Two lines: the title, then outlet · date · URL (a link) · status · a comment link; a
    third line with the document's comment when it has one. ``commentRequested``: the user
    clicked "Add comment" or "edit"."""

    commentRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentHeader")
        self.title = QLabel()
        self.title.setObjectName("documentTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.meta = QLabel()
        self.meta.setObjectName("documentMeta")
        self.meta.setTextFormat(Qt.TextFormat.RichText)
        self.meta.setOpenExternalLinks(True)
        self.meta.setWordWrap(True)  # a long URL must not set the window's minimum width
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(2)
        self.comment = QLabel()
        self.comment.setObjectName("documentComment")
        self.comment.setTextFormat(Qt.TextFormat.RichText)
        self.comment.setWordWrap(True)
        self.comment.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.comment.linkActivated.connect(lambda _link: self.commentRequested.emit())
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(self.comment)
        self._link_color = LINK_COLORS[False]
        self._document: Document | None = None
        self._position = ""
        self.show_document(None)

    def set_dark(self, dark: bool) -> None:
        """Links in a colour readable on the theme's background."""
        self._link_color = LINK_COLORS[dark]
        self.show_document(self._document, self._position)

    def meta_text(self) -> str:
        """The metadata line as plain text (spaces, not ``&nbsp;``)."""
        plain = QTextDocumentFragment.fromHtml(self.meta.text()).toPlainText()
        return plain.replace("\xa0", " ")

    def show_document(self, document: Document | None, position: str = "") -> None:
        self._document, self._position = document, position
        self._show_comment(document)
        if document is None:
            self.title.setText("No document open")
            self.meta.setText(
                "<i>Import articles with File › Import Articles…, or pick one in the list.</i>"
            )
            return
        self.title.setText(document.display_title)
        parts: list[str] = []
        if document.source:
            parts.append(f"<b>{escape(document.source)}</b>")
        if document.published:
            parts.append(escape(document.published.isoformat()))
        if document.url:
            shown = document.url if len(document.url) <= 70 else document.url[:69] + "…"
            parts.append(
                f"<a href='{escape(document.url, quote=True)}' "
                f"style='color:{self._link_color}'>{escape(shown)}</a>"
            )
        color = STATUS_COLORS.get(document.status, "#777777")
        parts.append(f"<span style='color:{color}; font-weight:600'>{document.status.label}</span>")
        if position:
            parts.append(escape(position))
        # wrap between the parts, never inside one ("In progress", "3 of 8")
        parts = [p if p.startswith("<a ") else _unbreakable(p) for p in parts]
        self.meta.setText(" &nbsp;·&nbsp; ".join(parts))

    def comment_text(self) -> str:
        """The comment line as plain text."""
        plain = QTextDocumentFragment.fromHtml(self.comment.text()).toPlainText()
        return plain.replace("\xa0", " ")

    def _show_comment(self, document: Document | None) -> None:
        link = f"style='color:{self._link_color}'"
        if document is None:
            self.comment.setText("")
            self.comment.hide()
        elif document.comment:
            shown = "<br>".join(escape(line) for line in document.comment.splitlines())
            self.comment.setText(f"<b>Comment:</b> {shown} &nbsp;<a href='comment' {link}>edit</a>")
            self.comment.show()
        else:
            self.comment.setText(f"<a href='comment' {link}>Add a comment on this document</a>")
            self.comment.show()


def _unbreakable(html: str) -> str:
    """Spaces in text (not inside tags) become non-breaking."""
    out: list[str] = []
    in_tag = False
    for char in html:
        if char == "<":
            in_tag = True
        elif char == ">":
            in_tag = False
        out.append("&nbsp;" if char == " " and not in_tag else char)
    return "".join(out)
