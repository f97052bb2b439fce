"""The graph editor widget: canvas scene + view, with the editing operations the window calls.

Every operation here pushes undo commands (see `commands.py`) that act on the document only;
the scene follows the document's events. The main window owns the QActions and shortcuts
(Cut, Copy, Paste, Duplicate, Select All, Undo, Redo) and calls these methods; the view itself
handles Delete/Backspace, F2 and Space-drag panning.
"""

from __future__ import annotations

from collections.abc import Collection

from pydantic import ValidationError
from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCursor, QUndoStack
from PySide6.QtWidgets import QGraphicsItem, QMenu, QVBoxLayout, QWidget

from playground.core.catalogue import LAYERS, Fix
from playground.core.document import ExperimentDocument
from playground.core.experiment.schema import BLOCK_TYPE, NodeSpec
from playground.core.graph.fixes import apply_fix
from playground.core.graph.layout import resolved_direction
from playground.core.graph.topology import Topology
from playground.core.importers.sequential_source import SourceRefused, looks_like_sequential, parse_sequential
from playground.ui.editor.block_actions import BlockActions
from playground.ui.editor.clipboard import (
    Fragment,
    NodeClipboard,
    fragment_of,
    free_offset,
    paste_fragment,
    source_fragment,
)
from playground.ui.editor.commands import (
    AddEdgeCommand,
    AddNodeCommand,
    MoveNodesCommand,
    RemoveEdgeCommand,
    RemoveNodeCommand,
    RenameNodeCommand,
    ReplaceExperimentCommand,
    fix_command,
)
from playground.ui.editor.edge_item import EdgeItem
from playground.ui.editor.find_bar import FindBar
from playground.ui.editor.minimap import Minimap
from playground.ui.editor.node_item import HEADER_HEIGHT, LINE_HEIGHT, NODE_HEIGHT, NODE_WIDTH, NodeItem
from playground.ui.editor.palette import TEMPLATE_PREFIX
from playground.ui.editor.scene import (
    COLUMN_SPACING,
    GRID,
    LANE_SPACING,
    LEVEL_SPACING,
    ROW_SPACING,
    GraphScene,
    arranged_positions,
    snap,
)
from playground.ui.editor.view import GraphView

PASTE_GAP = 20.0  # a pasted card keeps this much canvas between itself and any other card


