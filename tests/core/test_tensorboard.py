"""TensorBoard logs: a trained run's event file holds its scalars, histograms and graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

from playground.cli import main  # noqa: E402
from tests.core.factories import chain, xor_document  # noqa: E402


def _events(folder: Path) -> EventAccumulator:
    (event_file,) = folder.glob("events.out.tfevents.*")
    accumulator = EventAccumulator(str(event_file), size_guidance={"scalars": 0, "histograms": 0})
    accumulator.Reload()
    return accumulator


def test_train_writes_scalars_histograms_and_the_graph(tmp_path: Path, capsys) -> None:
    experiment = tmp_path / "xor.json"
    experiment.write_text(json.dumps(xor_document()))
    assert main(["train", str(experiment), "--epochs", "3", "--tensorboard", str(tmp_path / "logs")]) == 0
    events = _events(tmp_path / "logs")
    tags = events.Tags()
    assert {"loss/train", "loss/val", "accuracy/val", "learning_rate", "loss/train_step", "loss/test"} <= set(
        tags["scalars"]
    )
    assert [point.step for point in events.Scalars("loss/train")] == [1, 2, 3]
    assert {"weights/hidden/weight", "gradients/hidden/weight", "weights/logits/bias"} <= set(tags["histograms"])
    assert tags["graph"]


def test_a_regression_run_logs_its_error_and_fit(tmp_path: Path) -> None:
    document = chain(
        ("fc", "Linear", {"out_features": 8}), ("out", "Linear", {"out_features": 1}), dataset="plane", loss="MSELoss"
    )
    experiment = tmp_path / "plane.json"
    experiment.write_text(json.dumps(document))
    assert main(["train", str(experiment), "--epochs", "2", "--tensorboard", str(tmp_path / "logs")]) == 0
    assert {"mae/val", "r2/val", "mae/test"} <= set(_events(tmp_path / "logs").Tags()["scalars"])


def test_a_sweep_logs_each_run_in_a_folder_of_its_own(tmp_path: Path) -> None:
    experiment = tmp_path / "xor.json"
    experiment.write_text(json.dumps(xor_document()))
    argv = ["sweep", str(experiment), "--set", "training.optimizer.params.lr=0.01,0.1", "--epochs", "2"]
    argv += ["--workers", "2", "--out", str(tmp_path / "out"), "--tensorboard", str(tmp_path / "logs")]
    assert main(argv) == 0
    runs = sorted(path.name for path in (tmp_path / "logs").iterdir())
    assert runs == ["lr=0.01,seed=0", "lr=0.1,seed=0"]
    for name in runs:
        assert "loss/val" in _events(tmp_path / "logs" / name).Tags()["scalars"]
