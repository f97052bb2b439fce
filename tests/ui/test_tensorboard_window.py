"""Train ▸ Write TensorBoard Logs…: a run in the window writes its logs into the chosen folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

from playground.core.experiment import experiment_from_dict  # noqa: E402
from tests.core.factories import xor_document  # noqa: E402


def test_a_run_writes_its_logs_where_the_user_chose(tmp_path: Path, make_window, qtbot, monkeypatch) -> None:
    document = xor_document()
    document["training"]["epochs"] = 3
    window = make_window(experiment_from_dict(document), persistent=False)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path)))
    window.action("tensorboard").trigger()
    assert window.action("tensorboard").isChecked() and window.training.tensorboard_dir == str(tmp_path)

    assert window.training.start()
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=120_000)
    (run,) = tmp_path.iterdir()  # one folder per run, named after the experiment and the time
    (events,) = run.glob("events.out.tfevents.*")
    accumulator = EventAccumulator(str(events), size_guidance={"scalars": 0})
    accumulator.Reload()
    assert [point.step for point in accumulator.Scalars("loss/val")] == [1, 2, 3]

    window.action("tensorboard").trigger()  # off again: the next run writes nothing
    assert window.training.tensorboard_dir is None


def test_cancelling_the_folder_keeps_the_logs_off(make_window, monkeypatch) -> None:
    window = make_window(persistent=False)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    window.action("tensorboard").trigger()
    assert not window.action("tensorboard").isChecked() and window.training.tensorboard_dir is None
