"""The steppable engine: `begin()`, `train_steps(n)`, `finish()` give exactly the numbers and
events of one `run()`, however the run is cut, and with other trainers training in between."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from playground.core.experiment import experiment_from_dict
from playground.core.training import Trainer, TrainerOptions
from tests.core.factories import chain

OPTIONS = TrainerOptions(step_every=1, max_step_events_per_second=0.0, diagnostics=False)


def spiral(epochs: int = 3, **training: Any):
    """Spiral with dropout (the global RNG matters) and a last batch smaller than the others."""
    document = chain(
        ("fc1", "Linear", {"out_features": 8}),
        ("act1", "Tanh", {}),
        ("drop", "Dropout", {"p": 0.2}),
        ("logits", "Linear", {"out_features": 2}),
        dataset="spiral",
        data_params={"samples": 130, "noise": 0.1},
    )
    document["training"].update({"epochs": epochs, "batch_size": 16, "device": "cpu", **training})
    return experiment_from_dict(document)


def numbers(events: list[Any]) -> dict[str, Any]:
    """Everything a run reports that is not a clock reading."""
    steps = [(e.epoch, e.step, e.batch, e.train_loss, e.lr) for e in events if e.kind == "step"]
    epochs = [(e.epoch, e.step, e.train_loss, e.val_loss, e.val_accuracy, e.lr) for e in events if e.kind == "epoch"]
    summaries = [
        (e.status, e.message, e.epochs, e.steps, e.train_loss, e.val_loss, e.test_loss, e.test_accuracy)
        for e in events
        if e.kind == "summary"
    ]
    return {"steps": steps, "epochs": epochs, "summary": summaries}


def solo(experiment) -> tuple[Trainer, dict[str, Any]]:
    events: list[Any] = []
    trainer = Trainer(experiment, observer=events.append, options=OPTIONS)
    trainer.run()
    return trainer, numbers(events)


def assert_same_weights(first: Trainer, second: Trainer) -> None:
    a, b = first.model.state_dict(), second.model.state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[key], b[key]) for key in a)


@pytest.mark.parametrize("cut", [1, 4, 6, 100])
def test_any_cut_into_steps_gives_the_numbers_of_one_run(one_torch_thread, cut):
    """Epochs of 6 batches (the last one smaller): cuts of 4 steps end inside epochs and cross
    their ends, 6 end with them, 100 span the whole run."""
    experiment = spiral()
    reference, expected = solo(experiment)
    events: list[Any] = []
    trainer = Trainer(experiment, observer=events.append, options=OPTIONS)
    trainer.begin()
    calls = 0
    while (outcome := trainer.train_steps(cut)) is None:
        calls += 1
        assert trainer.step == calls * cut  # exactly the steps asked for
    summary = trainer.finish()
    assert outcome == ("completed", "Training finished.") and summary.status == "completed"
    assert numbers(events) == expected
    assert [e.kind for e in events].count("state") == 1  # one "running", as run() reports
    assert_same_weights(trainer, reference)


def test_trainers_interleaved_in_one_thread_each_match_their_solo_run(one_torch_thread):
    """Two runs taking turns of a few steps (each turn uses the global RNG for dropout) change
    nothing for either: the engine keeps each run's RNG aside between its calls."""
    experiments = [spiral(), spiral(seed=7, optimizer={"type": "SGD", "params": {"lr": 0.1}})]
    solos = [solo(experiment) for experiment in experiments]
    logs: list[list[Any]] = [[], []]
    trainers = [Trainer(experiment, observer=log.append, options=OPTIONS) for experiment, log in zip(experiments, logs)]
    for trainer in trainers:
        trainer.begin()
    active = [0, 1]
    while active:
        for index in list(active):
            if trainers[index].train_steps(4) is not None:
                trainers[index].finish()
                active.remove(index)
    for trainer, log, (reference, expected) in zip(trainers, logs, solos):
        assert numbers(log) == expected
        assert_same_weights(trainer, reference)


def test_early_stopping_and_a_per_step_schedule_end_the_same_way_in_steps(one_torch_thread):
    experiment = spiral(
        epochs=30,
        early_stopping={"monitor": "val_loss", "patience": 1, "min_delta": 10.0},
        scheduler={"type": "CosineAnnealingLR", "params": {"T_max": 100}, "interval": "step"},
    )
    reference, expected = solo(experiment)
    assert expected["summary"][0][0] == "early_stopped"
    events: list[Any] = []
    trainer = Trainer(experiment, observer=events.append, options=OPTIONS)
    trainer.begin()
    while (outcome := trainer.train_steps(7)) is None:
        pass
    assert outcome[0] == "early_stopped"
    assert trainer.train_steps(7) == outcome  # an ended run stays ended
    trainer.finish()
    assert numbers(events) == expected
    assert_same_weights(trainer, reference)


def test_a_stop_is_seen_at_the_next_step_and_finish_before_the_end_reports_stopped(one_torch_thread):
    trainer = Trainer(spiral(), options=OPTIONS)
    trainer.begin()
    assert trainer.train_steps(3) is None and trainer.step == 3
    trainer.control.stop()
    outcome = trainer.train_steps(3)
    assert outcome is not None and outcome[0] == "stopped" and trainer.step == 3
    assert trainer.finish().status == "stopped"

    unfinished = Trainer(spiral(), options=OPTIONS)
    unfinished.begin()
    unfinished.train_steps(5)
    summary = unfinished.finish()
    assert summary.status == "stopped" and summary.steps == 5 and "step 5" in summary.message
    with pytest.raises(RuntimeError):
        unfinished.train_steps(1)  # finished: begin() again to continue
    unfinished.begin()
    assert unfinished.train_steps() == ("completed", "Training finished.")
    assert unfinished.finish().steps == 3 * unfinished.batches_per_epoch


def test_threads_are_set_while_the_run_is_begun_and_put_back_after(one_torch_thread):
    trainer = Trainer(spiral(epochs=1), options=TrainerOptions(diagnostics=False, num_threads=2))
    trainer.begin()
    assert torch.get_num_threads() == 2
    trainer.train_steps(2)
    trainer.finish()
    assert torch.get_num_threads() == 1
