"""The run-history panel stays a working QWidget: its metric chooser must not shadow `QWidget.metric`,
the virtual Qt calls for the paint-device metrics (a Python `metric()` without arguments there made
`devicePixelRatio()` crash the app)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QUndoStack

from playground.core.compare.history import RunHistory
from playground.core.document import ExperimentDocument
from playground.core.experiment import load_experiment
from playground.ui.compare.history_panel import HistoryPanel

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def test_history_panel_answers_qts_paint_device_metrics_and_still_names_its_plotted_metric(qtbot):
    document = ExperimentDocument(load_experiment(PRESETS / "xor.json"), PRESETS / "xor.json")
    panel = HistoryPanel(document, QUndoStack(), RunHistory())
    qtbot.addWidget(panel)
    panel.show()
    assert panel.devicePixelRatio() >= 1  # Qt calls the widget's metric(PdmDevicePixelRatio) for this
    assert panel.logicalDpiX() > 0
    assert panel.current_metric() == "train_loss"  # an empty history plots the training loss
