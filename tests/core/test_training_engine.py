"""The training engine: reproducibility, divergence, control from another thread, early stopping,
keep-best, diagnostics, batch modes and the plain-data events."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import numpy as np
import pytest
import torch

from playground.core.errors import ExperimentError
from playground.core.experiment import experiment_from_dict
from playground.core.training import (
    EpochEvent,
    StateEvent,
    StepEvent,
    Summary,
    Trainer,
    TrainerOptions,
    TrainingControl,
)
from tests.core.factories import chain

torch.set_num_threads(1)


def spiral(hidden: int = 8, epochs: int = 5, dropout: float | None = None, **training: Any):
    layers = [("fc1", "Linear", {"out_features": hidden}), ("act1", "Tanh", {})]
    if dropout is not None:
        layers.append(("drop", "Dropout", {"p": dropout}))
    layers += [
        ("fc2", "Linear", {"out_features": hidden}),
        ("act2", "Tanh", {}),
        ("logits", "Linear", {"out_features": 2}),
    ]
    document = chain(*layers, dataset="spiral", data_params={"samples": 200, "noise": 0.1})
    document["training"].update({"epochs": epochs, "batch_size": 10, "device": "cpu", **training})
    return experiment_from_dict(document)


def sine(epochs: int = 5, **training: Any):
    document = chain(
        ("flat", "Flatten", {}),
        ("fc1", "Linear", {"out_features": 16}),
        ("act", "ReLU", {}),
        ("out", "Linear", {"out_features": 1}),
        dataset="sine",
        data_params={"samples": 300},
        loss="MSELoss",
    )
    document["training"].update({"epochs": epochs, "batch_size": 16, "device": "cpu", **training})
    return experiment_from_dict(document)


def deep_mlp(activation: str, depth: int = 8):
    layers = []
    for index in range(depth):
        layers += [(f"fc{index}", "Linear", {"out_features": 32}), (f"act{index}", activation, {})]
    layers.append(("logits", "Linear", {"out_features": 2}))
    document = chain(*layers, dataset="spiral", data_params={"samples": 200})
    document["training"].update(epochs=1, batch_size=32, device="cpu", optimizer={"type": "SGD", "params": {"lr": 0.1}})
    return experiment_from_dict(document)


def collect(experiment, **kwargs):
    events: list[Any] = []
    trainer = Trainer(experiment, observer=events.append, **kwargs)
    summary = trainer.run()
    return trainer, summary, events


def epochs_of(events):
    return [e for e in events if isinstance(e, EpochEvent)]


# ---- reproducibility --------------------------------------------------------------------------


def test_same_experiment_and_seed_give_the_same_curves_and_weights_bit_for_bit():
    experiment = spiral(dropout=0.2, epochs=4)
    every_step = TrainerOptions(max_step_events_per_second=0)
    first, summary_a, events_a = collect(experiment, options=every_step)
    second, summary_b, events_b = collect(experiment, options=every_step)
    assert summary_a.history == summary_b.history
    steps_a = [e.train_loss for e in events_a if isinstance(e, StepEvent)]
    steps_b = [e.train_loss for e in events_b if isinstance(e, StepEvent)]
    assert steps_a == steps_b
    for (name, a), (_, b) in zip(first.model.state_dict().items(), second.model.state_dict().items()):
        assert torch.equal(a, b), name
    other = spiral(dropout=0.2, epochs=4, seed=1)
    _, summary_c, _ = collect(other)
    assert summary_c.history != summary_a.history


def test_global_rng_use_between_construction_and_run_changes_nothing():
    experiment = spiral(dropout=0.3, epochs=2)
    _, reference, _ = collect(experiment)
    trainer = Trainer(experiment)
    torch.rand(1000)  # e.g. the GUI building a preview model meanwhile
    assert trainer.run().history == reference.history


# ---- divergence ---------------------------------------------------------------------------------


def test_sgd_with_a_huge_learning_rate_ends_diverged_with_a_plain_message_and_finite_weights():
    experiment = spiral(epochs=20, optimizer={"type": "SGD", "params": {"lr": 1.0}})
    experiment.training.optimizer.params["lr"] = 1e6  # above the catalogue's range on purpose
    trainer, summary, events = collect(experiment)
    assert summary.status == "diverged"
    # tanh + cross-entropy stays finite (about 1e6) rather than inf: "exploded" counts as diverged
    assert "exploded" in summary.message and "learning rate (1e+06)" in summary.message
    assert "gradient clipping" in summary.message
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())
    assert summary.as_dict()["status"] == "diverged"  # and the summary is JSON-safe
    assert isinstance(events[-1], Summary)


def test_divergence_with_nonfinite_weights_rolls_back_to_the_epoch_start():
    experiment = sine(epochs=3, optimizer={"type": "SGD", "params": {"lr": 1.0}})
    experiment.training.optimizer.params["lr"] = 1e30
    trainer, summary, _ = collect(experiment)
    assert summary.status == "diverged"
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())
    assert "NaN/inf" in summary.message or "exploded" in summary.message


def test_gradient_clipping_keeps_a_high_learning_rate_finite():
    experiment = sine(
        epochs=2,
        optimizer={"type": "SGD", "params": {"lr": 10.0}},
        gradient_clipping={"mode": "value", "max_value": 0.001},
    )
    _, summary, _ = collect(experiment)
    assert summary.status == "completed"


# ---- control from another thread ---------------------------------------------------------------


class Recorder:
    """Observer that lets the test thread wait for what the training thread reports."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.changed = threading.Condition()

    def __call__(self, event: Any) -> None:
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for event in self.events:
                    if predicate(event):
                        return event
                left = deadline - time.monotonic()
                assert left > 0, "timed out waiting for an event"
                self.changed.wait(left)

    def steps(self) -> int:
        return max((e.step for e in self.events if isinstance(e, (StepEvent, EpochEvent))), default=0)


