"""Eager shape inference over the experiment's graph, with messages that explain themselves.

`check_experiment` looks at the structure (one Input, no cycles, nothing dangling, merges fed),
infers each node's output shape, parameter count and multiply-adds in topological order, and
finally checks that the model's output fits the dataset's targets and the loss. Every problem
names its node, says what it got and what it expected, and carries fixes where one is mechanical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from playground.core.catalogue import LAYERS, Fix, InferContext, Inferred, ShapeError, TensorSpec
from playground.core.catalogue.training import EMBEDDING_LOSSES
from playground.core.experiment.schema import BLOCK_TYPE, Experiment
from playground.core.graph.blocks import BlockExpansion, expand_blocks
from playground.core.graph.topology import Topology
from playground.core.i18n import _, ngettext
from playground.core.params import resolved

CLASS_INDEX_LOSSES = ("CrossEntropyLoss", "FocalLoss", "KLDivLoss")


class TargetFacts(Protocol):
    """What inference needs to know of the dataset (a `DatasetInfo` satisfies it).

    Read-only members, so a frozen dataclass with narrower (Literal) field types fits too."""

    @property
    def task(self) -> str: ...
    @property
    def input_shape(self) -> tuple[int, ...]: ...
    @property
    def input_dtype(self) -> str: ...
    @property
    def num_classes(self) -> int | None: ...
    @property
    def target_dim(self) -> int | None: ...
    @property
    def vocab_size(self) -> int | None: ...


@dataclass(frozen=True)
class GraphIssue:
    """One problem (or warning) with the graph, located by node and JSON path."""

    node: str | None
    path: str
    message: str
    severity: str = "error"  # "error" or "warning"
    fixes: tuple[Fix, ...] = ()

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass
class NodeReport:
    id: str
    type: str
    inputs: tuple[TensorSpec, ...] = ()
    output: TensorSpec | None = None
    params: int = 0
    macs: int | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)  # inferred constructor arguments
    error: GraphIssue | None = None


@dataclass
class GraphReport:
    nodes: dict[str, NodeReport]
    issues: list[GraphIssue]
    order: list[str]  # topological order of the nodes that take part (Input first)
    input_id: str | None
    output_id: str | None
    incoming: dict[str, list[str]]  # node -> its inputs, in edge order
    # the graph's block instances, each summed over its layers (the nodes above are the flat graph's)
    blocks: dict[str, NodeReport] = field(default_factory=dict)

    def card(self, node_id: str) -> NodeReport | None:
        """What the canvas shows on the card of `node_id`: a layer's report or a block's sum."""
        return self.blocks.get(node_id) or self.nodes.get(node_id)

    @property
    def errors(self) -> list[GraphIssue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[GraphIssue]:
        return [issue for issue in self.issues if issue.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors and self.output_id is not None

    @property
    def total_params(self) -> int:
        return sum(report.params for report in self.nodes.values())

    @property
    def total_macs(self) -> int:
        return sum(report.macs or 0 for report in self.nodes.values())

    def output_shape(self) -> TensorSpec | None:
        return self.nodes[self.output_id].output if self.output_id else None


class _Collector:
    def __init__(self, experiment: Experiment):
        self.index = {node.id: i for i, node in enumerate(experiment.model.nodes)}
        self.issues: list[GraphIssue] = []

    def node(self, node_id: str, message: str, *fixes: Fix, severity: str = "error") -> GraphIssue:
        issue = GraphIssue(node_id, f"model.nodes[{self.index[node_id]}]", message, severity, tuple(fixes))
        self.issues.append(issue)
        return issue

    def model(self, message: str) -> None:
        self.issues.append(GraphIssue(None, "model", message))


def check_experiment(experiment: Experiment, facts: TargetFacts) -> GraphReport:
    """Infer every node's shape and collect every problem; never raises for a bad graph.

    A graph with blocks is checked as its flat graph; problems inside a block are reported on the
    instance's node, and `blocks` sums each instance."""
    expansion = expand_blocks(experiment)
    report = _check_flat(expansion.experiment, facts)
    if expansion.trivial:
        return report
    return _folded(experiment, expansion, report)


