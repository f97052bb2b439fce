"""Sequence regression: the model's forecast of the next value against the truth, on test windows.

The top plot lines up many test windows (truth and forecast); the bottom one shows one window's
history with the true next value and the forecast, which is what the model actually sees.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from playground.core.runs.records import Prediction, ViewSetup
from playground.ui.plots.style import (
    REFERENCE_COLOR,
    VAL_COLOR,
    PlotCanvas,
    colored,
    count_axis,
    export_scene,
    pen,
    style_plot,
)

TRUTH_COLOR = "#2e7d32"


class ForecastView(QWidget):
    """Forecast vs truth over test windows, plus one window in detail."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("forecastView")
        self._history = np.zeros((0, 0))
        self._truth = np.zeros(0)
        self._predicted: np.ndarray | None = None
        self._dirty = False

        self.canvas = PlotCanvas(self)
        # Titles that shorten in a narrow column: at full length they forced the canvas wider than
        # its window, which cut off the right of both plots (the detail plot before t = 0).
        self.overview: pg.PlotItem = self.canvas.ci.addPlot(row=0, col=0, axisItems={"bottom": count_axis()})
        pair = (
            colored(QCoreApplication.translate("Plots", "truth"), TRUTH_COLOR)
            + " / "
            + colored(QCoreApplication.translate("Plots", "forecast"), VAL_COLOR)
        )
        style_plot(
            self.overview,
            title=QCoreApplication.translate("Plots", "Next value: ") + pair,
            left=QCoreApplication.translate("Plots", "value"),
            bottom=QCoreApplication.translate("Plots", "test window"),
            short_titles=(pair, QCoreApplication.translate("Plots", "Next value")),
        )
        # Windows are independent samples, not one series: dots, no connecting lines.
        self.truth_curve = self.overview.plot(
            pen=None, symbol="o", symbolSize=7, symbolBrush=TRUTH_COLOR, symbolPen=None
        )
        self.forecast_curve = self.overview.plot(
            pen=None, symbol="t", symbolSize=8, symbolBrush=VAL_COLOR, symbolPen=None
        )
        self.detail: pg.PlotItem = self.canvas.ci.addPlot(row=1, col=0, axisItems={"bottom": count_axis()})
        parts = (
            colored(QCoreApplication.translate("Plots", "input"), REFERENCE_COLOR)
            + ", "
            + colored(QCoreApplication.translate("Plots", "true next"), TRUTH_COLOR)
            + ", "
            + colored(QCoreApplication.translate("Plots", "forecast"), VAL_COLOR)
        )
        style_plot(
            self.detail,
            title=QCoreApplication.translate("Plots", "One window: ") + parts,
            left=QCoreApplication.translate("Plots", "value"),
            bottom=QCoreApplication.translate("Plots", "time step (0 = the value to predict)"),
            short_titles=(parts, QCoreApplication.translate("Plots", "One window")),
        )
        self.history_curve = self.detail.plot(
            pen=pen(REFERENCE_COLOR, 2), symbol="o", symbolSize=4, symbolBrush=REFERENCE_COLOR, symbolPen=None
        )
        self.next_truth = self.detail.plot(pen=None, symbol="o", symbolSize=11, symbolBrush=TRUTH_COLOR, symbolPen=None)
        self.next_forecast = self.detail.plot(
            pen=None, symbol="t", symbolSize=12, symbolBrush=VAL_COLOR, symbolPen=None
        )
        self.detail.addItem(
            pg.InfiniteLine(pos=-0.5, angle=90, movable=False, pen=pen(REFERENCE_COLOR, 1, Qt.PenStyle.DashLine))
        )
        self.window_spin = QSpinBox(self)
        self.window_spin.setObjectName("forecastWindowSpin")
        self.window_spin.setPrefix(QCoreApplication.translate("Plots", "window "))
        self.window_spin.valueChanged.connect(self._on_window_changed)
        controls = QHBoxLayout()
        controls.setContentsMargins(6, 0, 6, 2)
        controls.addWidget(QLabel(QCoreApplication.translate("Plots", "Detail:"), self))
        controls.addWidget(self.window_spin)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(controls)

    def configure(self, setup: ViewSetup) -> None:
        self._history = np.asarray(setup.history, dtype=np.float64)
        self._truth = np.asarray(setup.truth, dtype=np.float64).reshape(-1)
        self._predicted = None
        self.window_spin.blockSignals(True)
        self.window_spin.setRange(0, max(0, len(self._truth) - 1))
        self.window_spin.setValue(0)
        self.window_spin.blockSignals(False)
        x = np.arange(len(self._truth), dtype=np.float64)
        self.truth_curve.setData(x, np.nan_to_num(self._truth))
        self.forecast_curve.setData([], [])
        self._draw_detail()

    def set_predictions(self, prediction: Prediction) -> None:
        self._predicted = np.asarray(prediction.predicted, dtype=np.float64).reshape(-1)
        self._dirty = True

    def refresh(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        predicted = self._predicted
        if predicted is not None:
            x = np.arange(len(predicted), dtype=np.float64)
            keep = np.isfinite(predicted)
            self.forecast_curve.setData(x[keep], predicted[keep])
        self._draw_detail()

    def _on_window_changed(self, _value: int) -> None:
        self._draw_detail()

    def _draw_detail(self) -> None:
        index = self.window_spin.value()
        if self._history.ndim != 2 or index >= len(self._history):
            self.history_curve.setData([], [])
            self.next_truth.setData([], [])
            self.next_forecast.setData([], [])
            return
        history = self._history[index]
        t = np.arange(-len(history), 0, dtype=np.float64)
        self.history_curve.setData(t, np.nan_to_num(history))
        self.next_truth.setData([0.0], [float(np.nan_to_num(self._truth[index]))])
        if self._predicted is not None and index < len(self._predicted) and np.isfinite(self._predicted[index]):
            self.next_forecast.setData([0.0], [float(self._predicted[index])])
        else:
            self.next_forecast.setData([], [])

    def forecast_data(self) -> np.ndarray | None:
        return self._predicted

    def paint_seconds(self) -> float:
        return self.canvas.paint_cost.seconds

    def export(self, path: str | Path) -> None:
        self.refresh()
        export_scene(self.canvas, path)
