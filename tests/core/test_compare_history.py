"""Run history (records, tables, CSV, smoothing, the file format) and the LR range test."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from playground.core.compare.history import RunHistory, RunRecord, thin
from playground.core.compare.lr_range_test import lr_range_test, suggest_lr
from playground.core.compare.race import Race, RaceOptions, activation_contenders, schedule_contenders
from playground.core.errors import ExperimentError
from playground.core.experiment import experiment_from_dict, experiment_to_dict, load_experiment, save_experiment
from playground.core.experiment.schema import SavedRun, SchedulerSpec
from playground.core.smoothing import smooth_ema
from playground.core.training import Trainer, TrainerOptions, lr_schedule

PRESETS = Path(__file__).resolve().parents[2] / "presets"


@pytest.fixture(scope="module")
def xor():
    experiment = load_experiment(PRESETS / "xor.json")
    experiment.training.device = "cpu"
    return experiment


@pytest.fixture(scope="module")
def race(xor):
    race = Race(
        xor, activation_contenders(xor, ["ReLU", "Tanh"]), RaceOptions(epochs=3, repeats=2, boundary_resolution=0)
    )
    race.run()
    return race


def test_race_records_carry_mean_and_spread(race):
    record = RunRecord.from_race(race, 1, "Activation race")
    assert record.name == "Tanh" and record.kind == "race" and record.repeats == 2
    assert record.epochs == 3
    losses = [race.run_of(1, r).epoch_metric("train_loss") for r in range(2)]
    assert np.allclose(record.epoch_metrics["train_loss"], np.mean(losses, axis=0))
    assert np.allclose(record.epoch_std["train_loss"], np.std(losses, axis=0))
    assert record.settings["activation"] == "Tanh" and record.settings["seeds"] == "0, 1"
    assert "val_accuracy" in record.final and "val_accuracy_std" in record.final
    assert record.steps.size == 3 * 18 and record.step_loss.size == record.steps.size


def test_history_edits_emit_events_and_build_tables(race):
    history = RunHistory()
    seen = []
    history.changed.connect(lambda: seen.append("changed"))
    ids = history.extend(RunRecord.from_race(race, c, "g") for c in range(2))
    history.rename(ids[0], "ReLU, renamed")
    assert history.get(ids[0]).name == "ReLU, renamed"
    columns = history.table_columns()
    assert columns[:4] == ["name", "group", "status", "epochs"]
    assert {"activation", "optimizer", "lr", "train_loss", "val_accuracy"} <= set(columns)
    rows = history.table_rows()
    assert rows[0]["name"] == "ReLU, renamed" and rows[0]["epochs"] == 3
    table = list(csv.reader(io.StringIO(history.table_csv())))
    assert table[0] == columns and len(table) == 3
    assert "nan" not in history.table_csv().lower()
    long = list(csv.reader(io.StringIO(history.curves_csv())))
    assert long[0] == ["run", "epoch", "metric", "value", "std"] and len(long) > 10
    overlay = history.overlay("train_loss", smoothing=0.5)
    assert len(overlay) == 2 and overlay[0][1].tolist() == [1.0, 2.0, 3.0]
    history.remove(ids[1])
    # extend is one change however many runs it adds (a file of 30 runs redraws the history once)
    assert history.ids() == [ids[0]] and seen.count("changed") == 3


def test_history_round_trips_through_a_saved_experiment_file(race, xor, tmp_path):
    history = RunHistory()
    history.extend(RunRecord.from_race(race, c, "Activation race") for c in range(2))
    single = RunRecord.from_training(
        "solo",
        [{"train_loss": 0.7, "val_loss": float("nan"), "lr": 0.03}, {"train_loss": 0.5, "val_loss": 0.6, "lr": 0.03}],
        {"status": "completed", "val_loss": 0.6, "test_accuracy": float("inf")},
        {"optimizer": "Adam", "lr": 0.03, "note": object()},
    )
    history.add(single)
    experiment = history.save_into(xor.model_copy(deep=True), "XOR comparison")
    path = tmp_path / "compared.json"
    save_experiment(experiment, path)
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    document = json.loads(text)
    assert list(document)[-1] == "comparison" and len(document["comparison"]["runs"]) == 3
    reopened = load_experiment(path)
    assert reopened.comparison is not None and reopened.comparison.title == "XOR comparison"
    restored = RunHistory()
    restored.load_comparison(reopened.comparison)
    assert [r.name for r in restored] == ["ReLU", "Tanh", "solo"]
    for before, after in zip(history, restored):
        assert after.settings.keys() == before.settings.keys()
        for metric, values in before.epoch_metrics.items():
            assert np.allclose(after.epoch_metrics[metric], values, rtol=1e-5, equal_nan=True)
        assert np.array_equal(after.steps, before.steps)
        assert np.allclose(after.step_loss, before.step_loss, rtol=1e-5, equal_nan=True)
        assert after.final.keys() == before.final.keys()
    assert math.isnan(restored.records[2].epoch_metrics["val_loss"][0])  # NaN was saved as null
    assert restored.records[2].final["test_accuracy"] is None
    # the plain-dict form is the same object
    again = RunHistory.from_dict(history.to_dict("t"))
    assert [r.name for r in again] == ["ReLU", "Tanh", "solo"]
    # files without the key keep loading and saving exactly as before
    plain = experiment_to_dict(xor)
    assert "comparison" not in plain


def test_the_format_checks_saved_runs(xor):
    document = experiment_to_dict(xor)
    document["comparison"] = {"runs": [{"name": "a", "epoch_metrics": {"train_loss": [1, 0.5], "val_loss": [1]}}]}
    with pytest.raises(ExperimentError, match="comparison.runs\\[0\\]"):
        experiment_from_dict(document)
    document["comparison"] = {"runs": [{"name": "a", "colour": "red"}]}
    with pytest.raises(ExperimentError, match="comparison.runs\\[0\\].colour"):
        experiment_from_dict(document)
    with pytest.raises(ValueError):
        SavedRun(name="a", step_loss=[float("nan")], steps=[1])


def test_long_step_curves_are_thinned_for_files():
    steps = np.arange(1, 5001)
    new_steps, values = thin(steps, np.ones(5000), max_points=100)
    assert len(new_steps) == 100 and new_steps[-1] == 5000 and np.allclose(values, 1)
    record = RunRecord(name="long", steps=steps, step_loss=np.linspace(1, 0, 5000), step_lr=np.full(5000, 0.1))
    saved = record.to_saved(max_points=200)
    assert len(saved.steps) == len(saved.step_loss) == len(saved.step_lr) == 200


def test_smoothing_is_debiased_and_skips_nan():
    assert np.allclose(smooth_ema([1.0, 1.0, 1.0], 0.9), [1.0, 1.0, 1.0])  # no pull towards 0
    out = smooth_ema([1.0, np.nan, 3.0], 0.5)
    assert out[0] == 1.0 and math.isnan(out[1]) and 1.0 < out[2] < 3.0
    assert np.array_equal(smooth_ema([1.0, 2.0], 0.0), [1.0, 2.0])


def test_lr_range_test_suggests_a_value_inside_the_swept_range(xor):
    result = lr_range_test(xor, start_lr=1e-4, end_lr=10.0, steps=80)
    assert len(result.lrs) == len(result.losses) == len(result.smoothed) <= 80
    assert np.all(np.diff(result.lrs) > 0)
    assert result.suggestion is not None
    assert 1e-4 <= result.suggestion <= 10.0 and result.lrs[0] <= result.suggestion <= result.lrs[-1]
    assert result.min_loss_lr is not None and result.suggestion <= result.min_loss_lr
    stopped = lr_range_test(xor, start_lr=1e-3, end_lr=1.0, steps=50, should_stop=lambda: True)
    assert stopped.stopped_early and len(stopped.lrs) == 0 and stopped.suggestion is None


def test_suggest_lr_finds_the_steepest_descent():
    lrs = np.geomspace(1e-5, 1, 100)
    loss = 1 / (1 + np.exp(4 * (np.log10(lrs) + 2)))  # falls fastest at 1e-2
    loss[90:] += np.linspace(0, 5, 10)  # then explodes
    steepest, lowest = suggest_lr(lrs, loss)
    assert steepest == pytest.approx(1e-2, rel=0.2)
    assert lowest > steepest


def test_schedule_race_uses_exactly_the_planned_learning_rates(xor):
    """What the designer plots (`lr_schedule`) is what a race contender trains with, step by step."""
    spec = SchedulerSpec(type="CosineAnnealingLR", params={"T_max": 30}, interval="step", warmup_steps=10)
    race = Race(xor, schedule_contenders(xor, [("warm cosine", spec)]), RaceOptions(epochs=3, boundary_resolution=0))
    race.run()
    training = xor.training.model_copy(deep=True)
    training.scheduler = spec
    planned = lr_schedule(training, 18, 3)
    assert np.allclose(race.run_of(0).lrs, planned)
    solo = []
    experiment = xor.model_copy(deep=True)
    experiment.training = training
    Trainer(
        experiment,
        epochs=3,
        options=TrainerOptions(step_every=1, max_step_events_per_second=0, diagnostics=False),
        observer=lambda e: solo.append(e.lr) if e.kind == "step" else None,
    ).run()
    assert np.allclose(solo, planned)


def test_one_smoother_streams_and_smooths_whole_series_alike():
    """The live loss curve feeds values in chunks; the history smooths a whole series at once: both
    are the same debiased EMA (playground.core.smoothing)."""
    from playground.core.smoothing import DebiasedEma

    values = np.array([0.9, 0.7, np.nan, 0.6, np.inf, 0.5, 0.45])
    streaming = DebiasedEma(0.8)
    chunks = np.concatenate(
        [
            streaming.feed(values[:3]),
            streaming.feed(values[3:5]),
            [streaming.push(values[5])],
            streaming.feed(values[6:]),
        ]
    )
    assert np.allclose(chunks, smooth_ema(values, 0.8), equal_nan=True)


def fork_records(xor):
    """A parent run of 6 epochs and a branch forked from its epoch 3 with a higher learning rate."""
    from playground.core.runs.timeline import SnapshotStore

    experiment = xor.model_copy(deep=True)
    experiment.training.epochs = 6
    store = SnapshotStore()
    parent = Trainer(experiment, options=TrainerOptions(diagnostics=False, snapshots=store)).run()
    branch_experiment = experiment.model_copy(deep=True)
    branch_experiment.training.optimizer.params["lr"] = 0.1
    trainer = Trainer(branch_experiment, options=TrainerOptions(diagnostics=False))
    trainer.fork_from(store.get(3))
    branch = trainer.run()
    parent_record = RunRecord.from_training("Adam 0.03", parent.history, {"status": parent.status})
    branch_record = RunRecord.from_training(
        "Adam 0.1", branch.history, {"status": branch.status}, branch_of=parent_record.id, fork_epoch=3
    )
    return parent_record, branch_record


def test_a_branch_overlaid_with_its_parent_starts_at_the_fork_epoch(xor):
    parent, branch = fork_records(xor)
    assert branch.is_branch and not parent.is_branch and branch.epochs == 6
    history = RunHistory()
    history.extend([parent, branch])
    overlay = {record.id: (x, y) for record, x, y, _ in history.overlay("train_loss")}
    assert overlay[parent.id][0].tolist() == [1, 2, 3, 4, 5, 6]
    assert overlay[branch.id][0].tolist() == [3, 4, 5, 6]
    # the branch leaves its parent's curve at the fork: the same point at epoch 3, another one after it
    assert overlay[branch.id][1][0] == overlay[parent.id][1][2]
    assert overlay[branch.id][1][1] != overlay[parent.id][1][3]
    smoothed = history.overlay("train_loss", [branch.id], smoothing=0.5)
    assert smoothed[0][1].tolist() == [3, 4, 5, 6]
    assert history.parent_of(branch) is parent and history.branches_of(parent.id) == [branch]


def test_the_table_says_which_run_a_branch_was_forked_from(xor):
    parent, branch = fork_records(xor)
    history = RunHistory()
    history.extend([parent, branch])
    columns = history.table_columns()
    assert columns[:2] == ["name", "branch"]
    rows = {row["id"]: row for row in history.table_rows()}
    assert rows[branch.id]["branch"] == "⑂ from Adam 0.03 @ epoch 3" and "branch" not in rows[parent.id]
    assert "⑂ from Adam 0.03 @ epoch 3" in history.table_csv()
    history.rename(parent.id, "baseline")
    assert history.branch_text(branch) == "⑂ from baseline @ epoch 3"
    history.remove(parent.id)
    assert history.branch_text(branch) == "⑂ from a removed run @ epoch 3"
    assert history.table_columns(ids=[]) == ["name", "group", "status", "epochs"]


def test_a_saved_branch_reopens_as_a_plain_run_with_its_whole_curve(xor):
    """The file format has no place for branches (and the schema is not changed for them)."""
    parent, branch = fork_records(xor)
    history = RunHistory()
    history.extend([parent, branch])
    reopened = RunHistory.from_dict(history.to_dict())
    again = reopened.records[1]
    assert not again.is_branch and again.branch_of is None and again.fork_epoch is None
    assert again.curve("train_loss")[0].tolist() == [1, 2, 3, 4, 5, 6]
    assert np.allclose(again.epoch_metrics["train_loss"], branch.epoch_metrics["train_loss"], rtol=1e-5)


def test_a_rewound_run_draws_its_whole_curve(xor):
    record = RunRecord.from_training("rewound", [{"train_loss": 1.0}, {"train_loss": 0.5}], branch_of="x", fork_epoch=0)
    assert record.is_branch and record.curve("train_loss")[0].tolist() == [1, 2]
