"""The training time machine: weight snapshots kept while a run trains, forks from any kept epoch
(bit for bit with unchanged settings), rewinds to the initial weights, scrubbing the views back,
and saved timelines that refuse a broken file."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from playground.core.catalogue.training import OPTIMIZERS, SCHEDULERS
from playground.core.experiment import experiment_from_dict
from playground.core.experiment.schema import Experiment
from playground.core.presets import PRESETS_DIR
from playground.core.runs.probes import TaskProbe
from playground.core.runs.replay import replay_views
from playground.core.runs.timeline import (
    SMALL_MODEL,
    SnapshotError,
    SnapshotStore,
    WeightSnapshot,
    default_interval,
)
from playground.core.training import Trainer, TrainerOptions, lr_schedule
from tests.core.factories import chain
from tests.core.test_training_steps import numbers

EPOCHS = 6


def options(store: SnapshotStore | None = None) -> TrainerOptions:
    return TrainerOptions(step_every=1, max_step_events_per_second=0.0, diagnostics=False, snapshots=store)


def spiral(epochs: int = EPOCHS, **training: Any) -> Experiment:
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


def changed(experiment: Experiment, **update: Any) -> Experiment:
    """The experiment with other training settings (a fork's experiment)."""
    data = experiment.model_dump(mode="json")
    data["training"].update(update)
    return experiment_from_dict(data)


def train(experiment: Experiment, store: SnapshotStore | None = None) -> tuple[Trainer, list[Any]]:
    events: list[Any] = []
    trainer = Trainer(experiment, observer=events.append, options=options(store))
    trainer.run()
    return trainer, events


def fork(experiment: Experiment, snapshot: WeightSnapshot, **kwargs: Any) -> tuple[Trainer, list[Any], Any]:
    events: list[Any] = []
    trainer = Trainer(experiment, observer=events.append, options=options(kwargs.pop("store", None)))
    result = trainer.fork_from(snapshot, **kwargs)
    trainer.run()
    return trainer, events, result


def epoch_numbers(events: list[Any], after: int = 0) -> list[tuple[Any, ...]]:
    return [row for row in numbers(events)["epochs"] if row[0] > after]


def weights(trainer: Trainer) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}


def same_weights(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(torch.as_tensor(a[k]), torch.as_tensor(b[k])) for k in a)


SETTINGS = {
    "adam": {},
    "sgd momentum + step schedule": {
        "optimizer": {"type": "SGD", "params": {"lr": 0.1, "momentum": 0.9}},
        "scheduler": {"type": "StepLR", "params": {"step_size": 2, "gamma": 0.5}},
    },
    "plateau": {"scheduler": {"type": "ReduceLROnPlateau", "params": {"patience": 0, "factor": 0.5}}},
    "one cycle per step + warmup": {
        "scheduler": {"type": "OneCycleLR", "params": {"max_lr": 0.05}, "interval": "step", "warmup_steps": 8}
    },
    "keep best + early stopping + l1 + clipping": {
        "keep_best": {"monitor": "val_loss", "restore": True},
        "early_stopping": {"monitor": "val_loss", "patience": 50},
        "l1": 0.001,
        "gradient_clipping": {"mode": "norm", "max_value": 1.0},
    },
}


# ---- snapshots while training -------------------------------------------------------------------


def test_a_store_keeps_every_epoch_and_changes_no_number(one_torch_thread):
    """Epoch 0 (the initial weights) and each epoch end are kept; the run's events are the same as
    without a store, and each snapshot holds the weights the model had at that epoch's end."""
    experiment = spiral()
    _, plain = train(experiment)
    store = SnapshotStore()
    seen: dict[int, dict[str, np.ndarray]] = {}

    def observer(event: Any) -> None:
        events.append(event)
        if event.kind == "epoch":
            assert event.epoch in store  # kept before the event reaches the observer
            seen[event.epoch] = {k: v.detach().numpy().copy() for k, v in trainer.model.state_dict().items()}

    events: list[Any] = []
    trainer = Trainer(experiment, observer=observer, options=options(store))
    initial = weights(trainer)
    trainer.run()
    assert numbers(events) == numbers(plain)
    assert [e.kind for e in events] == [e.kind for e in plain]
    assert store.epochs() == list(range(EPOCHS + 1))
    assert same_weights(store.get(0).model, initial)
    for epoch, expected in seen.items():
        snapshot = store.get(epoch)
        assert snapshot.epoch == epoch and snapshot.step == epoch * trainer.batches_per_epoch
        assert same_weights(snapshot.model, expected)
        assert snapshot.history is not None and len(snapshot.history) == epoch
    assert store.nbytes == sum(s.nbytes for s in store) > 0


