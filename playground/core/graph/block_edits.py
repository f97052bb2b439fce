"""Making, expanding and updating blocks: pure functions from one experiment to the next.

The editor wraps each in one undo step (it replaces the experiment), so these never change their
argument. A block's layers keep their positions relative to the instance, so that making a block
and expanding it again puts every layer back where it was.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass

from playground.core.errors import PlaygroundError
from playground.core.experiment.io import copy_experiment
from playground.core.experiment.schema import (
    BLOCK_INPUT,
    BLOCK_TYPE,
    MAX_ID_LENGTH,
    BlockSpec,
    Experiment,
    NodeSpec,
)
from playground.core.graph.blocks import chained_edges, instances_of, repeat_of
from playground.core.i18n import _


class BlockRefused(PlaygroundError):
    """The selection cannot become a block (or a block cannot be expanded); the message says why."""


@dataclass(frozen=True)
class Boundary:
    """How a selection connects to the rest of the graph."""

    source: str  # the one outside node that feeds the selection
    output: str  # the one selected node whose result leaves it
    inside: list[str]  # the selected ids in file order


def block_name_for(experiment: Experiment, base: str) -> str:
    """A block name not yet used, derived from `base` ("res block" -> "res_block", "res_block_2")."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", base).strip("_").lower() or "block"
    if base[0].isdigit():
        base = "b_" + base
    base = base[: MAX_ID_LENGTH - 8]
    if keyword.iskeyword(base):
        base += "_block"
    taken = set(experiment.model.blocks)
    if base not in taken:
        return base
    index = 2
    while f"{base}_{index}" in taken:
        index += 1
    return f"{base}_{index}"


def boundary(experiment: Experiment, selection: Iterable[str]) -> Boundary:
    """Where the selection is entered and left; BlockRefused unless once each."""
    chosen = set(selection)
    nodes = [node for node in experiment.model.nodes if node.id in chosen]
    if not nodes:
        raise BlockRefused(_("select the layers that should become a block first"))
    for node in nodes:
        if node.type == "Input":
            raise BlockRefused(
                _("'{node}' is the network's Input and cannot be inside a block: leave it out").format(node=node.id)
            )
        if node.type == BLOCK_TYPE:
            raise BlockRefused(
                _("'{node}' is a block already; blocks inside blocks are not supported: expand it first").format(
                    node=node.id
                )
            )
    edges = experiment.model.edges
    sources = _unique(s for s, t in edges if t in chosen and s not in chosen)
    exits = _unique(s for s, t in edges if s in chosen and t not in chosen)
    if not sources:
        raise BlockRefused(_("nothing outside the selection feeds it: a block needs one input"))
    if len(sources) > 1:
        raise BlockRefused(
            _(
                "the selection is fed from {count} places ({nodes}); a block has one input: select the "
                "layers after the point where the branches part, or include the layers that feed them"
            ).format(count=len(sources), nodes=", ".join(sources))
        )
    if not exits:
        sinks = [node.id for node in nodes if not any(s == node.id and t in chosen for s, t in edges)]
        if len(sinks) != 1:
            raise BlockRefused(
                _("the selection ends in {count} layers ({nodes}); a block has one output: merge them first").format(
                    count=len(sinks), nodes=", ".join(sinks)
                )
            )
        exits = sinks
    if len(exits) > 1:
        raise BlockRefused(
            _(
                "results leave the selection from {count} layers ({nodes}); a block has one output: "
                "select up to the point where the branches join"
            ).format(count=len(exits), nodes=", ".join(exits))
        )
    return Boundary(sources[0], exits[0], [node.id for node in nodes])


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _origin(experiment: Experiment, ids: list[str]) -> tuple[float, float]:
    first = experiment.node(ids[0]).pos
    return first if first is not None else (0.0, 0.0)


def block_from_selection(experiment: Experiment, selected: Boundary, description: str = "") -> BlockSpec:
    """The selection as a block definition (positions relative to its first layer)."""
    chosen = set(selected.inside)
    ox, oy = _origin(experiment, selected.inside)
    nodes = []
    for node_id in selected.inside:
        node = experiment.node(node_id)
        pos = (node.pos[0] - ox, node.pos[1] - oy) if node.pos is not None else None
        nodes.append(NodeSpec(id=node.id, type=node.type, params=dict(node.params), pos=pos))
    edges = [
        (BLOCK_INPUT if source not in chosen else source, target)
        for source, target in experiment.model.edges
        if target in chosen
    ]
    return BlockSpec(nodes=nodes, edges=edges, output=selected.output, description=description)


def make_block(experiment: Experiment, selection: Iterable[str], name: str) -> tuple[Experiment, str]:
    """The experiment with the selection replaced by one instance of a new block `name`."""
    if name in experiment.model.blocks:
        raise BlockRefused(_("a block named '{block}' exists already: choose another name").format(block=name))
    selected = boundary(experiment, selection)
    block = block_from_selection(experiment, selected)
    return _replace_selection(experiment, selected, name, block)


def update_block(experiment: Experiment, selection: Iterable[str], name: str) -> tuple[Experiment, str]:
    """The selection becomes block `name`'s new definition, and an instance of it: every other
    instance of `name` changes with it."""
    if name not in experiment.model.blocks:
        raise BlockRefused(_("no block is named '{block}'").format(block=name))
    selected = boundary(experiment, selection)
    block = block_from_selection(experiment, selected, experiment.model.blocks[name].description)
    return _replace_selection(experiment, selected, name, block)


