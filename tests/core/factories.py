"""Small experiment documents the core tests build on."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any


def document(
    nodes: list[dict[str, Any]],
    edges: list[list[str]],
    dataset: str = "xor",
    data_params: dict[str, Any] | None = None,
    loss: str = "CrossEntropyLoss",
) -> dict[str, Any]:
    """A valid v1 document around the given graph."""
    return {
        "format": "nn-playground.experiment",
        "version": 1,
        "name": "Test experiment",
        "description": "",
        "data": {
            "dataset": dataset,
            "params": data_params or {},
            "split": {"train": 0.7, "val": 0.15, "test": 0.15},
            "seed": 0,
        },
        "model": {"nodes": copy.deepcopy(nodes), "edges": copy.deepcopy(edges)},
        "training": {
            "loss": {"type": loss, "params": {}},
            "optimizer": {"type": "Adam", "params": {"lr": 0.01}},
            "scheduler": None,
            "epochs": 5,
            "batch_size": 16,
            "seed": 0,
            "device": "auto",
        },
    }


def chain(*layers: tuple[str, str, dict[str, Any]], dataset: str = "xor", **kwargs: Any) -> dict[str, Any]:
    """An Input followed by `layers` (id, type, params) connected in a line."""
    nodes = [{"id": "input", "type": "Input"}]
    nodes += [{"id": node_id, "type": kind, "params": params} for node_id, kind, params in layers]
    edges = [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]
    return document(nodes, edges, dataset=dataset, **kwargs)


def xor_document() -> dict[str, Any]:
    return chain(
        ("hidden", "Linear", {"out_features": 4}), ("act", "Tanh", {}), ("logits", "Linear", {"out_features": 2})
    )


def resnet_block_document(direction: str | None = None) -> dict[str, Any]:
    """A ResNet basic block with a 1×1 projection shortcut on digits (1×8×8, 10 classes); an image
    model deep enough to be laid out top-down unless `direction` says otherwise."""
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "conv1", "type": "Conv2d", "params": {"out_channels": 16, "kernel_size": 3, "padding": 1}},
        {"id": "bn1", "type": "BatchNorm2d"},
        {"id": "relu1", "type": "ReLU"},
        {"id": "conv2", "type": "Conv2d", "params": {"out_channels": 16, "kernel_size": 3, "padding": 1}},
        {"id": "bn2", "type": "BatchNorm2d"},
        {"id": "shortcut", "type": "Conv2d", "params": {"out_channels": 16, "kernel_size": 1}},
        {"id": "add", "type": "Add"},
        {"id": "relu2", "type": "ReLU"},
        {"id": "pool", "type": "AdaptiveAvgPool2d", "params": {"output_size": 1}},
        {"id": "flatten", "type": "Flatten"},
        {"id": "fc", "type": "Linear", "params": {"out_features": 10}},
    ]
    edges = [
        ["input", "conv1"],
        ["conv1", "bn1"],
        ["bn1", "relu1"],
        ["relu1", "conv2"],
        ["conv2", "bn2"],
        ["input", "shortcut"],
        ["bn2", "add"],
        ["shortcut", "add"],
        ["add", "relu2"],
        ["relu2", "pool"],
        ["pool", "flatten"],
        ["flatten", "fc"],
    ]
    made = document(nodes, edges, dataset="digits")
    if direction is not None:
        made["model"]["direction"] = direction
    return made


# What the shape check knows of the 8x8 digits dataset (no data loaded)
DIGITS = SimpleNamespace(
    task="classification",
    modality="image",
    input_shape=(1, 8, 8),
    input_dtype="float32",
    num_classes=10,
    target_dim=None,
    vocab_size=None,
)


def deep_mlp_document() -> dict[str, Any]:
    """moons → Linear 16 → [Linear 16 → ReLU] → 2 classes: the bracket keeps its width (16 → 16),
    so as a block every copy of it has the same parameters."""
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "fc_in", "type": "Linear", "params": {"out_features": 16}},
        {"id": "fc", "type": "Linear", "params": {"out_features": 16}},
        {"id": "act", "type": "ReLU"},
        {"id": "out", "type": "Linear", "params": {"out_features": 2}},
    ]
    edges = [["input", "fc_in"], ["fc_in", "fc"], ["fc", "act"], ["act", "out"]]
    made = document(nodes, edges, dataset="moons")
    made["training"]["epochs"] = 2
    return made
