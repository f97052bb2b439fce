"""The property behind `playground check`: every document it accepts builds, trains a step (a whole
epoch when that is short), saves and resumes a checkpoint, and exports to a Python script that
trains an epoch itself; every document it refuses fails with the format's or the graph's own error."""

from __future__ import annotations

import contextlib
import io
import runpy
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from playground.core.data import describe_dataset
from playground.core.errors import ExperimentError, PlaygroundError
from playground.core.experiment import experiment_from_dict
from playground.core.export import export_python
from playground.core.graph import check_experiment
from playground.core.training import Trainer, TrainerOptions, TrainingControl
from playground.core.training.requirements import training_memory_bytes
from tests.limit_documents import documents_at_limits

MEMORY_LIMIT = 300_000_000  # bytes a test run may take (larger models are covered by the memory check)
WORK_LIMIT = 3e8  # multiply-adds of one training step a test may spend


def accepted(document: dict[str, Any]) -> tuple[Any, Any] | None:
    """(experiment, report) when `check` accepts the document, else None — never another error."""
    try:
        experiment = experiment_from_dict(document)
        facts = describe_dataset(experiment.data)
    except PlaygroundError:
        return None
    report = check_experiment(experiment, facts)
    return (experiment, report) if report.valid else None


def affordable(experiment: Any, report: Any) -> bool:
    sizes = describe_dataset(experiment.data).sizes
    batch = sizes[0] if experiment.training.batch_size == "full" else min(experiment.training.batch_size, sizes[0])
    return (
        training_memory_bytes(report, batch, experiment.training.optimizer.type) < MEMORY_LIMIT
        and report.total_macs * max(batch, 1) * 3 < WORK_LIMIT
    )


def train_briefly(experiment: Any, checkpoint: Path | None = None) -> Any:
    """One step, or one epoch when an epoch is short; the run must end without an exception."""
    control = TrainingControl()
    trainer = Trainer(
        experiment, control=control, epochs=1, options=TrainerOptions(max_step_events_per_second=0.0, diagnostics=True)
    )
    if trainer.batches_per_epoch > 20:
        trainer.observer = lambda event: control.stop() if event.kind == "step" else None
    summary = trainer.run()
    assert summary.status in ("completed", "stopped", "diverged", "early_stopped")
    if checkpoint is not None and summary.status != "diverged":
        trainer.save_checkpoint(checkpoint)
        again = Trainer(experiment, epochs=2, options=TrainerOptions(diagnostics=False))
        again.load_checkpoint(checkpoint)
        assert again.epoch == trainer.epoch and again.step == trainer.step
    return summary


@settings(max_examples=45, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents_at_limits())
def test_what_check_accepts_trains_resumes_and_exports(
    tmp_path_factory: pytest.TempPathFactory, document: dict[str, Any]
) -> None:
    found = accepted(document)
    assume(found is not None)
    experiment, report = found
    assume(affordable(experiment, report))
    folder = tmp_path_factory.mktemp("run")
    train_briefly(experiment, folder / "checkpoint")
    result = export_python(experiment, folder / "model.py")
    compile(result.path.read_text(encoding="utf-8"), str(result.path), "exec")


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents_at_limits(outside=True))
def test_what_check_refuses_fails_with_the_projects_own_errors(document: dict[str, Any]) -> None:
    try:
        experiment = experiment_from_dict(document)
        report = check_experiment(experiment, describe_dataset(experiment.data))
    except (ExperimentError, PlaygroundError):
        return
    if not report.valid:
        assert report.errors and all(issue.message for issue in report.errors)


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    documents_at_limits(presets=("xor", "spiral", "and_gate", "lstm_sine", "resnet_block_digits")),
    st.sampled_from(["model.py", "my model (v2).py", 'x\'"""; import os.py']),
)
def test_the_exported_script_of_an_accepted_document_trains_an_epoch(
    tmp_path_factory: pytest.TempPathFactory, document: dict[str, Any], name: str
) -> None:
    found = accepted(document)
    assume(found is not None)
    experiment, report = found
    assume(affordable(experiment, report) and experiment.training.device != "cuda")
    sizes = describe_dataset(experiment.data).sizes
    batch = sizes[0] if experiment.training.batch_size == "full" else experiment.training.batch_size
    assume(sizes[0] / max(1, min(batch, sizes[0])) <= 300)  # an epoch of at most 300 steps
    script = export_python(experiment, tmp_path_factory.mktemp("export") / name).path
    arguments = sys.argv
    sys.argv = [str(script), "--epochs", "1"]
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            runpy.run_path(str(script), run_name="__main__")
    finally:
        sys.argv = arguments
    assert "epoch   1" in output.getvalue() or "NaN/inf" in output.getvalue(), output.getvalue()
