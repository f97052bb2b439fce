"""Meaning checks that the schema alone cannot make: known types, parameters, edges, ids.

Graph-level problems (cycles, shapes) are not format errors: a half-built network is a valid
file. They are reported by `playground.core.graph.check_experiment`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from playground.core.catalogue import LAYERS
from playground.core.catalogue.block_params import BLOCK_PARAMS
from playground.core.catalogue.training import LOSSES, OPTIMIZERS, SCHEDULERS, ComponentType
from playground.core.data.validation import validate_dataset_params
from playground.core.errors import Problem
from playground.core.experiment.schema import BLOCK_INPUT, BLOCK_TYPE, BlockSpec, Experiment, NodeSpec
from playground.core.i18n import _
from playground.core.params import ParamSpec, validate_params


def _known(message: str, name: str, table: dict[str, Any], path: str) -> list[Problem]:
    """`message` is the problem's whole sentence, with {name} and {available} to fill in."""
    if name in table:
        return []
    return [Problem(path, message.format(name=name, available=", ".join(table)))]


def semantic_problems(experiment: Experiment) -> tuple[list[Problem], dict[str, dict[str, Any]]]:
    """All meaning problems, plus normalised params by JSON path for the caller to store."""
    problems: list[Problem] = []
    normalised: dict[str, dict[str, Any]] = {}

    def check_params(
        specs: Iterable[ParamSpec],
        params: Mapping[str, Any] | None,
        path: str,
        component: ComponentType | None = None,
    ) -> None:
        clean, found = validate_params(specs, params, path)
        problems.extend(Problem(p, m) for p, m in found)
        if not found:
            normalised[path] = clean
            if component is not None:
                problems.extend(Problem(f"{path}.{key}", message) for key, message in component.rule_problems(clean))

    data_clean, data_found = validate_dataset_params(experiment.data.dataset, experiment.data.params, "data.params")
    problems.extend(Problem(p, m) for p, m in data_found)
    if not data_found:
        normalised["data.params"] = data_clean

    model = experiment.model
    _check_graph(model.nodes, model.edges, "model", problems, check_params, blocks=model.blocks)
    for name, block in model.blocks.items():
        path = f"model.blocks.{name}"
        _check_graph(block.nodes, block.edges, path, problems, check_params, entry=BLOCK_INPUT)
        if block.output not in block.node_ids():
            problems.append(
                Problem(f"{path}.output", _("no layer of the block has the id {node!r}").format(node=block.output))
            )

    training = experiment.training
    problems += _known(
        _("unknown loss {name!r} (available: {available})"), training.loss.type, LOSSES, "training.loss.type"
    )
    if training.loss.type in LOSSES:
        check_params(
            LOSSES[training.loss.type].params, training.loss.params, "training.loss.params", LOSSES[training.loss.type]
        )
    problems += _known(
        _("unknown optimizer {name!r} (available: {available})"),
        training.optimizer.type,
        OPTIMIZERS,
        "training.optimizer.type",
    )
    if training.optimizer.type in OPTIMIZERS:
        check_params(
            OPTIMIZERS[training.optimizer.type].params,
            training.optimizer.params,
            "training.optimizer.params",
            OPTIMIZERS[training.optimizer.type],
        )
    if training.scheduler is not None:
        problems += _known(
            _("unknown scheduler {name!r} (available: {available})"),
            training.scheduler.type,
            SCHEDULERS,
            "training.scheduler.type",
        )
        if training.scheduler.type in SCHEDULERS:
            check_params(
                SCHEDULERS[training.scheduler.type].params,
                training.scheduler.params,
                "training.scheduler.params",
                SCHEDULERS[training.scheduler.type],
            )
    if experiment.lesson is not None:
        problems += _lesson_problems(experiment)
    return problems, normalised


def _check_graph(
    nodes: Sequence[NodeSpec],
    edges: Sequence[tuple[str, str]],
    path: str,
    problems: list[Problem],
    check_params: Callable[[Iterable[ParamSpec], Mapping[str, Any] | None, str], None],
    blocks: Mapping[str, BlockSpec] | None = None,
    entry: str | None = None,
) -> None:
    """Unique ids, known types with valid params, edges between known nodes (`entry` is the
    block input's name inside a block; `blocks` the definitions instances may use)."""
    seen: dict[str, int] = {}
    for index, node in enumerate(nodes):
        where = f"{path}.nodes[{index}]"
        if node.id in seen:
            problems.append(
                Problem(
                    f"{where}.id",
                    _("duplicate node id {node!r} (also {path}.nodes[{index}])").format(
                        node=node.id, path=path, index=seen[node.id]
                    ),
                )
            )
        seen.setdefault(node.id, index)
        if node.type == BLOCK_TYPE and blocks is not None:
            check_params(BLOCK_PARAMS, node.params, f"{where}.params")
            name = node.params.get("block")
            if name not in blocks:
                problems.append(
                    Problem(
                        f"{where}.params.block",
                        _("no block is named {block!r} (this file defines: {available})").format(
                            block=name, available=", ".join(blocks) or _("none")
                        ),
                    )
                )
            continue
        if node.type not in LAYERS:
            problems.append(
                Problem(
                    f"{where}.type",
                    _("unknown layer type {type!r} (available: {available})").format(
                        type=node.type, available=", ".join(LAYERS)
                    ),
                )
            )
            continue
        check_params(LAYERS[node.type].params, node.params, f"{where}.params")

    pairs: set[tuple[str, str]] = set()
    for index, (source, target) in enumerate(edges):
        where = f"{path}.edges[{index}]"
        for end, node_id in ((0, source), (1, target)):
            if node_id not in seen and not (end == 0 and node_id == entry):
                problems.append(Problem(f"{where}[{end}]", _("no node has the id {node!r}").format(node=node_id)))
        if source == target:
            problems.append(Problem(where, _("an edge from {source!r} to itself is a cycle").format(source=source)))
        if (source, target) in pairs:
            problems.append(
                Problem(where, _("duplicate edge {source!r} → {target!r}").format(source=source, target=target))
            )
        pairs.add((source, target))


def _lesson_problems(experiment: Experiment) -> list[Problem]:
    """Goals naming a variant the lesson lacks or a threshold out of range; unknown layer types
    in a challenge's allowed layers."""
    # the lessons package reads the schema, which this module's package loads: imported on use
    from playground.core.lessons.challenge import challenge_problems  # noqa: PLC0415
    from playground.core.lessons.goals import goal_problems  # noqa: PLC0415

    lesson = experiment.lesson
    if lesson is None:
        return []
    return goal_problems(lesson) + challenge_problems(lesson)
