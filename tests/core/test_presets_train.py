"""The training presets train to their targets within a small epoch budget (fixed seeds, CPU).

Targets were measured with the presets' seeds (torch 2.13 CPU, 2 threads) and leave a margin:
and_gate 30 epochs test accuracy 1.0; xor 60 epochs 0.967; spiral 150 epochs 1.0;
mlp_mnist 3 epochs test accuracy 0.925; cnn_mnist 3 epochs 0.924; resnet_block_digits 15 epochs
0.941; lstm_sine 3 epochs test R² 0.993; transformer_sequence 12 epochs 0.967;
vanishing_gradients_sigmoid 40 epochs 0.58 (chance) with a first/last-layer gradient ratio of
4.8e-7, its ReLU twin 40 epochs 1.0 with a ratio of 1.5; dropout_overfitting: validation loss
0.44 at epoch 3, 0.91 at epoch 60 (training loss 0.05), the regularised twin 0.53 at epoch 60.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.core.experiment import load_experiment
from playground.core.training import EpochEvent, Summary, Trainer

PRESET_DIR = Path(__file__).resolve().parents[2] / "presets"

torch.set_num_threads(2)


def train(stem: str, epochs: int) -> tuple[Summary, list[EpochEvent]]:
    experiment = load_experiment(PRESET_DIR / f"{stem}.json")
    experiment.training.device = "cpu"
    events: list[EpochEvent] = []
    trainer = Trainer(
        experiment, epochs=epochs, observer=lambda e: events.append(e) if isinstance(e, EpochEvent) else None
    )
    summary = trainer.run()
    assert summary.status == "completed", summary.message
    return summary, events


Check = Callable[[Summary, list[EpochEvent]], None]


def accuracy_at_least(target: float) -> Check:
    def check(summary: Summary, _events: list[EpochEvent]) -> None:
        assert summary.test_accuracy >= target, f"test accuracy {summary.test_accuracy:.3f} < {target}"

    return check


def r2_at_least(target: float) -> Check:
    def check(summary: Summary, _events: list[EpochEvent]) -> None:
        assert summary.test_r2 >= target, f"test R² {summary.test_r2:.3f} < {target}"

    return check


TARGETS: dict[str, tuple[int, Check]] = {
    "and_gate": (30, accuracy_at_least(0.95)),
    "xor": (60, accuracy_at_least(0.90)),
    "spiral": (150, accuracy_at_least(0.90)),
    "mlp_mnist": (3, accuracy_at_least(0.90)),
    "cnn_mnist": (3, accuracy_at_least(0.90)),
    "resnet_block_digits": (15, accuracy_at_least(0.92)),
    "lstm_sine": (3, r2_at_least(0.95)),
    "transformer_sequence": (12, accuracy_at_least(0.90)),
}


@pytest.mark.slow
@pytest.mark.parametrize("stem", list(TARGETS))
def test_preset_trains_to_its_target(stem: str) -> None:
    epochs, check = TARGETS[stem]
    summary, events = train(stem, epochs)
    check(summary, events)


@pytest.mark.slow
def test_vanishing_gradients_pair_tells_its_story() -> None:
    sigmoid, sigmoid_events = train("vanishing_gradients_sigmoid", 40)
    relu, relu_events = train("vanishing_gradients_relu", 40)
    ratio = sigmoid_events[-1].diagnostics.grad_norm
    assert ratio[0] / ratio[-1] < 1e-5  # the first layer gets a millionth of the last one's gradient
    assert any("Vanishing gradients" in hint for hint in sigmoid_events[-1].diagnostics.hints)
    assert sigmoid.test_accuracy <= 0.7  # still guessing
    relu_ratio = relu_events[-1].diagnostics.grad_norm
    assert relu_ratio[0] / relu_ratio[-1] > 0.01
    assert relu.test_accuracy >= 0.9


@pytest.mark.slow
def test_dropout_overfitting_pair_tells_its_story() -> None:
    plain, plain_events = train("dropout_overfitting", 60)
    regularized, _ = train("dropout_overfitting_regularized", 60)
    val = np.array([e.val_loss for e in plain_events])
    train_loss = np.array([e.train_loss for e in plain_events])
    assert val[-1] > 1.3 * val.min(), "the validation loss turns and climbs"
    assert train_loss[-1] < 0.5 * train_loss[: len(train_loss) // 3].min(), "while the training loss keeps falling"
    assert regularized.val_loss < plain.val_loss


def test_learning_rate_too_high_diverges_with_a_plain_message() -> None:
    experiment = load_experiment(PRESET_DIR / "learning_rate_too_high.json")
    experiment.training.device = "cpu"
    trainer = Trainer(experiment)
    summary = trainer.run()
    assert summary.status == "diverged"
    assert "learning rate (3) is probably too high" in summary.message
    assert all(np.isfinite(value).all() for value in trainer.weights().values()), "the last finite weights are kept"
    experiment.training.optimizer.params["lr"] = 0.1
    assert Trainer(experiment, epochs=5).run().status == "completed"


def test_every_other_preset_trains_an_epoch() -> None:
    known = set(TARGETS) | {
        "vanishing_gradients_sigmoid",
        "vanishing_gradients_relu",
        "dropout_overfitting",
        "dropout_overfitting_regularized",
        "learning_rate_too_high",
    }
    for path in sorted(PRESET_DIR.glob("*.json")):
        if path.stem in known:
            continue
        summary, _ = train(path.stem, 1)
        assert summary.train_loss is not None


def test_the_training_presets_exist() -> None:
    names = {path.stem for path in PRESET_DIR.glob("*.json")}
    assert (
        set(TARGETS)
        | {
            "vanishing_gradients_sigmoid",
            "vanishing_gradients_relu",
            "dropout_overfitting",
            "dropout_overfitting_regularized",
        }
        <= names
    )
