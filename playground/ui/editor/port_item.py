"""A node's connection point: one input port on the left, one output port on the right (on the
top and bottom edges when the graph runs top-down).

Merge nodes (Add, Concat) take several edges into one longer input port; their edges enter it
spread out in edge order, which is the order Concat joins its inputs in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from playground.ui.editor.hover import HoverHighlight

if TYPE_CHECKING:
    from playground.ui.editor.node_item import NodeItem

PORT_RADIUS = 5.0
HIT_RADIUS = 10.0  # generous, so a port is easy to grab at any zoom
MERGE_PORT_HEIGHT = 34.0


class PortItem(HoverHighlight, QGraphicsItem):
    """Input (`is_output` False) or output port of a `NodeItem`, drawn on the card's edge."""

    def __init__(self, node: NodeItem, is_output: bool, multiple: bool = False):
        super().__init__(node)
        self.node = node
        self.is_output = is_output
        self.multiple = multiple  # accepts several edges (merge nodes)
        self.state: str | None = None  # None, "valid" or "invalid" while a connection is dragged over it
        self.across = False  # on a top or bottom edge: a merge port runs sideways
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)

    @property
    def node_id(self) -> str:
        return self.node.node_id

    def half_height(self) -> float:
        """Half the port's length along the card's edge."""
        return MERGE_PORT_HEIGHT / 2 if self.multiple else PORT_RADIUS

    def set_across(self, across: bool) -> None:
        if across != self.across:
            self.prepareGeometryChange()
            self.across = across
            self.update()

    def boundingRect(self) -> QRectF:
        half = max(self.half_height(), HIT_RADIUS)
        if self.across:
            return QRectF(-half, -HIT_RADIUS, 2 * half, 2 * HIT_RADIUS)
        return QRectF(-HIT_RADIUS, -half, 2 * HIT_RADIUS, 2 * half)

    def anchor(self, index: int = 0, count: int = 1) -> QPointF:
        """Scene point where edge number `index` of `count` attaches."""
        offset = 0.0
        if self.multiple and count > 1:
            span = MERGE_PORT_HEIGHT - 10
            offset = -span / 2 + span * index / (count - 1)
        return self.mapToScene(QPointF(offset, 0.0) if self.across else QPointF(0.0, offset))

    def set_state(self, state: str | None) -> None:
        if state != self.state:
            self.state = state
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        colors = self.node.colors()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = colors.port
        if self.state == "valid":
            fill = colors.port_valid
        elif self.state == "invalid":
            fill = colors.error
        elif self._hovered:
            fill = colors.highlight
        grow = 1.5 if (self._hovered or self.state) else 0.0
        painter.setPen(QPen(colors.card, 1.5))
        painter.setBrush(QBrush(fill))
        radius = PORT_RADIUS + grow
        if self.multiple:
            half = self.half_height() + grow
            shape = (
                QRectF(-half, -radius, 2 * half, 2 * radius)
                if self.across
                else QRectF(-radius, -half, 2 * radius, 2 * half)
            )
            painter.drawRoundedRect(shape, radius, radius)
        else:
            painter.drawEllipse(QPointF(0, 0), radius, radius)
