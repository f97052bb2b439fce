"""The race display shared by the panels: overlaid curves, final metrics, boundary thumbnails.

`RaceView` turns the race's plain-data events into curves (one colour per contender, mean ± std
bands over seeds) and a table; `RaceSection` adds the controls (epochs, seeds, Start, Stop) and
the runner, and puts every finished race into the run history.
"""

from __future__ import annotations

import html
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.compare.history import RunHistory
from playground.core.compare.race import (
    Contender,
    ContenderBoundary,
    ContenderEpoch,
    ContenderFinished,
    ContenderSteps,
    RaceOptions,
    RaceStarted,
    mean_std,
)
from playground.core.document import ExperimentDocument
from playground.core.experiment.schema import Experiment
from playground.core.smoothing import smooth_ema
from playground.ui import theme
from playground.ui.compare.common import (
    color_for,
    color_icon,
    format_number,
    make_curve,
    make_plot,
    set_curve,
    set_plot_title,
    style_plot,
)
from playground.ui.compare.race_runner import RaceRunner
from playground.ui.plots.boundary_view import HIGH_COLOR, LOW_COLOR  # the Training tab's colours
from playground.ui.plots.style import (
    CLASS_COLORS,  # class 0 orange, class 1 blue, as there
    appearance,
    points,
)