def _replace_selection(
    experiment: Experiment, selected: Boundary, name: str, block: BlockSpec
) -> tuple[Experiment, str]:
    result = copy_experiment(experiment)
    model = result.model
    chosen = set(selected.inside)
    instance_id = result.unique_id(name)
    first_index = next(i for i, node in enumerate(model.nodes) if node.id in chosen)
    instance = NodeSpec(
        id=instance_id,
        type=BLOCK_TYPE,
        params={"block": name, "repeat": 1},
        pos=_origin(experiment, selected.inside) if experiment.node(selected.inside[0]).pos is not None else None,
    )
    kept = [node for node in model.nodes if node.id not in chosen]
    kept.insert(sum(1 for node in model.nodes[:first_index] if node.id not in chosen), instance)
    edges: list[tuple[str, str]] = []
    entered = False
    for source, target in model.edges:
        if source in chosen and target in chosen:
            continue
        if target in chosen:
            if not entered:
                edges.append((selected.source, instance_id))
                entered = True
            continue
        if source in chosen:
            edges.append((instance_id, target))
            continue
        edges.append((source, target))
    model.nodes = kept
    model.edges = edges
    model.blocks = {**model.blocks, name: block}
    return result, instance_id


def expand_block(
    experiment: Experiment, instance_id: str, direction: str = "left_to_right"
) -> tuple[Experiment, list[str]]:
    """The experiment with an instance replaced by its layers (every copy, in sequence), at the
    positions they were made at (layers a block was given without positions, a template's, follow
    each other in `direction`). The definition goes when nothing else uses it."""
    node = experiment.node(instance_id)
    if node.type != BLOCK_TYPE:
        raise BlockRefused(_("'{node}' is not a block").format(node=instance_id))
    name = str(node.params.get("block"))
    block = experiment.model.blocks.get(name)
    if block is None:
        raise BlockRefused(_("block '{block}' is not defined in this experiment").format(block=name))
    result = copy_experiment(experiment)
    model = result.model
    repeat = repeat_of(node)
    taken = set(result.node_ids()) - {instance_id}
    ox, oy = node.pos if node.pos is not None else (0.0, 0.0)
    down = direction == "top_down"
    placed = {
        inner.id: inner.pos if inner.pos is not None else ((0.0, i * 140.0) if down else (i * 190.0, 0.0))
        for i, inner in enumerate(block.nodes)
    }
    spread = [xy[1] if down else xy[0] for xy in placed.values()]
    step = max(spread) - min(spread) + (140.0 if down else 190.0)
    copies: list[dict[str, str]] = []
    new_nodes: list[NodeSpec] = []
    for index in range(repeat):
        mapping: dict[str, str] = {}
        for inner in block.nodes:
            new_id = inner.id if inner.id not in taken else _free(inner.id, taken)
            taken.add(new_id)
            mapping[inner.id] = new_id
            dx, dy = placed[inner.id]
            shift = (0.0, index * step) if down else (index * step, 0.0)
            pos = (ox + dx + shift[0], oy + dy + shift[1]) if node.pos is not None else None
            new_nodes.append(NodeSpec(id=new_id, type=inner.type, params=dict(inner.params), pos=pos))
        copies.append(mapping)
    at = next(i for i, n in enumerate(model.nodes) if n.id == instance_id)
    model.nodes = model.nodes[:at] + new_nodes + model.nodes[at + 1 :]

    exit_id = copies[-1][block.output]
    edges: list[tuple[str, str]] = []
    entered = False
    for source, target in model.edges:
        if target == instance_id:
            edges.extend(chained_edges(block, copies, source))
            entered = True
        elif source == instance_id:
            edges.append((exit_id, target))
        else:
            edges.append((source, target))
    if not entered:
        edges.extend(chained_edges(block, copies, None))
    model.edges = edges
    if not instances_of(result, name):
        model.blocks = {key: value for key, value in model.blocks.items() if key != name}
    return result, [n.id for n in new_nodes]


def _free(base: str, taken: set[str]) -> str:
    index = 2
    while f"{base}_{index}" in taken:
        index += 1
    return f"{base}_{index}"


def insert_block(
    experiment: Experiment,
    name: str,
    block: BlockSpec,
    pos: tuple[float, float] | None,
    after: str | None = None,
) -> tuple[Experiment, str]:
    """The experiment with block `name` defined and one instance of it at `pos`; after node
    `after` when given (spliced in before that node's one successor, if it has exactly one)."""
    result = copy_experiment(experiment)
    model = result.model
    instance_id = result.unique_id(name)
    model.blocks = {**model.blocks, name: block}
    model.nodes.append(NodeSpec(id=instance_id, type=BLOCK_TYPE, params={"block": name, "repeat": 1}, pos=pos))
    if after is not None:
        successors = [target for source, target in model.edges if source == after]
        if len(successors) == 1:
            index = model.edges.index((after, successors[0]))
            model.edges[index] = (instance_id, successors[0])
            model.edges.insert(index, (after, instance_id))
        else:
            model.edges.append((after, instance_id))
    return result, instance_id
