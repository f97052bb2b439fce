"""Change an experiment by dotted paths into its document: what a lesson's variants declare and
what a sweep's ``--set`` sets.

A path names keys of the saved document (``training.optimizer.params.lr``); under
``model.nodes`` the next part is a node's id (``model.nodes.rnn.type``), because a list position
would silently point at another node after an edit. The result is validated like a file, so a
change that makes no sense is refused with the path and the reason, and the original experiment
is never touched.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from playground.core.errors import ExperimentError, Problem
from playground.core.experiment.io import experiment_from_dict, experiment_to_dict
from playground.core.experiment.schema import Experiment
from playground.core.i18n import _

# Sections a change may not reach: they describe the lesson itself, not one run of it.
_FIXED_ROOTS = frozenset({"format", "version", "lesson", "comparison", "translations", "classroom"})


def with_changes(experiment: Experiment, changes: Mapping[str, Any], source: str | None = None) -> Experiment:
    """A validated copy of `experiment` with every change applied (ExperimentError naming the path
    if one cannot be: an unknown node, a key under a value that is not an object, a value the
    format refuses). Node positions and the lesson text stay as they are."""
    document = experiment_to_dict(experiment)
    for path, value in changes.items():
        _set_path(document, path, copy.deepcopy(value), source)
    changed = experiment_from_dict(document, source)
    changed.lesson = copy.deepcopy(experiment.lesson)
    return changed


def parse_setting(text: str) -> tuple[str, str]:
    """``"training.batch_size=16"`` -> ``("training.batch_size", "16")``."""
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise ExperimentError(
            Problem(text, _("write a setting as PATH=VALUE, for example training.optimizer.params.lr=0.01"))
        )
    return path.strip(), value.strip()


def _set_path(document: dict[str, Any], path: str, value: Any, source: str | None) -> None:
    parts = path.split(".")
    if not all(parts) or parts[0] in _FIXED_ROOTS:
        raise ExperimentError(Problem(path, _("is not a setting a variant may change")), source)
    target: Any = document
    for depth, part in enumerate(parts[:-1]):
        if isinstance(target, list):  # model.nodes: the next part is a node id
            target = _node(target, part, ".".join(parts[: depth + 1]), source)
            continue
        if not isinstance(target, dict):
            raise ExperimentError(Problem(path, _("{part!r} is not an object").format(part=parts[depth - 1])), source)
        if part not in target or target[part] is None:
            target[part] = {}
        target = target[part]
    last = parts[-1]
    if isinstance(target, list):
        raise ExperimentError(Problem(path, _("name a field of the node, for example {path}.type").format(path=path)))
    if not isinstance(target, dict):
        raise ExperimentError(Problem(path, _("{part!r} is not an object").format(part=parts[-2])), source)
    target[last] = value


def _node(nodes: list[Any], node_id: str, path: str, source: str | None) -> dict[str, Any]:
    for node in nodes:
        if isinstance(node, dict) and node.get("id") == node_id:
            return node
    known = ", ".join(str(node.get("id")) for node in nodes if isinstance(node, dict))
    raise ExperimentError(
        Problem(path, _("there is no node {id!r} (nodes: {known})").format(id=node_id, known=known)), source
    )
