"""Whether a checkpoint's state fits the run that wants to continue from it.

A manifest is a file a user can edit, so every piece of its decoded state is checked against a
`StateReference` taken from the freshly made model and optimizer (`check_state`) before the
trainer uses any of it: types, tensor shapes and dtypes, finite values, the loop position against
the run's epochs and batches. Anything off is one CheckpointError naming the field; the result,
a `ResumeState`, holds values the trainer can assign directly.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from pydantic import Field, ValidationError

from playground.core.experiment.schema import TrainingSpec
from playground.core.i18n import N_, _
from playground.core.training.checkpoint import (
    DIVERGED,
    CheckpointError,
    StrictManifest,
    edited,
    settings_changed,
    unfit,
    validation_problem,
)
from playground.core.training.optimizers import build_optimizer
from playground.core.training.schedules import LRController

# ---- what the state must fit --------------------------------------------------------------------


@dataclass(frozen=True)
class StateReference:
    """What a trainer's state must look like, taken from the trainer before anything is loaded."""

    model: Mapping[str, torch.Tensor]  # the model's state dict: names, shapes, dtypes
    parameters: Sequence[torch.Tensor]  # the optimizer's parameters, in its state-dict order
    optimizer_groups: Sequence[Mapping[str, Any]]  # a fresh optimizer's param groups (after the scheduler)
    optimizer_layout: Mapping[int, Mapping[str, Any]]  # per parameter: its state after one step, on stand-ins
    optimizer_required: frozenset[int]  # parameters whose state exists before any step (Adagrad)
    lr: Mapping[str, Any]  # a fresh LR controller's state dict
    rng: torch.Tensor  # a CPU generator state: its size and dtype
    cuda_rng: Sequence[torch.Tensor] | None  # this machine's CUDA RNG states when training on CUDA
    epochs: int
    batches_per_epoch: int
    batch_size: int
    train_samples: int


_STAND_IN = 2  # stand-in parameters have this many elements: a state tensor that size is parameter-shaped


def state_reference(
    training: TrainingSpec,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    *,
    epochs: int,
    batches_per_epoch: int,
    batch_size: int,
    train_samples: int,
    cuda_rng: Sequence[torch.Tensor] | None,
) -> StateReference:
    """Build the reference from a trainer's parts; the optimizer layout comes from one step of the
    same optimizer and schedule on tiny stand-in parameters, so the real ones are not touched."""
    parameters = [p for group in optimizer.param_groups for p in group["params"]]
    stand_ins = [torch.nn.Parameter(torch.zeros(_STAND_IN, dtype=p.dtype)) for p in parameters]
    probe = build_optimizer(training.optimizer.type, training.optimizer.params, stand_ins)
    controller = LRController(probe, training.scheduler, batches_per_epoch, epochs)
    fresh = probe.state_dict()
    groups = [dict(group) for group in fresh["param_groups"]]
    required = frozenset(fresh["state"])
    for stand_in in stand_ins:
        stand_in.grad = torch.zeros_like(stand_in)
    probe.step()
    layout = {index: dict(entry) for index, entry in probe.state_dict()["state"].items()}
    return StateReference(
        model={k: v.detach() for k, v in model.state_dict().items()},
        parameters=parameters,
        optimizer_groups=groups,
        optimizer_layout=layout,
        optimizer_required=required,
        lr=controller.state_dict(),
        rng=torch.Generator().get_state(),
        cuda_rng=cuda_rng,
        epochs=epochs,
        batches_per_epoch=batches_per_epoch,
        batch_size=batch_size,
        train_samples=train_samples,
    )