def _folded(experiment: Experiment, expansion: BlockExpansion, report: GraphReport) -> GraphReport:
    index = {node.id: i for i, node in enumerate(experiment.model.nodes)}
    issues: list[GraphIssue] = [
        GraphIssue(instance, f"model.nodes[{index[instance]}]", message)
        for instance, message in expansion.problems.items()
    ]
    errors: dict[str, GraphIssue] = {issue.node: issue for issue in issues if issue.node}
    for issue in report.issues:
        where = expansion.origin.get(issue.node or "")
        if where is None:
            issues.append(issue)
            continue
        name = experiment.node(where.instance).params.get("block")
        moved = GraphIssue(
            where.instance,
            f"model.nodes[{index[where.instance]}]",
            _("in block {block} ('{node}'), layer '{layer}': {message}").format(
                block=name, node=where.instance, layer=where.inner, message=issue.message
            ),
            issue.severity,
        )
        issues.append(moved)
        if moved.severity == "error":
            errors.setdefault(where.instance, moved)
    report.issues = issues
    for instance, members in expansion.members.items():
        parts = [report.nodes[flat] for flat in members]
        first = report.nodes[members[0]]
        exit_report = report.nodes[expansion.exits[instance]]
        macs = [part.macs for part in parts if part.macs is not None]
        report.blocks[instance] = NodeReport(
            instance,
            BLOCK_TYPE,
            inputs=first.inputs,
            output=exit_report.output,
            params=sum(part.params for part in parts),
            macs=sum(macs) if macs else None,
            error=errors.get(instance),
        )
    for instance in expansion.problems:
        report.blocks[instance] = NodeReport(instance, BLOCK_TYPE, error=errors.get(instance))
    return report


def _check_flat(experiment: Experiment, facts: TargetFacts) -> GraphReport:
    nodes = experiment.model.nodes
    collect = _Collector(experiment)
    reports = {node.id: NodeReport(node.id, node.type) for node in nodes}
    topology = Topology.of(experiment)
    incoming, outgoing = topology.incoming(), topology.outgoing()

    inputs = [node.id for node in nodes if node.type == "Input"]
    input_id = inputs[0] if inputs else None
    if not inputs:
        collect.model(
            _("the model has no Input node: drag an Input from the palette and connect it to the first layer")
        )
    for extra in inputs[1:]:
        collect.node(
            extra,
            _("second Input node '{node}': a model has exactly one Input ('{first}'); delete this one").format(
                node=extra, first=inputs[0]
            ),
        )
    for node_id in inputs:
        if incoming[node_id]:
            collect.node(
                node_id,
                _("Input '{node}' cannot receive edges (it gets {sources}); remove them").format(
                    node=node_id, sources=", ".join(incoming[node_id])
                ),
            )

    order, cyclic = topology.order()
    cyclic_set = set(cyclic)
    for node_id in cyclic:
        collect.node(
            node_id,
            _(
                "'{node}' is part of a cycle; a network must flow one way: remove one of the "
                "edges that loops back ({cycle})"
            ).format(node=node_id, cycle=topology.cycle_text(node_id, cyclic_set)),
        )

    reachable = topology.downstream(input_id) if input_id else set()
    sinks = [node_id for node_id in order if not outgoing[node_id] and node_id in reachable]
    output_id = sinks[0] if len(sinks) == 1 else None
    if input_id and len(sinks) > 1:
        for sink in sinks:
            rest = [s for s in sinks[:6] if s != sink][:5]
            others = ", ".join(f"'{s}'" for s in rest)
            if len(sinks) - 1 > len(rest):
                others = _("{names} and {count} more").format(names=others, count=len(sinks) - 1 - len(rest))
            collect.node(
                sink,
                _(
                    "'{node}' leads nowhere, and so do {others}: a model has one output; connect "
                    "'{node}' onward (e.g. into an Add or Concat) or delete it"
                ).format(node=sink, others=others),
            )
    for node in nodes:
        if node.id in cyclic_set or node.type == "Input":
            continue
        if input_id and node.id not in reachable:
            if incoming[node.id]:
                collect.node(
                    node.id,
                    _(
                        "'{node}' is not connected to the Input '{input}': connect its "
                        "inputs to the network or delete it"
                    ).format(node=node.id, input=input_id),
                )
            else:
                collect.node(
                    node.id,
                    _("'{node}' has no input: drag an edge into it from the layer before it, or delete it").format(
                        node=node.id
                    ),
                )

    _infer_shapes(experiment, facts, order, reachable, incoming, reports, collect, input_id)
    if output_id and not collect.issues:
        _check_output(experiment, facts, output_id, incoming, reports, collect)
    _warn_softmax_before_loss(experiment, output_id, reports, collect)
    report = GraphReport(reports, collect.issues, [n for n in order if n in reachable], input_id, output_id, incoming)
    if report.valid:
        from playground.core.training.requirements import settings_issues  # lazy: import cycle (graph ↔ training)

        report.issues.extend(settings_issues(experiment, facts, report))
    return report