def _start(experiment, recorder, control):
    trainer = Trainer(
        experiment, observer=recorder, control=control, options=TrainerOptions(max_step_events_per_second=0)
    )
    result: dict[str, Summary] = {}
    thread = threading.Thread(target=lambda: result.setdefault("summary", trainer.run()))
    thread.start()
    return trainer, thread, result


def test_pause_step_batch_step_epoch_set_lr_resume_and_stop_from_another_thread():
    experiment = spiral(epochs=1000)
    control, recorder = TrainingControl(), Recorder()
    control.pause()  # paused before it starts: the first boundary waits
    trainer, thread, result = _start(experiment, recorder, control)
    try:
        recorder.wait_for(lambda e: isinstance(e, StateEvent) and e.state == "paused")
        time.sleep(0.05)
        assert recorder.steps() == 0

        control.step_batch()
        recorder.wait_for(lambda e: isinstance(e, StepEvent) and e.step == 1)
        time.sleep(0.05)
        assert recorder.steps() == 1 and control.paused

        control.step_epoch()  # finish epoch 1, then pause again
        first = recorder.wait_for(lambda e: isinstance(e, EpochEvent))
        assert first.epoch == 1 and first.step == trainer.batches_per_epoch
        time.sleep(0.05)
        assert recorder.steps() == trainer.batches_per_epoch

        control.set_lr(0.5)
        control.step_batch()
        changed = recorder.wait_for(lambda e: isinstance(e, StepEvent) and e.step == trainer.batches_per_epoch + 1)
        assert changed.lr == 0.5

        control.resume()
        recorder.wait_for(lambda e: isinstance(e, EpochEvent) and e.epoch == 3)
        control.stop()
        thread.join(20)
        assert not thread.is_alive()
    finally:
        control.stop()
        thread.join(20)
    summary = result["summary"]
    assert summary.status == "stopped" and "Stopped by the user" in summary.message
    assert 3 <= summary.epochs < 1000


