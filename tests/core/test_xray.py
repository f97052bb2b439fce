"""The Backprop X-ray: its explicit maths equals autograd and the optimizer's real step."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.core.experiment.io import load_experiment
from playground.core.experiment.schema import ComponentSpec, GradientClipping
from playground.core.training.engine import Trainer, TrainerOptions
from playground.core.xray import XrayError, build_stages, prepare_xray
from playground.core.xray.trace import ParameterRef
from playground.core.xray.updates import first_step

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def preset(name: str):
    return load_experiment(str(PRESETS / f"{name}.json"))


def spiral_like(optimizer: str = "SGD", params: dict | None = None, activation: str = "ReLU", dropout: bool = False):
    """A small spiral MLP (2-8-8-2) with the given optimizer."""
    experiment = preset("spiral")
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "fc1", "type": "Linear", "params": {"out_features": 8}},
        {"id": "act1", "type": activation},
        {"id": "fc2", "type": "Linear", "params": {"out_features": 8}},
        {"id": "act2", "type": "Sigmoid"},
    ]
    if dropout:
        nodes.append({"id": "drop", "type": "Dropout", "params": {"p": 0.5}})
    nodes.append({"id": "logits", "type": "Linear", "params": {"out_features": 2}})
    data = experiment.model_dump()
    data["model"]["nodes"] = [{**node, "pos": [0, 0]} for node in nodes]
    data["model"]["edges"] = [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]
    data["training"]["optimizer"] = {"type": optimizer, "params": params or {"lr": 0.1}}
    return type(experiment).model_validate_json(json.dumps(data))


def autograd_step(experiment):
    """What the engine's first step does: gradients (before the step) and weights after it."""
    trainer = Trainer(copy.deepcopy(experiment), options=TrainerOptions(diagnostics=False))
    trainer.experiment.training.device = "cpu"
    n, size = trainer.train_samples, trainer.batch_size
    if trainer.batches_per_epoch == 1 and size == n:
        idx = torch.arange(n)
    else:
        idx = torch.randperm(n, generator=torch.Generator().manual_seed(trainer.training.seed))[:size]
    model, optimizer = trainer.model, trainer.optimizer
    loss_fn = trainer.loss.loss if trainer.loss.passthrough else trainer.loss
    optimizer.zero_grad()
    loss = loss_fn(model(trainer.x_train[idx]), trainer.y_train[idx])
    l1 = trainer.training.l1
    if l1:
        loss = loss + l1 * sum(p.abs().sum() for p in model.parameters() if p.dim() > 1)
    loss.backward()
    clipping = trainer.training.gradient_clipping
    if clipping is not None:
        torch.nn.utils.clip_grad_norm_(list(model.parameters()), clipping.max_value)
    grads = {name: p.grad.detach().double().numpy().copy() for name, p in model.named_parameters()}
    optimizer.step()
    after = {name: p.detach().double().numpy().copy() for name, p in model.named_parameters()}
    return float(loss.detach()), grads, after


