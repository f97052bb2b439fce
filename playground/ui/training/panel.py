"""The training panel: run controls, a message banner (divergence, results), and the live views.

Layout "columns" (the default, for a wide dock): loss & metrics over the learning rate | the network
view over the task view | the diagnostics, in resizable splitters. The network view (every unit
of a small dense network over the input plane) is there for 2-D data only; hovering one of its
units shows it large in the decision-boundary plot. Layout "tabs" puts each view in its own tab for
a narrow dock. Views are fed by the controller's `run_prepared` / `run_updated` signals; a view
that is hidden (another tab) is redrawn when it is shown, not before.
"""

from __future__ import annotations

import html
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.errors import PlaygroundError
from playground.core.runs.records import RunSetup, RunUpdate
from playground.core.training.events import Summary
from playground.ui import theme
from playground.ui.plots import DiagnosticsView, LossPlot, LrPlot, NetworkView, TaskView
from playground.ui.plots.network_view import unmapped_reason
from playground.ui.plots.probe_view import ProbeView
from playground.ui.training.controller import TrainingController
from playground.ui.training.time_machine import TimeMachine

IMAGE_FILTER = "PNG image (*.png);;SVG vector image (*.svg)"
# Seconds between redraws of each view while training, at most: the loss curves and the task view
# follow the frames-per-second setting (30 by default), the slower-changing views 8 times a second.
# Training runs in its own process, so painting costs it nothing; a view that takes long to paint
# still redraws at most every other frame of its own cost, so the window keeps answering.
SLOW_VIEW_INTERVAL = 0.125
# The columns layout needs about this much width for its three columns; below it the panel shows one
# view per tab (a 1024 × 700 window with its docks), and goes back to columns once there is room again.
TABS_BELOW_WIDTH = 820
COLUMNS_FROM_WIDTH = 900
CSV_FILTER = "CSV file (*.csv)"


def tr(text: str) -> str:
    return QCoreApplication.translate("TrainingPanel", text)


class TrainingToolBar(QToolBar):
    """The controller's actions as a toolbar (Train/Pause/Resume, Step, Step Epoch, Stop, Reset)."""

    def __init__(self, controller: TrainingController, parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("TrainingPanel", "Training"), parent)
        self.setObjectName("trainingToolBar")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addActions(controller.actions())


