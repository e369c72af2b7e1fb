"""Team mode in the window: My queue, the Team dialog, a stale edit, others' edits appearing,
the connection banner."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from annotator.core.document import DocumentDraft
from annotator.core.edits import AddSpan, RelabelSpan
from annotator.core.errors import ConnectionLostError
from annotator.core.ids import DocumentId, SpanId
from annotator.core.team import Role
from annotator.gui.document_list import STATUS
from annotator.gui.main_window import MainWindow
from annotator.gui.span_panel import BY
from annotator.gui.team_dialog import TeamDialog
from annotator.services import team
from annotator.services.project import Project
from tests.gui.workspace import focus_text, make_project, make_window, press


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, folder: Path) -> MainWindow:
    made = make_window(qtbot, tmp_path / "config", folder)  # "tester": the first, so manager
    made.team.timer.stop()  # the tests poll by hand, when they mean to
    return made


def as_member(folder: Path, name: str, role: Role) -> Project:
    with Project.open(folder, annotator="tester") as manager:
        team.add_member(manager, name, role)
    return Project.open(folder, annotator=name)


def test_my_queue_lists_my_documents_with_their_state(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    project = window.project
    assert project is not None
    ids = project.document_ids()
    team.assign(project, ids[1:], ["tester"])
    box = window.documents.queue_box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert box.isChecked()
    model = window.documents.model
    assert list(model.ids()) == ids[1:]
    assert model.index(0, STATUS).data() == "Assigned"
    assert window.open_document(ids[1])
    assert model.index(0, STATUS).data() == "In progress"
    assert model.index(0, STATUS).data(Qt.ItemDataRole.ToolTipRole) == (
        "Your assignment: in progress"
    )
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert list(model.ids()) == ids


def test_the_team_dialog_manages_members_roles_blind_and_assignment(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    assert window.team.action.isEnabled()
    dialog = window.team.open_dialog()
    assert isinstance(dialog, TeamDialog)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.new_name, "bob")
    qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)
    assert "Added bob as annotator" in dialog.message.text()
    qtbot.keyClicks(dialog.new_name, "cy")
    qtbot.mouseClick(dialog.findChild(QPushButton, "addMember"), Qt.MouseButton.LeftButton)
    roles = dialog.findChild(QComboBox, "role:cy")
    assert roles is not None
    roles.setCurrentIndex(list(Role).index(Role.CURATOR))
    assert "cy is now curator" in dialog.message.text()
    qtbot.mouseClick(dialog.blind, Qt.MouseButton.LeftButton)
    assert window.project is not None
    assert window.project.blind
    dialog.set_checked(["bob", "cy"])
    qtbot.mouseClick(dialog.blind, Qt.MouseButton.LeftButton)
    assert not window.project.blind
    assert dialog.open_only.isChecked()
    qtbot.mouseClick(dialog.findChild(QPushButton, "assignButton"), Qt.MouseButton.LeftButton)
    assert "2 new assignments over 1 document." in dialog.message.text()
    members = {m.name: (m.role, m.assigned) for m in team.members(window.project)}
    assert members == {
        "bob": (Role.ANNOTATOR, 1),
        "cy": (Role.CURATOR, 1),
        "tester": (Role.MANAGER, 0),
    }
    with Project.open(folder, annotator="bob") as bob:  # an annotator's attempt is refused
        refused = TeamDialog(bob, [DocumentId(1)], [DocumentId(1)])
        qtbot.addWidget(refused)
        refused.set_checked(["bob"])
        refused.assign()
        assert "may not assign documents" in refused.message.text()


def test_a_stale_edit_names_who_changed_the_span_and_shows_the_current_version(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    text = window.current.text if window.current else ""
    start = text.index("army")
    window.viewer.set_selection_offsets(start, start + 4)
    press(qtbot, window, "a")
    span_id = window.viewer.selected_span_id()
    assert span_id
    with as_member(folder, "cy", Role.CURATOR) as cy:
        cy.apply(RelabelSpan(SpanId(span_id), "LOCATION"))
    window.viewer.select_span(span_id)
    stack = window.stacks.group.activeStack()
    count = stack.count()
    shown: list[str] = []

    def read_box() -> None:
        boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        shown.extend(b.text() for b in boxes)
        for b in boxes:
            b.close()

    press(qtbot, window, "l")  # relabel as LOCATION too: refused, the span is newer
    qtbot.waitUntil(lambda: bool([b for b in window.findChildren(QMessageBox) if b.isVisible()]))
    read_box()
    assert "changed by cy meanwhile" in shown[0]
    assert "showing the current version" in shown[0]
    assert stack.count() == count
    assert window.current is not None
    assert window.current.span(span_id).label == "LOCATION"


def test_edits_by_another_process_appear_without_reopening(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    assert window.current is not None
    document_id = window.current.id
    with as_member(folder, "bob", Role.ANNOTATOR) as bob:
        bob.apply(AddSpan(document_id, "LOCATION", 36, 44))
    window.team.timer.setInterval(50)
    window.team.timer.start()
    qtbot.waitUntil(lambda: len(window.current.spans) == 1 if window.current else False)
    (span,) = window.current.spans.values()
    assert span.annotator == "bob"
    assert window.spans.model.rowCount() == 1
    assert window.spans.model.index(0, BY).data() == "bob"  # whose span it is
    assert "Changed by bob" in window.statusBar().currentMessage()


def test_a_lost_connection_shows_a_banner_until_the_database_answers(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.bridge.failed.emit(
        "Add ACTOR span", ConnectionLostError("lost the connection to postgresql://db")
    )
    assert window.team.banner.isVisible()
    assert "Connection lost — retrying… Not saved yet: Add ACTOR span." in (
        window.team.banner.text()
    )
    assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]  # no modal box
    window.team.poll()  # the (SQLite) database answers: back
    assert not window.team.banner.isVisible()
    assert "Not saved while it was lost: Add ACTOR span" in window.statusBar().currentMessage()


@pytest.mark.postgres
def test_a_real_outage_shows_the_banner_keeps_the_window_usable_and_recovers(
    qtbot: QtBot, tmp_path: Path, postgres_url: str
) -> None:
    from PySide6.QtWidgets import QApplication
    from sqlalchemy.engine import make_url

    from annotator.gui.settings import Settings
    from annotator.gui.theme import ThemeManager
    from tests.tcp_proxy import TcpProxy

    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    folder = tmp_path / "p"
    Project.create(folder, database_url=through).close()
    with Project.open(folder, database_url=through) as project:
        project.database.add_documents(
            [(DocumentDraft("Rebels shelled Aleppo on Monday."), "x")], project.now()
        )
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    config = tmp_path / "config"
    window = MainWindow(
        Settings(config),
        ThemeManager(app, "light"),
        annotator="tester",
        log_file=config / "annotator.log",
        database_url=through,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        assert window.open_project(folder)
        window.team.timer.stop()
        focus_text(qtbot, window)
        window.viewer.set_selection_offsets(0, 6)
        press(qtbot, window, "a")
        stack = window.stacks.group.activeStack()
        assert stack.count() == 1
        proxy.stop()
        window.viewer.set_selection_offsets(15, 21)
        press(qtbot, window, "l")
        assert stack.count() == 1  # not shown as saved
        assert window.team.banner.isVisible()
        assert "Not saved yet: Add LOCATION span" in window.team.banner.text()
        assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        window.team.poll()  # still away: the banner stays
        assert window.team.banner.isVisible()
        proxy.start()
        window.team.poll()
        assert not window.team.banner.isVisible()
        assert "Connection back. Saved now: Add LOCATION span." in (
            window.statusBar().currentMessage()
        )
        assert stack.count() == 2  # applied again, as an undoable step
        assert window.current is not None
        assert sorted(s.label for s in window.current.spans.values()) == ["ACTOR", "LOCATION"]
    finally:
        window.close()
        proxy.stop()


def test_a_schema_changed_in_another_window_shows_here_and_its_hotkey_labels(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    from annotator.core.schema_changes import RenameLabel
    from annotator.services import schema_editing

    with Project.open(folder, annotator="tester") as elsewhere:
        schema_editing.apply(elsewhere, RenameLabel("LOCATION", "PLACE"))
    window.team.poll()
    labels = [a.text() for a in window.commands.label_actions]
    assert "Label as PLACE" in labels
    assert "Label as LOCATION" not in labels
    text = window.current.text if window.current else ""
    start = text.index("army")
    window.viewer.set_selection_offsets(start, start + 4)
    press(qtbot, window, "l")
    assert window.current is not None
    assert [s.label for s in window.current.spans.values()] == ["PLACE"]


def test_a_status_change_lost_with_the_connection_does_not_replay_an_earlier_refused_edit(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.current is not None
    length = len(window.current.text)
    refused = AddSpan(window.current.id, "ACTOR", length, length + 5)  # outside the text
    assert window.bridge.apply(refused) is None
    for box in [b for b in window.findChildren(QMessageBox) if b.isVisible()]:
        box.close()
    window.bridge.failed.emit(
        "Mark document done", ConnectionLostError("lost the connection to postgresql://db")
    )
    assert window.team.pending == []  # nothing to apply again: a status is not an edit
    assert window.team.unsaved == ["Mark document done"]


def test_turning_blind_annotation_on_hides_the_others_spans_in_an_open_window(
    qtbot: QtBot, window: MainWindow, folder: Path
) -> None:
    from annotator.gui.team_mode import ROLE_EVERY

    assert window.current is not None
    document_id = window.current.id
    with as_member(folder, "boss", Role.MANAGER) as boss:
        team.set_role(boss, "tester", Role.ANNOTATOR)
        boss.apply(AddSpan(document_id, "LOCATION", 36, 44))
        window.team.poll()
        assert [s.annotator for s in window.current.spans.values()] == ["boss"]
        team.set_blind(boss, True)
    for _ in range(ROLE_EVERY):
        window.team.poll()
    assert window.current is not None
    assert list(window.current.spans.values()) == []
    assert window.spans.model.rowCount() == 0


def test_another_annotators_span_is_read_only_and_a_refused_value_goes_back(
    qtbot: QtBot, tmp_path: Path, folder: Path
) -> None:
    with Project.open(folder, annotator="tester") as manager:
        team.add_member(manager, "cy", Role.ANNOTATOR)
        text = manager.annotated(DocumentId(1)).document.text
        start = text.index("At least seven")
        manager.apply(
            AddSpan(DocumentId(1), "CASUALTY_FIGURE", start, start + 20, annotator="tester")
        )
    window = make_window(qtbot, tmp_path / "config", folder, annotator="cy")
    window.team.timer.stop()
    assert window.current is not None
    (theirs,) = window.current.spans.values()
    window.viewer.select_span(int(theirs.id))
    form = window.attributes.form
    assert form.span is not None
    assert form.span.id == theirs.id
    combo = form.editor("outcome")
    assert isinstance(combo, QComboBox)
    assert not combo.isEnabled()
    assert form.read_only_hint.isVisibleTo(form)
    assert form.read_only_hint.text() == "tester's span: read-only"
    combo.setCurrentIndex(combo.findText("injured"))  # were it changed anyway: refused...
    assert "ANN201" in window.statusBar().currentMessage()
    assert combo.currentText() == ""  # ...and the form shows the stored value again
    with Project.open(folder, annotator="tester") as manager:
        (stored,) = manager.annotated(DocumentId(1)).spans
    assert "outcome" not in stored.attributes
    start = window.current.text.index("Brennick")  # cy's own span can be edited
    window.viewer.set_selection_offsets(start, start + len("Brennick"))
    press(qtbot, window, "f")
    assert form.span is not None
    assert form.span.annotator == "cy"
    mine = form.editor("outcome")
    assert isinstance(mine, QComboBox)
    assert mine.isEnabled()
    assert not form.read_only_hint.isVisibleTo(form)
    mine.setCurrentIndex(mine.findText("injured"))
    assert window.current.span(form.span.id).attributes.get("outcome") == "injured"


def test_a_schema_changed_on_another_machine_shows_here_and_in_this_folder(
    qtbot: QtBot, window: MainWindow, folder: Path, tmp_path: Path
) -> None:
    import shutil

    from annotator.core.schema_changes import RenameLabel
    from annotator.services import schema_editing
    from annotator.services.project_files import read_project_config

    assert window.project is not None
    team.add_member(window.project, "bob", Role.ANNOTATOR)  # a team: the schema is shared
    other = tmp_path / "other-machine"
    other.mkdir()
    shutil.copy(folder / "project.toml", other / "project.toml")
    url = f"sqlite:///{folder / 'annotations.sqlite'}"
    with Project.open(other, database_url=url, annotator="tester") as elsewhere:
        schema_editing.apply(elsewhere, RenameLabel("LOCATION", "PLACE"))
    window.team.poll()
    labels = [a.text() for a in window.commands.label_actions]
    assert "Label as PLACE" in labels
    assert "Label as LOCATION" not in labels
    assert read_project_config(folder).schema.label("PLACE") is not None
