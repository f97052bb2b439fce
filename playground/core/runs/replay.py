"""Scrubbing back through a run: what the live views showed at a kept epoch, recomputed from its
weight snapshot.

`replay_views` rebuilds the model, loads the snapshot's weights and asks the same probes the
worker's live views use (`TaskProbe.predict`, `NeuronProbe.maps`), so the picture of epoch k is
exactly the one a run stopped at epoch k would show. The global RNG is left as it was (building
a model draws initial weights from it), so this may run beside a training in the same process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from playground.core.experiment.schema import Experiment
from playground.core.graph import build_model
from playground.core.runs.probes import NeuronProbe, TaskProbe
from playground.core.runs.records import NeuronMaps, Prediction
from playground.core.runs.timeline import WeightSnapshot


@dataclass
class ReplayedViews:
    """The live views' data of one kept epoch."""

    epoch: int  # the snapshot's epoch (0: the initial weights)
    step: int
    kind: str  # the task view's kind ("boundary", "images", ...; TaskProbe.kind)
    prediction: Prediction | None  # the task view's data (None for a view without predictions)
    neurons: NeuronMaps | None  # every unit over the plane; None when the network view has no maps


def snapshot_model(
    experiment: Experiment, dataset: Any, snapshot: WeightSnapshot, device: torch.device
) -> torch.nn.Module:
    """The experiment's model with the snapshot's weights, on `device`, the global RNG untouched."""
    with torch.random.fork_rng(devices=[]):
        model = build_model(experiment, dataset.info)
    model.load_state_dict(snapshot.weights())
    return model.to(device)


def replay_views(
    experiment: Experiment,
    dataset: Any,
    snapshot: WeightSnapshot,
    device: torch.device | str = "cpu",
    *,
    neurons: bool = True,
) -> ReplayedViews:
    """The task view's prediction and (when `neurons` and the network has maps) the per-unit maps
    of `snapshot`'s weights. `dataset`: the loaded dataset the run trained on."""
    device = torch.device(device)
    model = snapshot_model(experiment, dataset, snapshot, device)
    task = TaskProbe(dataset, device)
    prediction = task.predict(model)
    maps = None
    if neurons:
        probe = NeuronProbe(dataset, experiment, model, device)
        maps = probe.maps(model) if probe.enabled else None
    return ReplayedViews(snapshot.epoch, snapshot.step, task.kind, prediction, maps)
