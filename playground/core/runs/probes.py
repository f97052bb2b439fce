"""What the views need from the model, computed in the training worker between two steps.

`TaskProbe` picks the kind of view from the dataset (decision boundary, image predictions,
forecast, confusion matrix, predicted-vs-true), prepares its static data once (`setup()`), and
computes fresh predictions on demand (`predict()`), always in eval mode without autograd and
restoring the model's mode afterwards, so training continues exactly as it would have.

`TrainSubsetMetrics` measures accuracy (or MAE/R²) on a fixed slice of the training split after
an epoch, so the metric plot can show train beside validation.

`NeuronProbe` maps every unit of a small dense network over the input plane (the network view of
TensorFlow Playground: the hidden layers and the output layer) and reads each layer's weights.

Each keeps its cost to a few percent of the training time: it measures how long it took and waits
long enough before the next call (`due()`). No Qt here: this runs in the training worker.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import torch
from torch import nn

from playground.core.catalogue import ACTIVATIONS as CATALOGUE_ACTIVATIONS
from playground.core.graph.topology import Topology
from playground.core.runs.records import NeuronMaps, Prediction, ViewSetup
from playground.core.training.metrics import evaluate

GRID_RESOLUTION = 100  # boundary grid: 100 × 100 outputs (a frame's worth of work, even 30 times a second)
IMAGE_COUNT = 24  # test images shown with their predictions
FORECAST_COUNT = 60  # test windows in the forecast plot
SCATTER_COUNT = 600  # test samples in predicted-vs-true
TRAIN_SUBSET = 512  # training samples for the train accuracy/MAE/R² after each epoch
COST_SHARE = 0.03  # at most this share of the time goes into one kind of extra work

BASE_INTERVAL = {  # seconds between predictions while training, before the cost limit: the boundary
    "boundary": 1 / 30,  # at the live views' 30 frames a second, the others at least 5 times a second
    "images": 0.2,
    "forecast": 0.1,
    "confusion": 0.2,
    "scatter": 0.2,
    "none": math.inf,
}


class _Budget:
    """Spacing for work whose cost we measure: at most `share` of wall time, at least `base` apart
    (unless the base is waived: a view that asks for each picture sets the pace itself)."""

    def __init__(self, base: float, share: float = COST_SHARE) -> None:
        self.base = base
        self.share = share
        self.next_time = 0.0  # the earliest next call, base interval included
        self.affordable_time = 0.0  # the earliest next call that keeps the cost share

    def due(self, now: float | None = None, waive_base: bool = False) -> bool:
        now = now if now is not None else time.perf_counter()
        return now >= (self.affordable_time if waive_base else self.next_time)

    def spent(self, started: float, ended: float) -> None:
        cost = ended - started
        self.affordable_time = ended + cost / self.share
        self.next_time = max(self.affordable_time, ended + self.base)


def _forward(model: nn.Module, x: torch.Tensor, device: torch.device) -> torch.Tensor:
    """Model outputs in eval mode, without autograd, the model's mode restored afterwards."""
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            outputs = []
            for start in range(0, x.shape[0], 4096):
                chunk = x[start : start + 4096]
                if chunk.device != device:
                    chunk = chunk.to(device)
                outputs.append(model(chunk))
            out = torch.cat(outputs) if len(outputs) > 1 else outputs[0]
            return out.float().cpu()
    finally:
        model.train(was_training)


def _probabilities(outputs: torch.Tensor) -> torch.Tensor:
    """Class probabilities from classifier outputs: a single logit means sigmoid for class 1."""
    if outputs.dim() == 1 or outputs.shape[-1] == 1:
        p1 = torch.sigmoid(outputs.reshape(-1))
        return torch.stack([1 - p1, p1], dim=-1)
    return torch.softmax(outputs.reshape(outputs.shape[0], -1), dim=-1)


def _numpy(tensor: torch.Tensor | None) -> np.ndarray | None:
    return None if tensor is None else tensor.detach().cpu().numpy().copy()