@dataclass
class ResumeState:
    """A checked checkpoint state, in the types the trainer assigns directly."""

    model: dict[str, torch.Tensor]
    optimizer: dict[str, Any]
    lr: dict[str, Any]
    torch_rng: torch.Tensor
    cuda_rng: list[torch.Tensor] | None  # None: keep this machine's (none saved, or another machine's)
    generator: torch.Tensor
    epoch_start: torch.Tensor | None
    epoch: int
    batch: int
    step: int
    loss_sum: float
    samples: int
    elapsed: float
    samples_seen: int
    first_loss: float | None
    history: list[dict[str, float | None]]
    keep_best: dict[str, Any] | None  # tracker state
    best_state: dict[str, torch.Tensor] | None
    early_stopping: dict[str, Any] | None


_STATE_KEYS = ("model", "optimizer", "lr", "rng", "loop", "history", "keep_best", "early_stopping")
_OPTIONAL_KEYS = ("keep_best", "early_stopping")  # older saves could lack them: None


class _Loop(StrictManifest):
    """The loop position; every float finite (`StrictManifest`)."""

    epoch: int = Field(ge=0)
    batch: int = Field(ge=0)
    step: int = Field(ge=0)
    loss_sum: float
    samples: int = Field(ge=0)
    elapsed: float = Field(ge=0)
    samples_seen: int = Field(ge=0)
    first_loss: float | None


class _Tracker(StrictManifest):
    best: float | None
    best_epoch: int | None = Field(ge=1)
    waited: int = Field(ge=0)


def check_state(state: Any, reference: StateReference) -> ResumeState:
    """Every piece of a decoded state checked against `reference`; nothing is changed anywhere."""
    state = _exact_keys(state, _STATE_KEYS, "state", optional=_OPTIONAL_KEYS)
    loop = _checked_loop(state["loop"], reference)
    model = _fit_tensors(state["model"], reference.model, "state.model", N_("weights"))
    try:  # before the optimizer: a schedule also leaves its mark in the param groups (initial_lr)
        lr = _fit(state["lr"], reference.lr, "state.lr")
    except CheckpointError as exc:
        raise settings_changed(exc, N_("learning-rate schedule")) from None
    try:
        optimizer = _checked_optimizer(state["optimizer"], reference)
    except CheckpointError as exc:
        raise settings_changed(exc, N_("optimizer settings")) from None
    if lr["step_count"] != loop.step:
        raise unfit(
            "state.lr.step_count",
            _("is {count} but the run made {steps} steps").format(count=lr["step_count"], steps=loop.step),
        )
    rng = _exact_keys(state["rng"], ("torch", "cuda", "generator", "epoch_start"), "state.rng")
    epoch_start = _checked_epoch_start(rng["epoch_start"], loop.batch, reference)
    keep_best, best_state = _checked_keep_best(state.get("keep_best"), reference, loop.epoch)
    return ResumeState(
        model=model,
        optimizer=optimizer,
        lr=lr,
        torch_rng=_generator_state(rng["torch"], "state.rng.torch", reference),
        cuda_rng=_checked_cuda_rng(rng["cuda"], reference),
        generator=_generator_state(rng["generator"], "state.rng.generator", reference),
        epoch_start=epoch_start,
        epoch=loop.epoch,
        batch=loop.batch,
        step=loop.step,
        loss_sum=loop.loss_sum,
        samples=loop.samples,
        elapsed=loop.elapsed,
        samples_seen=loop.samples_seen,
        first_loss=loop.first_loss,
        history=_checked_history(state["history"], loop.epoch),
        keep_best=keep_best,
        best_state=best_state,
        early_stopping=_checked_tracker(state.get("early_stopping"), "state.early_stopping", loop.epoch),
    )


def _checked_epoch_start(value: Any, batch: int, reference: StateReference) -> torch.Tensor | None:
    """The batch order of an epoch stopped part-way (replayed on resume); none at an epoch's end."""
    if value is None:
        if batch:
            raise CheckpointError(
                _("the checkpoint stopped mid-epoch but lacks the batch order; {advice}").format(advice=edited())
            )
        return None
    if not batch:
        raise unfit("state.rng.epoch_start", _("is set although the checkpoint is at the end of an epoch"))
    return _generator_state(value, "state.rng.epoch_start", reference)


