"""The network view's data: which models it maps (plain dense chains), and that each unit's map is
exactly that unit's output over the plane, computed by hand from the layers' weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from playground.core.data import load_dataset
from playground.core.experiment import experiment_from_dict, load_experiment
from playground.core.graph import build_model
from playground.core.runs.probes import MAX_MAPPED_UNITS, NeuronProbe, dense_units
from tests.core.factories import chain, document, xor_document

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def test_dense_chains_are_mapped_layer_by_layer_after_their_activation():
    spiral = load_experiment(PRESETS / "spiral.json")
    layers = dense_units(spiral)
    nodes = spiral.nodes_by_id()
    assert [nodes[linear].type for linear, _ in layers] == ["Linear"] * 4
    assert [nodes[shown].type for shown in (s for _, s in layers[:-1])] == ["Tanh"] * 3  # after the activation
    assert layers[-1][0] == layers[-1][1]  # the output layer shows the model's output (logits)
    perceptron = experiment_from_dict(chain(("out", "Linear", {"out_features": 2})))
    assert dense_units(perceptron) == [("out", "out")]  # no hidden layer: just the output
    with_dropout = experiment_from_dict(
        chain(
            ("fc", "Linear", {"out_features": 4}),
            ("drop", "Dropout", {}),
            ("act", "ReLU", {}),
            ("out", "Linear", {"out_features": 2}),
        )
    )
    assert dense_units(with_dropout) == [("fc", "act"), ("out", "out")]


def test_other_models_are_not_mapped():
    assert dense_units(load_experiment(PRESETS / "cnn_mnist.json")) is None
    assert dense_units(load_experiment(PRESETS / "resnet_block_digits.json")) is None  # branches and merges
    leading_activation = experiment_from_dict(chain(("act", "Tanh", {}), ("out", "Linear", {"out_features": 2})))
    assert dense_units(leading_activation) is None  # the input maps would not be what the layer sees
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "a", "type": "Linear", "params": {"out_features": 3}},
        {"id": "b", "type": "Linear", "params": {"out_features": 3}},
        {"id": "sum", "type": "Add"},
        {"id": "out", "type": "Linear", "params": {"out_features": 2}},
    ]
    edges = [["input", "a"], ["input", "b"], ["a", "sum"], ["b", "sum"], ["sum", "out"]]
    assert dense_units(experiment_from_dict(document(nodes, edges))) is None


def probe_for(doc, **data_params):
    experiment = experiment_from_dict(doc)
    if data_params:
        experiment.data.params.update(data_params)
    dataset = load_dataset(experiment.data)
    torch.manual_seed(0)
    model = build_model(experiment, dataset.info)
    return NeuronProbe(dataset, experiment, model, torch.device("cpu"), resolution=12), model, dataset


def test_every_map_is_the_units_output_over_the_plane(one_torch_thread):
    probe, model, dataset = probe_for(xor_document())
    assert probe.enabled
    maps = probe.maps(model)
    assert maps.layers == ["hidden", "logits"] and maps.units == [4, 2]
    assert [m.shape for m in maps.maps] == [(4, 12, 12), (2, 12, 12)]
    assert [w.shape for w in maps.weights] == [(4, 2), (2, 4)]
    # the grid: cell centres, row i at x2 = axis[i], column j at x1 = axis[j] (as the boundary plot)
    low, high = maps.extent
    axis = low + (np.arange(12) + 0.5) * (high - low) / 12
    gx, gy = np.meshgrid(axis, axis)
    features = dataset.features_for_points(np.column_stack([gx.ravel(), gy.ravel()])).float()
    modules = dict(model.named_modules())
    with torch.no_grad():
        hidden = torch.tanh(modules["hidden"](features))
        logits = modules["logits"](hidden)
    assert np.allclose(maps.maps[0], hidden.T.reshape(4, 12, 12).numpy(), atol=1e-6)
    assert np.allclose(maps.maps[1], logits.T.reshape(2, 12, 12).numpy(), atol=1e-6)
    assert np.allclose(maps.weights[1], modules["logits"].weight.detach().numpy())
    assert np.allclose(maps.input_maps[0], features[:, 0].reshape(12, 12).numpy())  # x1 grows along a row
    assert maps.input_maps[0][0, -1] > maps.input_maps[0][0, 0]
    assert maps.input_maps[1][-1, 0] > maps.input_maps[1][0, 0]  # x2 grows down the rows


def test_maps_follow_the_weights_and_leave_training_untouched(one_torch_thread):
    probe, model, _ = probe_for(xor_document())
    before = probe.maps(model)
    model.train()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(0.5)
    after = probe.maps(model)
    assert not np.allclose(before.maps[0], after.maps[0])
    assert model.training  # the probe put the model's mode back


def test_too_many_hidden_units_are_not_mapped(one_torch_thread):
    wide = chain(
        ("fc", "Linear", {"out_features": MAX_MAPPED_UNITS + 1}),
        ("act", "ReLU", {}),
        ("out", "Linear", {"out_features": 2}),
    )
    probe, model, _ = probe_for(wide)
    assert not probe.enabled and probe.maps(model) is None


def test_a_dense_chain_holding_a_block_is_mapped_by_its_layers(one_torch_thread):
    from playground.core.experiment import experiment_to_dict
    from playground.core.graph.block_edits import make_block
    from tests.core.factories import deep_mlp_document

    blocked, name = make_block(experiment_from_dict(deep_mlp_document()), ["fc", "act"], "dense")
    blocked.node(name).params["repeat"] = 2
    probe, model, _dataset = probe_for(experiment_to_dict(blocked))
    assert probe.enabled
    maps = probe.maps(model)
    assert maps.layers == ["fc_in", "dense_1_fc", "dense_2_fc", "out"] and maps.units == [16, 16, 16, 2]
