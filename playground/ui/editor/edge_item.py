"""A connection between two nodes: a cubic curve with an arrow, labelled with the tensor it carries.

The label (the source node's output shape) is drawn at the curve's middle when there is room
for it between the cards; where it would cover a card it is left out (the card itself shows
the shape, and the edge's tooltip always does).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

from playground.ui.editor.hover import HoverHighlight
from playground.ui.editor.port_item import PORT_RADIUS

if TYPE_CHECKING:
    from playground.ui.editor.node_item import NodeItem

ARROW_LENGTH = 9.0
TRANSPOSE = QTransform(0.0, 1.0, 1.0, 0.0, 0.0, 0.0)  # (x, y) -> (y, x): top-down <-> left to right
# Cards this far above or below an edge's ends (besides their vertical span) may block it; a detour
# runs just outside the cards in its way, so nothing further off matters.
OBSTACLE_MARGIN = 400.0
ARROW_HALF_WIDTH = 4.5
# An edge keeps this far from a card it does not connect (the card's outline, its shadow and its
# selection ring stay clear of the line); a detour is planned with a little more room than that.
CARD_CLEARANCE = 10.0
CARD_CLEARANCE_TOP_DOWN = 16.0
ROUTE_GAP = 12.0
CORNER_RADIUS = 14.0
BEND_COST = 40.0  # a detour's turn costs as much as this much more length
OUTER_GAP = 24.0  # a detour may pass this far outside all the cards in its way
_HORIZONTAL, _VERTICAL = 0, 1  # the heading of a detour's run


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


def rounded_polyline(points: list[QPointF], radius: float = CORNER_RADIUS) -> QPainterPath:
    """`points` joined by straight runs whose corners are rounded (at most half of each run)."""
    path = QPainterPath(points[0])
    for index in range(1, len(points) - 1):
        before, corner, after = points[index - 1], points[index], points[index + 1]
        into = math.hypot(corner.x() - before.x(), corner.y() - before.y())
        out = math.hypot(after.x() - corner.x(), after.y() - corner.y())
        r = min(radius, into / 2, out / 2)
        if r <= 0.5:
            path.lineTo(corner)
            continue
        entry = corner + (before - corner) * (r / into)
        leave = corner + (after - corner) * (r / out)
        path.lineTo(entry)
        path.quadTo(corner, leave)
    path.lineTo(points[-1])
    return path


def _orthogonal_points(start: QPointF, end: QPointF, blocks: list[QRectF]) -> list[QPointF] | None:
    """The cheapest path of horizontal and vertical runs from `start` (left heading right) to `end`
    (entered heading right) that stays out of every block's inside, or None when there is none.

    The runs follow a grid of the blocks' sides, the middles between them and the two ends, so a
    detour keeps to the middle of the gap between two rows or columns of cards; each turn costs
    as much as `BEND_COST` of length, which keeps detours to a few turns.
    """
    xs_set = {start.x(), end.x()}
    ys_set = {start.y(), end.y()}
    for rect in blocks:
        xs_set.update((rect.left(), rect.right()))
        ys_set.update((rect.top(), rect.bottom()))
    sides_x, sides_y = set(xs_set) - {start.x(), end.x()}, set(ys_set) - {start.y(), end.y()}
    for values in (xs_set, ys_set):
        low, high = min(values), max(values)
        values.update((low - OUTER_GAP, high + OUTER_GAP))
        ordered = sorted(values)
        values.update((a + b) / 2 for a, b in itertools.pairwise(ordered) if b - a > 2.0)
    xs, ys = sorted(xs_set), sorted(ys_set)
    nx, ny = len(xs), len(ys)
    inside = np.zeros((nx, ny), dtype=bool)  # grid points strictly inside a block
    across_x = np.zeros((max(nx - 1, 0), ny), dtype=bool)  # run xs[i] → xs[i + 1] at ys[j] cuts a block
    across_y = np.zeros((nx, max(ny - 1, 0)), dtype=bool)  # run ys[j] → ys[j + 1] at xs[i] cuts a block
    for rect in blocks:
        i0, i1 = bisect.bisect_right(xs, rect.left()), bisect.bisect_left(xs, rect.right())
        j0, j1 = bisect.bisect_right(ys, rect.top()), bisect.bisect_left(ys, rect.bottom())
        inside[i0:i1, j0:j1] = True
        k0, k1 = bisect.bisect_left(xs, rect.left()), bisect.bisect_left(xs, rect.right())
        across_x[k0:k1, j0:j1] = True
        m0, m1 = bisect.bisect_left(ys, rect.top()), bisect.bisect_left(ys, rect.bottom())
        across_y[i0:i1, m0:m1] = True
    si, sj = xs.index(start.x()), ys.index(start.y())
    ei, ej = xs.index(end.x()), ys.index(end.y())
    if inside[si, sj] or inside[ei, ej]:
        return None
    # a run along a block's side is allowed, but one down the middle of a gap is preferred
    weight_y = [1.25 if y in sides_y else 1.0 for y in ys]  # horizontal runs at this y
    weight_x = [1.25 if x in sides_x else 1.0 for x in xs]  # vertical runs at this x
    best: dict[tuple[int, int, int], float] = {(si, sj, _HORIZONTAL): 0.0}
    came: dict[tuple[int, int, int], tuple[int, int, int]] = {}
    queue: list[tuple[float, int, int, int]] = [(0.0, si, sj, _HORIZONTAL)]
    goal: tuple[int, int, int] | None = None
    while queue:
        cost, i, j, heading = heapq.heappop(queue)
        if cost > best.get((i, j, heading), math.inf):
            continue
        if (i, j) == (ei, ej):
            if heading == _HORIZONTAL:
                goal = (i, j, heading)
                break
            turn = (i, j, _HORIZONTAL)
            if cost + BEND_COST < best.get(turn, math.inf):
                best[turn] = cost + BEND_COST
                came[turn] = (i, j, heading)
                heapq.heappush(queue, (cost + BEND_COST, i, j, _HORIZONTAL))
            continue
        steps = []
        if i + 1 < nx and not across_x[i, j] and not inside[i + 1, j]:
            steps.append((i + 1, j, _HORIZONTAL, (xs[i + 1] - xs[i]) * weight_y[j]))
        if i > 0 and not across_x[i - 1, j] and not inside[i - 1, j]:
            steps.append((i - 1, j, _HORIZONTAL, (xs[i] - xs[i - 1]) * weight_y[j]))
        if j + 1 < ny and not across_y[i, j] and not inside[i, j + 1]:
            steps.append((i, j + 1, _VERTICAL, (ys[j + 1] - ys[j]) * weight_x[i]))
        if j > 0 and not across_y[i, j - 1] and not inside[i, j - 1]:
            steps.append((i, j - 1, _VERTICAL, (ys[j] - ys[j - 1]) * weight_x[i]))
        for ni, nj, step_heading, length in steps:
            total = cost + length + (BEND_COST if step_heading != heading else 0.0)
            state = (ni, nj, step_heading)
            if total < best.get(state, math.inf):
                best[state] = total
                came[state] = (i, j, heading)
                heapq.heappush(queue, (total, ni, nj, step_heading))
    if goal is None:
        return None
    cells = [goal]
    while cells[-1] in came:
        cells.append(came[cells[-1]])
    return _corners([QPointF(xs[i], ys[j]) for i, j, _ in reversed(cells)])


def _corners(points: list[QPointF]) -> list[QPointF]:
    """`points` without repeats and without the points in the middle of a straight run."""
    kept: list[QPointF] = []
    for point in points:
        if kept and kept[-1] == point:
            continue
        straight = len(kept) >= 2 and (
            kept[-2].x() == kept[-1].x() == point.x() or kept[-2].y() == kept[-1].y() == point.y()
        )
        if straight:
            kept[-1] = point
        else:
            kept.append(point)
    return kept


def detour(start: QPointF, end: QPointF, obstacles: list[QRectF], ends: list[QRectF]) -> QPainterPath | None:
    """A path of straight runs with rounded corners around `obstacles` (and the edge's own two
    cards, `ends`, which it leaves and enters from the side of their ports), or None.

    The rectangles are cards grown by `CARD_CLEARANCE`; the plan keeps `ROUTE_GAP` from the
    cards, so the rounded corners still clear them."""
    grow = ROUTE_GAP - CARD_CLEARANCE  # the rectangles come grown by CARD_CLEARANCE already
    blocks = [rect.adjusted(-grow, -grow, grow, grow) for rect in obstacles + ends]
    source_edge = max((rect.right() for rect in blocks if rect.contains(start)), default=start.x())
    target_edge = min((rect.left() for rect in blocks if rect.contains(end)), default=end.x())
    out = QPointF(max(start.x(), source_edge) + 4.0, start.y())
    into = QPointF(min(end.x(), target_edge) - 4.0, end.y())
    points = _orthogonal_points(out, into, blocks)
    if points is None:
        return None
    cleaned = _corners([start, *points, end])
    for radius in (CORNER_RADIUS, CORNER_RADIUS / 2, 0.0):
        path = rounded_polyline(cleaned, radius)
        if not _hits(path, obstacles):
            return path
    return None


def route(start: QPointF, end: QPointF, obstacles: list[QRectF], ends: list[QRectF] | None = None) -> QPainterPath:
    """The plain curve, or, when it would run behind other cards, a path around them.

    Tried in order: the curve; flat along the source's row then a bend into the target; a bend
    out of the source then flat along the target's row; runs with rounded corners through the
    gaps between the cards (`detour`). Long residual shortcuts thus stay visible beside the
    branch they skip, and no edge is drawn behind a card it does not connect.
    """
    default = curve(start, end)
    if not obstacles or not _hits(default, obstacles):
        return default
    dx = end.x() - start.x()
    if dx > 0:
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
    around = detour(start, end, obstacles, ends or [])
    return around if around is not None else default


class EdgeItem(HoverHighlight, QGraphicsItem):
    def __init__(self, source: NodeItem, target: NodeItem):
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
        self._route_key: tuple | None = None
        self._route_path = QPainterPath()
        self._flip: QTransform | None = None  # top-down: the mirror that routes it as left to right
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
        """Route from the source's output to the target's input. A top-down graph is routed as
        its mirror image across the diagonal, where it runs left to right, and mirrored back."""
        self.prepareGeometryChange()
        self._flip = TRANSPOSE if self.source.direction == "top_down" else None
        start = self._space(self.source.output_anchor())
        index, count = self._target_index()
        end = self._space(self.target.input_anchor(index, count))
        end = QPointF(end.x() - PORT_RADIUS - 1.0, end.y())  # the tip touches the port's rim
        # stop short of the port so the arrow tip touches it
        tip = QPointF(end.x() - ARROW_LENGTH, end.y())
        path = self._route(start, tip)
        path.lineTo(end)
        self._path = self._flip.map(path) if self._flip is not None else path
        self._end = self._space(end)
        self._update_label_rect()
        self._update_bounds()
        self.update()

    def _space(self, point: QPointF) -> QPointF:
        """A point between scene and routing space (the same map both ways: a mirror)."""
        return self._flip.map(point) if self._flip is not None else QPointF(point)

    def _space_rect(self, rect: QRectF) -> QRectF:
        return self._flip.mapRect(rect) if self._flip is not None else QRectF(rect)

    def _route(self, start: QPointF, tip: QPointF) -> QPainterPath:
        """`route` around the cards near the way; a detour that reaches cards further out is
        planned again with those too. The last answer is kept while nothing it depends on moved."""
        area = self._obstacle_area(start, tip)
        obstacles = self._cards_in(area)
        ends = [self._card(self.source), self._card(self.target)]
        key = (
            start.x(),
            start.y(),
            tip.x(),
            tip.y(),
            tuple((r.x(), r.y()) for r in ends),
            tuple((r.x(), r.y()) for r in obstacles),
        )
        if self._route_key == key and not self._cards_hit_beyond(self._route_path, obstacles, area):
            return QPainterPath(self._route_path)
        path = route(start, tip, obstacles, ends)
        for _ in range(3):
            extra = self._cards_hit_beyond(path, obstacles, area)
            if not extra:
                break
            obstacles = obstacles + extra
            path = route(start, tip, obstacles, ends)
        self._route_key, self._route_path = key, QPainterPath(path)
        return path

    def _cards_hit_beyond(self, path: QPainterPath, known: list[QRectF], searched: QRectF) -> list[QRectF]:
        """Cards near `path` that are not in `known` (found in `searched`), when the path runs
        into one of them: a detour that left the searched area may meet cards nobody asked about."""
        around = path.boundingRect().adjusted(-20.0, -20.0, 20.0, 20.0)
        if searched.contains(around):
            return []
        seen = {(rect.x(), rect.y()) for rect in known}
        extra = [rect for rect in self._cards_in(around) if (rect.x(), rect.y()) not in seen]
        return extra if extra and _hits(path, extra) else []

    def _update_bounds(self) -> None:
        self._bounds = self._path.boundingRect().adjusted(-8, -8, 8, 8)
        if not self._label_rect.isEmpty():
            self._bounds = self._bounds.united(self._label_rect.adjusted(-2, -2, 2, 2))

    def path(self) -> QPainterPath:
        """The drawn curve, in scene coordinates."""
        return QPainterPath(self._path)

    @staticmethod
    def _obstacle_area(start: QPointF, end: QPointF) -> QRectF:
        """Where to look for cards this edge should not run behind on its way from `start` to
        `end` (`_cards_in` then asks the scene's spatial index, not every card)."""
        reach = abs(end.y() - start.y()) + OBSTACLE_MARGIN
        return QRectF(
            QPointF(min(start.x(), end.x()) - 40.0, min(start.y(), end.y()) - reach),
            QPointF(max(start.x(), end.x()) + 40.0, max(start.y(), end.y()) + reach),
        )

    def _cards_in(self, area: QRectF) -> list[QRectF]:
        """The card rectangles (grown by `CARD_CLEARANCE`) of other nodes that overlap `area`
        (in routing space, as the answer is)."""
        scene = self.scene()
        if scene is None or not hasattr(scene, "cards_in"):
            return []
        return [
            self._card(item)
            for item in scene.cards_in(self._space_rect(area))
            if item is not self.source and item is not self.target
        ]

    def _card(self, item: NodeItem) -> QRectF:
        # top-down, an edge passes a card along its long side more often (a wrapped column's
        # climb, a bundle into a merge): keep it further away
        clearance = CARD_CLEARANCE_TOP_DOWN if self._flip is not None else CARD_CLEARANCE
        rect = item.mapRectToScene(item.card_rect()).adjusted(-clearance, -clearance, clearance, clearance)
        return self._space_rect(rect)

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

    def __init__(self, start: QPointF, from_output: bool, color, top_down: bool = False):
        super().__init__()
        self.start = start
        self.from_output = from_output
        self.top_down = top_down
        pen = QPen(color, 2.0, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
        self.setPen(pen)
        self.setZValue(3.0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.follow(start)

    def follow(self, point: QPointF) -> None:
        start, end = (self.start, point) if self.from_output else (point, self.start)
        if self.top_down:
            self.setPath(TRANSPOSE.map(curve(TRANSPOSE.map(start), TRANSPOSE.map(end))))
        else:
            self.setPath(curve(start, end))
