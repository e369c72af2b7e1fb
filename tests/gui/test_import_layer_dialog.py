"""The import dialog's layer and label feature, for the formats with typed layers (XMI, TSV3)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.services.project import Project
from tests.formats.test_layer_choice import TWO_LAYERS
from tests.gui.test_format_dialogs import open_import, run_import
from tests.gui.workspace import make_window


def test_one_layer_with_its_label_feature_is_imported(qtbot: QtBot, tmp_path: Path) -> None:
    source = tmp_path / "two.tsv"
    source.write_text(TWO_LAYERS, encoding="utf-8")
    folder = tmp_path / "proj"
    Project.create(folder).close()
    window = make_window(qtbot, tmp_path / "config", folder)
    dialog = open_import(qtbot, window)
    dialog.set_format("jsonl")
    assert not dialog.layer_edit.isEnabled()
    assert not dialog.label_feature_edit.isEnabled()
    dialog.set_format("tsv3")
    assert dialog.layer_edit.isEnabled()
    qtbot.mouseClick(dialog.layer_edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.layer_edit, "NamedEntity")
    qtbot.mouseClick(dialog.label_feature_edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.label_feature_edit, "value")
    dialog.add_labels.setChecked(True)
    dialog.path_edit.setText(str(source))
    options = dialog.options()
    assert options.label_feature == "value"
    assert options.extra == {"span_layer": "NamedEntity"}
    report = run_import(qtbot, window, dialog)
    assert report is not None
    assert report.spans == 2
    with Project.open(folder) as project:
        labels = sorted(s.label for item in project.iter_annotated() for s in item.spans)
    assert labels == ["LOC", "ORG"]
