"""The exported script under torchrun: two CPU processes (gloo) train like one, and one file is saved.

Each process takes every second sample of each batch of the app's own order and DDP averages their
gradients, so for a model without batch norm two processes take the steps one does: the final
losses agree to float rounding (the test allows a relative 1e-4).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from playground.core.experiment import load_experiment
from playground.core.export import export_python
from playground.core.presets import PRESETS_DIR

EPOCHS = "4"
FINAL = re.compile(r"epoch\s+4\s+train loss (\d+\.\d+)\s+val loss (\d+\.\d+)")


def _run(command: list[str], cwd: Path) -> str:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def script(tmp_path: Path) -> Path:
    export_python(load_experiment(Path(PRESETS_DIR) / "spiral.json"), tmp_path / "spiral.py", Path(PRESETS_DIR))
    return tmp_path / "spiral.py"


def test_two_processes_train_like_one_and_only_the_first_saves(script: Path) -> None:
    one = _run([sys.executable, script.name, "--epochs", EPOCHS, "--save", "one.pt"], script.parent)
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--standalone"]
    two = _run([*torchrun, script.name, "--epochs", EPOCHS, "--save", "two.pt"], script.parent)

    assert "training on 2 processes (gloo)" in two and "training on" not in one
    single, shared = FINAL.search(one), FINAL.search(two)
    assert single and shared, two
    for a, b in zip(single.groups(), shared.groups(), strict=True):
        assert float(b) == pytest.approx(float(a), rel=1e-4)
    assert two.count("saved the weights") == 1  # only the first process reports
    saved = torch.load(script.parent / "two.pt", weights_only=True)
    expected = torch.load(script.parent / "one.pt", weights_only=True)
    assert saved.keys() == expected.keys()
    for key in saved:
        torch.testing.assert_close(saved[key], expected[key], atol=1e-4, rtol=1e-4)


def test_only_the_first_process_writes_the_weights(script: Path) -> None:
    """The save sits under `rank == 0` in the script (two processes never write one file at once)."""
    tree = ast.parse(script.read_text())
    saves = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "torch.save" in ast.unparse(node) and "args.save" in ast.unparse(node.test)
    ]
    assert saves and all("rank == 0" in ast.unparse(node.test) for node in saves)
