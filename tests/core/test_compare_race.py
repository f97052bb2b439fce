"""Races: identical initial weights, identical batches, lock-step turns, repeats, stop."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.core.compare.race import (
    ContenderEpoch,
    Race,
    RaceOptions,
    activation_contenders,
    mean_std,
    optimizer_contenders,
    schedule_contenders,
)
from playground.core.data import load_dataset
from playground.core.experiment import experiment_from_dict, load_experiment
from playground.core.experiment.schema import SchedulerSpec
from playground.core.graph import build_model
from playground.core.training import Trainer, TrainerOptions
from tests.core.factories import chain

PRESETS = Path(__file__).resolve().parents[2] / "presets"


@pytest.fixture(scope="module")
def xor():
    experiment = load_experiment(PRESETS / "xor.json")
    experiment.training.device = "cpu"
    return experiment


def test_activation_race_on_xor_starts_every_contender_from_the_same_weights(xor):
    contenders = activation_contenders(xor, ["ReLU", "Tanh", "Sigmoid"])
    assert [c.label for c in contenders] == ["ReLU", "Tanh", "Sigmoid"]
    assert [n.type for n in contenders[0].experiment.model.nodes] == ["Input", "Linear", "ReLU", "Linear"]
    events = []
    race = Race(xor, contenders, RaceOptions(epochs=3, repeats=2, keep_initial_weights=True,
                                             boundary_resolution=16), observer=events.append)
    runs = race.run()
    assert race.status == "completed"
    assert len(runs) == 6 and all(run.status == "completed" for run in runs)
    assert all(len(run.epochs) == 3 for run in runs)
    for repeat in range(2):
        weights = [race.run_of(c, repeat).initial_weights for c in range(3)]
        assert weights[0].keys() == weights[1].keys() == weights[2].keys()
        for key in weights[0]:
            assert np.array_equal(weights[0][key], weights[1][key])
            assert np.array_equal(weights[0][key], weights[2][key])
    # another seed, other weights
    first, second = race.run_of(0, 0).initial_weights, race.run_of(0, 1).initial_weights
    assert any(not np.array_equal(first[k], second[k]) for k in first)
    assert race.shared_weights == [(4, 4)] * 3
    # the contenders really differ (different activations, different curves)
    losses = [race.run_of(c, 0).epoch_metric("train_loss") for c in range(3)]
    assert not np.allclose(losses[0], losses[2])
    kinds = {event.kind for event in events}
    assert {"started", "steps", "epoch", "boundary", "finished", "race_finished"} <= kinds
    boundary = next(event for event in events if event.kind == "boundary")
    assert boundary.values.shape == (16, 16) and boundary.mode == "probability"


def test_contenders_advance_in_lock_step(xor):
    events = []
    race = Race(xor, activation_contenders(xor, ["ReLU", "Tanh", "GELU"]), RaceOptions(epochs=4, turn_epochs=1),
                observer=events.append)
    race.run()
    epochs = [(event.contender, event.epoch) for event in events if isinstance(event, ContenderEpoch)]
    # every contender finishes epoch k before any of them starts epoch k + 1's turn
    assert epochs == [(c, e) for e in range(1, 5) for c in range(3)]
    # short epochs may be grouped, but every contender's turn covers the same epochs
    events = []
    race = Race(xor, activation_contenders(xor, ["ReLU", "Tanh"]), RaceOptions(epochs=6, turn_epochs=3),
                observer=events.append)
    race.run()
    epochs = [(event.contender, event.epoch) for event in events if isinstance(event, ContenderEpoch)]
    assert epochs == [(0, 1), (0, 2), (0, 3), (1, 1), (1, 2), (1, 3), (0, 4), (0, 5), (0, 6), (1, 4), (1, 5), (1, 6)]


def test_a_contender_sees_the_same_batches_as_a_solo_run(xor):
    """Lock-step turns change nothing: the race's numbers are those of a run on its own."""
    contenders = activation_contenders(xor, ["ReLU", "Tanh"])
    race = Race(xor, contenders, RaceOptions(epochs=2, turn_steps=5))
    race.run()
    dataset = load_dataset(xor.data)
    torch.manual_seed(xor.training.seed)
    base = build_model(xor, dataset.info).state_dict()
    for index, contender in enumerate(contenders):
        torch.manual_seed(xor.training.seed)
        model = build_model(contender.experiment, dataset.info)
        model.load_state_dict(base)
        losses = []
        trainer = Trainer(contender.experiment, model=model, dataset=dataset, epochs=2,
                          options=TrainerOptions(step_every=1, max_step_events_per_second=0, diagnostics=False),
                          observer=lambda e: losses.append(e.train_loss) if e.kind == "step" else None)
        trainer.run()
        assert losses == race.run_of(index).losses


def test_optimizer_and_schedule_contenders(xor):
    optimizers = optimizer_contenders(xor, [("SGD", 0.1), ("Nesterov", 0.05), ("Adam", 0.01)])
    assert optimizers[1].experiment.training.optimizer.type == "SGD"
    assert optimizers[1].experiment.training.optimizer.params == {"momentum": 0.9, "nesterov": True, "lr": 0.05}
    assert optimizers[2].settings == {"optimizer": "Adam", "lr": 0.01}
    schedules = schedule_contenders(xor, [("constant", None),
                                          ("step", SchedulerSpec(type="StepLR", params={"step_size": 1}))])
    race = Race(xor, optimizers + schedules, RaceOptions(epochs=2, boundary_resolution=0))
    runs = race.run()
    assert [run.status for run in runs] == ["completed"] * 5
    step_lrs = np.array(race.run_of(4).lrs)
    assert step_lrs[0] == pytest.approx(0.03) and step_lrs[-1] == pytest.approx(0.003)
    assert xor.training.optimizer.type == "Adam"  # the original experiment is untouched


def test_a_broken_contender_fails_alone(xor):
    contenders = optimizer_contenders(xor, [("Adam", 0.01), ("SGD", 1e6)])
    race = Race(xor, contenders, RaceOptions(epochs=3, boundary_resolution=0))
    runs = race.run()
    assert runs[0].status == "completed" and len(runs[0].epochs) == 3
    assert runs[1].status == "diverged" and "learning rate" in runs[1].message


def test_activation_race_needs_an_activation():
    linear = experiment_from_dict(chain(("logits", "Linear", {"out_features": 2})))
    with pytest.raises(ValueError, match="no activation"):
        activation_contenders(linear, ["ReLU"])


def test_stop_ends_every_contender(xor):
    events = []
    race = Race(xor, activation_contenders(xor, ["ReLU", "Tanh", "Sigmoid"]), RaceOptions(epochs=500),
                observer=events.append)
    thread = threading.Thread(target=race.run)
    thread.start()
    deadline = time.monotonic() + 30
    while not any(event.kind == "epoch" for event in list(events)) and time.monotonic() < deadline:
        time.sleep(0.01)
    race.stop()
    thread.join(30)
    assert not thread.is_alive()
    assert race.status == "stopped"
    assert all(run.status == "stopped" for run in race.runs)
    assert all(len(run.epochs) < 500 for run in race.runs)
    assert events[-1].kind == "race_finished"


def test_mean_std_over_unequal_runs():
    mean, std = mean_std([np.array([1.0, 2.0, 3.0]), np.array([3.0, np.nan]), np.array([])])
    assert np.allclose(mean, [2.0, 2.0, 3.0])
    assert np.allclose(std, [1.0, 0.0, 0.0])