def test_a_snapshot_is_plain_data_that_the_trainer_never_changes(one_torch_thread):
    experiment = spiral(epochs=2)
    trainer = Trainer(experiment, options=options())
    snapshot = trainer.snapshot()
    before = {k: v.copy() for k, v in snapshot.model.items()}
    trainer.run()
    assert same_weights(snapshot.model, before)  # copies, not views of the live weights

    def arrays_and_numbers(value: Any) -> bool:
        if isinstance(value, dict):
            return all(arrays_and_numbers(v) for v in value.values())
        if isinstance(value, (list, tuple)):
            return all(arrays_and_numbers(v) for v in value)
        return value is None or isinstance(value, (np.ndarray, bool, int, float, str))

    for part in (snapshot.model, snapshot.optimizer, snapshot.schedule, snapshot.rng, snapshot.loop):
        assert arrays_and_numbers(part)
    copy = pickle.loads(pickle.dumps(snapshot))
    assert copy.epoch == 0 and same_weights(copy.model, snapshot.model)
    assert snapshot.lean().history is None and snapshot.history == ()


def test_the_store_keeps_its_interval_and_the_run_end():
    experiment = spiral(epochs=7)
    store = SnapshotStore(every=3)
    train(experiment, store)
    assert store.epochs() == [0, 3, 6, 7]  # the last epoch is kept wherever it falls
    assert store.at(5).epoch == 3 and store.get(5) is None and store.at(7).epoch == 7
    with pytest.raises(KeyError):
        SnapshotStore().at(3)


def test_a_stopped_run_keeps_the_epoch_it_stopped_after(one_torch_thread):
    experiment = spiral(epochs=9)
    store = SnapshotStore(every=4)
    trainer = Trainer(experiment, options=options(store))
    trainer.begin()
    trainer.train_steps(5 * trainer.batches_per_epoch)
    trainer.finish()
    assert store.epochs() == [0, 4, 5]


def test_over_its_bound_the_store_thins_the_oldest_but_never_the_first_or_latest(one_torch_thread):
    experiment = spiral(epochs=40)
    size = Trainer(experiment, options=options()).snapshot().nbytes
    store = SnapshotStore(max_bytes=12 * size)
    train(experiment, store)
    kept = store.epochs()
    assert kept[0] == 0 and kept[-1] == 40
    assert store.nbytes <= 12 * size and len(kept) <= 12
    gaps = np.diff(kept)
    assert gaps[-1] == 1 and gaps[0] > 1  # the recent epochs dense, the old ones thinned


def test_adding_an_earlier_epoch_starts_the_line_again_from_there(one_torch_thread):
    store = SnapshotStore()
    train(spiral(epochs=4), store)
    snapshot = store.get(2)
    store.add(snapshot)
    assert store.epochs() == [0, 1, 2]


def test_default_interval_keeps_every_epoch_of_small_models():
    assert default_interval(40, 10_000) == 1
    assert default_interval(SMALL_MODEL, 500) == 1
    big = default_interval(5_000_000, 100)  # 60 MB a snapshot: about four fit in 256 MB
    assert big > 1 and 100 / big <= 256 * 2**20 / (5_000_000 * 12)
    assert default_interval(5_000_000, 1) == 1


# ---- forks --------------------------------------------------------------------------------------


