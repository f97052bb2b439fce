"""A connection between two nodes: a cubic curve with an arrow, labelled with the tensor it carries.

The label (the source node's output shape) is drawn at the curve's middle when there is room
for it between the cards; where it would cover a card it is left out (the card itself shows
the shape, and the edge's tooltip always does).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

from playground.ui.editor.hover import HoverHighlight
from playground.ui.editor.port_item import PORT_RADIUS

if TYPE_CHECKING:
    from playground.ui.editor.node_item import NodeItem

ARROW_LENGTH = 9.0
# Cards this far above or below an edge's ends (besides their vertical span) may block it; a detour
# runs just outside the cards in its way, so nothing further off matters.
OBSTACLE_MARGIN = 400.0
ARROW_HALF_WIDTH = 4.5


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal-tangent cubic from `start` to `end`; backward edges loop around."""
    dx = end.x() - start.x()
    reach = max(40.0, abs(dx) * 0.5) if dx >= 0 else max(80.0, abs(dx) * 0.35 + abs(end.y() - start.y()) * 0.2)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + reach, start.y()), QPointF(end.x() - reach, end.y()), end)
    return path


def _bend(path: QPainterPath, start: QPointF, end: QPointF) -> None:
    """Append a smooth S from `start` (the path's current point) to `end`, horizontal at both ends."""
    middle = (start.x() + end.x()) / 2
    path.cubicTo(QPointF(middle, start.y()), QPointF(middle, end.y()), end)


def _hits(path: QPainterPath, obstacles: list[QRectF]) -> bool:
    stroker = QPainterPathStroker()
    stroker.setWidth(2.0)
    stroke = stroker.createStroke(path)
    return any(stroke.intersects(rect) for rect in obstacles)


def route(start: QPointF, end: QPointF, obstacles: list[QRectF]) -> QPainterPath:
    """The plain curve, or, when it would run behind other cards, a path around them.

    Tried in order: the curve; flat along the source's row then a bend into the target; a bend
    out of the source then flat along the target's row; a detour above or below every card in
    the way. Long residual shortcuts thus stay visible beside the branch they skip.
    """
    default = curve(start, end)
    dx = end.x() - start.x()
    if dx <= 0 or not obstacles or not _hits(default, obstacles):
        return default
    bend = min(80.0, dx / 2)
    flat_first = QPainterPath(start)
    flat_first.lineTo(end.x() - bend, start.y())
    _bend(flat_first, QPointF(end.x() - bend, start.y()), end)
    if not _hits(flat_first, obstacles):
        return flat_first
    bend_first = QPainterPath(start)
    _bend(bend_first, start, QPointF(start.x() + bend, end.y()))
    bend_first.lineTo(end)
    if not _hits(bend_first, obstacles):
        return bend_first
    span = [rect for rect in obstacles if rect.right() > start.x() and rect.left() < end.x()] or obstacles
    below = max(rect.bottom() for rect in span) + 18.0
    above = min(rect.top() for rect in span) - 18.0
    middle = (start.y() + end.y()) / 2
    level = below if abs(below - middle) <= abs(above - middle) else above
    detour = QPainterPath(start)
    _bend(detour, start, QPointF(start.x() + bend, level))
    detour.lineTo(end.x() - bend, level)
    _bend(detour, QPointF(end.x() - bend, level), end)
    return detour


