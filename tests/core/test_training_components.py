"""Losses, optimizers, schedulers and the LR schedule function of the training engine."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

from playground.core.catalogue.training import LOSSES, OPTIMIZERS, SCHEDULERS
from playground.core.errors import ExperimentError
from playground.core.experiment.schema import SchedulerSpec, TrainingSpec
from playground.core.training import FocalLoss, LRController, build_loss, build_optimizer, default_loss_for_task
from playground.core.training.schedules import lr_schedule

torch.set_num_threads(1)


# ---- losses -----------------------------------------------------------------------------------


def _targets_for(name: str) -> tuple[torch.Tensor, torch.Tensor, str]:
    torch.manual_seed(0)
    if "classification" in LOSSES[name].tasks:
        return torch.randn(8, 3, requires_grad=True), torch.randint(0, 3, (8,)), "classification"
    return torch.randn(8, 2, requires_grad=True), torch.randn(8, 2), "regression"


@pytest.mark.parametrize("name", list(LOSSES))
def test_every_declared_loss_builds_and_gives_a_finite_differentiable_value(name):
    outputs, targets, task = _targets_for(name)
    loss = build_loss(name, {}, task, num_classes=3 if task == "classification" else None)
    value = loss(outputs, targets)
    assert value.dim() == 0 and math.isfinite(float(value.detach()))
    value.backward()
    assert outputs.grad is not None and torch.isfinite(outputs.grad).all()


def test_default_loss_follows_the_task():
    assert default_loss_for_task("classification") == "CrossEntropyLoss"
    assert default_loss_for_task("regression") == "MSELoss"


def test_cross_entropy_label_smoothing_and_class_weights_are_passed_to_torch():
    outputs, targets, _ = _targets_for("CrossEntropyLoss")
    loss = build_loss("CrossEntropyLoss", {"label_smoothing": 0.1, "weight": [1.0, 2.0, 0.5]}, "classification", 3)
    expected = torch.nn.functional.cross_entropy(
        outputs, targets, weight=torch.tensor([1.0, 2.0, 0.5]), label_smoothing=0.1
    )
    assert torch.allclose(loss(outputs, targets), expected)
    with pytest.raises(ExperimentError, match="3 classes"):
        build_loss("CrossEntropyLoss", {"weight": [1.0, 2.0]}, "classification", 3)


def test_focal_loss_with_gamma_zero_is_cross_entropy_and_down_weights_easy_examples():
    logits = torch.tensor([[4.0, 0.0], [0.2, 0.0]])
    targets = torch.tensor([0, 0])
    ce = torch.nn.functional.cross_entropy(logits, targets, reduction="none")
    assert torch.allclose(FocalLoss(gamma=0.0)(logits, targets), ce.mean())
    focal = FocalLoss(gamma=2.0, reduction="sum")
    easy, hard = focal(logits[:1], targets[:1]), focal(logits[1:], targets[1:])
    assert easy / ce[0] < 0.001 < hard / ce[1]  # the confident right answer hardly counts
    # binary form with one logit and alpha weighting class 1
    one = FocalLoss(gamma=0.0, alpha=0.25)(torch.tensor([[0.0]]), torch.tensor([1]))
    assert math.isclose(float(one), 0.25 * math.log(2), rel_tol=1e-6)


def test_bce_and_kl_adapt_class_index_targets():
    logits = torch.tensor([[1.0], [-2.0]])
    labels = torch.tensor([1, 0])
    bce = build_loss("BCEWithLogitsLoss", {}, "classification", 2)
    assert torch.allclose(
        bce(logits, labels), torch.nn.functional.binary_cross_entropy_with_logits(logits, labels.float().unsqueeze(1))
    )
    assert bce.predictions(logits).tolist() == [1, 0]
    kl = build_loss("KLDivLoss", {}, "classification", 3)
    outputs = torch.randn(4, 3)
    targets = torch.tensor([0, 1, 2, 1])
    expected = torch.nn.functional.cross_entropy(outputs, targets)  # KL to one-hot = CE
    assert torch.allclose(kl(outputs, targets), expected, atol=1e-6)


def test_a_loss_that_does_not_suit_the_task_is_refused_with_a_suggestion():
    with pytest.raises(ExperimentError, match="use MSELoss"):
        build_loss("CrossEntropyLoss", {}, "regression")
    with pytest.raises(ExperimentError, match="unknown loss"):
        build_loss("Nope", {}, "regression")


# ---- optimizers -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_declared_optimizer_builds_with_its_defaults_and_steps(name):
    parameter = torch.nn.Parameter(torch.ones(3))
    optimizer = build_optimizer(name, {}, [parameter])
    (parameter**2).sum().backward()
    optimizer.step()
    assert (parameter.detach() < 1).all()


def test_optimizer_parameters_reach_torch():
    parameter = torch.nn.Parameter(torch.ones(3))
    sgd = build_optimizer("SGD", {"lr": 0.5, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, [parameter])
    group = sgd.param_groups[0]
    assert (group["lr"], group["momentum"], group["nesterov"], group["weight_decay"]) == (0.5, 0.9, True, 0.01)
    adam = build_optimizer("AdamW", {"betas": [0.8, 0.99]}, [parameter])
    assert adam.param_groups[0]["betas"] == (0.8, 0.99)
    with pytest.raises(ExperimentError, match="Nesterov"):
        build_optimizer("SGD", {"nesterov": True}, [parameter])


# ---- schedulers and lr_schedule ---------------------------------------------------------------


def _training(scheduler: dict | None, optimizer: str = "SGD", lr: float = 0.1, epochs: int = 6) -> TrainingSpec:
    return TrainingSpec.model_validate(
        {
            "loss": {"type": "CrossEntropyLoss"},
            "optimizer": {"type": optimizer, "params": {"lr": lr}},
            "scheduler": scheduler,
            "epochs": epochs,
        }
    )


SCHEDULER_PARAMS = {
    "StepLR": {"step_size": 2, "gamma": 0.5},
    "MultiStepLR": {"milestones": [2, 4], "gamma": 0.1},
    "ExponentialLR": {"gamma": 0.8},
    "CosineAnnealingLR": {"T_max": 5, "eta_min": 0.001},
    "CosineAnnealingWarmRestarts": {"T_0": 3, "T_mult": 2},
    "OneCycleLR": {"max_lr": 0.5},
    "ReduceLROnPlateau": {"patience": 1, "factor": 0.5},
}


def test_the_scheduler_table_covers_every_declared_scheduler():
    assert set(SCHEDULER_PARAMS) == set(SCHEDULERS)


def _reference(
    name: str, params: dict, interval: str, warmup: int, spe: int, epochs: int, metrics: list[float] | None = None
) -> list[float]:
    """LRs step by step from plain torch: the scheduler stepped by hand, with warmup as LinearLR."""
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([parameter], lr=0.1, momentum=0.9)
    kwargs = dict(params)
    if name == "OneCycleLR":
        kwargs["total_steps"] = epochs * spe if interval == "step" else epochs
    scheduler = getattr(lr_scheduler, name)(optimizer, **kwargs)
    lrs = []
    for epoch in range(epochs):
        for step_in_epoch in range(spe):
            step = epoch * spe + step_in_epoch
            factor = (step + 1) / (warmup + 1) if step < warmup else 1.0
            lrs.append(optimizer.param_groups[0]["lr"] * factor)
            optimizer.step()
            if interval == "step" and name != "ReduceLROnPlateau":
                scheduler.step()
        if name == "ReduceLROnPlateau":
            if metrics is not None:
                scheduler.step(metrics[epoch])
        elif interval == "epoch":
            scheduler.step()
    return lrs


@pytest.mark.parametrize("interval", ["epoch", "step"])
@pytest.mark.parametrize("warmup", [0, 4])
@pytest.mark.parametrize("name", list(SCHEDULER_PARAMS))
def test_lr_schedule_equals_the_lr_torch_produces_step_by_step(name, interval, warmup):
    spe, epochs = 3, 6
    training = _training(
        {"type": name, "params": SCHEDULER_PARAMS[name], "interval": interval, "warmup_steps": warmup}, epochs=epochs
    )
    training.optimizer.params["momentum"] = 0.9
    metrics = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9] if name == "ReduceLROnPlateau" else None
    planned = lr_schedule(training, spe, plateau_metrics=metrics)
    assert planned.shape == (spe * epochs,)
    np.testing.assert_allclose(
        planned, _reference(name, SCHEDULER_PARAMS[name], interval, warmup, spe, epochs, metrics), rtol=1e-12
    )


def test_warmup_in_front_matches_torch_chained_linear_lr():
    """Composition is ChainedScheduler(LinearLR(1/(W+1), total_iters=W), scheduler)."""
    warmup, steps = 5, 20
    training = _training(
        {"type": "ExponentialLR", "params": {"gamma": 0.9}, "interval": "step", "warmup_steps": warmup}, epochs=steps
    )
    planned = lr_schedule(training, steps_per_epoch=1)
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([parameter], lr=0.1)
    chained = lr_scheduler.ChainedScheduler(
        [
            lr_scheduler.LinearLR(optimizer, start_factor=1 / (warmup + 1), end_factor=1.0, total_iters=warmup),
            lr_scheduler.ExponentialLR(optimizer, gamma=0.9),
        ]
    )
    reference = []
    for _ in range(steps):
        reference.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        chained.step()
    np.testing.assert_allclose(planned, reference, rtol=1e-9)


def test_plateau_without_metrics_is_drawn_without_reductions():
    training = _training({"type": "ReduceLROnPlateau", "params": {"patience": 0}}, epochs=5)
    assert np.all(lr_schedule(training, 2) == 0.1)


def test_set_lr_replaces_the_schedule():
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([parameter], lr=0.1)
    spec = SchedulerSpec.model_validate({"type": "StepLR", "params": {"step_size": 1, "gamma": 0.5}, "warmup_steps": 3})
    controller = LRController(optimizer, spec, steps_per_epoch=2, epochs=5)
    assert controller.before_step() == pytest.approx(0.025)
    controller.after_step()
    controller.set_lr(0.3)
    for _ in range(3):
        assert controller.before_step() == 0.3
        optimizer.step()
        controller.after_step()
        controller.end_epoch(None)


def test_the_final_metrics_are_the_summarys_own_fields():
    """One list names what a finished run reports: the engine cleans those fields, the run history
    keeps them; each is a field of Summary."""
    from dataclasses import fields

    from playground.core.training.events import FINAL_METRICS, Summary

    names = {field.name for field in fields(Summary)}
    assert set(FINAL_METRICS) <= names and len(set(FINAL_METRICS)) == len(FINAL_METRICS)
