"""The export dialog's format options: offsets unit, tag scheme, overlaps, predictions; only
those the chosen format uses are shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from annotator.core.offsets import Unit
from annotator.gui.dialog_parts import note_label
from annotator.services.formats import ExportOptions, OverlapPolicy, format_info


@dataclass(frozen=True, slots=True)
class FormatOptions:
    """Which export options a format uses (the dialog shows only these)."""

    unit: bool = False
    scheme: bool = False
    overlaps: tuple[OverlapPolicy, ...] = ()
    overlap_title: str = "Overlapping spans"
    predictions: bool = False


FORMAT_OPTIONS: Mapping[str, FormatOptions] = {
    "conll": FormatOptions(
        scheme=True,
        overlaps=(OverlapPolicy.PRIORITY, OverlapPolicy.COLUMNS, OverlapPolicy.DROP),
    ),
    "huggingface": FormatOptions(
        scheme=True, overlaps=(OverlapPolicy.PRIORITY, OverlapPolicy.DROP)
    ),
    "spacy": FormatOptions(
        overlaps=(OverlapPolicy.PRIORITY, OverlapPolicy.DROP), overlap_title="doc.ents overlaps"
    ),
    "doccano": FormatOptions(unit=True),
    "label-studio": FormatOptions(predictions=True),
}
"""Formats not listed have no options; any format whose default unit is not code points also
gets the unit choice."""

OVERLAP_TEXT = {
    OverlapPolicy.PRIORITY: "Keep the span whose label comes first in the schema",
    OverlapPolicy.COLUMNS: "One tag column per nesting layer (outermost first)",
    OverlapPolicy.DROP: "Leave out every span that overlaps another",
}
SPACY_OVERLAP_TEXT = {
    OverlapPolicy.PRIORITY: "Keep the span whose label comes first in the schema",
    OverlapPolicy.DROP: "Leave out every span that overlaps another",
}
UNIT_TEXT = {
    Unit.UTF16: "UTF-16 units",
    Unit.CODE_POINT: "Code points",
    Unit.UTF8: "UTF-8 bytes",
}


def shown_options(format_name: str) -> FormatOptions:
    return FORMAT_OPTIONS.get(format_name, FormatOptions())


def has_unit(format_name: str) -> bool:
    """Whether the format gets the offsets unit choice."""
    info = format_info(format_name)
    return shown_options(format_name).unit or (
        info is not None and info.default_unit != Unit.CODE_POINT
    )


class ExportOptionsGroup(QGroupBox):
    """The options of one format at a time (:meth:`show_format`); ``changed`` when the user
    picks another value, and :meth:`options` what they add up to."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Options", parent)
        self._format = "jsonl"
        self.unit_box = QComboBox()
        self.unit_box.setObjectName("exportUnit")
        self.unit_note = note_label()
        self.scheme_box = QComboBox()
        self.scheme_box.setObjectName("exportScheme")
        self.scheme_box.addItem("IOB2 (B-, I-, O)", "IOB2")
        self.scheme_box.addItem("BILOU (B-, I-, L-, U-, O)", "BILOU")
        self.overlap_box = QComboBox()
        self.overlap_box.setObjectName("exportOverlap")
        self.predictions_box = QComboBox()
        self.predictions_box.setObjectName("exportPredictions")
        self.predictions_box.addItem("Annotations (finished work)", False)
        self.predictions_box.addItem("Predictions (pre-annotations to review)", True)
        self.form = QFormLayout(self)
        self.form.addRow("Offsets in", self.unit_box)
        self.form.addRow("", self.unit_note)
        self.form.addRow("Tag scheme", self.scheme_box)
        self.form.addRow("Overlapping spans", self.overlap_box)
        self.form.addRow("Write spans as", self.predictions_box)
        for box in (self.unit_box, self.scheme_box, self.overlap_box, self.predictions_box):
            box.currentIndexChanged.connect(self.changed)

    def show_format(self, format_name: str, title: str) -> None:
        """Show the rows ``format_name`` uses, with its defaults; hidden when it has none."""
        self._format = format_name
        shown = shown_options(format_name)
        info = format_info(format_name)
        form = self.form
        unit = has_unit(format_name)
        form.setRowVisible(self.unit_box, unit)
        form.setRowVisible(self.unit_note, unit)
        form.setRowVisible(self.scheme_box, shown.scheme)
        form.setRowVisible(self.overlap_box, bool(shown.overlaps))
        form.setRowVisible(self.predictions_box, shown.predictions)
        if unit:
            default = info.default_unit if info is not None else Unit.CODE_POINT
            self.unit_box.blockSignals(True)
            self.unit_box.clear()
            for choice in (default, *(u for u in (Unit.CODE_POINT, Unit.UTF16) if u != default)):
                text = UNIT_TEXT[choice]
                if choice == default:
                    text += f" — as {format_name} shows them (default)"
                self.unit_box.addItem(text, choice.value)
            self.unit_box.blockSignals(False)
            self.unit_note.setText(
                f"{title} counts offsets in {default.description}"
                + (
                    ", like JavaScript: an emoji counts as 2. Choose code points only for a "
                    "reader that counts like Python string indices."
                    if default == Unit.UTF16
                    else "."
                )
            )
        if shown.overlaps:
            texts = SPACY_OVERLAP_TEXT if format_name == "spacy" else OVERLAP_TEXT
            label = form.labelForField(self.overlap_box)
            if isinstance(label, QLabel):
                label.setText(shown.overlap_title)
            self.overlap_box.blockSignals(True)
            self.overlap_box.clear()
            for policy in shown.overlaps:
                self.overlap_box.addItem(texts[policy], policy.value)
            self.overlap_box.blockSignals(False)
        any_option = unit or shown.scheme or bool(shown.overlaps) or shown.predictions
        self.setVisible(any_option)
        self.setTitle(f"Options for {title}")

    def options(self) -> ExportOptions:
        """The chosen options of the shown format (defaults for what it does not use)."""
        shown = shown_options(self._format)
        info = format_info(self._format)
        unit = info.default_unit if info is not None else Unit.CODE_POINT
        if has_unit(self._format) and self.unit_box.currentData() is not None:
            unit = Unit(self.unit_box.currentData())
        policy = OverlapPolicy.PRIORITY
        if shown.overlaps and self.overlap_box.currentData() is not None:
            policy = OverlapPolicy(self.overlap_box.currentData())
        return ExportOptions(
            offset_unit=unit,
            overlap_policy=policy,
            scheme=str(self.scheme_box.currentData()) if shown.scheme else "IOB2",
            as_predictions=bool(self.predictions_box.currentData()) if shown.predictions else False,
        )