def _infer_shapes(
    experiment: Experiment,
    facts: TargetFacts,
    order: list[str],
    reachable: set[str],
    incoming: dict[str, list[str]],
    reports: dict[str, NodeReport],
    collect: _Collector,
    input_id: str | None,
) -> None:
    nodes = experiment.nodes_by_id()
    for node_id in order:
        if node_id not in reachable:
            continue
        node = nodes[node_id]
        layer = LAYERS[node.type]
        report = reports[node_id]
        if node_id == input_id:
            report.output = TensorSpec(tuple(facts.input_shape), facts.input_dtype, facts.vocab_size)
            continue
        sources = incoming[node_id]
        count = len(sources)
        if count < layer.min_inputs:
            report.error = collect.node(
                node_id,
                _(
                    "{type} '{node}' needs at least {minimum} inputs but has {count}: "
                    "connect the other branch (e.g. the shortcut) into it"
                ).format(type=node.type, node=node_id, minimum=layer.min_inputs, count=count),
            )
            continue
        if layer.max_inputs is not None and count > layer.max_inputs:
            report.error = collect.node(
                node_id,
                _(
                    "{type} '{node}' takes one input but {count} edges lead into it "
                    "({sources}): merge them first with Add or Concat"
                ).format(type=node.type, node=node_id, count=count, sources=", ".join(sources)),
            )
            continue
        upstream = [reports[s].output for s in sources]
        inputs = tuple(spec for spec in upstream if spec is not None)
        if len(inputs) < count:
            continue  # an earlier node failed; its own message says why
        report.inputs = inputs
        ctx = InferContext(node_id, inputs, resolved(layer.params, node.params))
        try:
            inferred: Inferred = layer.infer(ctx)
        except ShapeError as exc:
            report.error = collect.node(node_id, exc.message, *exc.fixes)
            continue
        if any(size < 1 for size in inferred.output.shape):
            report.error = collect.node(
                node_id,
                _(
                    "{type} '{node}' would produce an empty tensor {output} from "
                    "{input}: the input is too small for this layer; use less pooling/stride or more padding"
                ).format(type=node.type, node=node_id, output=inferred.output, input=ctx.x),
            )
            continue
        report.output = inferred.output
        report.kwargs = inferred.kwargs
        report.params = layer.count_parameters(inferred.kwargs)
        report.macs = layer.macs(ctx, inferred) if layer.macs else None


def _expected_output(experiment: Experiment, facts: TargetFacts) -> tuple[tuple[int, ...], ...]:
    loss = experiment.training.loss.type
    if facts.task == "classification":
        classes = facts.num_classes or 2
        if loss == "BCEWithLogitsLoss" and classes == 2:
            return ((1,), (2,))
        return ((classes,),)
    return ((facts.target_dim or 1,),)


