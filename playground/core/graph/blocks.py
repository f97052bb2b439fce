"""Blocks: named groups of layers that a graph uses as one node, expanded before anything runs.

A node of type ``Block`` stands for its definition in ``model.blocks``, repeated ``repeat`` times
in sequence. Everything that builds, checks or trains a model works on the *flat* graph that
`expand_blocks` makes: each copy's layers become ordinary nodes named ``<instance>_<layer>`` (or
``<instance>_<copy>_<layer>`` when repeated). The expansion remembers where each flat node came
from, so that the shape check can report on the instance's card, the builder can create modules
in the order the exported code does, and the exporter can write one ``nn.Module`` per block.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from playground.core.experiment.schema import (
    BLOCK_INPUT,
    BLOCK_TYPE,
    MAX_ID_LENGTH,
    MAX_REPEAT,
    RESERVED_IDS,
    BlockSpec,
    Experiment,
    NodeSpec,
)
from playground.core.graph.topology import Topology
from playground.core.i18n import _


@dataclass(frozen=True)
class FlatOrigin:
    """Where a flat node came from: which instance, which copy (from 1), which layer of the block."""

    instance: str
    copy: int
    inner: str


@dataclass(frozen=True)
class BlockExpansion:
    """The flat graph of an experiment and the way back from it to the blocks."""

    experiment: Experiment  # the flat graph (the same object when the graph uses no blocks)
    origin: dict[str, FlatOrigin] = field(default_factory=dict)  # flat id -> where it came from
    members: dict[str, list[str]] = field(default_factory=dict)  # instance -> its flat ids, copy by copy
    exits: dict[str, str] = field(default_factory=dict)  # instance -> the flat id its result leaves from
    problems: dict[str, str] = field(default_factory=dict)  # instance -> why it could not be expanded
    top_order: list[str] = field(default_factory=list)  # the unexpanded graph's order (instances as one)

    @property
    def trivial(self) -> bool:
        return not self.members and not self.problems

    def construction_order(self, flat_order: list[str]) -> list[str]:
        """The order modules are created in: the unexpanded graph's order, each instance's layers
        copy by copy in their block's order. The exported code creates them the same way, so
        both draw the same initial weights from the same seed."""
        if self.trivial:
            return list(flat_order)
        taking_part = set(flat_order)
        ordered: list[str] = []
        for node_id in self.top_order:
            ordered.extend(self.members.get(node_id, [node_id]))
        placed = set(ordered)
        ordered.extend(node_id for node_id in flat_order if node_id not in placed)
        return [node_id for node_id in ordered if node_id in taking_part]


def block_order(block: BlockSpec) -> list[str]:
    """The block's layers in an order that respects its edges (file order where free)."""
    inner = [(a, b) for a, b in block.edges if a != BLOCK_INPUT]
    order, _cyclic = Topology.from_edges(block.node_ids(), inner).order()
    return order + [node_id for node_id in block.node_ids() if node_id not in order]


def instances_of(experiment: Experiment, name: str) -> list[str]:
    """The ids of the nodes that use block `name`."""
    return [node.id for node in experiment.model.nodes if node.type == BLOCK_TYPE and node.params.get("block") == name]


