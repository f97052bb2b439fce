"""Small models train with one CPU thread (more only slow them down), convolutions and big models
with torch's default; the engine, `playground train` and the exported script follow the same rule
and say which they use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import torch
from torch import nn

from playground.cli import main
from playground.core.experiment import experiment_from_dict
from playground.core.training import Trainer, TrainerOptions
from playground.core.training.threads import default_threads, is_small, threads_for
from tests.core.factories import xor_document

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def test_the_rule_by_model_size_and_kind():
    assert is_small(nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2)))
    assert is_small(nn.LSTM(1, 32))
    assert not is_small(nn.Sequential(nn.Conv2d(1, 8, 3), nn.Flatten()))
    assert not is_small(nn.Linear(1024, 1024))  # over a million parameters
    assert threads_for(nn.Linear(2, 2)) == 1
    assert threads_for(nn.Conv2d(1, 8, 3)) == default_threads()
    assert threads_for(nn.Conv2d(1, 8, 3), limit=1) == 1


def test_the_engine_trains_a_small_model_with_one_thread_and_puts_the_count_back():
    seen: list[int] = []
    trainer = Trainer(
        experiment_from_dict(xor_document()), options=TrainerOptions(num_threads="auto", diagnostics=False), epochs=1
    )
    trainer.observer = lambda event: seen.append(torch.get_num_threads()) if event.kind == "step" else None
    before = torch.get_num_threads()
    trainer.run()
    assert trainer.threads == 1 and seen and set(seen) == {1}
    assert torch.get_num_threads() == before


def test_playground_train_says_how_many_threads(capsys):
    assert main(["train", str(PRESETS / "xor.json"), "--epochs", "1"]) == 0
    assert "training with 1 CPU thread (a small model" in capsys.readouterr().out
    assert main(["train", str(PRESETS / "xor.json"), "--epochs", "1", "--threads", "2"]) == 0
    assert "training with 2 CPU threads" in capsys.readouterr().out


def test_the_exported_script_picks_and_prints_its_threads(tmp_path):
    script = tmp_path / "xor.py"
    assert main(["export", str(PRESETS / "xor.json"), "-o", str(script)]) == 0
    result = subprocess.run(
        [sys.executable, str(script), "--epochs", "1"], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "training with 1 CPU thread" in result.stdout


def test_the_optimizer_warm_up_runs_once_in_the_background():
    """The first torch optimizer of a process imports torch._dynamo; the window pays that in a
    background thread, once."""
    import subprocess
    import sys

    code = (
        "import sys; from playground.core.training.warmup import warm_optimizers_in_background as w; "
        "t = w(); t.join(); print(t.daemon, 'torch._dynamo' in sys.modules, w() is None)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "True"]


def test_torchs_default_is_recorded_before_a_run_changes_it():
    """A worker imports the engine before its first run sets the thread count, so the default the
    rule falls back on is torch's own, not the first run's."""
    import subprocess
    import sys

    code = (
        "import torch; before = torch.get_num_threads(); import playground.core.runs.session; "
        "torch.set_num_threads(1); from playground.core.training.threads import default_threads; "
        "import os; print(default_threads() == max(1, min(before, os.cpu_count() or before)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"
