"""The diagnostics' hints never contradict the model: no "try ReLU" for a ReLU network, and no
saturation warning for a network that already solves its task."""

from __future__ import annotations

import numpy as np

from playground.core.training.diagnostics import Diagnostics, diagnostic_hints


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
