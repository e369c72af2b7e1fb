"""The Export dialog of a blind annotator offers only layers the export may carry."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator.core.document import DocumentDraft
from annotator.core.edits import AddSpan
from annotator.core.ids import DocumentId
from annotator.gui.export_dialog import ExportDialog
from annotator.services import team
from annotator.services.project import Project
from annotator.services.project_files import init_project


def layers(dialog: ExportDialog) -> list[str]:
    box = dialog.annotator_box
    return [str(box.itemData(i)) for i in range(box.count())]


def test_a_blind_annotator_is_not_offered_the_curated_or_others_layers(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "proj"
    init_project(folder, name="Blind")
    with (
        Project.open(folder, annotator="ana") as ana,
        Project.open(folder, annotator="bob") as bob,
    ):
        ana.database.add_documents([(DocumentDraft("Rebels shelled Aleppo."), "d1")], ana.now())
        ana.apply(AddSpan(DocumentId(1), "ACTOR", 0, 6))
        bob.apply(AddSpan(DocumentId(1), "LOCATION", 15, 21))
        open_dialog = ExportDialog(bob)
        qtbot.addWidget(open_dialog)
        assert layers(open_dialog) == ["", "all", "curated", "ana", "bob"]
        team.set_blind(ana, True)
        blind_dialog = ExportDialog(bob)
        qtbot.addWidget(blind_dialog)
        assert layers(blind_dialog) == ["", "all", "bob"]
        manager_dialog = ExportDialog(ana)
        qtbot.addWidget(manager_dialog)
        assert layers(manager_dialog) == ["", "all", "curated", "ana", "bob"]
