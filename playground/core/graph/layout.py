"""Automatic layout for graphs saved without positions (or tidied on request), left to right or
top-down.

Layered drawing: each node's column is its longest distance from a source; within a column,
nodes are ordered by the mean row of their inputs (one barycentre sweep), which keeps a
residual shortcut beside its main branch. Qt-free so that `check` and exports can use it too.
"""

from __future__ import annotations

import math
from typing import Literal

from playground.core.experiment.schema import Experiment
from playground.core.graph.topology import Topology

COLUMN_WIDTH = 190.0
ROW_HEIGHT = 110.0


def auto_layout(experiment: Experiment) -> dict[str, tuple[float, float]]:
    """Positions for every node: columns by depth, rows centred on 0."""
    ids = experiment.node_ids()
    topology = Topology.of(experiment)
    incoming = {node_id: [s for s in topology.predecessors(node_id) if s != node_id] for node_id in ids}
    depth = topology.depths()
    columns: dict[int, list[str]] = {}
    for node_id in ids:
        columns.setdefault(depth[node_id], []).append(node_id)
    row: dict[str, float] = {}
    for index in sorted(columns):
        members = columns[index]
        if index > 0:

            def barycentre(node_id: str) -> float:
                placed = [row[s] for s in incoming[node_id] if s in row]
                return sum(placed) / len(placed) if placed else 0.0

            members.sort(key=barycentre)
        offset = (len(members) - 1) / 2
        for position, node_id in enumerate(members):
            row[node_id] = position - offset
    return {node_id: (depth[node_id] * COLUMN_WIDTH, row[node_id] * ROW_HEIGHT) for node_id in ids}


Direction = Literal["left_to_right", "top_down"]
DEEP_MODEL_NODES = 6  # an image model with this many nodes or more is laid out top-down by default


def resolved_direction(experiment: Experiment, input_rank: int | None) -> Direction:
    """The experiment's layout direction; "auto" is top-down for a deep image model (an input of
    channels × height × width and at least `DEEP_MODEL_NODES` nodes), else left to right."""
    chosen = experiment.model.direction
    if chosen != "auto":
        return chosen
    deep_image = input_rank == 3 and len(experiment.model.nodes) >= DEEP_MODEL_NODES
    return "top_down" if deep_image else "left_to_right"


def wrapped_columns(
    cells: dict[str, tuple[int, float]],
    step: tuple[float, float],
    card: tuple[float, float],
    viewport: tuple[float, float],
    gap: float,
) -> dict[str, tuple[float, float]]:
    """Top-down positions: each node's level (its depth) runs down the page and its lane across.
    A graph deeper than the view is tall wraps into side-by-side columns of levels, like a
    newspaper, as few as let the whole graph show at full size (or as large as it can be).

    `cells` maps a node to (level, lane); `step` is the distance between lanes and levels, `card`
    a card's size, `viewport` the view to fit, `gap` the space between two columns."""
    if not cells:
        return {}
    levels = max(level for level, _lane in cells.values()) + 1
    best: tuple[float, dict[str, tuple[float, float]]] | None = None
    for columns in range(1, min(levels, 12) + 1):
        per = math.ceil(levels / columns)
        positions: dict[str, tuple[float, float]] = {}
        left = 0.0
        for column in range(columns):
            members = [n for n, (level, _lane) in cells.items() if column * per <= level < (column + 1) * per]
            if not members:
                continue
            lanes = [cells[n][1] for n in members]
            low, high = min(lanes), max(lanes)
            for node_id in members:
                level, lane = cells[node_id]
                positions[node_id] = (left + (lane - low) * step[0], (level - column * per) * step[1])
            left += (high - low) * step[0] + card[0] + gap
        width = left - gap
        height = (per - 1) * step[1] + card[1]
        scale = min(viewport[0] / width, viewport[1] / height)
        if best is None or scale > best[0] * 1.02:  # another column only when it shows the graph larger
            best = (scale, positions)
        if best[0] >= 1.0:
            break  # full size already: more columns would only scatter the graph
    assert best is not None
    return best[1]