class GraphEditor(QWidget):
    selection_changed = Signal(list)  # node ids, after every selection change
    status_message = Signal(str)
    look_inside_requested = Signal(str)  # node id: the user wants to see what it computes

    def __init__(self, document: ExperimentDocument, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("graphEditor")
        self.document = document
        self.undo_stack = undo_stack
        self.clipboard = NodeClipboard()
        self._scene = GraphScene(document, undo_stack, self)
        self._scene.menu_provider = self._menu_for
        self._view = GraphView(self._scene, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)
        self._fit_pending = True  # fit once the view has its real size

        self._scene.selectionChanged.connect(self._on_selection_changed)
        self._scene.status_message.connect(self.status_message)
        self._scene.rename_requested.connect(self.start_rename)
        self.blocks = BlockActions(self)
        self._scene.block_opened.connect(self._on_block_opened)
        self._scene.rebuilt.connect(self._on_rebuilt)
        self._view.layer_dropped.connect(self._on_layer_dropped)
        self._view.delete_requested.connect(self.delete_selection)
        self._view.rename_requested.connect(self._on_rename_key)
        self._view.nudge_requested.connect(self.nudge_selection)
        self.find_bar = FindBar(self)
        self.minimap = Minimap(self._view, self)
        self.find_bar.found.connect(self._on_found)
        self._last_selection: list[str] = []
        self._last_path = document.path

    # ---- parts --------------------------------------------------------------------------------
    def view(self) -> GraphView:
        return self._view

    def scene(self) -> GraphScene:
        return self._scene

    # ---- selection ----------------------------------------------------------------------------
    def selected_node_ids(self) -> list[str]:
        return self._scene.selected_node_ids()

    def select_nodes(self, ids: list[str]) -> None:
        scene = self._scene
        blocked = scene.blockSignals(True)
        try:
            scene.clearSelection()
            for node_id in ids:
                item = scene.node_item(node_id)
                if item is not None:
                    item.setSelected(True)
        finally:
            scene.blockSignals(blocked)
        self._on_selection_changed()
        focused = scene.node_item(ids[0]) if len(ids) == 1 else None
        if focused is not None:
            self._view.ensureVisible(focused.sceneBoundingRect(), 40, 40)

    def select_all(self) -> None:
        self.select_nodes(self.document.experiment.node_ids())

    def _on_selection_changed(self) -> None:
        ids = self.selected_node_ids()
        self._last_selection = ids
        self.selection_changed.emit(ids)

    # ---- read-only while training ---------------------------------------------------------------
    def set_read_only(self, read_only: bool, reason: str = "") -> None:
        self._scene.set_read_only(read_only, reason)

    def is_read_only(self) -> bool:
        return self._scene.read_only

    def _refused(self) -> bool:
        return self._scene.refuse_if_read_only()

    # ---- adding -------------------------------------------------------------------------------
    def _on_layer_dropped(self, layer_type: str, scene_pos: QPointF) -> None:
        if layer_type.startswith(TEMPLATE_PREFIX):
            self.blocks.insert_template(layer_type[len(TEMPLATE_PREFIX) :], scene_pos)
        else:
            self.add_layer_at(layer_type, scene_pos)

    def add_layer_at(self, layer_type: str, scene_pos: QPointF) -> str | None:
        """A new `layer_type` card centred on `scene_pos` (snapped to the grid); selected."""
        if self._refused() or layer_type not in LAYERS:
            return None
        pos = snap(scene_pos.x() - NODE_WIDTH / 2, scene_pos.y() - NODE_HEIGHT / 2)
        command = AddNodeCommand(self.document, layer_type, pos)
        self.undo_stack.push(command)
        self.select_nodes([command.node_id])
        return command.node_id

    def add_layer_after_selection(self, layer_type: str) -> str:
        """Add `layer_type` right of the selected node (or the model's output), connected from it.

        If that node fed exactly one successor, the new layer is spliced in between (when the
        catalogue allows it), and nodes downstream shift right to make room. One undo step.
        """
        if self._refused() or layer_type not in LAYERS:
            return ""
        anchor = self._anchor_node()
        experiment = self.document.experiment
        if anchor is None:
            center = self._view.center_point()
            return self.add_layer_at(layer_type, center) or ""
        ax, ay = self._scene.display_position(anchor)
        dx, dy = self._scene.downstream_step()
        new_pos = snap(ax + dx, ay + dy)
        successors = Topology.of(experiment).successors(anchor)
        rewire = successors[0] if len(successors) == 1 else None
        new_id = experiment.unique_id(layer_type)
        accepts_input = LAYERS[layer_type].max_inputs != 0
        if rewire is not None and (not accepts_input or not self._splice_allowed(anchor, new_id, rewire, layer_type)):
            rewire = None
        moves = self._make_room(anchor, new_pos) if rewire is not None or self._occupied(new_pos) else {}
        with self._scene.batch():
            self.undo_stack.beginMacro(self.tr("Add {type} after {id}").format(type=layer_type, id=anchor))
            try:
                if moves:
                    self.undo_stack.push(MoveNodesCommand(self.document, moves))
                self.undo_stack.push(AddNodeCommand(self.document, layer_type, new_pos, node_id=new_id))
                removed = None
                if rewire is not None:
                    removed = RemoveEdgeCommand(self.document, anchor, rewire)
                    self.undo_stack.push(removed)
                if accepts_input and self.document.connection_problem(anchor, new_id) is None:
                    self.undo_stack.push(AddEdgeCommand(self.document, anchor, new_id))
                if (
                    removed is not None
                    and rewire is not None
                    and self.document.connection_problem(new_id, rewire) is None
                ):
                    spliced = AddEdgeCommand(self.document, new_id, rewire)
                    spliced.index = removed.index  # same place in the edge list: Concat keeps its input order
                    self.undo_stack.push(spliced)
            finally:
                self.undo_stack.endMacro()
        self.select_nodes([new_id])
        return new_id

    def _anchor_node(self) -> str | None:
        selected = self.selected_node_ids()
        if selected:
            return selected[-1] if len(selected) > 1 else selected[0]
        report = self.document.report()
        if report is not None and report.output_id:
            return report.output_id
        ids = self.document.experiment.node_ids()
        sinks = Topology.of(self.document.experiment).sinks()
        return sinks[-1] if sinks else (ids[-1] if ids else None)

    def _splice_allowed(self, anchor: str, new_id: str, successor: str, layer_type: str) -> bool:
        """Would anchor → new → successor be accepted in place of anchor → successor?"""
        without, new_nodes = (anchor, successor), {new_id: layer_type}
        return (
            self.document.connection_problem(anchor, new_id, without=without, new_nodes=new_nodes) is None
            and self.document.connection_problem(new_id, successor, without=without, new_nodes=new_nodes) is None
        )

    def _occupied(self, pos: tuple[float, float], ignore: Collection[str] = frozenset()) -> bool:
        rect = QRectF(pos[0], pos[1], NODE_WIDTH, NODE_HEIGHT).adjusted(-10, -10, 10, 10)
        return any(
            item.sceneBoundingRect().intersects(rect) for item in self._scene.node_items() if item.node_id not in ignore
        )

    def _make_room(self, anchor: str, new_pos: tuple[float, float]) -> dict:
        """Moves that shift everything downstream of `anchor` at or beyond `new_pos` one step on
        (a column right, or a level down when the graph runs top-down)."""
        scene = self._scene
        downstream = Topology.of(self.document.experiment).downstream(anchor) - {anchor}
        size = NODE_HEIGHT if scene.top_down else NODE_WIDTH
        start = scene.along(*new_pos)
        if not self._occupied(new_pos) and not any(
            scene.along(*scene.display_position(n)) < start + size for n in downstream
        ):
            return {}
        dx, dy = scene.downstream_step()
        moves = {}
        for node_id in downstream:
            x, y = scene.display_position(node_id)
            if scene.along(x, y) >= start - size / 2:
                moves[node_id] = (self.document.experiment.node(node_id).pos, (x + dx, y + dy))
        return moves

    # ---- deleting -----------------------------------------------------------------------------
    def find_layer(self) -> None:
        """Edit ▸ Find Layer… (Ctrl+F): the find field over the canvas."""
        self.find_bar.open([(node.id, node.type) for node in self.document.experiment.model.nodes])

    def _on_found(self, ids: list[str]) -> None:
        text = self.find_bar.text().strip()
        if not ids:
            self.status_message.emit(self.tr('No layer matches "{text}"').format(text=text))
            return
        self.select_nodes(ids[:1])
        self._view.reveal(self._cards_rect(ids[:1]))
        self.find_bar.hide()
        self._view.setFocus()
        if len(ids) > 1:
            self.status_message.emit(
                self.tr('{count} layers match "{text}"; showing {id}').format(count=len(ids), text=text, id=ids[0])
            )

    def nudge_selection(self, steps_right: float, steps_down: float) -> None:
        """Move the selected cards by whole grid steps (arrow keys); a run of nudges is one undo step."""
        ids = self.selected_node_ids()
        if not ids or self._refused():
            return
        moves = {}
        for node_id in ids:
            x, y = self._scene.display_position(node_id)
            moves[node_id] = (
                self.document.experiment.node(node_id).pos,
                (x + steps_right * GRID, y + steps_down * GRID),
            )
        self.undo_stack.push(MoveNodesCommand(self.document, moves, nudge=True))

    def delete_selection(self) -> None:
        nodes = self.selected_node_ids()
        edges = [edge for edge in self._scene.selected_edges() if edge[0] not in nodes and edge[1] not in nodes]
        if not nodes and not edges:
            return
        if self._refused():
            return
        count = len(nodes) + len(edges)
        with self._scene.batch():
            self.undo_stack.beginMacro(self.tr("Delete {count} item(s)").format(count=count))
            try:
                for source, target in edges:
                    self.undo_stack.push(RemoveEdgeCommand(self.document, source, target))
                for node_id in nodes:
                    self.undo_stack.push(RemoveNodeCommand(self.document, node_id))
            finally:
                self.undo_stack.endMacro()

    def delete_edge(self, source: str, target: str) -> None:
        if not self._refused():
            self.undo_stack.push(RemoveEdgeCommand(self.document, source, target))

    # ---- clipboard ----------------------------------------------------------------------------
    def _selected_fragment(self):
        ids = self.selected_node_ids()
        if not ids:
            return None
        positions = {node_id: self._scene.display_position(node_id) for node_id in ids}
        return fragment_of(self.document, ids, positions)

    def copy(self) -> None:
        fragment = self._selected_fragment()
        if fragment is not None:
            self.clipboard.put(fragment)
            self.status_message.emit(self.tr("Copied {count} layer(s)").format(count=len(fragment.nodes)))

    def cut(self) -> None:
        if not self.selected_node_ids() or self._refused():
            return
        self.copy()
        self.delete_selection()

    def paste(self) -> list[str]:
        """Paste what the clipboard holds: back in place when its spot is free (after a cut),
        else under the mouse when it is over the canvas, else beside the originals (or in the
        middle of the view)."""
        fragment = self.clipboard.get()
        at = self._mouse_scene_point()
        if at is not None and fragment is not None and self._fits_in_place(fragment):
            at = None
        return self._paste_clipboard(fragment, at)

    def paste_at(self, at: QPointF | None) -> list[str]:
        """Paste with the group's top-left corner at `at` (the canvas menu's point), or as `paste`."""
        return self._paste_clipboard(self.clipboard.get(), at)

    def _fits_in_place(self, fragment: Fragment) -> bool:
        if any(node.pos is None for node in fragment.nodes):
            return False
        return all(self._is_free(box) for box in self._fragment_boxes(fragment).values())

    def _is_free(self, box: QRectF) -> bool:
        """No card within `PASTE_GAP` of `box`."""
        area = box.adjusted(-PASTE_GAP, -PASTE_GAP, PASTE_GAP, PASTE_GAP)
        return not any(card.mapRectToScene(card.card_rect()).intersects(area) for card in self._scene.cards_in(area))

    def _paste_clipboard(self, fragment: Fragment | None, at: QPointF | None) -> list[str]:
        """`fragment` (the clipboard's nodes, read once), else the clipboard's nn.Sequential text."""
        if self._refused():
            return []
        if fragment is None:
            text = self.clipboard.text()
            if looks_like_sequential(text):
                return self.paste_source(text, at)
            self.status_message.emit(self.tr("Nothing to paste"))
            return []
        return self._paste(fragment, self.tr("Paste {count} layer(s)").format(count=len(fragment.nodes)), at=at)

    def _mouse_scene_point(self) -> QPointF | None:
        viewport = self._view.viewport()
        if not viewport.underMouse():
            return None
        point = viewport.mapFromGlobal(QCursor.pos())
        return self._view.mapToScene(point) if viewport.rect().contains(point) else None

    def paste_source(self, text: str, at: QPointF | None = None) -> list[str]:
        """Pasted `nn.Sequential(...)` source becomes a chain of cards (read with `ast`, never run),
        after the selected card when one is selected; what cannot be read is said, and nothing is added."""
        if self._refused():
            return []
        try:
            source = parse_sequential(text)
        except SourceRefused as exc:
            self.status_message.emit(self.tr("The nn.Sequential cannot be pasted: {reason}").format(reason=exc))
            return []
        fragment = source_fragment(source)
        selected = self.selected_node_ids()
        entry = (selected[0], fragment.nodes[0].id) if len(selected) == 1 else None
        new_ids = self._paste(
            fragment, self.tr("Paste nn.Sequential ({count} layers)").format(count=len(fragment.nodes)), entry, at
        )
        message = self.tr("Pasted {count} layers from the nn.Sequential.").format(count=len(new_ids))
        if entry is None:
            message += " " + self.tr("Connect its first layer to the network's input.")
        if source.notes:
            message += " " + "; ".join(source.notes)
        self.status_message.emit(message)
        return new_ids

    def duplicate(self) -> list[str]:
        """Copies of the selection beside it (the clipboard is left alone)."""
        fragment = self._selected_fragment()
        if fragment is None or self._refused():
            return []
        return self._paste(fragment, self.tr("Duplicate {count} layer(s)").format(count=len(fragment.nodes)))

    def _paste(
        self, fragment: Fragment, label: str, entry: tuple[str, str] | None = None, at: QPointF | None = None
    ) -> list[str]:
        """Add the fragment's copies where no card is (none on the originals, none on earlier
        copies), from `at` when given (the group's top-left corner there), select them and
        scroll them into view."""
        boxes = self._fragment_boxes(fragment)
        if at is not None and boxes:
            group = QRectF()
            for box in boxes.values():
                group = group.united(box)
            x, y = snap(at.x(), at.y())
            boxes = {node_id: box.translated(x - group.left(), y - group.top()) for node_id, box in boxes.items()}
        if self._scene.top_down:  # a copy stays on its level, a lane or two aside
            offset = free_offset(list(boxes.values()), self._is_free, (LANE_SPACING, LEVEL_SPACING), across_x=True)
        else:
            offset = free_offset(list(boxes.values()), self._is_free, (COLUMN_SPACING, ROW_SPACING))
        placed = Fragment(
            [node.model_copy(update={"pos": (boxes[node.id].x(), boxes[node.id].y())}) for node in fragment.nodes],
            list(fragment.edges),
        )
        with self._scene.batch():
            new_ids = paste_fragment(self.document, self.undo_stack, placed, offset, label, entry)
        self.select_nodes(new_ids)
        self._view.reveal(self._cards_rect(new_ids))
        return new_ids

    def _fragment_boxes(self, fragment: Fragment) -> dict[str, QRectF]:
        """Where each fragment node's card would be before any shift; nodes the clipboard gave no
        position follow the placed ones in a row (or start at the middle of the view)."""
        boxes = {
            node.id: QRectF(node.pos[0], node.pos[1], NODE_WIDTH, NODE_HEIGHT)
            for node in fragment.nodes
            if node.pos is not None
        }
        placed = QRectF()
        for box in boxes.values():
            placed = placed.united(box)
        if placed.isEmpty():
            center = self._view.center_point()
            x, y = snap(center.x() - NODE_WIDTH / 2, center.y() - NODE_HEIGHT / 2)
        elif self._scene.top_down:
            x, y = snap(placed.left(), placed.bottom() + LEVEL_SPACING - NODE_HEIGHT)
        else:
            x, y = snap(placed.right() + COLUMN_SPACING - NODE_WIDTH, placed.top())
        dx, dy = self._scene.downstream_step()
        for node in fragment.nodes:
            if node.id not in boxes:
                boxes[node.id] = QRectF(x, y, NODE_WIDTH, NODE_HEIGHT)
                x, y = x + dx, y + dy
        return boxes

    def _cards_rect(self, ids: list[str]) -> QRectF:
        """The scene rectangle the cards of `ids` take (empty when none is shown)."""
        rect = QRectF()
        for node_id in ids:
            item = self._scene.node_item(node_id)
            if item is not None:
                rect = rect.united(item.sceneBoundingRect())
        return rect

    def can_paste(self) -> bool:
        return self.clipboard.can_paste()

    # ---- renaming -----------------------------------------------------------------------------
    def _on_rename_key(self) -> None:
        ids = self.selected_node_ids()
        if len(ids) == 1:
            self.start_rename(ids[0])

    def start_rename(self, node_id: str) -> None:
        """Open an inline editor over the card's id; Enter renames (one undo step)."""
        item = self._scene.node_item(node_id)
        if item is None or self._refused():
            return
        rect = item.mapRectToScene(QRectF(2.0, HEADER_HEIGHT + 2.0, NODE_WIDTH - 4.0, LINE_HEIGHT + 4.0))
        self._view.edit_inline(
            rect,
            node_id,
            lambda text: self.rename_node(node_id, text),
            validate=lambda text: self.rename_problem(node_id, text),
        )

    def rename_problem(self, old_id: str, new_id: str) -> str | None:
        """Why `old_id` cannot be called `new_id`, or None (the same name is no problem)."""
        new_id = new_id.strip()
        if new_id == old_id or not self.document.has_node(old_id):
            return None
        if not new_id:
            return self.tr("a name cannot be empty")
        if self.document.has_node(new_id):
            return self.tr("a node called '{id}' already exists").format(id=new_id)
        try:
            NodeSpec(id=new_id, type=self.document.experiment.node(old_id).type)
        except ValidationError as exc:
            return exc.errors()[0]["msg"].replace("Value error, ", "")
        return None

    def rename_node(self, old_id: str, new_id: str) -> bool:
        """Rename, or say why not (status message); True when renamed."""
        new_id = new_id.strip()
        if not new_id or new_id == old_id or not self.document.has_node(old_id):
            return False
        if self._refused():
            return False
        problem = self.rename_problem(old_id, new_id)
        if problem:
            self.status_message.emit(self.tr("Cannot rename '{id}': {reason}").format(id=old_id, reason=problem))
            return False
        self.undo_stack.push(RenameNodeCommand(self.document, old_id, new_id))
        return True

    # ---- layout and zoom ----------------------------------------------------------------------
    def auto_arrange(self) -> None:
        """Tidy every node into layered columns (one undo step)."""
        if self._refused() or not self.document.experiment.model.nodes:
            return
        after = self.document.snapshot()
        positions = arranged_positions(after, self._scene.direction, self._scene.layout_viewport())
        for node in after.model.nodes:
            node.pos = positions[node.id]
        self.undo_stack.push(ReplaceExperimentCommand(self.document, after, self.tr("Auto-arrange")))
        self.fit_to_view()

    def set_direction(self, direction: str) -> None:
        """Lay the graph out left to right, top-down, or as its data suggests ("auto"), and
        arrange it that way (one undo step)."""
        if self._refused() or direction == self.document.experiment.model.direction:
            return
        after = self.document.snapshot()
        after.model.direction = direction  # type: ignore[assignment]
        rank = self._scene.input_rank()
        positions = arranged_positions(after, resolved_direction(after, rank), self._scene.layout_viewport())
        for node in after.model.nodes:
            node.pos = positions[node.id]
        texts = {
            "auto": self.tr("Lay out as the model suggests"),
            "left_to_right": self.tr("Lay out left to right"),
            "top_down": self.tr("Lay out top-down"),
        }
        self.undo_stack.push(ReplaceExperimentCommand(self.document, after, texts[direction]))
        self.fit_to_view()

    def zoom_in(self) -> None:
        self._view.zoom_in()

    def zoom_out(self) -> None:
        self._view.zoom_out()

    def fit_to_view(self) -> None:
        self._view.fit_to_view()

    def _on_rebuilt(self) -> None:
        """After open/new, show the whole graph; after an undo or a fix, keep the view unless lost."""
        if self.document.path != self._last_path:
            self._last_path = self.document.path
            self._fit_pending = True
        rect = self._scene.nodes_rect()
        if self._fit_pending or (not rect.isEmpty() and not self._view.visible_scene_rect().intersects(rect)):
            if self._view.isVisible():
                self._fit_pending = False
                self.fit_to_view()
            else:
                self._fit_pending = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_pending:
            QTimer.singleShot(0, self, self._fit_if_pending)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.minimap.follow()
        if self._fit_pending and self.isVisible():
            QTimer.singleShot(0, self, self._fit_if_pending)

    def _fit_if_pending(self) -> None:
        if self._fit_pending and self._view.isVisible():
            self._fit_pending = False
            if self._scene.direction == "top_down":
                self._scene.relayout_unplaced()  # wrapped to the view's real size
            self.fit_to_view()

    # ---- fixes and context menus --------------------------------------------------------------
    def apply_fix(self, fix: Fix) -> None:
        """Apply a shape-inference fix as one undo step, moving cards aside if a new one lands on them.

        The view then follows what the fix put or moved: the new card and the cards shifted to
        make room are scrolled into view (the view stays put when they are on screen already).
        """
        if self._refused():
            return
        before = {item.node_id: item.pos() for item in self._scene.node_items()}
        if fix.kind != "insert_before":
            self.undo_stack.push(fix_command(self.document, fix))
        else:
            after = self.document.snapshot()
            created = apply_fix(after, fix)
            if created is not None:
                self._place_created_node(after, created, fix.node)
            self.undo_stack.push(ReplaceExperimentCommand(self.document, after, fix.label))
        changed = [
            item.node_id
            for item in self._scene.node_items()
            if item.node_id not in before or item.pos() != before[item.node_id]
        ]
        if changed:
            created_ids = [node_id for node_id in changed if node_id not in before]
            must = created_ids + ([fix.node] if fix.node in changed else [])
            self._view.reveal(self._cards_rect(changed), self._cards_rect(must or changed))

    def _place_created_node(self, experiment, created: str, target: str) -> None:
        """Put a node a fix inserted before `target` where the target was, and shift the rest on."""
        node = experiment.node(created)
        positions = {
            n.id: (n.pos if n.pos is not None else self._scene.display_position(n.id))
            for n in experiment.model.nodes
            if n.id != created
        }
        if experiment.node(target).pos is None:
            return  # an unplaced graph is laid out automatically anyway
        tx, ty = positions[target]
        node.pos = (tx, ty)
        scene = self._scene
        downstream = Topology.of(experiment).downstream(target)
        size = NODE_HEIGHT if scene.top_down else NODE_WIDTH
        dx, dy = scene.downstream_step()
        for other in experiment.model.nodes:
            if (
                other.id in downstream
                and other.pos is not None
                and scene.along(*other.pos) >= scene.along(tx, ty) - size / 2
            ):
                other.pos = (other.pos[0] + dx, other.pos[1] + dy)

    def node_menu(self, node_id: str) -> QMenu:
        """The context menu of a card: its fixes first, then Rename, Duplicate, Delete."""
        menu = QMenu(self)
        item = self._scene.node_item(node_id)
        fixes = item.content.fixes if item is not None else ()
        for fix in fixes:
            action = QAction(fix.label, menu)
            action.setObjectName("fixAction")
            action.setData(fix)
            action.triggered.connect(lambda checked=False, f=fix: self.apply_fix(f))
            action.setEnabled(not self.is_read_only())
            menu.addAction(action)
        if fixes:
            menu.addSeparator()
        rename = menu.addAction(self.tr("Rename…"), lambda: self.start_rename(node_id))
        rename.setShortcut("F2")
        menu.addAction(self.tr("Duplicate"), self.duplicate)
        menu.addSeparator()
        self._add_block_actions(menu, node_id)
        menu.addSeparator()
        look = menu.addAction(self.tr("Look Inside"), lambda: self.look_inside_requested.emit(node_id))
        look.setObjectName("lookInsideAction")
        look.setToolTip(self.tr("What this node computes for one sample, live during training"))
        look.setEnabled(self.document.experiment.node(node_id).type != "Input")  # a block: its last layer
        menu.addSeparator()
        delete = menu.addAction(self.tr("Delete"), self.delete_selection)
        delete.setShortcut("Del")
        for action in menu.actions():
            if (
                action.objectName() not in ("fixAction", "lookInsideAction")
                and not action.isSeparator()
                and action.menu() is None
            ):
                action.setEnabled(not self.is_read_only())
        return menu

    def _on_block_opened(self, node_id: str) -> None:
        self.blocks.expand(node_id)

    def _add_block_actions(self, menu: QMenu, node_id: str) -> None:
        """Make Block (the selection), Expand Block (a block card), Update Block ▸ (an edited copy)."""
        selected = self.selected_node_ids() if node_id in self.selected_node_ids() else [node_id]
        editable = not self.is_read_only()
        if self.document.experiment.node(node_id).type == BLOCK_TYPE:
            expand = menu.addAction(self.tr("Expand Block"), lambda: self.blocks.expand(node_id))
            expand.setShortcut("Ctrl+Shift+G")
            expand.setEnabled(editable)
            return
        if not self.blocks.can_make(selected):
            return
        make = menu.addAction(self.tr("Make Block…"), self.blocks.make)
        make.setShortcut("Ctrl+G")
        make.setEnabled(editable)
        names = list(self.document.experiment.model.blocks)
        if names:
            update = menu.addMenu(self.tr("Update Block"))
            update.setToolTip(self.tr("These layers become the block's new definition: every use of it changes"))
            for name in names:
                action = update.addAction(name)
                action.setData(name)
                action.setEnabled(editable)
            update.triggered.connect(self._on_update_block_chosen)

    def _on_update_block_chosen(self, action: QAction) -> None:
        self.blocks.update(str(action.data()))

    def edge_menu(self, source: str, target: str) -> QMenu:
        menu = QMenu(self)
        action = menu.addAction(
            self.tr("Delete connection {a} → {b}").format(a=source, b=target), lambda: self.delete_edge(source, target)
        )
        action.setEnabled(not self.is_read_only())
        return menu

    def direction_texts(self) -> dict[str, str]:
        return {
            "auto": self.tr("Automatic (top-down for deep image models)"),
            "left_to_right": self.tr("Left to Right"),
            "top_down": self.tr("Top-Down"),
        }

    def fill_direction_menu(self, menu: QMenu) -> None:
        """The three layout directions, the experiment's ticked."""
        menu.clear()
        group = QActionGroup(menu)
        current = self.document.experiment.model.direction
        for key, text in self.direction_texts().items():
            action = menu.addAction(text)
            action.setObjectName(f"direction_{key}")
            action.setCheckable(True)
            action.setChecked(key == current)
            action.setData(key)
            action.setEnabled(not self.is_read_only())
            group.addAction(action)
        group.triggered.connect(self._on_direction_chosen)

    def _on_direction_chosen(self, action: QAction) -> None:
        self.set_direction(str(action.data()))

    def canvas_menu(self) -> QMenu:
        """The context menu of the empty canvas."""
        menu = QMenu(self)
        at = QPointF(self._scene.menu_scene_pos)
        paste = menu.addAction(self.tr("Paste"), lambda: self.paste_at(at))
        paste.setEnabled(self.can_paste() and not self.is_read_only())
        menu.addAction(self.tr("Select All"), self.select_all)
        menu.addSeparator()
        arrange = menu.addAction(self.tr("Auto-arrange"), self.auto_arrange)
        arrange.setEnabled(not self.is_read_only())
        self.fill_direction_menu(menu.addMenu(self.tr("Layout Direction")))
        menu.addAction(self.tr("Fit Graph in View"), self.fit_to_view)
        return menu

    def _menu_for(self, item: QGraphicsItem | None) -> QMenu | None:
        if isinstance(item, NodeItem):
            return self.node_menu(item.node_id)
        if isinstance(item, EdgeItem):
            return self.edge_menu(*item.key)
        return self.canvas_menu()
