"""A small host window for the training panel (the real main window wires it the same way)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow

from playground.core.document import ExperimentDocument
from playground.core.experiment import Experiment, load_experiment
from playground.ui.training import TrainingController, TrainingPanel, TrainingToolBar

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def preset(name: str, **training: object) -> Experiment:
    """A preset, with some training settings replaced (epochs=..., batch_size=...)."""
    experiment = load_experiment(PRESETS / name)
    for key, value in training.items():
        setattr(experiment.training, key, value)
    return experiment


class Host(QMainWindow):
    """Document + controller + panel + toolbar; closing it shuts the training down."""

    def __init__(self, experiment: Experiment, path: Path | None = None) -> None:
        super().__init__()
        self.document = ExperimentDocument(experiment, path)
        self.blocked: list[tuple[bool, str]] = []
        self.controller = TrainingController(
            self.document, parent=self, set_editing_blocked=lambda b, r: self.blocked.append((b, r))
        )
        self.panel = TrainingPanel(self.controller)
        self.setCentralWidget(self.panel)
        self.toolbar = TrainingToolBar(self.controller, self)
        self.addToolBar(self.toolbar)
        for widget in self.controller.status_widgets():
            self.statusBar().addPermanentWidget(widget)
        self.states: list[str] = []
        self.controller.state_changed.connect(self.states.append)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.controller.shutdown()
        super().closeEvent(event)


def open_host(qtbot, experiment: Experiment, size=(1400, 900)) -> Host:
    host = Host(experiment)
    qtbot.addWidget(host)
    host.resize(*size)
    host.show()
    qtbot.waitExposed(host)
    return host


def wait_for_state(qtbot, host: Host, *states: str, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: host.controller.state() in states, timeout=timeout)


def progress(host: Host) -> dict:
    state = host.controller.progress
    return {} if state is None else dict(vars(state))
