"""The window's commands: actions with their shortcuts, the menus and the toolbar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyleOption, QToolBar, QToolButton

from annotator.gui.annotate_all_dialog import open_annotate_all
from annotator.gui.controllers.agreement import open_agreement
from annotator.gui.curation.opener import open_curation
from annotator.gui.packages_dialog import choose_export_package, choose_merge_packages
from annotator.gui.palette import swatch

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

COLOURED_ICONS = frozenset(
    {QStyle.StandardPixmap.SP_DialogApplyButton, QStyle.StandardPixmap.SP_DirOpenIcon}
)
MOVES = (
    ("Start One Word &Left", "start", -1, True, "Alt+Left"),
    ("Start One Word &Right", "start", 1, True, "Alt+Right"),
    ("End One Word Left", "end", -1, True, "Alt+Shift+Left"),
    ("End One Word Right", "end", 1, True, "Alt+Shift+Right"),
    ("Start One Character Left", "start", -1, False, "Ctrl+Alt+Left"),
    ("Start One Character Right", "start", 1, False, "Ctrl+Alt+Right"),
    ("End One Character Left", "end", -1, False, "Ctrl+Alt+Shift+Left"),
    ("End One Character Right", "end", 1, False, "Ctrl+Alt+Shift+Right"),
)
"""Moving the selected span's edges: (menu text, edge, direction, by word, shortcut)."""


