"""The main window: wires the viewer, the docks, the menus and the project bridge together."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import ChangeSet
from annotator.core.document import Document, DocumentFilter, DocumentStatus
from annotator.core.errors import AnnotatorError, StaleDataError
from annotator.core.ids import DocumentId
from annotator.core.project import PROJECT_FILE
from annotator.core.reports import ImportReport
from annotator.core.schema import AttributeValue, LabelSchema
from annotator.core.schema_changes import SchemaChange
from annotator.core.text import plural
from annotator.gui.actions import WindowActions
from annotator.gui.agreement_dialog import AgreementDialog
from annotator.gui.annotate_all_dialog import AnnotateAllDialog, open_annotate_all
from annotator.gui.annotation_import_dialog import (
    AnnotationImportDialog,
    AnnotationImportRunner,
)
from annotator.gui.attribute_form import AttributeDock
from annotator.gui.bridge import ProjectBridge
from annotator.gui.curation import CurationDialog
from annotator.gui.curation.opener import open_curation
from annotator.gui.current import OpenDocument
from annotator.gui.document_header import DocumentHeader
from annotator.gui.document_list import DocumentListDock
from annotator.gui.errors import is_serious, message_of, open_message, show_error
from annotator.gui.export_dialog import ExportDialog, ExportRunner
from annotator.gui.guidelines_dock import GuidelinesDock
from annotator.gui.importer import ImportRunner
from annotator.gui.labelling import Labelling
from annotator.gui.linking import RelationCommands
from annotator.gui.navigation import next_unfinished
from annotator.gui.notes import NoteCommands
from annotator.gui.open_document import open_view
from annotator.gui.packages_dialog import (
    ExportPackageDialog,
    MergeRunner,
    choose_export_package,
    choose_merge_packages,
)
from annotator.gui.palette import PaletteDock
from annotator.gui.project_dialogs import (
    NewProjectChoice,
    NewProjectDialog,
    ask_annotator_name,
    choose_project_folder,
)
from annotator.gui.relations_panel import RelationsDock
from annotator.gui.schema_dialog import SchemaDialog, open_schema_dialog
from annotator.gui.schema_undo import push_schema_change
from annotator.gui.settings import Settings
from annotator.gui.span_panel import SpanListDock
from annotator.gui.team_mode import TeamMode
from annotator.gui.theme import ThemeManager
from annotator.gui.undo import UndoStacks
from annotator.gui.viewer import DocumentViewer
from annotator.services.annotation_import import AnnotationImportReport
from annotator.services.exporting import ExportReport
from annotator.services.project import Project
from annotator.services.schema_editing import SchemaEdit

log = logging.getLogger("annotator.gui")
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
        self._database_url = database_url
        """--db or the environment: applies to the project named on the command line only."""
        self.current: OpenDocument | None = None

        self.bridge = ProjectBridge(self)
        self.stacks = UndoStacks(self.bridge, self)
        self.importer = ImportRunner(self)
        self.exporter = ExportRunner(self)
        self.annotation_importer = AnnotationImportRunner(self)

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
        self.commands = WindowActions(self)
        self._connect()
        self._show_annotator()
        self.theme.darkChanged.connect(self.viewer.set_dark)
        self.theme.darkChanged.connect(self.commands.retint_icons)
        self.theme.darkChanged.connect(self.header.set_dark)
        self.viewer.set_dark(self.theme.dark)
        self.header.set_dark(self.theme.dark)
        self._restore_window()
        self._show_document(None)

    def _connect(self) -> None:
        self.bridge.changed.connect(self._changed)
        self.bridge.saved.connect(lambda what: self.status(f"Saved: {what}"))
        self.bridge.failed.connect(self._failed)
        self.bridge.statusChanged.connect(self._status_changed)
        self.documents.documentActivated.connect(lambda i: self.open_document(DocumentId(i)))
        self.palette_dock.labelClicked.connect(self._palette_clicked)
        self.viewer.spanSelected.connect(self._span_selected)
        self.spans.spanActivated.connect(self._span_activated)
        self.attributes.form.attributeEdited.connect(self._attribute_edited)
        self.attributes.form.may_edit = self._may_edit
        self.labelling.message.connect(self.status)
        self.linking.message.connect(self.status)
        self.notes.message.connect(self.status)
        self.relations_dock.commentRequested.connect(self.notes.comment_relation)
        self.header.commentRequested.connect(self.notes.comment_document)
        self.viewer.relationSelected.connect(self._relation_selected)
        self.relations_dock.relationActivated.connect(self._relation_activated)
        self.relations_dock.retypeRequested.connect(self.linking.retype)
        self.relations_dock.deleteRequested.connect(self.linking.delete)
        self.importer.finished.connect(self._import_finished)
        self.exporter.finished.connect(self._export_finished)
        self.exporter.message.connect(self.status)
        self.annotation_importer.finished.connect(self._annotations_imported)
        self.annotation_importer.message.connect(self.status)

    # == projects ===============================================================================

    @property
    def project(self) -> Project | None:
        return self.bridge.project

    def open_project(self, folder: Path) -> bool:
        """Open a project folder; on failure a message says why and the current one stays."""
        url, self._database_url = self._database_url, None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            project = Project.open(Path(folder), database_url=url, annotator=self.annotator)
        except AnnotatorError as error:
            QApplication.restoreOverrideCursor()
            show_error(self, "Cannot open the project", error)
            return False
        except Exception as error:
            QApplication.restoreOverrideCursor()
            log.exception("opening %s failed", folder)
            show_error(self, "Cannot open the project", error)
            return False
        QApplication.restoreOverrideCursor()
        self.set_project(project)
        return True

    def set_project(self, project: Project) -> None:
        self._remember_document()
        self._show_document(None)
        self.stacks.clear()
        self.bridge.set_project(project)
        schema = project.schema
        self.palette_dock.set_schema(schema)
        self.spans.set_schema(schema)
        self.attributes.form.set_schema(schema)
        self.viewer.set_schema(schema)
        self.commands.fill_annotate_menu()
        try:
            self.guidelines.set_markdown(project.guidelines())
        except AnnotatorError as error:
            self.guidelines.set_markdown(f"*{message_of(error)}*")
        self.documents.set_project(project)
        self.setWindowTitle(f"{project.name} — annotator")
        self.settings.add_recent_project(project.folder)
        self.update_progress()
        last = self.settings.last_document(project.folder)
        target = (
            last if last is not None and self.documents.model.row_of(last) is not None else None
        )
        if target is None:
            target = self.documents.model.document_id(0)
        if target is not None:
            self.open_document(target)
        self.status(f"Opened {project.folder}")

    def new_project(self) -> None:
        dialog = NewProjectDialog(self)
        if dialog.exec() == NewProjectDialog.DialogCode.Accepted:
            self.create_project(dialog.choice())

    def create_project(self, choice: NewProjectChoice) -> bool:
        """``annotator init`` in the chosen folder, then open the new (empty) project."""
        try:
            project = Project.create(
                choice.folder,
                schema_name=choice.schema,
                name=choice.name,
                annotator=self.annotator,
            )
        except AnnotatorError as error:
            show_error(self, "Cannot create the project", error)
            return False
        self.set_project(project)
        self.status(f"Created {project.folder}: import articles with File › Import Articles…")
        return True

    def choose_project(self) -> None:
        start = self.project.folder.parent if self.project else None
        folder = choose_project_folder(self, start)
        if folder is not None:
            self.open_project(folder)

    # == documents ==============================================================================

    def open_document(self, document_id: DocumentId) -> bool:
        project = self.project
        if project is None:
            return False
        if self.current is not None and self.current.id == document_id:
            self.documents.show_document(document_id)
            return True
        try:
            opened = open_view(project, document_id)
        except AnnotatorError as error:
            show_error(self, "Cannot open the document", error)
            self.documents.show_document(self.current.id if self.current else None)
            return False
        self._show_document(opened)
        self.team.document_opened(document_id)
        return True

    def _show_document(self, opened: OpenDocument | None) -> None:
        self.current = opened
        if opened is None:
            self.viewer.clear_document()
            self.spans.model.set_document(None, "", ())
            self.relations_dock.model.set_document(None, "", (), lambda _id: None)
            self.palette_dock.model.set_spans(None, ())
            self.stacks.activate(None)
        else:
            outline = opened.outline
            self.viewer.show_outline(
                opened.document,
                outline,
                self.bridge.require_project().schema,
                opened.relations.values(),
                opened.span,
            )
            self.spans.model.set_outline(opened.id, opened.text, outline.entries, opened.spans)
            self.relations_dock.model.set_document(
                opened.id, opened.text, opened.relations.values(), opened.span
            )
            self.palette_dock.model.set_counts(opened.id, outline.counts())
            self.stacks.activate(opened.id)
            self.documents.show_document(opened.id)
            self._remember_document()
        self.attributes.form.show_span(None)
        self._show_header()
        enabled = opened is not None
        for action in (
            *self.commands.label_actions,
            self.commands.delete_action,
            self.commands.link_action,
            *self.commands.note_actions,
            *self.commands.move_actions,
            self.commands.done_action,
            self.commands.reopen_action,
            self.commands.reload_action,
            self.commands.curate_action,
        ):
            action.setEnabled(enabled)

    def _show_header(self) -> None:
        opened = self.current
        if opened is None:
            self.header.show_document(None)
            return
        row = self.documents.model.row_of(opened.id)
        count = self.documents.model.rowCount()
        position = f"{row + 1:,} of {count:,}" if row is not None else ""
        self.header.show_document(opened.document, position)

    def reload_document(self) -> None:
        """Read the open document again from the database (after someone else changed it)."""
        opened = self.current
        if opened is None or self.project is None:
            return
        selected = self.viewer.selected_span_id()
        try:
            reopened = open_view(self.project, opened.id)
        except AnnotatorError as error:
            show_error(self, "Cannot reload the document", error)
            return
        self.current = None
        self._show_document(reopened)
        if selected and reopened.span(selected):
            self.viewer.select_span(selected, scroll=False)
        self.documents.model.refresh([opened.id])

    def _step_document(self, step: int) -> None:
        if self.documents.step(step):
            self.viewer.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def go_next_unfinished(self) -> bool:
        project = self.project
        if project is None:
            return False
        current = self.current.id if self.current else None
        try:
            target = next_unfinished(
                project, current, self.documents.current_filter().title_contains
            )
        except AnnotatorError as error:
            show_error(self, "Cannot find the next document", error)
            return False
        if target is None:
            self.status("Every document is done.")
            return False
        opened = self.open_document(target)
        if opened:
            self.viewer.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return opened

    def mark_done_and_next(self) -> None:
        if self._set_status(DocumentStatus.DONE):
            self.go_next_unfinished()

    def mark_in_progress(self) -> None:
        self._set_status(DocumentStatus.IN_PROGRESS)

    def _set_status(self, status: DocumentStatus) -> bool:
        opened = self.current
        if opened is None:
            return False
        return self.bridge.set_status(opened.id, status) is not None

    def _status_changed(self, document: object) -> None:
        assert isinstance(document, Document)
        opened = self.current
        if opened is not None and opened.id == document.id:
            opened.document = replace(
                opened.document, status=document.status, version=document.version
            )
            self._show_header()
        self.documents.model.refresh([document.id])
        self.update_progress()
        self.status(f"Saved: document marked {document.status.label.lower()}")

    def update_progress(self) -> None:
        project = self.project
        if project is None:
            self.progress_label.setText("")
            return
        try:
            total = project.count_documents()
            done = project.count_documents(DocumentFilter(status=DocumentStatus.DONE))
        except AnnotatorError as error:
            self.progress_label.setText("")
            self.status(message_of(error))
            return
        share = f" ({done / total:.0%})" if total else ""
        self.progress_label.setText(f"Done {done:,} / {total:,}{share}")

    def _remember_document(self) -> None:
        if self.project is not None:
            opened = self.current
            self.settings.set_last_document(self.project.folder, opened.id if opened else None)

    # == edits ==================================================================================

    def _changed(self, changes: object) -> None:
        assert isinstance(changes, ChangeSet)
        opened = self.current
        if opened is not None and opened.touches(changes):
            started = opened.id in changes.documents_started
            opened.apply(changes)
            self.viewer.apply_changes(changes)
            self.spans.model.apply_changes(changes)
            self.relations_dock.model.apply_changes(changes)
            self.relations_dock.select_relation(self.viewer.selected_relation_id())
            self.palette_dock.model.apply_changes(changes)
            self._refresh_selected_span()
            if started or changes.document_comments:
                self._show_header()
        self.documents.model.refresh(changes.document_ids)

    def _refresh_selected_span(self) -> None:
        opened = self.current
        shown = self.attributes.form.span
        selected = self.viewer.selected_span_id()
        span = opened.span(selected) if opened else None
        if span is None and shown is not None and opened is not None:
            span = opened.span(shown.id)
        if span is None:
            if shown is not None:
                self.attributes.form.show_span(None)
                self.spans.select_span(None)
            return
        self.attributes.form.show_span(span, opened.text if opened else "")
        self.spans.select_span(int(span.id))

    def _failed(self, what: str, error: object) -> None:
        assert isinstance(error, BaseException)
        text = f"{what} failed: {message_of(error)}"
        self.status(text)
        if is_serious(error):
            if isinstance(error, StaleDataError):
                self.team.poll()
                self.reload_document()
                self.status(text)
                opened = self.current
                who = self.team.last_editor.get(opened.id) if opened else None
                open_message(
                    self,
                    QMessageBox.Icon.Warning,
                    "Changed by someone else",
                    f"{what} failed: changed by {who or 'someone else'} meanwhile. The document "
                    f"was reloaded: showing the current version.\n\n({error})",
                )
            else:
                show_error(self, f"{what} failed", error)

    def _palette_clicked(self, label: str) -> None:
        self.labelling.apply_label(label)
        self.viewer.setFocus()

    def _span_selected(self, span_id: int) -> None:
        opened = self.current
        span = opened.span(span_id) if opened else None
        self.spans.select_span(int(span.id) if span else None)
        self.attributes.form.show_span(span, opened.text if opened else "")

    def _may_edit(self, owner: str) -> bool:
        """May the current user change an annotation of ``owner`` (the team roles)?"""
        return self.project is None or self.project.identity.may_edit_layer(owner)

    def _relation_selected(self, relation_id: int) -> None:
        self.relations_dock.select_relation(relation_id or None)

    def _relation_activated(self, relation_id: int) -> None:
        self.viewer.select_relation(relation_id, scroll=True)

    def delete_selected(self) -> None:
        """Delete: the selected relation when one is selected (and no span), else the span."""
        viewer = self.viewer
        if viewer.selected_relation_id() is not None and viewer.selected_span_id() is None:
            self.linking.delete()
        else:
            self.labelling.delete_selected()

    def annotate_all(self) -> AnnotateAllDialog | None:
        return open_annotate_all(self)

    # == the schema =============================================================================

    def edit_schema(self) -> SchemaDialog | None:
        return open_schema_dialog(self)

    def change_schema(self, change: SchemaChange) -> bool:
        return push_schema_change(self, change)

    def schema_changed(self, edit: SchemaEdit) -> None:
        """After a schema change, its undo or redo: every view shows the new labels."""
        self.show_schema(edit.after, edit.changes.document_ids)

    def show_schema(self, schema: LabelSchema, changed: Iterable[DocumentId] = ()) -> None:
        """Every view shows ``schema`` (changed here, or by another process: see TeamMode)."""
        self.palette_dock.set_schema(schema)
        self.spans.set_schema(schema)
        self.attributes.form.set_schema(schema)
        self.viewer.set_schema(schema)
        self.commands.fill_annotate_menu()
        self.reload_document()
        self.documents.model.refresh(changed)
        dialog = self.findChild(SchemaDialog)
        if dialog is not None:
            dialog.refresh()

    def _span_activated(self, span_id: int) -> None:
        self.viewer.select_span(span_id, scroll=True)
        self._span_selected(span_id)

    def _attribute_edited(self, span_id: int, name: str, value: AttributeValue | None) -> None:
        if not self.labelling.set_attribute(span_id, name, value):
            self.attributes.form.reload()  # refused: show the stored value again

    # == import and export ======================================================================

    def choose_import(self) -> None:
        if self.project is None:
            return
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Import articles",
            str(self.project.folder),
            "Articles (*.txt *.jsonl *.html *.htm *.zip *.warc *.gz);;All files (*)",
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def choose_import_folder(self) -> None:
        if self.project is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self, "Import a folder of articles", str(self.project.folder)
        )
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path]) -> bool:
        if self.project is None:
            self.status("Open or create a project first, then import articles into it.")
            return False
        if self.importer.running:
            self.status("An import is already running.")
            return False
        return self.importer.start(self.project, paths)

    def _import_finished(self, report: object) -> None:
        if isinstance(report, ImportReport):
            self.status(f"Import: {report.summary()}")
        self.documents.model.reload()
        current = self.current
        self.documents.show_document(current.id if current else None)
        if current is None and self.documents.model.rowCount():
            first = self.documents.model.document_id(0)
            if first is not None:
                self.open_document(first)
        self._show_header()
        self.update_progress()

    def choose_export(self) -> ExportDialog | None:
        """Open the export dialog (it does not block); Export there starts the export."""
        project = self.project
        if project is None:
            return None
        if self.exporter.running:
            self.status("An export is already running.")
            return None
        dialog = ExportDialog(project, self)
        dialog.exportRequested.connect(lambda request: self.exporter.run(project, request))
        dialog.open()
        return dialog

    def choose_import_annotations(self) -> AnnotationImportDialog | None:
        """Open the annotation import dialog (it does not block)."""
        project = self.project
        if project is None:
            self.status("Open or create a project first, then import annotations into it.")
            return None
        if self.annotation_importer.running:
            self.status("An annotation import is already running.")
            return None
        dialog = AnnotationImportDialog(project, self.annotator, self)
        dialog.importRequested.connect(
            lambda request: self.annotation_importer.start(project, request)
        )
        dialog.open()
        return dialog

    def _annotations_imported(self, report: object) -> None:
        """Show what the import changed: new labels (the schema changed: the project is shown
        again, palette and menus included), new documents, annotations on the open one."""
        project = self.project
        if not isinstance(report, AnnotationImportReport) or project is None:
            return
        if report.labels_added:
            self.set_project(project)
            palette_height = self.palette_dock.sizeHint().height()
            self.resizeDocks([self.palette_dock], [palette_height], Qt.Orientation.Vertical)
        else:
            self.documents.model.reload()
            current = self.current
            if current is not None and current.id in report.updated:
                self.reload_document()
            self.documents.show_document(current.id if current else None)
            if current is None and self.documents.model.rowCount():
                first = self.documents.model.document_id(0)
                if first is not None:
                    self.open_document(first)
            self._show_header()
            self.update_progress()
        self.status(f"Imported annotations: {report.summary()}")

    def _export_finished(self, report: object) -> None:
        if isinstance(report, ExportReport):
            self.status(
                f"Exported {plural(report.documents, 'document')}, "
                f"{plural(report.spans, 'span')} and "
                f"{plural(report.relations, 'relation')} to {report.path}"
            )

    # == agreement =======================================================================
    def show_agreement(self) -> AgreementDialog | None:
        """Open the agreement dialog (not modal); it closes when another project opens."""
        project = self.project
        if project is None:
            self.status("Open a project first.")
            return None
        dialog = AgreementDialog(project, self)
        dialog.documentActivated.connect(lambda i: self.open_document(DocumentId(i)))
        self.bridge.changed.connect(dialog.mark_stale)
        self.bridge.projectChanged.connect(dialog.close)
        dialog.show()
        return dialog

    # == offline packages and curation ============================================================

    def choose_export_package(self) -> ExportPackageDialog | None:
        return choose_export_package(self)

    def choose_merge_packages(self) -> MergeRunner | None:
        return choose_merge_packages(self)

    def curate_document(self) -> CurationDialog | None:
        return open_curation(self)

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
        self.handle_dropped(paths)

    def handle_dropped(self, paths: list[Path]) -> None:
        """A dropped project folder opens; dropped files and other folders are imported."""
        if len(paths) == 1 and paths[0].is_dir() and (paths[0] / PROJECT_FILE).exists():
            self.open_project(paths[0])
        else:
            self.import_paths(paths)

    # == settings, looks, help ==================================================================

    def change_annotator(self) -> None:
        name = ask_annotator_name(self, self.annotator)
        if name:
            self.settings.annotator = name
            self.set_annotator(name)

    def set_annotator(self, name: str) -> None:
        """Who makes the edits from now on (stored with every new span)."""
        self.annotator = name
        self._show_annotator()
        self.team.annotator_changed()

    def _show_annotator(self) -> None:
        self.annotator_label.setText(f"Annotator: {self.annotator or '(unnamed)'}")

    def _toggle_precision(self, checked: bool) -> None:
        self.settings.character_precision = checked
        self.status(
            "Character precision: spans keep exactly what you select."
            if checked
            else "Word precision: selections snap to whole words."
        )

    def set_theme(self, mode: str) -> None:
        self.settings.theme = mode
        self.theme.set_mode(mode)
        if mode in self.commands.theme_actions:
            self.commands.theme_actions[mode].setChecked(True)

    def _focus_search(self) -> None:
        self.documents.show()
        self.documents.raise_()
        self.documents.search.setFocus()
        self.documents.search.selectAll()

    def _show_guidelines(self) -> None:
        self.guidelines.show()
        self.guidelines.raise_()
        self.guidelines.focus_find()

    def _show_log(self) -> None:
        if self.log_file.exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_file)))
        else:
            self.status(f"No log file yet ({self.log_file})")

    def _about(self) -> None:
        from annotator import __version__

        QMessageBox.about(
            self,
            "About annotator",
            f"<b>annotator</b> {__version__}<br>Annotate news articles: spans, attributes and "
            f"relations, exported as training data.<br><br>Log file: {self.log_file}",
        )

    def status(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_TIMEOUT)

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
        if self.importer.running:
            answer = QMessageBox.question(
                self,
                "Import running",
                "An import is running. Stop it and quit? Documents imported so far are kept.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.importer.cancel()
            self.importer.wait()
        for runner in (self.annotation_importer, self.exporter):
            if runner.running:  # one transaction / an atomic export: cancelling loses nothing
                runner.cancel()
                runner.wait()
        self._remember_document()
        self.settings.save_window(QByteArray(self.saveGeometry()), QByteArray(self.saveState()))
        self.settings.sync()
        self.bridge.set_project(None)
        super().closeEvent(event)
