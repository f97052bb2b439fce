"""The network as TensorFlow Playground draws it, live, for 2-D data.

Columns of units, input to output: the input features (x1, x2, x1², ...), each hidden dense layer,
and the output layer. Every unit is a small map of its output over the input plane, in the
decision boundary's colours (orange negative, blue positive; output units of a classifier show
each class's probability in the class colour). When every layer has at most 8 units, the
connections are drawn too: one line per weight, blue positive, orange negative, thicker and
stronger for a larger weight. Bigger layers show their maps only, wrapped into a few sub-columns.

Hovering a unit frames it, dims the connections it has no part in and emits `unit_hovered` with
a large picture of its map (the training panel shows it in the decision-boundary plot); leaving
emits `(None, "")`.

The maps and weights come from the training worker (`NeuronMaps`, see core/runs/probes.py); this
view only colours them. Its items are made once per network shape: a redraw is one numpy colour
lookup per column, one `setImage` per unit and one `setPen` per connection.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLabel,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from playground.core.catalogue import LAYERS
from playground.core.runs.records import NeuronMaps
from playground.ui import theme
from playground.ui.plots.boundary_view import HIGH_COLOR, LOW_COLOR, _rgb
from playground.ui.plots.style import (
    CLASS_COLORS,
    TICK_POINT_SIZE,
    TITLE_POINT_SIZE,
    PaintCost,
    appearance,
    export_widget,
    points,
)
from playground.ui.retranslate import RELABEL_TEXT_ITEMS

MAX_DRAWN_UNITS = 8  # connections are drawn only when no layer has more units
MAP_TINT = 0.92  # share of the colour at a unit's strongest value (the boundary keeps 0.72 under its points)
MAX_MAP_PIXELS = 72  # the largest a unit's map is drawn, however much room there is
MIN_MAP_PIXELS = 6
SPACING = 0.14  # room between two maps of a column, as a share of a map's side
CONNECTED_GAP = 1.7  # room between two columns with connections, in map sides
MAPS_ONLY_GAP = 0.6  # between two columns of maps only
MAX_SUB_COLUMNS = 8  # a big layer wraps into at most this many sub-columns
HOVER_ZOOM = 3  # the hovered map is sent at this many times its resolution (bilinear)
FEATURE_LABELS = {
    "x1": "x1",
    "x2": "x2",
    "x1_sq": "x1²",
    "x2_sq": "x2²",
    "x1x2": "x1·x2",
    "sin_x1": "sin x1",
    "sin_x2": "sin x2",
}


def feature_label(name: str) -> str:
    """The input feature as a student reads it: "x1_sq" -> "x1²"."""
    return FEATURE_LABELS.get(name, name)  # math, the same in every language


def unmapped_reason(experiment: Any) -> str | None:
    """Why this experiment's network gets no unit maps (the worker sends none), or None."""
    from playground.core.runs.probes import (  # lazy: keeps the run probes out of the window's start-up
        ACTIVATIONS,
        MAX_MAPPED_UNITS,
        PASS_THROUGH,
        dense_units,
    )

    if experiment is None:
        return None
    from playground.core.graph.blocks import expand_blocks  # lazy, as above

    experiment = expand_blocks(experiment).experiment  # a block's layers, as the built model has them
    layers = dense_units(experiment)
    if layers is None:
        others = sorted(
            {
                node.type
                for node in experiment.model.nodes
                if node.type not in ACTIVATIONS | PASS_THROUGH | {"Input", "Linear"}
            }
        )
        what = (
            QCoreApplication.translate("Plots", "it has {layers}").format(layers=", ".join(others))
            if others
            else QCoreApplication.translate("Plots", "its layers branch, merge or start with an activation")
        )
        return QCoreApplication.translate(
            "Plots",
            "The network view draws plain dense networks (Linear layers and activations in a chain, as in "
            "TensorFlow Playground); this model is not one: {what}.",
        ).format(what=what)
    nodes = experiment.nodes_by_id()
    default = LAYERS["Linear"].param("out_features").default
    hidden = sum(int(nodes[linear].params.get("out_features", default)) for linear, _ in layers[:-1])
    if hidden > MAX_MAPPED_UNITS:
        return QCoreApplication.translate(
            "Plots",
            "This network has {count} hidden units; the network view maps at most {limit}. Use fewer or "
            "smaller hidden layers to see every unit.",
        ).format(count=hidden, limit=MAX_MAPPED_UNITS)
    return None


