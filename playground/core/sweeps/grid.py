"""A sweep's grid: settings to vary (``training.optimizer.params.lr=0.001,0.01``) times seeds.

Each run of the grid is a `SweepRun`: its settings (dotted path → value), its seed and a key that
names it in the results, so that a resumed sweep knows which runs are done. The experiment of a
run is the base document with those values set and validated like any file: a path that does not
exist or a value the format refuses is a `SweepError` that names the path.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
from dataclasses import dataclass
from typing import Any

from playground.core.errors import ExperimentError, PlaygroundError
from playground.core.experiment.io import experiment_from_dict, experiment_to_dict
from playground.core.experiment.schema import Experiment
from playground.core.i18n import _

MAX_RUNS = 10_000
MAX_SEEDS = 1_000


class SweepError(PlaygroundError):
    """The grid cannot be made: the message names the setting and says what is wrong."""


@dataclass(frozen=True)
class Axis:
    """One setting and the values it takes."""

    path: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class SweepRun:
    """One run of the grid."""

    settings: tuple[tuple[str, Any], ...]  # (path, value) in the order the axes were given
    seed: int

    @property
    def key(self) -> str:
        """A short stable name of the run (its settings and seed), for resuming."""
        text = json.dumps([list(self.settings), self.seed], sort_keys=True, default=str)
        return hashlib.sha1(text.encode()).hexdigest()[:12]

    def settings_dict(self) -> dict[str, Any]:
        return dict(self.settings)


def _value(text: str) -> Any:
    """``0.01`` → 0.01, ``16`` → 16, ``true`` → True, ``"full"``/``full`` → "full", ``null`` → None."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_axis(text: str) -> Axis:
    """``path=v1,v2,...`` as an `Axis` (values read as JSON where they parse, else as text)."""
    path, sep, values = text.partition("=")
    path = path.strip()
    if not sep or not path or not values.strip():
        raise SweepError(
            _(
                "--set needs PATH=VALUE[,VALUE...], for example training.optimizer.params.lr=0.001,0.01; got {text!r}"
            ).format(text=text)
        )
    parsed = tuple(_value(part.strip()) for part in values.split(","))
    if len(set(map(repr, parsed))) != len(parsed):
        raise SweepError(_("--set {path}: a value is listed twice").format(path=path))
    return Axis(path, parsed)


def grid(axes: list[Axis], seeds: int, first_seed: int = 0) -> list[SweepRun]:
    """Every combination of the axes' values, each with `seeds` seeds (first_seed, first_seed + 1, ...)."""
    if not 1 <= seeds <= MAX_SEEDS:
        raise SweepError(_("--seeds must be between 1 and {limit}, got {count}").format(limit=MAX_SEEDS, count=seeds))
    paths = [axis.path for axis in axes]
    if len(set(paths)) != len(paths):
        raise SweepError(_("a setting is given twice with --set"))
    combinations = list(itertools.product(*(axis.values for axis in axes)))
    total = len(combinations) * seeds
    if total > MAX_RUNS:
        raise SweepError(
            _("the sweep has {count} runs, more than {limit}: vary fewer settings").format(
                count=f"{total:,}", limit=f"{MAX_RUNS:,}"
            )
        )
    return [
        SweepRun(tuple(zip(paths, values, strict=True)), first_seed + index)
        for values in combinations
        for index in range(seeds)
    ]


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    target: Any = document
    for depth, part in enumerate(parts[:-1]):
        if not isinstance(target, dict) or part not in target or not isinstance(target[part], dict):
            if isinstance(target, dict) and part == "params" and part not in target:
                target[part] = {}
            else:
                raise SweepError(
                    _("--set {path}: the experiment has no {part!r} there").format(
                        path=path, part=".".join(parts[: depth + 1])
                    )
                )
        target = target[part]
    if not isinstance(target, dict):
        raise SweepError(_("--set {path}: the experiment has no setting there").format(path=path))
    target[parts[-1]] = value


def run_experiment(base: Experiment, run: SweepRun) -> Experiment:
    """The base experiment with the run's settings and its training seed, validated."""
    document = copy.deepcopy(experiment_to_dict(base))
    for path, value in run.settings:
        if path.startswith("model.nodes") or path.startswith("model.edges"):
            raise SweepError(_("--set {path}: a sweep varies settings, not the graph").format(path=path))
        _set(document, path, value)
    document["training"]["seed"] = run.seed
    try:
        return experiment_from_dict(document)
    except ExperimentError as exc:
        first = exc.problems[0] if exc.problems else exc
        raise SweepError(
            _("the sweep's settings {settings} are not valid: {problem}").format(
                settings=", ".join(f"{path}={value!r}" for path, value in run.settings), problem=first
            )
        ) from None
