"""The main window: the document, the docks around it and the status bar; each feature's
wiring is a controller in :mod:`annotator.gui.controllers` that the window creates."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from annotator.core.ids import DocumentId
from annotator.core.schema import LabelSchema
from annotator.gui.actions import WindowActions
from annotator.gui.agreement_dialog import AgreementDialog
from annotator.gui.annotation_import_dialog import AnnotationImportDialog
from annotator.gui.attribute_form import AttributeDock
from annotator.gui.bridge import ProjectBridge
from annotator.gui.controllers.agreement import open_agreement
from annotator.gui.controllers.document_flow import DocumentFlow
from annotator.gui.controllers.document_showing import DocumentShowing
from annotator.gui.controllers.edit_feedback import EditFeedback
from annotator.gui.controllers.help_menu import HelpMenu
from annotator.gui.controllers.preferences import Preferences
from annotator.gui.controllers.project_opening import ProjectOpening
from annotator.gui.controllers.schema_editing import SchemaEditing
from annotator.gui.controllers.selection import SelectionSync
from annotator.gui.controllers.transfers import Transfers
from annotator.gui.current import OpenDocument
from annotator.gui.document_header import DocumentHeader
from annotator.gui.document_list import DocumentListDock
from annotator.gui.export_dialog import ExportDialog
from annotator.gui.guidelines_dock import GuidelinesDock
from annotator.gui.labelling import Labelling
from annotator.gui.linking import RelationCommands
from annotator.gui.notes import NoteCommands
from annotator.gui.palette import PaletteDock
from annotator.gui.project_dialogs import NewProjectChoice
from annotator.gui.relations_panel import RelationsDock
from annotator.gui.settings import Settings
from annotator.gui.span_panel import SpanListDock
from annotator.gui.team_mode import TeamMode
from annotator.gui.theme import ThemeManager
from annotator.gui.undo import UndoStacks
from annotator.gui.viewer import DocumentViewer
from annotator.services.project import Project

STATUS_TIMEOUT = 6000


class MainWindow(QMainWindow):
    """One window, one open project, one open document at a time."""

    def __init__(
        self,
        settings: Settings,
        theme: ThemeManager,
        *,
        annotator: str,
        log_file: Path,
        database_url: str | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("annotator")
        self.setAcceptDrops(True)
        self.settings = settings
        self.theme = theme
        self.annotator = annotator
        self.log_file = log_file
        self.current: OpenDocument | None = None

        self.bridge = ProjectBridge(self)
        self.stacks = UndoStacks(self.bridge, self)

        self.header = DocumentHeader()
        self.viewer = DocumentViewer()
        self.viewer.extra_context_actions = lambda: [self.commands.annotate_all_action]
        self.viewer.setObjectName("documentViewer")
        central = QWidget()
        central.setObjectName("workspace")
        self.workspace = central
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.viewer, 1)
        self.setCentralWidget(central)

        self.documents = DocumentListDock(self)
        self.palette_dock = PaletteDock(self)
        self.spans = SpanListDock(self)
        self.relations_dock = RelationsDock(self)
        self.attributes = AttributeDock(self)
        self.guidelines = GuidelinesDock(self)
        # Left: what to look at (documents, the open one's spans). Right: what to do with it.
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.documents)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.spans)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.relations_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.palette_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.attributes)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.guidelines)
        self._layout_pending = True

        self.labelling = Labelling(
            self.viewer,
            self.stacks,
            lambda: self.current,
            lambda: self.annotator,
            lambda: self.settings.character_precision,
            self,
            schema=lambda: self.project.schema if self.project else None,
        )
        self.linking = RelationCommands(
            self.viewer,
            self.stacks,
            lambda: self.current,
            lambda: self.project.schema if self.project else None,
            lambda: self.annotator,
            self,
        )
        self.relations_dock.allowed_types = self.linking.allowed_types
        self.notes = NoteCommands(
            self.viewer,
            self.stacks,
            lambda: self.current,
            lambda: self.settings.character_precision,
            self,
        )

        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.annotator_label = QLabel()
        self.statusBar().addPermanentWidget(self.annotator_label)
        self.statusBar().addPermanentWidget(self.progress_label)

        self.team = TeamMode(self)
        self.team.install()
        # each feature's wiring (the team's first: it takes a failed edit before the message)
        self.edits = EditFeedback(self)
        self.showing = DocumentShowing(self)
        self.flow = DocumentFlow(self)
        self.selection = SelectionSync(self)
        self.projects = ProjectOpening(self, database_url)
        self.transfers = Transfers(self)
        self.schema_editing = SchemaEditing(self)
        self.preferences = Preferences(self)
        self.help_menu = HelpMenu(self)
        self.importer = self.transfers.importer
        self.exporter = self.transfers.exporter
        self.annotation_importer = self.transfers.annotation_importer
        self.commands = WindowActions(self)
        self._connect_commands()
        self.preferences.show_annotator()
        self.theme.darkChanged.connect(self.viewer.set_dark)
        self.theme.darkChanged.connect(self.commands.retint_icons)
        self.theme.darkChanged.connect(self.header.set_dark)
        self.viewer.set_dark(self.theme.dark)
        self.header.set_dark(self.theme.dark)
        self._restore_window()
        self.showing.show_document(None)

    def _connect_commands(self) -> None:
        """The annotation commands' messages and the panels' requests for them."""
        self.labelling.message.connect(self.status)
        self.linking.message.connect(self.status)
        self.notes.message.connect(self.status)
        self.relations_dock.commentRequested.connect(self.notes.comment_relation)
        self.header.commentRequested.connect(self.notes.comment_document)
        self.relations_dock.retypeRequested.connect(self.linking.retype)
        self.relations_dock.deleteRequested.connect(self.linking.delete)

    # == what other parts of the window (and tests) ask the window for =========================

    @property
    def project(self) -> Project | None:
        return self.bridge.project

    def status(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_TIMEOUT)

    def open_project(self, folder: Path) -> bool:
        return self.projects.open_project(folder)

    def set_project(self, project: Project) -> None:
        self.projects.set_project(project)

    def create_project(self, choice: NewProjectChoice) -> bool:
        return self.projects.create_project(choice)

    def open_document(self, document_id: DocumentId) -> bool:
        return self.showing.open_document(document_id)

    def reload_document(self) -> None:
        self.showing.reload_document()

    def update_progress(self) -> None:
        self.showing.update_progress()

    def mark_done_and_next(self) -> None:
        self.flow.mark_done_and_next()

    def show_schema(self, schema: LabelSchema, changed: Iterable[DocumentId] = ()) -> None:
        self.schema_editing.show_schema(schema, changed)

    def set_annotator(self, name: str) -> None:
        self.preferences.set_annotator(name)

    def set_theme(self, mode: str) -> None:
        self.preferences.set_theme(mode)

    def import_paths(self, paths: list[Path]) -> bool:
        return self.transfers.import_paths(paths)

    def choose_import_annotations(self) -> AnnotationImportDialog | None:
        return self.transfers.choose_import_annotations()

    def choose_export(self) -> ExportDialog | None:
        return self.transfers.choose_export()

    def show_agreement(self) -> AgreementDialog | None:
        return open_agreement(self)

    # == drag and drop ==========================================================================

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(url.isLocalFile() for url in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        self.transfers.handle_dropped(paths)

    # == window state ===========================================================================

    def _restore_window(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 860)
        state = self.settings.window_state()
        if state is not None and self.restoreState(state):
            self._layout_pending = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._layout_pending:  # first start: sizes need the window laid out
            self._layout_pending = False
            QTimer.singleShot(0, self._default_layout)

    def _default_layout(self) -> None:
        width = self.width()
        self.resizeDocks(
            [self.documents, self.palette_dock],
            [max(320, width * 32 // 100), max(260, width * 20 // 100)],
            Qt.Orientation.Horizontal,
        )
        height = self.height()
        self.resizeDocks(
            [self.documents, self.spans, self.relations_dock],
            [height * 40 // 100, height * 35 // 100, height * 25 // 100],
            Qt.Orientation.Vertical,
        )
        palette_height = self.palette_dock.sizeHint().height()
        self.resizeDocks(
            [self.palette_dock, self.attributes, self.guidelines],
            [palette_height, height * 30 // 100, height * 40 // 100],
            Qt.Orientation.Vertical,
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.transfers.stop_for_closing():
            event.ignore()
            return
        self.showing.remember_document()
        self.settings.save_window(QByteArray(self.saveGeometry()), QByteArray(self.saveState()))
        self.settings.sync()
        self.bridge.set_project(None)
        super().closeEvent(event)