@pytest.mark.parametrize("settings", list(SETTINGS.values()), ids=list(SETTINGS))
def test_a_fork_with_unchanged_settings_continues_the_run_bit_for_bit(one_torch_thread, settings):
    experiment = spiral(**settings)
    store = SnapshotStore()
    original, events = train(experiment, store)
    for k in (0, 2, 5):
        forked, fork_events, result = fork(experiment, store.get(k))
        assert result.optimizer_state == "kept" and result.schedule == "kept"
        assert epoch_numbers(fork_events) == epoch_numbers(events, after=k)
        assert numbers(fork_events)["summary"] == numbers(events)["summary"]
        assert same_weights(weights(forked), weights(original))


CATALOGUE = [("optimizer", name) for name in OPTIMIZERS] + [("scheduler", name) for name in SCHEDULERS]


@pytest.mark.parametrize("part, name", CATALOGUE, ids=[f"{part}={name}" for part, name in CATALOGUE])
def test_every_optimizer_and_schedule_of_the_catalogue_forks_bit_for_bit(one_torch_thread, part, name, tmp_path):
    """Each one's state survives the snapshot, a saved timeline and the fork (MultiStepLR keeps a
    Counter, ReduceLROnPlateau infinities, OneCycleLR strings)."""
    settings: dict[str, Any] = {"optimizer": {"type": name, "params": {}}} if part == "optimizer" else {}
    if part == "scheduler":
        settings["scheduler"] = {"type": name, "params": {"milestones": [1, 3]} if name == "MultiStepLR" else {}}
    experiment = spiral(epochs=4, **settings)
    store = SnapshotStore()
    original, events = train(experiment, store)
    loaded = SnapshotStore.load(store.save(tmp_path))
    forked, fork_events, result = fork(experiment, loaded.get(2))
    assert (result.optimizer_state, result.schedule) == ("kept", "kept")
    assert epoch_numbers(fork_events) == epoch_numbers(events, after=2)
    assert same_weights(weights(forked), weights(original))


def test_a_fork_from_a_saved_and_reloaded_timeline_continues_bit_for_bit(one_torch_thread, tmp_path):
    experiment = spiral(**SETTINGS["sgd momentum + step schedule"])
    store = SnapshotStore()
    original, events = train(experiment, store)
    path = store.save(tmp_path / "timeline", "spiral")
    loaded = SnapshotStore.load(path.parent)
    assert loaded.epochs() == store.epochs() and loaded.every == store.every
    forked, fork_events, _ = fork(experiment, loaded.get(3))
    assert epoch_numbers(fork_events) == epoch_numbers(events, after=3)
    assert same_weights(weights(forked), weights(original))


def test_a_lean_snapshot_forks_with_the_rows_its_caller_has(one_torch_thread):
    experiment = spiral()
    store = SnapshotStore()
    original, events = train(experiment, store)
    lean = pickle.loads(pickle.dumps(store.get(3).lean()))
    with pytest.raises(SnapshotError, match="history"):
        Trainer(experiment, options=options()).fork_from(lean)
    forked, fork_events, _ = fork(experiment, lean, history=original.history)
    assert epoch_numbers(fork_events) == epoch_numbers(events, after=3)
    assert forked.history == original.history


def test_a_fork_with_a_new_learning_rate_keeps_the_moments_and_trains_otherwise(one_torch_thread):
    experiment = spiral()
    store = SnapshotStore()
    original, events = train(experiment, store)
    faster = changed(experiment, optimizer={"type": "Adam", "params": {"lr": 0.05}})
    trainer = Trainer(faster, options=options())
    result = trainer.fork_from(store.get(3))
    assert result.optimizer_state == "kept" and result.schedule == "positioned"
    assert trainer.optimizer.param_groups[0]["lr"] == 0.05
    saved = store.get(3).optimizer["state"][0]["exp_avg"]
    assert np.array_equal(trainer.optimizer.state_dict()["state"][0]["exp_avg"].numpy(), saved)
    assert same_weights(weights(trainer), store.get(3).model)
    fork_events: list[Any] = []
    trainer.observer = fork_events.append
    trainer.run()
    rows, expected = epoch_numbers(fork_events), epoch_numbers(events, after=3)
    assert [row[0] for row in rows] == [4, 5, 6] and all(row[5] == 0.05 for row in rows)
    assert [row[2] for row in rows] != [row[2] for row in expected]  # other training losses
    assert not same_weights(weights(trainer), weights(original))
    assert trainer.history[:3] == original.history[:3]  # the shared past stays in the summary


