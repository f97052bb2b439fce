"""Activation curves, 2-D test surfaces and optimizer paths (no training involved)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.core.compare.activations import ACTIVATIONS, activation_curves, derivative_extremes, make_activation
from playground.core.compare.optimizer_paths import OPTIMIZERS, run_path, run_paths
from playground.core.compare.surfaces import SURFACES, log_height, log_levels


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_has_curves_and_facts(name):
    x, y, dy = activation_curves(name, -4, 4, 201)
    assert x.shape == y.shape == dy.shape == (201,)
    assert np.isfinite(y).all() and np.isfinite(dy).all()
    facts = ACTIVATIONS[name]
    assert facts.formula and facts.output_range and facts.pros and facts.cons
    assert facts.vanishing_gradient in ("severe", "mild", "none")
    assert facts.dead_neurons in ("yes", "no", "rare")
    assert facts.cost in ("cheap", "moderate", "expensive")
    make_activation(name)  # the real torch module builds


def test_derivatives_come_from_autograd_and_match_the_textbook():
    x, y, dy = activation_curves("Sigmoid", -6, 6, 1201)
    assert np.allclose(dy, y * (1 - y), atol=1e-9)
    assert derivative_extremes("Sigmoid")[1] == pytest.approx(0.25, abs=1e-4)  # the vanishing-gradient lesson
    x, y, dy = activation_curves("Tanh", -3, 3, 601)
    assert np.allclose(dy, 1 - y**2, atol=1e-9)
    x, _, dy = activation_curves("ReLU", -2, 2, 400)
    assert set(np.unique(dy[x != 0])) == {0.0, 1.0}
    x, _, dy = activation_curves("LeakyReLU", -2, 2, 400, {"negative_slope": 0.1})
    assert np.allclose(dy[x < 0], 0.1)


def test_activation_range_must_grow():
    with pytest.raises(ValueError):
        activation_curves("ReLU", 1, 1)


@pytest.mark.parametrize("name", list(SURFACES))
def test_surfaces_know_their_minima(name):
    surface = SURFACES[name]
    xs, ys, z = surface.grid(60)
    assert z.shape == (60, 60) and np.isfinite(z).all()
    assert surface.minimum_value <= z.min() + 1e-9
    for mx, my in surface.minima:
        assert surface.value(mx, my) == pytest.approx(surface.minimum_value, abs=1e-5)
    levels = log_levels(z, 12, surface.minimum_value)
    assert len(levels) == 12 and np.all(np.diff(levels) > 0)
    assert np.isfinite(log_height(z, surface.minimum_value)).all()


def test_optimizer_paths_on_rosenbrock_are_reproducible():
    surface = SURFACES["rosenbrock"]
    first = run_paths(surface, {key: None for key in OPTIMIZERS}, steps=150)
    second = run_paths(surface, {key: None for key in OPTIMIZERS}, steps=150)
    for key in OPTIMIZERS:
        assert first[key].path.shape == (151, 2)
        assert np.array_equal(first[key].path, second[key].path)
        assert np.array_equal(first[key].values, second[key].values)
        assert tuple(first[key].path[0]) == surface.start  # every optimizer starts at the same point
    noisy = run_path(surface, "SGD", steps=50, noise=1.0, seed=3)
    assert np.array_equal(noisy.path, run_path(surface, "SGD", steps=50, noise=1.0, seed=3).path)
    assert not np.array_equal(noisy.path, run_path(surface, "SGD", steps=50, noise=1.0, seed=4).path)


def test_steps_to_tolerance_and_divergence():
    quadratic = SURFACES["ill_conditioned"]
    results = run_paths(quadratic, {"SGD": None, "Momentum": None, "Adam": None}, tolerance=1e-3)
    for result in results.values():
        assert result.steps_to_tolerance is not None
        assert result.values[result.steps_to_tolerance] - quadratic.minimum_value <= 1e-3
    # momentum crosses the long valley far sooner than plain SGD: the lesson of the surface
    assert results["Momentum"].steps_to_tolerance < results["SGD"].steps_to_tolerance
    exploded = run_path(SURFACES["rosenbrock"], "SGD", lr=0.5, steps=100)
    assert exploded.diverged and len(exploded.path) < 101
    assert np.isfinite(exploded.path).all()
    assert math.isnan(run_path(quadratic, "Adam", steps=0).final_distance) is False


def test_the_lr_range_test_is_a_real_training_run_of_the_experiment():
    """The sweep trains with the engine: the experiment's model, initial weights and batches (the
    last, smaller batch of each epoch included), its loss and optimizer, only the LR set per step.
    So it equals the engine training with a per-step exponential schedule over the same range."""
    from pathlib import Path

    from playground.core.compare.lr_range_test import lr_range_test
    from playground.core.experiment import load_experiment
    from playground.core.experiment.schema import SchedulerSpec
    from playground.core.training import Trainer, TrainerOptions

    xor = load_experiment(Path(__file__).resolve().parents[2] / "presets" / "xor.json")
    xor.training.device = "cpu"
    steps, start, end = 40, 1e-3, 1e-1  # over two epochs of 18 batches
    result = lr_range_test(xor, start_lr=start, end_lr=end, steps=steps, diverge_factor=1e9)
    assert not result.stopped_early and len(result.losses) == steps
    scheduled = xor.model_copy(deep=True)
    scheduled.training.optimizer.params = {"lr": start}
    scheduled.training.scheduler = SchedulerSpec(
        type="ExponentialLR", params={"gamma": (end / start) ** (1 / (steps - 1))}, interval="step"
    )
    losses, lrs = [], []

    def observe(event):
        if event.kind == "step":
            losses.append(event.train_loss)
            lrs.append(event.lr)

    Trainer(
        scheduled,
        epochs=3,
        observer=observe,
        options=TrainerOptions(step_every=1, max_step_events_per_second=0, diagnostics=False),
    ).run()
    assert np.allclose(result.lrs, lrs[:steps], rtol=1e-9)
    assert result.losses[0] == losses[0]  # the same weights and first batch, bit for bit
    assert np.allclose(result.losses, losses[:steps], rtol=1e-5)  # the LRs differ in their last bits only


def test_the_activation_facts_hang_on_catalogue_entries():
    """Each activation's facts name a catalogue layer; the formula and defaults are that layer's."""
    from playground.core.catalogue import ACTIVATIONS as CATALOGUE
    from playground.core.catalogue import LAYERS

    for name, facts in ACTIVATIONS.items():
        assert name in CATALOGUE
        assert facts.formula == LAYERS[name].formula
        assert set(facts.params) <= {spec.name for spec in LAYERS[name].params}
    assert list(ACTIVATIONS)[:3] == ["Sigmoid", "Tanh", "ReLU"]  # in the order of their history
