"""`playground train`: JSON Lines, human output, files it writes, exit codes."""

from __future__ import annotations

import csv
import json

import pytest
import torch
from safetensors.torch import load_file

from playground.cli import main
from tests.core.factories import chain


@pytest.fixture()
def experiment_file(tmp_path):
    document = chain(
        ("fc1", "Linear", {"out_features": 8}),
        ("act", "Tanh", {}),
        ("logits", "Linear", {"out_features": 2}),
        dataset="spiral",
        data_params={"samples": 200, "noise": 0.1},
    )
    document["training"].update(epochs=3, device="cpu")
    path = tmp_path / "spiral.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_json_mode_prints_only_epoch_events_and_a_summary(experiment_file, capsys):
    assert main(["train", str(experiment_file), "--json", "--epochs", "4", "--seed", "3", "--threads", "1"]) == 0
    records = _json_lines(capsys.readouterr().out)
    assert [r["event"] for r in records] == ["epoch"] * 4 + ["summary"]
    assert {"epoch", "train_loss", "val_loss", "val_accuracy", "lr"} <= records[0].keys()
    summary = records[-1]
    for key in (
        "status",
        "epochs",
        "train_loss",
        "val_loss",
        "val_accuracy",
        "test_loss",
        "test_accuracy",
        "seconds",
        "samples_per_second",
    ):
        assert key in summary, key
    assert summary["status"] == "completed" and summary["epochs"] == 4


def test_regression_summary_gives_mae_and_r2(tmp_path, capsys):
    document = chain(
        ("flat", "Flatten", {}),
        ("fc", "Linear", {"out_features": 1}),
        dataset="sine",
        data_params={"samples": 200},
        loss="MSELoss",
    )
    document["training"].update(epochs=2, device="cpu")
    path = tmp_path / "sine.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["train", str(path), "--json"]) == 0
    summary = _json_lines(capsys.readouterr().out)[-1]
    assert {"val_mae", "val_r2", "test_mae", "test_r2"} <= summary.keys()
    assert "val_accuracy" not in summary


def test_human_mode_writes_metrics_weights_and_a_checkpoint_then_resumes(experiment_file, tmp_path, capsys):
    metrics, weights, checkpoint = tmp_path / "m.csv", tmp_path / "w.safetensors", tmp_path / "ckpt"
    code = main(
        [
            "train",
            str(experiment_file),
            "--metrics-out",
            str(metrics),
            "--save-weights",
            str(weights),
            "--checkpoint",
            str(checkpoint),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "epoch 1/3" in out and "epoch 3/3" in out and "completed: 3 epochs" in out and "test_accuracy" in out
    rows = list(csv.DictReader(metrics.open()))
    assert [row["epoch"] for row in rows] == ["1", "2", "3"] and float(rows[0]["train_loss"]) > 0
    tensors = load_file(str(weights))
    assert tensors["fc1.weight"].shape == torch.Size([8, 2])
    assert main(["train", str(experiment_file), "--resume", str(checkpoint), "--epochs", "5", "--json"]) == 0
    records = _json_lines(capsys.readouterr().out)
    assert [r["epoch"] for r in records[:-1]] == [4, 5]


def test_invalid_experiment_exits_1_with_the_check_messages(experiment_file, capsys):
    document = json.loads(experiment_file.read_text())
    document["model"]["nodes"][1].update(type="Conv2d", params={"out_channels": 4})  # a conv on 2-D points
    experiment_file.write_text(json.dumps(document))
    assert main(["train", str(experiment_file)]) == 1
    err = capsys.readouterr().err
    assert "not valid" in err and "fc1" in err and "Traceback" not in err


@pytest.mark.parametrize("content", ["{broken", json.dumps({"format": "something else"})])
def test_unreadable_files_exit_1_without_a_traceback(tmp_path, capsys, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["train", str(path)]) == 1
    assert main(["train", str(tmp_path / "missing.json"), "--json"]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert _json_lines(captured.out)[-1]["event"] == "error"


def test_a_bad_checkpoint_exits_1(experiment_file, tmp_path, capsys):
    assert main(["train", str(experiment_file), "--resume", str(tmp_path)]) == 1
    assert "not a checkpoint folder" in capsys.readouterr().err


def test_usage_errors_exit_2(experiment_file):
    for argv in (
        ["train"],
        ["train", str(experiment_file), "--epochs", "0"],
        ["train", str(experiment_file), "--device", "tpu"],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2


def test_a_diverged_run_still_exits_0(experiment_file, capsys):
    document = json.loads(experiment_file.read_text())
    document["training"]["optimizer"] = {"type": "SGD", "params": {"lr": 10.0}}
    document["model"]["nodes"][2]["type"] = "ReLU"
    document["data"]["dataset"] = "plane"
    document["data"]["params"] = {"samples": 200}
    document["training"]["loss"] = {"type": "MSELoss"}
    document["model"]["nodes"][3]["params"] = {"out_features": 1}
    experiment_file.write_text(json.dumps(document))
    assert main(["train", str(experiment_file), "--json"]) == 0
    summary = _json_lines(capsys.readouterr().out)[-1]
    assert summary["status"] == "diverged" and "learning rate" in summary["message"]
