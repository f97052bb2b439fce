"""Automatic left-to-right layout for graphs saved without positions (or tidied on request).

Layered drawing: each node's column is its longest distance from a source; within a column,
nodes are ordered by the mean row of their inputs (one barycentre sweep), which keeps a
residual shortcut beside its main branch. Qt-free so that `check` and exports can use it too.
"""

from __future__ import annotations

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