def test_stop_is_honoured_at_the_next_step_boundary():
    experiment = spiral(epochs=1000)
    control = TrainingControl()

    def observer(event):
        if isinstance(event, StepEvent) and event.step == 7:
            control.stop()

    trainer = Trainer(
        experiment, observer=observer, control=control, options=TrainerOptions(max_step_events_per_second=0)
    )
    summary = trainer.run()
    assert summary.status == "stopped" and summary.steps == 7 and trainer.step == 7


# ---- early stopping and keep-best ---------------------------------------------------------------


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    experiment = spiral(epochs=50, early_stopping={"monitor": "val_loss", "patience": 3, "min_delta": 100.0})
    _, summary, events = collect(experiment)
    assert summary.status == "early_stopped"
    assert summary.epochs == 4 and len(epochs_of(events)) == 4
    assert "has not improved for 3 epochs" in summary.message


def test_early_stopping_on_a_metric_the_run_lacks_is_refused():
    experiment = spiral(early_stopping={"monitor": "val_r2"})
    with pytest.raises(ExperimentError, match="regression"):
        Trainer(experiment)


def test_keep_best_restores_the_best_epoch_weights():
    experiment = spiral(epochs=12, optimizer={"type": "SGD", "params": {"lr": 2.0}}, keep_best={"monitor": "val_loss"})
    trainer, summary, events = collect(experiment, options=TrainerOptions(snapshot_weights=True))
    losses = [e.val_loss for e in epochs_of(events)]
    best = int(np.argmin(losses)) + 1
    assert summary.best_epoch == best and best < 12, "pick a setting whose best epoch is not the last"
    assert summary.restored_best and "Restored the best weights" in summary.message
    best_weights = epochs_of(events)[best - 1].weights
    for name, value in trainer.model.state_dict().items():
        assert np.array_equal(value.numpy(), best_weights[name]), name
    assert summary.val_loss == pytest.approx(losses[best - 1])


def test_keep_best_without_restore_keeps_the_last_weights():
    experiment = spiral(
        epochs=12, optimizer={"type": "SGD", "params": {"lr": 2.0}}, keep_best={"monitor": "val_loss", "restore": False}
    )
    _, summary, events = collect(experiment)
    assert not summary.restored_best
    assert summary.val_loss == pytest.approx(epochs_of(events)[-1].val_loss)


# ---- diagnostics ----------------------------------------------------------------------------------


def _first_to_last_gradient(activation: str, init: str = "default") -> float:
    experiment = deep_mlp(activation)
    experiment.model.init = init
    _, _, events = collect(experiment)
    diagnostics = epochs_of(events)[-1].diagnostics
    assert diagnostics.layers[0] == "fc0" and diagnostics.layers[-1] == "logits"
    return float(diagnostics.grad_norm[0] / diagnostics.grad_norm[-1])


def test_diagnostics_show_vanishing_gradients_in_a_deep_sigmoid_net_but_not_with_relu():
    # measured: sigmoid 3.8e-7 (default init); ReLU 1.6e-3 with torch's default init, 0.21 with He
    sigmoid, relu = _first_to_last_gradient("Sigmoid"), _first_to_last_gradient("ReLU", "kaiming")
    assert sigmoid < 1e-5 and relu > 0.05
    _, _, events = collect(deep_mlp("Sigmoid"))
    assert any("Vanishing gradients" in hint for hint in epochs_of(events)[-1].diagnostics.hints)


def test_diagnostics_report_weight_norms_update_ratios_and_activation_shares():
    _, _, events = collect(spiral(epochs=2))
    diagnostics = epochs_of(events)[-1].diagnostics
    assert diagnostics.layers == ["fc1", "fc2", "logits"]
    assert np.all(diagnostics.weight_norm > 0) and np.all(diagnostics.update_ratio > 0)
    assert set(diagnostics.saturated_fraction) == {"act1", "act2"}
    assert all(0 <= share <= 1 for share in diagnostics.saturated_fraction.values())
    _, _, events = collect(deep_mlp("ReLU", depth=2))
    assert set(epochs_of(events)[-1].diagnostics.dead_fraction) == {"act0", "act1"}


