"""Recordings: one GIF frame per kept epoch, drawn from that epoch's weights; refused without a boundary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("PIL", reason="the recording extra is not installed")

from PIL import Image  # noqa: E402

from playground.cli import main  # noqa: E402
from playground.core.data import load_dataset  # noqa: E402
from playground.core.experiment import experiment_from_dict  # noqa: E402
from playground.core.runs.recording import RecordingError, recording_frames, write_recording  # noqa: E402
from playground.core.runs.timeline import SnapshotStore  # noqa: E402
from playground.core.training.engine import Trainer, TrainerOptions  # noqa: E402
from tests.core.factories import chain, xor_document  # noqa: E402


def _trained(document: dict, every: int = 1):
    experiment = experiment_from_dict(document)
    dataset = load_dataset(experiment.data)
    store = SnapshotStore(every=every)
    summary = Trainer(experiment, dataset=dataset, options=TrainerOptions(snapshots=store, diagnostics=False)).run()
    return experiment, dataset, store, summary


def test_the_gif_has_one_frame_per_snapshot(tmp_path: Path) -> None:
    document = xor_document()
    document["training"]["epochs"] = 6
    experiment, dataset, store, summary = _trained(document, every=2)
    snapshots = list(store)
    assert [kept.epoch for kept in snapshots] == [0, 2, 4, 6]
    frames = recording_frames(experiment, dataset, snapshots, summary.history)
    write_recording(frames, tmp_path / "run.gif")
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.n_frames == len(snapshots) == 4
        gif.seek(0)
        first = gif.convert("RGB").copy()
        gif.seek(3)
        last = gif.convert("RGB").copy()
    assert first.size == last.size == (960, 480)
    assert first.tobytes() != last.tobytes()  # the boundary and the curve moved


def test_a_dataset_without_a_plane_is_refused_by_name() -> None:
    document = chain(("flatten", "Flatten", {}), ("out", "Linear", {"out_features": 10}), dataset="digits")
    document["training"]["epochs"] = 1
    experiment, dataset, store, summary = _trained(document)
    with pytest.raises(RecordingError, match="digits has none"):
        recording_frames(experiment, dataset, list(store), summary.history)


def test_the_command_writes_the_gif(tmp_path: Path, capsys) -> None:
    experiment = tmp_path / "xor.json"
    experiment.write_text(json.dumps(xor_document()))
    assert main(["record", str(experiment), "-o", str(tmp_path / "xor.gif"), "--epochs", "3"]) == 0
    assert "4 frames" in capsys.readouterr().out
    with Image.open(tmp_path / "xor.gif") as gif:
        assert gif.n_frames == 4
    assert main(["record", str(experiment), "-o", str(tmp_path / "xor.png"), "--epochs", "1"]) == 1


def test_an_mp4_where_the_encoder_is_installed(tmp_path: Path) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg", reason="no MP4 encoder installed")
    document = xor_document()
    document["training"]["epochs"] = 3
    experiment, dataset, store, summary = _trained(document)
    frames = recording_frames(experiment, dataset, list(store), summary.history)
    write_recording(frames, tmp_path / "run.mp4")
    counted, _seconds = imageio_ffmpeg.count_frames_and_secs(str(tmp_path / "run.mp4"))
    assert counted == len(frames) == 4
