"""What the views need from the model, computed in the training worker between two steps.

`TaskProbe` picks the kind of view from the dataset and the loss (decision boundary, image
predictions, forecast, confusion matrix, predicted-vs-true, an autoencoder's reconstructions and
codes, an embedding's scatter), prepares its static data once (`setup()`), and
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
from playground.core.catalogue.training import EMBEDDING_LOSSES
from playground.core.graph.blocks import expand_blocks
from playground.core.graph.inference import check_experiment
from playground.core.graph.topology import Topology
from playground.core.runs.records import NeuronMaps, Prediction, ViewSetup
from playground.core.training.metrics import evaluate

GRID_RESOLUTION = 100  # boundary grid: 100 × 100 outputs (a frame's worth of work, even 30 times a second)
IMAGE_COUNT = 24  # test images shown with their predictions
FORECAST_COUNT = 60  # test windows in the forecast plot
SCATTER_COUNT = 600  # test samples in predicted-vs-true
CURVE_RESOLUTION = 200  # points of a fitted curve y(x)
CURVE_SAMPLES = 2000  # training points drawn under the fitted curve
RECONSTRUCTION_COUNT = 10  # test images shown with their reconstructions (one of each class where it can)
CODE_COUNT = 2000  # test samples in the scatter of codes or embeddings
CODE_NODE = "code"  # the node id that names an autoencoder's bottleneck (else: the narrowest node)
TRAIN_SUBSET = 512  # training samples for the train accuracy/MAE/R² after each epoch
COST_SHARE = 0.03  # at most this share of the time goes into one kind of extra work

BASE_INTERVAL = {  # seconds between predictions while training, before the cost limit: the boundary
    "boundary": 1 / 30,  # at the live views' 30 frames a second, the others at least 5 times a second
    "images": 0.2,
    "forecast": 0.1,
    "confusion": 0.2,
    "scatter": 0.2,
    "curve": 0.1,
    "reconstruction": 0.2,
    "embedding": 0.2,
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


def choose_kind(dataset: Any, experiment: Any = None) -> str:
    """The task view's kind for this data (and, where it matters, this experiment's loss)."""
    info = dataset.info
    loss = getattr(getattr(getattr(experiment, "training", None), "loss", None), "type", None)
    if loss in EMBEDDING_LOSSES and info.task == "classification":
        return "embedding"
    if getattr(info, "target_is_input", False) and info.modality == "image":
        return "reconstruction"
    if info.modality == "points" and getattr(dataset, "point_features", None) is not None:
        if info.task == "classification" or (info.target_dim or 1) == 1:
            return "boundary"
    if info.modality == "image" and info.task == "classification":
        return "images"
    if info.modality == "sequence" and info.task == "regression":
        return "forecast"
    if is_curve(info):
        return "curve"
    return "confusion" if info.task == "classification" else "scatter"


def is_curve(info: Any) -> bool:
    """Regression of one value on one input column (x → y): drawn as the fitted curve over x."""
    return (
        info.task == "regression"
        and info.modality in ("points", "features")
        and tuple(info.input_shape) == (1,)
        and (info.target_dim or 1) == 1
        and not getattr(info, "target_is_input", False)
    )


def input_map(dataset: Any) -> tuple[float, float] | None:
    """(a, b) with model input = a·x + b for the raw x a 1-column dataset keeps in `points_train`
    (its standardisation); None when it keeps no raw values (the view then shows model inputs)."""
    raw = getattr(dataset, "points_train", None)
    if raw is None or len(raw) != len(dataset.x_train) or np.asarray(raw).reshape(len(raw), -1).shape[1] != 1:
        return None
    x = np.asarray(raw, dtype=np.float64).reshape(-1)
    inputs = dataset.x_train.reshape(-1).double().numpy()
    if len(x) < 2 or np.ptp(x) == 0:
        return None
    a, b = np.polyfit(x, inputs, 1)
    return float(a), float(b)


def _report(experiment: Any, info: Any) -> Any:
    try:
        return check_experiment(experiment, info)
    except Exception:  # noqa: BLE001 - a graph that cannot be checked has no code to show
        return None


def output_width(experiment: Any, info: Any) -> tuple[str, int] | None:
    """(node, values per sample) of the model's output when it is one flat vector per sample."""
    report = _report(experiment, info)
    if report is None or report.output_id is None:
        return None
    output = report.nodes[report.output_id].output
    return None if output is None or output.rank != 1 else (report.output_id, int(output.shape[0]))


