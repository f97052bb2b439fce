"""Races: identical initial weights, identical batches, lock-step turns, repeats, stop; a contender
is bit for bit its solo run, in this thread and split over worker processes; a worker that dies
fails only its own contenders."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.core.compare.race import (
    ContenderEpoch,
    Race,
    RaceError,
    RaceOptions,
    activation_contenders,
    mean_std,
    optimizer_contenders,
    schedule_contenders,
)
from playground.core.compare.race_worker import RaceShare
from playground.core.data import load_dataset
from playground.core.experiment import experiment_from_dict, load_experiment
from playground.core.experiment.schema import SchedulerSpec
from playground.core.graph import build_model
from playground.core.runs.pool import WorkerPool
from playground.core.runs.worker import JOBS
from playground.core.training import Trainer, TrainerOptions
from tests.core.factories import chain

SOLO = TrainerOptions(step_every=1, max_step_events_per_second=0, diagnostics=False)

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
    race = Race(
        xor,
        contenders,
        RaceOptions(epochs=3, repeats=2, keep_initial_weights=True, boundary_resolution=16),
        observer=events.append,
    )
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
    race = Race(
        xor,
        activation_contenders(xor, ["ReLU", "Tanh", "GELU"]),
        RaceOptions(epochs=4, turn_epochs=1),
        observer=events.append,
    )
    race.run()
    epochs = [(event.contender, event.epoch) for event in events if isinstance(event, ContenderEpoch)]
    # every contender finishes epoch k before any of them starts epoch k + 1's turn
    assert epochs == [(c, e) for e in range(1, 5) for c in range(3)]
    # short epochs may be grouped, but every contender's turn covers the same epochs
    events = []
    race = Race(
        xor, activation_contenders(xor, ["ReLU", "Tanh"]), RaceOptions(epochs=6, turn_epochs=3), observer=events.append
    )
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
        trainer = Trainer(
            contender.experiment,
            model=model,
            dataset=dataset,
            epochs=2,
            options=TrainerOptions(step_every=1, max_step_events_per_second=0, diagnostics=False),
            observer=lambda e, losses=losses: losses.append(e.train_loss) if e.kind == "step" else None,
        )
        trainer.run()
        assert losses == race.run_of(index).losses


def test_optimizer_and_schedule_contenders(xor):
    optimizers = optimizer_contenders(xor, [("SGD", 0.1), ("Nesterov", 0.05), ("Adam", 0.01)])
    assert optimizers[1].experiment.training.optimizer.type == "SGD"
    assert optimizers[1].experiment.training.optimizer.params == {"momentum": 0.9, "nesterov": True, "lr": 0.05}
    assert optimizers[2].settings == {"optimizer": "Adam", "lr": 0.01}
    schedules = schedule_contenders(
        xor, [("constant", None), ("step", SchedulerSpec(type="StepLR", params={"step_size": 1}))]
    )
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
    race = Race(
        xor, activation_contenders(xor, ["ReLU", "Tanh", "Sigmoid"]), RaceOptions(epochs=500), observer=events.append
    )
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


# ---- bit for bit, in this thread and in worker processes ---------------------------------------


def dropout_spiral():
    """Dropout (the global RNG matters between turns) and epochs of 6 batches, the last smaller."""
    document = chain(
        ("fc1", "Linear", {"out_features": 8}),
        ("act", "Tanh", {}),
        ("drop", "Dropout", {"p": 0.2}),
        ("logits", "Linear", {"out_features": 2}),
        dataset="spiral",
        data_params={"samples": 130, "noise": 0.1},
    )
    document["training"].update(epochs=3, batch_size=16, device="cpu")
    return experiment_from_dict(document)


def solo_run(experiment, contender, seed):
    """The contender trained on its own: the base model's weights (built after the seed), its batches."""
    dataset = load_dataset(experiment.data)
    torch.manual_seed(seed)
    base = build_model(experiment, dataset.info).state_dict()
    torch.manual_seed(seed)
    model = build_model(contender.experiment, dataset.info)
    model.load_state_dict(base)
    solo = contender.experiment.model_copy(deep=True)
    solo.training.seed = seed
    losses = []
    trainer = Trainer(
        solo,
        model=model,
        dataset=dataset,
        epochs=3,
        options=SOLO,
        observer=lambda e: losses.append(e.train_loss) if e.kind == "step" else None,
    )
    trainer.run()
    return losses, trainer.history, {k: v.numpy() for k, v in trainer.model.state_dict().items()}


def assert_solo(race, experiment):
    """Every (contender, seed) of `race` has exactly its solo run's step losses, epoch metrics and
    final weights."""
    for run in race.runs:
        losses, history, weights = solo_run(experiment, race.contenders[run.contender], run.seed)
        assert run.status == "completed"
        assert run.losses == losses
        assert run.epochs == history
        assert run.final_weights.keys() == weights.keys()
        assert all(np.array_equal(run.final_weights[key], weights[key]) for key in weights)


def test_a_contender_is_bit_for_bit_its_solo_run_in_turns_that_cut_epochs(one_torch_thread):
    experiment = dropout_spiral()
    contenders = activation_contenders(experiment, ["Tanh", "ReLU"])
    race = Race(
        experiment,
        contenders,
        RaceOptions(epochs=3, repeats=2, turn_steps=4, keep_final_weights=True, boundary_resolution=0),
    )
    race.run()
    assert race.status == "completed" and race.workers_used == 0
    assert_solo(race, experiment)


