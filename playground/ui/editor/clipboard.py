"""Copy, cut, paste and duplicate of canvas nodes through the system clipboard.

The clipboard carries a JSON fragment under `NODES_MIME_TYPE`: the copied nodes (id, type,
params, pos) and the edges between them. Pasting checks every entry (the clipboard is outside
our control), gives the nodes fresh ids and puts them on free canvas next to the originals (`free_offset`),
all as one undo step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QByteArray, QCoreApplication, QMimeData, QRectF
from PySide6.QtGui import QGuiApplication, QUndoStack

from playground.core.catalogue import LAYERS
from playground.core.document import ExperimentDocument
from playground.core.experiment.schema import NodeSpec
from playground.core.importers.sequential_source import SequentialSource, looks_like_sequential
from playground.ui.editor.commands import AddEdgeCommand, AddNodeCommand

NODES_MIME_TYPE = "application/x-nn-playground-nodes"
FRAGMENT_FORMAT = "nn-playground.fragment"


def tr(text: str) -> str:
    return QCoreApplication.translate("Clipboard", text)


@dataclass
class Fragment:
    """Nodes and the edges among them, independent of any document."""

    nodes: list[NodeSpec]
    edges: list[tuple[str, str]]

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FRAGMENT_FORMAT,
                "version": 1,
                "nodes": [node.model_dump(mode="json") for node in self.nodes],
                "edges": [list(edge) for edge in self.edges],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Fragment | None:
        """The fragment in `text`, or None if it is not one; bad entries are dropped."""
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or data.get("format") != FRAGMENT_FORMAT:
            return None
        nodes: list[NodeSpec] = []
        for raw in data.get("nodes", []) if isinstance(data.get("nodes"), list) else []:
            try:
                node = NodeSpec.model_validate(_as_node(raw))
            except (ValidationError, TypeError, ValueError):
                continue
            if node.type in LAYERS and all(other.id != node.id for other in nodes):
                nodes.append(node)
        ids = {node.id for node in nodes}
        edges = []
        for raw in data.get("edges", []) if isinstance(data.get("edges"), list) else []:
            if (
                isinstance(raw, list)
                and len(raw) == 2
                and raw[0] in ids
                and raw[1] in ids
                and raw[0] != raw[1]
                and (raw[0], raw[1]) not in edges
            ):
                edges.append((raw[0], raw[1]))
        return cls(nodes, edges) if nodes else None


def _as_node(raw: Any) -> Any:
    if isinstance(raw, dict) and isinstance(raw.get("pos"), list):
        raw = {**raw, "pos": tuple(raw["pos"])}
    return raw


def fragment_of(
    document: ExperimentDocument, node_ids: list[str], positions: dict[str, tuple[float, float]]
) -> Fragment:
    """The nodes `node_ids` (at their shown `positions`) and the edges among them."""
    chosen = set(node_ids)
    nodes = []
    for node in document.experiment.model.nodes:
        if node.id in chosen:
            copy = node.model_copy(deep=True)
            copy.pos = positions.get(node.id, node.pos)
            nodes.append(copy)
    edges = [(a, b) for a, b in document.edges() if a in chosen and b in chosen]
    return Fragment(nodes, edges)


def fresh_id(document: ExperimentDocument, wanted: str) -> str:
    """`wanted` if free, else `wanted` with the next free number (``conv1`` → ``conv1_2``)."""
    if not document.has_node(wanted):
        return wanted
    base = re.sub(r"_\d+$", "", wanted) or wanted
    index = 2
    while document.has_node(f"{base}_{index}"):
        index += 1
    return f"{base}_{index}"


def mime_data(fragment: Fragment) -> QMimeData:
    mime = QMimeData()
    mime.setData(NODES_MIME_TYPE, QByteArray(fragment.to_json().encode("utf-8")))
    return mime


def fragment_from_mime(mime: QMimeData | None) -> Fragment | None:
    if mime is None or not mime.hasFormat(NODES_MIME_TYPE):
        return None
    return Fragment.from_json(bytes(mime.data(NODES_MIME_TYPE).data()).decode("utf-8", "replace"))


class NodeClipboard:
    """Puts fragments on the system clipboard and pastes them back as one undo step."""

    def __init__(self) -> None:
        self._fallback: Fragment | None = None  # where no system clipboard is available

    def put(self, fragment: Fragment) -> None:
        self._fallback = fragment
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setMimeData(mime_data(fragment))

    def get(self) -> Fragment | None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            mime = clipboard.mimeData()
            if mime is not None and mime.hasFormat(NODES_MIME_TYPE):
                return fragment_from_mime(mime)
        return self._fallback

    def can_paste(self) -> bool:
        return self.get() is not None or looks_like_sequential(self.text())

    def text(self) -> str:
        """The clipboard's plain text ("" when it has none)."""
        clipboard = QGuiApplication.clipboard()
        return clipboard.text() if clipboard is not None else ""


