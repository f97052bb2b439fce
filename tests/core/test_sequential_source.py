"""Pasted `nn.Sequential(...)` source is read with `ast`, never run: literal constructor calls of
catalogue layers become the chain torch itself would build (same parameter count), and anything
else is refused with a message that names it."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from playground.core.data import load_dataset
from playground.core.experiment import Experiment, experiment_from_dict
from playground.core.graph import check_experiment
from playground.core.importers.sequential_source import SourceRefused, parse_sequential

LENET = """model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(), nn.AvgPool2d(2),
    nn.Flatten(),
    nn.Sequential(nn.Linear(400, 120), nn.ReLU(inplace=True)),
    torch.nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10, bias=False),
)"""


def chain_experiment(text: str, dataset: str) -> Experiment:
    source = parse_sequential(text)
    nodes = [{"id": "input", "type": "Input", "params": {}}]
    edges = []
    for index, layer in enumerate(source.layers):
        nodes.append({"id": f"n{index}", "type": layer.type, "params": layer.params})
        edges.append([nodes[-2]["id"], nodes[-1]["id"]])
    return experiment_from_dict(
        {
            "format": "nn-playground.experiment",
            "version": 3,
            "name": "pasted",
            "data": {"dataset": dataset},
            "model": {"nodes": nodes, "edges": edges},
            "training": {"loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "Adam"}},
        }
    )


def test_lenet_source_becomes_the_chain_torch_builds_with_the_same_parameters():
    source = parse_sequential(LENET)
    assert [layer.type for layer in source.layers] == [
        "Conv2d", "Tanh", "AvgPool2d", "Conv2d", "Tanh", "AvgPool2d", "Flatten",
        "Linear", "ReLU", "Linear", "ReLU", "Linear",
    ]  # fmt: skip
    assert source.layers[0].params == {"out_channels": 6, "kernel_size": 5, "padding": 2}
    assert source.layers[-1].params == {"out_features": 10, "bias": False}
    assert any("in_channels=1 is left to the playground" in note for note in source.notes)
    assert any("inplace=True is not a setting" in note for note in source.notes)

    experiment = chain_experiment(LENET, "mnist")
    report = check_experiment(experiment, load_dataset(experiment.data).info)
    assert report.valid, report
    torch_model = eval(LENET.split("=", 1)[1], {"nn": nn, "torch": torch})  # our own text, for the reference
    assert report.total_params == sum(p.numel() for p in torch_model.parameters())


def test_a_bare_sequential_and_torch_nn_are_read_too():
    assert [layer.type for layer in parse_sequential("Sequential(Linear(2, 8), ReLU(), Linear(8, 2))").layers] == [
        "Linear",
        "ReLU",
        "Linear",
    ]
    assert parse_sequential("torch.nn.Sequential(torch.nn.Dropout(p=0.3))").layers[0].params == {"p": 0.3}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("nn.Sequential(nn.Linear(2, int('4')))", "int('4') is not a literal"),
        ("nn.Sequential(nn.Linear(2, __import__('os').getpid()))", "is not a literal"),
        ("nn.Sequential(os.system('echo hi'))", "os.system is not a layer of the palette"),
        ("nn.Sequential(my.module.Linear(2, 3))", "my.module.Linear is not a layer of the palette"),
        ("nn.Sequential(MyBlock(3))", "MyBlock is not a layer of the palette"),
        ("nn.Sequential(*layers)", "*layers is not a layer"),
        ("nn.Sequential(layer)", "layer is not a layer"),
        ("nn.Sequential(nn.Linear(2, 0))", "out_features"),
        ("nn.Sequential(nn.Linear(2, 3, colour=1))", "colour"),
        ("nn.Sequential(nn.Linear(2, 3)).cuda()", "must be an nn.Sequential(...) call"),
        ("import os\nnn.Sequential(nn.ReLU())", "2 statements"),
        ("nn.Sequential(nn.ReLU(),", "not valid Python"),
        ("def f():\n    return 1", "only nn.Sequential"),
        ("nn.Sequential()", "holds no layers"),
        ("nn.Sequential(nn.Input())", "not a layer of the palette"),
    ],
)
def test_anything_beyond_literal_catalogue_constructors_is_refused_by_name(text, named):
    with pytest.raises(SourceRefused) as refused:
        parse_sequential(text)
    assert named in str(refused.value), str(refused.value)


def test_the_text_is_never_run(tmp_path):
    marker = tmp_path / "ran"
    text = f"nn.Sequential(nn.Linear(2, open({str(marker)!r}, 'w').write('x')))"
    with pytest.raises(SourceRefused):
        parse_sequential(text)
    assert not marker.exists()