def test_a_fork_with_new_weight_decay_and_l1_puts_them_into_effect(one_torch_thread):
    experiment = spiral()
    store = SnapshotStore()
    train(experiment, store)
    decayed = changed(experiment, optimizer={"type": "Adam", "params": {"lr": 0.01, "weight_decay": 0.1}}, l1=0.01)
    trainer = Trainer(decayed, options=options())
    result = trainer.fork_from(store.get(2))
    assert result.optimizer_state == "kept"
    assert trainer.optimizer.param_groups[0]["weight_decay"] == 0.1
    assert trainer.optimizer.param_groups[0]["lr"] == 0.01


def test_a_fork_with_another_optimizer_starts_its_state_fresh(one_torch_thread):
    experiment = spiral()
    store = SnapshotStore()
    original, events = train(experiment, store)
    sgd = changed(experiment, optimizer={"type": "SGD", "params": {"lr": 0.2, "momentum": 0.9}})
    forked, fork_events, result = fork(sgd, store.get(3))
    assert result.optimizer_state == "fresh"
    assert [row[0] for row in epoch_numbers(fork_events)] == [4, 5, 6]
    assert epoch_numbers(fork_events) != epoch_numbers(events, after=3)


def test_a_fork_whose_optimizer_state_has_another_layout_gets_fresh_moments(one_torch_thread):
    """AMSGrad keeps one more moment than Adam: the snapshot's moments do not fit, so they start anew."""
    experiment = spiral()
    store = SnapshotStore()
    train(experiment, store)
    amsgrad = changed(experiment, optimizer={"type": "Adam", "params": {"lr": 0.01, "amsgrad": True}})
    _, fork_events, result = fork(amsgrad, store.get(3))
    assert result.optimizer_state == "fresh"
    assert len(epoch_numbers(fork_events)) == 3


def test_a_fork_with_a_new_schedule_starts_it_where_the_snapshot_is(one_torch_thread):
    """The new schedule is replayed to the snapshot's step: the fork's LRs are the ones a run with
    that schedule from the start would use from there on."""
    experiment = spiral()
    store = SnapshotStore()
    train(experiment, store)
    scheduled = changed(experiment, scheduler={"type": "StepLR", "params": {"step_size": 2, "gamma": 0.5}})
    trainer = Trainer(scheduled, options=options())
    per_epoch = trainer.batches_per_epoch
    result = trainer.fork_from(store.get(3))
    assert result.schedule == "positioned"
    planned = lr_schedule(scheduled.training, per_epoch)
    assert trainer.lr_controller.current_lr() == pytest.approx(planned[3 * per_epoch], rel=1e-12)
    steps: list[Any] = []
    trainer.observer = steps.append
    trainer.run()
    lrs = [e.lr for e in steps if e.kind == "step"]
    assert lrs == pytest.approx(list(planned[3 * per_epoch :]), rel=1e-12)


def test_a_fork_with_more_epochs_goes_on_after_the_original_end(one_torch_thread):
    experiment = spiral()
    store = SnapshotStore()
    train(experiment, store)
    longer = changed(experiment, epochs=EPOCHS + 3)
    _, fork_events, _ = fork(longer, store.get(EPOCHS))
    assert [row[0] for row in epoch_numbers(fork_events)] == [7, 8, 9]


