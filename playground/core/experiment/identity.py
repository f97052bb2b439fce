"""What a run depends on: two experiments train the same if they differ only in what a run ignores.

A run is decided by the data, the graph (node ids, types, parameters and their order, the edges
and their order: Concat and parameter initialisation follow it), the initialisation and the
training settings. The name, the lesson text (and the lesson's variants, goals and leaderboard),
saved comparisons and where the cards sit on the canvas change nothing, so moving nodes,
auto-arrange, or undoing an edit back to the trained graph keep a finished run and its weights;
any other change is an edit the window reports.
"""

from __future__ import annotations

from typing import Any

from playground.core.experiment.schema import Experiment

IGNORED_FIELDS = {"name", "description", "translations", "classroom", "lesson", "comparison"}


def training_identity(experiment: Experiment) -> dict[str, Any]:
    """The parts of `experiment` a run depends on, as plain data (node positions left out)."""
    document = experiment.model_dump(exclude=IGNORED_FIELDS)
    for node in document["model"]["nodes"]:
        node.pop("pos", None)
    return document


def trains_the_same(first: Experiment | None, second: Experiment | None) -> bool:
    """True when a run of one is a run of the other (both None counts as the same)."""
    if first is None or second is None:
        return first is second
    return training_identity(first) == training_identity(second)


def weights_fit(first: Experiment | None, second: Experiment | None) -> bool:
    """True when a snapshot of a run of one can start a run of the other: the same graph, data and
    initialisation, whatever the training settings (a fork may change those)."""
    if first is None or second is None:
        return False
    a, b = training_identity(first), training_identity(second)
    a.pop("training", None)
    b.pop("training", None)
    return a == b