@dataclass
class _Track:
    """What arrived for one (contender, seed) pair."""

    step_chunks: list[np.ndarray] = field(default_factory=list)
    loss_chunks: list[np.ndarray] = field(default_factory=list)
    lr_chunks: list[np.ndarray] = field(default_factory=list)
    epochs: list[dict] = field(default_factory=list)
    epoch_steps: list[int] = field(default_factory=list)
    status: str = "waiting"
    summary: dict = field(default_factory=dict)

    def steps(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.step_chunks:
            empty = np.array([])
            return empty, empty, empty
        if len(self.step_chunks) > 1:  # merge once, so later updates concatenate little
            self.step_chunks = [np.concatenate(self.step_chunks)]
            self.loss_chunks = [np.concatenate(self.loss_chunks)]
            self.lr_chunks = [np.concatenate(self.lr_chunks)]
        return self.step_chunks[0], self.loss_chunks[0], self.lr_chunks[0]

    def metric(self, name: str) -> np.ndarray:
        return np.array([np.nan if row.get(name) is None else float(row[name]) for row in self.epochs])


def _status_text(status: str) -> str:
    """A contender's state in the results table, in the window's language."""
    words = {
        "waiting": QCoreApplication.translate("RaceView", "waiting"),
        "running": QCoreApplication.translate("RaceView", "running"),
        "completed": QCoreApplication.translate("RaceView", "completed"),
        "early_stopped": QCoreApplication.translate("RaceView", "stopped early"),
        "stopped": QCoreApplication.translate("RaceView", "stopped"),
        "diverged": QCoreApplication.translate("RaceView", "diverged"),
        "error": QCoreApplication.translate("RaceView", "failed"),
        "failed": QCoreApplication.translate("RaceView", "failed"),
    }
    return words.get(status, status)


class BoundaryThumbnail(QWidget):
    """A small decision-boundary picture of one contender: the model's output on a grid + the data."""

    def __init__(self, label: str, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.color = color
        self._image: QImage | None = None
        self._values: tuple[np.ndarray, str] | None = None  # what the image shows, to colour it again
        self._points: list[tuple[float, float]] | None = None
        self._labels: list[int] | None = None
        self._extent = (-1.0, 1.0)
        self.epoch = 0
        self.epoch_text = self.tr("epoch")
        self.setMinimumSize(120, 138)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(150, 170)

    def set_points(self, points: np.ndarray | None, labels: np.ndarray | None, extent) -> None:
        # plain Python numbers: numpy scalars handed to Qt painting calls can crash shiboken
        if points is None or labels is None:
            self._points, self._labels = None, None
        else:
            self._points = [(float(x), float(y)) for x, y in np.asarray(points, dtype=np.float64)]
            self._labels = [int(label) for label in np.asarray(labels).reshape(-1)]
        if extent is not None:
            self._extent = (float(extent[0]), float(extent[1]))
        self.update()

    def set_values(self, values: np.ndarray, mode: str, epoch: int) -> None:
        self.epoch = epoch
        self._values = (values, mode)
        self._image = _boundary_image(values, mode)
        self.update()

    def set_color(self, color: str) -> None:
        """The contender's colour, and the picture in the class colours of the day."""
        self.color = color
        if self._values is not None:
            self._image = _boundary_image(*self._values)
        self.update()

    def has_image(self) -> bool:
        return self._image is not None

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colors = theme.colors()
        title_height = max(20, self.fontMetrics().height() + 4)  # the presenter's larger font too
        side = max(10, min(self.width(), self.height() - title_height) - 4)
        left = (self.width() - side) / 2
        square = QRectF(left, title_height, side, side)
        painter.setPen(QColor(self.color))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        title = painter.fontMetrics().elidedText(self.label, Qt.TextElideMode.ElideRight, self.width() - 4)
        painter.drawText(QRectF(0, 0, self.width(), title_height), Qt.AlignmentFlag.AlignCenter, title)
        if self._image is not None:
            painter.drawImage(square, self._image)
        else:
            painter.fillRect(square, QColor(colors.alternate_base))
        if self._points is not None and self._labels is not None and len(self._points):
            low, high = self._extent
            scale = side / (high - low) if high > low else 1.0
            painter.setPen(QPen(QColor("#ffffff"), 0.6))
            for (x, y), label in zip(self._points, self._labels):
                px = left + (x - low) * scale
                py = title_height + side - (y - low) * scale
                painter.setBrush(QColor(CLASS_COLORS[label % len(CLASS_COLORS)]))
                painter.drawEllipse(QRectF(px - 2.2, py - 2.2, 4.4, 4.4))
        painter.setPen(QPen(QColor(self.color), 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(square)
        if self.epoch:
            font.setBold(False)
            font.setPointSizeF(font.pointSizeF() * 0.85)
            painter.setFont(font)
            text = f"{self.epoch_text} {self.epoch}"
            box = painter.fontMetrics().boundingRect(text).adjusted(-3, -1, 3, 1)
            box.moveBottomRight(square.bottomRight().toPoint() - QPoint(3, 3))
            painter.fillRect(box, QColor(255, 255, 255, 200))
            painter.setPen(QColor("#222222"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()


def _boundary_image(values: np.ndarray, mode: str) -> QImage:
    """RGB image, y up: orange→white→blue for P(class 1) (the decision boundary's colours), class
    colours, or a value ramp."""
    grid = np.asarray(values, dtype=np.float64)
    grid = np.nan_to_num(grid, nan=0.5)[::-1]  # row 0 is the top of the picture
    if mode == "probability":
        p = np.clip(grid, 0, 1)[..., None]
        low, white, high = LOW_COLOR.astype(np.float64), np.array([255.0, 255.0, 255.0]), HIGH_COLOR.astype(np.float64)
        rgb = np.where(p < 0.5, low + (white - low) * (p / 0.5), white + (high - white) * ((p - 0.5) / 0.5))
        rgb = 0.55 * rgb + 0.45 * 255  # pastel, so the points stand out
    elif mode == "class":
        palette = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in CLASS_COLORS], dtype=np.float64)
        rgb = palette[grid.astype(int) % len(palette)]
        rgb = 0.45 * rgb + 0.55 * 255
    else:
        lowest, highest = np.nanmin(grid), np.nanmax(grid)
        t = ((grid - lowest) / (highest - lowest) if highest > lowest else np.zeros_like(grid))[..., None]
        rgb = np.array([68, 1, 84]) + (np.array([253, 231, 37]) - np.array([68, 1, 84])) * t
    rgb = np.ascontiguousarray(np.clip(rgb, 0, 255).astype(np.uint8))
    height, width = rgb.shape[:2]
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()


class _WrappedLabel(QLabel):
    """A word-wrapped label that keeps the height its current width needs (a grid layout does
    not ask a wrapped label for it, so a second line would be cut off)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)

    def _fit(self) -> None:
        height = self.heightForWidth(max(100, self.width())) if self.text() else 0
        if height != self.minimumHeight():
            self.setMinimumHeight(height)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()


class RaceView(QWidget):
    """Overlaid curves of a race. mode "epoch": loss and accuracy per epoch (train solid,
    validation dashed); mode "step": loss per step (smoothed), LR per step and validation metric,
    all on the same step axis."""

    def __init__(self, mode: str = "epoch", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = mode
        self.labels: list[str] = []
        self.repeats = 1
        self.task = "classification"
        self.tracks: dict[tuple[int, int], _Track] = {}
        self.smoothing = 0.6
        self._curves: dict[tuple[str, int], pg.PlotDataItem] = {}
        self._bands: dict[tuple[str, int], tuple[pg.PlotDataItem, pg.PlotDataItem, pg.FillBetweenItem]] = {}
        self.thumbnails: list[BoundaryThumbnail] = []
        self._dirty: set[int] = set()
        self._started: RaceStarted | None = None
        self._log_loss = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter)

        plots = QWidget(splitter)
        grid = QGridLayout(plots)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        if mode == "step":
            self.loss_plot = make_plot(
                plots,
                self.tr("Training loss per step (smoothed)"),
                self.tr("step"),
                self.tr("loss"),
                legend=False,
                count_x=True,
            )
            self.lr_plot = make_plot(
                plots,
                self.tr("Learning rate per step"),
                self.tr("step"),
                self.tr("learning rate"),
                legend=False,
                count_x=True,
            )
            self.metric_plot = make_plot(
                plots, self.tr("Validation accuracy"), self.tr("step"), self.tr("accuracy"), legend=False, count_x=True
            )
            # the LR sits right under the loss, same width, x linked: one step axis for both
            self.lr_plot.setXLink(self.loss_plot)
            grid.addWidget(self.loss_plot, 1, 0)
            grid.addWidget(self.lr_plot, 2, 0)
            grid.addWidget(self.metric_plot, 1, 1, 2, 1)
            grid.setRowStretch(1, 3)
            grid.setRowStretch(2, 2)
        else:
            self.loss_plot = make_plot(
                plots,
                self.tr("Loss (solid: train, dashed: validation)"),
                self.tr("epoch"),
                self.tr("loss"),
                legend=False,
                count_x=True,
            )
            self.metric_plot = make_plot(
                plots, self.tr("Validation accuracy"), self.tr("epoch"), self.tr("accuracy"), legend=False, count_x=True
            )
            self.lr_plot = None
            grid.addWidget(self.loss_plot, 1, 0)
            grid.addWidget(self.metric_plot, 1, 1)
            grid.setRowStretch(1, 4)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.legend = _WrappedLabel(plots)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(self.legend, 0, 0, 1, 2)
        self.table = QTableWidget(0, 0, plots)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setSortingEnabled(True)
        self.table.setMinimumHeight(80)
        self.table.setMaximumHeight(220)
        grid.addWidget(self.table, 3, 0, 1, 2)
        grid.setRowStretch(3, 1)

        self.thumb_area = QScrollArea(splitter)
        self.thumb_area.setWidgetResizable(True)
        self.thumb_host = QWidget()
        self.thumb_grid = QGridLayout(self.thumb_host)
        self.thumb_grid.setContentsMargins(2, 2, 2, 2)
        self.thumb_grid.setSpacing(4)
        self.thumb_area.setWidget(self.thumb_host)
        self.thumb_area.setMinimumWidth(170)
        self.thumb_area.hide()
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        theme.notifier().changed.connect(self._on_appearance_changed)  # the colour-blind-safe switch too
        appearance().scale_changed.connect(self._on_appearance_changed)

    def _on_appearance_changed(self, *_args: object) -> None:
        """The legend, the thumbnails and the table's swatches in the colours and sizes of the day
        (the curves follow by themselves)."""
        if not self.labels:
            return
        self._fill_legend()
        for index, thumb in enumerate(self.thumbnails):
            thumb.set_color(color_for(index))
        self._fill_table()

    def set_log_loss(self, enabled: bool) -> None:
        """The loss axis logarithmic or linear (the data stay as they are)."""
        self._log_loss = bool(enabled)
        self.loss_plot.setLogMode(y=self._log_loss)
        self.loss_plot.getPlotItem().enableAutoRange(y=True)

    def log_loss(self) -> bool:
        return self._log_loss

    # ---- events --------------------------------------------------------------------------------
    def reset(self) -> None:
        self._curves.clear()
        self._bands.clear()
        for plot in (self.loss_plot, self.metric_plot, self.lr_plot):
            if plot is not None:
                item = plot.getPlotItem()
                item.clear()
                if item.legend is not None:
                    item.legend.clear()
        self.tracks.clear()
        for thumb in self.thumbnails:
            thumb.setParent(None)
            thumb.deleteLater()
        self.thumbnails = []
        self.table.setRowCount(0)

    def handle_events(self, events: list) -> None:
        for event in events:
            kind = getattr(event, "kind", "")
            if kind == "started":
                self._on_started(event)
            elif kind == "steps":
                self._on_steps(event)
            elif kind == "epoch":
                self._on_epoch(event)
            elif kind == "boundary":
                self._on_boundary(event)
            elif kind == "finished":
                self._on_finished(event)
        if self._dirty:
            for contender in sorted(self._dirty):
                self._redraw(contender)
            self._dirty.clear()
            self._fill_table()

    def _track(self, contender: int, repeat: int) -> _Track:
        return self.tracks.setdefault((contender, repeat), _Track())

    def _on_started(self, event: RaceStarted) -> None:
        self.reset()
        self._started = event
        self.labels = list(event.labels)
        self.repeats = event.repeats
        self.task = event.task
        metric_name = self.tr("accuracy") if event.task == "classification" else self.tr("R²")
        title = self.tr("Validation accuracy") if event.task == "classification" else self.tr("Validation R²")
        style_plot(self.metric_plot, title, self.metric_plot.getPlotItem().getAxis("bottom").labelText, metric_name)
        for index, label in enumerate(self.labels):
            color = color_for(index)
            self._curve("loss", index, self.loss_plot, color, label)
            if self.mode == "epoch":
                self._curve("val_loss", index, self.loss_plot, color, None, Qt.PenStyle.DashLine)
            self._curve("metric", index, self.metric_plot, color, None)
            if self.lr_plot is not None:
                self._curve("lr", index, self.lr_plot, color, None)
        if self.mode == "epoch":  # whole epochs on the axis when there are few of them
            for plot in (self.loss_plot, self.metric_plot):
                axis = plot.getPlotItem().getAxis("bottom")
                if event.epochs <= 12:
                    axis.setTickSpacing(1, 1)
                else:
                    axis.setTickSpacing()
        base = (
            self.tr("Loss (solid: train, dashed: validation)")
            if self.mode == "epoch"
            else self.tr("Training loss per step (smoothed)")
        )
        set_plot_title(self.loss_plot.getPlotItem(), base)
        self._fill_legend()
        if event.points is not None and event.extent is not None:
            self.thumb_area.show()
            columns = 1 if len(self.labels) <= 3 else 2
            self.thumb_area.setMinimumWidth(columns * 135 + 26)
            for index, label in enumerate(self.labels):
                thumb = BoundaryThumbnail(label, color_for(index), self.thumb_host)
                thumb.set_points(event.points, event.point_labels, event.extent)
                self.thumb_grid.addWidget(thumb, index // columns, index % columns)
                self.thumbnails.append(thumb)
        else:
            self.thumb_area.hide()
        self._fill_table()

    def _fill_legend(self) -> None:
        """One line above the plots: a colour swatch per contender (readable from the back row)."""
        entries = "&nbsp;&nbsp;&nbsp; ".join(
            f"<span style='color:{color_for(i)}; font-size:{points(15):.4g}pt'>■</span>&nbsp;<b>{html.escape(label).replace(' ', '&nbsp;')}</b>"
            for i, label in enumerate(self.labels)
        )
        note = ""
        if self.repeats > 1:
            note = (
                f"&nbsp;&nbsp;&nbsp; <span style='color:{theme.colors().muted_text}'>"
                + html.escape(self.tr("lines: mean, bands: ± std over {n} seeds").format(n=self.repeats))
                + "</span>"
            )
        self.legend.setText(f"<span style='font-size:{points(11):.4g}pt'>{entries}{note}</span>")

    def _curve(
        self,
        kind: str,
        index: int,
        plot: pg.PlotWidget,
        color: str,
        name: str | None,
        style: Qt.PenStyle = Qt.PenStyle.SolidLine,
    ) -> pg.PlotDataItem:
        curve = make_curve(plot.getPlotItem(), color, name, style=style)
        self._curves[(kind, index)] = curve
        if self.repeats > 1:
            band_pen = pg.mkPen(None)
            upper = pg.PlotDataItem([], [], pen=band_pen, connect="finite")
            lower = pg.PlotDataItem([], [], pen=band_pen, connect="finite")
            fill_color = QColor(color)
            fill_color.setAlpha(50)
            fill = pg.FillBetweenItem(upper, lower, brush=pg.mkBrush(fill_color))
            plot.getPlotItem().addItem(fill)
            self._bands[(kind, index)] = (upper, lower, fill)
        return curve

    def _on_steps(self, event: ContenderSteps) -> None:
        track = self._track(event.contender, event.repeat)
        track.step_chunks.append(event.steps)
        track.loss_chunks.append(event.losses)
        track.lr_chunks.append(event.lrs)
        track.status = "running"
        if self.mode == "step":
            self._dirty.add(event.contender)

    def _on_epoch(self, event: ContenderEpoch) -> None:
        track = self._track(event.contender, event.repeat)
        track.epochs.append(dict(event.metrics))
        track.epoch_steps.append(event.step)
        track.status = "running"
        self._dirty.add(event.contender)

    def _on_boundary(self, event: ContenderBoundary) -> None:
        if event.repeat == 0 and event.contender < len(self.thumbnails):
            self.thumbnails[event.contender].set_values(event.values, event.mode, event.epoch)

    def _on_finished(self, event: ContenderFinished) -> None:
        track = self._track(event.contender, event.repeat)
        track.status = event.status
        track.summary = dict(event.summary)
        self._dirty.add(event.contender)

    # ---- drawing -------------------------------------------------------------------------------
    def _series(self, contender: int, getter) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xs, ys = [], []
        for repeat in range(self.repeats):
            track = self.tracks.get((contender, repeat))
            if track is None:
                continue
            x, y = getter(track)
            xs.append(np.asarray(x, dtype=np.float64))
            ys.append(np.asarray(y, dtype=np.float64))
        if not ys:
            empty = np.array([])
            return empty, empty, empty
        mean, std = mean_std(ys)
        longest = max(xs, key=len)
        n = min(len(longest), len(mean))
        return longest[:n], mean[:n], std[:n]

    def _set(self, kind: str, contender: int, x, y, std) -> None:
        curve = self._curves.get((kind, contender))
        if curve is None:
            return
        set_curve(curve, x, y)
        band = self._bands.get((kind, contender))
        if band is not None and len(x):
            upper, lower, _ = band
            set_curve(upper, x, y + std)
            set_curve(lower, x, y - std)

    def _redraw(self, contender: int) -> None:
        metric = "val_accuracy" if self.task == "classification" else "val_r2"
        if self.mode == "epoch":
            for kind, name in (("loss", "train_loss"), ("val_loss", "val_loss"), ("metric", metric)):
                x, y, std = self._series(contender, lambda t, n=name: (np.arange(1, len(t.epochs) + 1), t.metric(n)))
                self._set(kind, contender, x, y, std)
            return
        smoothing = self.smoothing

        def loss(track: _Track):
            steps, losses, _ = track.steps()
            return steps, smooth_ema(losses, smoothing)

        x, y, std = self._series(contender, loss)
        self._set("loss", contender, x, y, std)
        x, y, std = self._series(contender, lambda t: (t.steps()[0], t.steps()[2]))
        self._set("lr", contender, x, y, std)
        x, y, std = self._series(contender, lambda t, n=metric: (np.array(t.epoch_steps), t.metric(n)))
        self._set("metric", contender, x, y, std)

    def _fill_table(self) -> None:
        classification = self.task == "classification"
        headers = [
            self.tr("contender"),
            self.tr("status"),
            self.tr("epochs"),
            self.tr("train loss"),
            self.tr("val loss"),
        ]
        keys = ["train_loss", "val_loss"]
        if classification:
            headers += [self.tr("val accuracy"), self.tr("test accuracy")]
            keys += ["val_accuracy", "test_accuracy"]
        else:
            headers += [self.tr("val MAE"), self.tr("val R²")]
            keys += ["val_mae", "val_r2"]
        self.table.setSortingEnabled(False)
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(self.labels))
        for row, label in enumerate(self.labels):
            tracks = [self.tracks[(row, r)] for r in range(self.repeats) if (row, r) in self.tracks]
            statuses = sorted({t.status for t in tracks}) or ["waiting"]
            epochs = max((len(t.epochs) for t in tracks), default=0)
            name_item = QTableWidgetItem(color_icon(color_for(row)), label)
            self.table.setItem(row, 0, name_item)
            self.table.setItem(row, 1, QTableWidgetItem(", ".join(_status_text(status) for status in statuses)))
            self.table.setItem(row, 2, _number_item(epochs))
            for column, key in enumerate(keys, start=3):
                values = []
                for track in tracks:
                    value = track.summary.get(key) if track.summary else None
                    if value is None and key.startswith(("train", "val")) and track.epochs:
                        value = track.epochs[-1].get(key)
                    if value is not None and math.isfinite(float(value)):
                        values.append(float(value))
                if not values:
                    self.table.setItem(row, column, _number_item(None))
                elif len(values) > 1:
                    item = _number_item(float(np.mean(values)))
                    item.setText(f"{format_number(float(np.mean(values)))} ± {format_number(float(np.std(values)), 2)}")
                    self.table.setItem(row, column, item)
                else:
                    self.table.setItem(row, column, _number_item(values[0]))
        self.table.setSortingEnabled(True)
        rows_height = (
            self.table.horizontalHeader().height()
            + 4
            + sum(self.table.rowHeight(row) for row in range(self.table.rowCount()))
        )
        self.table.setMaximumHeight(max(80, min(240, rows_height)))
        self.table.setMinimumHeight(max(60, min(150, rows_height)))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def curve_count(self, kind: str = "loss") -> int:
        """How many contenders have a non-empty curve of this kind (tests)."""
        count = 0
        for (curve_kind, _), curve in self._curves.items():
            x, _ = curve.getOriginalDataset()
            if curve_kind == kind and x is not None and len(x):
                count += 1
        return count


class _NumberItem(QTableWidgetItem):
    """Sorts by value, not by text; empty cells last."""

    def __lt__(self, other: QTableWidgetItem) -> bool:  # noqa: D105
        mine = self.data(Qt.ItemDataRole.UserRole)
        theirs = other.data(Qt.ItemDataRole.UserRole)
        if mine is None:
            return False
        if theirs is None:
            return True
        return float(mine) < float(theirs)


def _number_item(value) -> QTableWidgetItem:
    item = _NumberItem(format_number(value))
    item.setData(Qt.ItemDataRole.UserRole, None if value is None else float(value))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


ContenderFactory = Callable[[Experiment], list[Contender]]


class RaceSection(QWidget):
    """Race controls + `RaceView` + runner. `factory(experiment)` makes the contenders."""

    race_finished = Signal(object)  # the finished Race
    status_message = Signal(str)

    def __init__(
        self,
        document: ExperimentDocument,
        history: RunHistory,
        factory: ContenderFactory,
        title: str,
        start_text: str,
        mode: str = "epoch",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.history = history
        self.factory = factory
        self.title = title
        self.runner = RaceRunner(self)
        self.runner.events.connect(self._on_events)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.running_changed.connect(self._on_running_changed)
        self._total_epochs = 1

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        controls = QHBoxLayout()
        self.start_button = QPushButton(start_text, self)
        self.start_button.setToolTip(
            self.tr(
                "Train the current experiment once per contender: same initial "
                "weights, same batches in the same order, in lock-step."
            )
        )
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.stop_button.setEnabled(False)
        self.epochs = QSpinBox(self)
        self.epochs.setRange(1, 10_000)
        self.epochs.setPrefix(self.tr("epochs: "))
        self.epochs.setToolTip(self.tr("Epochs per contender (the experiment's own number by default)."))
        self.repeats = QSpinBox(self)
        self.repeats.setRange(1, 10)
        self.repeats.setPrefix(self.tr("seeds: "))
        self.repeats.setToolTip(self.tr("Repeat each contender with this many seeds and draw mean ± std."))
        self.log_loss = QCheckBox(self.tr("log loss"), self)
        self.log_loss.setToolTip(
            self.tr("Draw the loss on a logarithmic scale: a run that explodes no longer flattens the others.")
        )
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(200)
        self.progress.setTextVisible(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        controls.addWidget(self.start_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(self.epochs)
        controls.addWidget(self.repeats)
        controls.addWidget(self.log_loss)
        controls.addWidget(self.progress)
        controls.addWidget(self.status, 1)
        layout.addLayout(controls)
        self.view = RaceView(mode, self)
        layout.addWidget(self.view, 1)

        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.log_loss.toggled.connect(self.view.set_log_loss)
        document.settings_changed.connect(self._on_settings_changed)
        document.reset.connect(self._sync_epochs)
        self._sync_epochs()

    def _on_settings_changed(self, field: str) -> None:
        if field == "training":
            self._sync_epochs()

    def _sync_epochs(self) -> None:
        if not self.runner.is_running():
            self.epochs.setValue(min(self.document.experiment.training.epochs, self.epochs.maximum()))

    # ---- control -------------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.runner.is_running()

    def start(self) -> bool:
        if self.runner.is_running():
            return False
        experiment = self.document.snapshot()
        try:
            contenders = self.factory(experiment)
        except (ValueError, KeyError) as exc:
            self._show_status(str(exc), error=True)
            return False
        if not contenders:
            self._show_status(self.tr("Choose at least one contender."), error=True)
            return False
        base_dir = self.document.base_dir()
        options = RaceOptions(
            repeats=self.repeats.value(),
            epochs=self.epochs.value(),
            base_dir=str(base_dir) if base_dir else None,
            num_threads=_training_threads(),
        )
        self._total_epochs = max(1, self.epochs.value() * len(contenders) * self.repeats.value())
        self.progress.setRange(0, self._total_epochs)
        self.progress.setValue(0)
        self._started_at = time.perf_counter()
        self.runner.start(experiment, contenders, options)
        self._show_status(self.tr("Racing {n} contenders…").format(n=len(contenders)))
        return True

    def stop(self) -> None:
        self.runner.stop()

    def shutdown(self) -> None:
        self.runner.shutdown()

    # ---- runner signals ------------------------------------------------------------------------
    def _on_events(self, events: list) -> None:
        for event in events:
            if getattr(event, "kind", "") == "started":
                shared = [f"{copied}/{total}" for copied, total in event.shared_weights]
                same = all(copied == total for copied, total in event.shared_weights)
                text = (
                    self.tr("Racing {n} contenders from identical initial weights on the same batches.")
                    if same
                    else self.tr(
                        "Racing {n} contenders; initial weights shared where shapes allow "
                        "({shared} tensors), same batches."
                    ).format(n=len(event.labels), shared=", ".join(shared))
                )
                self._show_status(text.format(n=len(event.labels)))
        self.view.handle_events(events)
        done = sum(len(track.epochs) for track in self.view.tracks.values())
        self.progress.setValue(min(done, self._total_epochs))

    def _on_finished(self, race) -> None:
        group = f"{self.title} {time.strftime('%H:%M:%S')}"
        records = RaceRunner.records(race, group)
        for record in records:
            record.experiment = self.document.session_id
        self.history.extend(records)
        problems = [run.message for run in race.runs if run.status in ("error", "diverged")]
        if race.status != "stopped":  # a run that diverged or stopped early used no more of its epochs
            self.progress.setValue(self.progress.maximum())
        if race.status == "stopped":
            text = self.tr("Stopped. {n} run(s) went into the history.").format(n=len(records))
        else:
            text = self.tr("Finished in {s:.1f} s. {n} run(s) went into the history.").format(
                s=time.perf_counter() - getattr(self, "_started_at", time.perf_counter()), n=len(records)
            )
        if problems:
            text += " " + problems[0]
        self._show_status(text, error=bool(problems))
        self.race_finished.emit(race)

    def _on_failed(self, message: str) -> None:
        self._show_status(self.tr("The race could not run: {message}").format(message=message), error=True)

    def _on_running_changed(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.epochs.setEnabled(not running)
        self.repeats.setEnabled(not running)

    def _show_status(self, text: str, error: bool = False) -> None:
        colors = theme.colors()
        self.status.setStyleSheet(f"color: {colors.error};" if error else "")
        self.status.setText(text)
        self.status_message.emit(text)


def _training_threads() -> int:
    """Leave one core for the GUI, so the window stays responsive during a race."""
    return max(1, (os.cpu_count() or 2) - 1)
