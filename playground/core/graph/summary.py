"""The rows of a model summary (the window's table, `playground check`): every node in the order
the model runs them, a block as one row with its layers indented beneath it."""

from __future__ import annotations

from dataclasses import dataclass

from playground.core.experiment.schema import BLOCK_TYPE, Experiment
from playground.core.graph.blocks import expand_blocks
from playground.core.graph.inference import GraphReport, NodeReport


@dataclass(frozen=True)
class SummaryRow:
    node_id: str  # a node of the graph, or a layer of the flat graph inside a block
    type: str  # the layer type; for a block, "Block"
    report: NodeReport | None
    depth: int = 0  # 1: a layer inside the block row above it
    card: str = ""  # the canvas card the row belongs to (the block for a layer inside one)
    block: str = ""  # for a block row: the block's name and repeat count ("res ×2")


def summary_rows(experiment: Experiment, report: GraphReport | None) -> list[SummaryRow]:
    nodes = experiment.nodes_by_id()
    if report is None:
        return [SummaryRow(node.id, node.type, None, card=node.id) for node in experiment.model.nodes]
    expansion = expand_blocks(experiment)
    if expansion.trivial:
        order = list(report.order)
    else:
        taking_part = set(report.order) | set(report.blocks)
        order = [node_id for node_id in expansion.top_order if node_id in taking_part]
    placed = set(order)
    order += [node.id for node in experiment.model.nodes if node.id not in placed]
    flat = expansion.experiment.nodes_by_id()
    rows: list[SummaryRow] = []
    for node_id in order:
        node = nodes[node_id]
        if node.type != BLOCK_TYPE:
            rows.append(SummaryRow(node_id, node.type, report.nodes.get(node_id), card=node_id))
            continue
        repeat = node.params.get("repeat", 1)
        name = str(node.params.get("block", ""))
        rows.append(
            SummaryRow(
                node_id,
                BLOCK_TYPE,
                report.blocks.get(node_id),
                card=node_id,
                block=f"{name} ×{repeat}" if repeat != 1 else name,
            )
        )
        for member in expansion.members.get(node_id, []):
            rows.append(SummaryRow(member, flat[member].type, report.nodes.get(member), depth=1, card=node_id))
    return rows