def test_diagnostics_do_not_change_the_curve():
    experiment = spiral(dropout=0.2, epochs=3)
    _, with_diagnostics, _ = collect(experiment)
    _, without, _ = collect(experiment, options=TrainerOptions(diagnostics=False))
    assert with_diagnostics.history == without.history


# ---- batch modes, penalties, metrics, events -----------------------------------------------------


def test_full_batch_and_single_sample_training():
    full = spiral(epochs=3, batch_size="full")
    trainer, summary, _ = collect(full)
    assert trainer.batches_per_epoch == 1 and summary.steps == 3
    single = spiral(epochs=1, batch_size=1)
    trainer, summary, _ = collect(single)
    assert trainer.batches_per_epoch == trainer.train_samples == summary.steps


def test_l1_penalty_shrinks_the_weights():
    plain = collect(spiral(epochs=5))[0]
    sparse = collect(spiral(epochs=5, l1=0.01))[0]

    def l1(trainer):
        return sum(float(p.detach().abs().sum()) for p in trainer._weights)

    assert l1(sparse) < 0.8 * l1(plain)


def test_regression_reports_mae_and_r2_and_classification_accuracy_and_confusion():
    _, summary, events = collect(sine(epochs=8))
    assert summary.task == "regression" and summary.val_r2 > 0.8 and summary.test_mae is not None
    assert "val_accuracy" not in summary.as_dict() and "test_r2" in summary.as_dict()
    assert epochs_of(events)[-1].val_mae is not None
    trainer, summary, _ = collect(spiral(epochs=3), options=TrainerOptions(confusion_matrix=True))
    matrix = summary.confusion_matrix
    assert matrix.shape == (2, 2) and matrix.sum() == trainer.x_test.shape[0]
    assert np.trace(matrix) / matrix.sum() == pytest.approx(summary.test_accuracy)


def _assert_plain(value: Any, where: str) -> None:
    assert not isinstance(value, torch.Tensor), where
    if dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            _assert_plain(getattr(value, item.name), f"{where}.{item.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _assert_plain(item, f"{where}[{key}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _assert_plain(item, f"{where}[{index}]")


def test_events_carry_plain_data_only_and_step_events_are_throttled():
    _, summary, events = collect(spiral(epochs=3), options=TrainerOptions(snapshot_weights=True))
    for event in events:
        _assert_plain(event, type(event).__name__)
    assert len(epochs_of(events)) == 3  # every epoch, always
    trainer, _, events = collect(spiral(epochs=3), options=TrainerOptions(step_every=5, max_step_events_per_second=0))
    steps = [e.step for e in events if isinstance(e, StepEvent)]
    assert steps == list(range(5, 3 * trainer.batches_per_epoch + 1, 5))
    _, _, events = collect(spiral(epochs=3), options=TrainerOptions(max_step_events_per_second=1))
    assert len([e for e in events if isinstance(e, StepEvent)]) <= 2


@pytest.mark.parametrize(
    "scheduler",
    [
        {"type": "StepLR", "params": {"step_size": 1, "gamma": 0.5}, "interval": "epoch", "warmup_steps": 7},
        {"type": "OneCycleLR", "params": {"max_lr": 0.05}, "interval": "step", "warmup_steps": 0},
        {"type": "CosineAnnealingWarmRestarts", "params": {"T_0": 5}, "interval": "step", "warmup_steps": 3},
    ],
)
def test_the_engine_uses_exactly_the_lr_that_lr_schedule_plots(scheduler):
    from playground.core.training import lr_schedule

    experiment = spiral(epochs=3, scheduler=scheduler)
    trainer, _, events = collect(experiment, options=TrainerOptions(max_step_events_per_second=0))
    used = [e.lr for e in events if isinstance(e, StepEvent)]
    planned = lr_schedule(experiment.training, trainer.batches_per_epoch)
    np.testing.assert_allclose(used, planned, rtol=1e-12)
