"""Training never ends a run with unusable weights or a foreign error: an update that overflows is a
divergence (the finite weights come back), and a schedule works with every optimizer."""

from __future__ import annotations

import math

import pytest
import torch

from playground.core.catalogue.training import OPTIMIZERS, has_momentum
from playground.core.experiment import experiment_from_dict
from playground.core.training import Trainer, TrainerOptions
from tests.core.factories import chain


def _spiral(**training):
    document = chain(
        ("fc1", "Linear", {"out_features": 8}),
        ("act", "Tanh", {}),
        ("logits", "Linear", {"out_features": 2}),
        dataset="spiral",
        data_params={"samples": 100, "noise": 0.1},
    )
    document["training"].update({"epochs": 1, "batch_size": "full", "device": "cpu", **training})
    return experiment_from_dict(document)


def _poison_after_last_step(trainer: Trainer):
    def observer(event) -> None:  # an update that overflowed: the loss has not seen it yet
        if event.kind == "step" and event.batch == event.batches:
            with torch.no_grad():
                trainer.model.logits.weight.fill_(math.inf)

    return observer


@pytest.mark.parametrize("stop", [False, True])
def test_weights_that_overflow_in_the_last_step_end_the_run_as_diverged(stop: bool) -> None:
    trainer = Trainer(_spiral(), options=TrainerOptions(max_step_events_per_second=0.0))
    poison = _poison_after_last_step(trainer)

    def observer(event) -> None:
        poison(event)
        if stop and event.kind == "step":
            trainer.control.stop()

    trainer.observer = observer
    summary = trainer.run()
    assert summary.status == "diverged"
    assert "weights became NaN/inf" in summary.message and "reset to the start of epoch 1" in summary.message
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())


def test_a_diverged_last_step_leaves_no_checkpoint_to_resume_from(tmp_path) -> None:
    trainer = Trainer(
        _spiral(), options=TrainerOptions(max_step_events_per_second=0.0, checkpoint_dir=tmp_path / "ckpt")
    )
    trainer.observer = _poison_after_last_step(trainer)
    assert trainer.run().status == "diverged"
    assert not (tmp_path / "ckpt" / "checkpoint.json").exists()


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_one_cycle_runs_with_every_optimizer(optimizer: str) -> None:
    experiment = _spiral(
        epochs=3,
        optimizer={"type": optimizer, "params": {}},
        scheduler={"type": "OneCycleLR", "params": {"max_lr": 0.05}, "interval": "step"},
    )
    summary = Trainer(experiment).run()
    assert summary.status == "completed"
    assert has_momentum(optimizer) == (optimizer not in ("Adagrad", "Adadelta"))


def test_a_long_epoch_schedule_is_replayed_an_epoch_at_a_time_with_the_engines_values() -> None:
    from playground.core.training import lr_schedule

    experiment = _spiral(
        epochs=6,
        batch_size=10,
        scheduler={"type": "StepLR", "params": {"step_size": 2, "gamma": 0.5}, "warmup_steps": 7},
    )
    events: list = []
    Trainer(experiment, observer=events.append, options=TrainerOptions(max_step_events_per_second=0.0)).run()
    trained = [event.lr for event in events if event.kind == "step"]
    planned = lr_schedule(experiment.training, steps_per_epoch=7, epochs=6)
    assert planned.tolist() == pytest.approx(trained, rel=1e-12)
    long = lr_schedule(experiment.training, steps_per_epoch=7, epochs=100_000, max_steps=1_000)
    assert len(long) == 1_000 and long[-1] == pytest.approx(0.01 * 0.5 ** (999 // 7 // 2))
