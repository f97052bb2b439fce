"""The main window: the canvas in the middle, docks around it, menus, files, autosave and settings.

The window owns the experiment document, its undo stack and every QAction; the canvas, the
inspector and the panels subscribe to the document's events and push undo commands. Files go
through the core's loader and atomic saver; every failure is shown to the user, never swallowed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QWidget,
)

from playground import __version__
from playground.core.document import ExperimentDocument
from playground.core.experiment import Experiment
from playground.core.export_formats import window_formats
from playground.core.lessons.challenge import layer_types
from playground.core.presets import default_experiment, list_presets
from playground.core.training.warmup import warm_optimizers_in_background
from playground.ui import theme
from playground.ui.autosave import Autosaver
from playground.ui.classroom import ClassroomControls, ClassroomDialog, unknown_names
from playground.ui.compare import ComparePanel
from playground.ui.editor import GraphEditor, LayerPalette
from playground.ui.editor.commands import SetClassroomCommand, SetLessonCommand
from playground.ui.editor.palette import TEMPLATE_PREFIX
from playground.ui.i18n import LANGUAGES, current_language, language_events
from playground.ui.i18n import set_language as install_language
from playground.ui.inspector import InspectorPanel
from playground.ui.panels import CodeView, LayerReferenceDialog, LessonView, SummaryView
from playground.ui.panels.lesson_setup import LessonSetupDialog
from playground.ui.problems_button import ProblemsButton
from playground.ui.retranslate import relabel
from playground.ui.settings import AppSettings
from playground.ui.subscriptions import Subscriptions
from playground.ui.training import TrainingController, TrainingPanel, TrainingToolBar, workers
from playground.ui.training.forking import fork_last_run
from playground.ui.training.snapshot import train_for_snapshot
from playground.ui.window_files import TITLE_NAME_CHARS, _elide, describe_exception
from playground.ui.window_import import WindowImport

APP_TITLE = "Neural Network Playground"
STATE_VERSION = 2  # bump when the dock layout changes incompatibly: old saved layouts are then ignored
# Below this window width the Training tab also folds the side panels away (View ▸ brings them
# back): at 1024 px they would take a third of the room its plots need.
TRAINING_DOCKS_FROM_WIDTH = 1280
WORKSPACE_TABS = ("network", "training", "compare")  # the workspace's tabs, in their order
FRAME_RATES = (10, 15, 30, 60)  # the live views' frame rates offered in Train ▸ Live View Frame Rate


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(WindowImport, QMainWindow):
    """One experiment, its canvas and its panels.

    `persistent=False` (snapshots) neither reads nor writes QSettings and writes no recovery copies.
    """

    closing = Signal()  # emitted when the window is about to close for good (workers shut down here)

    def __init__(
        self,
        experiment: Experiment | None = None,
        path: str | Path | None = None,
        *,
        persistent: bool = True,
        settings: AppSettings | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.persistent = persistent
        self.app_settings = settings or AppSettings()
        self.document = ExperimentDocument(experiment or default_experiment(), path)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self._closed = False
        self._actions: dict[str, QAction] = {}
        self.setObjectName("mainWindow")
        self.setDockNestingEnabled(True)
        self.setDocumentMode(True)

        self.editor = GraphEditor(self.document, self.undo_stack, self)
        self.training = TrainingController(self.document, parent=self, set_editing_blocked=self.editor.set_read_only)
        if persistent:
            self.training.frames_per_second = self.app_settings.frames_per_second()
        self.training_panel = TrainingPanel(self.training, controls=False)  # the window's toolbar has them
        self.training_panel.time_machine.fork_wanted.connect(self._on_fork_wanted)
        self.compare_panel = ComparePanel(self.document, self.undo_stack, self)
        self.workspace = QTabWidget(self)
        self.workspace.setObjectName("workspace")
        self.workspace.setDocumentMode(True)
        for page, title, tip in (
            (
                self.editor,
                QCoreApplication.translate("MainWindow", "Network"),
                QCoreApplication.translate("MainWindow", "Build the network by drag and drop"),
            ),
            (
                _scrolling(self.training_panel),
                QCoreApplication.translate("MainWindow", "Training"),
                QCoreApplication.translate(
                    "MainWindow", "Watch the network learn: loss, learning rate, gradients and the task view"
                ),
            ),
            (
                _scrolling(self.compare_panel),
                QCoreApplication.translate("MainWindow", "Compare"),
                QCoreApplication.translate(
                    "MainWindow", "Compare activations, optimizers and learning-rate schedules side by side"
                ),
            ),
        ):
            self.workspace.setTabToolTip(self.workspace.addTab(page, title), tip)
        self.workspace.currentChanged.connect(self._on_workspace_changed)
        self._docks_before_tab: bytes | None = None  # dock layout saved while a tab hides docks
        self._training_tab_narrow = False
        self.setCentralWidget(self.workspace)
        self.palette_widget = LayerPalette()
        self.inspector = InspectorPanel(self.document, self.undo_stack)
        self.inspector.node.fix_handler = self.editor.apply_fix
        self.code_view = CodeView(self.document)
        self.lesson_view = LessonView(self.document, self.undo_stack)
        self.lesson_view.follow_training(self.training, self.compare_panel.history)  # its goals tick per epoch
        self.summary_view = SummaryView(self.document)
        self.docks: dict[str, QDockWidget] = {}
        self._build_docks()
        self._build_actions()
        self._build_menus()
        if persistent and self.tensorboard_action.isEnabled() and self.app_settings.tensorboard_dir():
            self.training.tensorboard_dir = self.app_settings.tensorboard_dir()
            with QSignalBlocker(self.tensorboard_action):
                self.tensorboard_action.setChecked(True)
        self._build_status_bar()
        self.classroom = ClassroomControls(self)  # what the lesson hides (applied below, and on every change)

        self.editor.selection_changed.connect(self.inspector.set_selection)
        self.editor.status_message.connect(self.show_status)
        self.editor.look_inside_requested.connect(self.look_inside)
        self.inspector.status_message.connect(self.show_status)
        self.palette_widget.layer_activated.connect(self._on_layer_activated)
        self.summary_view.node_activated.connect(self._on_node_activated)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.document.changed.connect(self._update_model_status)
        self._subscriptions = Subscriptions(self)
        self._subscriptions.connect(self.document.settings_changed, self._on_settings_changed)
        self.document.reset.connect(self._update_title)
        self.training.message.connect(self.show_status)
        self.training.start_refused.connect(self._on_start_refused)
        self.training.state_changed.connect(self._on_training_state_changed)
        self.training.run_finished.connect(self._on_training_run_finished)
        self.compare_panel.status_message.connect(self.show_status)
        self._shown_language = current_language()  # the language the widgets were labelled in
        language_events().changed.connect(self._on_language_changed)  # a Qt signal: ends with the window
        self.document.reset.connect(self._on_document_reset_for_classroom)

        self.autosaver: Autosaver | None = None
        if persistent:
            self.autosaver = Autosaver(self.document, self.undo_stack, self)
            self._restore_window_settings()
        else:
            self.resize(1400, 900)
        theme_name = self.app_settings.theme() if persistent else theme.current_theme()
        self._theme_actions[theme_name if theme_name in self._theme_actions else "light"].setChecked(True)
        self._update_title()
        self._update_model_status()
        self.classroom.apply()

    # ---- building ------------------------------------------------------------------------------
    def _dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{key}Dock")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        self.docks[key] = dock
        return dock

    def _build_docks(self) -> None:
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        layers = self._dock("layers", QCoreApplication.translate("MainWindow", "Layers"), self.palette_widget, left)
        inspector = self._dock(
            "inspector", QCoreApplication.translate("MainWindow", "Inspector"), self.inspector, right
        )
        lesson = self._dock("lesson", QCoreApplication.translate("MainWindow", "Lesson"), self.lesson_view, right)
        code = self._dock("code", QCoreApplication.translate("MainWindow", "Code"), self.code_view, right)
        summary = self._dock("summary", QCoreApplication.translate("MainWindow", "Summary"), self.summary_view, right)
        self.splitDockWidget(inspector, lesson, Qt.Orientation.Vertical)
        self.tabifyDockWidget(lesson, code)
        self.tabifyDockWidget(code, summary)
        lesson.raise_()
        layers.setMinimumWidth(170)
        inspector.setMinimumWidth(320)
        self._default_sizes_pending = True

    def apply_default_dock_sizes(self) -> None:
        """Proportions of the default layout (a saved layout replaces them)."""
        docks = self.docks
        width, height = max(self.width(), 1000), max(self.height(), 700)
        side = min(420, max(360, int(width * 0.27)))
        self.resizeDocks(
            [docks["layers"], docks["inspector"]], [max(190, int(width * 0.14)), side], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [docks["inspector"], docks["lesson"]], [int(height * 0.55), int(height * 0.45)], Qt.Orientation.Vertical
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        narrow = self.width() < TRAINING_DOCKS_FROM_WIDTH
        if self.current_tab() == "training" and narrow != self._training_tab_narrow:
            self._on_workspace_changed(
                WORKSPACE_TABS.index("training")
            )  # the side panels fold away, or come back, at the threshold

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._default_sizes_pending:
            self._default_sizes_pending = False
            self.apply_default_dock_sizes()
            if self.persistent:  # once the window shows: a warm worker for the first Train, and torch's
                QTimer.singleShot(0, workers.warm_start)  # optimizer set-up paid before the Compare tab
                QTimer.singleShot(1500, warm_optimizers_in_background)

    def _action(
        self,
        key: str,
        text: str,
        slot: Callable[[], object] | None = None,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{key}")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        self._actions[key] = action
        return action

    def action(self, key: str) -> QAction:
        return self._actions[key]

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self._action(
            "new",
            QCoreApplication.translate("MainWindow", "&New"),
            self.new_experiment,
            key.New,
            QCoreApplication.translate(
                "MainWindow", "Start a new, empty experiment: an input on a 2-D dataset, ready for your layers"
            ),
        )
        self._action(
            "open",
            QCoreApplication.translate("MainWindow", "&Open…"),
            self.open_file,
            key.Open,
            QCoreApplication.translate("MainWindow", "Open an experiment file"),
        )
        self._action(
            "import_onnx",
            QCoreApplication.translate("MainWindow", "&Import ONNX Model…"),
            self.import_onnx_model,
            None,
            QCoreApplication.translate(
                "MainWindow",
                "Turn an ONNX model into an experiment: its layers on the canvas, starting from its weights",
            ),
        )
        self._action(
            "export_report",
            QCoreApplication.translate("MainWindow", "Export &Report…"),
            self.export_report,
            None,
            QCoreApplication.translate(
                "MainWindow",
                "Write one HTML file to hand in: the lesson, the network, the layer table, the curves and the "
                "results of the last run",
            ),
        )
        self._action(
            "save",
            QCoreApplication.translate("MainWindow", "&Save"),
            self.save,
            key.Save,
            QCoreApplication.translate("MainWindow", "Save the experiment"),
        )
        self._action(
            "save_as",
            QCoreApplication.translate("MainWindow", "Save &As…"),
            self.save_as,
            key.SaveAs,
            QCoreApplication.translate("MainWindow", "Save under a new name"),
        )
        self._action(
            "quit",
            QCoreApplication.translate("MainWindow", "&Quit"),
            self.close,
            key.Quit,
            QCoreApplication.translate("MainWindow", "Close the window"),
        )
        undo = self.undo_stack.createUndoAction(self, QCoreApplication.translate("MainWindow", "&Undo"))
        undo.setShortcut(QKeySequence(key.Undo))
        redo = self.undo_stack.createRedoAction(self, QCoreApplication.translate("MainWindow", "&Redo"))
        redo.setShortcut(QKeySequence(key.Redo))
        for name, action in (("undo", undo), ("redo", redo)):
            action.setObjectName(f"action_{name}")
            self.addAction(action)
            self._actions[name] = action
        self._action("cut", QCoreApplication.translate("MainWindow", "Cu&t"), self.editor.cut, key.Cut)
        self._action("copy", QCoreApplication.translate("MainWindow", "&Copy"), self.editor.copy, key.Copy)
        self._action("paste", QCoreApplication.translate("MainWindow", "&Paste"), self.editor.paste, key.Paste)
        self._action(
            "duplicate", QCoreApplication.translate("MainWindow", "D&uplicate"), self.editor.duplicate, "Ctrl+D"
        )
        self._action(
            "delete", QCoreApplication.translate("MainWindow", "&Delete"), self.editor.delete_selection, key.Delete
        )
        self._action(
            "select_all", QCoreApplication.translate("MainWindow", "Select &All"), self.editor.select_all, key.SelectAll
        )
        self._action("find_layer", QCoreApplication.translate("MainWindow", "&Find Layer…"), self.find_layer, key.Find)
        self._action(
            "make_block",
            QCoreApplication.translate("MainWindow", "&Make Block…"),
            self.make_block,
            "Ctrl+G",
            QCoreApplication.translate(
                "MainWindow", "Group the selected layers into one named block card that can be reused and repeated"
            ),
        )
        self._action(
            "expand_block",
            QCoreApplication.translate("MainWindow", "E&xpand Block"),
            self.expand_block,
            "Ctrl+Shift+G",
            QCoreApplication.translate("MainWindow", "Put the selected block's layers back on the canvas"),
        )
        self._action(
            "auto_arrange",
            QCoreApplication.translate("MainWindow", "Auto-&arrange"),
            self.editor.auto_arrange,
            "Ctrl+L",
            QCoreApplication.translate("MainWindow", "Lay the graph out in tidy columns"),
        )
        self._action("zoom_in", QCoreApplication.translate("MainWindow", "Zoom &In"), self.editor.zoom_in, key.ZoomIn)
        self._action(
            "zoom_out", QCoreApplication.translate("MainWindow", "Zoom &Out"), self.editor.zoom_out, key.ZoomOut
        )
        self._action(
            "fit", QCoreApplication.translate("MainWindow", "&Fit Graph in View"), self.editor.fit_to_view, "Ctrl+0"
        )
        self._action(
            "layer_reference",
            QCoreApplication.translate("MainWindow", "&Layer Reference"),
            self.show_layer_reference,
            key.HelpContents,
        )
        self._action(
            "about", QCoreApplication.translate("MainWindow", "&About Neural Network Playground"), self.show_about
        )
        self._action(
            "classroom_dialog",
            QCoreApplication.translate("MainWindow", "Controls Students &See…"),
            self.edit_classroom,
            None,
            QCoreApplication.translate(
                "MainWindow", "Choose which panels, settings, layer categories and buttons this lesson shows students"
            ),
        )
        self._action(
            "lesson_setup",
            QCoreApplication.translate("MainWindow", "Lesson &Goals and Challenge…"),
            self.edit_lesson_setup,
            None,
            QCoreApplication.translate(
                "MainWindow", "Set the goals this lesson ticks while training, and a challenge with a leaderboard"
            ),
        )
        unlock = self._action(
            "unlock_controls",
            QCoreApplication.translate("MainWindow", "Show All &Controls"),
            None,
            None,
            QCoreApplication.translate(
                "MainWindow", "Show the controls this lesson hides, for this session (the file keeps its choice)"
            ),
        )
        unlock.setCheckable(True)
        unlock.setEnabled(False)
        unlock.toggled.connect(self._on_unlock_toggled)
        self._actions["quit"].setMenuRole(QAction.MenuRole.QuitRole)
        self._actions["about"].setMenuRole(QAction.MenuRole.AboutRole)
        self._theme_group = QActionGroup(self)
        self._theme_group.setExclusive(True)
        self._theme_actions: dict[str, QAction] = {}
        for name, text in (
            ("light", QCoreApplication.translate("MainWindow", "&Light")),
            ("dark", QCoreApplication.translate("MainWindow", "&Dark")),
        ):
            action = QAction(text, self)
            action.setObjectName(f"action_theme_{name}")
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, n=name: self.set_theme(n))
            self._theme_group.addAction(action)
            self._theme_actions[name] = action
        self._language_group = QActionGroup(self)
        self._language_group.setExclusive(True)
        self._language_actions: dict[str, QAction] = {}
        for code, native_name in LANGUAGES.items():  # each language named in itself, whatever is shown
            action = QAction(native_name, self)
            action.setObjectName(f"action_language_{code}")
            action.setCheckable(True)
            action.setChecked(code == current_language())
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            self._language_group.addAction(action)
            self._language_actions[code] = action
            self._actions[f"language_{code}"] = action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&File"))
        file_menu.addAction(self._actions["new"])
        file_menu.addAction(self._actions["open"])
        self.preset_menu = file_menu.addMenu(QCoreApplication.translate("MainWindow", "New from &Preset"))
        self.preset_menu.aboutToShow.connect(self._fill_preset_menu)
        self._fill_preset_menu()
        self.recent_menu = file_menu.addMenu(QCoreApplication.translate("MainWindow", "Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        file_menu.addAction(self._actions["import_onnx"])
        file_menu.addSeparator()
        file_menu.addAction(self._actions["save"])
        file_menu.addAction(self._actions["save_as"])
        export_menu = file_menu.addMenu(QCoreApplication.translate("MainWindow", "&Export"))
        for fmt in window_formats():
            action = QAction(fmt.menu_label, self)
            action.setObjectName(f"action_export_{fmt.name}")
            action.triggered.connect(lambda _checked=False, f=fmt.name: self.export_model(f))
            export_menu.addAction(action)
            self._actions[f"export_{fmt.name}"] = action
        file_menu.addAction(self._actions["export_report"])
        file_menu.addSeparator()
        file_menu.addAction(self._actions["quit"])

        edit_menu = self.edit_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Edit"))
        for name in (
            "undo",
            "redo",
            None,
            "cut",
            "copy",
            "paste",
            "duplicate",
            "delete",
            None,
            "select_all",
            "find_layer",
            None,
            "make_block",
            "expand_block",
            "auto_arrange",
        ):
            if name is None:
                edit_menu.addSeparator()
            else:
                edit_menu.addAction(self._actions[name])
        self.direction_menu = edit_menu.addMenu(QCoreApplication.translate("MainWindow", "Layout &Direction"))
        self.direction_menu.aboutToShow.connect(self._fill_direction_menu)
        self._fill_direction_menu()

        view_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&View"))
        for key, shortcut in zip(self.docks, ("Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4", "Ctrl+5", "Ctrl+6")):
            toggle = self.docks[key].toggleViewAction()
            toggle.setShortcut(QKeySequence(shortcut))
            toggle.setStatusTip(
                QCoreApplication.translate("MainWindow", "Show or hide the {panel} panel").format(
                    panel=self.docks[key].windowTitle()
                )
            )
            view_menu.addAction(toggle)
            self._actions[f"show_{key}"] = toggle
        view_menu.addSeparator()
        view_menu.addAction(self._actions["classroom_dialog"])
        view_menu.addAction(self._actions["lesson_setup"])
        view_menu.addAction(self._actions["unlock_controls"])
        view_menu.addSeparator()
        view_menu.addAction(self._actions["zoom_in"])
        view_menu.addAction(self._actions["zoom_out"])
        view_menu.addAction(self._actions["fit"])
        view_menu.addSeparator()
        self.language_menu = view_menu.addMenu(QCoreApplication.translate("MainWindow", "&Language"))
        self.language_menu.setObjectName("languageMenu")
        for action in self._language_actions.values():
            self.language_menu.addAction(action)
        theme_menu = view_menu.addMenu(QCoreApplication.translate("MainWindow", "&Theme"))
        for action in self._theme_actions.values():
            theme_menu.addAction(action)
        from playground.ui.presenter import PresenterMode  # local: the presenter is wired in here only

        self.presenter = PresenterMode(self, self.app_settings if self.persistent else None)
        self.presenter.add_to_menu(view_menu)  # Presenter Mode (F11), its zoom, colour-blind-safe colours

        train_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Train"))
        train_menu.addActions(self.training.actions())
        train_menu.addSeparator()
        rate_menu = train_menu.addMenu(QCoreApplication.translate("MainWindow", "Live View &Frame Rate"))
        self._frame_rate_actions: dict[int, QAction] = {}
        rates = QActionGroup(self)
        for rate in FRAME_RATES:
            action = QAction(
                QCoreApplication.translate("MainWindow", "{rate} frames a second").format(rate=rate),
                self,
                checkable=True,
            )
            action.setObjectName(f"action_frame_rate_{rate}")
            action.setChecked(abs(self.training.frames_per_second - rate) < 0.5)
            action.triggered.connect(lambda _checked=False, r=rate: self._on_frame_rate_chosen(r))
            rates.addAction(action)
            rate_menu.addAction(action)
            self._frame_rate_actions[rate] = action
        self.separate_process_action = QAction(
            QCoreApplication.translate("MainWindow", "Train in a Separate &Process"), self, checkable=True
        )
        self.separate_process_action.setObjectName("action_separate_process")
        self.separate_process_action.setChecked(not workers.in_process())
        self.separate_process_action.setToolTip(
            QCoreApplication.translate(
                "MainWindow",
                "Training runs in its own process, so the window stays smooth and a crash cannot take it down. "
                "Turn it off where child processes are not allowed (then training shares this process).",
            )
        )
        self.separate_process_action.toggled.connect(self._on_separate_process_toggled)
        train_menu.addAction(self.separate_process_action)
        self.tensorboard_action = QAction(
            QCoreApplication.translate("MainWindow", "Write &TensorBoard Logs…"), self, checkable=True
        )
        self.tensorboard_action.setObjectName("action_tensorboard")
        self._actions["tensorboard"] = self.tensorboard_action
        if importlib.util.find_spec("tensorboard") is None:
            self.tensorboard_action.setEnabled(False)
            self.tensorboard_action.setToolTip(
                QCoreApplication.translate(
                    "MainWindow",
                    'TensorBoard logs need the tensorboard package: pip install "nn-playground[tensorboard]"',
                )
            )
        else:
            self.tensorboard_action.setToolTip(
                QCoreApplication.translate(
                    "MainWindow",
                    "Every run also writes TensorBoard logs (losses, metrics, learning rate, weight and gradient "
                    "histograms, the graph) into a folder you choose; open them with tensorboard --logdir FOLDER",
                )
            )
        self.tensorboard_action.toggled.connect(self._on_tensorboard_toggled)
        train_menu.addAction(self.tensorboard_action)
        train_menu.addSeparator()
        self.xray_action = train_menu.addAction(
            QCoreApplication.translate("MainWindow", "Backprop &X-ray…"), self.open_xray
        )
        self.xray_action.setObjectName("xrayAction")
        self.xray_action.setStatusTip(
            QCoreApplication.translate(
                "MainWindow",
                "Freeze one mini-batch and step through one training step node by node, with the real numbers",
            )
        )
        self.compression_action = train_menu.addAction(
            QCoreApplication.translate("MainWindow", "&Compression Lab…"), self.open_compression_lab
        )
        self.compression_action.setObjectName("compressionLabAction")
        self.compression_action.setStatusTip(
            QCoreApplication.translate(
                "MainWindow", "Prune and quantise the last run's trained model, and compare size, accuracy and speed"
            )
        )
        self.training_toolbar = TrainingToolBar(self.training, self)
        self.addToolBar(self.training_toolbar)

        help_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Help"))
        help_menu.addAction(self._actions["layer_reference"])
        help_menu.addSeparator()
        help_menu.addAction(self._actions["about"])

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.model_status = ProblemsButton(self)
        self.model_status.node_chosen.connect(self._on_problem_chosen)
        status.addPermanentWidget(self.model_status)
        for widget in self.training.status_widgets():
            status.addPermanentWidget(widget)

    def _fill_preset_menu(self) -> None:
        self.preset_menu.clear()
        presets = list_presets()
        for preset in presets:
            action = self.preset_menu.addAction(preset.localized_name())
            action.setToolTip(str(preset.path))
            action.setStatusTip(str(preset.path))
            action.triggered.connect(lambda _checked=False, p=preset.path: self.open_preset(p))
        if not presets:
            self.preset_menu.addAction(QCoreApplication.translate("MainWindow", "(no presets found)")).setEnabled(False)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.app_settings.recent_files() if self.persistent else []
        for index, path in enumerate(files, start=1):
            label = f"&{index} {Path(path).name}" if index < 10 else f"{index} {Path(path).name}"
            action = self.recent_menu.addAction(label)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_file(p))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(QCoreApplication.translate("MainWindow", "&Clear Menu"), self._clear_recent)
        else:
            self.recent_menu.addAction(QCoreApplication.translate("MainWindow", "(no recent files)")).setEnabled(False)

    def _clear_recent(self) -> None:
        self.app_settings.clear_recent_files()
        self._fill_recent_menu()

    # ---- the workspace's tabs ----------------------------------------------------------------------
    def current_tab(self) -> str:
        """ "network", "training" or "compare"."""
        return WORKSPACE_TABS[self.workspace.currentIndex()]

    def show_tab(self, name: str) -> None:
        self.workspace.setCurrentIndex(WORKSPACE_TABS.index(name))

    def open_xray(self) -> QWidget:
        """The Backprop X-ray of the experiment as it is now (a copy: editing goes on). The node of
        the stage shown is selected on the canvas, which comes forward."""
        from playground.ui.xray import XrayWindow  # noqa: PLC0415 - opened on demand

        base_dir = self.document.base_dir()
        window = XrayWindow(self.document.experiment, str(base_dir) if base_dir is not None else None, self)
        window.node_focused.connect(self._on_xray_node)
        self._xray_windows = [w for w in getattr(self, "_xray_windows", []) if w.isVisible()] + [window]
        self.show_tab("network")
        window.show()
        return window

    def open_compression_lab(self) -> QWidget:
        """The Compression Lab on the last finished run's weights (before any run: why it needs one)."""
        from playground.ui.compression import CompressionWindow  # noqa: PLC0415 - opened on demand

        base_dir = self.document.base_dir()
        window = CompressionWindow(self.training, str(base_dir) if base_dir is not None else None, self)
        # kept with the X-ray windows: closing the main window shuts their worker threads down
        self._xray_windows = [w for w in getattr(self, "_xray_windows", []) if w.isVisible()] + [window]
        window.show()
        return window

    def _on_xray_node(self, node_id: str) -> None:
        if node_id in self.document.experiment.node_ids():  # the graph may have been edited since
            self.editor.select_nodes([node_id])

    def _on_fork_wanted(self, epoch: int, rewind: bool) -> None:
        if fork_last_run(self, self.training, self.document, self.undo_stack, epoch, rewind=rewind):
            self.show_tab("training")

    def look_inside(self, node_id: str) -> bool:
        """The Training tab's look inside `node_id` (from a card's context menu or the command line)."""
        self.show_tab("training")
        shown = self.training_panel.look_inside(node_id)
        if not shown:
            self.show_status(self.tr("There is no node {node} to look inside.").format(node=node_id))
        return shown

    # ---- status and title ------------------------------------------------------------------------
    def show_status(self, message: str, timeout_ms: int = 6000) -> None:
        """A message in the status bar, elided with "…" where it does not fit (its tooltip has it all)."""
        bar = self.statusBar()
        room = (
            bar.width()
            - sum(
                widget.width() + 8
                for widget in bar.findChildren(QWidget)
                if widget.parent() is bar and widget.isVisible()
            )
            - 24
        )
        line = " ".join(message.split())
        shown = bar.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, max(room, 120))
        bar.setToolTip(message if shown != line else "")
        bar.showMessage(shown, timeout_ms)

    def _on_start_refused(self, node_id: str) -> None:
        """Train on a graph with problems from the Network tab: its first problem's layer is shown
        in the inspector, with the whole message and its fix (the status bar has room for a line)."""
        if node_id and self.current_tab() == "network":
            self._on_problem_chosen(node_id)

    def model_status_text(self) -> str:
        """Plain text of the shape-check state ("✓ valid · 2,746 parameters", "2 problems")."""
        report = self.document.report()
        if report is None:
            return QCoreApplication.translate("MainWindow", "⚠ dataset: {error}").format(
                error=self.document.report_error or ""
            )
        if report.valid:
            text = QCoreApplication.translate("MainWindow", "✓ valid · {count} parameters").format(
                count=f"{report.total_params:,}"
            )
            if report.warnings:
                count = len(report.warnings)
                text += " · " + (
                    QCoreApplication.translate("MainWindow", "1 warning")
                    if count == 1
                    else QCoreApplication.translate("MainWindow", "{count} warnings").format(count=count)
                )
            return text
        count = len(report.errors) or 1
        return (
            QCoreApplication.translate("MainWindow", "{count} problem").format(count=count)
            if count == 1
            else QCoreApplication.translate("MainWindow", "{count} problems").format(count=count)
        )

    def _update_model_status(self) -> None:
        colors = theme.colors()
        text = self.model_status_text()
        report = self.document.report()
        color = colors.ok if report is not None and report.valid else colors.error
        if report is None:
            tooltip = self.document.report_error or ""
        elif report.errors:
            tooltip = "\n".join(str(issue.message) for issue in report.errors)
        else:
            tooltip = QCoreApplication.translate(
                "MainWindow", "Every shape fits; the model can be trained and exported."
            )
        self.model_status.set_state(text, color, list(report.issues) if report is not None else [], tooltip)

    def _on_problem_chosen(self, node_id: str) -> None:
        """A problem picked from the status bar's list: its layer selected and shown, the inspector up."""
        if node_id not in self.document.experiment.node_ids():
            return
        self.show_tab("network")
        self.docks["inspector"].show()
        self.docks["inspector"].raise_()
        self.editor.select_nodes([node_id])

    def file_label(self) -> str:
        return self.document.path.name if self.document.path else QCoreApplication.translate("MainWindow", "Untitled")

    def _update_title(self) -> None:
        name = _elide(self.document.experiment.localized_name(current_language()), TITLE_NAME_CHARS)
        app_title = QCoreApplication.translate("MainWindow", "Neural Network Playground")
        self.setWindowTitle(f"{self.file_label()}[*] — {name} — {app_title}")
        self.setProperty("_i18n_source_windowTitle", None)  # made here, not a catalogue string
        self.setWindowModified(not self.undo_stack.isClean())

    def _on_settings_changed(self, field: str) -> None:
        if field == "name":
            self._update_title()
        elif field == "classroom":
            self.classroom.apply()

    # ---- the classroom ---------------------------------------------------------------------------
    def edit_classroom(self) -> None:
        """View ▸ Controls Students See…: the teacher picks what the lesson hides (one undoable edit)."""
        dialog = ClassroomDialog(self.document.experiment.classroom, self)
        if dialog.exec() != ClassroomDialog.DialogCode.Accepted:
            return
        chosen = dialog.classroom()
        if chosen != self.document.experiment.classroom:
            self.undo_stack.push(SetClassroomCommand(self.document, chosen))
            if chosen is not None:
                self.show_status(
                    QCoreApplication.translate(
                        "MainWindow", "Students now see only what you ticked; View ▸ Show All Controls shows the rest"
                    )
                )

    def _fill_direction_menu(self) -> None:
        self.editor.fill_direction_menu(self.direction_menu)

    def make_block(self) -> None:
        """Edit ▸ Make Block…: the selected layers become one block card (on the Network tab)."""
        self.show_tab("network")
        self.editor.blocks.make()

    def expand_block(self) -> None:
        """Edit ▸ Expand Block: the selected block card's layers go back on the canvas."""
        self.show_tab("network")
        self.editor.blocks.expand()

    def find_layer(self) -> None:
        """Edit ▸ Find Layer…: on the Network tab, the field that finds a card by name or type."""
        self.show_tab("network")
        self.editor.find_layer()

    def edit_lesson_setup(self) -> None:
        """View ▸ Lesson Goals and Challenge…: the teacher edits the lesson's goals and challenge
        (one undoable edit)."""
        experiment = self.document.experiment
        dialog = LessonSetupDialog(experiment.lesson, layer_types(experiment), self)
        if dialog.exec() != LessonSetupDialog.DialogCode.Accepted:
            return
        chosen = dialog.lesson()
        if chosen != experiment.lesson:
            self.undo_stack.push(SetLessonCommand(self.document, chosen))

    def _on_unlock_toggled(self, unlocked: bool) -> None:
        self.classroom.set_unlocked(unlocked)

    def _on_document_reset_for_classroom(self) -> None:
        """Another lesson (open, new) starts locked; an edit of this one keeps the session's unlock."""
        if not self.document.replaced_in_place:
            self.classroom.unlocked = False
            classroom = self.document.experiment.classroom
            unknown = unknown_names(classroom) if classroom is not None else []
            if unknown:
                self.show_status(
                    QCoreApplication.translate(
                        "MainWindow", "This lesson hides controls this version does not have: {names}"
                    ).format(names=", ".join(unknown))
                )
        self.classroom.apply()

    def _on_clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    # ---- language --------------------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        """View ▸ Language: switch the whole app live, and remember the choice."""
        if self.persistent:
            self.app_settings.set_language(language)
        install_language(language)  # every window relabels itself on language_events().changed

    def _on_language_changed(self, language: str) -> None:
        """Relabel every text of the window in `language`, then re-make the texts made from data
        (title, problems, the frame-rate menu, undo's "Undo <edit>") that no catalogue string matches."""
        with QSignalBlocker(self._language_group):
            self._language_actions.get(language, self._language_actions["en"]).setChecked(True)
        relabel(self, self._shown_language, language)
        self._shown_language = language
        self._replace_undo_actions()
        for rate, action in self._frame_rate_actions.items():
            action.setText(QCoreApplication.translate("MainWindow", "{rate} frames a second").format(rate=rate))
        for key, dock in self.docks.items():
            self._actions[f"show_{key}"].setStatusTip(
                QCoreApplication.translate("MainWindow", "Show or hide the {panel} panel").format(
                    panel=dock.windowTitle()
                )
            )
        self._fill_preset_menu()  # the lessons' names in the new language
        for fmt in window_formats():  # worded by the core's table
            self._actions[f"export_{fmt.name}"].setText(fmt.menu_label)
        self.document.recheck()  # problems and fixes are made by the core in the language of the day
        self.inspector.set_selection(self.inspector.selection())
        self._update_title()
        self._update_model_status()

    def _replace_undo_actions(self) -> None:
        """QUndoStack's actions keep the prefix they were made with: make them again in the new language."""
        for name, prefix in (
            ("undo", QCoreApplication.translate("MainWindow", "&Undo")),
            ("redo", QCoreApplication.translate("MainWindow", "&Redo")),
        ):
            old = self._actions[name]
            make = self.undo_stack.createUndoAction if name == "undo" else self.undo_stack.createRedoAction
            new = make(self, prefix)
            new.setShortcut(old.shortcut())
            new.setObjectName(old.objectName())
            for widget in old.associatedObjects():
                if isinstance(widget, QWidget):
                    widget.insertAction(old, new)
                    widget.removeAction(old)
            self.removeAction(old)
            self.addAction(new)
            self._actions[name] = new
            old.deleteLater()

    # ---- canvas helpers --------------------------------------------------------------------------
    def _on_layer_activated(self, layer_type: str) -> None:
        if layer_type.startswith(TEMPLATE_PREFIX):
            self.editor.blocks.insert_template(layer_type[len(TEMPLATE_PREFIX) :])
            return
        node_id = self.editor.add_layer_after_selection(layer_type)
        if node_id:
            self.show_status(
                QCoreApplication.translate("MainWindow", "Added {type} '{id}'").format(type=layer_type, id=node_id)
            )

    def _on_node_activated(self, node_id: str) -> None:
        self.editor.select_nodes([node_id])

    def flush_views(self) -> None:
        """Bring every throttled view up to date now (snapshots, tests)."""
        self.lesson_view.refresh()
        self.code_view.flush()
        self.summary_view.flush()
        self._update_model_status()

    # ---- help ----------------------------------------------------------------------------------
    def show_layer_reference(self) -> LayerReferenceDialog:
        dialog = LayerReferenceDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            QCoreApplication.translate("MainWindow", "About Neural Network Playground"),
            QCoreApplication.translate(
                "MainWindow",
                "<h3>Neural Network Playground {version}</h3>"
                "<p>Build real PyTorch networks by drag and drop, train them and watch them learn.</p>"
                "<p>Every model is a genuine <code>torch.nn.Module</code>: the Code panel shows it, and "
                "File ▸ Export writes it as Python, ONNX or a torch.export program.</p>",
            ).format(version=__version__),
        )

    # ---- theme -----------------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        applied = theme.apply_theme(name)
        with QSignalBlocker(self._theme_group):
            self._theme_actions[applied].setChecked(True)
        if self.persistent:
            self.app_settings.set_theme(applied)
        self._update_model_status()

    # ---- settings and closing --------------------------------------------------------------------
    def _restore_window_settings(self) -> None:
        geometry = self.app_settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 900)
        state = self.app_settings.window_state()
        if state is not None and self.restoreState(state, STATE_VERSION):
            self._default_sizes_pending = False

    def save_window_settings(self) -> None:
        if not self.persistent:
            return
        self.app_settings.set_geometry(self.saveGeometry())
        state = self._docks_before_tab or self.saveState(STATE_VERSION)  # the docks as the user left them
        self.app_settings.set_window_state(state)
        self.app_settings.sync()

    # ---- training --------------------------------------------------------------------------------
    def _on_training_state_changed(self, state: str) -> None:
        """Pressing Train anywhere shows the live views."""
        if state == "running" and self.current_tab() != "training":
            self.show_tab("training")
        # where training runs can change between runs only
        self.separate_process_action.setEnabled(state not in ("running", "paused"))

    def _on_frame_rate_chosen(self, rate: int) -> None:
        """How often the live views redraw while training (from the next run on)."""
        self.training.frames_per_second = float(rate)
        if self.persistent:
            self.app_settings.set_frames_per_second(float(rate))
        self.statusBar().showMessage(
            QCoreApplication.translate(
                "MainWindow", "Live views redraw up to {rate} times a second from the next run."
            ).format(rate=rate),
            5000,
        )

    def _on_tensorboard_toggled(self, on: bool, folder: str | None = None) -> None:
        """On: ask for the folder runs log into (cancel: stay off); off: no more logs."""
        if on and folder is None:
            start = self.app_settings.tensorboard_dir() if self.persistent else None
            folder = QFileDialog.getExistingDirectory(
                self,
                QCoreApplication.translate("MainWindow", "Folder for TensorBoard logs"),
                start or self._start_directory(),
            )
            if not folder:
                with QSignalBlocker(self.tensorboard_action):
                    self.tensorboard_action.setChecked(False)
                return
        self.training.tensorboard_dir = folder if on else None
        if self.persistent:
            self.app_settings.set_tensorboard_dir(self.training.tensorboard_dir)
        self.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "From the next run, TensorBoard logs go into {folder}").format(
                folder=folder
            )
            if on
            else QCoreApplication.translate("MainWindow", "No TensorBoard logs from the next run."),
            6000,
        )

    def _on_separate_process_toggled(self, separate: bool) -> None:
        if self.training.state() in ("running", "paused"):
            with QSignalBlocker(self.separate_process_action):
                self.separate_process_action.setChecked(not separate)
            return
        workers.use_in_process(not separate)
        if self.persistent:
            self.app_settings.set_train_in_process(not separate)
        self.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Training runs in a separate process from the next run.")
            if separate
            else QCoreApplication.translate("MainWindow", "Training runs in this window's process from the next run."),
            5000,
        )

    def _on_workspace_changed(self, index: int) -> None:
        """Each tab gets the room it needs: the palette only serves the Network tab, and the Compare
        tab's plots take the whole window. The docks come back as they were on return."""
        narrow = self.width() < TRAINING_DOCKS_FROM_WIDTH
        self._training_tab_narrow = narrow
        tab = WORKSPACE_TABS[index] if 0 <= index < len(WORKSPACE_TABS) else "network"
        hidden = {
            "network": (),
            "training": tuple(self.docks) if narrow else ("layers",),
            "compare": tuple(self.docks),
        }[tab]
        if self._docks_before_tab is not None:
            state, self._docks_before_tab = self._docks_before_tab, None
            self.restoreState(state, STATE_VERSION)
        if hidden:
            # QByteArray has the buffer protocol; PySide6's stubs leave it out
            self._docks_before_tab = bytes(self.saveState(STATE_VERSION))  # type: ignore[call-overload]
            for key in hidden:
                self.docks[key].hide()
        if tab == "training":
            self.training.show_untrained()  # nothing trained yet: the data and the untrained model
        self.classroom.apply()  # a restored layout must not bring back what the lesson hides

    def _on_training_run_finished(self, _summary: object) -> None:
        """Every finished run goes into the session's run history (the Compare tab), with the
        settings it trained with (the record keeps them), not the document as edited since."""
        self.training.record.history_id = self.compare_panel.add_training_run(self.training.record)

    def train_for_snapshot(self, epochs: int) -> None:
        """`playground snapshot --epochs N`: train in this window before the picture."""
        train_for_snapshot(self.training, self.training_panel, epochs)

    def close_discarding(self) -> None:
        """Close without asking about unsaved changes (snapshots, scripted use)."""
        self.undo_stack.setClean()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._closed:
            event.accept()
            return
        if not self.maybe_save():
            event.ignore()
            return
        self._closed = True
        self.closing.emit()
        self.training.shutdown()
        self.compare_panel.shutdown()
        for xray in getattr(self, "_xray_windows", []):
            xray.shutdown()
        self.training_panel.time_machine.shutdown()
        self.save_window_settings()
        if self.autosaver is not None:
            self.autosaver.stop()
        event.accept()


def _scrolling(widget: QWidget) -> QScrollArea:
    """A tab page that scrolls instead of forcing the window wider than the screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


def open_window(path: str | Path | None = None) -> tuple[MainWindow, str | None]:
    """A window on `path` (or on the default experiment); also returns the error if `path` failed.

    A file that cannot be read or shown leaves the window on the default experiment."""
    window = MainWindow()
    if path is None:
        return window, None
    return window, window.open_at_launch(path)


__all__ = ["MainWindow", "describe_exception", "open_window"]