def _exact_keys(value: Any, keys: Sequence[str], where: str, optional: Sequence[str] = ()) -> dict[str, Any]:
    """`value` as a dict with exactly `keys` (those in `optional` may be missing: None)."""
    if not isinstance(value, dict):
        raise unfit(where, _("must be an object, not {kind}").format(kind=_kind(value)))
    missing = [k for k in keys if k not in value and k not in optional]
    if missing:
        raise unfit(where, _("lacks {names}").format(names=", ".join(missing)[:80]))
    extra = [str(k) for k in value if k not in keys]
    if extra:
        raise unfit(where, _("has unknown entries {names}").format(names=", ".join(extra)[:80]))
    return {k: value.get(k) for k in keys}


_KINDS: dict[type, str] = {
    dict: N_("an object"),
    list: N_("a list"),
    tuple: N_("a list"),
    str: N_("a string"),
    bool: N_("true/false"),
    type(None): N_("null"),
    int: N_("a number"),
    float: N_("a number"),
}


def _kind(value: Any) -> str:
    """What kind of value `value` is, in words of the current language ("a list")."""
    if isinstance(value, torch.Tensor):
        return _("a tensor")
    kind = _KINDS.get(type(value))
    return _(kind) if kind is not None else type(value).__name__


def _checked_loop(value: Any, reference: StateReference) -> _Loop:
    """The loop position, refused when it lies outside this run."""
    try:
        loop = _Loop.model_validate(value)
    except ValidationError as exc:
        raise CheckpointError(f"{validation_problem(exc, 'state.loop')}; {edited()}") from None
    in_epoch = loop.epoch + (1 if loop.batch else 0)
    if in_epoch > reference.epochs:
        raise CheckpointError(
            _(
                "the checkpoint is at epoch {epoch} but this run has {epochs} epochs; "
                "ask for at least {epoch} epochs or train from scratch"
            ).format(epoch=in_epoch, epochs=reference.epochs)
        )
    if loop.batch >= reference.batches_per_epoch:
        raise CheckpointError(
            _(
                "the checkpoint stopped after batch {batch} of an epoch, but an epoch of this run has "
                "{batches} batches; resume with the batch size it was saved with or train "
                "from scratch"
            ).format(batch=loop.batch, batches=reference.batches_per_epoch)
        )
    if loop.step < loop.epoch + loop.batch:
        raise unfit(
            "state.loop.step",
            _("is {step}, but {epochs} finished epochs and {batches} batches take at least {least} steps").format(
                step=loop.step, epochs=loop.epoch, batches=loop.batch, least=loop.epoch + loop.batch
            ),
        )
    if loop.samples > reference.train_samples:
        raise unfit(
            "state.loop.samples",
            _("is {samples}, more than the {train} training samples").format(
                samples=loop.samples, train=reference.train_samples
            ),
        )
    if loop.batch and loop.samples != loop.batch * reference.batch_size:
        raise CheckpointError(
            _(
                "the checkpoint counts {samples} samples after {batches} batches, which does not fit batches of "
                "{size}; resume with the batch size it was saved with or train from scratch"
            ).format(samples=loop.samples, batches=loop.batch, size=reference.batch_size)
        )
    return loop


def _checked_tracker(value: Any, where: str, epoch: int) -> dict[str, Any] | None:
    """An early-stopping/keep-best tracker state, or None."""
    if value is None:
        return None
    try:
        tracker = _Tracker.model_validate(value)
    except ValidationError as exc:
        raise CheckpointError(f"{validation_problem(exc, where)}; {edited()}") from None
    if (tracker.best is None) != (tracker.best_epoch is None):
        raise unfit(where, _("must give both a best value and its epoch, or neither"))
    if (tracker.best_epoch or 0) > epoch or tracker.waited > epoch:
        raise unfit(where, _("refers to epochs after the checkpoint's epoch {epoch}").format(epoch=epoch))
    return tracker.model_dump()


