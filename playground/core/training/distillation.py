"""Knowledge distillation: a small student learns from a trained teacher's softened outputs.

The course writes the loss as

    L = α·CE(z_s, y) + (1 − α)·τ²·KL(p_τ^t ‖ p_τ^s),    p_τ = softmax(z / τ)

with z_s, z_t the student's and the teacher's logits, y the labels, τ the temperature and α the
weight of the hard-label cross-entropy. Dividing by τ > 1 softens both distributions, so the
teacher's small probabilities for the wrong classes ("a 7 looks a little like a 1") carry
information; τ² keeps the soft term's gradients on the scale of the hard term's as τ grows.

The teacher is another experiment file (`training.distillation.teacher`) trained on the same data:
before the student's first step it is trained with its own settings by the engine's own `Trainer`
(stoppable, reporting its epochs as state messages), or loaded from a weights file. Its logits on
the whole training split are computed once, in eval mode, and each batch takes its rows; only when
the student's batches are augmented does the teacher see each (changed) batch itself. A prepared
teacher is kept for the next run of this process (a race's seeds, the next Train), keyed by
everything that makes it: the teacher file's content, its epochs or weights file, and the data.

No Qt here; the engine (`engine.Trainer`) calls `check_distillation` when it is built and
`prepare_teacher` when a run begins.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from playground.core import i18n
from playground.core.errors import ExperimentError, PlaygroundError, Problem
from playground.core.experiment.schema import Distillation, Experiment
from playground.core.i18n import _
from playground.core.resources import presets_dir
from playground.core.training.control import TrainingControl
from playground.core.training.events import Event, StateEvent, Summary

LOGIT_CHUNK = 4096  # samples per teacher forward when its logits are computed: bounded memory
CACHE_SIZE = 2  # prepared teachers kept per process
CACHE_MAX_ELEMENTS = 50_000_000  # logits plus weights; a bigger teacher is prepared again each run
TEACHER_PATH = "training.distillation.teacher"
WEIGHTS_PATH = "training.distillation.teacher_weights"


# ---- the loss ------------------------------------------------------------------------------------
def distillation_loss(
    student: torch.Tensor,
    teacher: torch.Tensor,
    targets: torch.Tensor,
    temperature: float,
    alpha: float,
    hard: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
) -> torch.Tensor:
    """α·CE(z_s, y) + (1 − α)·τ²·KL(softmax(z_t/τ) ‖ softmax(z_s/τ)), the KL averaged over the batch.

    `hard`: the cross-entropy to use (the experiment's own, with its class weights or label
    smoothing); plain cross-entropy by default. A term whose weight is 0 is not computed at all."""
    tau = float(temperature)
    total: torch.Tensor | None = None
    if alpha > 0.0:
        ce = hard(student, targets) if hard is not None else F.cross_entropy(student, targets)
        total = alpha * ce
    if alpha < 1.0:
        log_student = F.log_softmax(student / tau, dim=-1)
        log_teacher = F.log_softmax(teacher.detach() / tau, dim=-1)
        kl = F.kl_div(log_student, log_teacher, reduction="batchmean", log_target=True)
        soft = (1.0 - alpha) * tau * tau * kl
        total = soft if total is None else total + soft
    if total is None:  # pragma: no cover - alpha is both > 0 or < 1 for every number
        raise ValueError("alpha must be a number")
    return total


# ---- the teacher file ----------------------------------------------------------------------------
def _folders(base_dir: str | os.PathLike[str] | None) -> list[Path]:
    """Where a relative teacher path is looked for: the experiment's folder, then the bundled presets."""
    folders = [Path(base_dir)] if base_dir is not None else []
    bundled = presets_dir()
    if bundled not in folders:
        folders.append(bundled)
    return folders


def resolve_file(name: str, folders: list[Path]) -> Path | None:
    """`name` as an existing file: itself when absolute, else in the first folder that has it."""
    try:
        path = Path(name).expanduser()
    except RuntimeError:  # "~nosuchuser/..."
        return None
    if path.is_absolute():
        return path if path.is_file() else None
    for folder in folders:
        candidate = folder / path
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True)
class TeacherFile:
    """The teacher's experiment, where it was found, and its weights file (if it is loaded)."""

    experiment: Experiment
    path: Path
    weights: Path | None


def _data_differences(student: Experiment, teacher: Experiment) -> list[str]:
    """The keys of the data section that differ (augmentation aside: it only changes training)."""
    mine = student.data.model_dump(mode="json", exclude={"augmentation"})
    theirs = teacher.data.model_dump(mode="json", exclude={"augmentation"})
    return [f"data.{key}" for key in mine if mine[key] != theirs.get(key)]


