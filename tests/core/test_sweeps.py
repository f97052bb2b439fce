"""Sweeps: a grid × seeds gives one row per run, resuming repeats nothing, and Ray gives the same rows."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from playground.cli import main
from playground.core.experiment import experiment_from_dict
from playground.core.sweeps.grid import SweepError, grid, parse_axis, run_experiment
from playground.core.sweeps.runner import SweepResults, run_locally, run_on_ray, summarise
from tests.core.factories import xor_document

AXES = ["training.optimizer.params.lr=0.01,0.1", "training.batch_size=16,64"]


def _base():
    document = xor_document()
    document["training"]["epochs"] = 3
    return experiment_from_dict(document)


def _runs(base):
    return grid([parse_axis(text) for text in AXES], seeds=2, first_seed=base.training.seed)


def _comparable(rows):
    return [(row.key, row.settings, row.seed, row.status, row.metrics, row.epochs) for row in rows]


def test_a_two_by_two_grid_with_two_seeds_gives_eight_rows_and_resumes_without_training(tmp_path: Path) -> None:
    base = _base()
    runs = _runs(base)
    seen = []
    rows = run_locally(base, runs, SweepResults(tmp_path), None, workers=2, on_progress=lambda p, row: seen.append(p))
    assert len(rows) == 8 and {row.status for row in rows} == {"completed"}
    assert {(tuple(row.settings.values()), row.seed) for row in rows} == {
        ((lr, batch), seed) for lr in (0.01, 0.1) for batch in (16, 64) for seed in (0, 1)
    }
    assert seen[-1].done == seen[-1].total == 8 and seen[-1].eta == 0
    assert all(row.seconds > 0 and row.metrics["val_accuracy"] is not None for row in rows)

    again = []
    resumed = run_locally(
        base, runs, SweepResults(tmp_path), None, workers=2, on_progress=lambda p, row: again.append(p)
    )
    assert _comparable(resumed) == _comparable(rows)
    assert [p.resumed for p in again] == [8]  # nothing trained the second time
    assert len((tmp_path / "results.jsonl").read_text().splitlines()) == 8


def test_a_run_repeats_exactly_and_seeds_differ(tmp_path: Path) -> None:
    base = _base()
    runs = _runs(base)[:2]
    first = run_locally(base, runs, SweepResults(tmp_path / "a"), None, workers=1)
    second = run_locally(base, runs, SweepResults(tmp_path / "b"), None, workers=2)
    assert _comparable(first) == _comparable(second)
    assert first[0].metrics != first[1].metrics  # two seeds, two runs


def test_summaries_average_over_seeds() -> None:
    from playground.core.sweeps.runner import SweepRow

    rows = [
        SweepRow("a", {"lr": 0.1}, 0, "completed", {"val_loss": 1.0}, 3, 1.0),
        SweepRow("b", {"lr": 0.1}, 1, "completed", {"val_loss": 3.0}, 3, 1.0),
        SweepRow("c", {"lr": 0.2}, 0, "completed", {"val_loss": 5.0}, 3, 1.0),
    ]
    first, second = summarise(rows)
    assert first.runs == 2 and first.mean["val_loss"] == 2.0 and first.std["val_loss"] == pytest.approx(2**0.5)
    assert second.mean["val_loss"] == 5.0 and second.std["val_loss"] == 0.0


def test_bad_settings_are_refused_before_anything_trains() -> None:
    base = _base()
    with pytest.raises(SweepError, match="training.bogus: unknown key"):
        run_experiment(base, grid([parse_axis("training.bogus=1")], 1)[0])
    with pytest.raises(SweepError, match="must be a number > 0"):
        run_experiment(base, grid([parse_axis("training.optimizer.params.lr=-1")], 1)[0])
    with pytest.raises(SweepError, match="PATH=VALUE"):
        parse_axis("lr")
    with pytest.raises(SweepError, match="not the graph"):
        run_experiment(base, grid([parse_axis("model.nodes=1")], 1)[0])


def test_the_command_writes_csv_and_json_lines(tmp_path: Path, capsys) -> None:
    experiment = tmp_path / "xor.json"
    experiment.write_text(json.dumps(xor_document()))
    out = tmp_path / "out"
    argv = [
        "sweep",
        str(experiment),
        "--set",
        AXES[0],
        "--seeds",
        "2",
        "--epochs",
        "2",
        "--workers",
        "2",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    printed = capsys.readouterr()
    assert "sweep of 4 runs (2 combinations × 2 seeds)" in printed.out and "val_accuracy" in printed.out
    assert "4/4" in printed.err
    table = list(csv.DictReader((out / "results.csv").open()))
    assert len(table) == 4 and {row["seed"] for row in table} == {"0", "1"}
    assert {"training.optimizer.params.lr", "val_loss", "seconds", "status"} <= set(table[0])
    assert main(argv) == 0  # resumed: nothing to do, the same rows
    assert "4 done before" in capsys.readouterr().err


def test_ray_gives_the_local_rows(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray", reason="the cluster extra is not installed")
    base = _base()
    runs = _runs(base)[:4]
    local = run_locally(base, runs, SweepResults(tmp_path / "local"), None, workers=2)
    try:
        remote = run_on_ray(
            "local",
            base,
            runs,
            SweepResults(tmp_path / "ray"),
            None,
            init=lambda: ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False),
        )
    finally:
        ray.shutdown()
    assert _comparable(remote) == _comparable(local)


def test_parallel_coordinates_place_settings_and_put_the_best_on_top() -> None:
    from playground.core.sweeps.parallel import parallel_coordinates
    from playground.core.sweeps.runner import SettingSummary

    summaries = [
        SettingSummary(
            {"training.optimizer.params.lr": 0.001, "training.batch_size": 16}, 2, {"val_accuracy": 0.6}, {}
        ),
        SettingSummary({"training.optimizer.params.lr": 0.1, "training.batch_size": 64}, 2, {"val_accuracy": 0.9}, {}),
        SettingSummary(
            {"training.optimizer.params.lr": 0.01, "training.batch_size": "full"}, 2, {"val_accuracy": 0.7}, {}
        ),
    ]
    picture = parallel_coordinates(summaries, "val_accuracy")
    assert [axis.name for axis in picture.axes] == ["lr", "batch_size", "val_accuracy"]
    lr = [line[0] for line in picture.lines]
    assert lr == pytest.approx([0.0, 1.0, 0.5])  # a log scale: 0.01 halfway between 0.001 and 0.1
    assert [line[-1] for line in picture.lines] == pytest.approx([0.0, 1.0, 1 / 3])  # the best at the top
    losses = parallel_coordinates(
        [SettingSummary({"x": 1}, 1, {"val_loss": 0.2}, {}), SettingSummary({"x": 2}, 1, {"val_loss": 0.8}, {})],
        "val_loss",
    )
    assert [line[-1] for line in losses.lines] == [1.0, 0.0]  # a lower loss is better: on top