def _checked_keep_best(
    value: Any, reference: StateReference, epoch: int
) -> tuple[dict[str, Any] | None, dict[str, torch.Tensor] | None]:
    if value is None:
        return None, None
    value = _exact_keys(value, ("tracker", "state"), "state.keep_best")
    tracker = _checked_tracker(value["tracker"], "state.keep_best.tracker", epoch)
    if tracker is None:
        raise unfit("state.keep_best.tracker", _("must be an object, not null"))
    best = value["state"]
    if best is None:
        return tracker, None
    return tracker, _fit_tensors(best, reference.model, "state.keep_best.state", N_("best weights"))


def _checked_history(value: Any, epoch: int) -> list[dict[str, float | None]]:
    """One row of metrics (numbers or null) per completed epoch."""
    if not isinstance(value, list):
        raise unfit("state.history", _("must be a list, not {kind}").format(kind=_kind(value)))
    if len(value) != epoch:
        raise unfit(
            "state.history", _("has {rows} rows for {epochs} completed epochs").format(rows=len(value), epochs=epoch)
        )
    rows: list[dict[str, float | None]] = []
    for index, row in enumerate(value):
        where = f"state.history[{index}]"
        if not isinstance(row, dict):
            raise unfit(where, _("must be an object of metrics, not {kind}").format(kind=_kind(row)))
        clean: dict[str, float | None] = {}
        for key, item in row.items():
            if not isinstance(key, str):
                raise unfit(where, _("has a metric named {name}, not a string").format(name=f"{key!r:.40}"))
            if item is not None and not _is_number(item):
                raise unfit(f"{where}.{key}", _("must be a number or null, not {kind}").format(kind=_kind(item)))
            clean[key] = None if item is None else float(item)
        rows.append(clean)
    return rows


def _generator_state(value: Any, where: str, reference: StateReference) -> torch.Tensor:
    """A CPU random-generator state, tried on a scratch generator (torch checks its contents)."""
    state = _fit_tensor(value, reference.rng, where, N_("random-generator state"))
    try:
        torch.Generator().set_state(state)
    except (RuntimeError, TypeError, ValueError):
        raise unfit(where, _("is not a valid random-generator state")) from None
    return state


def _checked_cuda_rng(value: Any, reference: StateReference) -> list[torch.Tensor] | None:
    """CUDA RNG states; None when there are none or they are another machine's (other GPUs)."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(s, torch.Tensor) and s.dtype == torch.uint8 and s.dim() == 1 for s in value
    ):
        raise unfit("state.rng.cuda", _("must be null or a list of byte tensors"))
    current = reference.cuda_rng
    if current is None or len(current) != len(value) or any(a.shape != b.shape for a, b in zip(current, value)):
        return None
    return list(value)


def _checked_optimizer(value: Any, reference: StateReference) -> dict[str, Any]:
    """Param groups and per-parameter state that fit this optimizer exactly."""
    value = _exact_keys(value, ("state", "param_groups"), "state.optimizer")
    groups = value["param_groups"]
    if not isinstance(groups, list) or len(groups) != len(reference.optimizer_groups):
        raise unfit(
            "state.optimizer.param_groups",
            _("must be a list of {count} groups").format(count=len(reference.optimizer_groups)),
        )
    checked_groups = [
        _checked_group(group, template, f"state.optimizer.param_groups[{index}]")
        for index, (group, template) in enumerate(zip(groups, reference.optimizer_groups))
    ]
    per_parameter = value["state"]
    if not isinstance(per_parameter, dict):
        raise unfit("state.optimizer.state", _("must be an object, not {kind}").format(kind=_kind(per_parameter)))
    missing = sorted(reference.optimizer_required - per_parameter.keys())
    if missing:
        raise unfit("state.optimizer.state", _("lacks the state of parameter {index}").format(index=missing[0]))
    checked_state: dict[int, dict[str, Any]] = {}
    for index, entry in per_parameter.items():
        if index not in reference.optimizer_layout:
            raise unfit(
                "state.optimizer.state",
                _("has a state for parameter {index}, which this model lacks").format(index=f"{index!r:.40}"),
            )
        checked_state[index] = _checked_parameter_state(entry, index, reference)
    return {"state": checked_state, "param_groups": checked_groups}


def _checked_group(group: Any, template: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A param group: the template's keys (missing ones from the template: a newer torch may add
    keys), the same parameters and flags, numbers of the same kind."""
    if not isinstance(group, dict):
        raise unfit(where, _("must be an object, not {kind}").format(kind=_kind(group)))
    extra = [str(k) for k in group if k not in template]
    if extra:
        raise unfit(where, _("has unknown settings {names}").format(names=", ".join(extra)[:80]))
    if group.get("params") != template["params"]:
        raise unfit(f"{where}.params", _("does not list this optimizer's parameters"))
    return {
        key: _fit(group.get(key, expected), expected, f"{where}.{key}", fixed_flags=True)
        for key, expected in template.items()
    }


