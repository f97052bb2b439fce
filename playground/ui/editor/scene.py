"""The canvas scene: graphics items that mirror an `ExperimentDocument`.

The document is the source of truth. The scene listens to its events (`node_added`,
`edge_removed`, `reset`, `changed`, ...) and adds, removes or updates items; it never changes
the experiment itself. What the mouse does here (finish a drag, connect two ports, detach an
edge) becomes an undo command on the shared `QUndoStack`, whose `redo` calls the document,
whose events then update the items.

Positions: a node's document `pos` is the top-left corner of its card. Files saved without
positions are shown with an automatic layered layout (`arranged_positions`), for display only:
opening such a file does not modify it. A node gets a stored position when the user moves it
(one undo step), or for all nodes at once with Auto-arrange (one undo step).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneMouseEvent,
    QMenu,
)

from playground.core.document import ExperimentDocument
from playground.core.experiment.schema import BLOCK_TYPE, Experiment
from playground.core.graph.layout import (
    COLUMN_WIDTH,
    ROW_HEIGHT,
    Direction,
    auto_layout,
    resolved_direction,
    wrapped_columns,
)
from playground.core.graph.topology import Topology
from playground.ui.editor.commands import AddEdgeCommand, MoveNodesCommand, RemoveEdgeCommand
from playground.ui.editor.edge_item import ConnectionLine, EdgeItem
from playground.ui.editor.node_item import NODE_HEIGHT, NODE_WIDTH, NodeItem, describe_node
from playground.ui.editor.port_item import PortItem
from playground.ui.editor.theme import CanvasColors
from playground.ui.subscriptions import Subscriptions

GRID = 20.0
COLUMN_SPACING = 200.0  # cards are 140 wide: room for the edge between them
ROW_SPACING = 120.0
# top-down: lanes side by side, levels one below the other (room for the shape label between two)
LANE_SPACING = 200.0
LEVEL_SPACING = 140.0
WRAP_GAP = 80.0  # between two columns of a wrapped top-down layout: room for the edge that climbs back
DEFAULT_VIEWPORT = (900.0, 700.0)  # the canvas a layout is fitted to before the view has its size
SCENE_EXTENT = 50_000.0


def tr(text: str) -> str:
    return QCoreApplication.translate("GraphScene", text)


def snap(x: float, y: float) -> tuple[float, float]:
    """The nearest grid point."""
    return (round(x / GRID) * GRID, round(y / GRID) * GRID)


def arranged_positions(
    experiment: Experiment,
    direction: Direction = "left_to_right",
    viewport: tuple[float, float] = DEFAULT_VIEWPORT,
) -> dict[str, tuple[float, float]]:
    """Columns from `auto_layout` (depth), rows that keep the main branch on one straight line.

    Each node takes the row of its deepest input (the main branch of a residual block, not the
    shortcut); nodes of a column that want the same row are stacked below each other, in
    `auto_layout`'s order. Spaced for this canvas's cards and snapped to the grid. Top-down, the
    columns run down the page instead, wrapped into side-by-side columns to fit `viewport`.
    """
    layout = auto_layout(experiment)
    column = {node_id: round(x / COLUMN_WIDTH) for node_id, (x, _) in layout.items()}
    core_row = {node_id: y / ROW_HEIGHT for node_id, (_, y) in layout.items()}
    topology = Topology.of(experiment)
    incoming = {node_id: [s for s in topology.predecessors(node_id) if s != node_id] for node_id in layout}
    row: dict[str, float] = {}
    for index in sorted(set(column.values())):
        members = sorted((n for n in layout if column[n] == index), key=lambda n: core_row[n])
        wanted = {}
        for node_id in members:
            placed = [s for s in incoming[node_id] if s in row]
            wanted[node_id] = row[max(placed, key=lambda s: column[s])] if placed else core_row[node_id]
        previous = None
        for node_id in sorted(members, key=lambda n: wanted[n]):  # stable: keeps auto_layout's order
            value = wanted[node_id] if previous is None else max(wanted[node_id], previous + 1)
            row[node_id] = previous = value
    if direction == "top_down":
        cells = {node_id: (column[node_id], row[node_id]) for node_id in layout}
        down = wrapped_columns(cells, (LANE_SPACING, LEVEL_SPACING), (NODE_WIDTH, NODE_HEIGHT), viewport, WRAP_GAP)
        return {node_id: snap(x, y) for node_id, (x, y) in down.items()}
    return {node_id: snap(column[node_id] * COLUMN_SPACING, row[node_id] * ROW_SPACING) for node_id in layout}


class CardGrid:
    """Cards by the cells of a coarse grid they overlap, so an edge finds the cards near its way
    in time proportional to those cards, not to the whole graph."""

    CELL = 400.0

    def __init__(self, cards: Iterable[NodeItem]) -> None:
        self._cells: dict[tuple[int, int], list[NodeItem]] = defaultdict(list)
        for card in cards:
            for cell in self._cells_of(card.sceneBoundingRect()):
                self._cells[cell].append(card)

    def _cells_of(self, rect: QRectF) -> Iterator[tuple[int, int]]:
        size = self.CELL
        for column in range(math.floor(rect.left() / size), math.floor(rect.right() / size) + 1):
            for row in range(math.floor(rect.top() / size), math.floor(rect.bottom() / size) + 1):
                yield column, row

    def cards_in(self, area: QRectF) -> list[NodeItem]:
        found: dict[int, NodeItem] = {}
        if area.width() * area.height() > self.CELL * self.CELL * max(64, len(self._cells)):
            candidates: Iterable[NodeItem] = (card for cards in self._cells.values() for card in cards)
        else:
            candidates = (card for cell in self._cells_of(area) for card in self._cells.get(cell, ()))
        for card in candidates:
            if id(card) not in found and card.sceneBoundingRect().intersects(area):
                found[id(card)] = card
        return list(found.values())


class _ConnectionDrag:
    """State of a connection being dragged from a port."""

    def __init__(self, fixed: PortItem, from_output: bool, line: ConnectionLine, detached: tuple[str, str] | None):
        self.fixed = fixed
        self.from_output = from_output
        self.line = line
        self.detached = detached
        self.hovered: PortItem | None = None


class GraphScene(QGraphicsScene):
    status_message = Signal(str)
    rename_requested = Signal(str)  # node id (double-click on a card)
    block_opened = Signal(str)  # node id (double-click on a block card: expand it)
    rebuilt = Signal()  # after a reset rebuilt every item

    def __init__(self, document: ExperimentDocument, undo_stack: QUndoStack, parent=None):
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self.read_only = False
        self.read_only_reason = ""
        self.menu_provider: Callable[[QGraphicsItem | None], QMenu | None] | None = None  # None: the canvas
        self.menu_scene_pos = QPointF()
        self.setSceneRect(QRectF(-SCENE_EXTENT, -SCENE_EXTENT, 2 * SCENE_EXTENT, 2 * SCENE_EXTENT))
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # few items, often moved
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[tuple[str, str], EdgeItem] = {}
        self._auto_positions: dict[str, tuple[float, float]] = {}
        self.direction: Direction = "left_to_right"
        self._colors: tuple[int, CanvasColors] | None = None
        self._batch_depth = 0
        self._rebuilding = False  # rebuild() routes every edge once at the end
        self._card_grid: CardGrid | None = None  # where the cards are, for edge routing
        self._dirty = False
        self._drag: _ConnectionDrag | None = None
        self._press_positions: dict[str, QPointF] = {}

        self._subscriptions = Subscriptions(self)
        for signal, callback in (
            (document.node_added, self._on_node_added),
            (document.node_removed, self._on_node_removed),
            (document.node_moved, self._on_node_moved),
            (document.node_changed, self._on_node_changed),
            (document.node_renamed, self._on_node_renamed),
            (document.edge_added, self._on_edge_added),
            (document.edge_removed, self._on_edge_removed),
            (document.settings_changed, self._on_settings_changed),
            (document.reset, self._on_reset),
            (document.changed, self._on_changed),
        ):
            self._subscriptions.connect(signal, callback)
        self.rebuild()

    def detach(self) -> None:
        """Stop mirroring the document (the editor is going away)."""
        self._subscriptions.disconnect_all()

    # ---- reading ------------------------------------------------------------------------------
    def colors(self) -> CanvasColors:
        palette = self.palette()
        key = palette.cacheKey()
        if self._colors is None or self._colors[0] != key:
            self._colors = (key, CanvasColors.from_palette(palette))
        return self._colors[1]

    def node_item(self, node_id: str) -> NodeItem | None:
        return self._nodes.get(node_id)

    def edge_item(self, source: str, target: str) -> EdgeItem | None:
        return self._edges.get((source, target))

    def node_items(self) -> list[NodeItem]:
        return list(self._nodes.values())

    def edge_items(self) -> list[EdgeItem]:
        return list(self._edges.values())

    def nodes_rect(self) -> QRectF:
        """Bounding rectangle of all cards (empty when there are none)."""
        rect = QRectF()
        for item in self._nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        return rect

    def selected_node_ids(self) -> list[str]:
        """Selected nodes, in the document's node order (stable for copy and delete)."""
        selected = {item.node_id for item in self.selectedItems() if isinstance(item, NodeItem)}
        return [node_id for node_id in self.document.experiment.node_ids() if node_id in selected]

    def selected_edges(self) -> list[tuple[str, str]]:
        return [item.key for item in self.selectedItems() if isinstance(item, EdgeItem)]

    def cards_in(self, area: QRectF) -> list[NodeItem]:
        """The cards that overlap `area`, from a grid of card positions (no scan of every card)."""
        if self._card_grid is None:
            self._card_grid = CardGrid(self._nodes.values())
        return self._card_grid.cards_in(area)

    def cards_moved(self) -> None:
        """Card positions changed: the grid `cards_in` reads is rebuilt when next asked."""
        self._card_grid = None

    def incoming_order(self, node_id: str) -> list[str]:
        return [source for source, target in self.document.edges() if target == node_id]

    # ---- layout direction -------------------------------------------------------------------------
    def input_rank(self) -> int | None:
        """How many dimensions one sample has (3 for an image), when the data can be read."""
        report = self.document.report()
        if report is None or report.input_id is None:
            return None
        spec = report.nodes[report.input_id].output
        return len(spec.shape) if spec is not None else None

    def resolved_direction(self) -> Direction:
        """The experiment's direction; "auto" looks at the data (is it an image?) and the depth."""
        return resolved_direction(self.document.experiment, self.input_rank())

    def layout_viewport(self) -> tuple[float, float]:
        """The canvas a layout should fit: the view's size less the fit margins."""
        views = self.views()
        if not views or min(views[0].viewport().width(), views[0].viewport().height()) < 200:
            return DEFAULT_VIEWPORT
        size = views[0].viewport().size()
        return (size.width() - 80.0, size.height() - 80.0)

    def arranged(self) -> dict[str, tuple[float, float]]:
        """Auto-arranged positions of every node, in this scene's direction and for its view."""
        return arranged_positions(self.document.experiment, self.direction, self.layout_viewport())

    @property
    def top_down(self) -> bool:
        return self.direction == "top_down"

    def downstream_step(self) -> tuple[float, float]:
        """From a card to where the next layer goes: one column right, or one level down."""
        return (0.0, LEVEL_SPACING) if self.top_down else (COLUMN_SPACING, 0.0)

    def along(self, x: float, y: float) -> float:
        """How far downstream a position is (x left to right, y top-down)."""
        return y if self.top_down else x

    def relayout_unplaced(self) -> None:
        """Arrange the nodes without stored positions again, now that the view has its size."""
        if all(node.pos is not None for node in self.document.experiment.model.nodes):
            return
        self.rebuild()

    def display_position(self, node_id: str) -> tuple[float, float]:
        """Where a node is drawn: its stored position, or the automatic layout's."""
        pos = self.document.experiment.node(node_id).pos
        if pos is not None:
            return (float(pos[0]), float(pos[1]))
        if node_id not in self._auto_positions:  # a new unplaced node: place it, leave the others
            for other, position in self.arranged().items():
                self._auto_positions.setdefault(other, position)
        return self._auto_positions.get(node_id, (0.0, 0.0))

    # ---- mirroring the document ---------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Refresh texts once after many edits (a paste, a multi-delete) instead of after each."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._dirty:
                self.refresh()

    def rebuild(self) -> None:
        selected = set(self.selected_node_ids()) if self._nodes else set()
        self._cancel_connection()
        blocked = self.blockSignals(True)
        try:
            for item in list(self._edges.values()) + list(self._nodes.values()):
                self.removeItem(item)
            self._nodes.clear()
            self._edges.clear()
            self.direction = self.resolved_direction()
            self._auto_positions = self.arranged()
            for node in self.document.experiment.model.nodes:
                self._add_node_item(node.id)
            self._rebuilding = True  # edges are routed once, by refresh() below, not one by one
            try:
                for source, target in self.document.edges():
                    self._add_edge_item(source, target)
            finally:
                self._rebuilding = False
            for node_id in selected:
                if node_id in self._nodes:
                    self._nodes[node_id].setSelected(True)
        finally:
            self.blockSignals(blocked)
        self.refresh()
        self.selectionChanged.emit()
        self.rebuilt.emit()

    def refresh(self) -> None:
        """Re-read shapes, parameter counts and errors into every card and edge label."""
        if self._batch_depth:
            self._dirty = True
            return
        self._dirty = False
        report = self.document.report()
        report_error = self.document.report_error
        issues: dict[str, list] = defaultdict(list)
        if report is not None:
            for issue in report.issues:
                if issue.node:
                    issues[issue.node].append(issue)
        dataset = self.document.experiment.data.dataset
        blocks = self.document.experiment.model.blocks
        for node_id, item in self._nodes.items():
            try:
                node = self.document.experiment.node(node_id)
            except KeyError:
                continue
            node_report = report.card(node_id) if report is not None else None
            item.set_content(describe_node(node, node_report, issues.get(node_id, []), report_error, dataset, blocks))
        for edge in self._edges.values():
            edge.set_label(edge.source.content.output_text)
        self.reroute()

    def reroute(self) -> None:
        """Recompute every edge's path (cards moved: a shortcut may now need to go around one)."""
        self.cards_moved()
        for edge in self._edges.values():
            edge.update_path()
        self.update_label_visibility()

    def update_label_visibility(self) -> None:
        """Show an edge's shape label only where it does not cover a card."""
        for edge in self._edges.values():
            rect = edge.label_rect()
            covered = bool(edge.label) and any(
                card.sceneBoundingRect().intersects(rect) for card in self.cards_in(rect)
            )
            edge.set_label_visible(bool(edge.label) and not covered)

    def _add_node_item(self, node_id: str) -> NodeItem:
        node = self.document.experiment.node(node_id)
        item = NodeItem(
            node_id,
            describe_node(
                node, None, [], None, self.document.experiment.data.dataset, self.document.experiment.model.blocks
            ),
        )
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, not self.read_only)
        item.set_direction(self.direction)
        self.addItem(item)
        item.setPos(*self.display_position(node_id))
        self._nodes[node_id] = item
        self.cards_moved()
        return item

    def _add_edge_item(self, source: str, target: str) -> EdgeItem | None:
        if source not in self._nodes or target not in self._nodes or (source, target) in self._edges:
            return None
        edge = EdgeItem(self._nodes[source], self._nodes[target])
        self._nodes[source].edges.append(edge)
        self._nodes[target].edges.append(edge)
        self.addItem(edge)
        self._edges[(source, target)] = edge
        if not self._rebuilding:
            edge.update_path()  # now that it can see the other cards
            self._relayout_incoming(target)
        return edge

    def _relayout_incoming(self, target: str) -> None:
        item = self._nodes.get(target)
        if item is not None:
            for edge in item.edges:
                if edge.target is item:
                    edge.update_path()

    def _on_node_added(self, node_id: str) -> None:
        if node_id not in self._nodes:
            self._add_node_item(node_id)

    def _on_node_removed(self, node_id: str) -> None:
        item = self._nodes.pop(node_id, None)
        if item is None:
            return
        for edge in list(item.edges):
            self._remove_edge_item(edge)
        self.removeItem(item)
        self.cards_moved()

    def _on_node_moved(self, node_id: str, pos) -> None:
        item = self._nodes.get(node_id)
        if item is not None:
            item.setPos(*self.display_position(node_id))

    def _on_node_changed(self, node_id: str) -> None:
        pass  # texts follow on `changed`, which every edit emits after its own event

    def _on_node_renamed(self, old_id: str, new_id: str) -> None:
        item = self._nodes.pop(old_id, None)
        if item is None:
            return
        item.node_id = new_id
        self._nodes[new_id] = item
        self._edges = {edge.key: edge for edge in self._edges.values()}
        if old_id in self._auto_positions:
            self._auto_positions[new_id] = self._auto_positions.pop(old_id)
        self.selectionChanged.emit()  # ids of the selection changed

    def _on_edge_added(self, source: str, target: str) -> None:
        self._add_edge_item(source, target)

    def _on_edge_removed(self, source: str, target: str) -> None:
        edge = self._edges.get((source, target))
        if edge is not None:
            self._remove_edge_item(edge)

    def _remove_edge_item(self, edge: EdgeItem) -> None:
        self._edges.pop(edge.key, None)
        for node in (edge.source, edge.target):
            if edge in node.edges:
                node.edges.remove(edge)
        if self._drag is not None and self._drag.detached == edge.key:
            self._cancel_connection()
        self.removeItem(edge)
        self._relayout_incoming(edge.target.node_id)

    def _on_settings_changed(self, name: str) -> None:
        # the dataset shows on the Input card: `changed` follows and refreshes it; another kind of
        # data (images, points) may call for the other direction
        if name == "data" and self.resolved_direction() != self.direction:
            self.rebuild()

    def _on_reset(self) -> None:
        self.rebuild()

    def _on_changed(self) -> None:
        self.refresh()

    # ---- editing state ------------------------------------------------------------------------
    def set_read_only(self, read_only: bool, reason: str = "") -> None:
        self.read_only = read_only
        self.read_only_reason = reason
        if read_only:
            self._cancel_connection()
        for item in self._nodes.values():
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, not read_only)

    def refuse_if_read_only(self) -> bool:
        """True (and says why) when edits are blocked."""
        if self.read_only:
            self.status_message.emit(
                self.read_only_reason or QCoreApplication.translate("GraphScene", "Editing is locked right now")
            )
        return self.read_only

    def connection_problem(self, source: str, target: str, ignoring: tuple[str, str] | None = None) -> str | None:
        """Why `source → target` is refused, as if the edge `ignoring` were already removed."""
        if ignoring is not None and (source, target) == ignoring:
            return None
        return self.document.connection_problem(source, target, without=ignoring)

    # ---- mouse: connections and moves ---------------------------------------------------------
    def _port_at(self, point: QPointF) -> PortItem | None:
        for item in self.items(point):
            if isinstance(item, PortItem):
                return item
        return None

    def _node_at(self, point: QPointF) -> NodeItem | None:
        for item in self.items(point):
            if isinstance(item, NodeItem):
                return item
            if isinstance(item, PortItem):
                return item.node
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            port = self._port_at(event.scenePos())
            if port is not None:
                event.accept()
                if not self.refuse_if_read_only():
                    self._begin_connection(port, event.scenePos())
                return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_positions = {
                item.node_id: item.pos() for item in self.selectedItems() if isinstance(item, NodeItem)
            }

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._drag is not None:
            event.accept()
            self._drag.line.follow(event.scenePos())
            target = self._target_port(event.scenePos())
            if target is not self._drag.hovered:
                if self._drag.hovered is not None:
                    self._drag.hovered.set_state(None)
                self._drag.hovered = target
            if target is not None:
                source, dest = self._edge_for(target)
                problem = self.connection_problem(source, dest, self._drag.detached)
                target.set_state("invalid" if problem else "valid")
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._drag is not None and event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            self._finish_connection(event.scenePos())
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self._press_positions:
            self._push_moves()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._port_at(event.scenePos()) is None:
            node = self._node_at(event.scenePos())
            if node is not None and event.button() == Qt.MouseButton.LeftButton:
                event.accept()
                if self.document.experiment.node(node.node_id).type == BLOCK_TYPE:
                    self.block_opened.emit(node.node_id)
                else:
                    self.rename_requested.emit(node.node_id)
                return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:
        target: QGraphicsItem | None = None
        for item in self.items(event.scenePos()):
            if isinstance(item, PortItem):
                target = item.node
                break
            if isinstance(item, (NodeItem, EdgeItem)):
                target = item
                break
        if self.menu_provider is None:
            super().contextMenuEvent(event)
            return
        if target is not None and not target.isSelected():
            self.clearSelection()
            target.setSelected(True)
        self.menu_scene_pos = event.scenePos()  # where the menu opened: a paste from it lands there
        menu = self.menu_provider(target)
        if menu is not None:
            event.accept()
            menu.exec(event.screenPos())
            menu.deleteLater()

    def _push_moves(self) -> None:
        moves = {}
        for node_id, before in self._press_positions.items():
            item = self._nodes.get(node_id)
            if item is None or (item.pos() - before).manhattanLength() < 0.5:
                continue
            old = self.document.experiment.node(node_id).pos
            new = snap(item.pos().x(), item.pos().y())
            moves[node_id] = (old, new)
        self._press_positions = {}
        if moves:
            self.undo_stack.push(MoveNodesCommand(self.document, moves))

    def _begin_connection(self, port: PortItem, point: QPointF) -> None:
        detached = None
        fixed, from_output = port, port.is_output
        if not port.is_output:
            incoming = [edge for edge in port.node.edges if edge.target is port.node]
            if incoming:  # pull the nearest edge off this input and carry it elsewhere
                nearest = min(
                    incoming,
                    key=lambda edge: (edge.target.input_anchor(*edge._target_index()) - point).manhattanLength(),
                )
                detached = nearest.key
                nearest.setVisible(False)
                fixed, from_output = nearest.source.output_port, True
        start = fixed.anchor()
        line = ConnectionLine(start, from_output, self.colors().highlight, self.direction == "top_down")
        self.addItem(line)
        line.follow(point)
        self._drag = _ConnectionDrag(fixed, from_output, line, detached)

    def _target_port(self, point: QPointF) -> PortItem | None:
        """The port a connection would end on: the one under the mouse, or that of the card under it."""
        drag = self._drag
        assert drag is not None
        port = self._port_at(point)
        if port is None:
            node = self._node_at(point)
            if node is not None:
                port = node.input_port if drag.from_output else node.output_port
        if port is None or port.is_output == drag.from_output or port.node is drag.fixed.node:
            return None
        return port

    def _edge_for(self, target: PortItem) -> tuple[str, str]:
        assert self._drag is not None
        if self._drag.from_output:
            return self._drag.fixed.node_id, target.node_id
        return target.node_id, self._drag.fixed.node_id

    def _cancel_connection(self) -> None:
        drag, self._drag = self._drag, None
        if drag is None:
            return
        if drag.hovered is not None:
            drag.hovered.set_state(None)
        if drag.line.scene() is self:
            self.removeItem(drag.line)
        if drag.detached and drag.detached in self._edges:
            self._edges[drag.detached].setVisible(True)

    def _finish_connection(self, point: QPointF) -> None:
        drag = self._drag
        assert drag is not None
        target = self._target_port(point)
        edge = self._edge_for(target) if target is not None else None
        detached = drag.detached
        self._cancel_connection()
        if edge is None:
            if detached:  # dropped on empty canvas: the edge is gone
                self.undo_stack.push(RemoveEdgeCommand(self.document, *detached))
            return
        if edge == detached:
            return
        problem = self.connection_problem(*edge, ignoring=detached)
        if problem:
            self.status_message.emit(
                QCoreApplication.translate("GraphScene", "Cannot connect: {reason}").format(reason=problem)
            )
            return
        if detached:
            self.undo_stack.beginMacro(
                QCoreApplication.translate("GraphScene", "Reconnect {a} → {b}").format(a=edge[0], b=edge[1])
            )
            with self.batch():
                self.undo_stack.push(RemoveEdgeCommand(self.document, *detached))
                self.undo_stack.push(AddEdgeCommand(self.document, *edge))
            self.undo_stack.endMacro()
        else:
            self.undo_stack.push(AddEdgeCommand(self.document, *edge))
        self.status_message.emit(
            QCoreApplication.translate("GraphScene", "Connected {a} → {b}").format(a=edge[0], b=edge[1])
        )


__all__ = ["GRID", "GraphScene", "NODE_HEIGHT", "NODE_WIDTH", "arranged_positions", "snap"]