# ---- colours --------------------------------------------------------------------------------------
def diverging_lut(background: np.ndarray) -> np.ndarray:
    """(256, 3) uint8: index 0 = -1 (orange) … 127.5 = 0 (the background) … 255 = +1 (blue)."""
    t = np.linspace(-1.0, 1.0, 256, dtype=np.float32)
    weight = (np.abs(t) * MAP_TINT)[:, None]
    target = np.where((t >= 0)[:, None], HIGH_COLOR, LOW_COLOR)
    return np.clip(background * (1.0 - weight) + target * weight, 0, 255).astype(np.uint8)


def class_lut(background: np.ndarray, color: str) -> np.ndarray:
    """(256, 3) uint8: index 0 = the background … 255 = the class colour."""
    weight = np.linspace(0.0, MAP_TINT, 256, dtype=np.float32)[:, None]
    return np.clip(background * (1.0 - weight) + _rgb(color) * weight, 0, 255).astype(np.uint8)


def _indices(t: np.ndarray, signed: bool) -> np.ndarray:
    """t in [-1, 1] (signed) or [0, 1] -> LUT indices; NaN -> the middle."""
    t = np.nan_to_num(t, nan=0.0, posinf=1.0, neginf=-1.0 if signed else 0.0)
    scaled = (t + 1.0) * 127.5 if signed else t * 255.0
    return np.clip(scaled + 0.5, 0, 255).astype(np.uint8)


def symmetric_scale(values: np.ndarray, axes: tuple[int, ...] | None = None) -> np.ndarray:
    """max |value| (over `axes`), at least a tiny positive number; NaN-safe."""
    with np.errstate(invalid="ignore"):
        peak = np.nanmax(np.abs(values), axis=axes, keepdims=axes is not None) if values.size else np.float32(1)
    peak = np.nan_to_num(np.asarray(peak, dtype=np.float32), nan=1.0, posinf=1.0)
    return np.maximum(peak, 1e-6)


def upsample(values: np.ndarray, factor: int) -> np.ndarray:
    """(r, r) -> (r·factor, r·factor), bilinear on the cell centres (edges held)."""
    r = values.shape[0]
    out = r * factor
    position = (np.arange(out) + 0.5) / factor - 0.5
    low = np.clip(np.floor(position).astype(int), 0, r - 1)
    high = np.clip(low + 1, 0, r - 1)
    weight = np.clip(position - low, 0.0, 1.0).astype(np.float32)
    rows = values[low] * (1 - weight)[:, None] + values[high] * weight[:, None]
    return rows[:, low] * (1 - weight)[None, :] + rows[:, high] * weight[None, :]


# ---- items ----------------------------------------------------------------------------------------
class UnitItem(QGraphicsItem):
    """One unit: its map (an RGB picture drawn into `rect`) and a frame that thickens on hover."""

    def __init__(self, column: int, index: int, label: str) -> None:
        super().__init__()
        self.column, self.index, self.label = column, index, label
        self.rect = QRectF(0, 0, 1, 1)
        self.image: QImage | None = None
        self.highlighted = False
        self._frame = QPen(QColor("#888888"), 1.0)
        self._frame.setCosmetic(True)
        self._hover_pen = QPen(QColor("#000000"), 2.5)
        self._hover_pen.setCosmetic(True)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self.rect.adjusted(-3, -3, 3, 3)

    def set_rect(self, rect: QRectF) -> None:
        if rect != self.rect:
            self.prepareGeometryChange()
            self.rect = QRectF(rect)

    def setImage(self, rgb: np.ndarray) -> None:  # noqa: N802 - pyqtgraph's name for the same thing
        """The map as an (h, w, 3) uint8 RGB array, top row first."""
        rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
        height, width = rgb.shape[:2]
        self.image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        self.update()

    def clear(self) -> None:
        self.image = None
        self.update()

    def set_colors(self, frame: str, hover: str) -> None:
        self._frame.setColor(QColor(frame))
        self._hover_pen.setColor(QColor(hover))
        self.update()

    def set_highlighted(self, highlighted: bool) -> None:
        if highlighted != self.highlighted:
            self.highlighted = highlighted
            self.update()

    def paint(self, painter: QPainter, _option: Any, _widget: Any = None) -> None:
        if self.image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(self.rect, self.image)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(self._hover_pen if self.highlighted else self._frame)
        painter.drawRect(self.rect)


