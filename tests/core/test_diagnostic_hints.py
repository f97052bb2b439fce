"""The diagnostics' hints never contradict the model: no "try ReLU" for a ReLU network, and no
saturation warning for a network that already solves its task."""

from __future__ import annotations

import numpy as np

from playground.core.training.diagnostics import Diagnostics, diagnostic_hints, guess_loss


def vanishing(**fields) -> Diagnostics:
    return Diagnostics(
        layers=["fc1", "fc2", "fc3"],
        grad_norm=np.array([1e-6, 1e-3, 1.0]),
        weight_norm=np.ones(3),
        update_ratio=np.full(3, 1e-3),
        **fields,
    )


def test_vanishing_gradients_suggest_relu_only_when_the_network_does_not_use_it():
    sigmoid = " ".join(diagnostic_hints(vanishing(saturated_fraction={"act1": 0.1})))
    assert "Vanishing gradients" in sigmoid and "ReLU activations" in sigmoid
    relu = " ".join(diagnostic_hints(vanishing(dead_fraction={"act1": 0.1})))
    assert "Vanishing gradients" in relu and "ReLU" not in relu and "He initialisation" in relu


def test_saturation_is_a_warning_until_the_task_is_solved():
    def saturated(accuracy):
        return Diagnostics(
            layers=["fc", "out"],
            grad_norm=np.ones(2),
            weight_norm=np.ones(2),
            update_ratio=np.full(2, 1e-3),
            saturated_fraction={"act": 0.5},
            accuracy=accuracy,
        )

    assert any("saturated" in hint for hint in diagnostic_hints(saturated(None)))
    assert any("saturated" in hint for hint in diagnostic_hints(saturated(0.7)))
    assert not any("saturated" in hint for hint in diagnostic_hints(saturated(0.98)))  # XOR at 98 %: fine


def stalled(losses, guess) -> Diagnostics:
    return Diagnostics(
        layers=["fc1", "fc2", "logits"],
        grad_norm=np.array([0.01, 0.05, 0.3]),  # nothing the per-layer hints would flag
        weight_norm=np.ones(3),
        update_ratio=np.full(3, 1e-3),
        recent_losses=list(losses),
        guess_loss=guess,
    )


def test_a_loss_that_stays_at_a_guess_says_the_network_does_not_learn():
    ln2 = float(np.log(2))
    hints = diagnostic_hints(stalled([0.694, 0.692, 0.695, 0.690, 0.693], ln2))
    assert len(hints) == 1 and hints[0].startswith("Not learning") and "ln 2 = 0.693" in hints[0]
    assert not diagnostic_hints(stalled([0.69, 0.66, 0.61, 0.55, 0.50], ln2))  # it learns
    assert not diagnostic_hints(stalled([0.693] * 4, ln2))  # too early to say
    assert not diagnostic_hints(stalled([0.693] * 5, None))  # no plain cross-entropy: no guess to compare


def test_a_guess_costs_ln_c_only_for_a_plain_cross_entropy():
    assert guess_loss("classification", 10, "CrossEntropyLoss") == float(np.log(10))
    assert guess_loss("classification", 2, "FocalLoss") is None
    assert guess_loss("classification", 2, "CrossEntropyLoss", distilled=True) is None
    assert guess_loss("regression", None, "MSELoss") is None


def test_a_run_that_does_not_learn_is_told_so_by_the_worker():
    """The normalisation lesson's network without normalisation stays at ln 2; the worker's
    diagnostics carry its recent losses and the guess, so the window's hint says it."""
    from pathlib import Path

    from playground.core.experiment import load_experiment
    from playground.core.runs.records import RunFinished, RunRequest, RunUpdated
    from playground.core.runs.worker import WorkerProcess

    experiment = load_experiment(Path(__file__).resolve().parents[2] / "presets" / "normalisation_batch_layer.json")
    experiment.training.device = "cpu"
    worker = WorkerProcess(in_process=True).start()
    try:
        assert worker.wait_ready()
        worker.prepare_run()
        worker.submit(1, RunRequest(experiment, epochs=8, num_threads=1))
        latest = None
        while True:
            record = worker.receive(60.0)
            assert record is not None, "the worker went silent"
            if isinstance(record, RunUpdated):
                worker.control.acknowledged = True
                latest = record.update.diagnostics or latest
            if isinstance(record, RunFinished):
                break
    finally:
        worker.close()
    assert latest is not None and latest.guess_loss == float(np.log(2)) and len(latest.recent_losses) == 5
    assert any(hint.startswith("Not learning") for hint in latest.hints), latest.hints
