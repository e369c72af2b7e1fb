"""The attribute form: widgets for the selected span's attributes, built from the schema."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.annotation import Span
from annotator.core.schema import AttributeDefinition, AttributeType, AttributeValue, LabelSchema

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1


class OptionalSpinBox(QSpinBox):
    """An integer spin box with a "not set" state (its minimum, shown as text)."""

    NOT_SET = INT_MIN

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(self.NOT_SET, INT_MAX)
        self.setSpecialValueText("not set")
        self.setKeyboardTracking(False)  # valueChanged on Enter, focus out or arrows only
        self.setValue(self.NOT_SET)

    def optional_value(self) -> int | None:
        return None if self.value() == self.NOT_SET else self.value()

    def set_optional_value(self, value: int | None) -> None:
        self.setValue(self.NOT_SET if value is None else value)

    def stepBy(self, steps: int) -> None:
        if self.value() == self.NOT_SET:
            self.setValue(0)  # the first step leaves "not set" at 0, not at -2147483647
        else:
            super().stepBy(steps)


class AttributeForm(QWidget):
    """Edits one span's attributes; each change emits ``attributeEdited(span_id, name, value)``.

    ``value`` is ``None`` when the attribute is cleared. The form never writes anything itself.
    ``may_edit(owner)`` says whether the current user may change a span of ``owner``; the
    editors of other spans are disabled, with a hint.
    """

    attributeEdited = Signal(int, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._schema: LabelSchema | None = None
        self._span: Span | None = None
        self._editors: dict[str, QWidget] = {}
        self._loading = False
        self.may_edit: Callable[[str], bool] = lambda _owner: True
        self.title = QLabel()
        self.title.setObjectName("attributeTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.read_only_hint = QLabel()
        self.read_only_hint.setObjectName("attributeReadOnly")
        self.read_only_hint.setWordWrap(True)
        self.read_only_hint.hide()
        self._form_host = QWidget()
        self._form = QFormLayout(self._form_host)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.read_only_hint)
        layout.addWidget(self._form_host)
        layout.addStretch(1)
        self.show_span(None)

    @property
    def span(self) -> Span | None:
        return self._span

    def editor(self, name: str) -> QWidget | None:
        return self._editors.get(name)

    def set_schema(self, schema: LabelSchema | None) -> None:
        self._schema = schema
        self.show_span(None)

    def show_span(self, span: Span | None, text: str = "") -> None:
        """Show ``span``'s attributes (rebuilding the editors for a new span) or a hint."""
        previous = self._span
        self._span = span
        label = self._schema.label(span.label) if span is not None and self._schema else None
        if span is None or label is None:
            self.title.setText("<i>Select a span to see its attributes.</i>")
            self.read_only_hint.hide()
            self._clear_editors()
            return
        editable = self.may_edit(span.annotator)
        self.read_only_hint.setText("" if editable else f"{span.annotator}'s span: read-only")
        self.read_only_hint.setVisible(not editable)
        self._form_host.setEnabled(editable)
        quoted = " … ".join(text[a:b] for a, b in span.pieces).replace("\n", " ")
        if len(quoted) > 60:
            quoted = quoted[:59] + "…"
        self.title.setText(
            f"<span style='color:{label.color}'>■</span> <b>{label.name}</b> “{_escape(quoted)}”"
        )
        if previous is None or previous.id != span.id or previous.label != span.label:
            self._clear_editors()
            if not label.attributes:
                self._form.addRow(QLabel("<i>This label has no attributes.</i>"))
            for definition in label.attributes:
                editor = self._make_editor(definition)
                editor.setToolTip(definition.description)
                name_label = QLabel(definition.name)
                name_label.setToolTip(definition.description)
                self._form.addRow(name_label, editor)
        self._load_values()

    def reload(self) -> None:
        """Show the shown span's stored values again (after an edit was refused)."""
        self._load_values()

    def _clear_editors(self) -> None:
        self._editors.clear()
        while self._form.rowCount():
            self._form.removeRow(0)

    def _make_editor(self, definition: AttributeDefinition) -> QWidget:
        name = definition.name
        if definition.type is AttributeType.CHOICE:
            combo = QComboBox()
            combo.addItem("", None)
            for choice in definition.choices:
                combo.addItem(choice, choice)
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, n=name: self._edited(n, c.currentData())
            )
            self._editors[name] = combo
            return combo
        if definition.type is AttributeType.INTEGER:
            spin = OptionalSpinBox()
            spin.valueChanged.connect(
                lambda _v, s=spin, n=name: self._edited(n, s.optional_value())
            )
            clear = QToolButton()
            clear.setText("×")
            clear.setToolTip(f"Clear {name}")
            clear.setAutoRaise(True)
            clear.clicked.connect(lambda _c=False, s=spin: s.set_optional_value(None))
            self._editors[name] = spin
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(spin, 1)
            row.addWidget(clear)
            return box
        if definition.type is AttributeType.FLAG:
            check = QCheckBox()
            check.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            check.toggled.connect(lambda on, n=name: self._edited(n, True if on else None))
            self._editors[name] = check
            return check
        line = QLineEdit()
        line.setClearButtonEnabled(True)
        line.editingFinished.connect(lambda e=line, n=name: self._edited(n, e.text() or None))
        self._editors[name] = line
        return line

    def _load_values(self) -> None:
        span = self._span
        if span is None:
            return
        self._loading = True
        try:
            for name, editor in self._editors.items():
                value = span.attributes.get(name)
                if isinstance(editor, QComboBox):
                    found = editor.findData(value) if value is not None else 0
                    editor.setCurrentIndex(max(found, 0))
                elif isinstance(editor, OptionalSpinBox):
                    editor.set_optional_value(value if isinstance(value, int) else None)
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(value is True)
                elif isinstance(editor, QLineEdit) and editor.text() != str(value or ""):
                    editor.setText(str(value) if value is not None else "")
        finally:
            self._loading = False

    def _edited(self, name: str, value: AttributeValue | None) -> None:
        if self._loading or self._span is None:
            return
        if self._span.attributes.get(name) == value:
            return
        self.attributeEdited.emit(int(self._span.id), name, value)


class AttributeDock(QDockWidget):
    """The attribute form in a dock of its own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Attributes", parent)
        self.setObjectName("attributeDock")
        self.form = AttributeForm()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidget(scroll)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
