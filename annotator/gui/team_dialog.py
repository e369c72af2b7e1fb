"""The manager's Team dialog: members and roles, blind annotation, assigning documents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.ids import DocumentId
from annotator.core.team import Member, Role
from annotator.core.text import plural
from annotator.gui.errors import message_of
from annotator.services import team
from annotator.services.project import Project

NAME, ROLE, ASSIGNED = range(3)
T = TypeVar("T")


class TeamDialog(QDialog):
    """Every change is saved at once (and refused with a message when the role does not allow
    it); ``changed`` tells the window to refresh its list and identity."""

    changed = Signal()

    def __init__(
        self,
        project: Project,
        open_documents: Sequence[DocumentId],
        listed_documents: Sequence[DocumentId],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("teamDialog")
        self.setWindowTitle("Team")
        self._project = project
        self._open = list(open_documents)
        self._listed = list(listed_documents)

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("teamMembers")
        self.table.setHorizontalHeaderLabels(["Member", "Role", "Documents"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.new_name = QLineEdit()
        self.new_name.setObjectName("newMemberName")
        self.new_name.setPlaceholderText("Name")
        self.new_role = _role_box(Role.ANNOTATOR)
        add = QPushButton("Add member")
        add.setObjectName("addMember")
        add.setAutoDefault(False)  # Return in the name field adds, and only once
        add.clicked.connect(self.add_member)
        self.new_name.returnPressed.connect(self.add_member)
        adding = QHBoxLayout()
        adding.addWidget(self.new_name, 1)
        adding.addWidget(self.new_role)
        adding.addWidget(add)
        self.blind = QCheckBox("Blind annotation: annotators see only their own annotations")
        self.blind.setObjectName("blindAnnotation")
        self.blind.setChecked(project.blind)
        self.blind.toggled.connect(self._blind_toggled)
        members_group = QGroupBox("Members")
        members_layout = QVBoxLayout(members_group)
        members_layout.addWidget(self.table)
        members_layout.addLayout(adding)
        members_layout.addWidget(self.blind)

        self.assignees = QListWidget()
        self.assignees.setObjectName("assignees")
        self.assignees.setMaximumHeight(110)
        self.open_only = QRadioButton(f"The open document ({len(self._open)})")
        self.all_listed = QRadioButton(f"Every document in the list ({len(self._listed):,})")
        (self.open_only if self._open else self.all_listed).setChecked(True)
        self.open_only.setEnabled(bool(self._open))
        self.per_document = QSpinBox()
        self.per_document.setObjectName("perDocument")
        self.per_document.setRange(0, 50)
        self.per_document.setSpecialValueText("all checked")
        self.per_document.setToolTip("Annotators per document, fewest documents first")
        assign = QPushButton("Assign")
        assign.setObjectName("assignButton")
        assign.setAutoDefault(False)
        assign.clicked.connect(self.assign)
        assign_group = QGroupBox("Assign documents")
        assign_form = QFormLayout(assign_group)
        assign_form.addRow("To", self.assignees)
        assign_form.addRow("Documents", self.open_only)
        assign_form.addRow("", self.all_listed)
        assign_form.addRow("Annotators per document", self.per_document)
        assign_form.addRow("", assign)

        self.message = QLabel()
        self.message.setObjectName("teamMessage")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(members_group)
        layout.addWidget(assign_group)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(560, 640)
        self.fill()

    # -- members --------------------------------------------------------------------------------

    def fill(self) -> None:
        members = self._run(lambda: team.members(self._project)) or []
        self.table.setRowCount(len(members))
        checked = self.checked_assignees()
        self.assignees.clear()
        for row, member in enumerate(members):
            self.table.setItem(row, NAME, QTableWidgetItem(member.name))
            box = _role_box(member.role)
            box.setObjectName(f"role:{member.name}")
            box.currentIndexChanged.connect(lambda _i, m=member, b=box: self._role_chosen(m, b))
            self.table.setCellWidget(row, ROLE, box)
            count = QTableWidgetItem(f"{member.assigned:,}")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, ASSIGNED, count)
            item = QListWidgetItem(member.name, self.assignees)
            item.setCheckState(
                Qt.CheckState.Checked if member.name in checked else Qt.CheckState.Unchecked
            )

    def checked_assignees(self) -> list[str]:
        items = (self.assignees.item(i) for i in range(self.assignees.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def set_checked(self, names: Sequence[str]) -> None:
        for i in range(self.assignees.count()):
            item = self.assignees.item(i)
            on = item.text() in names
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def add_member(self) -> None:
        name = self.new_name.text().strip()
        role = Role(self.new_role.currentData())
        if self._run(lambda: team.add_member(self._project, name, role)) is not None:
            self.new_name.clear()
            self.message.setText(f"Added {name} as {role.value}.")
            self.fill()
            self.changed.emit()

    def _role_chosen(self, member: Member, box: QComboBox) -> None:
        role = Role(box.currentData())
        if self._run(lambda: team.set_role(self._project, member.name, role)) is not None:
            self.message.setText(f"{member.name} is now {role.value}.")
            self.changed.emit()
        self.fill()

    def _blind_toggled(self, on: bool) -> None:
        def switch() -> bool:
            team.set_blind(self._project, on)
            return True

        if self._run(switch) is None:
            self.blind.blockSignals(True)
            self.blind.setChecked(not on)
            self.blind.blockSignals(False)
            return
        self.message.setText(f"Blind annotation is {'on' if on else 'off'}.")
        self.changed.emit()

    # -- assignment -----------------------------------------------------------------------------

    def assign(self) -> None:
        names = self.checked_assignees()
        documents = self._open if self.open_only.isChecked() else self._listed
        per_document = self.per_document.value() or None
        added = self._run(lambda: team.assign(self._project, documents, names, per_document))
        if added is not None:
            self.message.setText(
                f"{plural(added, 'new assignment')} over {plural(len(documents), 'document')}."
            )
            self.fill()
            self.changed.emit()

    def _run(self, work: Callable[[], T]) -> T | None:
        try:
            return work()
        except AnnotatorError as error:
            self.message.setText(message_of(error))
            return None


def _role_box(current: Role) -> QComboBox:
    box = QComboBox()
    for role in Role:
        box.addItem(role.value.capitalize(), role.value)
    box.setCurrentIndex(list(Role).index(current))
    return box
