"""Automatic left-to-right layout for graphs saved without positions (or tidied on request).

Layered drawing: each node's column is its longest distance from a source; within a column,
nodes are ordered by the mean row of their inputs (one barycentre sweep), which keeps a
residual shortcut beside its main branch. Qt-free so that `check` and exports can use it too.
"""

from __future__ import annotations

from playground.core.experiment.schema import Experiment

COLUMN_WIDTH = 190.0
ROW_HEIGHT = 110.0


def auto_layout(experiment: Experiment) -> dict[str, tuple[float, float]]:
    """Positions for every node: columns by depth, rows centred on 0."""
    ids = experiment.node_ids()
    incoming: dict[str, list[str]] = {node_id: [] for node_id in ids}
    for source, target in experiment.model.edges:
        if source in incoming and target in incoming and source != target:
            incoming[target].append(source)
    depth: dict[str, int] = {}

    def column(node_id: str, visiting: frozenset[str] = frozenset()) -> int:
        if node_id in depth:
            return depth[node_id]
        if node_id in visiting:  # a cycle: place it after what we know
            return 0
        sources = incoming[node_id]
        value = 1 + max((column(s, visiting | {node_id}) for s in sources), default=-1)
        depth[node_id] = value
        return value

    for node_id in ids:
        column(node_id)
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
