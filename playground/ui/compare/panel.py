"""`ComparePanel`: the comparison tabs around one run history, ready for a dock or a tab."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QTabWidget, QVBoxLayout, QWidget

from playground.core.compare.history import RunHistory, RunRecord
from playground.core.compare.race import run_settings
from playground.core.document import ExperimentDocument
from playground.core.runs.records import RunLog
from playground.ui import theme
from playground.ui.compare.common import restyle_plots
from playground.ui.compare.history_panel import HistoryPanel
from playground.ui.compare.sweep_panel import SweepPanel
from playground.ui.subscriptions import Subscriptions

if TYPE_CHECKING:
    from playground.ui.compare.activations_panel import ActivationsPanel
    from playground.ui.compare.lesson_panel import LessonPanel
    from playground.ui.compare.optimizers_panel import OptimizersPanel
    from playground.ui.compare.schedules_panel import SchedulesPanel

RUN_NAME_CHARS = 120  # a run is named after its experiment; the table shows names whole


def _short(name: str) -> str:
    return name if len(name) <= RUN_NAME_CHARS else name[: RUN_NAME_CHARS - 1] + "…"


class ComparePanel(QTabWidget):
    """Lesson race (when the lesson declares variants), Activations, Optimizers, Schedules and
    History tabs sharing one session `RunHistory`.

    `status_message(text)` carries short messages for the status bar. Call `shutdown()` before
    the window closes: it stops any race or range test and waits for its thread.
    """

    status_message = Signal(str)

    def __init__(
        self, document: ExperimentDocument, undo_stack: QUndoStack | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("comparePanel")
        self.document = document
        self.undo_stack = undo_stack
        self.history = RunHistory()
        # The race panels are built when first shown (their curves and optimizer paths took seconds
        # of the window's start-up); the history panel at once, since an opened file brings runs.
        # Their modules are imported then too (about half a second of the start-up).
        self._factories: dict[str, tuple[str, str]] = {
            "lesson": ("playground.ui.compare.lesson_panel", "LessonPanel"),
            "activations": ("playground.ui.compare.activations_panel", "ActivationsPanel"),
            "optimizers": ("playground.ui.compare.optimizers_panel", "OptimizersPanel"),
            "schedules": ("playground.ui.compare.schedules_panel", "SchedulesPanel"),
        }
        self._holders: dict[str, QWidget] = {}
        self._panels: dict[str, QWidget] = {}
        for key, title in (
            ("lesson", self.tr("Lesson race")),
            ("activations", self.tr("Activations")),
            ("optimizers", self.tr("Optimizers")),
            ("schedules", self.tr("LR schedules")),
        ):
            holder = QWidget(self)
            holder.setObjectName(f"{key}Holder")
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 0, 0, 0)
            self._holders[key] = holder
            self.addTab(holder, title)
        self.history_panel = HistoryPanel(document, undo_stack, self.history, self)
        self.addTab(self.history_panel, self.tr("Run history"))
        self.sweep = SweepPanel(self)
        self.addTab(self.sweep, self.tr("Sweep"))
        self.setTabToolTip(0, self.tr("The variants this lesson compares, raced side by side"))
        self.setTabToolTip(1, self.tr("Activation functions and their derivatives; race them on the experiment"))
        self.setTabToolTip(2, self.tr("Optimizer paths on 2-D surfaces; race optimizers on the experiment"))
        self.setTabToolTip(3, self.tr("Design learning-rate schedules, race them, find a good LR"))
        self.setTabToolTip(4, self.tr("Every finished run of this session, overlaid and tabulated"))
        self.setTabToolTip(5, self.tr("The results of playground sweep: mean ± std over seeds, parallel coordinates"))
        self.history_panel.status_message.connect(self.status_message)
        self.currentChanged.connect(self._build_current)
        self.history.changed.connect(self._update_history_tab)
        theme.notifier().changed.connect(self._on_theme_changed)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._update_history_tab()
        self._show_lesson_tab()
        subscriptions = Subscriptions(self)
        subscriptions.connect(document.reset, self._on_document_edited)
        subscriptions.connect(document.changed, self._on_document_edited)
        self.history_panel.load_from_experiment()  # an opened file may carry saved runs

    # ---- panels built on first use ---------------------------------------------------------------
    @property
    def lesson(self) -> LessonPanel:
        return self._panel("lesson")  # type: ignore[return-value]

    @property
    def activations(self) -> ActivationsPanel:
        return self._panel("activations")  # type: ignore[return-value]

    @property
    def optimizers(self) -> OptimizersPanel:
        return self._panel("optimizers")  # type: ignore[return-value]

    @property
    def schedules(self) -> SchedulesPanel:
        return self._panel("schedules")  # type: ignore[return-value]

    def show_page(self, key: str) -> QWidget:
        """Bring the race panel `key` ("lesson", "activations", ...) to the front; the panel."""
        self.setCurrentWidget(self._holders[key])
        return self._panel(key)

    def built_panels(self) -> list[str]:
        """Which race panels exist yet (the others are built when their tab is first shown)."""
        return list(self._panels)

    def _panel(self, key: str) -> QWidget:
        if key not in self._panels:
            holder = self._holders[key]
            module, name = self._factories[key]
            factory = getattr(importlib.import_module(module), name)
            panel = factory(self.document, self.undo_stack, self.history, holder)
            panel.status_message.connect(self.status_message)
            cast(QVBoxLayout, holder.layout()).addWidget(panel)  # every holder got a QVBoxLayout above
            self._panels[key] = panel
        return self._panels[key]

    def _build_current(self, _index: int = -1) -> None:
        key = next((key for key, holder in self._holders.items() if holder is self.currentWidget()), None)
        if key is not None and self.isVisible():
            self._panel(key)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._build_current()

    @property
    def race_sections(self):
        return tuple(panel.race for panel in self._panels.values())

    def is_busy(self) -> bool:
        """A race or a range test is running."""
        return any(section.is_running() for section in self.race_sections) or (
            "schedules" in self._panels and self.schedules.range_runner.is_running()
        )

    def stop_all(self) -> None:
        for section in self.race_sections:
            section.stop()
        if "schedules" in self._panels:
            self.schedules.range_runner.stop()

    def shutdown(self) -> None:
        """Stop every race and range test and wait for their threads (window closing)."""
        for panel in self._panels.values():
            panel.shutdown()  # type: ignore[attr-defined]

    def add_training_run(self, log: RunLog, name: str | None = None) -> str:
        """Put a finished training run into the history, with the settings it trained with; its id."""
        experiment = log.experiment or self.document.snapshot()
        count = sum(1 for record in self.history if record.kind == "run") + 1
        name = name or self.tr("Run {n}: {name}").format(n=count, name=_short(experiment.name))
        steps = log.steps()
        summary = log.summary.as_dict() if log.summary is not None else {}
        record = RunRecord.from_training(
            name,
            log.history(),
            summary,
            run_settings(experiment, log.lr_changes),
            steps=[int(s) for s in steps.step] if len(steps) else None,
            step_loss=steps.loss.tolist() if len(steps) else None,  # the same floats, as the Sequence it takes
            step_lr=steps.lr.tolist() if len(steps) else None,
            group=self.tr("Training"),
            branch_of=log.branch_of if log.fork_epoch is not None else None,
            fork_epoch=log.fork_epoch if log.branch_of is not None else None,
        )
        record.experiment = self.document.session_id
        return self.history.add(record)

    def _on_theme_changed(self, _theme: str) -> None:
        restyle_plots(self)
        if "activations" in self._panels:
            self.activations.redraw()

    def _on_document_edited(self) -> None:
        self._show_lesson_tab()

    def _show_lesson_tab(self) -> None:
        """The Lesson race tab only for an experiment that declares variants."""
        lesson = self.document.experiment.lesson
        self.setTabVisible(self.indexOf(self._holders["lesson"]), bool(lesson is not None and lesson.variants))

    def _update_history_tab(self) -> None:
        count = len(self.history)
        index = self.indexOf(self.history_panel)
        self.setTabText(index, self.tr("Run history ({n})").format(n=count) if count else self.tr("Run history"))