def assert_matches_engine(experiment, update_tol: float = 1e-6) -> None:
    """Loss, gradients (as the optimizer receives them) and weights after the step equal the engine's.

    The X-ray is float64 and the engine float32: where a gradient is tiny (|g| ~ ε) Adam-like steps
    depend on its last bits, so the step is also checked from the engine's own float32 gradient.
    """
    session = prepare_xray(experiment)
    trace = session.trace
    assert trace.kind == "units"
    loss, grads, after = autograd_step(experiment)
    assert trace.loss.objective == pytest.approx(loss, rel=1e-5)
    for layer in trace.layers:
        updates = [("weight", layer.weight_update), ("bias", layer.bias_update)]
        for name, update in updates:
            assert update is not None
            key = f"{layer.node_id}.{name}"
            np.testing.assert_allclose(update.gradient, grads[key], rtol=1e-4, atol=1e-7)
            meaningful = np.abs(grads[key]) > 1e-5
            np.testing.assert_allclose(update.after[meaningful], after[key][meaningful], atol=update_tol)
            own = first_step(trace.optimizer, update.before, grads[key])
            np.testing.assert_allclose(own.after, after[key], atol=update_tol)
        if trace.clipping is None:
            np.testing.assert_allclose(layer.grad_weight, grads[f"{layer.node_id}.weight"], rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("name", ["xor", "and_gate", "spiral"])
def test_presets_match_autograd_and_the_optimizer_step(name):
    assert_matches_engine(preset(name))


def test_gradients_equal_float64_autograd_tightly():
    """The X-ray's chain rule equals autograd on a float64 copy to round-off."""
    session = prepare_xray(preset("xor"))
    for layer in session.trace.layers:
        for unit in range(layer.units):
            ref = ParameterRef(layer.node_id, "weight", (unit, 0))
            check = session.check_gradient(ref)
            assert check.xray == pytest.approx(check.autograd, rel=1e-10, abs=1e-14)


@pytest.mark.parametrize(
    ("optimizer", "params"),
    [
        ("SGD", {"lr": 0.2}),
        ("SGD", {"lr": 0.2, "momentum": 0.9}),
        ("SGD", {"lr": 0.2, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
        ("SGD", {"lr": 0.2, "weight_decay": 0.05}),
        ("Adam", {"lr": 0.01}),
        ("Adam", {"lr": 0.01, "weight_decay": 0.1, "betas": [0.8, 0.99]}),
        ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
        ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
        ("Adagrad", {"lr": 0.1}),
        ("NAdam", {"lr": 0.01}),
    ],
)
def test_update_equals_optimizer_step(optimizer, params):
    # Adam-like steps are ≈ ±η: compare at float32 precision of the weights
    assert_matches_engine(spiral_like(optimizer, params), update_tol=2e-6)


def test_l1_and_clipping_are_in_the_step():
    experiment = spiral_like("SGD", {"lr": 0.5, "momentum": 0.9})
    experiment.training.l1 = 0.01
    experiment.training.gradient_clipping = GradientClipping(mode="norm", max_value=0.05)
    session = prepare_xray(experiment)
    assert session.trace.clipping is not None and session.trace.clipping.factor < 1
    assert_matches_engine(experiment)


@pytest.mark.parametrize("activation", ["Tanh", "LeakyReLU", "ELU", "GELU", "SiLU", "Softplus", "Mish"])
def test_activation_derivatives(activation):
    session = prepare_xray(spiral_like("SGD", {"lr": 0.1}, activation))
    for layer in session.trace.layers:
        check = session.check_gradient(ParameterRef(layer.node_id, "weight", (0, 0)))
        assert check.xray == pytest.approx(check.autograd, rel=1e-8, abs=1e-12)


def test_dropout_masks_agree_with_the_reference():
    session = prepare_xray(spiral_like("SGD", {"lr": 0.1}, dropout=True))
    dropout = session.trace.layers[1].ops[-1]
    assert dropout.layer_type == "Dropout"
    assert set(np.unique(dropout.derivative)) <= {0.0, 2.0} and (dropout.derivative == 0).any()
    for layer in session.trace.layers:
        check = session.check_gradient(ParameterRef(layer.node_id, "weight", (1, 1)))
        assert check.xray == pytest.approx(check.autograd, rel=1e-8, abs=1e-12)


@pytest.mark.parametrize("name", ["xor", "and_gate"])
def test_finite_difference_agrees(name):
    session = prepare_xray(preset(name))
    for ref in session.parameters():
        check = session.check_gradient(ref)
        assert check.relative_difference < 1e-3, ref
        assert check.agrees


@pytest.mark.parametrize("loss", ["MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss"])
def test_regression_losses(loss):
    experiment = preset("learning_rate_too_high")
    experiment.training.loss = ComponentSpec(type=loss, params={})
    session = prepare_xray(experiment)
    trace = session.trace
    if trace.kind != "units":
        pytest.skip("the preset is not a small dense chain")
    assert trace.loss.explained
    for layer in trace.layers:
        check = session.check_gradient(ParameterRef(layer.node_id, "weight", (0, 0)))
        assert check.xray == pytest.approx(check.autograd, rel=1e-8, abs=1e-12)


def test_focal_loss_falls_back_to_autograd_for_the_output_delta():
    experiment = preset("xor")
    experiment.training.loss = ComponentSpec(type="FocalLoss", params={})
    session = prepare_xray(experiment)
    assert not session.trace.loss.explained
    check = session.check_gradient(ParameterRef("hidden", "weight", (0, 0)))
    assert check.xray == pytest.approx(check.autograd, rel=1e-8)


def test_loss_value_and_forward_match_the_model():
    session = prepare_xray(preset("xor"))
    trace = session.trace
    assert trace.loss.scale * trace.loss.per_sample.sum() == pytest.approx(trace.loss.value, rel=1e-12)
    np.testing.assert_allclose(trace.layers[-1].outputs, trace.loss.outputs, atol=1e-12)


def test_stages_walk_forward_loss_backward_update():
    trace = prepare_xray(preset("xor")).trace
    stages = build_stages(trace, sample=2)
    assert [(s.phase, s.node_id) for s in stages] == [
        ("forward", "hidden"),
        ("forward", "act"),
        ("forward", "logits"),
        ("loss", "logits"),
        ("backward", "logits"),
        ("backward", "act"),
        ("backward", "hidden"),
        ("update", "logits"),
        ("update", "hidden"),
    ]
    z = stages[0].formulas_of(1)[0]
    assert z.kind == "weighted_sum" and z.value == pytest.approx(trace.layers[0].z[2, 1])
    deltas = [f for f in stages[6].formulas if f.kind == "delta"]
    assert [f.value for f in deltas] == pytest.approx(list(trace.layers[0].delta[2]))
    adam = {f.kind for f in stages[-1].formulas}
    assert {"first_moment", "second_moment", "first_corrected", "second_corrected", "step", "new_value"} <= adam


def test_the_frozen_batch_is_the_trainers_first():
    experiment = preset("xor")
    trace = prepare_xray(experiment).trace
    assert trace.batch.size == 16 and not trace.batch.full
    expected = torch.randperm(280, generator=torch.Generator().manual_seed(experiment.training.seed))[:16]
    np.testing.assert_array_equal(trace.batch.indices, expected.numpy())


def test_the_experiment_and_global_random_state_are_untouched():
    experiment = preset("xor")
    before = experiment.model_dump()
    state = torch.get_rng_state()
    prepare_xray(experiment)
    assert experiment.model_dump() == before
    assert torch.equal(torch.get_rng_state(), state)


def test_large_models_get_per_layer_statistics():
    session = prepare_xray(preset("cnn_mnist"))
    trace = session.trace
    assert trace.kind == "statistics" and trace.reason is not None and trace.layers == ()
    with_params = [s for s in trace.statistics if s.gradient_norm is not None]
    assert with_params and all(s.update_norm and s.update_norm > 0 and s.update_ratio for s in with_params)
    assert all(np.isfinite(s.activation_mean) for s in trace.statistics)
    phases = [stage.phase for stage in build_stages(trace)]
    assert phases.index("loss") < phases.index("backward") < phases.index("update")
    check = session.check_gradient(session.parameters()[0])
    assert check.relative_difference < 1e-3


def test_a_broken_experiment_raises_a_clear_error():
    experiment = preset("xor")
    experiment.model.edges = []
    with pytest.raises(XrayError):
        prepare_xray(experiment)
