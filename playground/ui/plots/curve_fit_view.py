"""Regression of one value on one input (x → y): the training points and the model's fitted curve.

The curve is the model's output over the range of x, recomputed while it trains, so one sees it
bend towards the data; points the dataset marks (the outliers of "Curve with outliers") are drawn
as red crosses, so one sees which of them pull the curve away from the others.

The curve's points are computed in the training thread (`TaskProbe`); this view only draws them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from playground.core.data import label_text
from playground.core.runs.records import Prediction, ViewSetup
from playground.ui.plots.style import TRAIN_COLOR, VAL_COLOR, PlotCanvas, colored, export_scene, pen, style_plot

MARKED_COLOR = "#c62828"  # red: the points the dataset marks (its outliers)
POINT_ALPHA = 150  # the points stay visible under the curve
Y_MARGIN = 0.08  # share of the data's height left above and below it


class CurveFitView(PlotCanvas):
    """The training points of a 1-D regression and the model's curve y(x) over them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("curveFitView")
        self._curve_x = np.zeros(0)
        self._predicted: np.ndarray | None = None
        self._dirty = False
        self._marked = 0
        self.plot: pg.PlotItem = self.addPlot()
        self.points = pg.ScatterPlotItem(size=6, pen=None, brush=self._brush(TRAIN_COLOR))
        self.marked = pg.ScatterPlotItem(size=9, symbol="x", pen=None, brush=pg.mkBrush(MARKED_COLOR))
        self.curve = self.plot.plot(pen=pen(VAL_COLOR, 3))
        self.plot.addItem(self.points)
        self.plot.addItem(self.marked)
        self.curve.setZValue(10)  # the fit in front of the points it passes through
        self._style("x", "", "")

    @staticmethod
    def _brush(value: str) -> object:
        brush = pg.mkBrush(value)
        shade = brush.color()
        shade.setAlpha(POINT_ALPHA)
        return pg.mkBrush(shade)

    def _style(self, x_name: str, plain: str, marked: str) -> None:
        parts = [colored(plain or QCoreApplication.translate("Plots", "data"), TRAIN_COLOR)]
        if marked:
            parts.append(colored(marked, MARKED_COLOR))
        parts.append(colored(QCoreApplication.translate("Plots", "fitted curve"), VAL_COLOR))
        legend = ", ".join(parts)
        style_plot(
            self.plot,
            title=QCoreApplication.translate("Plots", "Fit (training data): ") + legend,
            left="y",
            bottom=x_name,
            short_titles=(legend, QCoreApplication.translate("Plots", "Fit")),
        )

    def configure(self, setup: ViewSetup) -> None:
        x = np.asarray(setup.points_train if setup.points_train is not None else [], dtype=np.float64).reshape(-1)
        y = np.asarray(setup.targets_train if setup.targets_train is not None else [], dtype=np.float64).reshape(-1)
        n = min(len(x), len(y))
        x, y = x[:n], y[:n]
        labels = np.zeros(n, dtype=np.int64)
        if setup.labels is not None and len(setup.labels) >= n:
            labels = np.asarray(setup.labels, dtype=np.int64).reshape(-1)[:n]
        names = [label_text(str(name)) for name in setup.class_names]
        keep = np.isfinite(x) & np.isfinite(y)
        plain, marked = keep & (labels == 0), keep & (labels != 0)
        self.points.setData(x[plain], y[plain])
        self.marked.setData(x[marked], y[marked])
        self._marked = int(marked.sum())
        name = setup.feature_names[0] if setup.feature_names else "x"
        if setup.curve_standardised:
            name = QCoreApplication.translate("Plots", "{name} (standardised)").format(name=name)
        self._style(
            name,
            names[0] if len(names) > 1 and self._marked else "",
            ", ".join(names[1:]) if len(names) > 1 and self._marked else "",
        )
        self._curve_x = np.asarray(setup.curve_x if setup.curve_x is not None else [], dtype=np.float64).reshape(-1)
        self._predicted = None
        self._dirty = False
        self.curve.setData([], [])
        self._fit_range(x[keep], y[keep])

    def _fit_range(self, x: np.ndarray, y: np.ndarray) -> None:
        """The range of the data, fixed: a wild curve early in training must not squash the points."""
        xs = self._curve_x[np.isfinite(self._curve_x)]
        if xs.size:
            self.plot.setXRange(float(xs.min()), float(xs.max()), padding=0)
        elif x.size:
            self.plot.setXRange(float(x.min()), float(x.max()), padding=0.05)
        if y.size:
            low, high = float(y.min()), float(y.max())
            margin = Y_MARGIN * (high - low) if high > low else 1.0
            self.plot.setYRange(low - margin, high + margin, padding=0)

    def set_predictions(self, prediction: Prediction) -> None:
        self._predicted = np.asarray(prediction.predicted, dtype=np.float64).reshape(-1)
        self._dirty = True

    def refresh(self) -> None:
        if not self._dirty or self._predicted is None:
            return
        self._dirty = False
        n = min(len(self._curve_x), len(self._predicted))
        x, y = self._curve_x[:n], self._predicted[:n]
        keep = np.isfinite(x) & np.isfinite(y)
        self.curve.setData(x[keep], y[keep], connect="finite")

    # ---- what the view shows (for tests and exports) -----------------------------------------------
    def curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The fitted curve drawn now: its x and y."""
        x, y = self.curve.getData()
        return (np.zeros(0) if x is None else np.asarray(x)), (np.zeros(0) if y is None else np.asarray(y))

    def marked_count(self) -> int:
        """How many training points are drawn as marked (outliers)."""
        return self._marked

    def point_count(self) -> int:
        """How many training points are drawn, marked ones included."""
        return len(self.points.data) + len(self.marked.data)

    def paint_seconds(self) -> float:
        return self.paint_cost.seconds

    def export(self, path: str | Path) -> None:
        self.refresh()
        export_scene(self, path)
