"""The CUDA path: presets train on a GPU to the CPU targets, checkpoints and exports cross between
GPU and CPU, races and diagnostics work there. Skipped where torch sees no CUDA GPU (CI).

Run on an NVIDIA H100 (torch 2.11 + CUDA 13) in development; see the README's benchmark section.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.core.compare.race import Race, RaceOptions, activation_contenders
from playground.core.experiment import load_experiment
from playground.core.export import export
from playground.core.training import EpochEvent, Trainer, TrainerOptions
from playground.core.training.device import resolve_device
from tests.core.test_export import BLOCK_PLAYGROUND, cnn_doc, engine_history, experiment_of, printed_losses
from tests.core.test_presets_train import TARGETS

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

PRESET_DIR = Path(__file__).resolve().parents[2] / "presets"


def preset(stem: str, device: str = "cuda"):
    experiment = load_experiment(PRESET_DIR / f"{stem}.json")
    experiment.training.device = device
    return experiment


def test_auto_means_the_gpu_when_there_is_one() -> None:
    assert resolve_device("auto").type == "cuda"


@pytest.mark.parametrize("stem", list(TARGETS))
def test_preset_trains_to_its_cpu_target_on_the_gpu(stem: str) -> None:
    epochs, check = TARGETS[stem]
    events: list[EpochEvent] = []
    trainer = Trainer(
        preset(stem), epochs=epochs, observer=lambda e: events.append(e) if isinstance(e, EpochEvent) else None
    )
    assert trainer.device.type == "cuda"
    assert all(p.device.type == "cuda" for p in trainer.model.parameters())
    summary = trainer.run()
    assert summary.status == "completed", summary.message
    check(summary, events)


def test_the_gpu_starts_from_the_cpu_initial_weights() -> None:
    """Initial weights come from the seed alone, so a lesson looks the same on any machine."""
    gpu = Trainer(preset("spiral", "cuda"), epochs=1)
    cpu = Trainer(preset("spiral", "cpu"), epochs=1)
    for key, value in cpu.model.state_dict().items():
        torch.testing.assert_close(gpu.model.state_dict()[key].cpu(), value)


def test_two_gpu_runs_with_one_seed_give_the_same_curve() -> None:
    first = Trainer(preset("xor"), epochs=10).run()
    second = Trainer(preset("xor"), epochs=10).run()
    a = [row["train_loss"] for row in first.history]
    b = [row["train_loss"] for row in second.history]
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_a_gpu_checkpoint_resumes_on_the_cpu_and_back(tmp_path: Path) -> None:
    gpu = Trainer(preset("spiral", "cuda"), epochs=4, options=TrainerOptions(checkpoint_dir=tmp_path / "gpu"))
    gpu.run()
    on_cpu = Trainer(preset("spiral", "cpu"), epochs=8, options=TrainerOptions(checkpoint_dir=tmp_path / "cpu"))
    on_cpu.load_checkpoint(tmp_path / "gpu")
    assert on_cpu.epoch == 4
    for key, value in gpu.model.state_dict().items():
        torch.testing.assert_close(on_cpu.model.state_dict()[key], value.cpu())
    summary = on_cpu.run()
    assert summary.status == "completed" and summary.epochs == 8
    back = Trainer(preset("spiral", "cuda"), epochs=10)
    back.load_checkpoint(tmp_path / "cpu")
    assert back.epoch == 8 and all(p.device.type == "cuda" for p in back.model.parameters())
    assert back.run().status == "completed"


def test_diagnostics_and_divergence_on_the_gpu() -> None:
    events: list[EpochEvent] = []
    trainer = Trainer(
        preset("vanishing_gradients_sigmoid"),
        epochs=3,
        options=TrainerOptions(diagnostics_per_second=0),
        observer=lambda e: events.append(e) if isinstance(e, EpochEvent) else None,
    )
    trainer.run()
    diagnostics = events[-1].diagnostics
    assert diagnostics is not None
    assert all(math.isfinite(value) for value in diagnostics.grad_norm)
    assert diagnostics.grad_norm[0] / diagnostics.grad_norm[-1] < 1e-4  # the vanishing gradient, as on CPU
    summary = Trainer(preset("learning_rate_too_high")).run()
    assert summary.status == "diverged", summary.message
    assert "learning rate" in summary.message.lower()


@pytest.mark.parametrize(
    "fmt, suffix", [("python", ".py"), ("pt2", ".pt2"), ("onnx", ".onnx"), ("safetensors", ".safetensors")]
)
def test_a_gpu_trained_model_exports_for_the_cpu(tmp_path: Path, fmt: str, suffix: str) -> None:
    if fmt == "onnx":
        pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    experiment = preset("cnn_mnist")
    trainer = Trainer(experiment, epochs=1)
    trainer.run()
    result = export(experiment, fmt, tmp_path / f"model{suffix}", model=trainer.model)
    assert result.path.exists()
    assert all(p.device.type == "cuda" for p in trainer.model.parameters())  # the app's model stays put
    x = torch.rand(3, 1, 28, 28)
    trainer.model.eval()
    with torch.no_grad():
        expected = trainer.model(x.cuda()).cpu()
    if fmt == "pt2":
        loaded = torch.export.load(str(result.path)).module()
        with torch.no_grad():
            torch.testing.assert_close(loaded(x), expected, atol=1e-4, rtol=1e-4)
    elif fmt == "onnx":
        import onnxruntime

        session = onnxruntime.InferenceSession(str(result.path), providers=["CPUExecutionProvider"])
        (got,) = session.run(None, {"x": x.numpy()})
        np.testing.assert_allclose(got, expected.numpy(), atol=1e-4, rtol=1e-4)


def test_the_exported_script_reproduces_the_gpu_run(tmp_path: Path) -> None:
    """On a GPU the script picks it as the app does ("auto") and prints the app's curve."""
    experiment = experiment_of(cnn_doc())
    experiment.training.device = "auto"
    export(experiment, "python", tmp_path / "cnn.py")
    run = subprocess.run(
        [sys.executable, "-c", BLOCK_PLAYGROUND, "cnn.py", "--epochs", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    ((train, val),) = printed_losses(run.stdout)
    (row,) = engine_history(experiment, epochs=1)
    assert train == pytest.approx(row["train_loss"], abs=1.5e-4)  # same batches, same kernels
    # Validation runs in other batch sizes there, for which cuDNN picks other (TF32) kernels.
    assert val == pytest.approx(row["val_loss"], abs=2e-3)


def test_races_run_on_the_gpu() -> None:
    xor = preset("xor")
    contenders = activation_contenders(xor, ["ReLU", "Tanh"])
    race = Race(xor, contenders, RaceOptions(epochs=3, repeats=1, keep_initial_weights=True, boundary_resolution=16))
    runs = race.run()
    assert race.status == "completed" and all(run.status == "completed" for run in runs)
    first, second = (race.run_of(c, 0).initial_weights for c in range(2))
    for key in first:
        assert np.array_equal(first[key], second[key])