def _check_output(
    experiment: Experiment,
    facts: TargetFacts,
    output_id: str,
    incoming: dict[str, list[str]],
    reports: dict[str, NodeReport],
    collect: _Collector,
) -> None:
    out = reports[output_id].output
    if out is None:
        return
    expected = _expected_output(experiment, facts)
    if out.shape in expected:
        return
    if facts.task == "classification" and experiment.training.loss.type in EMBEDDING_LOSSES and out.rank == 1:
        return  # an embedding of any width: the loss compares samples, not class scores
    want = expected[0]
    what = (
        _("{count} classes").format(count=facts.num_classes)
        if facts.task == "classification"
        else ngettext("{count} target value", "{count} target values", want[0]).format(count=want[0])
    )
    fixes: list[Fix] = []
    hint = ""
    if out.rank > 1:
        culprit = _first_linear_on_grid(output_id, incoming, reports, experiment)
        if culprit is not None:
            spec = reports[culprit].inputs[0]
            if spec.rank >= 2 and _is_sequence_like(spec, facts):
                fixes.append(
                    Fix(
                        "insert_before",
                        culprit,
                        _("Insert SequencePool before '{node}'").format(node=culprit),
                        "SequencePool",
                    )
                )
                hint = _(": insert SequencePool before '{node}' to keep one vector per sequence").format(node=culprit)
            else:
                also = _outputs_fix(experiment, culprit, output_id, want)
                label = (
                    _("Insert Flatten before '{node}' and set its out_features to {count}").format(
                        node=culprit, count=want[0]
                    )
                    if also
                    else _("Insert Flatten before '{node}'").format(node=culprit)
                )
                fixes.append(Fix("insert_before", culprit, label, "Flatten", also=also))
                hint = _(
                    ": Linear '{node}' was fed {shape} and works on the last axis only; insert Flatten before '{node}'"
                ).format(node=culprit, shape=spec)
        else:
            hint = _(": flatten or pool the output down to one vector per sample")
    else:
        node = experiment.node(output_id)
        if node.type == "Linear":
            fixes.append(
                Fix(
                    "set_param",
                    output_id,
                    _("Set out_features of '{node}' to {count}").format(node=output_id, count=want[0]),
                    params={"out_features": want[0]},
                )
            )
            hint = _(": set out_features of '{node}' to {count}").format(node=output_id, count=want[0])
        else:
            hint = _(": end the model with a Linear layer of {count} outputs").format(count=want[0])
    collect.node(
        output_id,
        _(
            "the model output '{node}' is {shape} but the dataset has {what}, so the "
            "{loss} expects (N, {expected}){hint}"
        ).format(
            node=output_id,
            shape=out,
            what=what,
            loss=experiment.training.loss.type,
            expected=", ".join(map(str, want)),
            hint=hint,
        ),
        *fixes,
    )


def _outputs_fix(experiment: Experiment, culprit: str, output_id: str, want: tuple[int, ...]) -> tuple[Fix, ...]:
    """When the Linear to flatten before is the output itself, the number of outputs it must have too."""
    node = experiment.node(output_id)
    if culprit != output_id or node.type != "Linear" or len(want) != 1 or node.params.get("out_features") == want[0]:
        return ()
    return (
        Fix(
            "set_param",
            output_id,
            _("Set out_features of '{node}' to {count}").format(node=output_id, count=want[0]),
            params={"out_features": want[0]},
        ),
    )


def _is_sequence_like(spec: TensorSpec, facts: TargetFacts) -> bool:
    return (
        spec.rank == 2
        and len(facts.input_shape) in (1, 2)
        and getattr(facts, "modality", "sequence") in ("sequence", "tokens")
    )


def _first_linear_on_grid(
    output_id: str, incoming: dict[str, list[str]], reports: dict[str, NodeReport], experiment: Experiment
) -> str | None:
    """Walk back from the output to the earliest Linear that was fed more than a vector."""
    culprit: str | None = None
    current: str | None = output_id
    seen: set[str] = set()
    while current and current not in seen:
        seen.add(current)
        report = reports[current]
        if report.type == "Linear" and report.inputs and report.inputs[0].rank > 1:
            culprit = current
        sources = incoming[current]
        current = sources[0] if len(sources) == 1 else None
    return culprit


def _warn_softmax_before_loss(
    experiment: Experiment, output_id: str | None, reports: dict[str, NodeReport], collect: _Collector
) -> None:
    if output_id and reports[output_id].type == "Softmax" and experiment.training.loss.type in CLASS_INDEX_LOSSES:
        collect.node(
            output_id,
            _(
                "Softmax '{node}' feeds {loss}, which applies "
                "log-softmax itself: remove '{node}' and train on the raw scores (logits)"
            ).format(node=output_id, loss=experiment.training.loss.type),
            severity="warning",
        )