class _Column:
    """The items of one column: its units, their labels and its header."""

    def __init__(self, name: str, header: str, labels: list[str], side: str) -> None:
        self.name = name  # node id ("fc1"), "input" for the features
        self.header = header
        self.labels = labels  # per unit: shown beside the map (inputs, outputs) or only on hover
        self.side = side  # where unit labels go: "left" (inputs), "right" (outputs) or ""
        self.units: list[UnitItem] = []
        self.texts: list[QGraphicsSimpleTextItem] = []
        self.header_item: QGraphicsSimpleTextItem | None = None
        self.sub_columns = 1


class _Canvas(QGraphicsView):
    """The scene in pixel coordinates (no scrolling, no zoom); it measures its paint time and
    reports the mouse to the view."""

    def __init__(self, owner: NetworkView) -> None:
        super().__init__(owner)
        self.owner = owner
        self.paint_cost = PaintCost()
        self.setScene(QGraphicsScene(self))
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setMouseTracking(True)
        self.setMinimumSize(120, 90)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        started = time.thread_time()
        super().paintEvent(event)
        self.paint_cost.add(time.thread_time() - started)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """The minimum size: a view's own hint is its scene, i.e. the size it last had, so the
        view never gave back room it got once (e.g. at the presenter's larger fonts)."""
        return self.minimumSize()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.setSceneRect(0, 0, self.viewport().width(), self.viewport().height())
        self.owner._layout()  # noqa: SLF001 - the owner places its items

    def mouseMoveEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().mouseMoveEvent(event)
        self.owner.hover_at(self.mapToScene(event.position().toPoint()))

    def leaveEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().leaveEvent(event)
        self.owner.hover_at(None)

    def viewportEvent(self, event: Any) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ToolTip:
            text = self.owner.tooltip_at(self.mapToScene(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)


# ---- the view ---------------------------------------------------------------------------------------
class NetworkView(QWidget):
    """Every unit of a small dense network over the input plane, with its weights (2-D data)."""

    unit_hovered = Signal(object, str)  # (RGB picture (R, R, 3) uint8, row 0 = lowest x2; label) or (None, "")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkView")
        self._task = "classification"
        self._class_names: list[str] = []
        self._pending: NeuronMaps | None = None
        self._maps: NeuronMaps | None = None  # the maps drawn now
        self._shape: tuple | None = None  # what the items were made for
        self._columns: list[_Column] = []
        self._connections: list[np.ndarray] = []  # per layer: (out, in) object array of line items
        self._drawn = False  # connections drawn (every layer ≤ MAX_DRAWN_UNITS)
        self._t: list[np.ndarray] = []  # per column: (units, r, r) values on the colour scale, row 0 = low x2
        self._luts: list[list[np.ndarray]] = []  # per column, per unit: its colour table
        self._signed: list[bool] = []  # per column: scale from -1 (True) or from 0
        self._hover: tuple[int, int] | None = None
        self._reason: str | None = None
        self._updates = 0
        self._map_pixels = 0

        self.canvas = _Canvas(self)
        self.title = QGraphicsSimpleTextItem(QCoreApplication.translate("Plots", "Network"))
        self.title.setFont(self._font(TITLE_POINT_SIZE, bold=True))
        self.canvas.scene().addItem(self.title)
        self.canvas.setProperty(RELABEL_TEXT_ITEMS, True)  # the title follows a live language switch
        self.message = QLabel(self)
        self.message.setObjectName("networkMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setMargin(16)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(self.message)
        self.note = QLabel(self)
        self.note.setObjectName("networkNote")
        self.note.setWordWrap(True)
        self.note.setContentsMargins(6, 0, 6, 2)
        self.setToolTip("")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)
        self._apply_theme()
        self._show_message(
            QCoreApplication.translate(
                "Plots", "Press Train: every unit of the network then shows its output over the plane."
            )
        )
        theme.notifier().changed.connect(self._on_theme_changed)
        appearance().scale_changed.connect(self._on_scale_changed)

    @staticmethod
    def _font(base_points: int, bold: bool = False) -> QFont:
        """A font of `base_points` at the presenter scale of the day."""
        font = QFont()
        font.setPointSizeF(points(base_points))
        font.setBold(bold)
        return font

    def _on_scale_changed(self, _factor: float) -> None:
        """Presenter mode: the texts at the new size, and the maps laid out around them again."""
        self.title.setFont(self._font(TITLE_POINT_SIZE, bold=True))
        for column in self._columns:
            for item in [*column.texts, column.header_item]:
                if item is not None:
                    item.setFont(self._font(TICK_POINT_SIZE))
        self._layout()

    # ---- feeding --------------------------------------------------------------------------------------
    def configure(
        self, task: str = "classification", class_names: list[str] | None = None, reason: str | None = None
    ) -> None:
        """A new run: its task and classes (how the output units are coloured); `reason` says why
        this run sends no maps (the view then shows it instead)."""
        self._task = task
        self._class_names = list(class_names or ())
        self._reason = reason
        self.clear()
        if reason:
            self._show_message(reason)
        else:
            self._show_message(QCoreApplication.translate("Plots", "Waiting for the first maps of the units…"))

    def set_maps(self, neurons: NeuronMaps) -> None:
        """The latest maps and weights (drawn at the next `refresh()`)."""
        self._pending = neurons

    def clear(self) -> None:
        """Empty maps and no connections until the next maps (the items stay for a re-run)."""
        self._pending = None
        self._maps = None
        self._t = []
        for column in self._columns:
            for unit in column.units:
                unit.clear()
        for layer in self._connections:
            for line in layer.flat:
                line.setVisible(False)
        self._set_hover(None)

    def refresh(self) -> None:
        neurons, self._pending = self._pending, None
        if neurons is None:
            return
        if not neurons.maps or neurons.input_maps is None:
            return
        shape = (
            tuple(neurons.inputs),
            tuple(neurons.layers),
            tuple(neurons.units),
            self._task,
            tuple(self._class_names),
        )
        if shape != self._shape:
            self._build(neurons)
            self._shape = shape
        if self.stack.currentWidget() is not self.canvas:
            self.stack.setCurrentWidget(self.canvas)
        self._maps = neurons
        self._colour(neurons)
        self._show_pictures()
        self._set_pens()
        self._updates += 1
        if self._hover is not None:
            self._emit_hover()

    # ---- building (once per network shape) ----------------------------------------------------------
    def _build(self, neurons: NeuronMaps) -> None:
        scene = self.canvas.scene()
        for column in self._columns:
            for item in [*column.units, *column.texts, column.header_item]:
                if item is not None:
                    scene.removeItem(item)
        for layer in self._connections:
            for line in layer.flat:
                scene.removeItem(line)
        self._hover = None
        self._columns, self._connections = [], []
        inputs = [feature_label(name) for name in neurons.inputs]
        self._columns.append(_Column("input", QCoreApplication.translate("Plots", "input"), inputs, "left"))
        count = len(neurons.layers)
        for position, (name, units) in enumerate(zip(neurons.layers, neurons.units)):
            if position < count - 1:
                labels = [
                    QCoreApplication.translate("Plots", "{layer} · unit {index}").format(layer=name, index=k + 1)
                    for k in range(units)
                ]
                self._columns.append(_Column(name, name, labels, ""))
            else:
                labels = self._output_labels(units)
                self._columns.append(_Column(name, name, labels, "right" if units > 1 else ""))
        self._drawn = all(len(column.labels) <= MAX_DRAWN_UNITS for column in self._columns)
        colors = theme.colors()
        for number, column in enumerate(self._columns):
            column.header_item = QGraphicsSimpleTextItem(column.header)
            column.header_item.setFont(self._font(TICK_POINT_SIZE))
            scene.addItem(column.header_item)
            for index, label in enumerate(column.labels):
                unit = UnitItem(number, index, label)
                unit.setZValue(2)
                unit.set_colors(colors.muted_text, colors.plot_foreground)
                scene.addItem(unit)
                column.units.append(unit)
                if column.side:
                    text = QGraphicsSimpleTextItem(self._short_label(number, index))
                    text.setFont(self._font(TICK_POINT_SIZE))
                    scene.addItem(text)
                    column.texts.append(text)
        if self._drawn:
            for number in range(1, len(self._columns)):
                outs, ins = len(self._columns[number].units), len(self._columns[number - 1].units)
                lines = np.empty((outs, ins), dtype=object)
                for j in range(outs):
                    for i in range(ins):
                        line = QGraphicsLineItem()
                        line.setZValue(1)
                        scene.addItem(line)
                        lines[j, i] = line
                self._connections.append(lines)
        self._apply_text_colors()
        self._update_note()
        self._layout()

    def _output_labels(self, units: int) -> list[str]:
        names = self._class_names
        if self._task == "classification" and units > 1 and len(names) == units:
            return [QCoreApplication.translate("Plots", "class {name}").format(name=name) for name in names]
        if self._task == "classification" and units == 1 and len(names) == 2:
            return [QCoreApplication.translate("Plots", "output: p(class {name})").format(name=names[1])]
        return [
            QCoreApplication.translate("Plots", "output {index}").format(index=k + 1)
            if units > 1
            else QCoreApplication.translate("Plots", "output")
            for k in range(units)
        ]

    def _short_label(self, column: int, index: int) -> str:
        """The text beside an input or output map."""
        if column == 0:
            return self._columns[0].labels[index]
        names = self._class_names
        return names[index] if index < len(names) else str(index + 1)

    def _update_note(self) -> None:
        """One short line under the maps; the whole explanation is its tooltip."""
        if self._drawn:
            short = QCoreApplication.translate(
                "Plots", "Squares: each unit over the plane. Lines: weights. Hover a unit to see it large."
            )
            full = QCoreApplication.translate(
                "Plots",
                "Each square: a unit's output over the plane (orange negative, blue positive). Lines: "
                "weights (blue positive, orange negative, thicker = larger). Hover a unit to see it large.",
            )
        else:
            short = QCoreApplication.translate(
                "Plots",
                "Squares: each unit over the plane (no lines: layers of more than {limit} units). "
                "Hover a unit to see it large.",
            ).format(limit=MAX_DRAWN_UNITS)
            full = QCoreApplication.translate(
                "Plots",
                "Each square: a unit's output over the plane (orange negative, blue positive). Layers of more "
                "than {limit} units: maps only, no connections. Hover a unit to see it large.",
            ).format(limit=MAX_DRAWN_UNITS)
        self.note.setText(short)
        self.note.setToolTip(full)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self.note.setText("")

    # ---- layout (on resize and after building; moves items, never makes them) -------------------------
    def _layout(self) -> None:
        if not self._columns:
            return
        width, height = self.canvas.viewport().width(), self.canvas.viewport().height()
        tick = QFontMetrics(self._font(TICK_POINT_SIZE))
        title_height = QFontMetrics(self._font(TITLE_POINT_SIZE, bold=True)).height()
        self.title.setPos((width - self.title.boundingRect().width()) / 2, 2)
        pad = 6
        left = max((tick.horizontalAdvance(t.text()) for t in self._columns[0].texts), default=0) + 6
        right = max((tick.horizontalAdvance(t.text()) for c in self._columns[1:] for t in c.texts), default=0)
        right = right + 6 if right else 0
        top = 2 + title_height + 4 + tick.height() + 3
        room_w = max(10.0, width - 2 * pad - left - right)
        room_h = max(10.0, height - top - pad)
        side, subs = self._map_size(room_w, room_h)
        side = max(MIN_MAP_PIXELS, min(MAX_MAP_PIXELS, int(side)))
        self._map_pixels = side
        pitch = side * (1 + SPACING)
        gap = side * (CONNECTED_GAP if self._drawn else MAPS_ONLY_GAP)
        if self._drawn:
            gap = max(gap, 18.0)
        widths = [sub * pitch - side * SPACING for sub in subs]
        total = sum(widths) + gap * (len(widths) - 1)
        rows = [math.ceil(len(column.units) / sub) for column, sub in zip(self._columns, subs)]
        tallest = max(rows) * pitch - side * SPACING
        x = pad + left + max(0.0, (room_w - total) / 2)
        y0 = top + max(0.0, (room_h - tallest) / 2)
        for column, sub, column_width, count in zip(self._columns, subs, widths, rows):
            column.sub_columns = sub
            column_height = count * pitch - side * SPACING
            y = y0 + (tallest - column_height) / 2
            for index, unit in enumerate(column.units):
                row, col = divmod(index, sub)
                unit.set_rect(QRectF(x + col * pitch, y + row * pitch, side, side))
            for index, text in enumerate(column.texts):
                rect = column.units[index].rect
                box = text.boundingRect()
                tx = rect.left() - 4 - box.width() if column.side == "left" else rect.right() + 4
                text.setPos(tx, rect.center().y() - box.height() / 2)
            header = column.header_item
            if header is not None:  # made with the column's units
                limit = column_width + gap * 0.9
                header.setText(tick.elidedText(column.header, Qt.TextElideMode.ElideRight, int(max(limit, 12))))
                box = header.boundingRect()
                header.setPos(x + column_width / 2 - box.width() / 2, y0 - tick.height() - 3)
            x += column_width + gap
        for number, lines in enumerate(self._connections, start=1):
            targets, sources = self._columns[number].units, self._columns[number - 1].units
            for j, target in enumerate(targets):
                end = QPointF(target.rect.left(), target.rect.center().y())
                for i, source in enumerate(sources):
                    start = QPointF(source.rect.right(), source.rect.center().y())
                    lines[j, i].setLine(start.x(), start.y(), end.x(), end.y())

    def _map_size(self, room_w: float, room_h: float) -> tuple[float, list[int]]:
        """The largest map side that fits, and each column's sub-columns (big layers wrap)."""
        counts = [len(column.units) for column in self._columns]
        best: tuple[float, list[int]] = (0.0, [1] * len(counts))
        choices = [1] if self._drawn else range(1, MAX_SUB_COLUMNS + 1)
        gap = CONNECTED_GAP if self._drawn else MAPS_ONLY_GAP
        for k in choices:
            subs = [
                1 if number in (0, len(counts) - 1) and count <= 8 else min(k, count)
                for number, count in enumerate(counts)
            ]
            rows = max(math.ceil(count / sub) for count, sub in zip(counts, subs))
            across = sum(sub * (1 + SPACING) - SPACING for sub in subs) + gap * (len(subs) - 1)
            down = rows * (1 + SPACING) - SPACING
            side = min(room_w / across, room_h / down)
            if side > best[0] + 0.5:
                best = (side, subs)
        return best

    # ---- colouring and drawing (every refresh) --------------------------------------------------------
    def _colour(self, neurons: NeuronMaps) -> None:
        """Each column's values on its colour scale (t) and each unit's colour table."""
        colors = theme.colors()
        background = _rgb(colors.plot_background)
        diverging = diverging_lut(background)
        inputs = np.asarray(neurons.input_maps, dtype=np.float32)
        t = [inputs / symmetric_scale(inputs, axes=(1, 2))]  # each feature on its own scale
        luts = [[diverging] * len(inputs)]
        signed = [True]
        count = len(neurons.maps)
        for position, values in enumerate(neurons.maps):
            values = np.asarray(values, dtype=np.float32)
            if position == count - 1 and self._task == "classification":
                if values.shape[0] == 1:  # one logit: p(class 1) on the orange–blue scale, 0.5 in the middle
                    t.append(2.0 / (1.0 + np.exp(-np.clip(values, -60, 60))) - 1.0)
                    luts.append([diverging])
                    signed.append(True)
                    continue
                k = values.shape[0]
                shifted = values - np.nanmax(values, axis=0, keepdims=True)
                exp = np.exp(shifted)
                probabilities = exp / exp.sum(axis=0, keepdims=True)
                t.append(np.clip((probabilities - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0))
                luts.append([class_lut(background, CLASS_COLORS[i % len(CLASS_COLORS)]) for i in range(k)])
                signed.append(False)
                continue
            t.append(values / symmetric_scale(values))  # one scale per layer: weak units look weak
            luts.append([diverging] * values.shape[0])
            signed.append(True)
        self._t, self._luts, self._signed = t, luts, signed

    def _show_pictures(self) -> None:
        for column, values, luts, signed in zip(self._columns, self._t, self._luts, self._signed):
            indices = _indices(values[:, ::-1, :], signed)  # top row = highest x2
            if all(lut is luts[0] for lut in luts):
                pictures = luts[0][indices]
                for unit, picture in zip(column.units, pictures):
                    unit.setImage(picture)
            else:
                for unit, index, lut in zip(column.units, indices, luts):
                    unit.setImage(lut[index])

    def _set_pens(self) -> None:
        """Width and colour of every connection by its weight; the hovered unit's stand out."""
        if not self._drawn or self._maps is None:
            return
        weights = [np.asarray(w, dtype=np.float32) for w in self._maps.weights[: len(self._connections)]]
        finite = [np.abs(w[np.isfinite(w)]) for w in weights]
        peak = max((float(w.max()) for w in finite if w.size), default=1.0) or 1.0
        hover = self._hover
        for number, (lines, w) in enumerate(zip(self._connections, weights), start=1):
            if w.shape != lines.shape:
                for line in lines.flat:
                    line.setVisible(False)
                continue
            size = np.clip(np.nan_to_num(np.abs(w) / peak), 0.0, 1.0)
            for (j, i), line in np.ndenumerate(lines):
                value = float(w[j, i])
                strength = float(size[j, i])
                color = QColor(*(HIGH_COLOR if value >= 0 else LOW_COLOR).astype(int).tolist())
                alpha = 70 + 185 * strength
                if hover is not None and not (
                    (hover[0] == number and hover[1] == j) or (hover[0] == number - 1 and hover[1] == i)
                ):
                    alpha *= 0.25
                color.setAlpha(int(alpha))
                pen = QPen(color, 0.6 + 5.4 * strength)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                line.setPen(pen)
                line.setVisible(True)

    # ---- hover ----------------------------------------------------------------------------------------
    def unit_at(self, point: QPointF | None) -> tuple[int, int] | None:
        """(column, unit) under a scene point, or None."""
        if point is None:
            return None
        for number, column in enumerate(self._columns):
            for index, unit in enumerate(column.units):
                if unit.rect.adjusted(-1, -1, 1, 1).contains(point):
                    return number, index
        return None

    def hover_at(self, point: QPointF | None) -> None:
        self._set_hover(self.unit_at(point) if self._maps is not None else None)

    def hover_unit(self, column: int | None, index: int = 0) -> None:
        """Hover a unit by position (None: leave), as the mouse would."""
        self._set_hover(None if column is None else (column, index))

    def _set_hover(self, target: tuple[int, int] | None) -> None:
        if target == self._hover:
            return
        previous, self._hover = self._hover, target
        for key, on in ((previous, False), (target, True)):
            if key is not None and key[0] < len(self._columns) and key[1] < len(self._columns[key[0]].units):
                self._columns[key[0]].units[key[1]].set_highlighted(on)
        self._set_pens()
        self._emit_hover()

    def _emit_hover(self) -> None:
        target = self._hover
        if target is None or not self._t or target[0] >= len(self._t):
            self.unit_hovered.emit(None, "")
            return
        column, index = target
        values = self._t[column][index]
        lut = self._luts[column][index]
        big = upsample(values, HOVER_ZOOM)
        self.unit_hovered.emit(lut[_indices(big, self._signed[column])], self.hovered_label())

    def hovered(self) -> tuple[int, int] | None:
        return self._hover

    def hovered_label(self) -> str:
        if self._hover is None:
            return ""
        column, index = self._hover
        return self._columns[column].labels[index]

    def tooltip_at(self, point: QPointF) -> str:
        """The unit's name and range, or the weight of the connection under the mouse."""
        maps = self._maps
        target = self.unit_at(point)
        if target is not None and maps is not None and maps.input_maps is not None:  # (`refresh` keeps no other)
            column, index = target
            values = maps.input_maps[index] if column == 0 else maps.maps[column - 1][index]
            return QCoreApplication.translate("Plots", "{label}: from {low:.3g} to {high:.3g} over the plane").format(
                label=self._columns[column].labels[index], low=float(np.nanmin(values)), high=float(np.nanmax(values))
            )
        if not self._drawn or maps is None:
            return ""
        for number, lines in enumerate(self._connections, start=1):
            for (j, i), line in np.ndenumerate(lines):
                segment = line.line()
                if _distance(point, segment.p1(), segment.p2()) <= max(3.0, line.pen().widthF() / 2 + 1):
                    weight = float(maps.weights[number - 1][j, i])
                    return QCoreApplication.translate("Plots", "{source} → {target}: weight {weight:.3g}").format(
                        source=self._columns[number - 1].labels[i],
                        target=self._columns[number].labels[j],
                        weight=weight,
                    )
        return ""

    # ---- theme ----------------------------------------------------------------------------------------
    def _on_theme_changed(self, _name: str) -> None:
        self._apply_theme()
        if self._maps is not None:
            self._colour(self._maps)
            self._show_pictures()
            self._set_pens()

    def _apply_theme(self) -> None:
        colors = theme.colors()
        self.canvas.setBackgroundBrush(QBrush(QColor(colors.plot_background)))
        self.title.setBrush(QBrush(QColor(colors.plot_foreground)))
        self.note.setStyleSheet(f"QLabel#networkNote {{ color: {colors.muted_text}; }}")
        self.message.setStyleSheet(
            f"QLabel#networkMessage {{ color: {colors.muted_text}; background: {colors.plot_background}; }}"
        )
        self._apply_text_colors()

    def _apply_text_colors(self) -> None:
        colors = theme.colors()
        brush = QBrush(QColor(colors.plot_foreground))
        for column in self._columns:
            for item in [*column.texts, column.header_item]:
                if item is not None:
                    item.setBrush(brush)
            for unit in column.units:
                unit.set_colors(colors.muted_text, colors.plot_foreground)

    # ---- reading back (tests, the panel) ---------------------------------------------------------------
    def has_maps(self) -> bool:
        return self._maps is not None

    def maps(self) -> NeuronMaps | None:
        """The maps drawn now."""
        return self._maps

    def columns(self) -> list[tuple[str, int]]:
        """(name, units) of each column drawn, input to output."""
        return [(column.name, len(column.units)) for column in self._columns]

    def unit_items(self, column: int) -> list[UnitItem]:
        return list(self._columns[column].units)

    def column_labels(self, column: int) -> list[str]:
        """The texts beside the column's maps (features, classes) and its header."""
        item = self._columns[column].header_item
        return [item.text() if item is not None else "", *(text.text() for text in self._columns[column].texts)]

    def connections(self) -> list[np.ndarray]:
        """Per layer: the (out, in) line items (empty when only maps are drawn)."""
        return list(self._connections)

    def draws_connections(self) -> bool:
        return self._drawn

    def reason(self) -> str | None:
        return self._reason

    def message_text(self) -> str:
        """What the view says instead of maps ('' while it shows them)."""
        return self.message.text() if self.stack.currentWidget() is self.message else ""

    def note_text(self) -> str:
        return self.note.text()

    def map_pixels(self) -> int:
        """The side of one unit's map on screen, in pixels."""
        return self._map_pixels

    def update_count(self) -> int:
        return self._updates

    def paint_seconds(self) -> float:
        return self.canvas.paint_cost.seconds

    def export(self, path: str | Path) -> None:
        self.refresh()
        export_widget(self, path)


def _distance(point: QPointF, a: QPointF, b: QPointF) -> float:
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length = dx * dx + dy * dy
    if length <= 0:
        return math.hypot(point.x() - a.x(), point.y() - a.y())
    s = max(0.0, min(1.0, ((point.x() - a.x()) * dx + (point.y() - a.y()) * dy) / length))
    return math.hypot(point.x() - a.x() - s * dx, point.y() - a.y() - s * dy)
