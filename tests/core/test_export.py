"""Exports: standalone Python (runs without the playground and reproduces the app's run), ONNX and
`torch.export` round trips that give the source model's outputs, and safetensors weights."""

from __future__ import annotations

import copy
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from playground.core.data import load_dataset
from playground.core.errors import ExportError
from playground.core.experiment import experiment_from_dict, experiment_to_dict
from playground.core.export import (
    FORMATS,
    class_name_for,
    export,
    export_onnx,
    export_pt2,
    export_python,
    export_weights,
    load_weights,
    onnx_export,
)
from playground.core.graph import build_model, check_experiment

pytestmark = pytest.mark.usefixtures("one_torch_thread")


# ---- experiments, as documents ------------------------------------------------------------------


def document(
    name: str, nodes: list[dict[str, Any]], edges: list[list[str]], dataset: str, **training: Any
) -> dict[str, Any]:
    settings = {
        "loss": {"type": "CrossEntropyLoss", "params": {}},
        "optimizer": {"type": "Adam", "params": {"lr": 0.01}},
        "scheduler": None,
        "epochs": 3,
        "batch_size": 64,
        "seed": 0,
        "device": "cpu",
    }
    settings.update(training)
    return {
        "format": "nn-playground.experiment",
        "version": 1,
        "name": name,
        "description": "",
        "data": {"dataset": dataset, "params": {}, "split": {"train": 0.7, "val": 0.15, "test": 0.15}, "seed": 0},
        "model": {"nodes": nodes, "edges": edges},
        "training": settings,
    }


def chain_document(name: str, dataset: str, *layers: tuple[str, str, dict[str, Any]], **training: Any) -> dict:
    nodes = [{"id": "input", "type": "Input"}]
    nodes += [{"id": node_id, "type": kind, "params": params} for node_id, kind, params in layers]
    edges = [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]
    return document(name, nodes, edges, dataset, **training)


def mlp_doc() -> dict:
    return chain_document(
        "XOR needs a hidden layer",
        "xor",
        ("hidden", "Linear", {"out_features": 8}),
        ("act", "Tanh", {}),
        ("logits", "Linear", {"out_features": 2}),
    )


def cnn_doc() -> dict:
    return chain_document(
        "Small CNN",
        "digits",
        ("conv1", "Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1}),
        ("bn1", "BatchNorm2d", {}),
        ("relu1", "ReLU", {}),
        ("pool1", "MaxPool2d", {"kernel_size": 2}),
        ("flatten", "Flatten", {}),
        ("drop", "Dropout", {"p": 0.2}),
        ("fc1", "Linear", {"out_features": 10}),
    )


def resnet_doc() -> dict:
    """A ResNet basic block whose shortcut is a strided 1×1 projection (with its BatchNorm)."""
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "conv1", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "stride": 2, "padding": 1}},
        {"id": "bn1", "type": "BatchNorm2d"},
        {"id": "relu1", "type": "ReLU"},
        {"id": "conv2", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
        {"id": "bn2", "type": "BatchNorm2d"},
        {"id": "shortcut", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 1, "stride": 2}},
        {"id": "shortcut_bn", "type": "BatchNorm2d"},
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
        ["shortcut", "shortcut_bn"],
        ["bn2", "add"],
        ["shortcut_bn", "add"],
        ["add", "relu2"],
        ["relu2", "pool"],
        ["pool", "flatten"],
        ["flatten", "fc"],
    ]
    return document("ResNet basic block", nodes, edges, "digits")


def lstm_doc() -> dict:
    return chain_document(
        "Sine LSTM",
        "sine",
        ("lstm", "LSTM", {"hidden_size": 16}),
        ("last", "SequencePool", {"mode": "last"}),
        ("head", "Linear", {"out_features": 1}),
        loss={"type": "MSELoss", "params": {}},
    )