def _checked_parameter_state(entry: Any, index: int, reference: StateReference) -> dict[str, Any]:
    """One parameter's optimizer state: the stand-in's keys, parameter-shaped tensors as the parameter."""
    where = f"state.optimizer.state[{index}]"
    layout = reference.optimizer_layout[index]
    entry = _exact_keys(entry, tuple(layout), where)
    parameter = reference.parameters[index]
    out: dict[str, Any] = {}
    for key, template in layout.items():
        if isinstance(template, torch.Tensor) and tuple(template.shape) == (_STAND_IN,):
            template = torch.empty(parameter.shape, dtype=parameter.dtype, device="meta")
        out[key] = _fit(entry[key], template, f"{where}.{key}", label=N_("optimizer state"))
    return out


def _fit_tensors(value: Any, template: Mapping[str, torch.Tensor], where: str, label: str) -> dict[str, torch.Tensor]:
    """A map of named tensors with the template's names, shapes and dtypes, all finite. `label`:
    plural English words marked with N_ ("weights"), translated in the messages."""
    if not isinstance(value, dict):
        raise unfit(where, _("must be an object of tensors, not {kind}").format(kind=_kind(value)))
    missing = [k for k in template if k not in value]
    extra = [str(k) for k in value if k not in template]
    if missing or extra:
        if missing:
            detail = _("lacks {names}").format(names=missing[0])
        else:
            detail = _("has {name}, which this model lacks").format(name=extra[0][:60])
        raise CheckpointError(
            _("the checkpoint's {label} do not fit this model ({detail}); {advice}").format(
                label=_(label), detail=detail, advice=edited()
            )
        )
    return {name: _fit_tensor(value[name], expected, name, label) for name, expected in template.items()}


_MODEL_SHAPED = ("weights", "best weights", "optimizer state")  # their shapes follow the data and the model


