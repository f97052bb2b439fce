"""The learning rate of every step, live, beside the schedule the run had planned.

A change made by hand while the run goes on shows as a step in the curve and a labelled
marker, so a student sees exactly when (and how) the learning rate was turned.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from playground.ui.plots.style import (
    CURSOR_COLOR,
    LR_COLOR,
    REFERENCE_COLOR,
    PlotCanvas,
    Series,
    StickyRange,
    auto_range_enabled,
    colored,
    count_axis,
    data_limits,
    decade_ticks,
    export_scene,
    finite_xy,
    nice_ceiling,
    pen,
    pixel_downsampling,
    style_plot,
)


class LrPlot(QWidget):
    """Learning rate per step (x by step or epoch, optional log axis) with hand-change markers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lrPlot")
        self._x_mode = "step"
        self._step = Series()
        self._step_epoch = Series()
        self._lr = Series()
        self._planned: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # step, epoch_x, lr
        self._markers: list[tuple[float, float, str, pg.InfiniteLine]] = []
        self._cursor: tuple[float, float] | None = None  # the time machine's (step, epoch_x)
        self._cursor_line: pg.InfiniteLine | None = None
        self._dirty = False
        self._totals: dict[str, float | None] = {"step": None, "epoch": None}
        self._y_range = StickyRange()
        self._x_high: float | None = None

        self.canvas = PlotCanvas(self)
        self.plot: pg.PlotItem = self.canvas.addPlot(axisItems={"bottom": count_axis()})  # whole steps only
        style_plot(
            self.plot,
            title=QCoreApplication.translate("Plots", "Learning rate: ")
            + colored(QCoreApplication.translate("Plots", "used"), LR_COLOR)
            + " / "
            + colored(QCoreApplication.translate("Plots", "planned"), REFERENCE_COLOR),
            left=QCoreApplication.translate("Plots", "learning rate"),
            bottom=QCoreApplication.translate("Plots", "step"),
            short_titles=(
                colored(QCoreApplication.translate("Plots", "used"), LR_COLOR)
                + " / "
                + colored(QCoreApplication.translate("Plots", "planned"), REFERENCE_COLOR),
                QCoreApplication.translate("Plots", "Learning rate"),
            ),
        )
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.planned_curve = self.plot.plot(pen=pen(REFERENCE_COLOR, 1.5, Qt.PenStyle.DashLine))
        self.curve = self.plot.plot(pen=pen(LR_COLOR, 2.2), antialias=False)
        for curve in (self.planned_curve, self.curve):
            pixel_downsampling(curve)
        self.plot.disableAutoRange()
        self._show_empty_range()

        self.log_y = QCheckBox(QCoreApplication.translate("Plots", "log y"), self)
        self.log_y.setObjectName("lrLogYCheck")
        self.log_y.toggled.connect(self.set_log_y)
        controls = QHBoxLayout()
        controls.setContentsMargins(6, 0, 6, 2)
        controls.addStretch(1)
        controls.addWidget(self.log_y)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(controls)

    # ---- feeding -------------------------------------------------------------------------------
    def clear(self) -> None:
        for series in (self._step, self._step_epoch, self._lr):
            series.clear()
        for _, _, _, line in self._markers:
            self.plot.removeItem(line)
        self._markers = []
        self.set_time_cursor(None)
        self._planned = None
        self.curve.setData([], [])
        self.planned_curve.setData([], [])
        self._dirty = False
        self._totals = {"step": None, "epoch": None}
        self._y_range.reset()
        self._x_high = None
        self.plot.disableAutoRange()
        self._show_empty_range()

    def _show_empty_range(self) -> None:
        """Steps 0 … 1, padded, before any data: the axis shows its whole-number ends."""
        self.plot.setXRange(0.0, 1.0, padding=0.02)

    def set_planned(self, lr: np.ndarray | None, steps_per_epoch: int) -> None:
        """The schedule computed before the run (one value per step), drawn dashed behind it."""
        if lr is None or len(lr) == 0 or steps_per_epoch <= 0:
            self._planned = None
        else:
            lr = np.asarray(lr, dtype=np.float64)
            steps = np.arange(1, lr.size + 1, dtype=np.float64)
            self._planned = (steps, steps / steps_per_epoch, lr)
            self._totals = {"step": float(lr.size), "epoch": float(lr.size) / steps_per_epoch}
        self._x_high = None
        self._dirty = True

    def add_steps(self, step: np.ndarray, epoch_x: np.ndarray, lr: np.ndarray) -> None:
        if len(step) == 0:
            return
        self._step.extend(step)
        self._step_epoch.extend(epoch_x)
        self._lr.extend(lr)
        self._dirty = True

    def add_marker(self, step: float, epoch_x: float, text: str) -> None:
        """A vertical line where the learning rate was changed by hand."""
        # Right of the line, or left of it in the right half of the view, so the text shows whole.
        line = pg.InfiniteLine(
            angle=90,
            movable=False,
            pen=pen(LR_COLOR, 1, Qt.PenStyle.DotLine),
            label=text,
            labelOpts={"position": 0.85, "color": LR_COLOR, "anchors": [(0, 0), (1, 0)]},
        )
        self.plot.addItem(line, ignoreBounds=True)
        self._markers.append((float(step), float(epoch_x), text, line))
        self._place_markers()

    def refresh(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        by_epoch = self._x_mode == "epoch"
        log = self.log_y.isChecked()
        x = self._step_epoch.values if by_epoch else self._step.values
        self.curve.setData(*finite_xy(x, self._lr.values, positive=log))
        self._apply_ranges()

    def _apply_ranges(self) -> None:
        """x: the planned run (or the data so far, rounded up); y: from 0 (or the lowest decade) to
        just above the largest LR; both only grow, so the axes are rarely redrawn."""
        if auto_range_enabled(self.plot):
            return
        by_epoch = self._x_mode == "epoch"
        x = self._step_epoch.values if by_epoch else self._step.values
        high = self._totals["epoch" if by_epoch else "step"] or 0.0
        if len(x):
            high = max(high, float(x[-1]))
        high = high or 1.0
        if self._x_high is None or high > self._x_high:
            self._x_high = high if self._totals["step"] else nice_ceiling(high)
            self.plot.setXRange(0.0, self._x_high, padding=0.02)
        planned = self._planned[2] if self._planned is not None else np.zeros(0)
        log = self.log_y.isChecked()
        low, top = data_limits(self._lr.values, planned, positive=log)
        if not math.isfinite(top):
            return
        wanted: tuple[float, float]
        if log:
            wanted = (math.floor(math.log10(low)), max(math.ceil(math.log10(top)), math.floor(math.log10(low)) + 1))
        else:
            wanted = (0.0, nice_ceiling(top * 1.1))
        if self._y_range.include(*wanted) and (bounds := self._y_range.bounds()) is not None:
            self.plot.setYRange(*bounds, padding=0.03)
            if log:
                decade_ticks(self.plot, *bounds)
            else:
                self.plot.getAxis("left").setTicks(None)

    # ---- options --------------------------------------------------------------------------------
    def set_x_mode(self, mode: str) -> None:
        mode = "epoch" if mode == "epoch" else "step"
        if mode == self._x_mode:
            return
        self._x_mode = mode
        self.plot.setLabel(
            "bottom",
            QCoreApplication.translate("Plots", "epoch")
            if mode == "epoch"
            else QCoreApplication.translate("Plots", "step"),
        )
        self._place_markers()
        self._x_high = None
        self._dirty = True
        self.refresh()

    def set_log_y(self, enabled: bool) -> None:
        if self.log_y.isChecked() != bool(enabled):
            self.log_y.setChecked(bool(enabled))
            return
        self.plot.setLogMode(y=bool(enabled))
        self._y_range.reset()
        self._dirty = True
        self.refresh()

    def fit_x_to_data(self) -> None:
        """Zoom the x axis to the steps that ran."""
        x = self._step_epoch.values if self._x_mode == "epoch" else self._step.values
        high = float(np.nanmax(x)) if len(x) else 0.0
        self._x_high = nice_ceiling(max(high * 1.25, 1.0))
        self.plot.setXRange(0.0, self._x_high, padding=0.02)

    def _place_markers(self) -> None:
        by_epoch = self._x_mode == "epoch"
        for step, epoch_x, _, line in self._markers:
            line.setValue(epoch_x if by_epoch else step)
        if self._cursor_line is not None and self._cursor is not None:
            self._cursor_line.setValue(self._cursor[1] if by_epoch else self._cursor[0])

    def set_time_cursor(self, step: float | None, epoch_x: float | None = None) -> None:
        """A line at the moment the time machine shows (None: live, no line)."""
        if step is None or epoch_x is None:
            self._cursor = None
            if self._cursor_line is not None:
                self._cursor_line.hide()
            return
        self._cursor = (float(step), float(epoch_x))
        if self._cursor_line is None:
            self._cursor_line = pg.InfiniteLine(angle=90, movable=False, pen=pen(CURSOR_COLOR, 2.0))
            self._cursor_line.setZValue(20)
            self.plot.addItem(self._cursor_line, ignoreBounds=True)
        self._cursor_line.show()
        self._place_markers()

    # ---- reading back ------------------------------------------------------------------------------
    def lr_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.curve.getData()
        return (np.array([]) if x is None else x), (np.array([]) if y is None else y)

    def marker_texts(self) -> list[str]:
        return [text for _, _, text, _ in self._markers]

    def paint_seconds(self) -> float:
        return self.canvas.paint_cost.seconds

    def export(self, path: str | Path) -> None:
        self.refresh()
        export_scene(self.canvas, path)