def test_rewind_to_the_start_with_new_settings_starts_from_the_same_initial_weights(one_torch_thread):
    """Fork from epoch 0: the same initial weights and batches, so it is exactly a fresh run of
    the changed settings with the original's seed."""
    experiment = spiral()
    store = SnapshotStore()
    original = Trainer(experiment, options=options(store))
    initial = weights(original)
    original.run()
    other = changed(experiment, optimizer={"type": "SGD", "params": {"lr": 0.3}}, l1=0.001)
    trainer = Trainer(other, options=options())
    with torch.no_grad():  # make the built model's own weights differ: the fork must replace them
        for parameter in trainer.model.parameters():
            parameter.add_(1.0)
    trainer.fork_from(store.get(0))
    assert same_weights(weights(trainer), initial)
    events: list[Any] = []
    trainer.observer = events.append
    trainer.run()
    fresh, fresh_events = train(other)
    assert numbers(events) == numbers(fresh_events)
    assert same_weights(weights(trainer), weights(fresh))


def test_a_fork_into_a_store_continues_the_timeline_from_the_fork(one_torch_thread):
    experiment = spiral()
    store = SnapshotStore()
    train(experiment, store)
    branch = SnapshotStore()
    fork(changed(experiment, l1=0.01), store.get(2), store=branch)
    assert branch.epochs() == [2, 3, 4, 5, 6]


def test_a_fork_refuses_a_snapshot_of_another_graph_or_data_and_changes_nothing(one_torch_thread):
    experiment = spiral()
    store = SnapshotStore()
    train(experiment, store)
    data = experiment.model_dump(mode="json")
    data["model"]["nodes"][1]["params"]["out_features"] = 9
    wider = experiment_from_dict(data)
    trainer = Trainer(wider, options=options())
    before = weights(trainer)
    with pytest.raises(SnapshotError, match="fc1"):
        trainer.fork_from(store.get(2))
    assert same_weights(weights(trainer), before) and trainer.epoch == 0
    data = experiment.model_dump(mode="json")
    data["data"]["params"]["noise"] = 0.3
    with pytest.raises(SnapshotError, match="other data"):
        Trainer(experiment_from_dict(data), options=options()).fork_from(store.get(2))
    shorter = changed(experiment, epochs=2)
    with pytest.raises(SnapshotError, match="epoch 3"):
        Trainer(shorter, options=options()).fork_from(store.get(3))


# ---- scrubbing the views ------------------------------------------------------------------------


def preset(name: str, epochs: int) -> Experiment:
    data = json.loads((PRESETS_DIR / name).read_text(encoding="utf-8"))
    data["training"].update({"epochs": epochs, "device": "cpu"})
    return experiment_from_dict(data)


@pytest.mark.parametrize("name", ["xor.json", "spiral.json"])
def test_scrubbing_to_an_epoch_shows_what_a_run_stopped_there_shows(one_torch_thread, name):
    k = 3
    longer = preset(name, epochs=8)
    store = SnapshotStore()
    long_run, _ = train(longer, store)
    stopped = Trainer(preset(name, epochs=8), options=options())
    stopped.begin()
    stopped.train_steps(k * stopped.batches_per_epoch)
    stopped.finish()
    device = torch.device("cpu")
    expected = TaskProbe(stopped.dataset, device).predict(stopped.model)
    replayed = replay_views(longer, long_run.dataset, store.get(k), device)
    assert replayed.epoch == k and replayed.kind == "boundary"
    assert expected is not None and replayed.prediction is not None
    assert np.array_equal(replayed.prediction.values, expected.values)
    assert replayed.neurons is not None  # a dense network on the plane: the per-unit maps too
    from playground.core.runs.probes import NeuronProbe

    maps = NeuronProbe(stopped.dataset, longer, stopped.model, device).maps(stopped.model)
    assert maps is not None
    assert all(np.array_equal(a, b) for a, b in zip(replayed.neurons.maps, maps.maps))
    final = replay_views(longer, long_run.dataset, store.get(8), device)
    assert not np.array_equal(final.prediction.values, expected.values)  # another epoch, another picture