def source_fragment(source: SequentialSource) -> Fragment:
    """The layers of a pasted `nn.Sequential` as a chain: nodes without positions, in order."""
    nodes: list[NodeSpec] = []
    used: set[str] = set()
    for layer in source.layers:
        base = layer.type.lower()
        node_id, index = base, 2
        while node_id in used:
            node_id, index = f"{base}_{index}", index + 1
        used.add(node_id)
        nodes.append(NodeSpec(id=node_id, type=layer.type, params=dict(layer.params)))
    edges = [(a.id, b.id) for a, b in zip(nodes, nodes[1:], strict=False)]
    return Fragment(nodes, edges)


def free_offset(
    boxes: list[QRectF],
    is_free: Callable[[QRectF], bool],
    step: tuple[float, float],
    reach: tuple[int, int] = (8, 24),
    across_x: bool = False,
) -> tuple[float, float]:
    """The shift, in whole columns and rows of `step`, that puts every box on free canvas.

    The nearest shift wins: no shift at all (a paste after a cut goes back where it was), then
    one row down, one row up, two rows down, ..., columns to the right before those to the left;
    a row costs less than a column, so a copy stays in its column when there is room. With
    `across_x` (a top-down graph) it is the other way round: a copy stays on its level.
    """
    column, row = step
    columns, rows = reach if not across_x else (reach[1], reach[0])

    def cost(ij: tuple[int, int]) -> tuple[float, bool, bool]:
        i, j = ij
        if across_x:
            return (abs(i) + 1.5 * abs(j), i < 0, j < 0)
        return (abs(j) + 1.5 * abs(i), j < 0, i < 0)

    shifts = sorted(((i, j) for i in range(-columns, columns + 1) for j in range(-rows, rows + 1)), key=cost)
    for i, j in shifts:
        dx, dy = i * column, j * row
        if all(is_free(box.translated(dx, dy)) for box in boxes):
            return dx, dy
    boxes_rect = QRectF()
    for box in boxes:
        boxes_rect = boxes_rect.united(box)
    return 0.0, (rows + 1) * row + boxes_rect.height()  # a crowded canvas: below everything searched


def paste_fragment(
    document: ExperimentDocument,
    stack: QUndoStack,
    fragment: Fragment,
    offset: tuple[float, float],
    label: str,
    entry: tuple[str, str] | None = None,
) -> list[str]:
    """Add `fragment`'s nodes with fresh ids, each shifted by `offset` (see `free_offset`);
    `entry` (a document node, a fragment node) connects the two in the same step.

    One undo step (a macro); returns the new ids in fragment order.
    """
    dx, dy = offset
    renamed: dict[str, str] = {}
    stack.beginMacro(label)
    try:
        for node in fragment.nodes:
            pos = None if node.pos is None else (node.pos[0] + dx, node.pos[1] + dy)
            command = AddNodeCommand(document, node.type, pos, dict(node.params), node_id=fresh_id(document, node.id))
            stack.push(command)
            renamed[node.id] = command.node_id
        for source, target in fragment.edges:
            new_source, new_target = renamed[source], renamed[target]
            if document.connection_problem(new_source, new_target) is None:
                stack.push(AddEdgeCommand(document, new_source, new_target))
        if entry is not None and entry[1] in renamed:
            source, target = entry[0], renamed[entry[1]]
            if document.connection_problem(source, target) is None:
                stack.push(AddEdgeCommand(document, source, target))
    finally:
        stack.endMacro()
    return [renamed[node.id] for node in fragment.nodes]
