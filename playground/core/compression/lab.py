"""The Compression Lab's engine: a trained model, pruned at a share or quantised to INT8, measured
the same way each time (size on disk, parameters not zero, the experiment's metric on its test
split, time per batch) so the results can be set side by side.

The data, the loss and the metrics are the engine's own (`load_dataset`, `build_loss`,
`metrics.evaluate`), on the test split (the validation split when there is no test split), so an
unpruned model scores exactly what the Training tab reported for it. Every measurement starts from
a fresh copy of the trained weights: pruning at 80 % after 50 % is not pruning twice. Fine-tuning
is a real run of the engine (`Trainer`) on the pruned copy with the experiment's optimizer, its
learning rate, loss and batch size (no schedule, early stopping or best-weights restore), masks
kept, so a pruned weight stays zero. Everything runs on the CPU: quantised layers run nowhere else.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from playground.core.compression.measure import (
    ParameterCount,
    Timing,
    count_parameters,
    ordered_state,
    state_dict_bytes,
    time_per_batch,
    time_side_by_side,
)
from playground.core.compression.prune import (
    PrunableLayer,
    PruneMethod,
    PruneOutcome,
    describe_pruning,
    make_permanent,
    output_layer,
    prunable_layers,
    prune_model,
    targeted_layers,
)
from playground.core.compression.quantize import QuantizationPlan, quantization_plan, quantize_int8
from playground.core.data import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.experiment.schema import Experiment
from playground.core.export.common import ExportResult
from playground.core.export.weights import export_weights
from playground.core.graph import build_model
from playground.core.i18n import _
from playground.core.training.control import TrainingControl
from playground.core.training.engine import Trainer, TrainerOptions
from playground.core.training.losses import LossAdapter, build_loss
from playground.core.training.metrics import evaluate, predict
from playground.core.training.threads import threads_for

ResultKind = Literal["original", "pruned", "fine-tuned", "quantized"]
MetricName = Literal["accuracy", "r2"]
EvalSplit = Literal["test", "val"]
TIMING_BATCH = 256  # samples per timed batch when the experiment trains on the full split
MAX_FINE_TUNE_EPOCHS = 20


class CompressionError(PlaygroundError):
    """Weights that do not fit the experiment, or an experiment with nothing to evaluate on."""


@dataclass(frozen=True)
class Evaluation:
    """The model's loss and task metric on the evaluation split."""

    split: EvalSplit
    samples: int
    loss: float
    accuracy: float | None = None  # classification
    r2: float | None = None  # regression
    mae: float | None = None  # regression


@dataclass(frozen=True)
class Agreement:
    """How close two models' outputs are on the evaluation split."""

    same_prediction: float | None  # classification: share of samples with the same predicted class
    max_abs_difference: float  # largest difference of one output (a logit, or a predicted value)
    samples: int


@dataclass(frozen=True, eq=False)
class Measurement:
    """One row of the lab's results: what was done to the trained model, and what it costs now."""

    kind: ResultKind
    method: PruneMethod | None  # pruned and fine-tuned rows
    share: float  # the share of the targeted weights asked to be pruned (0 otherwise)
    fine_tune_epochs: int  # epochs of fine-tuning after pruning (0: none)
    parameters: ParameterCount  # every weight and bias, and those not zero
    size_bytes: int
    evaluation: Evaluation
    timing: Timing
    pruning: PruneOutcome | None = None  # the targeted weights and how many are zero
    agreement: Agreement | None = None  # the quantised model's outputs against the float model's
    # the float state dict of the original and fine-tuned rows; a pruned row's is made again when
    # asked for (`CompressionLab.weights`: pruning is cheap and exact), so a slider dragged over a
    # big model does not keep a copy of it per share; None for the INT8 model
    weights: dict[str, torch.Tensor] | None = field(default=None, repr=False)

    def metric(self, name: MetricName) -> float | None:
        """Accuracy (classification) or R² (regression)."""
        return self.evaluation.accuracy if name == "accuracy" else self.evaluation.r2

    @property
    def sparsity(self) -> float:
        """Zero share of the pruned layers' weights (pruning rows), else of all parameters."""
        return self.pruning.sparsity if self.pruning is not None else self.parameters.zero_share

    @property
    def exportable(self) -> bool:
        """Float weights that fit the experiment's model (an INT8 model is torch-only packed data)."""
        return self.kind != "quantized"


@dataclass(frozen=True)
class QuantizationComparison:
    """The float model and its INT8 copy, measured one after the other."""

    before: Measurement
    after: Measurement
    plan: QuantizationPlan

    @property
    def size_reduction(self) -> float:
        """The share of the size INT8 saves (0.75: a quarter of the bytes are left)."""
        return 1.0 - self.after.size_bytes / self.before.size_bytes if self.before.size_bytes else 0.0

    @property
    def speedup(self) -> float:
        """Float time per batch over INT8 time per batch (above 1: INT8 is faster)."""
        after = self.after.timing.seconds
        return self.before.timing.seconds / after if after > 0 else float("inf")


def _tensor(value: Any) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    return torch.from_numpy(np.array(value, copy=True))