def check_distillation(
    experiment: Experiment, base_dir: str | os.PathLike[str] | None = None, task: str | None = None
) -> TeacherFile:
    """The teacher of `experiment` (which must have `training.distillation`), or ExperimentError
    with every problem: the student's task or loss, the teacher file missing or unreadable, its
    data not the student's, a teacher that is itself distilled, a weights file that is missing."""
    spec = experiment.training.distillation
    if spec is None:
        raise ValueError("the experiment has no training.distillation")
    problems: list[Problem] = []
    if task is not None and task != "classification":
        problems.append(
            Problem(
                "training.distillation",
                _(
                    "distillation learns from a teacher's class probabilities, so it needs a classification "
                    "dataset ({dataset} is {task}): choose a classification dataset or remove the distillation"
                ).format(dataset=experiment.data.dataset, task=task),
            )
        )
    if experiment.training.loss.type != "CrossEntropyLoss":
        problems.append(
            Problem(
                "training.loss.type",
                _(
                    "distillation adds the teacher's soft targets to the cross-entropy with the labels; set the "
                    "loss to CrossEntropyLoss (it is {loss}) or remove the distillation"
                ).format(loss=experiment.training.loss.type),
            )
        )
    folders = _folders(base_dir)
    path = resolve_file(spec.teacher, folders)
    teacher: Experiment | None = None
    if path is None:
        looked = ", ".join(str(folder) for folder in folders)
        problems.append(
            Problem(
                TEACHER_PATH,
                _(
                    "the teacher {path} was not found (looked in {folders}); give the path of an experiment file, "
                    "relative to this experiment's folder, or the file name of a bundled preset"
                ).format(path=spec.teacher, folders=looked),
            )
        )
    else:
        from playground.core.experiment.io import load_experiment  # lazy: io imports the schema only

        try:
            teacher = load_experiment(path)
        except PlaygroundError as exc:
            problems.append(
                Problem(
                    TEACHER_PATH,
                    _(
                        "the teacher {path} cannot be read as an experiment ({error}); fix that file or choose "
                        "another teacher"
                    ).format(path=path, error=exc),
                )
            )
    if teacher is not None:
        differences = _data_differences(experiment, teacher)
        if differences:
            problems.append(
                Problem(
                    TEACHER_PATH,
                    _(
                        "the teacher {path} is trained on other data ({keys} differ); a teacher must learn from "
                        "the student's dataset and split: give both the same data section"
                    ).format(path=path, keys=", ".join(differences)),
                )
            )
        if teacher.training.distillation is not None:
            problems.append(
                Problem(
                    TEACHER_PATH,
                    _(
                        "the teacher {path} is itself distilled from another teacher; choose a teacher that "
                        "learns from the labels alone"
                    ).format(path=path),
                )
            )
    weights: Path | None = None
    if spec.teacher_weights is not None:
        weight_folders = list(folders)
        if path is not None and path.parent not in weight_folders:
            weight_folders.insert(1, path.parent)
        weights = resolve_file(spec.teacher_weights, weight_folders)
        if weights is None:
            problems.append(
                Problem(
                    WEIGHTS_PATH,
                    _(
                        "the teacher's weights {path} were not found; give a .safetensors file the app saved for "
                        "the teacher's model, or remove teacher_weights to train the teacher first"
                    ).format(path=spec.teacher_weights),
                )
            )
    if problems:
        raise ExperimentError(problems)
    if teacher is None or path is None:  # pragma: no cover - a missing teacher is a problem above
        raise ExperimentError(Problem(TEACHER_PATH, _("the teacher cannot be read")))
    return TeacherFile(teacher, path, weights)


# ---- the prepared teacher ------------------------------------------------------------------------
@dataclass
class PreparedTeacher:
    """A trained teacher: its model (eval mode), its logits on the training split, and how it came
    to be (its run's summary, or None when its weights were loaded)."""

    model: nn.Module
    logits: torch.Tensor
    summary: Summary | None
    source: Path


_CACHE: OrderedDict[str, PreparedTeacher] = OrderedDict()


def clear_teacher_cache() -> None:
    """Forget the prepared teachers (tests; a long-lived process that wants its memory back)."""
    _CACHE.clear()


