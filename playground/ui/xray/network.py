"""A small drawing of a dense network for the X-ray: units as circles, weights as lines, the
current layer and unit highlighted, and the numbers of the current phase beside the units."""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.core.xray import XrayTrace, format_number
from playground.core.xray.stages import Stage
from playground.ui import theme
from playground.ui.plots import style

NEGATIVE, POSITIVE = style.STANDARD_CLASS_COLORS[0], style.STANDARD_CLASS_COLORS[1]  # TF Playground's orange/blue


class NetworkDrawing(QWidget):
    """Draws `trace.layers` for one sample; emits which unit or weight the user clicked."""

    unit_clicked = Signal(int, int)  # layer index (−1: the inputs), unit
    weight_clicked = Signal(int, int, int)  # layer index, unit, input

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: XrayTrace | None = None
        self.stage: Stage | None = None
        self.sample = 0
        self.unit = 0
        self.weight: tuple[int, int, int] | None = None  # (layer, unit, input) under the gradient check
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)

    def sizeHint(self) -> QSize:
        return QSize(640, 300)

    def show_state(self, trace: XrayTrace, stage: Stage | None, sample: int, unit: int) -> None:
        self.trace, self.stage, self.sample, self.unit = trace, stage, sample, unit
        self.update()

    def set_weight(self, weight: tuple[int, int, int] | None) -> None:
        self.weight = weight
        self.update()

    # ---- geometry --------------------------------------------------------------------------------
    def _columns(self) -> list[int]:
        assert self.trace is not None
        layers = self.trace.layers
        return [layers[0].fan_in, *(layer.units for layer in layers)]

    def _radius(self) -> float:
        columns = self._columns()
        tallest = max(columns)
        return max(5.0, min(16.0, (self.height() - 40) / (2.6 * tallest)))

    def _position(self, column: int, unit: int) -> QPointF:
        columns = self._columns()
        margin_x, top, bottom = 46.0, 24.0, 18.0
        width = max(1.0, self.width() - 2 * margin_x)
        x = margin_x + (width * column / max(1, len(columns) - 1) if len(columns) > 1 else width / 2)
        height = self.height() - top - bottom
        count = columns[column]
        y = top + height * (unit + 0.5) / count
        return QPointF(x, y)

    # ---- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colors = theme.colors()
        painter.fillRect(self.rect(), QColor(colors.base))
        if self.trace is None or not self.trace.layers:
            painter.end()
            return
        trace, n = self.trace, self.sample
        current = self.stage.layer if self.stage is not None else None
        phase = self.stage.phase if self.stage is not None else "forward"
        radius = self._radius()
        largest = max(float(abs(layer.weight).max()) for layer in trace.layers) or 1.0
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        painter.setFont(small)
        # weights
        for layer in trace.layers:
            for j in range(layer.units):
                for i in range(layer.fan_in):
                    w = float(layer.weight[j, i])
                    focus = current == layer.index and j == self.unit
                    color = QColor(POSITIVE if w >= 0 else NEGATIVE)
                    color.setAlpha(230 if focus else 90 if current == layer.index else 55)
                    width = 0.6 + 3.2 * abs(w) / largest
                    if self.weight == (layer.index, j, i):
                        color = QColor(colors.highlight)
                        width += 2.0
                    painter.setPen(QPen(color, width))
                    painter.drawLine(self._position(layer.index, i), self._position(layer.index + 1, j))
        # labels on the focused unit's incoming weights (gradient or update)
        if current is not None and phase in ("backward", "update") and current < len(trace.layers):
            layer = trace.layers[current]
            if self.unit < layer.units and layer.fan_in <= 8:
                painter.setPen(QColor(colors.text))
                for i in range(layer.fan_in):
                    a, b = self._position(layer.index, i), self._position(layer.index + 1, self.unit)
                    middle = a * 0.35 + b * 0.65
                    weight_value = (
                        float(layer.grad_weight[self.unit, i])
                        if phase == "backward"
                        else float(layer.weight_update.step[self.unit, i])
                    )
                    label = ("∂L/∂w " if phase == "backward" else "Δw ") + format_number(weight_value, 3)
                    self._label(painter, middle + QPointF(0, -7), label, colors.base)
        # units
        columns = self._columns()
        for column, count in enumerate(columns):
            for unit in range(count):
                centre = self._position(column, unit)
                value = self._unit_value(column, unit, phase, n)
                focus = current is not None and column == current + 1 and unit == self.unit
                in_layer = current is not None and column == current + 1
                fill = QColor(colors.alternate_base)
                if value is not None and math.isfinite(value):
                    tint = QColor(POSITIVE if value >= 0 else NEGATIVE)
                    tint.setAlphaF(min(0.85, 0.15 + 0.7 * min(1.0, abs(value))))
                    fill = tint
                painter.setBrush(fill)
                outline = QColor(colors.highlight) if in_layer else QColor(colors.muted_text)
                painter.setPen(QPen(outline, 3.0 if focus else 1.6 if in_layer else 1.0))
                painter.drawEllipse(centre, radius, radius)
                if value is not None:
                    painter.setPen(QColor(colors.highlight if focus else colors.text))
                    text = format_number(value, 3)
                    # dense columns: beside the circle, else below it
                    beside = radius < 10
                    offset = QPointF(radius + 4 + painter.fontMetrics().horizontalAdvance(text) / 2 + 3, 0)
                    self._label(painter, centre + (offset if beside else QPointF(0, radius + 8)), text, colors.base)
        # column captions
        painter.setPen(QColor(colors.muted_text))
        captions = [QCoreApplication.translate("XrayNetwork", "inputs"), *(layer.node_id for layer in trace.layers)]
        for column, caption in enumerate(captions):
            point = self._position(column, 0)
            rect = QRectF(point.x() - 60, 2, 120, 16)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, caption)
        painter.end()

    def _label(self, painter: QPainter, centre: QPointF, text: str, background: str) -> None:
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(text) + 6
        height = metrics.height()
        rect = QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)
        fill = QColor(background)
        fill.setAlpha(210)
        pen = painter.pen()
        painter.fillRect(rect, fill)
        painter.setPen(pen)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _unit_value(self, column: int, unit: int, phase: str, n: int) -> float | None:
        """The number a unit shows: its input x, then a (forward) or δ (backward, update)."""
        assert self.trace is not None
        layers = self.trace.layers
        if column == 0:
            return float(layers[0].inputs[n, unit])
        layer = layers[column - 1]
        stage = self.stage
        if phase in ("backward", "update"):
            if phase == "backward" and stage is not None and stage.layer is not None and column - 1 < stage.layer:
                return None  # not reached yet by the backward pass
            return float(layer.delta[n, unit])
        if stage is not None and stage.layer is not None and phase == "forward":
            if column - 1 > stage.layer:
                return None  # not computed yet
            if column - 1 == stage.layer and stage.op is None:
                return float(layer.z[n, unit])
        return float(layer.outputs[n, unit])

    # ---- clicks ----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self.trace is None or not self.trace.layers:
            return
        point = event.position()
        radius = self._radius()
        for column, count in enumerate(self._columns()):
            for unit in range(count):
                if (self._position(column, unit) - point).manhattanLength() <= radius * 1.5:
                    self.unit_clicked.emit(column - 1, unit)
                    return
        best: tuple[float, tuple[int, int, int]] | None = None
        for layer in self.trace.layers:
            for j in range(layer.units):
                for i in range(layer.fan_in):
                    distance = _distance(point, self._position(layer.index, i), self._position(layer.index + 1, j))
                    if distance <= 5 and (best is None or distance < best[0]):
                        best = (distance, (layer.index, j, i))
        if best is not None:
            self.weight_clicked.emit(*best[1])


def _distance(p: QPointF, a: QPointF, b: QPointF) -> float:
    """Distance from p to the segment ab."""
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / length))
    return math.hypot(p.x() - (a.x() + t * dx), p.y() - (a.y() + t * dy))