class CompressionLab:
    """A trained model of `experiment` (its state dict `weights`) and its evaluation split.

    `dataset`: the loaded dataset when the caller has it (else the engine loads it from
    `base_dir`). Call from one thread at a time; `stop()` may be called from any thread."""

    def __init__(
        self,
        experiment: Experiment,
        weights: Mapping[str, Any],
        base_dir: str | os.PathLike[str] | None = None,
        *,
        dataset: Any | None = None,
    ) -> None:
        self.experiment = experiment.model_copy(deep=True)
        self.base_dir = base_dir
        self.dataset = dataset if dataset is not None else load_dataset(self.experiment.data, base_dir=base_dir)
        info = self.dataset.info
        self.task: str = info.task
        self.num_classes: int | None = getattr(info, "num_classes", None)
        training = self.experiment.training
        self.loss: LossAdapter = build_loss(training.loss.type, training.loss.params, self.task, self.num_classes)
        x_test = self.dataset.x_test
        if x_test is not None and int(x_test.shape[0]) > 0:
            self.split: EvalSplit = "test"
            self.x, self.y = x_test, self.dataset.y_test
        elif self.dataset.x_val is not None and int(self.dataset.x_val.shape[0]) > 0:
            self.split = "val"
            self.x, self.y = self.dataset.x_val, self.dataset.y_val
        else:
            raise CompressionError(_("the experiment has neither a test nor a validation split to measure on"))
        self.device = torch.device("cpu")
        with torch.random.fork_rng(devices=[]):  # building draws initial weights: leave the caller's RNG alone
            model = build_model(self.experiment, info)
        try:
            model.load_state_dict({name: _tensor(value) for name, value in weights.items()})
        except (RuntimeError, KeyError) as exc:
            raise CompressionError(
                _("the trained weights do not fit the experiment's model: {problem}").format(
                    problem=str(exc).strip().splitlines()[0]
                )
            ) from None
        self.model: nn.Module = model.cpu().eval()
        # never run, only copied: `weights()` copies it on the caller's thread while a job may be running
        self._pristine = copy.deepcopy(self.model)
        self.threads = threads_for(self.model)  # the engine's rule: one thread for a small model
        self._key_order = tuple(self.model.state_dict())
        batch = training.batch_size
        self.batch_size = min(TIMING_BATCH if batch == "full" else int(batch), int(self.x.shape[0]))
        self._batch = self.x[: self.batch_size].to(self.device)
        self.output = output_layer(self.model, self.x[:1])
        self.layers: list[PrunableLayer] = prunable_layers(self.model, self.output)
        self.plan: QuantizationPlan = quantization_plan(self.model)
        self._original: Measurement | None = None
        self._control: TrainingControl | None = None
        self._stopped = False

    # ---- what the lab can do -----------------------------------------------------------------------
    @property
    def metric_name(self) -> MetricName:
        """The figure every row is compared by: accuracy (classification) or R² (regression)."""
        return "accuracy" if self.task == "classification" else "r2"

    def targets(self, method: PruneMethod) -> list[PrunableLayer]:
        """The layers `method` prunes."""
        return targeted_layers(self.layers, method)

    @contextmanager
    def _thread_count(self) -> Iterator[None]:
        """Torch's threads as the engine would train this model with, for one job (then as before)."""
        previous = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        try:
            yield
        finally:
            torch.set_num_threads(previous)

    # ---- measuring ---------------------------------------------------------------------------------
    def _evaluate(self, model: nn.Module) -> Evaluation:
        metrics = evaluate(model, self.loss, self.x, self.y, self.device)
        assert metrics is not None  # the split is not empty
        return Evaluation(self.split, int(self.x.shape[0]), metrics.loss, metrics.accuracy, metrics.r2, metrics.mae)

    def _measure(
        self,
        model: nn.Module,
        kind: ResultKind,
        *,
        method: PruneMethod | None = None,
        share: float = 0.0,
        epochs: int = 0,
        pruning: PruneOutcome | None = None,
        agreement: Agreement | None = None,
        keep_weights: bool = True,
        timing: Timing | None = None,
    ) -> Measurement:
        model.eval()
        order = self._key_order
        return Measurement(
            kind=kind,
            method=method,
            share=share,
            fine_tune_epochs=epochs,
            parameters=count_parameters(model),
            size_bytes=state_dict_bytes(model, order),
            evaluation=self._evaluate(model),
            timing=timing or time_per_batch(model, self._batch),
            pruning=pruning,
            agreement=agreement,
            weights={name: value.detach().clone() for name, value in ordered_state(model, order).items()}
            if keep_weights
            else None,
        )

    def original(self) -> Measurement:
        """The trained model as it is (measured once)."""
        if self._original is None:
            with self._thread_count():
                self._original = self._measure(self.model, "original")
        return self._original

    def agreement(self, other: nn.Module) -> Agreement:
        """How close `other`'s outputs are to the trained model's on the evaluation split."""
        reference = predict(self.model, self.x, self.device).float()
        outputs = predict(other, self.x, self.device).float()
        same = None
        if self.task == "classification":
            labels = self.y.to(reference.device)  # an embedding's classes come from the labels (nearest centroid)
            same = float(
                (self.loss.predictions(reference, labels) == self.loss.predictions(outputs, labels)).double().mean()
            )
        difference = float((reference - outputs).abs().max()) if reference.numel() else 0.0
        return Agreement(same, difference, int(self.x.shape[0]))

    # ---- pruning -----------------------------------------------------------------------------------
    def pruned_model(self, method: PruneMethod, share: float) -> tuple[nn.Module, PruneOutcome]:
        """A copy of the trained model pruned at `share`, its masks kept (for fine-tuning)."""
        model = copy.deepcopy(self.model)
        outcome = prune_model(model, method, share, self.layers)
        return model, outcome

    def prune(self, method: PruneMethod, share: float) -> Measurement:
        """The trained model pruned at `share` of the weights `method` targets, measured."""
        model, outcome = self.pruned_model(method, share)
        make_permanent(model)
        with self._thread_count():
            return self._measure(
                model, "pruned", method=method, share=outcome.share, pruning=outcome, keep_weights=False
            )

    def fine_tune(self, method: PruneMethod, share: float, epochs: int) -> Measurement:
        """Prune at `share`, train `epochs` epochs with the masks kept, measure. `stop()` ends the
        training early (the row then says how many epochs it completed)."""
        epochs = max(1, min(int(epochs), MAX_FINE_TUNE_EPOCHS))
        model, outcome = self.pruned_model(method, share)
        model.train()
        settings = self.experiment.model_copy(deep=True)
        settings.training = settings.training.model_copy(
            update={
                "epochs": epochs,
                "scheduler": None,
                "early_stopping": None,
                "keep_best": None,
                "device": "cpu",
            }
        )
        control = TrainingControl()
        self._control = control
        if self._stopped:
            control.stop()
        try:
            with torch.random.fork_rng(devices=[]):  # the trainer seeds torch: leave the caller's RNG alone
                trainer = Trainer(
                    settings,
                    model=model,
                    dataset=self.dataset,
                    options=TrainerOptions(diagnostics=False, max_step_events_per_second=0.0, num_threads=self.threads),
                    control=control,
                    epochs=epochs,
                )
                trainer.run()
        finally:
            self._control = None
        trained = trainer.epoch
        make_permanent(model)
        targets = self.targets(method)
        again = describe_pruning(model, method, outcome.share, targets)
        with self._thread_count():
            return self._measure(model, "fine-tuned", method=method, share=outcome.share, epochs=trained, pruning=again)

    def stop(self) -> None:
        """End a fine-tuning under way; safe from another thread."""
        control = self._control
        if control is not None:
            control.stop()

    def close(self) -> None:
        """End a fine-tuning under way and refuse to train again (the window is closing)."""
        self._stopped = True
        self.stop()

    # ---- quantisation ------------------------------------------------------------------------------
    def quantized_model(self) -> nn.Module:
        """A dynamically quantised (INT8) copy of the trained model; QuantizationError when it has no
        layer dynamic quantisation converts."""
        return quantize_int8(self.model, self.plan)

    def quantize(self) -> QuantizationComparison:
        """The trained model before and after dynamic INT8 quantisation, timed one after the other."""
        quantized = self.quantized_model()
        before = self.original()
        with self._thread_count():
            return self._compare(before, quantized)

    def _compare(self, before: Measurement, quantized: nn.Module) -> QuantizationComparison:
        float_timing, int8_timing = time_side_by_side([self.model, quantized], self._batch)
        before = Measurement(
            kind=before.kind,
            method=None,
            share=0.0,
            fine_tune_epochs=0,
            parameters=before.parameters,
            size_bytes=before.size_bytes,
            evaluation=before.evaluation,
            timing=float_timing,  # timed in turn with the INT8 model, under the same conditions
            weights=before.weights,
        )
        after = self._measure(
            quantized, "quantized", agreement=self.agreement(quantized), keep_weights=False, timing=int8_timing
        )
        return QuantizationComparison(before, after, self.plan)

    # ---- export ------------------------------------------------------------------------------------
    def weights(self, measurement: Measurement) -> dict[str, torch.Tensor]:
        """`measurement`'s float state dict (a pruned row's made again from the trained weights, on
        the caller's thread); CompressionError for the INT8 model."""
        if measurement.weights is not None:
            return measurement.weights
        if measurement.kind != "pruned" or measurement.method is None:
            raise CompressionError(
                _(
                    "an INT8 model holds packed weights that only PyTorch's quantised layers read; "
                    "export a pruned row instead"
                )
            )
        model = copy.deepcopy(self._pristine)
        prune_model(model, measurement.method, measurement.share, self.layers)
        make_permanent(model)
        return {name: value.detach().clone() for name, value in ordered_state(model, self._key_order).items()}

    def export(self, measurement: Measurement, path: str | os.PathLike[str]) -> ExportResult:
        """Write `measurement`'s float weights (pruned weights are zeros) as safetensors, with the
        experiment in a `.weights.json` sidecar, through the app's weights exporter."""
        return export_weights(self.weights(measurement), path, self.experiment)