def _fingerprint(*tensors: torch.Tensor) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for tensor in tensors:
        array = tensor.detach().cpu().contiguous().numpy()
        digest.update(str((array.shape, array.dtype.str)).encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _cache_key(spec: Distillation, teacher: TeacherFile, dataset: Any, device: torch.device) -> str:
    from playground.core.experiment.io import experiment_to_dict  # lazy: io imports the schema only

    weights = None
    if teacher.weights is not None:
        stat = teacher.weights.stat()
        weights = [str(teacher.weights.resolve()), stat.st_size, stat.st_mtime_ns]
    document = experiment_to_dict(teacher.experiment)
    for key in ("name", "description", "translations", "lesson", "comparison", "classroom"):
        document.pop(key, None)  # the lesson text does not change the teacher
    for node in document["model"]["nodes"]:
        node.pop("pos", None)
    described = {
        "teacher": document,
        "epochs": spec.teacher_epochs if teacher.weights is None else None,
        "weights": weights,
        "data": _fingerprint(dataset.x_train, dataset.y_train),
        "device": str(device),
    }
    return hashlib.blake2b(json.dumps(described, sort_keys=True).encode(), digest_size=16).hexdigest()


def teacher_logits(model: nn.Module, x: torch.Tensor, chunk: int = LOGIT_CHUNK) -> torch.Tensor:
    """The teacher's logits for every row of `x`, in eval mode (no dropout, BatchNorm's running
    statistics) and without gradients, `chunk` rows at a time."""
    model.eval()
    with torch.no_grad():
        parts = [model(x[start : start + chunk]) for start in range(0, int(x.shape[0]), chunk)]
    return torch.cat(parts).detach()


def _relay(
    observer: Callable[[Event], None] | None, epochs: int, name: str, at: Callable[[], tuple[int, int]]
) -> Callable[[Event], None]:
    """The teacher run's observer: its epochs become the student's state messages, its pauses the
    student's; its steps and summary stay its own (the student's plots are the student's)."""

    def observe(event: Event) -> None:
        if observer is None:
            return
        epoch, step = at()
        if event.kind == "epoch":
            message = _("Training the teacher ({name}): epoch {epoch} of {epochs}…").format(
                name=name, epoch=getattr(event, "epoch", 0), epochs=epochs
            )
            observer(StateEvent("teacher", epoch, step, message))
        elif isinstance(event, StateEvent) and event.state == "paused":
            observer(StateEvent("paused", epoch, step, event.message))
        elif isinstance(event, StateEvent) and event.state == "running" and event.message == "":
            observer(StateEvent("running", epoch, step))

    return observe


def _teacher_name(teacher: TeacherFile) -> str:
    return teacher.experiment.localized_name(i18n.language()) or teacher.path.name


def _load_weights(teacher: TeacherFile, dataset: Any, device: torch.device) -> nn.Module:
    from playground.core.export.weights import load_weights  # lazy: the exporters are not needed to train
    from playground.core.graph import build_model

    assert teacher.weights is not None
    path = teacher.weights
    try:
        tensors, _sidecar = load_weights(path)
    except PlaygroundError as exc:
        raise ExperimentError(
            Problem(
                WEIGHTS_PATH,
                _(
                    "the teacher's weights {path} cannot be read ({error}); save the teacher's weights again or "
                    "remove teacher_weights to train the teacher first"
                ).format(path=path, error=exc),
            )
        ) from None
    try:
        model = build_model(teacher.experiment, dataset.info)
    except PlaygroundError as exc:
        raise ExperimentError(
            Problem(
                TEACHER_PATH,
                _("the teacher {path} has a model that cannot be built ({error}); fix its graph").format(
                    path=teacher.path, error=exc
                ),
            )
        ) from None
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as exc:
        detail = str(exc).strip().splitlines()
        raise ExperimentError(
            Problem(
                WEIGHTS_PATH,
                _(
                    "the weights {path} do not fit the teacher's model in {teacher} ({detail}); save the weights "
                    "of that very model, or remove teacher_weights to train the teacher first"
                ).format(path=path, teacher=teacher.path.name, detail=detail[-1] if detail else type(exc).__name__),
            )
        ) from None
    return model.to(device)


def _train_teacher(
    spec: Distillation,
    teacher: TeacherFile,
    dataset: Any,
    device: torch.device,
    control: TrainingControl,
    observer: Callable[[Event], None] | None,
    at: Callable[[], tuple[int, int]],
) -> tuple[nn.Module, Summary] | None:
    """Train the teacher with its own settings (None: stopped by the user on the way)."""
    from playground.core.training.engine import Trainer, TrainerOptions  # lazy: the engine imports this module

    experiment = copy.deepcopy(teacher.experiment)
    experiment.training.device = "cuda" if device.type == "cuda" else "mps" if device.type == "mps" else "cpu"
    epochs = spec.teacher_epochs or experiment.training.epochs
    name = _teacher_name(teacher)
    if observer is not None:
        epoch, step = at()
        message = _("Training the teacher ({name}) for {epochs} epochs before the student starts…").format(
            name=name, epochs=epochs
        )
        observer(StateEvent("teacher", epoch, step, message))
    trainer = Trainer(
        experiment,
        dataset=dataset,
        observer=_relay(observer, epochs, name, at),
        options=TrainerOptions(diagnostics=False, max_step_events_per_second=1.0),
        control=control,
        epochs=epochs,
    )
    summary = trainer.run()
    if summary.status == "stopped":
        return None
    if summary.status == "diverged":
        raise ExperimentError(
            Problem(
                TEACHER_PATH,
                _(
                    "the teacher {path} diverged while it trained ({message}); fix its settings, or give "
                    "teacher_weights of a trained teacher"
                ).format(path=teacher.path, message=summary.message),
            )
        )
    return trainer.model, summary


def prepare_teacher(
    spec: Distillation,
    teacher: TeacherFile,
    dataset: Any,
    device: torch.device,
    *,
    control: TrainingControl | None = None,
    observer: Callable[[Event], None] | None = None,
    at: Callable[[], tuple[int, int]] = lambda: (1, 0),
) -> PreparedTeacher | None:
    """The teacher, trained (or loaded) and its training-split logits computed; None when the user
    stopped its training. `observer` receives its progress as `StateEvent("teacher", ...)`; `at`
    gives the (epoch, step) those events carry (the student's position)."""
    key = _cache_key(spec, teacher, dataset, device)
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        return cached
    summary: Summary | None = None
    if teacher.weights is not None:
        model = _load_weights(teacher, dataset, device)
        if observer is not None:
            epoch, step = at()
            message = _("Loaded the teacher's weights from {path}.").format(path=teacher.weights.name)
            observer(StateEvent("teacher", epoch, step, message))
    else:
        trained = _train_teacher(spec, teacher, dataset, device, control or TrainingControl(), observer, at)
        if trained is None:
            return None
        model, summary = trained
    x_train = dataset.x_train if dataset.x_train.device == device else dataset.x_train.to(device)
    logits = teacher_logits(model, x_train)
    classes = getattr(dataset.info, "num_classes", None)
    if logits.dim() != 2 or (classes is not None and int(logits.shape[1]) != int(classes)):
        raise ExperimentError(
            Problem(
                TEACHER_PATH,
                _(
                    "the teacher {path} gives outputs of shape {shape} per sample, but the data has {classes} "
                    "classes; its last layer must give one logit per class"
                ).format(path=teacher.path, shape=tuple(logits.shape[1:]), classes=classes),
            )
        )
    if observer is not None and summary is not None:
        epoch, step = at()
        accuracy = summary.val_accuracy if summary.val_accuracy is not None else summary.test_accuracy
        shown = f"{accuracy:.1%}" if accuracy is not None else "—"
        message = _("The teacher is trained ({accuracy} validation accuracy); the student learns from it now.").format(
            accuracy=shown
        )
        observer(StateEvent("teacher", epoch, step, message))
    prepared = PreparedTeacher(model, logits, summary, teacher.path)
    elements = logits.numel() + sum(p.numel() for p in model.parameters())
    if elements <= CACHE_MAX_ELEMENTS:
        _CACHE[key] = prepared
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return prepared


class DistillationObjective:
    """The training loss of a distilled run, called by the engine's hot loop for every batch.

    Without augmentation a batch's teacher logits are rows of the precomputed ones (`idx`: the
    batch's sample indices, None for the whole training set); with it (`per_batch`), the teacher
    sees the augmented batch itself, in eval mode and without gradients."""

    def __init__(
        self,
        spec: Distillation,
        teacher: PreparedTeacher,
        hard: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
        per_batch: bool = False,
    ) -> None:
        self.temperature = float(spec.temperature)
        self.alpha = float(spec.alpha)
        self.teacher = teacher
        self.logits = teacher.logits
        self.hard = hard
        self.per_batch = per_batch

    def __call__(
        self, outputs: torch.Tensor, targets: torch.Tensor, idx: torch.Tensor | None, inputs: torch.Tensor
    ) -> torch.Tensor:
        if self.per_batch:
            with torch.no_grad():
                soft = self.teacher.model(inputs)
        else:
            soft = self.logits if idx is None else self.logits[idx]
        return distillation_loss(outputs, soft, targets, self.temperature, self.alpha, self.hard)
