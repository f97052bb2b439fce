"""Build a real `torch.nn.Module` from a checked experiment graph."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from playground.core.catalogue import LAYERS
from playground.core.errors import ExperimentError, Problem
from playground.core.experiment.schema import Experiment
from playground.core.graph.blocks import expand_blocks
from playground.core.graph.codegen import forward_source
from playground.core.graph.inference import GraphReport, TargetFacts, check_experiment
from playground.core.graph.init import apply_init
from playground.core.i18n import _


class GraphError(ExperimentError):
    """The experiment cannot be built (its graph or its settings); `report.errors` lists every problem."""

    def __init__(self, report: GraphReport):
        self.report = report
        problems = [Problem(issue.path, issue.message) for issue in report.errors]
        super().__init__(problems or [Problem("model", _("the model has no output node"))])


class GraphModule(nn.Module):
    """The experiment's network. Submodules are attributes named by node id (``self.fc1``), so the
    state dict matches the exported code's; `forward` is generated source compiled once. A graph
    with blocks is built flat: a block's layers are attributes too (``self.res1_conv1``)."""

    def __init__(self, experiment: Experiment, report: GraphReport):
        super().__init__()
        expansion = expand_blocks(experiment)
        experiment = expansion.experiment
        self.node_order: list[str] = list(report.order)
        self.node_types: dict[str, str] = {}
        self.input_id = report.input_id
        self.output_id = report.output_id
        nodes = experiment.nodes_by_id()
        for node_id in expansion.construction_order(report.order):
            node = nodes[node_id]
            self.node_types[node_id] = node.type
            module = LAYERS[node.type].build(report.nodes[node_id].kwargs)
            if module is not None:
                self.add_module(node_id, module)
        self.forward_code = forward_source(experiment, report)
        namespace: dict[str, object] = {"torch": torch}
        exec(compile(self.forward_code, "<playground model forward>", "exec"), namespace)  # noqa: S102
        self._forward_fn: Callable[[nn.Module, torch.Tensor], torch.Tensor] = namespace["forward"]  # type: ignore[assignment]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._forward_fn(self, x)

    def layers(self) -> list[tuple[str, str, nn.Module]]:
        """(node id, layer type, module) for every node that has a module, in graph order."""
        return [
            (node_id, self.node_types[node_id], getattr(self, node_id))
            for node_id in self.node_order
            if node_id in self._modules
        ]


def build_model(experiment: Experiment, facts: TargetFacts, report: GraphReport | None = None) -> GraphModule:
    """Check the graph (unless a report is given) and build it; raises GraphError when invalid.

    Seed torch before calling this for reproducible initial weights.
    """
    report = report or check_experiment(experiment, facts)
    if not report.valid:
        raise GraphError(report)
    model = GraphModule(experiment, report)
    apply_init(model, experiment.model.init)
    return model
