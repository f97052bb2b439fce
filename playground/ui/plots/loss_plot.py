"""Loss and task metrics of a run, live: per-step training loss (raw and debiased-EMA smoothed),
per-epoch training and validation loss, and accuracy (classification) or MAE and R² (regression).

Fed plain numbers through `add_steps` / `add_epochs`, drawn on `refresh()`: the curves are made
once and only get `setData`, with clip-to-view and peak downsampling, so a run of a million steps
stays smooth.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from playground.core.runs.records import EpochRow
from playground.core.smoothing import DebiasedEma
from playground.ui.plots.style import (
    CURSOR_COLOR,
    TRAIN_COLOR,
    TRAIN_FAINT,
    VAL_COLOR,
    PlotCanvas,
    Series,
    StickyRange,
    as_float,
    auto_range_enabled,
    color,
    colored,
    count_axis,
    data_limits,
    decade_ticks,
    export_scene,
    finite_xy,
    legend_row,
    nice_ceiling,
    pen,
    pixel_downsampling,
    style_plot,
)

# Anchors of a marker's label: right of the line (view centre to its right), else left of it.
MARKER_ANCHORS = [(0, 0), (1, 0)]
# Mid-tone colours, legible on the light and the dark plot background alike (contrast about 4:1)
BEST_COLOR = "#3d9140"  # the best epoch (keep-best weights / early stopping): green
STOP_COLOR = "#a67c00"  # where early stopping ended the run: amber, apart from the red of "diverged"
# Where a marker's label sits along its line (0 bottom, 1 top): the stop marker comes a patience
# after the best one, often a few pixels to its right, so their labels take different heights.
LABEL_HEIGHT = 0.9
BEST_LABEL_HEIGHT = 0.78

METRIC_KEYS = ("train_loss", "val_loss", "train_accuracy", "val_accuracy", "train_mae", "val_mae", "train_r2", "val_r2")


class LossPlot(QWidget):
    """Training/validation loss with smoothing, x by step or epoch, log-y; accuracy or MAE/R² below."""

    x_mode_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lossPlot")
        self._task = "classification"
        self._styled_for: str | None = None  # the task the titles and layout were made for
        self._x_mode = "step"
        self._log_y = False
        self._ema = DebiasedEma(0.6)
        # per-step data
        self._step = Series()
        self._step_epoch = Series()  # fractional epoch: (epoch - 1) + batch / batches
        self._loss = Series()
        self._smooth = Series()
        # per-epoch data
        self._epoch = Series(256)
        self._epoch_step = Series(256)
        self._metrics: dict[str, Series] = {key: Series(256) for key in METRIC_KEYS}
        self._dirty = False
        self._totals: dict[str, float | None] = {"step": None, "epoch": None}  # planned run length
        self._markers: list[tuple[float, float, pg.InfiniteLine]] = []  # step, epoch_x, line
        # the best epoch so far of a run that keeps its best weights or stops early (the latest
        # epoch whose monitor improved): (step, epoch, line), the line moving as the best does
        self._best: tuple[float, float, pg.InfiniteLine] | None = None
        self._fitted = False  # the x axis shows the steps that ran, not the plan (a run that ended early)
        self._cursor: tuple[float, float] | None = None  # the time machine's (step, epoch_x)
        self._cursor_lines: list[pg.InfiniteLine] = []
        self._raw_symbols: bool | None = None
        self._x_range = StickyRange(0.0, None)
        self._loss_range = StickyRange()
        self._metric_range = StickyRange()
        self._metric2_range = StickyRange()

        self.canvas = PlotCanvas(self)
        self._build_plots()
        self._build_controls()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(self._controls)
        self.configure("classification")

    # ---- construction --------------------------------------------------------------------------
    def _build_plots(self) -> None:
        ci = self.canvas.ci
        # Steps and epochs are counts: whole-number ticks only (no "step 0.4" on an empty plot).
        self.loss_plot: pg.PlotItem = ci.addPlot(row=0, col=0, colspan=2, axisItems={"bottom": count_axis()})
        style_plot(
            self.loss_plot,
            title=QCoreApplication.translate("Plots", "Loss"),
            left=QCoreApplication.translate("Plots", "loss"),
            bottom=QCoreApplication.translate("Plots", "step"),
        )
        self.loss_plot.setClipToView(True)
        self.loss_plot.setDownsampling(auto=True, mode="peak")
        # The per-step curves are dense: drawn without antialiasing, which costs several times more.
        self.raw_curve = self.loss_plot.plot(pen=pen(TRAIN_FAINT, 1), antialias=False)
        self.smooth_curve = self.loss_plot.plot(pen=pen(TRAIN_COLOR, 2.2), antialias=False)
        for curve in (self.raw_curve, self.smooth_curve):
            pixel_downsampling(curve)
        self.train_epoch_curve = self.loss_plot.plot(pen=pen("#0b4f86", 1.5, Qt.PenStyle.DashLine))
        self.val_curve = self.loss_plot.plot(pen=pen(VAL_COLOR, 2.2))
        self.legend: pg.LegendItem | None = None
        self._legend_columns = 0
        self._legend_wide_width = 0.0  # the canvas width the two-column legend needs
        self._build_legend(2)
        self._legend_wide_width = self._legend_min_width() + 12  # + the canvas's margins
        self._symbols_shown: bool | None = None

        self.metric_plot: pg.PlotItem = ci.addPlot(row=2, col=0, axisItems={"bottom": count_axis()})
        self.metric_plot_2: pg.PlotItem = ci.addPlot(row=2, col=1, axisItems={"bottom": count_axis()})
        for plot in (self.metric_plot, self.metric_plot_2):
            style_plot(
                plot, bottom=QCoreApplication.translate("Plots", "step")
            )  # x range set with the loss plot's (no setXLink:
            # pyqtgraph links by screen position, which shifts side-by-side plots)
        self.metric_train = self.metric_plot.plot(pen=pen(TRAIN_COLOR, 2))
        self.metric_val = self.metric_plot.plot(pen=pen(VAL_COLOR, 2.2))
        self.metric2_train = self.metric_plot_2.plot(pen=pen(TRAIN_COLOR, 2))
        self.metric2_val = self.metric_plot_2.plot(pen=pen(VAL_COLOR, 2.2))
        ci.layout.setRowStretchFactor(0, 3)
        ci.layout.setRowStretchFactor(2, 2)

    def _build_legend(self, columns: int) -> None:
        """The legend as its own row under the loss plot (it never covers a curve), in two columns
        or, in a narrow plot, one: a legend wider than the canvas would cut off its entries."""
        if columns == self._legend_columns:
            return
        if self.legend is not None:
            self.canvas.ci.removeItem(self.legend)
            self.legend.deleteLater()
        self._legend_columns = columns
        self.legend = legend_row(
            [
                (self.raw_curve, QCoreApplication.translate("Plots", "train, per step")),
                (self.smooth_curve, QCoreApplication.translate("Plots", "train, smoothed")),
                (self.train_epoch_curve, QCoreApplication.translate("Plots", "train, epoch mean")),
                (self.val_curve, QCoreApplication.translate("Plots", "validation")),
            ],
            columns=columns,
        )
        self.canvas.ci.addItem(self.legend, row=1, col=0, colspan=2)

    def _legend_min_width(self) -> float:
        return float(self.legend.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()) if self.legend else 0.0

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._build_legend(2 if self.width() >= self._legend_wide_width else 1)

    def legend_texts(self) -> list[str]:
        """The legend's entries as shown (tests)."""
        return [label.text for _sample, label in self.legend.items] if self.legend else []

    def _build_controls(self) -> None:
        self._controls = QHBoxLayout()
        self._controls.setContentsMargins(6, 0, 6, 2)
        self.smoothing_label = QLabel(self)
        self.smoothing = QSlider(Qt.Orientation.Horizontal, self)
        self.smoothing.setObjectName("smoothingSlider")
        self.smoothing.setRange(0, 99)
        self.smoothing.setValue(60)
        self.smoothing.setMaximumWidth(180)
        self.smoothing.setToolTip(
            QCoreApplication.translate(
                "Plots",
                "Exponential moving average of the per-step loss (as in TensorBoard), "
                "with the start-up bias removed. 0 = raw values.",
            )
        )
        self.smoothing.valueChanged.connect(self._on_smoothing_changed)
        self.x_axis = QComboBox(self)
        self.x_axis.setObjectName("xAxisCombo")
        self.x_axis.addItem(QCoreApplication.translate("Plots", "x: step"), "step")
        self.x_axis.addItem(QCoreApplication.translate("Plots", "x: epoch"), "epoch")
        self.x_axis.currentIndexChanged.connect(lambda _i: self.set_x_mode(self.x_axis.currentData()))
        self.log_y = QCheckBox(QCoreApplication.translate("Plots", "log y"), self)
        self.log_y.setObjectName("logYCheck")
        self.log_y.setToolTip(
            QCoreApplication.translate("Plots", "Logarithmic loss axis: late, small improvements become visible.")
        )
        self.log_y.toggled.connect(self.set_log_y)
        self._controls.addWidget(QLabel(QCoreApplication.translate("Plots", "Smoothing"), self))
        self._controls.addWidget(self.smoothing)
        self._controls.addWidget(self.smoothing_label)
        self._controls.addStretch(1)
        self._controls.addWidget(self.x_axis)
        self._controls.addWidget(self.log_y)
        self._on_smoothing_changed(self.smoothing.value())

    # ---- the API the panel feeds -------------------------------------------------------------
    def configure(self, task: str, total_steps: int | None = None, total_epochs: int | None = None) -> None:
        """Start afresh for a run of `task` ("classification" or "regression").

        With the planned length of the run the x axis spans it from the start (a student sees how
        far the run has come, and the axis is not redrawn at every update)."""
        self._task = "regression" if task == "regression" else "classification"
        self._totals = {
            "step": float(total_steps) if total_steps else None,
            "epoch": float(total_epochs) if total_epochs else None,
        }
        self.clear()
        if self._task == self._styled_for:
            return  # a re-run of the same task: titles and layout stay (restyling redraws every axis)
        self._styled_for = self._task
        pair = (
            colored(QCoreApplication.translate("Plots", "train"), TRAIN_COLOR)
            + " / "
            + colored(QCoreApplication.translate("Plots", "validation"), VAL_COLOR)
        )
        if self._task == "classification":
            style_plot(
                self.metric_plot,
                title=QCoreApplication.translate("Plots", "Accuracy: ") + pair,
                left=QCoreApplication.translate("Plots", "share correct"),
                short_titles=(QCoreApplication.translate("Plots", "Accuracy"),),
            )
            self.canvas.ci.layout.setColumnStretchFactor(1, 0)
            if self.metric_plot_2.scene() is not None:
                self.canvas.ci.removeItem(self.metric_plot_2)
            self.metric_plot_2.hide()
            self.canvas.ci.layout.setColumnStretchFactor(1, 0)
        else:
            # Side by side the long titles would not fit a narrow column: the colours are in the
            # legend above, so "MAE" and "R²" stand in for them there.
            style_plot(
                self.metric_plot,
                title=QCoreApplication.translate("Plots", "MAE: ") + pair,
                left=QCoreApplication.translate("Plots", "mean abs. error"),
                short_titles=(QCoreApplication.translate("Plots", "MAE"),),
            )
            style_plot(
                self.metric_plot_2,
                title=QCoreApplication.translate("Plots", "R²: ") + pair,
                left=QCoreApplication.translate("Plots", "R² (1 = perfect)"),
                short_titles=(QCoreApplication.translate("Plots", "R²"),),
            )
            if self.metric_plot_2.scene() is None:
                self.canvas.ci.addItem(self.metric_plot_2, row=2, col=1)
            self.metric_plot_2.show()
            self.canvas.ci.layout.setColumnStretchFactor(0, 1)
            self.canvas.ci.layout.setColumnStretchFactor(1, 1)
        self._apply_x_label()

    @property
    def task(self) -> str:
        return self._task

    def clear(self) -> None:
        for series in (
            self._step,
            self._step_epoch,
            self._loss,
            self._smooth,
            self._epoch,
            self._epoch_step,
            *self._metrics.values(),
        ):
            series.clear()
        self._ema.reset()
        for curve in self._curves():
            curve.setData([], [])
        self._dirty = False
        self._show_symbols(True)
        for _step, _epoch_x, line in self._markers:
            self.loss_plot.removeItem(line)
        self._markers = []
        if self._best is not None:
            self.loss_plot.removeItem(self._best[2])
            self._best = None
        self._fitted = False
        self.set_time_cursor(None)
        for sticky in (self._loss_range, self._metric_range, self._metric2_range):
            sticky.reset()
        for plot in (self.loss_plot, self.metric_plot, self.metric_plot_2):
            plot.disableAutoRange()
        self._apply_x_range(reset=True)
        self._apply_y_ranges(reset=True)

    def add_steps(self, step: np.ndarray, epoch_x: np.ndarray, loss: np.ndarray) -> None:
        """Per-step training losses (any subset of the steps, in order)."""
        if len(step) == 0:
            return
        loss = np.asarray(loss, dtype=np.float64)
        self._step.extend(step)
        self._step_epoch.extend(epoch_x)
        self._loss.extend(loss)
        self._smooth.extend(self._ema.feed(loss))
        self._dirty = True

    def add_epochs(self, rows: Iterable[EpochRow]) -> None:
        """Finished epochs (a metric this run does not have is None: missing). An epoch whose
        monitor improved (keep best weights, early stopping) moves the "best" marker to it."""
        best = None
        for row in rows:
            self._epoch.append(as_float(row.epoch))
            self._epoch_step.append(as_float(row.step))
            for key, series in self._metrics.items():
                series.append(as_float(row.value(key)))
            if row.improved:
                best = row
            self._dirty = True
        if best is not None:
            self._mark_best(float(best.step), float(best.epoch))

    def _mark_best(self, step: float, epoch: float) -> None:
        text = QCoreApplication.translate("Plots", "best: epoch {epoch}").format(epoch=f"{epoch:g}")
        if self._best is None:
            line = self._marker_line(text, BEST_COLOR, BEST_LABEL_HEIGHT)
            self.loss_plot.addItem(line, ignoreBounds=True)
        else:
            line = self._best[2]
            line.label.setFormat(text)
        self._best = (step, epoch, line)
        line.setValue(epoch if self._x_mode == "epoch" else step)

    def best_marker(self) -> pg.InfiniteLine | None:
        """The line at the best epoch so far (None: the run keeps no best)."""
        return self._best[2] if self._best is not None else None

    def mark_end(self, status: str, steps: int, epochs: int) -> bool:
        """The run ended after `steps` steps and `epochs` epochs: a run that early stopping ended
        gets a marker there and, when it stopped before half its plan, an x axis fitted to the
        epochs that ran (True: the axis was fitted, so the panel fits the LR plot to match)."""
        if status != "early_stopped":
            return False
        self.add_marker(
            float(steps), float(epochs), QCoreApplication.translate("Plots", "stopped early"), color=STOP_COLOR
        )
        planned = self._totals["epoch"]
        if planned and epochs < 0.5 * planned:
            self.fit_x_to_data()
            return True
        return False

    def refresh(self) -> None:
        """Push the data into the curves (the panel calls this at most ~25 times a second)."""
        if not self._dirty:
            return
        self._dirty = False
        by_epoch = self._x_mode == "epoch"
        x_steps = self._step_epoch.values if by_epoch else self._step.values
        x_epochs = self._epoch.values if by_epoch else self._epoch_step.values
        log = self._log_y
        self.raw_curve.setData(*finite_xy(x_steps, self._loss.values, positive=log))
        few_steps = len(self._step) <= 30  # a run that diverged at once: dots, or nothing would show
        if few_steps != self._raw_symbols:
            self._raw_symbols = few_steps
            self.raw_curve.setSymbol("o" if few_steps else None)
            if few_steps:
                self.raw_curve.setSymbolSize(6)
                self.raw_curve.setSymbolBrush(color(TRAIN_COLOR))  # in the palette of the day
                self.raw_curve.setSymbolPen(None)
        self.smooth_curve.setData(*finite_xy(x_steps, self._smooth.values, positive=log))
        for curve, key in ((self.train_epoch_curve, "train_loss"), (self.val_curve, "val_loss")):
            curve.setData(*finite_xy(x_epochs, self._metrics[key].values, positive=log))
        pairs: tuple[tuple[pg.PlotDataItem, str], ...]
        if self._task == "classification":
            pairs = ((self.metric_train, "train_accuracy"), (self.metric_val, "val_accuracy"))
        else:
            pairs = (
                (self.metric_train, "train_mae"),
                (self.metric_val, "val_mae"),
                (self.metric2_train, "train_r2"),
                (self.metric2_val, "val_r2"),
            )
        for curve, key in pairs:
            curve.setData(*finite_xy(x_epochs, self._metrics[key].values))
        self._show_symbols(len(self._epoch) <= 40)
        self._apply_x_range()
        self._apply_y_ranges()

    def add_marker(self, step: float, epoch_x: float, text: str, color: str = "#c62828") -> None:
        """A labelled vertical line on the loss plot (e.g. where the run diverged)."""
        # The label sits right of the line, or left of it when the line is in the right half of
        # the view (pyqtgraph picks by the side the view's centre is on): it was cut to "d…"
        # where a run diverged near the right edge.
        line = self._marker_line(text, color, LABEL_HEIGHT)
        line.setValue(epoch_x if self._x_mode == "epoch" else step)
        self.loss_plot.addItem(line, ignoreBounds=True)
        self._markers.append((float(step), float(epoch_x), line))

    @staticmethod
    def _marker_line(text: str, color: str, height: float) -> pg.InfiniteLine:
        return pg.InfiniteLine(
            angle=90,
            movable=False,
            pen=pen(color, 1.5, Qt.PenStyle.DashLine),
            label=text,
            labelOpts={"position": height, "color": color, "anchors": MARKER_ANCHORS},
        )

    def set_time_cursor(self, step: float | None, epoch_x: float | None = None) -> None:
        """A line across every plot at the moment the time machine shows (None: live, no line)."""
        if step is None or epoch_x is None:
            self._cursor = None
            for line in self._cursor_lines:
                line.hide()
            return
        self._cursor = (float(step), float(epoch_x))
        if not self._cursor_lines:
            for plot in (self.loss_plot, self.metric_plot, self.metric_plot_2):
                line = pg.InfiniteLine(angle=90, movable=False, pen=pen(CURSOR_COLOR, 2.0))
                line.setZValue(20)
                plot.addItem(line, ignoreBounds=True)
                self._cursor_lines.append(line)
        self._place_cursor()

    def time_cursor(self) -> float | None:
        """Where the time machine's line is on the x axis now (None: no line)."""
        if self._cursor is None:
            return None
        return self._cursor[1] if self._x_mode == "epoch" else self._cursor[0]

    def _place_cursor(self) -> None:
        value = self.time_cursor()
        for line in self._cursor_lines:
            if value is None:
                line.hide()
            else:
                line.setValue(value)
                line.show()

    def fit_x_to_data(self) -> None:
        """Zoom the x axis to the steps that ran (a run that ended early, e.g. diverged at step 4)."""
        x = self._step_epoch.values if self._x_mode == "epoch" else self._step.values
        markers = [epoch_x if self._x_mode == "epoch" else step for step, epoch_x, _ in self._markers]
        high = max([float(np.nanmax(x)) if len(x) else 0.0] + markers)
        self._fitted = True
        self._x_range = StickyRange(0.0, nice_ceiling(max(high * 1.25, 1.0)))
        for plot in (self.loss_plot, self.metric_plot, self.metric_plot_2):
            plot.setXRange(self._x_range.low, self._x_range.high, padding=0.02)

    def _show_symbols(self, show: bool) -> None:
        """Dots on the per-epoch curves while there are few epochs (a 3-epoch run is 3 dots)."""
        if show == self._symbols_shown:
            return
        self._symbols_shown = show
        for curve, dots in (
            (self.train_epoch_curve, "#0b4f86"),
            (self.val_curve, VAL_COLOR),
            (self.metric_train, TRAIN_COLOR),
            (self.metric_val, VAL_COLOR),
            (self.metric2_train, TRAIN_COLOR),
            (self.metric2_val, VAL_COLOR),
        ):
            if show:
                curve.setSymbol("o")
                curve.setSymbolSize(5)
                curve.setSymbolPen(None)
                curve.setSymbolBrush(color(dots))  # in the palette of the day
            else:
                curve.setSymbol(None)

    # ---- axis ranges: fixed to the planned run, growing only ------------------------------------
    def _apply_x_range(self, reset: bool = False) -> None:
        if reset:
            self._x_range = StickyRange(0.0, self._totals[self._x_mode])
            if self._x_range.high is None:
                self._x_range.high = 1.0
        else:
            x = self._step_epoch.values if self._x_mode == "epoch" else self._step.values
            high = float(x[-1]) if len(x) else math.nan
            if not (math.isfinite(high) and high > (self._x_range.high or 0.0)):
                return
            self._x_range.include(0.0, nice_ceiling(high))
        for plot in (self.loss_plot, self.metric_plot, self.metric_plot_2):
            if not auto_range_enabled(plot):
                plot.setXRange(self._x_range.low, self._x_range.high, padding=0.02)

    def _apply_y_ranges(self, reset: bool = False) -> None:
        log = self._log_y
        low, high = data_limits(
            self._loss.values, self._metrics["train_loss"].values, self._metrics["val_loss"].values, positive=log
        )
        if math.isfinite(low):
            wanted: tuple[float, float]
            if log:
                wanted = (
                    math.floor(math.log10(low)),
                    math.ceil(math.log10(high)) if high > low else math.floor(math.log10(low)) + 1,
                )
            else:
                wanted = (min(0.0, low), nice_ceiling(high * 1.02) if high > 0 else 1.0)
            self._set_y(self.loss_plot, self._loss_range, wanted, reset)
        elif reset:
            self._set_y(self.loss_plot, self._loss_range, (-1.0, 1.0) if log else (0.0, 1.0), True)
        if self._task == "classification":
            low, _ = data_limits(self._metrics["train_accuracy"].values, self._metrics["val_accuracy"].values)
            # at least a tenth below 1: a run at 100 % from its first epoch gets no degenerate axis
            floor = min(0.9, max(0.0, math.floor(low * 10) / 10)) if math.isfinite(low) else None
            self._set_floor(self.metric_plot, self._metric_range, floor, 1.0, 0.0, reset)
        else:
            low, high = data_limits(self._metrics["train_mae"].values, self._metrics["val_mae"].values)
            top = nice_ceiling(high * 1.02) if math.isfinite(high) and high > 0 else 1.0
            self._set_y(self.metric_plot, self._metric_range, (0.0, top), reset)
            low, _ = data_limits(self._metrics["train_r2"].values, self._metrics["val_r2"].values)
            floor = min(0.0, max(-1.0, math.floor(low * 10) / 10)) if math.isfinite(low) else None
            self._set_floor(self.metric_plot_2, self._metric2_range, floor, 1.0, 0.0, reset)

    def _set_y(self, plot: pg.PlotItem, sticky: StickyRange, wanted: tuple[float, float], reset: bool) -> None:
        if reset:
            sticky.low, sticky.high = wanted
            changed = True
        else:
            changed = sticky.include(*wanted)
        if changed and (bounds := sticky.bounds()) is not None and not auto_range_enabled(plot):
            plot.setYRange(*bounds, padding=0.03)
            if plot is self.loss_plot:
                if self._log_y:
                    decade_ticks(plot, *bounds)
                else:
                    plot.getAxis("left").setTicks(None)  # pyqtgraph's own linear ticks

    @staticmethod
    def _set_floor(
        plot: pg.PlotItem, sticky: StickyRange, floor: float | None, top: float, empty_floor: float, reset: bool
    ) -> None:
        """[floor, top] for bounded scores (accuracy, R²): the floor follows the lowest value seen,
        in steps of 0.1, and only goes down; before any data the axis shows [empty_floor, top]."""
        if reset:
            sticky.low = sticky.high = None
        if floor is None:
            if reset and not auto_range_enabled(plot):
                plot.setYRange(empty_floor, top, padding=0.03)
            return
        if sticky.low is None or floor < sticky.low:
            sticky.low, sticky.high = floor, top
            if not auto_range_enabled(plot):
                plot.setYRange(floor, top, padding=0.03)

    # ---- display options -------------------------------------------------------------------
    def set_x_mode(self, mode: str) -> None:
        mode = "epoch" if mode == "epoch" else "step"
        if mode == self._x_mode:
            return
        self._x_mode = mode
        index = self.x_axis.findData(mode)
        if index >= 0 and self.x_axis.currentIndex() != index:
            self.x_axis.setCurrentIndex(index)
        self._apply_x_label()
        for step, epoch_x, line in self._markers + ([self._best] if self._best is not None else []):
            line.setValue(epoch_x if mode == "epoch" else step)
        self._place_cursor()
        self._dirty = True
        self._apply_x_range(reset=True)
        if self._fitted:
            self.fit_x_to_data()  # still the steps that ran, now counted in the other unit
        self.refresh()
        self.x_mode_changed.emit(mode)

    def x_mode(self) -> str:
        return self._x_mode

    def set_log_y(self, enabled: bool) -> None:
        enabled = bool(enabled)
        if enabled == self._log_y:
            return
        self._log_y = enabled
        if self.log_y.isChecked() != enabled:
            self.log_y.setChecked(enabled)
        self.loss_plot.setLogMode(y=enabled)
        self._dirty = True
        self._loss_range.reset()
        self._apply_y_ranges(reset=True)
        self.refresh()

    def set_smoothing(self, weight: float) -> None:
        self.smoothing.setValue(int(round(min(0.99, max(0.0, weight)) * 100)))

    def smoothing_weight(self) -> float:
        return self._ema.weight

    def _on_smoothing_changed(self, value: int) -> None:
        weight = value / 100.0
        self.smoothing_label.setText(f"{weight:.2f}")
        if weight == self._ema.weight and len(self._smooth) == len(self._loss):
            return
        self._ema = DebiasedEma(weight)
        self._smooth.clear()
        self._smooth.extend(self._ema.feed(self._loss.values))
        self._dirty = True
        self.refresh()

    def _apply_x_label(self) -> None:
        text = (
            QCoreApplication.translate("Plots", "epoch")
            if self._x_mode == "epoch"
            else QCoreApplication.translate("Plots", "step")
        )
        for plot in (self.loss_plot, self.metric_plot, self.metric_plot_2):
            plot.setLabel("bottom", text)

    def _curves(self) -> tuple[pg.PlotDataItem, ...]:
        return (
            self.raw_curve,
            self.smooth_curve,
            self.train_epoch_curve,
            self.val_curve,
            self.metric_train,
            self.metric_val,
            self.metric2_train,
            self.metric2_val,
        )

    # ---- reading back (tests, export) ----------------------------------------------------------
    def loss_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """What the raw per-step curve shows now."""
        x, y = self.raw_curve.getData()
        return (np.array([]) if x is None else x), (np.array([]) if y is None else y)

    def marker_lines(self) -> list[pg.InfiniteLine]:
        """The labelled marker lines now on the loss plot (tests)."""
        return [line for _step, _epoch_x, line in self._markers]

    def step_count(self) -> int:
        return len(self._step)

    def epoch_count(self) -> int:
        return len(self._epoch)

    def paint_seconds(self) -> float:
        """Recent paint time of the plots (for the panel's redraw budget)."""
        return self.canvas.paint_cost.seconds

    def export(self, path: str | Path) -> None:
        """The plots (not the controls) as PNG or SVG."""
        self.refresh()
        export_scene(self.canvas, path)
