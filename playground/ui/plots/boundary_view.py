"""The model's output over the whole input plane of a 2-D dataset, as TensorFlow Playground shows it.

Classification: each pixel takes the colour of the predicted class, paler where the model is
unsure (or flat class colours with "Discretize output"). Regression: the output surface on an
orange (low) – white – blue (high) scale, with the points coloured the same way. Training points
have a white rim, test points a dark one; "Show test data" hides or shows the latter.

The grid is computed in the training thread; this view only colours and shows it.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRectF, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.core.runs.records import ViewSetup
from playground.ui import theme
from playground.ui.plots.style import CLASS_COLORS, PlotCanvas, export_scene, legend_row, set_title, style_plot

LOW_COLOR = np.array([245, 147, 34], dtype=np.float32)  # orange
HIGH_COLOR = np.array([8, 119, 189], dtype=np.float32)  # blue
NAN_COLOR = np.array([170, 170, 170], dtype=np.float32)
MAX_TINT = 0.72  # the most a class colour covers the background, so points stay visible
BANDS = 8  # discretised regression output


def _rgb(color: str) -> np.ndarray:
    qcolor = QColor(color)
    return np.array([qcolor.red(), qcolor.green(), qcolor.blue()], dtype=np.float32)


def colorize_classes(probabilities: np.ndarray, background: np.ndarray, discretize: bool) -> np.ndarray:
    """(H, W, K) class probabilities -> (H, W, 3) uint8: predicted class colour, tint = confidence."""
    probabilities = np.asarray(probabilities, dtype=np.float32)
    k = probabilities.shape[-1]
    palette = np.stack([_rgb(CLASS_COLORS[i % len(CLASS_COLORS)]) for i in range(k)])
    finite = np.isfinite(probabilities).all(axis=-1)
    safe = np.where(finite[..., None], probabilities, 0.0)
    winner = safe.argmax(axis=-1)
    if discretize:
        tint = np.full(winner.shape, MAX_TINT * 0.8, dtype=np.float32)
    else:
        confidence = safe.max(axis=-1)
        chance = 1.0 / k
        tint = np.clip((confidence - chance) / (1.0 - chance), 0.0, 1.0) * MAX_TINT
    rgb = background * (1.0 - tint[..., None]) + palette[winner] * tint[..., None]
    rgb[~finite] = NAN_COLOR
    return np.clip(rgb, 0, 255).astype(np.uint8)


def colorize_values(
    values: np.ndarray, low: float, high: float, background: np.ndarray, discretize: bool
) -> np.ndarray:
    """(H, W) regression outputs -> (H, W, 3) uint8 on an orange–background–blue scale."""
    values = np.asarray(values, dtype=np.float32)
    finite = np.isfinite(values)
    middle, half = (high + low) / 2.0, max((high - low) / 2.0, 1e-9)
    t = np.clip((np.where(finite, values, middle) - middle) / half, -1.0, 1.0)
    if discretize:
        t = np.round(t * BANDS / 2) / (BANDS / 2)
    weight = np.abs(t)[..., None] * MAX_TINT
    target = np.where((t >= 0)[..., None], HIGH_COLOR, LOW_COLOR)
    rgb = background * (1.0 - weight) + target * weight
    rgb[~finite] = NAN_COLOR
    return np.clip(rgb, 0, 255).astype(np.uint8)


def value_brushes(values: np.ndarray, low: float, high: float) -> list[QColor]:
    middle, half = (high + low) / 2.0, max((high - low) / 2.0, 1e-9)
    brushes = []
    for value in np.asarray(values, dtype=np.float64).reshape(-1):
        t = float(np.clip((value - middle) / half, -1.0, 1.0)) if np.isfinite(value) else 0.0
        target = HIGH_COLOR if t >= 0 else LOW_COLOR
        rgb = 255 * (1 - abs(t)) + target * abs(t)
        brushes.append(QColor(int(rgb[0]), int(rgb[1]), int(rgb[2])))
    return brushes


def same_setup(old: ViewSetup, new: ViewSetup) -> bool:
    """Two runs show the same plane: same extent, task, names and the same points and targets."""
    for item in fields(ViewSetup):
        value, other = getattr(new, item.name), getattr(old, item.name)
        if isinstance(value, np.ndarray) or isinstance(other, np.ndarray):
            if other is None or value is None or not np.array_equal(np.asarray(other), np.asarray(value)):
                return False
        elif isinstance(value, (list, tuple)) or isinstance(other, (list, tuple)):
            if list(other or ()) != list(value or ()):
                return False
        elif other != value:
            return False
    return True


class BoundaryView(QWidget):
    """Decision boundary (or output surface) with train/test points and TF-Playground toggles."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boundaryView")
        self._setup: ViewSetup | None = None
        self._output: np.ndarray | None = None
        self._image: np.ndarray | None = None
        self._dirty = False
        self._updates = 0
        self._title = QCoreApplication.translate("Plots", "Decision boundary")
        self._unit: str | None = None  # the label of the network view's unit shown instead, while hovered

        self.canvas = PlotCanvas(self)
        self.plot: pg.PlotItem = self.canvas.addPlot(row=0, col=0)
        style_plot(
            self.plot,
            title=QCoreApplication.translate("Plots", "Decision boundary"),
            left="x2",
            bottom="x1",
            grid=False,
        )
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=8, pen=pg.mkPen("w", width=1.2))
        self.test_points = pg.ScatterPlotItem(size=8, pen=pg.mkPen("#111111", width=1.6))
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.test_points)
        self.legend = legend_row([], columns=2)  # under the plane: it never covers a point
        self.canvas.ci.addItem(self.legend, row=1, col=0)
        self.plot.getViewBox().sigResized.connect(self._show_extent)  # the whole plane at any size
        self._fit_timer = QTimer(self)  # a child: it dies with the view, never calls into a dead one
        self._fit_timer.setSingleShot(True)
        self._fit_timer.timeout.connect(self._fit_square)

        self.discretize = QCheckBox(QCoreApplication.translate("Plots", "Discretize output"), self)
        self.discretize.setObjectName("discretizeCheck")
        self.discretize.setToolTip(
            QCoreApplication.translate("Plots", "Flat class colours (a hard decision) instead of shades of confidence.")
        )
        self.discretize.toggled.connect(self._on_option_changed)
        self.show_test = QCheckBox(QCoreApplication.translate("Plots", "Show test data"), self)
        self.show_test.setObjectName("showTestCheck")
        self.show_test.setChecked(True)
        self.show_test.toggled.connect(self._on_show_test)
        self.caption = QLabel(self)
        self.caption.setObjectName("boundaryCaption")
        self.caption.setWordWrap(True)
        controls = QHBoxLayout()
        controls.setContentsMargins(6, 0, 6, 2)
        controls.addWidget(self.show_test)
        controls.addWidget(self.discretize)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.caption)
        layout.addLayout(controls)
        layout.addStretch(0)
        theme.notifier().changed.connect(self._on_theme_changed)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_timer.start(0)  # once the canvas has laid out its items

    def _fit_square(self) -> None:
        """Keep the plane square: a tall, narrow column would otherwise show empty plane above and
        below the data (x and y keep one scale); the room left over goes below the controls."""
        box = self.plot.getViewBox()
        if box.width() <= 0 or box.height() <= 0:
            return
        frame_width = self.canvas.width() - box.width()  # left axis and margins
        frame_height = self.canvas.height() - box.height()  # title, bottom axis, legend
        square = int(self.width() - frame_width + frame_height)
        if square != self.canvas.maximumHeight():
            self.canvas.setMaximumHeight(max(self.canvas.minimumHeight(), square))

    def _show_extent(self, *_args: Any) -> None:
        """The data's square, whole: one call, so the locked aspect widens a range, never cuts one."""
        if self._setup is not None:
            low, high = self._setup.extent  # type: ignore[misc]
            self.plot.getViewBox().setRange(xRange=(low, high), yRange=(low, high), padding=0.01)

    # ---- feeding -------------------------------------------------------------------------------
    def configure(self, setup: ViewSetup) -> None:
        """A new run: extent, resolution, task, class names, and the train/test points with targets."""
        same_scene = self._setup is not None and same_setup(self._setup, setup)
        self._setup = setup
        self._output = None
        self._image = None
        self._updates = 0
        self.image.clear()
        if self._unit is not None:
            self._unit = None
            set_title(self.plot, self._title)
        if same_scene:  # a re-run on the same data: axes, points and legend stay (no relayout, no redraw)
            return
        self._show_extent()
        regression = setup.task == "regression"
        names = list(setup.feature_names or ("x1", "x2"))[:2]
        self._title = (
            QCoreApplication.translate("Plots", "Output surface")
            if regression
            else QCoreApplication.translate("Plots", "Decision boundary")
        )
        style_plot(
            self.plot,
            title=self._title,
            bottom=names[0] if names else "x1",
            left=names[1] if len(names) > 1 else "x2",
            grid=False,
        )
        self._set_points(self.train_points, setup.points_train, setup.targets_train)
        self._set_points(self.test_points, setup.points_test, setup.targets_test)
        self.test_points.setVisible(self.show_test.isChecked())
        self.legend.clear()
        if regression:
            lo, hi = self._value_range()
            self.caption.setText(
                QCoreApplication.translate(
                    "Plots",
                    "Colour = the model's output: orange low ({low:.2g}), blue high ({high:.2g}). "
                    "Points show the true values; white rim = training, dark rim = test.",
                ).format(low=lo, high=hi)
            )
        else:
            for index, name in enumerate(setup.class_names or ()):
                sample = pg.ScatterPlotItem(
                    size=9, brush=CLASS_COLORS[index % len(CLASS_COLORS)], pen=pg.mkPen("w", width=1.2)
                )
                self.legend.addItem(sample, QCoreApplication.translate("Plots", "class {name}").format(name=name))
            rim = pg.ScatterPlotItem(size=9, brush="#bbbbbb", pen=pg.mkPen("#111111", width=1.6))
            self.legend.addItem(rim, QCoreApplication.translate("Plots", "test point (dark rim)"))
            self.caption.setText(
                QCoreApplication.translate(
                    "Plots",
                    "Colour = the class the model predicts at each point of the plane; "
                    "paler = less sure. White rim = training point, dark rim = test point.",
                )
            )
        self.legend.setVisible(not regression)
        self._fit_timer.start(0)  # the legend's rows change the frame around the plane

    def _value_range(self) -> tuple[float, float]:
        setup = self._setup
        targets = (setup.targets_train, setup.targets_test) if setup is not None else ()
        values = [np.asarray(target, dtype=np.float64).reshape(-1) for target in targets if target is not None]
        joined = np.concatenate(values) if values else np.array([0.0, 1.0])
        joined = joined[np.isfinite(joined)]
        if joined.size == 0:
            return 0.0, 1.0
        return float(joined.min()), float(joined.max())

    def _set_points(self, item: pg.ScatterPlotItem, points: Any, targets: Any) -> None:
        if points is None or len(points) == 0:
            item.setData([], [])
            return
        points = np.asarray(points, dtype=np.float64)
        if self._setup is not None and self._setup.task == "regression":
            low, high = self._value_range()
            brushes = value_brushes(np.asarray(targets), low, high)
        else:
            labels = np.asarray(targets, dtype=np.int64).reshape(-1)
            cache = {k: pg.mkBrush(CLASS_COLORS[k % len(CLASS_COLORS)]) for k in np.unique(labels).tolist()}
            brushes = [cache[int(label)] for label in labels]
        item.setData(x=points[:, 0], y=points[:, 1], brush=brushes)

    def set_output(self, values: np.ndarray) -> None:
        """The model's output on the grid: (R, R, K) class probabilities or (R, R) values; row = x2."""
        self._output = np.asarray(values)
        self._dirty = True

    def refresh(self) -> None:
        if not self._dirty or self._output is None or self._setup is None:
            return
        self._dirty = False
        background = _rgb(theme.colors().plot_background)
        if self._output.ndim == 3:
            rgb = colorize_classes(self._output, background, self.discretize.isChecked())
        else:
            low, high = self._value_range()
            rgb = colorize_values(self._output, low, high, background, self.discretize.isChecked())
        self._image = rgb
        if self._unit is None:  # while a unit is shown, the boundary waits underneath
            self._set_picture(rgb)
        self._updates += 1

    def _set_picture(self, rgb: np.ndarray) -> None:
        low, high = self._setup.extent if self._setup is not None and self._setup.extent else (-1.0, 1.0)
        self.image.setImage(rgb, autoLevels=False, levels=(0, 255), rect=QRectF(low, low, high - low, high - low))

    # ---- a unit of the network view, while it is hovered -------------------------------------------
    def show_unit(self, picture: np.ndarray | None, label: str = "") -> None:
        """Show one unit's map over the plane instead of the model's output, titled `label`, with the
        points on top: an (R, R, 3) uint8 RGB picture or (R, R) values (orange negative, blue
        positive), row 0 = the lowest x2. None brings the decision boundary back."""
        if picture is None:
            if self._unit is None:
                return
            self._unit = None
            set_title(self.plot, self._title)
            if self._image is not None:
                self._set_picture(self._image)
            else:
                self.image.clear()
            return
        picture = np.asarray(picture)
        if picture.ndim == 2:
            peak = float(np.nanmax(np.abs(picture))) if np.isfinite(picture).any() else 1.0
            peak = peak if peak > 0 else 1.0
            picture = colorize_values(picture, -peak, peak, _rgb(theme.colors().plot_background), False)
        label = label or QCoreApplication.translate("Plots", "Unit")
        if label != self._unit:
            set_title(self.plot, label)
        self._unit = label
        self._set_picture(picture.astype(np.uint8, copy=False))

    def shown_unit(self) -> str | None:
        """The label of the unit shown instead of the decision boundary (None: the boundary is shown)."""
        return self._unit

    # ---- options ----------------------------------------------------------------------------------
    def _on_option_changed(self, _checked: bool) -> None:
        self._mark_and_refresh()

    def _on_theme_changed(self, _name: str) -> None:
        self._mark_and_refresh()

    def _mark_and_refresh(self) -> None:
        self._dirty = self._output is not None
        self.refresh()

    def _on_show_test(self, checked: bool) -> None:
        self.test_points.setVisible(checked)

    # ---- reading back -------------------------------------------------------------------------------
    def image_data(self) -> np.ndarray | None:
        """The RGB image shown now (None before the first output)."""
        return self._image

    def output(self) -> np.ndarray | None:
        return self._output

    def update_count(self) -> int:
        return self._updates

    def paint_seconds(self) -> float:
        return self.canvas.paint_cost.seconds

    def export(self, path: str | Path) -> None:
        self.refresh()
        export_scene(self.canvas, path)