def bottleneck(experiment: Any, info: Any) -> tuple[str, int] | None:
    """(node, units) of an autoencoder's code: the node called `code`, else the narrowest node
    with one flat vector per sample between the input and the output (the later of equals, so an
    activation after the code layer is what is shown); None when the graph has no such node."""
    report = _report(experiment, info)
    if report is None:
        return None
    flat = {}
    for node_id in report.order:
        output = report.nodes[node_id].output
        if node_id not in (report.input_id, report.output_id) and output is not None and output.rank == 1:
            flat[node_id] = int(output.shape[0])
    if CODE_NODE in flat:
        return CODE_NODE, flat[CODE_NODE]
    if not flat:
        return None
    narrowest = min(flat.values())
    return [node_id for node_id, units in flat.items() if units == narrowest][-1], narrowest


def _class_order(labels: np.ndarray | None, count: int, total: int) -> np.ndarray:
    """Indices of `count` samples: the first of each class in turn (0, 1, 2, ...), then the rest."""
    if labels is None or not len(labels):
        return np.arange(min(count, total))
    chosen = [int(np.flatnonzero(labels == label)[0]) for label in np.unique(labels)]
    taken = set(chosen)
    rest = [index for index in range(len(labels)) if index not in taken]
    return np.asarray((chosen + rest)[:count], dtype=np.int64)


def plane_of(codes: np.ndarray) -> np.ndarray:
    """(n, D) codes as (n, 2) points: themselves for D = 2, their first two principal axes for a
    wider code (signs fixed so the picture does not flip between frames), a zero y for D = 1."""
    codes = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)
    if codes.shape[1] == 2 or not len(codes):
        return codes.reshape(len(codes), -1)[:, :2] if codes.shape[1] >= 2 else np.zeros((len(codes), 2))
    if codes.shape[1] == 1:
        return np.column_stack([codes[:, 0], np.zeros(len(codes))])
    finite = np.nan_to_num(codes, nan=0.0, posinf=0.0, neginf=0.0)
    centred = finite - finite.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    axes = axes[:2]
    axes *= np.where(axes[np.arange(2), np.abs(axes).argmax(axis=1)] < 0, -1.0, 1.0)[:, None]
    plane: np.ndarray = centred @ axes.T
    return plane


