"""ONNX import: what the app exports comes back as the same graph, parameters and outputs.

Every preset and a chain of every catalogue layer type is exported with the app's own ONNX export,
imported, built, given the imported weights, and run against the original model on one batch.
Files the importer cannot read are refused whole, naming the operators.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

pytest.importorskip("onnx", reason="the onnx extra is not installed")
pytest.importorskip("onnxscript", reason="the onnx extra is not installed")

import onnx  # noqa: E402
from onnx import TensorProto, helper  # noqa: E402

from playground.cli import main  # noqa: E402
from playground.core.catalogue import LAYERS  # noqa: E402
from playground.core.experiment import experiment_from_dict, load_experiment  # noqa: E402
from playground.core.export.common import example_input, model_to_trace  # noqa: E402
from playground.core.export.onnx_export import export_onnx  # noqa: E402
from playground.core.graph.builder import build_model  # noqa: E402
from playground.core.importers.onnx_model import OnnxRefused, import_onnx, save_import  # noqa: E402
from playground.core.presets import PRESETS_DIR  # noqa: E402
from tests.core.factories import chain, document  # noqa: E402

PRESETS = sorted(path.stem for path in Path(PRESETS_DIR).glob("*.json"))
ATOL = 1e-5


# chains that hold every catalogue layer type at least once, with non-default settings
CHAINS: dict[str, dict] = {
    "dense": chain(
        ("fc1", "Linear", {"out_features": 12}),
        ("leaky", "LeakyReLU", {"negative_slope": 0.2}),
        ("bn", "BatchNorm1d", {"eps": 0.001}),
        ("fc2", "Linear", {"out_features": 12, "bias": False}),
        ("elu", "ELU", {"alpha": 0.5}),
        ("gelu", "GELU", {"approximate": "tanh"}),
        ("norm", "LayerNorm", {}),
        ("silu", "SiLU", {}),
        ("mish", "Mish", {}),
        ("drop", "Dropout", {"p": 0.3}),
        ("same", "Identity", {}),
        ("fc3", "Linear", {"out_features": 64}),
        ("sigmoid", "Sigmoid", {}),
        ("softplus", "Softplus", {}),
        ("grid", "Unflatten", {"unflattened_size": [1, 8, 8]}),
        ("conv", "Conv2d", {"out_channels": 3, "kernel_size": 3, "padding": 1}),
        ("flat", "Flatten", {}),
        ("tanh", "Tanh", {}),
        ("out", "Linear", {"out_features": 2}),
        ("probabilities", "Softmax", {}),
        dataset="circle",
    ),
    "images": chain(
        ("conv1", "Conv2d", {"out_channels": 4, "kernel_size": [3, 2], "stride": 1, "padding": [1, 0]}),
        ("bn", "BatchNorm2d", {}),
        ("relu", "ReLU", {}),
        ("drop", "Dropout2d", {"p": 0.1}),
        ("depthwise", "Conv2d", {"out_channels": 8, "kernel_size": 3, "groups": 4, "padding": 1, "dilation": 1}),
        ("up", "ConvTranspose2d", {"out_channels": 4, "kernel_size": 2, "stride": 2}),
        ("avg", "AvgPool2d", {"kernel_size": 2}),
        ("pool", "MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
        ("gap", "AdaptiveAvgPool2d", {}),
        ("flat", "Flatten", {}),
        ("out", "Linear", {"out_features": 10}),
        dataset="digits",
    ),
    "recurrent": chain(
        ("gru", "GRU", {"hidden_size": 8, "bidirectional": True}),
        ("lstm", "LSTM", {"hidden_size": 6}),
        ("rnn", "RNN", {"hidden_size": 5, "nonlinearity": "relu"}),
        ("pool", "SequencePool", {"mode": "max"}),
        ("out", "Linear", {"out_features": 1}),
        dataset="sine",
        loss="MSELoss",
    ),
    "signals": chain(
        ("fc", "Linear", {"out_features": 32}),
        ("channels", "Unflatten", {"unflattened_size": [2, 16]}),
        ("conv", "Conv1d", {"out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 1}),
        ("relu", "ReLU", {}),
        ("flat", "Flatten", {}),
        ("out", "Linear", {"out_features": 2}),
        dataset="circle",
    ),
    "attention": chain(
        ("embed", "Embedding", {"embedding_dim": 16}),
        ("positions", "PositionalEncoding", {}),
        (
            "encoder",
            "TransformerEncoderLayer",
            {"nhead": 4, "dim_feedforward": 24, "activation": "gelu", "norm_first": True},
        ),
        ("attention", "MultiheadAttention", {"num_heads": 2}),
        ("pool", "SequencePool", {"mode": "last"}),
        ("out", "Linear", {"out_features": 4}),
        dataset="marked",
    ),
    "branches": document(
        [
            {"id": "input", "type": "Input"},
            {"id": "left", "type": "Conv2d", "params": {"out_channels": 2, "kernel_size": 1}},
            {"id": "right", "type": "Conv2d", "params": {"out_channels": 3, "kernel_size": 3, "padding": 1}},
            {"id": "joined", "type": "Concat", "params": {}},
            {"id": "flat", "type": "Flatten"},
            {"id": "out", "type": "Linear", "params": {"out_features": 10}},
        ],
        [
            ["input", "left"],
            ["input", "right"],
            ["left", "joined"],
            ["right", "joined"],
            ["joined", "flat"],
            ["flat", "out"],
        ],
        dataset="digits",
    ),
}


def _round_trip(experiment: Any, base_dir: Path | None, tmp_path: Path) -> tuple[Any, Any, Any]:
    """(original model, imported result, imported model with its weights), both in eval mode."""
    export_onnx(experiment, tmp_path / "model.onnx", base_dir)
    original, _example = model_to_trace(experiment, base_dir, None, None, None)
    imported = import_onnx(tmp_path / "model.onnx")
    model = build_model(imported.experiment, imported.facts)
    model.load_state_dict(imported.weights)
    return original.eval(), imported, model.eval()


def _assert_same(original: Any, imported: Any, model: Any) -> None:
    assert sum(p.numel() for p in model.parameters()) == sum(p.numel() for p in original.parameters())
    assert imported.parameter_count == sum(p.numel() for p in original.parameters())
    batch = example_input(imported.facts, 5)
    with torch.no_grad():
        torch.testing.assert_close(model(batch), original(batch), atol=ATOL, rtol=0)
    assert imported.difference <= 1e-4


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_comes_back_with_its_parameters_and_outputs(name: str, tmp_path: Path) -> None:
    experiment = load_experiment(Path(PRESETS_DIR) / f"{name}.json")
    original, imported, model = _round_trip(experiment, Path(PRESETS_DIR), tmp_path)
    _assert_same(original, imported, model)
    # the same layers, in the same order, with the same settings the learner gave them
    kinds = [node.type for node in experiment.model.nodes if node.type not in ("Dropout", "Dropout2d")]
    assert [node.type for node in imported.experiment.model.nodes] == kinds


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_every_layer_type_comes_back(name: str, tmp_path: Path) -> None:
    experiment = experiment_from_dict(CHAINS[name])
    original, imported, model = _round_trip(experiment, None, tmp_path)
    _assert_same(original, imported, model)
    given = {node.id: node for node in experiment.model.nodes}
    for node in imported.experiment.model.nodes:
        if node.type not in ("Input", "Identity", "Dropout", "Dropout2d") and node.id in given:
            assert _settings(node) == _settings(given[node.id]), node.id


def _settings(node: Any) -> dict[str, Any]:
    """A node's parameters with the catalogue's defaults filled in (dropout rates are not in an eval export)."""
    settings = {spec.name: spec.default for spec in LAYERS[node.type].params}
    settings.update(node.params)
    return {name: value for name, value in settings.items() if name != "dropout"}


def test_the_chains_cover_every_layer_type() -> None:
    used = {node["type"] for doc in CHAINS.values() for node in doc["model"]["nodes"]}
    assert used >= set(LAYERS) - {"Add"}  # Add: the ResNet preset
    assert "Add" in json.dumps(json.loads((Path(PRESETS_DIR) / "resnet_block_digits.json").read_text()))


def _file(tmp_path: Path, nodes: list[Any], inputs: list[Any], outputs: list[Any], inits: list[Any] = ()) -> Path:
    model = helper.make_model(
        helper.make_graph(nodes, "g", inputs, outputs, list(inits)), opset_imports=[helper.make_opsetid("", 18)]
    )
    path = tmp_path / "model.onnx"
    onnx.save(model, str(path))
    return path


def _value(name: str, *dims: Any) -> Any:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", *dims])


def test_an_unsupported_operator_is_refused_by_name(tmp_path: Path) -> None:
    weight = helper.make_tensor("w", TensorProto.FLOAT, [3, 4], np.ones(12, np.float32))
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["h"], transB=1),
        helper.make_node("Erf", ["h"], ["e"]),
        helper.make_node("Relu", ["e"], ["r"]),
        helper.make_node("HardSwish", ["r"], ["y"]),
    ]
    path = _file(tmp_path, nodes, [_value("x", 4)], [_value("y", 3)], [weight])
    with pytest.raises(OnnxRefused) as caught:
        import_onnx(path)
    assert caught.value.unsupported == ("Erf", "HardSwish")
    assert "Erf, HardSwish" in str(caught.value) and "Nothing was imported" in str(caught.value)


def test_the_command_line_names_the_operators_and_writes_nothing(tmp_path: Path, capsys) -> None:
    nodes = [helper.make_node("Cos", ["x"], ["y"])]
    path = _file(tmp_path, nodes, [_value("x", 4)], [_value("y", 4)])
    out = tmp_path / "out.json"
    assert main(["import", str(path), "-o", str(out)]) == 1
    assert "Cos" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]


def test_a_broken_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.onnx"
    path.write_bytes(b"\x08\x07 not a protobuf \xff\xff")
    with pytest.raises(OnnxRefused, match="broken.onnx: it is not a valid ONNX model"):
        import_onnx(path)
    with pytest.raises(OnnxRefused, match="file not found"):
        import_onnx(tmp_path / "missing.onnx")


def test_a_model_of_two_inputs_is_refused(tmp_path: Path) -> None:
    nodes = [helper.make_node("Add", ["a", "b"], ["y"])]
    path = _file(tmp_path, nodes, [_value("a", 4), _value("b", 4)], [_value("y", 4)])
    with pytest.raises(OnnxRefused, match="one input and one output"):
        import_onnx(path)


def test_imported_experiment_trains_from_the_files_weights(tmp_path: Path, capsys) -> None:
    experiment = load_experiment(Path(PRESETS_DIR) / "lenet5_mnist.json")
    export_onnx(experiment, tmp_path / "lenet.onnx", Path(PRESETS_DIR))
    assert main(["import", str(tmp_path / "lenet.onnx"), "-o", str(tmp_path / "lenet.json")]) == 0
    printed = capsys.readouterr().out
    assert "61,706 parameters" in printed and "mnist" in printed
    saved = json.loads((tmp_path / "lenet.json").read_text())
    assert saved["model"]["weights"] == "lenet.safetensors" and saved["version"] == 5
    assert (tmp_path / "lenet.weights.json").is_file()

    from playground.core.training.engine import Trainer

    trainer = Trainer(load_experiment(tmp_path / "lenet.json"), base_dir=tmp_path, epochs=1)
    original, _example = model_to_trace(experiment, Path(PRESETS_DIR), None, None, None)
    for key, value in original.state_dict().items():
        torch.testing.assert_close(trainer.model.state_dict()[key].cpu(), value, atol=0, rtol=0)
    assert trainer.starting_weights is not None and not trainer.starting_weights.fresh


def test_a_changed_graph_keeps_the_weights_that_still_fit(tmp_path: Path) -> None:
    experiment = load_experiment(Path(PRESETS_DIR) / "cnn_mnist.json")
    export_onnx(experiment, tmp_path / "cnn.onnx", Path(PRESETS_DIR))
    save_import(import_onnx(tmp_path / "cnn.onnx"), tmp_path / "cnn.json")
    saved = json.loads((tmp_path / "cnn.json").read_text())
    conv = next(node for node in saved["model"]["nodes"] if node["type"] == "Conv2d")
    conv["params"]["out_channels"] = 8  # the learner narrows the convolution after the import
    from playground.core.graph.starting_weights import apply_starting_weights

    changed = experiment_from_dict(saved)
    model = build_model(changed, import_onnx(tmp_path / "cnn.onnx").facts)
    started = apply_starting_weights(model, changed, tmp_path)
    assert started is not None
    assert set(started.fresh) == {"conv.weight", "conv.bias", "logits.weight"}
    assert started.loaded == ("logits.bias",)
    assert "1 of 4 tensors" in started.describe()


def test_missing_starting_weights_say_what_to_do(tmp_path: Path) -> None:
    from playground.core.errors import ExperimentError
    from playground.core.graph.starting_weights import read_starting_weights

    missing = chain(("out", "Linear", {"out_features": 2}), dataset="circle")
    missing["model"]["weights"] = "gone.safetensors"
    with pytest.raises(ExperimentError, match="gone.safetensors were not found"):
        read_starting_weights(experiment_from_dict(missing), tmp_path)


def test_the_import_never_replaces_a_file_it_did_not_write(tmp_path: Path) -> None:
    experiment = load_experiment(Path(PRESETS_DIR) / "xor.json")
    export_onnx(experiment, tmp_path / "xor.onnx", Path(PRESETS_DIR))
    (tmp_path / "xor.safetensors").write_text("the user's own file")
    from playground.core.safe_files import ForeignFileError

    with pytest.raises(ForeignFileError):
        save_import(import_onnx(tmp_path / "xor.onnx"), tmp_path / "xor.json")
    assert (tmp_path / "xor.safetensors").read_text() == "the user's own file"
    assert not (tmp_path / "xor.json").exists()


def test_exported_script_of_an_import_starts_from_its_weights(tmp_path: Path) -> None:
    import subprocess
    import sys

    experiment = load_experiment(Path(PRESETS_DIR) / "xor.json")
    export_onnx(experiment, tmp_path / "xor.onnx", Path(PRESETS_DIR))
    save_import(import_onnx(tmp_path / "xor.onnx"), tmp_path / "xor.json")
    imported = load_experiment(tmp_path / "xor.json")
    assert main(["export", str(tmp_path / "xor.json"), "-o", str(tmp_path / "script.py")]) == 0
    script = subprocess.run(
        [sys.executable, str(tmp_path / "script.py"), "--epochs", "2"], capture_output=True, text=True, check=True
    ).stdout
    from playground.core.training.engine import Trainer

    summary = Trainer(imported, base_dir=tmp_path, epochs=2).run()
    losses = [f"{epoch['train_loss']:.4f}" for epoch in summary.history]
    assert len(losses) == 2
    for loss in losses:
        assert f"train loss {loss}" in script
