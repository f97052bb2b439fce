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

from playground.core.data import load_dataset
from playground.core.experiment.schema import Experiment
from playground.core.graph import build_model
from playground.core.runs.inside import InsideProbe, describe_probe_failure
from playground.core.runs.probes import NeuronProbe, TaskProbe
from playground.core.runs.records import NeuronMaps, Prediction, ProbeRequest, ProbeResult
from playground.core.runs.timeline import WeightSnapshot
from playground.core.training.losses import build_loss


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
    task = TaskProbe(dataset, device, experiment=experiment)
    prediction = task.predict(model)
    maps = None
    if neurons:
        probe = NeuronProbe(dataset, experiment, model, device)
        maps = probe.maps(model) if probe.enabled else None
    return ReplayedViews(snapshot.epoch, snapshot.step, task.kind, prediction, maps)


@dataclass
class ReplayAnswer:
    """What the views of a kept epoch show: the task view and maps (when asked), the look inside a
    node (when asked), or why it could not be recomputed."""

    epoch: int
    step: int
    views: ReplayedViews | None = None
    probe: ProbeResult | None = None
    error: str | None = None
    tag: Any = None  # what the asker passed with the question
    number: int = 0  # which question it answers


class Replayer:
    """Recomputes views from the snapshots of one run: the data is loaded and the probes are made
    once, the model of the latest snapshot asked for is kept (scrubbing asks for many)."""

    def __init__(self, experiment: Experiment, base_dir: str | None = None, device: str = "cpu") -> None:
        self.experiment = experiment
        self.device = torch.device(device)
        self.dataset = load_dataset(experiment.data, base_dir=base_dir)
        training = experiment.training
        info = self.dataset.info
        self.loss = build_loss(training.loss.type, training.loss.params, info.task, getattr(info, "num_classes", None))
        self._task = TaskProbe(self.dataset, self.device, experiment=experiment)
        self._neurons: NeuronProbe | None = None
        self._inside: InsideProbe | None = None
        self._model: tuple[int, torch.nn.Module] | None = None  # (snapshot epoch, its model)

    def _model_of(self, snapshot: WeightSnapshot) -> torch.nn.Module:
        if self._model is None or self._model[0] != snapshot.epoch:
            self._model = (snapshot.epoch, snapshot_model(self.experiment, self.dataset, snapshot, self.device))
        return self._model[1]

    def answer(self, snapshot: WeightSnapshot, views: bool = True, probe: ProbeRequest | None = None) -> ReplayAnswer:
        """The views of `snapshot` (`views`) and the look inside `probe`'s node; never raises."""
        answer = ReplayAnswer(snapshot.epoch, snapshot.step)
        try:
            model = self._model_of(snapshot)
            if views:
                if self._neurons is None:
                    self._neurons = NeuronProbe(self.dataset, self.experiment, model, self.device)
                maps = self._neurons.maps(model) if self._neurons.enabled else None
                answer.views = ReplayedViews(
                    snapshot.epoch, snapshot.step, self._task.kind, self._task.predict(model), maps
                )
            if probe is not None:
                if self._inside is None:
                    self._inside = InsideProbe(self.dataset, self.experiment, self.loss, self.device)
                answer.probe = self._inside.look(model, probe, snapshot.step, snapshot.epoch)
        except Exception as exc:  # noqa: BLE001 - a view that cannot be recomputed says why
            answer.error = describe_probe_failure(exc)
        return answer
