"""Graph checking and building: shapes, parameter counts, every broken case and its fix."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from playground.core.catalogue import LAYERS
from playground.core.experiment import experiment_from_dict
from playground.core.graph import GraphError, apply_fix, build_model, check_experiment
from tests.core.factories import DIGITS, chain, resnet_block_document, xor_document

POINTS = SimpleNamespace(
    task="classification",
    modality="points",
    input_shape=(2,),
    input_dtype="float32",
    num_classes=2,
    target_dim=None,
    vocab_size=None,
)
SINE = SimpleNamespace(
    task="regression",
    modality="sequence",
    input_shape=(20, 1),
    input_dtype="float32",
    num_classes=None,
    target_dim=1,
    vocab_size=None,
)
TOKENS = SimpleNamespace(
    task="classification",
    modality="tokens",
    input_shape=(12,),
    input_dtype="int64",
    num_classes=6,
    target_dim=None,
    vocab_size=6,
)


def check(doc, facts):
    experiment = experiment_from_dict(doc)
    return experiment, check_experiment(experiment, facts)


def only_error(report):
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


def test_xor_mlp_shapes_and_counts():
    experiment, report = check(xor_document(), POINTS)
    assert report.valid
    assert [report.nodes[n].output.text() for n in report.order] == ["(N, 2)", "(N, 4)", "(N, 4)", "(N, 2)"]
    assert report.nodes["hidden"].params == 2 * 4 + 4
    assert report.total_params == 12 + 10
    assert report.nodes["hidden"].macs == 8


def test_resnet_block_with_projection_builds_and_runs():
    experiment, report = check(resnet_block_document(), DIGITS)
    assert report.valid, report.errors
    model = build_model(experiment, DIGITS, report)
    out = model(torch.randn(4, 1, 8, 8))
    assert out.shape == (4, 10)
    assert sum(p.numel() for p in model.parameters()) == report.total_params
    assert "add = bn2 + shortcut" in model.forward_code
    assert set(model.state_dict()) >= {"conv1.weight", "shortcut.weight", "fc.bias"}


def test_forward_code_follows_chains():
    experiment, report = check(resnet_block_document(), DIGITS)
    lines = build_model(experiment, DIGITS, report).forward_code.splitlines()
    assert lines[1].strip() == "conv1 = self.conv1(x)"
    assert lines[-1].strip() == "return fc"


def test_cycle():
    doc = xor_document()
    doc["model"]["edges"].append(["logits", "hidden"])
    _, report = check(doc, POINTS)
    assert not report.valid
    assert any("part of a cycle" in issue.message and issue.node == "hidden" for issue in report.errors)


def test_dangling_node():
    doc = xor_document()
    doc["model"]["nodes"].append({"id": "lonely", "type": "ReLU"})
    _, report = check(doc, POINTS)
    error = only_error(report)
    assert error.node == "lonely" and "has no input" in error.message and error.path == "model.nodes[4]"


def test_unused_branch_is_a_second_output():
    doc = xor_document()
    doc["model"]["nodes"].append({"id": "extra", "type": "ReLU"})
    doc["model"]["edges"].append(["hidden", "extra"])
    _, report = check(doc, POINTS)
    assert {issue.node for issue in report.errors} == {"logits", "extra"}
    assert "leads nowhere" in report.errors[0].message


def test_second_input():
    doc = xor_document()
    doc["model"]["nodes"].append({"id": "input2", "type": "Input"})
    doc["model"]["edges"].append(["input2", "hidden"])
    _, report = check(doc, POINTS)
    assert any(e.node == "input2" and "second Input" in e.message for e in report.errors)


def test_no_input():
    doc = xor_document()
    doc["model"]["nodes"] = doc["model"]["nodes"][1:]
    doc["model"]["edges"] = doc["model"]["edges"][1:]
    _, report = check(doc, POINTS)
    assert any("no Input node" in e.message for e in report.errors)


def test_merge_missing_an_edge():
    doc = chain(("fc", "Linear", {"out_features": 2}), ("add", "Add", {}))
    _, report = check(doc, POINTS)
    error = only_error(report)
    assert error.node == "add" and "needs at least 2 inputs but has 1" in error.message


def test_add_with_mismatched_shapes():
    doc = resnet_block_document()
    doc["model"]["nodes"][6]["params"]["out_channels"] = 8  # the shortcut
    _, report = check(doc, DIGITS)
    error = only_error(report)
    assert error.node == "add"
    assert "(N, 16, 8, 8), (N, 8, 8, 8)" in error.message and "1×1 Conv2d" in error.message


def test_two_edges_into_a_single_input_layer():
    doc = xor_document()
    doc["model"]["edges"].append(["input", "logits"])
    _, report = check(doc, POINTS)
    assert "merge them first with Add or Concat" in only_error(report).message


def test_linear_fed_an_image_offers_flatten():
    doc = chain(("conv1", "Conv2d", {"out_channels": 4}), ("fc1", "Linear", {"out_features": 10}), dataset="digits")
    experiment, report = check(doc, DIGITS)
    error = only_error(report)
    assert error.node == "fc1"
    assert "insert Flatten before 'fc1'" in error.message and "(N, 4, 6, 10)" in error.message
    (fix,) = error.fixes
    created = apply_fix(experiment, fix)
    assert created == "flatten"
    again = check_experiment(experiment, DIGITS)
    assert again.valid and again.nodes["fc1"].output.shape == (10,)


def test_conv_into_an_output_linear_of_the_wrong_width_is_fixed_in_one_click():
    """A Linear dropped after a Conv2d has both problems at once: fed a grid, and 16 outputs for 10
    classes. Its one fix inserts the Flatten and sets the outputs, so no second round is needed."""
    doc = chain(("conv1", "Conv2d", {"out_channels": 4}), ("fc1", "Linear", {"out_features": 16}), dataset="digits")
    experiment, report = check(doc, DIGITS)
    (fix,) = only_error(report).fixes
    assert fix.label == "Insert Flatten before 'fc1' and set its out_features to 10"
    assert apply_fix(experiment, fix) == "flatten"
    again = check_experiment(experiment, DIGITS)
    assert again.valid, again.errors
    assert again.nodes["fc1"].output.shape == (10,)


def test_kernel_larger_than_input():
    doc = chain(
        ("conv1", "Conv2d", {"out_channels": 4, "kernel_size": 11}),
        ("flat", "Flatten", {}),
        ("fc", "Linear", {"out_features": 10}),
        dataset="digits",
    )
    experiment, report = check(doc, DIGITS)
    error = only_error(report)
    assert error.node == "conv1" and "kernel 11×11 is larger than its (padded) input (N, 1, 8, 8)" in error.message
    apply_fix(experiment, error.fixes[0])
    assert check_experiment(experiment, DIGITS).valid


def test_output_does_not_fit_the_classes():
    doc = chain(("flat", "Flatten", {}), ("fc", "Linear", {"out_features": 3}), dataset="digits")
    experiment, report = check(doc, DIGITS)
    error = only_error(report)
    assert (
        "is (N, 3) but the dataset has 10 classes" in error.message
        and "set out_features of 'fc' to 10" in error.message
    )
    apply_fix(experiment, error.fixes[0])
    assert check_experiment(experiment, DIGITS).valid


def test_conv_on_flat_vector_offers_unflatten():
    doc = chain(("flat", "Flatten", {}), ("conv", "Conv2d", {"out_channels": 2}), dataset="digits")
    experiment, report = check(doc, DIGITS)
    error = report.errors[0]
    assert error.node == "conv" and "insert Unflatten" in error.message
    apply_fix(experiment, error.fixes[0])
    assert check_experiment(experiment, DIGITS).nodes["conv"].output.shape == (2, 6, 6)


def test_sequence_output_offers_sequence_pool():
    doc = chain(
        ("lstm", "LSTM", {"hidden_size": 8}), ("head", "Linear", {"out_features": 1}), dataset="sine", loss="MSELoss"
    )
    experiment, report = check(doc, SINE)
    error = only_error(report)
    assert "insert SequencePool before 'head'" in error.message
    apply_fix(experiment, error.fixes[0])
    fixed = check_experiment(experiment, SINE)
    assert fixed.valid
    model = build_model(experiment, SINE, fixed)
    assert model(torch.randn(3, 20, 1)).shape == (3, 1)


def test_tokens_need_an_embedding():
    doc = chain(
        ("lstm", "LSTM", {"hidden_size": 8}),
        ("pool", "SequencePool", {}),
        ("head", "Linear", {"out_features": 6}),
        dataset="majority",
    )
    experiment, report = check(doc, TOKENS)
    error = only_error(report)
    assert "insert Embedding before 'lstm'" in error.message
    apply_fix(experiment, error.fixes[0])
    fixed = check_experiment(experiment, TOKENS)
    assert fixed.valid and fixed.nodes["embedding"].kwargs["num_embeddings"] == 6


def test_attention_heads_must_divide_features():
    doc = chain(
        ("proj", "Linear", {"out_features": 6}),
        ("attn", "MultiheadAttention", {"num_heads": 4}),
        ("pool", "SequencePool", {"mode": "mean"}),
        ("head", "Linear", {"out_features": 1}),
        dataset="sine",
        loss="MSELoss",
    )
    experiment, report = check(doc, SINE)
    error = only_error(report)
    assert "embed_dim 6" in error.message and "num_heads=4" in error.message
    apply_fix(experiment, error.fixes[0])
    assert experiment.node("attn").params["num_heads"] == 3
    assert check_experiment(experiment, SINE).valid


def test_softmax_before_cross_entropy_is_a_warning():
    doc = chain(("fc", "Linear", {"out_features": 2}), ("probs", "Softmax", {}))
    _, report = check(doc, POINTS)
    assert report.valid and "log-softmax itself" in report.warnings[0].message


def test_build_invalid_graph_raises_graph_error():
    doc = chain(("fc", "Linear", {"out_features": 3}))
    experiment = experiment_from_dict(doc)
    with pytest.raises(GraphError, match="set out_features of 'fc' to 2"):
        build_model(experiment, POINTS)


@pytest.mark.parametrize("scheme", ["zeros", "kaiming", "xavier"])
def test_weight_initialisation(scheme):
    doc = xor_document()
    doc["model"]["init"] = scheme
    experiment = experiment_from_dict(doc)
    torch.manual_seed(0)
    model = build_model(experiment, POINTS)
    weights = model.hidden.weight.detach()
    assert torch.all(model.hidden.bias == 0)
    if scheme == "zeros":
        assert torch.all(weights == 0)
    else:
        assert weights.abs().sum() > 0


def test_same_seed_same_initial_weights():
    experiment = experiment_from_dict(xor_document())
    torch.manual_seed(3)
    first = build_model(experiment, POINTS).state_dict()
    torch.manual_seed(3)
    second = build_model(experiment, POINTS).state_dict()
    assert all(torch.equal(first[key], second[key]) for key in first)


REQUIRED_TYPES = """Input Linear Flatten Unflatten Identity Dropout Conv1d Conv2d ConvTranspose2d MaxPool2d AvgPool2d
AdaptiveAvgPool2d Dropout2d BatchNorm1d BatchNorm2d LayerNorm RNN LSTM GRU MultiheadAttention TransformerEncoderLayer
Embedding SequencePool ReLU LeakyReLU ELU GELU SiLU Mish Sigmoid Tanh Softplus Softmax Add Concat""".split()


def test_catalogue_declares_every_required_type_once_with_help():
    assert set(REQUIRED_TYPES) <= set(LAYERS)
    for layer in LAYERS.values():
        assert layer.help and layer.category
        for spec in layer.params:
            assert spec.help, f"{layer.name}.{spec.name} has no help"
            inferred_names = {
                "in_features",
                "in_channels",
                "input_size",
                "num_features",
                "normalized_shape",
                "embed_dim",
                "d_model",
                "num_embeddings",
            }
            assert spec.name not in inferred_names, "input sizes are inferred, never typed"


def test_auto_layout_puts_each_node_right_of_its_inputs():
    from playground.core.graph.layout import auto_layout

    experiment = experiment_from_dict(resnet_block_document())
    positions = auto_layout(experiment)
    assert set(positions) == set(experiment.node_ids())
    for source, target in experiment.model.edges:
        assert positions[source][0] < positions[target][0]
    assert len(set(positions.values())) == len(positions)  # no two nodes on one spot