def test_replaying_leaves_the_global_random_state_alone(one_torch_thread):
    experiment = spiral(epochs=1)
    store = SnapshotStore()
    trainer, _ = train(experiment, store)
    state = torch.get_rng_state()
    replay_views(experiment, trainer.dataset, store.get(1))
    assert torch.equal(torch.get_rng_state(), state)


# ---- saved timelines ----------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path: Path, one_torch_thread) -> Path:
    store = SnapshotStore(every=2)
    train(spiral(epochs=4, keep_best={"monitor": "val_loss"}), store)
    return store.save(tmp_path / "run.json", "spiral")


def test_a_timeline_saves_to_a_named_file_and_reads_back_exactly(saved):
    loaded = SnapshotStore.load(saved)
    assert loaded.epochs() == [0, 2, 4]
    tensor_files = list(saved.parent.glob("*.safetensors"))
    assert len(tensor_files) == 1 and tensor_files[0].name.startswith("run-timeline-")
    again = loaded.save(saved)  # saving over its own earlier save replaces it, leaving no stray tensors
    assert again == saved and len(list(saved.parent.glob("*.safetensors"))) == 1
    reread = SnapshotStore.load(saved)
    for a, b in zip(loaded, reread):
        assert a.epoch == b.epoch and a.nbytes == b.nbytes and a.history == b.history
        assert same_weights(a.model, b.model) and a.keep_best is not None


def edit_manifest(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


BROKEN = {
    "an epoch as text": (lambda d: d["snapshots"][1].update(epoch="2"), "snapshots.1.epoch"),
    "epochs out of order": (lambda d: d["snapshots"][2].update(epoch=1), "larger than the epoch before"),
    "a loop that disagrees": (lambda d: d["snapshots"][1]["state"]["loop"].update(epoch=3), "state.loop"),
    "a missing part": (lambda d: d["snapshots"][1]["state"].pop("rng"), "state"),
    "an unknown key": (lambda d: d.update(extra=1), "extra"),
    "a newer version": (lambda d: d.update(version=99), "newer"),
    "another format": (lambda d: d.update(format="x"), "not a saved timeline"),
    "a tensor used twice": (
        lambda d: d["snapshots"][1]["state"].update(model=d["snapshots"][0]["state"]["model"]),
        "twice",
    ),
    "edited training settings": (lambda d: d["snapshots"][0]["training"].update(epochs="many"), "epochs"),
    "a tensor file outside the folder": (lambda d: d.update(tensors="../timeline-0123456789ab.safetensors"), "tensors"),
}


@pytest.mark.parametrize("change, message", list(BROKEN.values()), ids=list(BROKEN))
def test_an_edited_timeline_is_refused_naming_the_file_and_the_problem(saved, change, message):
    edit_manifest(saved, change)
    with pytest.raises(SnapshotError) as error:
        SnapshotStore.load(saved)
    assert str(error.value).startswith(str(saved)) and message in str(error.value)


def test_a_damaged_or_missing_tensor_file_is_refused(saved):
    tensor_file = next(saved.parent.glob("*.safetensors"))
    tensor_file.write_bytes(tensor_file.read_bytes()[:-10])
    with pytest.raises(SnapshotError, match="damaged or half-written"):
        SnapshotStore.load(saved)
    tensor_file.unlink()
    with pytest.raises(SnapshotError, match="missing"):
        SnapshotStore.load(saved)
    with pytest.raises(SnapshotError, match="no saved timeline"):
        SnapshotStore.load(saved.parent / "elsewhere")
    saved.write_text("{not json", encoding="utf-8")
    with pytest.raises(SnapshotError, match=str(saved.name)):
        SnapshotStore.load(saved)


def test_saving_never_replaces_a_file_the_playground_did_not_write(tmp_path):
    store = SnapshotStore()
    train(spiral(epochs=1), store)
    foreign = tmp_path / "notes.json"
    foreign.write_text('{"mine": true}', encoding="utf-8")
    with pytest.raises(SnapshotError, match="not a saved timeline"):
        store.save(foreign)
    assert foreign.read_text(encoding="utf-8") == '{"mine": true}'
    assert not list(tmp_path.glob("*.safetensors"))