def repeat_of(node: NodeSpec) -> int:
    value = node.params.get("repeat", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


def definition_problem(name: str, block: BlockSpec) -> str | None:
    """Why block `name` cannot be used as written, or None."""
    ids = block.node_ids()
    if not block.nodes:
        return _("block '{block}' has no layers").format(block=name)
    if block.output not in ids:
        return _("block '{block}' names '{output}' as its output, but has no such layer").format(
            block=name, output=block.output
        )
    nested = [node.id for node in block.nodes if node.type in (BLOCK_TYPE, "Input")]
    if nested:
        return _("block '{block}' holds '{node}', which cannot be inside a block: expand or remove it").format(
            block=name, node=nested[0]
        )
    if not any(source == BLOCK_INPUT for source, _target in block.edges):
        return _("nothing in block '{block}' reads the block's input").format(block=name)
    return None


def chained_edges(block: BlockSpec, copies: list[dict[str, str]], entry: str | None) -> list[tuple[str, str]]:
    """The edges of `block`'s copies run one after another: each copy's input edges come from the
    previous copy's output (the first copy's from `entry`, or none when it is None). A copy maps
    the block's layer ids to the ids it has in the graph."""
    edges: list[tuple[str, str]] = []
    previous = entry
    for mapping in copies:
        for source, target in block.edges:
            if target not in mapping:
                continue
            if source == BLOCK_INPUT:
                if previous is not None:
                    edges.append((previous, mapping[target]))
            elif source in mapping:
                edges.append((mapping[source], mapping[target]))
        previous = mapping[block.output]
    return edges


def _flat_id(instance: str, repeat: int, index: int, inner: str, taken: set[str]) -> str:
    base = f"{instance}_{inner}" if repeat == 1 else f"{instance}_{index}_{inner}"
    base = base[:MAX_ID_LENGTH]
    candidate, suffix = base, 2
    while candidate in taken or candidate in RESERVED_IDS:
        candidate = f"{base[: MAX_ID_LENGTH - 4]}_{suffix}"
        suffix += 1
    taken.add(candidate)
    return candidate


def expand_blocks(experiment: Experiment) -> BlockExpansion:
    """The flat graph: every instance replaced by its definition's layers, copy after copy."""
    model = experiment.model
    instances = {node.id: node for node in model.nodes if node.type == BLOCK_TYPE}
    if not instances:
        return BlockExpansion(experiment)
    problems: dict[str, str] = {}
    sources: dict[str, list[str]] = {node_id: [] for node_id in instances}
    for source, target in model.edges:
        if target in sources:
            sources[target].append(source)
    for node_id, node in instances.items():
        name = node.params.get("block")
        block = model.blocks.get(name) if isinstance(name, str) else None
        repeat = repeat_of(node)
        if block is None:
            problems[node_id] = _(
                "'{node}' uses block {block!r}, which this experiment does not define: "
                "delete the node or make the block again"
            ).format(node=node_id, block=name)
        elif (why := definition_problem(str(name), block)) is not None:
            problems[node_id] = why
        elif not 1 <= repeat <= MAX_REPEAT:
            problems[node_id] = _("'{node}' repeats its block {count} times; choose 1 to {limit}").format(
                node=node_id, count=repeat, limit=MAX_REPEAT
            )
        elif len(sources[node_id]) > 1:
            problems[node_id] = _(
                "block '{node}' takes one input but {count} edges lead into it ({sources}): "
                "merge them first with Add or Concat"
            ).format(node=node_id, count=len(sources[node_id]), sources=", ".join(sources[node_id]))

    taken = {node.id for node in model.nodes}
    flat_nodes: list[NodeSpec] = []
    origin: dict[str, FlatOrigin] = {}
    members: dict[str, list[str]] = {}
    exits: dict[str, str] = {}
    # per instance and copy: block layer id -> flat id
    names: dict[str, list[dict[str, str]]] = {}
    for node in model.nodes:
        if node.type != BLOCK_TYPE:
            flat_nodes.append(node)
            continue
        if node.id in problems:
            continue
        block = model.blocks[str(node.params["block"])]
        repeat = repeat_of(node)
        inner_nodes = {inner.id: inner for inner in block.nodes}
        copies: list[dict[str, str]] = []
        members[node.id] = []
        for index in range(1, repeat + 1):
            mapping: dict[str, str] = {}
            for inner_id in block_order(block):
                flat_id = _flat_id(node.id, repeat, index, inner_id, taken)
                mapping[inner_id] = flat_id
                inner = inner_nodes[inner_id]
                flat_nodes.append(
                    NodeSpec.model_construct(id=flat_id, type=inner.type, params=copy.deepcopy(inner.params))
                )
                origin[flat_id] = FlatOrigin(node.id, index, inner_id)
                members[node.id].append(flat_id)
            copies.append(mapping)
        names[node.id] = copies
        exits[node.id] = copies[-1][block.output]

    def internal_edges(instance: str, entry: str | None) -> list[tuple[str, str]]:
        return chained_edges(model.blocks[str(instances[instance].params["block"])], names[instance], entry)

    flat_edges: list[tuple[str, str]] = []
    entered: set[str] = set()
    for source, target in model.edges:
        if source in problems or target in problems:
            continue
        if source in instances:
            source = exits[source]
        if target in instances:
            flat_edges.extend(internal_edges(target, source))
            entered.add(target)
        else:
            flat_edges.append((source, target))
    for instance in names:
        if instance not in entered:
            flat_edges.extend(internal_edges(instance, None))

    flat_model = model.model_copy(update={"nodes": flat_nodes, "edges": flat_edges, "blocks": {}})
    flat = experiment.model_copy(update={"model": flat_model})
    top_order, _cyclic = Topology.of(experiment).order()
    top_order += [node_id for node_id in experiment.node_ids() if node_id not in top_order]
    return BlockExpansion(flat, origin, members, exits, problems, top_order)