class WindowActions:
    """Every command of the window as a QAction, in the menus and the toolbar.

    Plain keys (label hotkeys, Delete, Alt+arrows) are "local": they act while the text or the
    span list has the focus, so typing in a search box or a form field stays typing.
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.label_actions: list[QAction] = []
        self._themed_icons: dict[QAction, QStyle.StandardPixmap] = {}
        self._build_actions()
        self._build_menus()

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | str | QKeySequence.StandardKey | list | None = None,
        *,
        tip: str = "",
        icon: QStyle.StandardPixmap | None = None,
        local: bool = False,
    ) -> QAction:
        w = self.window
        action = QAction(text, w)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts([QKeySequence(k) for k in shortcut])
            else:
                action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if icon is not None:
            action.setIcon(self._icon(icon, action))
        action.triggered.connect(slot)
        if local:
            # Plain keys (labels, Delete, Alt+arrows) act only while the text or span list
            # has the focus: typing in a search box or a form field must stay typing.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            w.workspace.addAction(action)
            w.spans.addAction(action)
            w.relations_dock.addAction(action)
        else:
            w.addAction(action)
        return action

    def _icon(self, which: QStyle.StandardPixmap, action: QAction | None = None) -> QIcon:
        """A standard icon in the theme's text colour (Fusion's black arrows vanish on dark),
        with a greyed-out disabled form; ``action`` gets it again when the theme changes."""
        w = self.window
        if action is not None:
            self._themed_icons[action] = which
        style = w.style()
        source = style.standardIcon(which)
        tint = which not in COLOURED_ICONS
        color = w.palette().color(QPalette.ColorRole.ButtonText)
        icon = QIcon()
        for size in (16, 24, 32):
            pixmap = source.pixmap(size, size)
            if tint:
                painter = QPainter(pixmap)
                painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
                painter.fillRect(pixmap.rect(), color)
                painter.end()
            icon.addPixmap(pixmap, QIcon.Mode.Normal)
            disabled = style.generatedIconPixmap(QIcon.Mode.Disabled, pixmap, QStyleOption())
            icon.addPixmap(disabled, QIcon.Mode.Disabled)
        return icon

    def retint_icons(self) -> None:
        for action, which in self._themed_icons.items():
            action.setIcon(self._icon(which))

    def _build_actions(self) -> None:
        w = self.window
        sp = QStyle.StandardPixmap
        self.new_action = self._action(
            "&New Project…", w.projects.new_project, QKeySequence.StandardKey.New
        )
        self.open_action = self._action(
            "&Open Project…",
            w.projects.choose_project,
            QKeySequence.StandardKey.Open,
            icon=sp.SP_DirOpenIcon,
        )
        self.import_action = self._action(
            "&Import Articles…",
            w.transfers.choose_import,
            "Ctrl+I",
            tip="Import .txt, .jsonl or HTML files",
        )
        self.import_folder_action = self._action(
            "Import &Folder…", w.transfers.choose_import_folder
        )
        self.import_annotations_action = self._action(
            "Import &Annotations…",
            w.transfers.choose_import_annotations,
            tip="Import annotations made in another tool (brat, CoNLL, doccano, Label Studio …)",
        )
        self.export_action = self._action(
            "&Export…",
            w.transfers.choose_export,
            "Ctrl+E",
            tip="Export documents and annotations as training data",
        )
        self.export_package_action = self._action(
            "Export Annotator &Package…",
            lambda: choose_export_package(w),
            tip="One annotator's annotations of some documents in one file, for work offline",
        )
        self.merge_packages_action = self._action(
            "&Merge Packages…",
            lambda: choose_merge_packages(w),
            tip="Bring annotator packages back into this project; conflicts are reported",
        )
        self.quit_action = self._action("&Quit", w.close, QKeySequence.StandardKey.Quit)

        group = w.stacks.group
        self.undo_action = group.createUndoAction(w, "&Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.undo_action.setIcon(self._icon(sp.SP_ArrowBack, self.undo_action))
        self.redo_action = group.createRedoAction(w, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setIcon(self._icon(sp.SP_ArrowForward, self.redo_action))
        w.addAction(self.undo_action)
        w.addAction(self.redo_action)
        self.annotator_action = self._action("Annotator &Name…", w.preferences.change_annotator)
        self.precision_action = self._action(
            "&Character Precision",
            w.preferences.toggle_precision,
            tip="Spans keep exactly the selected characters (only whitespace is trimmed) "
            "instead of snapping to whole words",
        )
        self.precision_action.setCheckable(True)
        self.precision_action.setChecked(w.settings.character_precision)

        self.delete_action = self._action(
            "&Delete Span", w.selection.delete_selected, ["Delete", "Backspace"], local=True
        )
        self.delete_action.setStatusTip("Delete the selected span, or the selected relation")
        self.link_action = self._action(
            "&Link from Here…",
            lambda: w.linking.start(),
            ["R", "Shift+R"],
            tip="Link the selected span to another one: press R, then click the target "
            "(or Tab through the candidates and press Enter); Escape cancels",
            local=True,
        )
        self.add_fragment_action = self._action(
            "Add &Fragment to Span",
            lambda: w.notes.add_fragment(),
            ["+", QKeySequence(Qt.KeyboardModifier.ShiftModifier | Qt.Key.Key_Plus)],
            tip="Make the selected span discontinuous: click it, select more text, press +",
            local=True,
        )
        self.comment_action = self._action(
            "&Comment…",
            lambda: w.notes.comment_selected(),
            ["#", QKeySequence(Qt.KeyboardModifier.ShiftModifier | Qt.Key.Key_NumberSign)],
            tip="Write a comment on the selected span or relation (#)",
            local=True,
        )
        self.document_comment_action = self._action(
            "&Comment on Document…", lambda: w.notes.comment_document(), "Ctrl+Shift+M"
        )
        self.note_actions = [
            self.add_fragment_action,
            self.comment_action,
            self.document_comment_action,
        ]
        self.annotate_all_action = self._action(
            "Annotate &All Occurrences…",
            lambda: open_annotate_all(w),
            "Ctrl+Shift+A",
            tip="Find the selected text (or the selected span's) in this document or the whole "
            "project, review the hits and label the accepted ones in one undoable step",
        )
        self.schema_action = self._action(
            "&Schema…",
            w.schema_editing.edit_schema,
            tip="Add, rename, recolour, merge or delete labels; attributes and relation types",
        )
        self.move_actions: list[QAction] = []
        for text, edge, direction, by_word, key in MOVES:
            self.move_actions.append(
                self._action(
                    text,
                    lambda _c=False, e=edge, d=direction, by=by_word: w.labelling.move_edge(
                        e, d, by_word=by
                    ),
                    key,
                    local=True,
                )
            )
        self.deselect_action = self._action(
            "Deselect Span",
            lambda: w.viewer.select_span(None, scroll=False),
            "Escape",
            local=True,
        )

        self.next_action = self._action(
            "&Next Document",
            lambda: w.flow.step(1),
            ["Alt+Down", "Ctrl+PgDown"],
            icon=sp.SP_ArrowDown,
            tip="Open the next document of the list (Alt+Down)",
        )
        self.previous_action = self._action(
            "&Previous Document",
            lambda: w.flow.step(-1),
            ["Alt+Up", "Ctrl+PgUp"],
            icon=sp.SP_ArrowUp,
            tip="Open the previous document of the list (Alt+Up)",
        )
        self.next_unfinished_action = self._action(
            "Next &Unfinished",
            w.flow.go_next_unfinished,
            "Ctrl+Shift+N",
            icon=sp.SP_MediaSkipForward,
        )
        self.done_action = self._action(
            "Mark &Done and Go to Next",
            w.flow.mark_done_and_next,
            ["Ctrl+Return", "Ctrl+Enter"],
            icon=sp.SP_DialogApplyButton,
            tip="Mark this document done and open the next unfinished one (Ctrl+Enter)",
        )
        self.reopen_action = self._action("Mark &In Progress", w.flow.mark_in_progress)
        self.reload_action = self._action("&Reload Document", w.showing.reload_document, "F5")
        self.curate_action = self._action(
            "&Curate This Document…",
            lambda: open_curation(w),
            "Ctrl+Shift+C",
            tip="The annotators' versions side by side: choose what the curated layer keeps",
        )
        self.search_action = self._action("&Search Documents", w.flow.focus_search, "Ctrl+Shift+F")

        self.zoom_in_action = self._action(
            "Zoom &In", w.viewer.zoom_in, QKeySequence.StandardKey.ZoomIn
        )
        self.zoom_out_action = self._action(
            "Zoom &Out", w.viewer.zoom_out, QKeySequence.StandardKey.ZoomOut
        )
        self.zoom_reset_action = self._action("&Actual Size", w.viewer.reset_zoom, "Ctrl+0")
        self.theme_actions: dict[str, QAction] = {}
        theme_group = QActionGroup(w)
        for mode, text in (("system", "&System"), ("light", "&Light"), ("dark", "&Dark")):
            action = QAction(text, w)
            action.setCheckable(True)
            action.setChecked(w.theme.mode == mode)
            action.triggered.connect(lambda _c=False, m=mode: w.preferences.set_theme(m))
            theme_group.addAction(action)
            self.theme_actions[mode] = action
        self.agreement_action = self._action(
            "&Agreement…",
            lambda: open_agreement(w),
            tip="Inter-annotator agreement: F1, Cohen's kappa, Krippendorff's alpha, per label, "
            "pair and document",
        )
        self.guidelines_action = self._action("&Guidelines", w.help_menu.show_guidelines, "F1")
        self.about_action = self._action("&About annotator", w.help_menu.about)
        self.log_action = self._action("Show &Log File", w.help_menu.show_log)

    def _build_menus(self) -> None:
        w = self.window
        bar = w.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.import_folder_action)
        file_menu.addAction(self.import_annotations_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_package_action)
        file_menu.addAction(self.merge_packages_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.precision_action)
        edit_menu.addAction(self.annotator_action)

        self.annotate_menu = bar.addMenu("&Annotate")
        self.fill_annotate_menu()

        document_menu = bar.addMenu("&Document")
        for action in (self.next_action, self.previous_action, self.next_unfinished_action):
            document_menu.addAction(action)
        document_menu.addSeparator()
        document_menu.addAction(self.done_action)
        document_menu.addAction(self.reopen_action)
        document_menu.addSeparator()
        document_menu.addAction(self.document_comment_action)
        document_menu.addAction(self.curate_action)
        document_menu.addSeparator()
        document_menu.addAction(self.reload_action)
        document_menu.addAction(self.search_action)

        project_menu = bar.addMenu("&Project")
        project_menu.addAction(self.schema_action)
        project_menu.addAction(w.team.action)

        view_menu = bar.addMenu("&View")
        for action in (self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action):
            view_menu.addAction(action)
        theme_menu = view_menu.addMenu("&Theme")
        for action in self.theme_actions.values():
            theme_menu.addAction(action)
        view_menu.addSeparator()
        for dock in (
            w.documents,
            w.palette_dock,
            w.spans,
            w.relations_dock,
            w.attributes,
            w.guidelines,
        ):
            view_menu.addAction(dock.toggleViewAction())

        tools_menu = bar.addMenu("&Tools")
        tools_menu.addAction(self.agreement_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.guidelines_action)
        help_menu.addAction(self.log_action)
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main", w)
        toolbar.setObjectName("mainToolBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.undo_action, self.redo_action):
            toolbar.addAction(action)
            button = toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                # the text names the edit and changes with each one: keep it to the tooltip
                # so the toolbar does not jump (the Edit menu shows it in full)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        toolbar.addSeparator()
        for action in (self.previous_action, self.next_action, self.next_unfinished_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.done_action)
        w.addToolBar(toolbar)

    def fill_annotate_menu(self) -> None:
        """One action per label (its hotkey as shortcut), then the span commands."""
        w = self.window
        menu = self.annotate_menu
        menu.clear()
        for action in self.label_actions:
            w.workspace.removeAction(action)
            w.spans.removeAction(action)
            w.relations_dock.removeAction(action)
            action.deleteLater()
        self.label_actions = []
        project = w.bridge.project
        for label in project.schema.labels if project else ():
            action = self._action(
                f"Label as {label.name}",
                lambda _c=False, name=label.name: w.labelling.apply_label(name),
                label.hotkey or None,
                tip=label.description,
                local=True,
            )
            action.setIcon(swatch(label.color))
            self.label_actions.append(action)
            menu.addAction(action)
        if self.label_actions:
            menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.addAction(self.link_action)
        menu.addAction(self.add_fragment_action)
        menu.addAction(self.comment_action)
        menu.addAction(self.annotate_all_action)
        menu.addAction(self.deselect_action)
        menu.addSeparator()
        for number, action in enumerate(self.move_actions):
            if number == 4:
                menu.addSeparator()
            menu.addAction(action)

    def _fill_recent_menu(self) -> None:
        w = self.window
        self.recent_menu.clear()
        recent = w.settings.recent_projects()
        for folder in recent:
            action = self.recent_menu.addAction(str(folder))
            action.triggered.connect(lambda _c=False, f=folder: w.open_project(f))
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear List", w.settings.clear_recent_projects)