class TrainingPanel(QWidget):
    """Controls, banner and live views of the controller's runs."""

    def __init__(
        self,
        controller: TrainingController,
        parent: QWidget | None = None,
        layout: str = "columns",
        controls: bool = True,
    ) -> None:
        """`controls=False` leaves out the Train/Step/... buttons when the host window has them."""
        super().__init__(parent)
        self._with_controls = controls
        self.setObjectName("trainingPanel")
        self.controller = controller
        controller.predictions_on_demand = True  # the task view asks for the next one once drawn
        self.loss_plot = LossPlot(self)
        self.lr_plot = LrPlot(self)
        self.diagnostics_view = DiagnosticsView(self)
        self.task_view = TaskView(self)
        self.network_view = NetworkView(self)
        self.network_view.unit_hovered.connect(self._on_unit_hovered)
        self.probe_view = ProbeView(self)
        self.probe_view.experiment_source = lambda: self.controller.document.experiment
        self.probe_view.probe_changed.connect(controller.set_probe)
        self.time_machine = TimeMachine(self)
        self.probe_view.probe_changed.connect(self.time_machine.look_again)
        self.views: dict[str, QWidget] = {
            "loss": self.loss_plot,
            "lr": self.lr_plot,
            "diagnostics": self.diagnostics_view,
            "task": self.task_view,
            "network": self.network_view,
            "inside": self.probe_view,
        }
        self._layout_kind = "tabs" if layout == "tabs" else "columns"
        # "columns" reflows into tabs when the panel is too narrow for three columns (and back)
        self._adaptive = self._layout_kind == "columns"
        self._network_wanted = False  # the network view belongs to the layout (a run on 2-D data)
        self._pending_refresh: set[str] = set()
        self._next_refresh: dict[str, float] = {key: 0.0 for key in self.views}
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._refresh_visible)
        self._forced: set[str] = set()  # views to redraw regardless of their interval
        self.redraws: Counter[str] = Counter()  # redraws per view since the run began (benchmarks, tests)
        self._held: list[str] = []  # views whose painting is held back, released one per pass
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.timeout.connect(self._release_one)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.setSpacing(4)
        outer.addLayout(self._build_header())
        self.banner = self._build_banner()
        outer.addWidget(self.banner)
        outer.addWidget(self.time_machine.bar)
        self.body: QWidget = self._build_tabs() if self._layout_kind == "tabs" else self._build_columns()
        outer.addWidget(self.body, 1)
        self._outer = outer
        self._reflow_timer = QTimer(self)
        self._reflow_timer.setSingleShot(True)
        self._reflow_timer.timeout.connect(self._reflow)

        self.loss_plot.x_mode_changed.connect(self.lr_plot.set_x_mode)
        controller.run_prepared.connect(self._on_prepared)
        controller.run_updated.connect(self._on_updated)
        controller.run_finished.connect(self._on_finished)
        controller.cleared.connect(self.clear)
        controller.run_starting.connect(self._on_run_starting)
        controller.banner_changed.connect(self._on_banner)
        controller.progress_changed.connect(self.run_label.setText)
        controller.state_changed.connect(self._on_state)
        theme.notifier().changed.connect(self._on_theme_changed)
        self._on_banner(controller.banner_level(), controller.banner_text())
        self.run_label.setText(controller.progress_text())

    # ---- construction ---------------------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        header.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}
        for action in self.controller.actions() if self._with_controls else ():
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonIconOnly
                if self._layout_kind == "tabs"
                else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
            )  # tabs: a narrow dock
            button.setAutoRaise(True)
            name = action.objectName().removeprefix("action_training_")
            button.setObjectName(f"trainingButton_{name}")
            self.buttons[name] = button
            header.addWidget(button)
        if self._with_controls:
            separator = QFrame(self)
            separator.setFrameShape(QFrame.Shape.VLine)
            separator.setFrameShadow(QFrame.Shadow.Sunken)
            header.addWidget(separator)
        lr_label = QLabel(QCoreApplication.translate("TrainingPanel", "Learning rate"), self)
        lr_label.setBuddy(self.controller.lr_spin_box)
        header.addWidget(lr_label)
        self.controller.lr_spin_box.setParent(self)
        self.controller.lr_spin_box.setMinimumWidth(90)
        header.addWidget(self.controller.lr_spin_box)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("trainingStateLabel")
        self.state_label.setMinimumWidth(70)
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        header.addWidget(self.state_label)
        self.run_label = QLabel(self)
        self.run_label.setObjectName("trainingRunLabel")
        # Ignored: the run text may be cut in a narrow dock instead of widening the window
        self.run_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.run_label.setMinimumWidth(60)
        header.addWidget(self.run_label, 1)
        self.export_button = QToolButton(self)
        self.export_button.setObjectName("trainingExportButton")
        self.export_button.setText(QCoreApplication.translate("TrainingPanel", "Export"))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setMenu(self._build_export_menu())
        header.addWidget(self.export_button)
        self._on_state(self.controller.state())
        return header

    def _build_export_menu(self) -> QMenu:
        menu = QMenu(self)
        for key, text in (
            ("loss", QCoreApplication.translate("TrainingPanel", "Loss && Metrics Plot…")),
            ("lr", QCoreApplication.translate("TrainingPanel", "Learning Rate Plot…")),
            ("diagnostics", QCoreApplication.translate("TrainingPanel", "Diagnostics…")),
            ("task", QCoreApplication.translate("TrainingPanel", "Task View…")),
            ("network", QCoreApplication.translate("TrainingPanel", "Network View…")),
        ):
            action = menu.addAction(text)
            action.triggered.connect(lambda _checked=False, k=key: self._ask_export_view(k))
        menu.addAction(QCoreApplication.translate("TrainingPanel", "Look Inside View…")).triggered.connect(
            lambda _checked=False: self._ask_export_view("inside")
        )
        menu.addSeparator()
        timeline = menu.addAction(QCoreApplication.translate("TrainingPanel", "Time Machine Snapshots (safetensors)…"))
        timeline.setObjectName("exportTimelineAction")
        timeline.triggered.connect(self._ask_export_timeline)
        recording = menu.addAction(QCoreApplication.translate("TrainingPanel", "Recording of the Run (GIF)…"))
        recording.setObjectName("exportRecordingAction")
        recording.triggered.connect(lambda _checked=False: self.export_recording())
        self.controller.export_metrics_action.triggered.connect(lambda _checked=False: self._ask_export_csv("epochs"))
        menu.addAction(self.controller.export_metrics_action)
        self.controller.export_steps_action.triggered.connect(lambda _checked=False: self._ask_export_csv("steps"))
        menu.addAction(self.controller.export_steps_action)
        return menu

    def _build_banner(self) -> QLabel:
        banner = QLabel(self)
        banner.setObjectName("trainingBanner")
        banner.setWordWrap(True)
        banner.setTextFormat(Qt.TextFormat.RichText)
        banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        banner.setContentsMargins(10, 4, 10, 4)
        # Always there, two lines high: a message coming or going must not resize (and so repaint)
        # every plot at the start and end of each run. Longer text is in the tooltip.
        banner.setFixedHeight(banner.fontMetrics().lineSpacing() * 2 + 14)
        banner.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        return banner

    def _build_columns(self) -> QSplitter:
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.loss_plot)
        left.addWidget(self.lr_plot)
        left.setStretchFactor(0, 5)
        left.setStretchFactor(1, 2)
        left.setChildrenCollapsible(True)
        middle = QSplitter(Qt.Orientation.Vertical, self)
        middle.setObjectName("trainingMiddle")
        middle.addWidget(self.network_view)
        middle.addWidget(self.task_view)
        middle.setStretchFactor(0, 4)
        middle.setStretchFactor(1, 5)
        middle.setChildrenCollapsible(True)
        self.network_view.hide()  # until a run on 2-D data
        right = QTabWidget(self)
        right.setObjectName("trainingRightTabs")
        right.setDocumentMode(True)
        right.addTab(self.diagnostics_view, QCoreApplication.translate("TrainingPanel", "Diagnostics"))
        right.addTab(self.probe_view, QCoreApplication.translate("TrainingPanel", "Look inside"))
        right.currentChanged.connect(lambda _index: self._refresh_visible(force=True))
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.setObjectName("trainingColumns")
        body.addWidget(left)
        body.addWidget(middle)
        body.addWidget(right)
        for index, stretch in enumerate((4, 4, 3)):
            body.setStretchFactor(index, stretch)
        body.setSizes([400, 400, 300])
        self._left_splitter = left
        self._middle_splitter = middle
        self._right_tabs = right
        return body

    def _build_tabs(self) -> QTabWidget:
        tabs = QTabWidget(self)
        tabs.setObjectName("trainingTabs")
        tabs.addTab(self.loss_plot, QCoreApplication.translate("TrainingPanel", "Loss && metrics"))
        tabs.addTab(self.task_view, QCoreApplication.translate("TrainingPanel", "Task view"))
        tabs.addTab(self.network_view, QCoreApplication.translate("TrainingPanel", "Network"))
        tabs.addTab(self.diagnostics_view, QCoreApplication.translate("TrainingPanel", "Diagnostics"))
        tabs.addTab(self.probe_view, QCoreApplication.translate("TrainingPanel", "Look inside"))
        tabs.addTab(self.lr_plot, QCoreApplication.translate("TrainingPanel", "Learning rate"))
        tabs.setTabVisible(tabs.indexOf(self.network_view), False)  # until a run on 2-D data
        tabs.currentChanged.connect(lambda _index: self._refresh_visible(force=True))
        return tabs

    # ---- feeding the views ------------------------------------------------------------------------
    def clear(self, keep_axes: bool = False) -> None:
        """Empty views. `keep_axes` when a run is about to start: scales that its data would set
        again stay, so a re-run redraws fewer axes."""
        self._stagger_paints()
        self.loss_plot.clear()
        self.lr_plot.clear()
        self.diagnostics_view.clear(keep_axes=keep_axes)
        self.time_machine.reset()
        if not keep_axes:  # a run about to start keeps the task view's page until its own set-up arrives
            self.task_view.clear()
            self.network_view.clear()
        self._pending_refresh.clear()
        self._forced.clear()
        self._next_refresh = {key: 0.0 for key in self.views}

    def _on_run_starting(self) -> None:
        self.clear(keep_axes=True)

    def intervals(self) -> dict[str, float]:
        """Seconds between redraws of each view while training (the frames-per-second setting)."""
        frame = 1.0 / max(1.0, float(self.controller.frames_per_second))
        slow = max(frame, SLOW_VIEW_INTERVAL)
        return {"loss": frame, "task": frame, "network": slow, "lr": slow, "diagnostics": slow, "inside": slow}

    def _on_prepared(self, setup: RunSetup) -> None:
        self.redraws.clear()
        epochs, batches = setup.epochs, setup.batches_per_epoch
        # Every run is asked for after the views were emptied (`run_starting`, or `cleared` before a
        # Reset's preview): the setup only adds what it knows (planned length and LR, the task view),
        # drawn together with the first data.
        self.loss_plot.configure(setup.task, total_steps=epochs * batches or None, total_epochs=epochs or None)
        self.lr_plot.set_planned(setup.planned_lr, batches)
        self.task_view.configure(setup.view)
        self._configure_network(setup)
        self.probe_view.set_class_names(setup.class_names)
        self._pending_refresh.update(self.views)
        self._refresh_visible()

    def _on_updated(self, update: RunUpdate) -> None:
        update = self.time_machine.take(update)  # while scrubbed back, the live views' data waits
        steps = update.steps
        if steps is not None and len(steps):
            self.loss_plot.add_steps(steps.step, steps.epoch_x, steps.loss)
            self.lr_plot.add_steps(steps.step, steps.epoch_x, steps.lr)
            self._pending_refresh.update(("loss", "lr"))
        if update.epochs:
            self.loss_plot.add_epochs(update.epochs)
            self._pending_refresh.add("loss")
        for change in update.lr_changes:
            self.lr_plot.add_marker(
                change.step,
                change.epoch_x,
                QCoreApplication.translate("TrainingPanel", "set to {lr:g}").format(lr=change.lr),
            )
            self._pending_refresh.add("lr")
        if update.diagnostics is not None:
            self.diagnostics_view.set_diagnostics(update.diagnostics)
            self._pending_refresh.add("diagnostics")
        if update.prediction is not None:
            self.task_view.set_prediction(update.prediction)
            self._pending_refresh.add("task")
        if update.neurons is not None:
            self.network_view.set_maps(update.neurons)
            self._pending_refresh.add("network")
        if update.probe is not None:
            self.probe_view.set_result(update.probe)
            self._pending_refresh.add("inside")
        if update.probe_error is not None:
            self.probe_view.set_error(update.probe_error)
            self._pending_refresh.add("inside")
        self._refresh_visible()

    def _configure_network(self, setup: RunSetup) -> None:
        """The network view is there for 2-D data (the plane its units are mapped over)."""
        planar = setup.view.kind == "boundary"
        if planar:
            self.network_view.configure(
                setup.task, setup.class_names, reason=unmapped_reason(self.controller.run_experiment)
            )
        self.set_network_shown(planar)

    def set_network_shown(self, shown: bool) -> None:
        self._network_wanted = shown
        if isinstance(self.body, QTabWidget):
            self.body.setTabVisible(self.body.indexOf(self.network_view), shown)
        else:
            was_shown = not self.network_view.isHidden()
            self.network_view.setVisible(shown)
            if shown and not was_shown:  # share the column: the units above, the boundary below
                total = sum(self._middle_splitter.sizes())
                total = total if total >= 90 else 900  # not laid out yet: the splitter scales these
                self._middle_splitter.setSizes([total * 4 // 9, total - total * 4 // 9])

    # ---- reflow: three columns when there is room, one tab per view when there is not ---------------
    def layout_kind(self) -> str:
        """ "columns" or "tabs": what the panel shows now."""
        return self._layout_kind

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._adaptive:
            self._reflow_timer.start(0)  # not inside the resize: the layout changes the widget tree

    def _reflow(self) -> None:
        width = self.width()
        if self._layout_kind == "columns" and width < TABS_BELOW_WIDTH:
            self._switch_layout("tabs")
        elif self._layout_kind == "tabs" and width >= COLUMNS_FROM_WIDTH:
            self._switch_layout("columns")

    def _switch_layout(self, kind: str) -> None:
        old = self.body
        self._layout_kind = kind
        self.body = self._build_tabs() if kind == "tabs" else self._build_columns()  # moves the views
        self._outer.replaceWidget(old, self.body)
        old.hide()
        old.deleteLater()
        if kind == "columns":  # pages a tab widget had hidden stay hidden in a splitter unless shown
            for view in self.views.values():
                if view not in (self.network_view, self.diagnostics_view, self.probe_view):
                    view.show()
        self.set_network_shown(self._network_wanted)
        self._pending_refresh.update(self.views)
        self._refresh_visible(force=True)

    def mark_changed(self, *keys: str) -> None:
        """These views have new data (drawn when due and visible)."""
        self._pending_refresh.update(keys)
        self._refresh_visible(force=True)

    def look_inside(self, node_id: str) -> bool:
        """Show the look inside `node_id` (the canvas's "Look inside"): its tab comes forward and,
        in columns, its column widens. False when the model has no such node."""
        self.probe_view.set_experiment(self.controller.document.experiment)
        if not self.probe_view.look_inside(node_id):
            return False
        if isinstance(self.body, QTabWidget):
            self.body.setCurrentWidget(self.probe_view)
        elif isinstance(self.body, QSplitter):
            self._right_tabs.setCurrentWidget(self.probe_view)
            sizes = self.body.sizes()
            total = sum(sizes)
            if total > 0 and sizes[2] < total * 0.4:
                self.body.setSizes([int(total * 0.3), int(total * 0.3), total - 2 * int(total * 0.3)])
        return True

    def network_shown(self) -> bool:
        """The network view is part of the layout now (2-D data)."""
        if isinstance(self.body, QTabWidget):
            return self.body.isTabVisible(self.body.indexOf(self.network_view))
        return not self.network_view.isHidden()

    def _on_unit_hovered(self, picture: Any, label: str) -> None:
        """A unit of the network view under the mouse: shown large in the decision-boundary plot."""
        if self.task_view.kind() == "boundary":
            self.task_view.boundary.show_unit(picture, label)

    def _on_finished(self, summary: Summary) -> None:
        if summary.status == "diverged":
            step = float(summary.steps or 0) + 1  # the step whose loss blew up
            setup = self.controller.record.setup
            batches = max(1, setup.batches_per_epoch if setup is not None else 1)
            self.loss_plot.add_marker(step, step / batches, QCoreApplication.translate("TrainingPanel", "diverged"))
            if step < 0.2 * (setup.epochs if setup is not None else 1) * batches:
                self.loss_plot.fit_x_to_data()  # it ended early: show the steps that ran, not the plan
                self.lr_plot.fit_x_to_data()
        elif self.loss_plot.mark_end(summary.status, summary.steps, summary.epochs):
            self.lr_plot.fit_x_to_data()  # early stopping ended it early: both plots show what ran

    def _refresh_visible(self, force: bool = False) -> None:
        """Redraw one view with new data that is visible and due (the most overdue first).

        One per pass of the event loop: Qt paints all dirty views of a window together, so
        redrawing four views at once would stall the window for the sum of their paint times. A
        short timer brings the next one; `force` (a pause, the end of a run) ignores the
        intervals but still goes one view at a time.
        """
        if force:
            self._forced.update(self._pending_refresh)
        now = time.monotonic()
        due = []
        for key in self._pending_refresh:
            view = self.views[key]
            if not (view.isVisible() and view.width() > 0 and view.height() > 0):
                continue  # drawn when shown (tab change, splitter)
            if key in self._forced or now >= self._next_refresh[key]:
                due.append((self._next_refresh[key], key))
        if due:
            key = min(due)[1]
            view = self.views[key]
            started = time.perf_counter()
            view.refresh()  # type: ignore[attr-defined]
            self.redraws[key] += 1
            cost = time.perf_counter() - started + view.paint_seconds()  # type: ignore[attr-defined]
            interval = max(self.intervals()[key], 2 * cost)
            # a frame clock: a redraw that came late does not push every later one back (but two
            # never come closer than half an interval)
            self._next_refresh[key] = max(now + 0.5 * interval, self._next_refresh[key] + interval)
            self._pending_refresh.discard(key)
            self._forced.discard(key)
            if key == "task":
                self.controller.bridge.want_prediction()
        if self._pending_refresh:
            waiting = [self._next_refresh[key] - now for key in self._pending_refresh if key not in self._forced]
            delay = 0.005 if len(due) > 1 or self._forced else max(0.005, min(waiting, default=0.1))
            milliseconds = max(1, int(1000 * delay))
            timer = self._flush_timer
            # an earlier, longer wait (for a slower view) must not hold back a view due sooner
            if not timer.isActive() or timer.remainingTime() > milliseconds:
                timer.start(milliseconds)

    def _stagger_paints(self) -> None:
        """Every view is about to change at once (a new run): let them repaint one per pass of the
        event loop instead of all in one long paint, so the window stays responsive."""
        order = [key for key in ("loss", "task", "network", "diagnostics", "lr", "inside") if key not in self._held]
        for key in order[1:]:
            self.views[key].setUpdatesEnabled(False)
            self._held.append(key)
        if self._held and not self._release_timer.isActive():
            self._release_timer.start(15)

    def _release_one(self) -> None:
        if self._held:
            self.views[self._held.pop(0)].setUpdatesEnabled(True)  # repaints it
        if self._held:
            self._release_timer.start(15)

    def is_settled(self) -> bool:
        """Every view in sight shows the latest data (nothing pending or held back); a view out of
        sight (another tab) is drawn when shown."""
        pending = [key for key in self._pending_refresh if self.views[key].isVisible()]
        return not pending and not self._held

    def refresh_all(self) -> None:
        """Redraw every view now, visible or not (before a snapshot or an export)."""
        while self._held:
            self._release_one()
        for view in self.views.values():
            view.refresh()  # type: ignore[attr-defined]
        self._pending_refresh.clear()
        self.controller.bridge.want_prediction()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._refresh_visible()

    # ---- state and banner -------------------------------------------------------------------------
    def _on_state(self, state: str) -> None:
        if state != "running":
            self._refresh_visible(force=True)  # paused or ended: show everything as it is now
        colors = theme.colors()
        texts = {
            "idle": (QCoreApplication.translate("TrainingPanel", "idle"), colors.muted_text),
            "running": (QCoreApplication.translate("TrainingPanel", "● training"), colors.ok),
            "paused": (QCoreApplication.translate("TrainingPanel", "❚❚ paused"), colors.warning),
            "finished": (QCoreApplication.translate("TrainingPanel", "✓ finished"), colors.ok),
            "diverged": (QCoreApplication.translate("TrainingPanel", "✕ diverged"), colors.error),
            "stopped": (QCoreApplication.translate("TrainingPanel", "■ stopped"), colors.muted_text),
        }
        text, color = texts.get(state, (state, colors.text))
        self.state_label.setText(f"<b style='color:{color}'>{html.escape(text)}</b>")

    def _on_banner(self, level: str, text: str) -> None:
        colors = theme.colors()
        if not level or not text:
            self.banner.setStyleSheet(
                f"QLabel#trainingBanner {{ color: {colors.muted_text}; border: 1px solid transparent; }}"
            )
            self.banner.setText(
                html.escape(
                    QCoreApplication.translate(
                        "TrainingPanel",
                        "Train (F5) runs the experiment, Step (F10) one batch, Step Epoch (Shift+F10) one epoch; "
                        "change the learning rate while it runs. Messages about the run appear here.",
                    )
                )
            )
            self.banner.setToolTip("")
            self.banner.setProperty("level", "")
            return
        styles = {
            "error": (colors.error_background, colors.error, "⚠"),
            "warning": (colors.error_background if theme.is_dark() else "#fff4e0", colors.warning, "⚠"),
            "ok": ("#1f3a24" if theme.is_dark() else "#e8f5e9", colors.ok, "✓"),
            "info": (colors.alternate_base, colors.text, "ℹ"),
        }
        background, foreground, mark = styles.get(level, styles["info"])
        self.banner.setStyleSheet(
            f"QLabel#trainingBanner {{ background: {background}; color: {foreground}; "
            f"border: 1px solid {foreground}; border-radius: 4px; }}"
        )
        self.banner.setText(f"<b>{mark}</b> {html.escape(text)}")
        self.banner.setToolTip(text)
        self.banner.setProperty("level", level)

    def _on_theme_changed(self, _name: str) -> None:
        self._on_banner(self.controller.banner_level(), self.controller.banner_text())
        self._on_state(self.controller.state())

    def banner_text(self) -> str:
        """The message shown in the banner ('' when it only shows the idle hint)."""
        return self.controller.banner_text() if self.banner.property("level") else ""

    # ---- export ----------------------------------------------------------------------------------------
    def export_view(self, key: str, path: str | Path) -> None:
        """Write one view ("loss", "lr", "diagnostics", "task", "network") as PNG or SVG (by the suffix)."""
        view = self.views[key]
        view.refresh()  # type: ignore[attr-defined]
        view.export(path)  # type: ignore[attr-defined]

    def _ask_export_view(self, key: str) -> None:
        name = {
            "loss": "loss",
            "lr": "learning_rate",
            "diagnostics": "diagnostics",
            "task": "task_view",
            "network": "network_view",
            "inside": "look_inside",
        }[key]
        path, chosen = QFileDialog.getSaveFileName(
            self, QCoreApplication.translate("TrainingPanel", "Export Plot"), f"{name}.png", IMAGE_FILTER
        )
        if not path:
            return
        if not Path(path).suffix:
            path += ".svg" if "svg" in chosen.lower() else ".png"
        self._run_export(lambda: self.export_view(key, path), path)

    def _ask_export_csv(self, what: str) -> None:
        if self.controller.record.is_empty():
            QMessageBox.information(
                self,
                QCoreApplication.translate("TrainingPanel", "Export"),
                QCoreApplication.translate("TrainingPanel", "There is no run to export yet: train first."),
            )
            return
        default = "metrics.csv" if what == "epochs" else "step_losses.csv"
        path, _chosen = QFileDialog.getSaveFileName(
            self, QCoreApplication.translate("TrainingPanel", "Export Metrics"), default, CSV_FILTER
        )
        if not path:
            return
        if not Path(path).suffix:
            path += ".csv"
        writer = self.controller.export_metrics_csv if what == "epochs" else self.controller.export_steps_csv
        self._run_export(lambda: writer(path), path)

    def _ask_export_timeline(self) -> None:
        timeline = self.controller.record.timeline
        if timeline is None or not len(timeline):
            QMessageBox.information(
                self,
                QCoreApplication.translate("TrainingPanel", "Export"),
                QCoreApplication.translate(
                    "TrainingPanel", "This run kept no weight snapshots yet: train at least one epoch first."
                ),
            )
            return
        path, _chosen = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("TrainingPanel", "Save Time Machine Snapshots"),
            "timeline.json",
            QCoreApplication.translate("TrainingPanel", "Timeline manifest (*.json)"),
        )
        if not path:
            return
        if not Path(path).suffix:
            path += ".json"
        name = self.controller.record.experiment.name if self.controller.record.experiment is not None else ""
        self._run_export(lambda: timeline.save(path, name), path)

    def export_recording(self, path: str | Path | None = None) -> bool:
        """The decision boundary and loss of the last run, one frame per kept epoch, as a GIF (or MP4)."""
        from playground.core.data import load_dataset  # lazy: the export menu only
        from playground.core.runs.recording import mp4_available, recording_frames, write_recording

        record = self.controller.record
        timeline = record.timeline
        if timeline is None or not len(timeline) or record.experiment is None:
            QMessageBox.information(
                self,
                QCoreApplication.translate("TrainingPanel", "Export"),
                QCoreApplication.translate(
                    "TrainingPanel", "This run kept no weight snapshots yet: train at least one epoch first."
                ),
            )
            return False
        if path is None:
            filters = QCoreApplication.translate("TrainingPanel", "Animated GIF (*.gif)")
            if mp4_available():
                filters += ";;" + QCoreApplication.translate("TrainingPanel", "MP4 video (*.mp4)")
            chosen, _chosen = QFileDialog.getSaveFileName(
                self, QCoreApplication.translate("TrainingPanel", "Save Recording"), "run.gif", filters
            )
            if not chosen:
                return False
            path = chosen if Path(chosen).suffix else chosen + ".gif"
        experiment, history, snapshots = record.experiment, record.history(), list(timeline)
        base_dir = self.controller.document.base_dir()

        def write() -> None:
            dataset = load_dataset(experiment.data, base_dir=base_dir)
            write_recording(recording_frames(experiment, dataset, snapshots, history), str(path))

        self._run_export(write, str(path))
        return Path(path).is_file()

    def _run_export(self, write: Callable[[], None], path: str) -> None:
        try:
            write()
        except (OSError, RuntimeError, ValueError, PlaygroundError) as exc:
            QMessageBox.warning(
                self,
                QCoreApplication.translate("TrainingPanel", "Export failed"),
                QCoreApplication.translate("TrainingPanel", "Could not write {path}:\n{error}").format(
                    path=path, error=exc
                ),
            )
            return
        self.controller.message.emit(QCoreApplication.translate("TrainingPanel", "Exported {path}").format(path=path))