class EdgeItem(HoverHighlight, QGraphicsItem):
    def __init__(self, source: "NodeItem", target: "NodeItem"):
        super().__init__()
        self.source = source
        self.target = target
        self.label = ""
        self.label_visible = True
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(0.0)
        self._path = QPainterPath()
        self._end = QPointF()
        self._label_rect = QRectF()
        self._bounds = QRectF()
        self.update_path()

    @property
    def key(self) -> tuple[str, str]:
        return self.source.node_id, self.target.node_id

    def _target_index(self) -> tuple[int, int]:
        """This edge's slot among the edges entering its target (merge nodes spread them out)."""
        incoming = [edge for edge in self.target.edges if edge.target is self.target]
        if len(incoming) == 1:
            return 0, 1
        scene = self.scene()
        if scene is not None and hasattr(scene, "incoming_order"):
            order = scene.incoming_order(self.target.node_id)
            incoming.sort(key=lambda edge: order.index(edge.source.node_id) if edge.source.node_id in order else 0)
        return (incoming.index(self) if self in incoming else 0), max(1, len(incoming))

    def update_path(self) -> None:
        self.prepareGeometryChange()
        start = self.source.output_anchor()
        index, count = self._target_index()
        end = self.target.input_anchor(index, count)
        end = QPointF(end.x() - PORT_RADIUS - 1.0, end.y())  # the tip touches the port's rim
        self._end = end
        # stop short of the port so the arrow tip touches it
        tip = QPointF(end.x() - ARROW_LENGTH, end.y())
        self._path = route(start, tip, self._obstacles(start, tip))
        self._path.lineTo(end)
        self._update_label_rect()
        self._update_bounds()
        self.update()

    def _update_bounds(self) -> None:
        self._bounds = self._path.boundingRect().adjusted(-8, -8, 8, 8)
        if not self._label_rect.isEmpty():
            self._bounds = self._bounds.united(self._label_rect.adjusted(-2, -2, 2, 2))

    def path(self) -> QPainterPath:
        """The drawn curve, in scene coordinates."""
        return QPainterPath(self._path)

    def _obstacles(self, start: QPointF, end: QPointF) -> list[QRectF]:
        """Cards this edge should not run behind (all but its own two ends) near its way from
        `start` to `end`; the scene's spatial index finds them without looking at every card."""
        scene = self.scene()
        if scene is None or not hasattr(scene, "cards_in"):
            return []
        reach = abs(end.y() - start.y()) + OBSTACLE_MARGIN
        area = QRectF(QPointF(min(start.x(), end.x()), min(start.y(), end.y()) - reach),
                      QPointF(max(start.x(), end.x()), max(start.y(), end.y()) + reach))
        return [item.mapRectToScene(item.card_rect()).adjusted(-6.0, -6.0, 6.0, 6.0)
                for item in scene.cards_in(area) if item is not self.source and item is not self.target]

    def set_label(self, text: str) -> None:
        if text != self.label:
            self.label = text
            self.prepareGeometryChange()
            self._update_label_rect()
            self._update_bounds()
            self.update()
        self.setToolTip(text)

    def set_label_visible(self, visible: bool) -> None:
        if visible != self.label_visible:
            self.label_visible = visible
            self.update()

    def label_font(self) -> QFont:
        scene = self.scene()
        font = QFont(scene.font()) if scene is not None else QFont()
        font.setPointSizeF(7.5)
        return font

    def _update_label_rect(self) -> None:
        if not self.label:
            self._label_rect = QRectF()
            return
        metrics = QFontMetricsF(self.label_font())
        width = metrics.horizontalAdvance(self.label) + 10
        height = metrics.height() + 4
        middle = self._path.pointAtPercent(0.5)
        self._label_rect = QRectF(middle.x() - width / 2, middle.y() - height / 2, width, height)

    def label_rect(self) -> QRectF:
        """Scene rectangle the label takes (edges are top-level items: item = scene coordinates)."""
        return QRectF(self._label_rect)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(12.0)
        shape = stroker.createStroke(self._path)
        if self.label and self.label_visible:
            shape.addRect(self._label_rect)
        return shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        colors = self.source.colors()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = colors.highlight if (self.isSelected() or self._hovered) else colors.edge
        width = 2.6 if self.isSelected() else 1.6
        painter.setPen(QPen(color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)

        # arrow head along the final tangent
        angle = math.radians(-self._path.angleAtPercent(1.0))
        tip = self._end
        back = QPointF(tip.x() - ARROW_LENGTH * math.cos(angle), tip.y() - ARROW_LENGTH * math.sin(angle))
        normal = QPointF(-math.sin(angle) * ARROW_HALF_WIDTH, math.cos(angle) * ARROW_HALF_WIDTH)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawPolygon(QPolygonF([tip, back + normal, back - normal]))

        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if self.label and self.label_visible and lod >= 0.55:
            painter.setPen(QPen(color if self.isSelected() else colors.card_border, 0.8))
            painter.setBrush(colors.edge_label_background)
            painter.drawRoundedRect(self._label_rect, 4.0, 4.0)
            painter.setFont(self.label_font())
            painter.setPen(colors.text if self.isSelected() else colors.dim_text)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self.label)


class ConnectionLine(QGraphicsPathItem):
    """The rubber band that follows the mouse while a connection is dragged."""

    def __init__(self, start: QPointF, from_output: bool, color):
        super().__init__()
        self.start = start
        self.from_output = from_output
        pen = QPen(color, 2.0, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
        self.setPen(pen)
        self.setZValue(3.0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.follow(start)

    def follow(self, point: QPointF) -> None:
        if self.from_output:
            self.setPath(curve(self.start, point))
        else:
            self.setPath(curve(point, self.start))