def transformer_doc() -> dict:
    return chain_document(
        "Majority transformer",
        "majority",
        ("embed", "Embedding", {"embedding_dim": 16}),
        ("pos", "PositionalEncoding", {}),
        ("enc", "TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 32}),
        ("attn", "MultiheadAttention", {"num_heads": 2}),
        ("pool", "SequencePool", {"mode": "mean"}),
        ("head", "Linear", {"out_features": 6}),
    )


DOCS = {"mlp": mlp_doc, "cnn": cnn_doc, "resnet": resnet_doc, "lstm": lstm_doc, "transformer": transformer_doc}


def experiment_of(doc: dict):
    return experiment_from_dict(copy.deepcopy(doc))


def app_model(experiment):
    """The app's model, built as the engine builds it (seeded)."""
    info = load_dataset(experiment.data).info
    torch.manual_seed(experiment.training.seed)
    return build_model(experiment, info), info


def sample_inputs(info, batch: int = 5) -> torch.Tensor:
    """A batch size other than the exporters' example batch, so the dynamic batch is exercised."""
    generator = torch.Generator().manual_seed(1)
    shape = (batch, *info.input_shape)
    if info.input_dtype == "int64":
        return torch.randint(0, info.vocab_size, shape, generator=generator)
    return torch.randn(shape, generator=generator)


def import_file(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def engine_history(experiment, epochs: int) -> list[dict[str, float]]:
    from playground.core.training.engine import Trainer, TrainerOptions

    trainer = Trainer(experiment, options=TrainerOptions(diagnostics=False), epochs=epochs)
    return trainer.run().history


EPOCH_LINE = re.compile(r"epoch\s+(\d+)\s+train loss ([\d.]+)\s+val loss ([\d.]+)")


def printed_losses(stdout: str) -> list[tuple[float, float]]:
    return [(float(m.group(2)), float(m.group(3))) for m in EPOCH_LINE.finditer(stdout)]


def assert_matches_engine(stdout: str, history: list[dict[str, float]]) -> None:
    printed = printed_losses(stdout)
    assert len(printed) == len(history), stdout
    for (train, val), row in zip(printed, history):
        assert train == pytest.approx(row["train_loss"], abs=1.5e-4)
        assert val == pytest.approx(row["val_loss"], abs=1.5e-4)


# ---- Python -----------------------------------------------------------------------------------------

BLOCK_PLAYGROUND = (
    "import runpy, sys; sys.modules['playground'] = None; "  # any import of playground now fails
    "sys.argv = [sys.argv[1], *sys.argv[2:]]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


@pytest.mark.parametrize("name", ["cnn", "resnet"])
def test_exported_python_runs_standalone_and_matches_the_app(tmp_path: Path, name: str) -> None:
    experiment = experiment_of(DOCS[name]())
    result = export_python(experiment, tmp_path / f"{name}.py")
    source = (tmp_path / f"{name}.py").read_text(encoding="utf-8")
    assert result.path == tmp_path / f"{name}.py"
    assert (tmp_path / f"{name}_data.npz").is_file()
    import_lines = [line for line in source.splitlines() if re.match(r"\s*(import|from)\s", line)]
    assert import_lines and not [line for line in import_lines if "playground" in line]

    # runs in a fresh interpreter in which `import playground` fails, from its own folder
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    run = subprocess.run(
        [sys.executable, "-c", BLOCK_PLAYGROUND, f"{name}.py", "--epochs", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "epoch   1  train loss" in run.stdout and "test loss" in run.stdout
    # same initial weights, same batches, same dropout masks: the app's curve, printed
    assert_matches_engine(run.stdout, engine_history(experiment, epochs=1))

    module = import_file(tmp_path / f"{name}.py", f"exported_{name}")
    model_class = getattr(module, class_name_for(experiment.name))
    model, info = app_model(experiment)
    report = check_experiment(experiment, info)
    exported = model_class()
    count = sum(p.numel() for p in exported.parameters() if p.requires_grad)
    assert count == sum(p.numel() for p in model.parameters() if p.requires_grad) == report.total_params

    # the app's state dict loads into the exported class (strict) and gives identical outputs
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(0.01 * torch.randn_like(parameter))  # not the initial weights
    exported.load_state_dict(model.state_dict())
    model.eval()
    exported.eval()
    x = sample_inputs(info, 16)
    assert torch.equal(exported(x), model(x))


@pytest.mark.parametrize("name", ["mlp", "lstm", "transformer"])
def test_exported_class_has_the_app_initial_weights(tmp_path: Path, name: str) -> None:
    experiment = experiment_of(DOCS[name]())
    export_python(experiment, tmp_path / "model.py")
    module = import_file(tmp_path / "model.py", f"exported_init_{name}")
    model, info = app_model(experiment)
    torch.manual_seed(experiment.training.seed)
    exported = getattr(module, class_name_for(experiment.name))()
    state, app_state = exported.state_dict(), model.state_dict()
    assert list(state) == list(app_state)
    assert all(torch.equal(state[key], app_state[key]) for key in state)
    model.eval()
    exported.eval()
    x = sample_inputs(info)
    assert torch.allclose(exported(x), model(x), atol=1e-6)


def zoo_doc() -> dict:
    """One graph with most layer types: transposed/depthwise/1-D convs, pools, merges, norms, activations."""
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "up", "type": "ConvTranspose2d", "params": {"out_channels": 2, "kernel_size": 2, "stride": 2}},
        {"id": "avg", "type": "AvgPool2d", "params": {"kernel_size": 2}},
        {"id": "drop2d", "type": "Dropout2d", "params": {"p": 0.1}},
        {"id": "dw", "type": "Conv2d", "params": {"out_channels": 2, "kernel_size": 3, "padding": 1, "groups": 2}},
        {"id": "gelu", "type": "GELU", "params": {"approximate": "tanh"}},
        {"id": "branch", "type": "AdaptiveAvgPool2d", "params": {"output_size": [2, 4]}},
        {"id": "flat_a", "type": "Flatten"},
        {"id": "flat_b", "type": "Flatten"},
        {"id": "cat", "type": "Concat", "params": {"dim": 1}},
        {"id": "unflat", "type": "Unflatten", "params": {"unflattened_size": [2, -1]}},
        {"id": "conv1d", "type": "Conv1d", "params": {"out_channels": 3, "kernel_size": 3}},
        {"id": "bn1d", "type": "BatchNorm1d"},
        {"id": "leaky", "type": "LeakyReLU", "params": {"negative_slope": 0.1}},
        {"id": "flat_c", "type": "Flatten"},
        {"id": "ln", "type": "LayerNorm"},
        {"id": "elu", "type": "ELU"},
        {"id": "ident", "type": "Identity"},
        {"id": "fc", "type": "Linear", "params": {"out_features": 16}},
        {"id": "silu", "type": "SiLU"},
        {"id": "mish", "type": "Mish"},
        {"id": "sig", "type": "Sigmoid"},
        {"id": "sp", "type": "Softplus", "params": {"beta": 2.0}},
        {"id": "drop", "type": "Dropout", "params": {"p": 0.3}},
        {"id": "out", "type": "Linear", "params": {"out_features": 10}},
        {"id": "soft", "type": "Softmax"},
    ]
    edges = [
        ["input", "up"],
        ["up", "avg"],
        ["avg", "drop2d"],
        ["drop2d", "dw"],
        ["dw", "gelu"],
        ["gelu", "branch"],
        ["gelu", "flat_a"],
        ["branch", "flat_b"],
        ["flat_a", "cat"],
        ["flat_b", "cat"],
    ]
    chain = [
        "cat",
        "unflat",
        "conv1d",
        "bn1d",
        "leaky",
        "flat_c",
        "ln",
        "elu",
        "ident",
        "fc",
        "silu",
        "mish",
        "sig",
        "sp",
        "drop",
        "out",
        "soft",
    ]
    edges += [[a, b] for a, b in zip(chain, chain[1:])]
    return document("Layer zoo", nodes, edges, "digits")


def recurrent_doc() -> dict:
    return chain_document(
        "Stacked recurrent",
        "sine",
        ("rnn", "RNN", {"hidden_size": 8, "nonlinearity": "relu", "num_layers": 2, "dropout": 0.1}),
        ("gru", "GRU", {"hidden_size": 4, "bidirectional": True}),
        ("pool", "SequencePool", {"mode": "max"}),
        ("head", "Linear", {"out_features": 1}),
        loss={"type": "HuberLoss", "params": {"delta": 0.5}},
    )


@pytest.mark.parametrize("make", [zoo_doc, recurrent_doc], ids=["zoo", "recurrent"])
def test_exported_class_matches_the_app_for_many_layer_types(tmp_path: Path, make) -> None:
    experiment = experiment_of(make())
    export_python(experiment, tmp_path / "zoo.py")
    module = import_file(tmp_path / "zoo.py", f"exported_{make.__name__}")
    model, info = app_model(experiment)
    exported = getattr(module, class_name_for(experiment.name))()
    exported.load_state_dict(model.state_dict())
    x = sample_inputs(info, 8)
    for training in (True, False):  # dropout masks too: same seed, same masks
        model.train(training)
        exported.train(training)
        torch.manual_seed(3)
        expected = model(x)
        torch.manual_seed(3)
        assert torch.equal(exported(x), expected)


def _variant(doc: dict, model_init: str | None = None, train_share: float | None = None, **training: Any) -> Any:
    doc = copy.deepcopy(doc)
    if model_init:
        doc["model"]["init"] = model_init
    if train_share:  # a smaller training split keeps the test quick
        rest = round((1 - train_share) / 2, 6)
        doc["data"]["split"] = {"train": round(1 - 2 * rest, 6), "val": rest, "test": rest}
    doc["training"].update(training)
    return experiment_from_dict(doc)


def _one_output(doc: dict) -> dict:
    doc["model"]["nodes"][-1]["params"]["out_features"] = 1
    return doc


VARIANTS = {
    # He init, Nesterov SGD, StepLR with warmup, L1, norm clipping, early stopping and keep-best, focal loss
    "resnet-everything": lambda: _variant(
        resnet_doc(),
        "kaiming",
        train_share=0.3,
        epochs=2,
        loss={"type": "FocalLoss", "params": {"gamma": 2.0}},
        optimizer={"type": "SGD", "params": {"lr": 0.05, "momentum": 0.9, "nesterov": True}},
        scheduler={"type": "StepLR", "params": {"step_size": 1, "gamma": 0.5}, "interval": "epoch", "warmup_steps": 5},
        l1=1e-4,
        gradient_clipping={"mode": "norm", "max_value": 1.0},
        early_stopping={"monitor": "val_accuracy", "patience": 5},
        keep_best={"monitor": "val_loss"},
    ),
    # regression, full batch, one-cycle per step, value clipping
    "lstm-onecycle": lambda: _variant(
        lstm_doc(),
        epochs=2,
        batch_size="full",
        scheduler={"type": "OneCycleLR", "params": {"max_lr": 0.02}, "interval": "step", "warmup_steps": 0},
        gradient_clipping={"mode": "value", "max_value": 0.5},
    ),
    # tokens, Xavier init, KL divergence, reduce-on-plateau on accuracy
    "transformer-plateau": lambda: _variant(
        transformer_doc(),
        "xavier",
        train_share=0.4,
        epochs=2,
        loss={"type": "KLDivLoss", "params": {}},
        scheduler={"type": "ReduceLROnPlateau", "params": {"patience": 0, "mode": "max"}},
    ),
    # one output with BCE and pos_weight, keep-best restores an earlier epoch
    "xor-bce": lambda: _variant(
        _one_output(mlp_doc()),
        epochs=3,
        loss={"type": "BCEWithLogitsLoss", "params": {"pos_weight": 2.0}},
        optimizer={"type": "RMSprop", "params": {"lr": 0.01}},
        keep_best={"monitor": "val_accuracy"},
    ),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_exported_training_script_reproduces_the_engine(tmp_path: Path, name: str, monkeypatch, capsys) -> None:
    experiment = VARIANTS[name]()
    path = tmp_path / "train_me.py"
    export_python(experiment, path)
    module = import_file(path, f"exported_variant_{name.replace('-', '_')}")
    monkeypatch.setattr(sys, "argv", [str(path)])
    module.main()
    out = capsys.readouterr().out
    assert "test loss" in out
    assert_matches_engine(out, engine_history(experiment, epochs=experiment.training.epochs))
    if experiment.data.dataset == "sine":
        assert "val MAE" in out and "test MAE" in out


def test_python_export_reads_npz_data_and_takes_trained_weights(tmp_path: Path, monkeypatch, capsys) -> None:
    experiment = experiment_of(mlp_doc())
    model, info = app_model(experiment)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.mul_(1.5)
    result = export_python(experiment, tmp_path / "xor.py", model=model)
    names = {path.name for path in result.extra_paths}
    assert names == {"xor_data.npz", "xor_weights.pt"}
    dataset = load_dataset(experiment.data)
    with np.load(tmp_path / "xor_data.npz") as arrays:
        assert sorted(arrays.files) == sorted(["x_train", "y_train", "x_val", "y_val", "x_test", "y_test"])
        assert np.array_equal(arrays["x_train"], dataset.x_train.numpy())
        assert np.array_equal(arrays["y_test"], dataset.y_test.numpy())
    assert "--weights xor_weights.pt" in (tmp_path / "xor.py").read_text(encoding="utf-8")

    module = import_file(tmp_path / "xor.py", "exported_xor_weights")
    monkeypatch.setattr(
        sys,
        "argv",
        [
            "xor.py",
            "--weights",
            str(tmp_path / "xor_weights.pt"),
            "--epochs",
            "0",
            "--save",
            str(tmp_path / "again.pt"),
        ],
    )
    module.main()
    out = capsys.readouterr().out
    assert "epoch" not in out and "test accuracy" in out
    saved = torch.load(tmp_path / "again.pt", weights_only=True)
    assert all(torch.equal(saved[key], value) for key, value in model.state_dict().items())


def test_python_export_refuses_weights_of_another_model(tmp_path: Path) -> None:
    experiment = experiment_of(mlp_doc())
    with pytest.raises(ExportError, match="do not fit"):
        export_python(experiment, tmp_path / "xor.py", state_dict={"hidden.weight": torch.zeros(3, 3)})
    assert not (tmp_path / "xor.py").exists()


def test_class_names() -> None:
    assert class_name_for("XOR needs a hidden layer") == "XORNeedsAHiddenLayer"
    assert class_name_for("small cnn (v2)") == "SmallCnnV2"
    assert class_name_for("3 layers") == "Model3Layers"
    assert class_name_for("异或") == "Model"
    assert class_name_for("focal loss") == "FocalLossModel"


# ---- ONNX and torch.export round trips -------------------------------------------------------------

ROUND_TRIP = ["mlp", "cnn", "lstm", "transformer"]


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_onnx_round_trip_gives_the_model_outputs(tmp_path: Path, name: str) -> None:
    ort = pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    experiment = experiment_of(DOCS[name]())
    result = export_onnx(experiment, tmp_path / f"{name}.onnx")
    assert result.notes == (), result.notes  # the batch dimension is dynamic
    model, info = app_model(experiment)
    model.eval()
    x = sample_inputs(info)
    session = ort.InferenceSession(str(tmp_path / f"{name}.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["x"]
    (got,) = session.run(None, {"x": x.numpy()})
    with torch.no_grad():
        expected = model(x).numpy()
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_pt2_round_trip_gives_the_model_outputs(tmp_path: Path, name: str) -> None:
    experiment = experiment_of(DOCS[name]())
    result = export(experiment, "pt2", tmp_path / f"{name}.pt2")
    assert result.notes == (), result.notes
    model, info = app_model(experiment)
    model.eval()
    x = sample_inputs(info)
    loaded = torch.export.load(str(tmp_path / f"{name}.pt2")).module()
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), model(x), atol=1e-5, rtol=1e-5)


def test_exports_take_trained_weights_and_leave_rng_and_mode_alone(tmp_path: Path) -> None:
    experiment = experiment_of(cnn_doc())
    model, info = app_model(experiment)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(0.1)
    model.train()
    state = torch.get_rng_state()
    export_pt2(experiment, tmp_path / "trained.pt2", model=model)
    assert torch.equal(torch.get_rng_state(), state)
    assert model.training  # back in the mode it was in
    x = sample_inputs(info)
    loaded = torch.export.load(str(tmp_path / "trained.pt2")).module()
    model.eval()
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), model(x), atol=1e-5, rtol=1e-5)
        fresh, _ = app_model(experiment)
        assert not torch.allclose(loaded(x), fresh.eval()(x))


def test_onnx_without_the_extra_says_how_to_install_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(onnx_export, "missing_packages", lambda: ["onnxscript"])
    with pytest.raises(ExportError, match=re.escape('pip install "nn-playground[onnx]"')):
        export(experiment_of(mlp_doc()), "onnx", tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


def test_invalid_graph_is_refused_with_every_error(tmp_path: Path) -> None:
    doc = cnn_doc()
    doc["model"]["nodes"] = [n for n in doc["model"]["nodes"] if n["id"] != "flatten"]
    doc["model"]["edges"] = [e for e in doc["model"]["edges"] if "flatten" not in e] + [["pool1", "drop"]]
    for fmt in FORMATS:
        with pytest.raises(ExportError, match="insert Flatten before 'fc1'"):
            export(experiment_of(doc), fmt, tmp_path / f"bad{FORMATS[fmt]}")
    assert list(tmp_path.iterdir()) == []


def test_export_to_a_folder_or_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    experiment = experiment_of(mlp_doc())
    with pytest.raises(ExportError, match="is a folder"):
        export(experiment, "pt2", tmp_path)
    with pytest.raises(ExportError, match="does not exist"):
        export(experiment, "pt2", tmp_path / "nowhere" / "x.pt2")


# ---- safetensors ----------------------------------------------------------------------------------------


def test_weights_round_trip_with_experiment_sidecar(tmp_path: Path) -> None:
    experiment = experiment_of(resnet_doc())
    model, _ = app_model(experiment)
    result = export_weights(model, tmp_path / "block.safetensors", experiment)
    assert result.extra_paths == (tmp_path / "block.weights.json",)
    tensors, again = load_weights(tmp_path / "block.safetensors")
    assert set(tensors) == set(model.state_dict())
    assert all(torch.equal(tensors[key], value) for key, value in model.state_dict().items())
    assert experiment_to_dict(again) == experiment_to_dict(experiment)
    with pytest.raises(ExportError, match=".safetensors"):
        export_weights(model, tmp_path / "block.json", experiment)