class TaskProbe:
    """The task view's data for one dataset and model, computed in the training thread.

    `experiment` (when given) lets the probe see the loss (an embedding is scattered, not scored)
    and the graph (an autoencoder's bottleneck, whose codes are scattered)."""

    def __init__(
        self, dataset: Any, device: torch.device, resolution: int = GRID_RESOLUTION, experiment: Any = None
    ) -> None:
        self.dataset = dataset
        self.device = device
        self.info = dataset.info
        self.kind = choose_kind(dataset, experiment)
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
        elif self.kind == "curve":
            self._curve_inputs(dataset)
        self.code_node: str | None = None
        self.code_units = 0
        self._labels: np.ndarray | None = None
        self._shown = np.zeros(0, dtype=np.int64)  # reconstruction: the test images shown
        self._forward: Any = None  # reconstruction: the model's forward that taps the code node
        if self.kind in ("reconstruction", "embedding"):
            self._x, self._y = x[:CODE_COUNT], y[:CODE_COUNT]
            labels = dataset.labels(self.split) if hasattr(dataset, "labels") else None
            self._labels = None if labels is None else np.asarray(labels[:CODE_COUNT], dtype=np.int64)
        if self.kind == "reconstruction":
            self._shown = _class_order(self._labels, RECONSTRUCTION_COUNT, int(x[:CODE_COUNT].shape[0]))
            code = bottleneck(experiment, self.info) if experiment is not None else None
            if code is not None and code[1] == 2:  # a plane of codes; a wider code only rebuilds
                self.code_node, self.code_units = code
        elif self.kind == "embedding":
            output = output_width(experiment, self.info)
            if output is not None:
                self.code_node, self.code_units = output

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
        elif self.kind == "curve":
            self._curve_setup(setup)
        elif self.kind in ("reconstruction", "embedding"):
            x, _ = self._samples()
            names = info.class_names if self.kind == "embedding" else getattr(info, "label_names", ())
            setup.class_names = list(names)
            setup.code_node, setup.code_units = self.code_node, self.code_units
            if self.code_node is not None and self._labels is not None:
                setup.code_labels = self._labels.copy()
            if self.kind == "reconstruction":
                index = torch.from_numpy(self._shown)
                setup.images = _numpy(x[index].float())
                setup.labels = None if self._labels is None else self._labels[self._shown].copy()
        return setup

    def _curve_inputs(self, dataset: Any) -> None:
        """The x of the fitted curve: the training inputs' range and a little more, in raw units
        where the dataset keeps them, fed to the model as the standardised column it was trained on."""
        self.input_map = input_map(dataset)
        a, b = self.input_map or (1.0, 0.0)
        x = (dataset.x_train.reshape(-1).double().numpy() - b) / a
        finite = x[np.isfinite(x)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
        margin = 0.05 * (high - low) if high > low else 1.0
        self.curve_x = np.linspace(low - margin, high + margin, CURVE_RESOLUTION)
        self._x = torch.from_numpy(a * self.curve_x + b).float().reshape(-1, 1)

    def _curve_setup(self, setup: ViewSetup) -> None:
        dataset, count = self.dataset, CURVE_SAMPLES
        a, b = self.input_map or (1.0, 0.0)
        setup.curve_x = self.curve_x.copy()
        setup.curve_standardised = self.input_map is None
        setup.feature_names = list(self.info.feature_names[:1]) or ["x"]
        setup.points_train = (dataset.x_train[:count].reshape(-1).double().numpy() - b) / a
        setup.targets_train = self._targets(dataset.y_train[:count])
        labels = dataset.labels("train") if hasattr(dataset, "labels") else None
        if labels is not None:
            setup.labels = np.asarray(labels[:count], dtype=np.int64)
            setup.class_names = list(getattr(self.info, "label_names", ()))

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
        if self.kind == "reconstruction":
            return self._reconstruct(model, x)
        outputs = _forward(model, x, self.device)
        if self.kind == "embedding":
            return Prediction(codes=plane_of(outputs.numpy()).astype(np.float32))
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

    def _reconstruct(self, model: nn.Module, x: torch.Tensor) -> Prediction:
        """The shown images rebuilt, and (a 2-unit bottleneck) every scattered sample's code."""
        shape = (len(self._shown), *x.shape[1:])
        if self.code_node is None or not hasattr(model, "forward_code"):
            outputs = _forward(model, x[torch.from_numpy(self._shown)], self.device)
            return Prediction(reconstructions=outputs.reshape(shape).numpy().astype(np.float32))
        if self._forward is None:
            from playground.core.runs.inside import tapped_forward  # noqa: PLC0415 - inside imports this module

            self._forward = tapped_forward(model)
        node, codes = self.code_node, []

        def keep(name: str, value: Any) -> Any:
            if name == node and isinstance(value, torch.Tensor):
                codes.append(value.detach().float().cpu().reshape(value.shape[0], -1))
            return value

        was_training = model.training
        model.eval()
        try:
            with torch.inference_mode():
                chunks = [self._forward(model, x[i : i + 4096].to(self.device), keep) for i in range(0, len(x), 4096)]
        finally:
            model.train(was_training)
        rebuilt = torch.cat(chunks).float().cpu()[torch.from_numpy(self._shown)]
        plane = plane_of(torch.cat(codes).numpy()) if codes else None
        return Prediction(
            reconstructions=rebuilt.reshape(shape).numpy().astype(np.float32),
            codes=None if plane is None else plane.astype(np.float32),
        )


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
    experiment = expand_blocks(experiment).experiment  # a block's layers by their names in the built model
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
