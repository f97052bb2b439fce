"""The template library: every template joins a real graph as a block whose sizes follow the shape
it reads there, passes the shape check, builds and runs forward and backward; a template that
cannot read the shape at that point says why."""

from __future__ import annotations

import pytest

from playground.core.catalogue.templates import TEMPLATES, TemplateRefused
from playground.core.data import describe_dataset
from playground.core.experiment import experiment_from_dict
from playground.core.graph import build_model, check_experiment
from playground.core.graph.block_edits import insert_block
from tests.core.test_export import document, sample_inputs

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def image_graph(channels: int):
    """digits (1×8×8) → a conv to `channels` → [the template goes here] → pool, flatten, classes."""
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "stem", "type": "Conv2d", "params": {"out_channels": channels, "kernel_size": 3, "padding": 1}},
        {"id": "pool", "type": "AdaptiveAvgPool2d", "params": {"output_size": 1}},
        {"id": "flatten", "type": "Flatten"},
        {"id": "logits", "type": "Linear", "params": {"out_features": 10}},
    ]
    edges = [["input", "stem"], ["stem", "pool"], ["pool", "flatten"], ["flatten", "logits"]]
    return experiment_from_dict(document("Images", nodes, edges, "digits")), "stem"


def sequence_graph(width: int):
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "embed", "type": "Embedding", "params": {"embedding_dim": width}},
        {"id": "pool", "type": "SequencePool", "params": {"mode": "mean"}},
        {"id": "logits", "type": "Linear", "params": {"out_features": 6}},
    ]
    edges = [["input", "embed"], ["embed", "pool"], ["pool", "logits"]]
    return experiment_from_dict(document("Tokens", nodes, edges, "majority")), "embed"


def sequence_head_graph(width: int):
    """tokens → embedding → [a template that reads the sequence and gives one vector] → classes."""
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "embed", "type": "Embedding", "params": {"embedding_dim": width}},
        {"id": "logits", "type": "Linear", "params": {"out_features": 6}},
    ]
    edges = [["input", "embed"], ["embed", "logits"]]
    return experiment_from_dict(document("Tokens", nodes, edges, "majority")), "embed"


def mnist_graph():
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "flatten", "type": "Flatten"},
        {"id": "logits", "type": "Linear", "params": {"out_features": 10}},
    ]
    edges = [["input", "flatten"], ["flatten", "logits"]]
    doc = document("LeNet", nodes, edges, "mnist")
    doc["data"]["params"] = {"samples": 200}
    return experiment_from_dict(doc), "input"


GRAPHS = {
    "lenet5": mnist_graph,
    "vgg_block": lambda: image_graph(8),
    "resnet_basic": lambda: image_graph(8),
    "resnet_bottleneck": lambda: image_graph(16),
    "inception": lambda: image_graph(8),
    "mobilenet": lambda: image_graph(8),
    "transformer_encoder": lambda: sequence_graph(24),
    "lstm_classifier": lambda: sequence_head_graph(16),
    "autoencoder": lambda: image_graph(4),
}


def test_every_template_is_tried_here():
    assert set(GRAPHS) == set(TEMPLATES)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_a_template_joins_the_graph_sized_for_it_and_trains(key):
    experiment, anchor = GRAPHS[key]()
    info = describe_dataset(experiment.data)
    shape = tuple(check_experiment(experiment, info).nodes[anchor].output.shape)
    block = TEMPLATES[key].build(shape)
    joined, instance = insert_block(experiment, key, block, None, anchor)
    report = check_experiment(joined, info)
    assert report.valid, [str(issue) for issue in report.errors]
    card = report.blocks[instance]
    if key in ("resnet_basic", "resnet_bottleneck", "transformer_encoder"):
        assert card.output.shape == shape  # a residual block keeps what it reads
    if key == "autoencoder":
        assert card.output.shape == shape  # it rebuilds its input at its own size
    model = build_model(joined, info, report)
    x = sample_inputs(info, 4)
    out = model(x)
    out.float().sum().backward()
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)
    assert card.params == sum(p.numel() for name, module, p in _block_parameters(model, report, instance))


def _block_parameters(model, report, instance):
    """The parameters of the layers the instance became (flat ids start with its id)."""
    for node_id, _type, module in model.layers():
        if node_id.startswith(f"{instance}_"):
            for parameter in module.parameters():
                yield node_id, module, parameter


def test_sizes_follow_the_width_they_read():
    small = TEMPLATES["resnet_basic"].build((8, 8, 8))
    wide = TEMPLATES["resnet_basic"].build((32, 8, 8))
    assert next(n for n in small.nodes if n.id == "conv2").params["out_channels"] == 8
    assert next(n for n in wide.nodes if n.id == "conv2").params["out_channels"] == 32
    assert (
        next(n for n in TEMPLATES["transformer_encoder"].build((12, 40)).nodes if n.id == "mlp_out").params[
            "out_features"
        ]
        == 40
    )


def test_a_template_that_cannot_read_the_shape_says_why():
    with pytest.raises(TemplateRefused, match=r"reads images .* here the data is \(N, 16\)"):
        TEMPLATES["resnet_basic"].build((16,))
    with pytest.raises(TemplateRefused, match=r"reads sequences"):
        TEMPLATES["transformer_encoder"].build((1, 8, 8))
