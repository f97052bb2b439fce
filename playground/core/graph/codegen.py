"""The `forward` method of a graph, written out as Python source.

One generator serves both the app's model (compiled once when the model is built, so training
pays no interpreter overhead per node) and the exported `.py` file, so the two cannot drift.
"""

from __future__ import annotations

from playground.core.catalogue import LAYERS
from playground.core.experiment.schema import Experiment
from playground.core.graph.blocks import expand_blocks
from playground.core.graph.inference import GraphReport
from playground.core.params import resolved

INPUT_VARIABLE = "x"


def forward_lines(experiment: Experiment, report: GraphReport) -> list[str]:
    """Body lines of ``forward(self, x)`` (without indentation), ending in ``return``."""
    if not report.valid:
        raise ValueError("cannot write forward() for an invalid graph")
    experiment = expand_blocks(experiment).experiment
    names = {report.input_id: INPUT_VARIABLE}
    lines: list[str] = []
    nodes = experiment.nodes_by_id()
    for node_id in report.order:
        if node_id == report.input_id:
            continue
        node = nodes[node_id]
        layer = LAYERS[node.type]
        ins = [names[source] for source in report.incoming[node_id]]
        names[node_id] = node_id
        lines.append(layer.forward(node_id, ins, node_id, resolved(layer.params, node.params)))
    lines.append(f"return {names[report.output_id]}")
    return lines


def forward_source(experiment: Experiment, report: GraphReport, indent: str = "    ") -> str:
    body = "\n".join(indent + line for line in forward_lines(experiment, report))
    return f"def forward(self, {INPUT_VARIABLE}):\n{body}\n"
