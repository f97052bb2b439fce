"""Apply the mechanical fixes that shape inference offers ("insert Flatten before 'fc1'").

A fix changes the experiment object only; the editor wraps the call in one undo command.
"""

from __future__ import annotations

from typing import Any

from playground.core.catalogue import LAYERS, Fix
from playground.core.experiment.schema import Experiment, NodeSpec
from playground.core.graph.topology import Topology
from playground.core.i18n import _


def apply_fix(experiment: Experiment, fix: Fix) -> str | None:
    """Apply `fix` (and the fixes it brings `also`) in place. Returns the id of a node it created, if any."""
    if fix.kind == "set_param":
        node = experiment.node(fix.node)
        node.params = {**node.params, **fix.params}
        created = None
    elif fix.kind == "insert_before":
        created = insert_before(experiment, fix.node, fix.layer_type, dict(fix.params))
    else:
        raise ValueError(_("unknown fix kind {kind!r}").format(kind=fix.kind))
    for follow_up in fix.also:
        created = apply_fix(experiment, follow_up) or created
    return created


def insert_before(experiment: Experiment, target: str, layer_type: str, params: dict[str, Any] | None = None) -> str:
    """Put a new `layer_type` node on every edge that enters `target`."""
    if layer_type not in LAYERS:
        raise KeyError(_("unknown layer type {type!r}").format(type=layer_type))
    target_node = experiment.node(target)
    new_id = experiment.unique_id(layer_type)
    sources = Topology.of(experiment).predecessors(target)
    pos = None
    if target_node.pos is not None:
        positions = (experiment.node(s).pos for s in sources)
        before = [p for p in positions if p is not None]
        if before:
            pos = ((before[0][0] + target_node.pos[0]) / 2, (before[0][1] + target_node.pos[1]) / 2 + 40)
        else:
            pos = (target_node.pos[0] - 160, target_node.pos[1])
    index = experiment.node_ids().index(target)
    experiment.model.nodes.insert(index, NodeSpec(id=new_id, type=layer_type, params=params or {}, pos=pos))
    edges = []
    for source, dest in experiment.model.edges:
        edges.append((source, new_id) if dest == target else (source, dest))
    edges.append((new_id, target))
    experiment.model.edges = edges
    return new_id
