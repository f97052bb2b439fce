"""Looking inside a node: every view has the shape the node's inferred output says, holds the values
the layer really computed, and obeys the maths the course teaches (attention rows sum to one, gates
lie in (0, 1), receptive fields grow as the formulas say)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from playground.core.experiment import experiment_from_dict, load_experiment
from playground.core.graph.inference import check_experiment
from playground.core.runs.inside import InsideProbe, ProbeRequest, receptive_fields, recurrent_gates, tapped_forward
from playground.core.training import Trainer
from tests.core.factories import chain

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def _trainer(name: str) -> Trainer:
    return Trainer(load_experiment(PRESETS / f"{name}.json"), epochs=1)


def _probe(trainer: Trainer) -> InsideProbe:
    return InsideProbe(trainer.dataset, trainer.experiment, trainer.loss, trainer.device)


def test_conv_feature_maps_have_the_inferred_channels_and_size_and_the_filters_are_the_weights():
    trainer = _trainer("cnn_mnist")
    report = check_experiment(trainer.experiment, trainer.dataset.info)
    result = _probe(trainer).look(trainer.model, ProbeRequest("conv", sample=5))
    assert result.feature_maps is not None and result.filters is not None
    assert result.feature_maps.shape == report.nodes["conv"].output.shape  # (16, 28, 28)
    assert result.shape == report.nodes["conv"].output.shape
    assert np.array_equal(result.filters, trainer.model.conv.weight.detach().numpy())
    with torch.no_grad():  # the maps are the layer's output for that test image, in eval mode
        trainer.model.eval()
        expected = trainer.model.conv(trainer.dataset.x_test[5:6])[0].numpy()
    np.testing.assert_allclose(result.feature_maps, expected, rtol=1e-5, atol=1e-6)
    assert result.units == 16 and result.dead.shape == (16,)
    assert result.target == int(trainer.dataset.y_test[5])


def test_the_saliency_map_has_the_input_image_shape():
    trainer = _trainer("cnn_mnist")
    result = _probe(trainer).look(trainer.model, ProbeRequest("logits", sample=0))
    assert result.saliency is not None
    assert result.saliency.shape == tuple(trainer.dataset.x_test.shape[2:])  # (28, 28)
    assert np.all(result.saliency >= 0) and result.saliency.max() > 0


def test_each_attention_head_sums_to_one_over_the_keys():
    trainer = _trainer("transformer_sequence")
    result = _probe(trainer).look(trainer.model, ProbeRequest("encoder", sample=2))
    assert result.attention is not None
    heads = trainer.experiment.node("encoder").params["nhead"]
    length = trainer.dataset.x_test.shape[1]
    assert result.attention.shape == (heads, length, length)
    np.testing.assert_allclose(result.attention.sum(axis=-1), 1.0, atol=1e-5)
    assert np.all(result.attention >= 0)


def test_lstm_gates_lie_between_zero_and_one_and_rebuild_the_layers_hidden_state():
    trainer = _trainer("lstm_sine")
    result = _probe(trainer).look(trainer.model, ProbeRequest("lstm", sample=1))
    assert result.gate_names == ("input", "forget", "cell", "output")
    assert result.gates is not None and result.hidden is not None
    hidden_size = trainer.model.lstm.hidden_size
    steps = trainer.dataset.x_test.shape[1]
    assert result.gates.shape == (4, steps, hidden_size)
    sigmoid_gates = result.gates[[0, 1, 3]]
    assert np.all((sigmoid_gates > 0) & (sigmoid_gates < 1))
    assert np.all(np.abs(result.gates[2]) < 1)  # the candidate cell is a tanh
    # the gates are those the layer used: the hidden state they give is torch's own output
    np.testing.assert_allclose(result.hidden, result.sample_output, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", ["GRU", "RNN"])
def test_gru_and_rnn_hidden_states_match_torch(kind):
    torch.manual_seed(0)
    module = getattr(torch.nn, kind)(3, 5, num_layers=2, batch_first=True, bidirectional=True)
    x = torch.randn(7, 3)
    gates, hidden = recurrent_gates(module, x)
    expected = module(x.unsqueeze(0))[0][0, :, :5].detach().numpy()  # top layer, forward direction
    np.testing.assert_allclose(hidden, expected, rtol=1e-4, atol=1e-5)
    assert gates.shape[0] == (3 if kind == "GRU" else 0)


def test_the_gradient_shown_is_the_gradient_of_the_batch_loss_with_respect_to_the_nodes_output():
    trainer = _trainer("xor")
    probe = _probe(trainer)
    result = probe.look(trainer.model, ProbeRequest("act", sample=0))
    model, captured = trainer.model, {}

    def keep(name, value):
        if name == "act":
            value.retain_grad()
            captured[name] = value
        return value

    model.eval()
    outputs = tapped_forward(model)(model, probe.batch_x, keep)
    trainer.loss(outputs, probe.batch_y).backward()
    gradient = captured["act"].grad.numpy().reshape(-1)
    counts, _ = np.histogram(gradient, bins=len(result.gradients.counts), range=(gradient.min(), gradient.max()))
    assert np.array_equal(result.gradients.counts, counts)
    assert result.outputs.counts.sum() == probe.batch_x.shape[0] * 4  # every unit of every batch sample


def test_saturated_and_dead_units_are_marked():
    experiment = experiment_from_dict(
        chain(
            ("big", "Linear", {"out_features": 3}),
            ("squash", "Sigmoid", {}),
            ("out", "Linear", {"out_features": 2}),
        )
    )
    trainer = Trainer(experiment, epochs=1)
    with torch.no_grad():
        trainer.model.big.weight.zero_()
        trainer.model.big.bias.copy_(torch.tensor([40.0, 0.0, -40.0]))  # units 0 and 2 pinned at the ends
    result = _probe(trainer).look(trainer.model, ProbeRequest("squash"))
    assert result.saturated.tolist() == [True, False, True]
    relu = experiment_from_dict(
        chain(("fc", "Linear", {"out_features": 2}), ("act", "ReLU", {}), ("out", "Linear", {"out_features": 2}))
    )
    trainer = Trainer(relu, epochs=1)
    with torch.no_grad():
        trainer.model.fc.weight.zero_()
        trainer.model.fc.bias.copy_(torch.tensor([-1.0, 1.0]))  # unit 0 never fires
    assert _probe(trainer).look(trainer.model, ProbeRequest("act")).dead.tolist() == [True, False]


def test_receptive_fields_grow_with_kernels_strides_and_dilation():
    def field_of(*layers):
        experiment = experiment_from_dict(
            chain(*layers, ("flat", "Flatten", {}), ("out", "Linear", {"out_features": 10}), dataset="digits")
        )
        from playground.core.data import load_dataset

        info = load_dataset(experiment.data).info
        return receptive_fields(experiment, check_experiment(experiment, info))

    two = field_of(
        ("a", "Conv2d", {"out_channels": 4, "kernel_size": 3, "padding": 1}),
        ("b", "Conv2d", {"out_channels": 4, "kernel_size": 3, "padding": 1}),
    )
    assert two["a"].size == (3, 3) and two["b"].size == (5, 5)  # two 3×3 see as far as one 5×5
    strided = field_of(
        ("a", "Conv2d", {"out_channels": 4, "kernel_size": 3, "stride": 2}),
        ("b", "Conv2d", {"out_channels": 4, "kernel_size": 3}),
    )
    assert strided["a"].jump == (2, 2) and strided["b"].size == (7, 7)  # 3 + (3 − 1)·2
    dilated = field_of(("a", "Conv2d", {"out_channels": 4, "kernel_size": 3, "dilation": 2}))
    assert dilated["a"].size == (5, 5)
    assert strided["a"].box(0, 0) == (0, 0, 2, 2)  # the first unit sees the top-left 3×3 pixels


def test_a_drawn_input_is_probed_and_a_wrong_shape_is_refused():
    trainer = _trainer("cnn_mnist")
    probe = _probe(trainer)
    drawing = np.zeros((1, 28, 28), dtype=np.float32)
    drawing[0, 4:24, 13:15] = 1.0  # a "1"
    result = probe.look(trainer.model, ProbeRequest("conv", custom=drawing))
    assert result.sample == -1 and result.target is None
    np.testing.assert_array_equal(result.sample_input, drawing)
    with pytest.raises(ValueError, match="shape"):
        probe.look(trainer.model, ProbeRequest("conv", custom=np.zeros((28, 28), dtype=np.float32)))


def test_probing_leaves_the_model_and_its_mode_as_they_were():
    trainer = _trainer("cnn_mnist")
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    trainer.model.train()
    _probe(trainer).look(trainer.model, ProbeRequest("conv"))
    assert trainer.model.training
    assert all(torch.equal(before[k], v) for k, v in trainer.model.state_dict().items())
    assert all(p.grad is None for p in trainer.model.parameters())