def _split(dataset: Any) -> tuple[str, torch.Tensor, torch.Tensor]:
    """The split the task view shows: test, else validation, else training."""
    for name in ("test", "val", "train"):
        x, y = getattr(dataset, f"x_{name}", None), getattr(dataset, f"y_{name}", None)
        if x is not None and y is not None and x.shape[0] > 0:
            return name, x, y
    return "train", dataset.x_train, dataset.y_train


def choose_kind(dataset: Any) -> str:
    info = dataset.info
    if info.modality == "points" and getattr(dataset, "point_features", None) is not None:
        if info.task == "classification" or (info.target_dim or 1) == 1:
            return "boundary"
    if info.modality == "image" and info.task == "classification":
        return "images"
    if info.modality == "sequence" and info.task == "regression":
        return "forecast"
    return "confusion" if info.task == "classification" else "scatter"


class TaskProbe:
    """The task view's data for one dataset and model, computed in the training thread."""

    def __init__(self, dataset: Any, device: torch.device, resolution: int = GRID_RESOLUTION) -> None:
        self.dataset = dataset
        self.device = device
        self.info = dataset.info
        self.kind = choose_kind(dataset)
        self.budget = _Budget(BASE_INTERVAL[self.kind])
        self.resolution = resolution
        self.split, x, y = _split(dataset)
        self._x: torch.Tensor | None = None
        self._y: torch.Tensor | None = None
        if self.kind == "boundary":
            low, high = dataset.point_range()
            self.extent = (float(low), float(high))
            step = (high - low) / resolution
            axis = low + (np.arange(resolution) + 0.5) * step  # cell centres
            gx, gy = np.meshgrid(axis, axis)  # row i: x2 = axis[i]; column j: x1 = axis[j]
            self._x = dataset.features_for_points(np.column_stack([gx.ravel(), gy.ravel()]))
        elif self.kind == "images":
            self._x, self._y = x, y
        elif self.kind == "forecast":
            self._x, self._y = x[:FORECAST_COUNT], y[:FORECAST_COUNT]
        elif self.kind == "scatter":
            self._x, self._y = x[:SCATTER_COUNT], y[:SCATTER_COUNT]
        elif self.kind == "confusion":
            self._x, self._y = x, y

    # ---- once per run ---------------------------------------------------------------------------
    def setup(self) -> ViewSetup:
        info, dataset = self.info, self.dataset
        setup = ViewSetup(kind=self.kind, task=info.task, class_names=list(info.class_names), split=self.split)
        if self.kind == "boundary":
            setup.extent, setup.resolution = self.extent, self.resolution
            setup.points_train = np.asarray(dataset.points_train, dtype=np.float64)
            setup.targets_train = self._targets(dataset.y_train)
            setup.points_test = (
                None if dataset.points_test is None else np.asarray(dataset.points_test, dtype=np.float64)
            )
            setup.targets_test = self._targets(dataset.y_test)
        elif self.kind == "images":
            x, y = self._samples()
            setup.images, setup.labels = _numpy(x[:IMAGE_COUNT]), _numpy(y[:IMAGE_COUNT])
        elif self.kind == "forecast":
            x, y = self._samples()
            history = x[..., 0] if x.dim() == 3 else x.reshape(x.shape[0], -1)
            setup.history = _numpy(history.float())
            setup.truth = _numpy(y.reshape(y.shape[0], -1)[:, 0])
        elif self.kind == "scatter":
            _, y = self._samples()
            setup.truth = _numpy(y.reshape(y.shape[0], -1)[:, 0].float())
        return setup

    def _samples(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The inputs and targets every kind but the boundary keeps (set in `__init__`)."""
        if self._x is None or self._y is None:
            raise RuntimeError(f"the {self.kind} view has no samples")
        return self._x, self._y

    def _targets(self, y: torch.Tensor | None) -> np.ndarray | None:
        if y is None:
            return None
        if self.info.task == "regression":
            return _numpy(y.reshape(y.shape[0], -1)[:, 0].double())
        return _numpy(y.reshape(-1))

    # ---- while training -----------------------------------------------------------------------
    def due(self, asked: bool = False) -> bool:
        """Time for a prediction; `asked`: the view has drawn the last one and waits for this."""
        return self.kind != "none" and self.budget.due(waive_base=asked)

    def predict(self, model: nn.Module) -> Prediction | None:
        """Fresh predictions for the view (call between two steps, in the training thread)."""
        x = self._x
        if self.kind == "none" or x is None:
            return None
        started = time.perf_counter()
        try:
            return self._predict(model, x)
        finally:
            self.budget.spent(started, time.perf_counter())

    def _predict(self, model: nn.Module, x: torch.Tensor) -> Prediction:
        outputs = _forward(model, x, self.device)
        if self.kind == "boundary":
            r = self.resolution
            if self.info.task == "classification":
                values = _probabilities(outputs).reshape(r, r, -1)
            else:
                values = outputs.reshape(outputs.shape[0], -1)[:, 0].reshape(r, r)
            return Prediction(values=values.numpy().astype(np.float32))
        if self.kind in ("images", "confusion"):
            probabilities = _probabilities(outputs)
            confidence, predicted = probabilities.max(dim=-1)
            k = self.info.num_classes or probabilities.shape[-1]
            _, y = self._samples()
            truth = y.reshape(-1).cpu().long()
            index = truth.clamp(0, k - 1) * k + predicted.clamp(0, k - 1)
            confusion = torch.bincount(index, minlength=k * k).reshape(k, k).numpy()
            if self.kind == "images":
                return Prediction(
                    confusion=confusion,
                    predicted=predicted[:IMAGE_COUNT].numpy(),
                    confidence=confidence[:IMAGE_COUNT].numpy(),
                )
            return Prediction(confusion=confusion)
        values = outputs.reshape(outputs.shape[0], -1)[:, 0]
        return Prediction(predicted=values.numpy().astype(np.float64))


class TrainSubsetMetrics:
    """Accuracy (classification) or MAE and R² (regression) on the first training samples."""

    def __init__(self, dataset: Any, loss: Any, device: torch.device, count: int = TRAIN_SUBSET) -> None:
        self.x = dataset.x_train[:count]
        self.y = dataset.y_train[:count]
        self.loss = loss
        self.device = device
        self.budget = _Budget(0.0, share=0.01)

    def due(self) -> bool:
        return self.budget.due()

    def measure(self, model: nn.Module) -> dict[str, float]:
        started = time.perf_counter()
        try:
            metrics = evaluate(model, self.loss, self.x, self.y, self.device)
        finally:
            self.budget.spent(started, time.perf_counter())
        if metrics is None:
            return {}
        out = {}
        for name, value in (("train_accuracy", metrics.accuracy), ("train_mae", metrics.mae), ("train_r2", metrics.r2)):
            if value is not None and math.isfinite(value):
                out[name] = float(value)
        return out


# ---- the network view: every unit over the plane -------------------------------------------------

NEURON_RESOLUTION = 40  # grid cells per side of a unit's map
MAX_MAPPED_UNITS = 64  # all hidden units together; a bigger network shows no maps
NEURON_INTERVAL = 1 / 10  # seconds between maps while training, before the cost limit
ACTIVATIONS = frozenset(CATALOGUE_ACTIVATIONS)  # the catalogue's activation layers
PASS_THROUGH = frozenset({"Dropout", "Identity", "Flatten"})  # no change to (N, F) rows in eval mode


def dense_units(experiment: Any) -> list[tuple[str, str]] | None:
    """(Linear node, node whose output shows its units) for every dense layer, input to output (the
    hidden layers, then the output layer), when the model is a chain of Linear layers, activations
    and dropout; else None.

    A unit's output is taken after the activation that follows its Linear (what TensorFlow
    Playground shows); for the output layer that is the model's output. A single Linear (a
    perceptron) is a network without hidden layers: one entry.
    """
    nodes = experiment.nodes_by_id()
    topology = Topology.of(experiment)
    inputs = [node.id for node in experiment.model.nodes if node.type == "Input"]
    if len(inputs) != 1 or topology.input_count(inputs[0]):
        return None
    allowed = ACTIVATIONS | PASS_THROUGH | {"Linear"}
    chain, current, seen = [], inputs[0], {inputs[0]}
    while topology.successors(current):
        following = topology.successors(current)
        if len(following) != 1:
            return None
        current = following[0]
        if current in seen or topology.input_count(current) != 1 or nodes[current].type not in allowed:
            return None
        seen.add(current)
        chain.append(current)
    if len(seen) != len(nodes):  # a node outside the chain: not a plain dense network
        return None
    linears = [position for position, node_id in enumerate(chain) if nodes[node_id].type == "Linear"]
    if not linears or any(nodes[node_id].type in ACTIVATIONS for node_id in chain[: linears[0]]):
        return None  # no dense layer, or an activation on the inputs (their maps would not be what it sees)
    layers = []
    for start in linears:
        shown, position = chain[start], start + 1
        while position < len(chain) and nodes[chain[position]].type != "Linear":
            if nodes[chain[position]].type in ACTIVATIONS:
                shown = chain[position]
            position += 1
        layers.append((chain[start], shown))
    return layers


class NeuronProbe:
    """Maps of every unit of a small dense network on 2-D data (hidden layers and the output), and
    the weights of each layer."""

    def __init__(
        self, dataset: Any, experiment: Any, model: nn.Module, device: torch.device, resolution: int = NEURON_RESOLUTION
    ) -> None:
        self.device = device
        self.budget = _Budget(NEURON_INTERVAL)
        self.units = dense_units(experiment) if getattr(dataset, "point_features", None) is not None else None
        self.resolution = resolution
        modules = dict(model.named_modules())
        if self.units is not None:
            if any(name not in modules for pair in self.units for name in pair) or not all(
                isinstance(modules[linear], nn.Linear) for linear, _ in self.units
            ):
                self.units = None
            elif sum(int(modules[linear].out_features) for linear, _ in self.units[:-1]) > MAX_MAPPED_UNITS:
                self.units = None
        self.enabled = self.units is not None
        if not self.enabled:
            return
        low, high = dataset.point_range()
        self.extent = (float(low), float(high))
        axis = low + (np.arange(resolution) + 0.5) * (high - low) / resolution  # cell centres
        gx, gy = np.meshgrid(axis, axis)  # row i: x2 = axis[i]; column j: x1 = axis[j] (as the boundary)
        self._grid = dataset.features_for_points(np.column_stack([gx.ravel(), gy.ravel()]))
        self.inputs = list(dataset.point_features.features)
        self._input_maps = self._grid.T.reshape(len(self.inputs), resolution, resolution).numpy().astype(np.float32)

    def due(self) -> bool:
        return self.enabled and self.budget.due()

    def maps(self, model: nn.Module) -> NeuronMaps | None:
        """Every unit's output over the grid and the layers' weights, now (between two steps)."""
        if not self.enabled or self.units is None:
            return None
        started = time.perf_counter()
        try:
            return self._maps(model)
        finally:
            self.budget.spent(started, time.perf_counter())

    def _maps(self, model: nn.Module) -> NeuronMaps:
        assert self.units is not None
        modules = dict(model.named_modules())
        captured: dict[str, list[torch.Tensor]] = {shown: [] for _, shown in self.units}
        hooks = [
            modules[shown].register_forward_hook(
                lambda _module, _inputs, output, key=shown: captured[key].append(output.detach().float().cpu())
            )
            for shown in captured
        ]
        try:
            _forward(model, self._grid, self.device)  # in chunks: each hook sees every chunk
        finally:
            for hook in hooks:
                hook.remove()
        r = self.resolution
        maps = []
        for _, shown in self.units:
            outputs = torch.cat(captured[shown]).reshape(r * r, -1)
            maps.append(outputs.T.reshape(-1, r, r).numpy().astype(np.float32))
        weights = [modules[linear].weight.detach().float().cpu().numpy().copy() for linear, _ in self.units]
        return NeuronMaps(
            layers=[linear for linear, _ in self.units],
            units=[m.shape[0] for m in maps],
            maps=maps,
            weights=weights,
            extent=self.extent,
            inputs=list(self.inputs),
            input_maps=self._input_maps,
        )
