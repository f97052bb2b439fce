"""What a run needs beyond a valid graph: settings that suit the dataset, and memory to train in.

`check_experiment` calls `settings_issues` once the graph is valid, so `playground check`, the
trainer, every export and the window refuse the same experiments with the same messages: a loss of
the other task, class weights of the wrong length, a monitor the data cannot provide, a one-cycle
schedule with an empty phase, an augmentation of another kind of data, a model too large for this
machine. Torch is not imported here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from playground.core.catalogue.augmentations import augmentation_problems
from playground.core.catalogue.training import DEFAULT_LOSS, LOSSES
from playground.core.errors import ExperimentError
from playground.core.experiment.schema import Experiment
from playground.core.graph.inference import GraphIssue
from playground.core.i18n import _
from playground.core.memory import format_bytes, machine_memory_bytes
from playground.core.params import resolved
from playground.core.training.device import resolve_device
from playground.core.training.monitors import monitor_problem

BYTES_PER_VALUE = 4  # float32 weights, gradients and activations
OPTIMIZER_SLOTS = {"SGD": 1, "Adam": 2, "AdamW": 2, "NAdam": 2, "RAdam": 2, "RMSprop": 2, "Adagrad": 1, "Adadelta": 2}
EVAL_CHUNK = 4096  # samples per evaluation forward pass (as in training.metrics)


def _issue(path: str, message: str) -> Any:
    return GraphIssue(None, path, message)


def one_cycle_problem(pct_start: float, total_steps: int) -> str | None:
    """Why torch's OneCycleLR cannot run `total_steps` steps with `pct_start`, or None.

    Its two phases end at step ``pct_start·T − 1`` and ``T − 1``; a phase of length zero divides
    by zero, at set-up (the warm-up phase) or on the very last step (the annealing phase).
    """
    warmup_end = float(pct_start * total_steps) - 1
    if warmup_end == 0:
        return _(
            "pct_start {pct_start} makes the warm-up phase empty with {steps} scheduler steps "
            "(pct_start × steps must not be exactly 1): change pct_start, the epochs, or the interval"
        ).format(pct_start=f"{pct_start:g}", steps=total_steps)
    if (total_steps - 1) - warmup_end == 0:
        return _(
            "pct_start {pct_start} leaves no steps for the annealing phase ({steps} scheduler steps); "
            "use a pct_start below 1"
        ).format(pct_start=f"{pct_start:g}", steps=total_steps)
    return None


def _steps_per_epoch(train_samples: int, batch_size: int | str) -> int:
    if batch_size == "full":
        return 1
    return max(1, -(-train_samples // int(batch_size)))


def _loss_issues(experiment: Experiment, facts: Any) -> list[Any]:
    spec = experiment.training.loss
    return [
        _issue(path, message)
        for path, message in loss_problems(spec.type, spec.params, facts.task, getattr(facts, "num_classes", None))
    ]


def loss_problems(name: str, params: Any, task: str, num_classes: int | None) -> list[tuple[str, str]]:
    """(JSON path, message) for a loss that does not suit the task or the number of classes."""
    declared = LOSSES.get(name)
    if declared is None:
        return []
    problems = []
    if task not in declared.tasks:
        suggestion = DEFAULT_LOSS.get(task, "MSELoss")
        if task == "classification":
            text = _("{name} does not suit a classification dataset; use {suggestion}, for example")
        elif task == "regression":
            text = _("{name} does not suit a regression dataset; use {suggestion}, for example")
        else:
            text = _("{name} does not suit a {task} dataset; use {suggestion}, for example")
        problems.append(("training.loss.type", text.format(name=name, task=task, suggestion=suggestion)))
    weight = resolved(declared.params, params).get("weight")
    if weight is not None and num_classes is not None and len(weight) != num_classes:
        problems.append(
            (
                "training.loss.params.weight",
                _("has {count} entries but the dataset has {classes} classes: give one weight per class").format(
                    count=len(weight), classes=num_classes
                ),
            )
        )
    return problems


def _schedule_issues(experiment: Experiment, train_samples: int | None, has_val: bool) -> list[Any]:
    training = experiment.training
    scheduler = training.scheduler
    if scheduler is None:
        return []
    if scheduler.type == "ReduceLROnPlateau" and not has_val:
        return [
            _issue(
                "training.scheduler.type",
                _(
                    "ReduceLROnPlateau lowers the learning rate when the validation "
                    "loss stops improving, but the data split has no validation "
                    "share; set data.split.val above 0 or choose another schedule"
                ),
            )
        ]
    if scheduler.type == "OneCycleLR" and train_samples:
        per_epoch = _steps_per_epoch(train_samples, training.batch_size)
        total = max(1, training.epochs * per_epoch if scheduler.interval == "step" else training.epochs)
        pct_start = float(scheduler.params.get("pct_start", 0.3))
        problem = one_cycle_problem(pct_start, total)
        if problem is not None:
            return [_issue("training.scheduler.params.pct_start", problem)]
    return []


def _device_issues(experiment: Experiment) -> list[Any]:
    try:
        resolve_device(experiment.training.device)
    except ExperimentError as exc:
        return [_issue(problem.path, problem.message) for problem in exc.problems]
    return []


def training_memory_bytes(report: Any, batch: int, optimizer: str) -> int:
    """Bytes a training step needs, roughly: weights, gradients and optimizer state, plus the
    activations of one batch kept for the backward pass and their gradients."""
    parameters = int(report.total_params)
    weights = parameters * BYTES_PER_VALUE * (2 + OPTIMIZER_SLOTS.get(optimizer, 2))
    per_sample: int = sum(math.prod(node.output.shape) for node in report.nodes.values() if node.output is not None)
    activations = per_sample * BYTES_PER_VALUE * 2 * max(batch, 1)
    evaluation = per_sample * BYTES_PER_VALUE * min(EVAL_CHUNK, max(batch, 1))
    return weights + max(activations, evaluation)


def _memory_issues(experiment: Experiment, report: Any, train_samples: int | None) -> list[Any]:
    available = machine_memory_bytes()  # the total, not what is free now: check must not flicker
    batch_size = experiment.training.batch_size
    samples = train_samples or 1
    batch = samples if batch_size == "full" else min(int(batch_size), samples)
    needed = training_memory_bytes(report, batch, experiment.training.optimizer.type)
    if needed <= available:
        return []
    return [
        _issue(
            "model",
            _(
                "training this model needs about {needed} of memory ({parameters} parameters, batches of "
                "{batch}); this machine has {available}: use fewer or smaller layers, or a smaller batch size"
            ).format(
                needed=format_bytes(needed),
                parameters=f"{report.total_params:,}",
                batch=f"{batch:,}",
                available=format_bytes(available),
            ),
        )
    ]


def _augmentation_issues(experiment: Experiment, facts: Any) -> list[Any]:
    """Augmentations that cannot work on this data (a mirror of 2-D points, a shift beyond the
    picture); facts that do not say their kind of data (hand-made ones) are not checked."""
    augmentation = experiment.data.augmentation
    modality = getattr(facts, "modality", None)
    if augmentation is None or modality is None:
        return []
    values, dataset = augmentation.model_dump(), experiment.data.dataset
    shape = tuple(getattr(facts, "input_shape", ()))
    return [_issue(path, message) for path, message in augmentation_problems(values, dataset, modality, shape)]


def settings_issues(experiment: Experiment, facts: Any, report: Any) -> list[Any]:
    """Every reason a run with these settings would be refused on this dataset and machine."""
    sizes: Sequence[int] | None = getattr(facts, "sizes", None)
    train_samples = int(sizes[0]) if sizes else None
    has_val = bool(sizes[1]) if sizes else experiment.data.split.val > 0
    issues = _loss_issues(experiment, facts)
    training = experiment.training
    for key in ("early_stopping", "keep_best"):
        setting = getattr(training, key)
        if setting is not None:
            problem = monitor_problem(setting.monitor, facts.task, has_val)
            if problem is not None:
                issues.append(_issue(f"training.{key}.monitor", problem))
    issues += _schedule_issues(experiment, train_samples, has_val)
    issues += _device_issues(experiment)
    issues += _augmentation_issues(experiment, facts)
    if report.output_id is not None:
        issues += _memory_issues(experiment, report, train_samples)
    return issues