def _fit_tensor(value: Any, template: torch.Tensor, where: str, label: str) -> torch.Tensor:
    """A tensor of the template's dtype and shape; a floating one must be finite. `label`: English
    words marked with N_ ("optimizer state"; plural when it ends in s), translated in the messages."""
    if not isinstance(value, torch.Tensor):
        raise unfit(where, _("must be a tensor, not {kind}").format(kind=_kind(value)))
    if value.dtype != template.dtype:
        raise unfit(
            where, _("is a {dtype} tensor, this run needs {needed}").format(dtype=value.dtype, needed=template.dtype)
        )
    plural = label.endswith("s")
    shown = _(label)
    if tuple(value.shape) != tuple(template.shape):
        shape, needed = list(value.shape), list(template.shape)
        if label in _MODEL_SHAPED:
            shapes = _("{where} has shape {shape}, this run needs {needed}").format(
                where=where, shape=shape, needed=needed
            )
            if plural:
                text = _(
                    "the checkpoint's {label} do not fit this model ({shapes}); the data or "
                    "the model changed since it was saved: train from scratch"
                )
            else:
                text = _(
                    "the checkpoint's {label} does not fit this model ({shapes}); the data or "
                    "the model changed since it was saved: train from scratch"
                )
            raise CheckpointError(text.format(label=shown, shapes=shapes))
        raise unfit(where, _("has shape {shape}, this run needs {needed}").format(shape=shape, needed=needed))
    if (value.is_floating_point() or value.is_complex()) and not bool(torch.isfinite(value).all()):
        if plural:
            text = _("the checkpoint's {label} contain NaN or infinite values ({where}): {advice}")
        else:
            text = _("the checkpoint's {label} contains NaN or infinite values ({where}): {advice}")
        raise CheckpointError(text.format(label=shown, where=where, advice=_(DIVERGED)))
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fit(value: Any, template: Any, where: str, *, fixed_flags: bool = False, label: str = N_("state")) -> Any:
    """`value` with the structure of `template`: the same keys, lengths and kinds of values,
    tensors of the same shape and dtype; a finite template number needs a finite one, a
    non-negative count a non-negative one. With `fixed_flags`, true/false, null and strings must
    equal the template's and numbers keep its sign (an optimizer's settings); strings always must
    (scheduler modes)."""
    if isinstance(template, torch.Tensor):
        value = _fit_tensor(value, template, where, label)
        if value.dim() == 0 and template.device.type != "meta" and bool(template >= 0) and bool(value < 0):
            raise unfit(where, _("must not be negative"))
        return value
    if isinstance(template, bool):
        if not isinstance(value, bool) or (fixed_flags and value != template):
            raise unfit(
                where,
                _("must be {value}").format(value=str(template).lower()) if fixed_flags else _("must be true or false"),
            )
        return value
    if isinstance(template, (int, float)):
        return _fit_number(value, template, where, signed=not fixed_flags)
    if template is None or isinstance(template, str):
        if value != template or type(value) is not type(template):
            raise unfit(where, _("must be {value}").format(value=json.dumps(template)))
        return value
    if isinstance(template, Mapping):
        value = _exact_keys(value, tuple(template), where)
        out = {k: _fit(value[k], t, f"{where}.{k}", fixed_flags=fixed_flags, label=label) for k, t in template.items()}
        return Counter(out) if isinstance(template, Counter) else out
    if isinstance(template, (list, tuple)):
        if not isinstance(value, type(template)) or len(value) != len(template):
            raise unfit(where, _("must be a list of {count} items").format(count=len(template)))
        items = [
            _fit(v, t, f"{where}[{i}]", fixed_flags=fixed_flags, label=label)
            for i, (v, t) in enumerate(zip(value, template))
        ]
        return type(template)(items)
    if value != template:
        raise unfit(where, _("must be {value}").format(value=f"{template!r:.60}"))
    return value


def _fit_number(value: Any, template: int | float, where: str, signed: bool) -> int | float:
    """An int where the template has one (counts, indices); a float where it has either. Integers
    (counts) and, unless `signed`, floats (an optimizer's settings) must keep a template's sign."""
    number: int | float
    if isinstance(template, int):
        if not isinstance(value, int) or isinstance(value, bool):
            raise unfit(where, _("must be an integer, not {kind}").format(kind=_kind(value)))
        number = value
    elif not _is_number(value):
        raise unfit(where, _("must be a number, not {kind}").format(kind=_kind(value)))
    else:
        number = float(value)
    if math.isfinite(template) and not math.isfinite(number):
        raise unfit(where, _("must be a finite number"))
    if (isinstance(template, int) or not signed) and math.isfinite(template) and template >= 0 and number < 0:
        raise unfit(where, _("must not be negative (got {value})").format(value=repr(number)))
    return number