@pytest.fixture(scope="module")
def processes():
    """Two warm worker processes, shared by the tests below (the last one kills one of them). The
    pool does not top itself up after they are released, so the same two serve every test."""
    others = set(multiprocessing.active_children())  # another module's workers (tests share a process)
    pool = WorkerPool(keep_ready=2)
    pool.prestart()
    for worker in pool.idle():
        assert worker.wait_ready(), worker.failure
    pool.prestart = lambda: None
    yield pool
    pool.shutdown(0.5)
    assert not set(multiprocessing.active_children()) - others


def test_a_race_share_is_a_registered_worker_job_and_its_records_pickle(xor):
    """What crosses to a worker process and back: the request, and every event of a race."""
    assert RaceShare in JOBS
    events = []
    race = Race(
        xor, activation_contenders(xor, ["ReLU"]), RaceOptions(epochs=1, boundary_resolution=8), observer=events.append
    )
    race.run()
    share = race._share_requests(1, None)[0].request
    assert pickle.loads(pickle.dumps(share)).slots == [0]
    for event in events:
        assert type(pickle.loads(pickle.dumps(event))) is type(event)


def test_a_race_split_over_worker_processes_is_bit_for_bit_its_solo_runs(processes, one_torch_thread):
    experiment = dropout_spiral()
    contenders = activation_contenders(experiment, ["Tanh", "ReLU", "Sigmoid"])
    events = []
    race = Race(
        experiment,
        contenders,
        RaceOptions(epochs=3, keep_final_weights=True, boundary_resolution=8),
        observer=events.append,
    )
    race.run(processes, workers=2)
    assert race.status == "completed" and race.workers_used == 2
    assert not processes.busy()  # every worker is back
    assert_solo(race, experiment)
    assert race.shared_weights == [(4, 4)] * 3
    # the set-up comes first (every share's weights counted), the end last, and each run reports
    # its epochs in order
    assert events[0].kind == "started" and events[0].shared_weights == [(4, 4)] * 3
    assert events[-1].kind == "race_finished" and events[-1].samples == sum(run.samples for run in race.runs) > 0
    for contender in range(3):
        epochs = [e.epoch for e in events if isinstance(e, ContenderEpoch) and e.contender == contender]
        assert epochs == [1, 2, 3]
    assert {e.contender for e in events if e.kind == "boundary"} == {0, 1, 2}


def test_a_worker_thread_pool_lends_one_worker_and_gives_the_same_numbers(one_torch_thread):
    """Threads share the global RNG, so a pool of threads trains the whole race in one of them."""
    experiment = dropout_spiral()
    pool = WorkerPool(in_process=True)
    try:
        race = Race(
            experiment,
            activation_contenders(experiment, ["Tanh", "ReLU"]),
            RaceOptions(epochs=3, keep_final_weights=True, boundary_resolution=0),
        )
        race.run(pool, workers=2)
        assert race.workers_used == 1 and not pool.busy()
        assert_solo(race, experiment)
    finally:
        pool.shutdown()


def test_stop_ends_every_contender_in_worker_processes(processes, xor):
    events = []
    race = Race(
        xor, activation_contenders(xor, ["ReLU", "Tanh", "Sigmoid"]), RaceOptions(epochs=5000), observer=events.append
    )
    thread = threading.Thread(target=race.run, args=(processes, 2))
    thread.start()
    deadline = time.monotonic() + 60
    while not any(event.kind == "epoch" for event in list(events)) and time.monotonic() < deadline:
        time.sleep(0.01)
    race.stop()
    thread.join(60)
    assert not thread.is_alive()
    assert race.status == "stopped"
    assert all(run.status == "stopped" and len(run.epochs) < 5000 for run in race.runs)
    assert events[-1].kind == "race_finished" and not processes.busy()
    assert all(worker.is_alive() for worker in processes.idle())  # a stop ends runs, not workers


def test_data_that_cannot_load_fails_the_race_in_plain_words(xor, tmp_path):
    broken = xor.model_copy(deep=True)
    broken.data.dataset = "csv"
    broken.data.params = {"path": str(tmp_path / "missing.csv"), "target": "y"}
    with pytest.raises(RaceError, match="missing.csv"):
        Race(broken, activation_contenders(broken, ["ReLU"]), RaceOptions(epochs=1)).run()


def test_a_worker_that_dies_fails_its_own_contenders_only(processes, xor):
    """Contender 0 trains in the first worker acquired; killing that process mid-race (as an
    out-of-memory kill would) fails contender 0 with the reason, while contender 1, in the other
    worker, ends as it would have (its learning rate is far too high: it diverges at once)."""
    killed = []

    def observe(event):
        if getattr(event, "contender", None) == 0 and event.kind != "finished" and not killed:
            victim = processes.busy()[0]
            killed.append(victim.pid)
            os.kill(victim.pid, signal.SIGKILL)

    contenders = optimizer_contenders(xor, [("Adam", 0.01), ("SGD", 1e6)])
    race = Race(xor, contenders, RaceOptions(epochs=5000, boundary_resolution=0), observer=observe)
    race.run(processes, workers=2)
    assert killed
    assert race.run_of(0).status == "error" and "stopped unexpectedly" in race.run_of(0).message
    assert len(race.run_of(0).epochs) < 5000
    assert race.run_of(1).status == "diverged" and "learning rate" in race.run_of(1).message
    assert race.status == "completed"
    assert not processes.busy() and all(worker.pid != killed[0] for worker in processes.idle())
