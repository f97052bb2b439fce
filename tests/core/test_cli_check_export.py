"""`playground check` and `playground export`: tables, JSON, every broken case with its message,
exit codes 0/1/2, and never a traceback for a user error."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from playground.cli import main
from playground.core.experiment import FORMAT_VERSION
from playground.core.export import onnx_export

# ---- documents ------------------------------------------------------------------------------------


def document(
    nodes: list[dict[str, Any]], edges: list[list[str]], dataset: str = "digits", loss: str = "CrossEntropyLoss"
) -> dict[str, Any]:
    return {
        "format": "nn-playground.experiment",
        "version": 1,
        "name": "CLI test",
        "description": "",
        "data": {"dataset": dataset, "params": {}, "split": {"train": 0.7, "val": 0.15, "test": 0.15}, "seed": 0},
        "model": {"nodes": nodes, "edges": edges},
        "training": {
            "loss": {"type": loss, "params": {}},
            "optimizer": {"type": "Adam", "params": {"lr": 0.01}},
            "scheduler": None,
            "epochs": 2,
            "batch_size": 32,
            "seed": 0,
            "device": "cpu",
        },
    }


def chain(*layers: tuple[str, str, dict[str, Any]], dataset: str = "digits") -> dict[str, Any]:
    nodes = [{"id": "input", "type": "Input"}]
    nodes += [{"id": node_id, "type": kind, "params": params} for node_id, kind, params in layers]
    return document(nodes, [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])], dataset)


def cnn() -> dict[str, Any]:
    return chain(
        ("conv1", "Conv2d", {"out_channels": 4, "kernel_size": 3}),
        ("relu", "ReLU", {}),
        ("flatten", "Flatten", {}),
        ("fc1", "Linear", {"out_features": 10}),
    )


def xor() -> dict[str, Any]:
    return chain(
        ("hidden", "Linear", {"out_features": 4}),
        ("act", "Tanh", {}),
        ("logits", "Linear", {"out_features": 2}),
        dataset="xor",
    )


def residual(add_inputs: list[str], shortcut_channels: int = 4) -> dict[str, Any]:
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "conv1", "type": "Conv2d", "params": {"out_channels": 4, "kernel_size": 3, "padding": 1}},
        {"id": "shortcut", "type": "Conv2d", "params": {"out_channels": shortcut_channels, "kernel_size": 1}},
        {"id": "add", "type": "Add"},
        {"id": "flatten", "type": "Flatten"},
        {"id": "fc", "type": "Linear", "params": {"out_features": 10}},
    ]
    edges = [
        ["input", "conv1"],
        ["input", "shortcut"],
        *[[source, "add"] for source in add_inputs],
        ["add", "flatten"],
        ["flatten", "fc"],
    ]
    return document(nodes, edges)


def _cycle() -> dict[str, Any]:
    doc = xor()
    doc["model"]["edges"].append(["act", "hidden"])
    return doc


def _dangling() -> dict[str, Any]:
    doc = xor()
    doc["model"]["nodes"].append({"id": "lonely", "type": "ReLU"})
    return doc


def _second_input() -> dict[str, Any]:
    doc = xor()
    doc["model"]["nodes"].append({"id": "input2", "type": "Input"})
    doc["model"]["edges"].append(["input2", "act"])
    return doc


def _no_flatten() -> dict[str, Any]:
    return chain(("conv1", "Conv2d", {"out_channels": 4, "kernel_size": 3}), ("fc1", "Linear", {"out_features": 10}))


def _kernel_too_large() -> dict[str, Any]:
    return chain(
        ("conv1", "Conv2d", {"out_channels": 4, "kernel_size": 9}),
        ("flatten", "Flatten", {}),
        ("fc1", "Linear", {"out_features": 10}),
    )


def _three_outputs() -> dict[str, Any]:
    doc = cnn()
    doc["model"]["nodes"][-1]["params"]["out_features"] = 3
    return doc


GRAPH_ERRORS: dict[str, tuple[Callable[[], dict], str, str | None]] = {
    # name: (document, part of the message, node the error is on)
    "cycle": (_cycle, "part of a cycle", "hidden"),
    "dangling node": (_dangling, "'lonely' has no input", "lonely"),
    "second input": (_second_input, "second Input node 'input2'", "input2"),
    "merge with one input": (lambda: residual(["conv1"]), "needs at least 2 inputs but has 1", "add"),
    "add shapes differ": (
        lambda: residual(["conv1", "shortcut"], shortcut_channels=2),
        "needs inputs of one shape",
        "add",
    ),
    "linear fed 4-D": (_no_flatten, "insert Flatten before 'fc1'", "fc1"),
    "kernel too large": (_kernel_too_large, "larger than its (padded) input", "conv1"),
    "3 outputs for 10 classes": (_three_outputs, "is (N, 3) but the dataset has 10 classes", "fc1"),
}


def write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---- check: valid ----------------------------------------------------------------------------------------


def test_check_valid_file_prints_the_table(tmp_path: Path, capsys) -> None:
    code, out, err = run_cli(capsys, "check", write(tmp_path / "cnn.json", cnn()))
    assert code == 0, err
    lines = out.splitlines()
    assert re.search(r"^conv1\s+Conv2d\s+\(N, 4, 6, 6\)\s+40$", out, re.M), out
    assert re.search(r"^fc1\s+Linear\s+\(N, 10\)\s+1,450$", out, re.M), out
    assert re.search(r"^total\s+1,490$", out, re.M), out
    assert any(line.startswith("input") and "(N, 1, 8, 8)" in line for line in lines)
    assert "valid: 1,490 trainable parameters" in out
    assert err == ""


def test_check_json_schema(tmp_path: Path, capsys) -> None:
    code, out, _ = run_cli(capsys, "check", write(tmp_path / "cnn.json", cnn()), "--json")
    assert code == 0
    result = json.loads(out)
    assert {"valid", "total_params", "nodes", "errors"} <= set(result)
    assert result["valid"] is True and result["errors"] == []
    assert result["total_params"] == 1490
    assert [node["id"] for node in result["nodes"]] == ["input", "conv1", "relu", "flatten", "fc1"]
    for node in result["nodes"]:
        assert {"id", "type", "output_shape", "params"} <= set(node)
        assert node["output_shape"][0] is None
        assert all(isinstance(size, int) for size in node["output_shape"][1:])
        assert isinstance(node["params"], int)
    assert result["nodes"][3] == {"id": "flatten", "type": "Flatten", "output_shape": [None, 144], "params": 0}


def test_check_prints_warnings_but_passes(tmp_path: Path, capsys) -> None:
    doc = xor()
    doc["model"]["nodes"].append({"id": "probs", "type": "Softmax"})
    doc["model"]["edges"].append(["logits", "probs"])
    code, out, err = run_cli(capsys, "check", write(tmp_path / "soft.json", doc))
    assert code == 0
    assert "warning:" in err and "Softmax 'probs'" in err
    code, out, _ = run_cli(capsys, "check", tmp_path / "soft.json", "--json")
    result = json.loads(out)
    assert code == 0 and result["valid"] and result["warnings"][0]["node"] == "probs"


# ---- check: broken graphs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(GRAPH_ERRORS))
def test_check_lists_each_graph_error(tmp_path: Path, capsys, case: str) -> None:
    make, message, node = GRAPH_ERRORS[case]
    path = write(tmp_path / "broken.json", make())
    code, out, err = run_cli(capsys, "check", path)
    assert code == 1
    assert message in err, out + err
    assert "Traceback" not in err

    code, out, err = run_cli(capsys, "check", path, "--json")
    assert code == 1 and err == ""
    result = json.loads(out)
    assert result["valid"] is False
    matching = [e for e in result["errors"] if message in e["message"]]
    assert matching, result["errors"]
    assert matching[0]["node"] == node
    assert matching[0]["path"].startswith("model")
    assert {"node", "path", "message"} <= set(matching[0])


def test_check_offers_the_fixes(tmp_path: Path, capsys) -> None:
    code, _, err = run_cli(capsys, "check", write(tmp_path / "b.json", _no_flatten()))
    assert code == 1 and "fix: Insert Flatten before 'fc1'" in err
    code, _, err = run_cli(capsys, "check", write(tmp_path / "c.json", _three_outputs()))
    assert code == 1 and "fix: Set out_features of 'fc1' to 10" in err


def test_check_lists_every_error_at_once(tmp_path: Path, capsys) -> None:
    doc = _dangling()
    doc["model"]["nodes"].append({"id": "input2", "type": "Input"})
    code, out, _ = run_cli(capsys, "check", write(tmp_path / "two.json", doc), "--json")
    nodes = {error["node"] for error in json.loads(out)["errors"]}
    assert code == 1 and {"lonely", "input2"} <= nodes


# ---- check: unreadable and invalid files --------------------------------------------------------------------


def _newer(tmp_path: Path) -> Path:
    doc = xor()
    doc["version"] = FORMAT_VERSION + 1
    return write(tmp_path / "newer.json", doc)


def _unknown_key(tmp_path: Path) -> Path:
    doc = xor()
    doc["training"]["colour"] = "blue"
    return write(tmp_path / "unknown.json", doc)


def _unknown_parameter(tmp_path: Path) -> Path:
    doc = xor()
    doc["model"]["nodes"][1]["params"]["kernel_size"] = 3
    return write(tmp_path / "unknown_param.json", doc)


def _malformed(tmp_path: Path) -> Path:
    path = tmp_path / "malformed.json"
    path.write_text('{\n  "format": "nn-playground.experiment",\n  "version": 1,,\n}', encoding="utf-8")
    return path


def _binary(tmp_path: Path) -> Path:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    return path


FILE_ERRORS: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    # name: (make the file, part of the message, JSON path of the problem)
    "malformed JSON": (_malformed, "not valid JSON at line 3, column 16", ""),
    "a directory": (lambda tmp: tmp, "is a folder", ""),
    "missing file": (lambda tmp: tmp / "nope.json", "file not found", ""),
    "newer version": (_newer, "newer", "version"),
    "unknown key": (_unknown_key, "unknown key", "training.colour"),
    "unknown layer parameter": (_unknown_parameter, "unknown parameter", "model.nodes[1].params.kernel_size"),
    "not UTF-8": (_binary, "not UTF-8", ""),
    "not an object": (lambda tmp: write(tmp / "list.json", [1, 2]), "JSON object", ""),
}


@pytest.mark.parametrize("case", sorted(FILE_ERRORS))
def test_check_reports_file_problems_without_traceback(tmp_path: Path, capsys, case: str) -> None:
    make, message, json_path = FILE_ERRORS[case]
    path = make(tmp_path)
    code, out, err = run_cli(capsys, "check", path)
    assert code == 1
    assert message in err and "Traceback" not in err
    assert err.startswith("error: ")

    code, out, err = run_cli(capsys, "check", path, "--json")
    assert code == 1 and "Traceback" not in err
    result = json.loads(out)
    assert result["valid"] is False and result["total_params"] == 0 and result["nodes"] == []
    matching = [e for e in result["errors"] if message in e["message"]]
    assert matching and matching[0]["node"] is None and matching[0]["path"] == json_path


def test_check_reports_an_unloadable_dataset(tmp_path: Path, capsys) -> None:
    doc = xor()
    doc["data"] = {"dataset": "csv", "params": {"path": "missing.csv", "target": "y"}}
    code, out, err = run_cli(capsys, "check", write(tmp_path / "csv.json", doc), "--json")
    result = json.loads(out)
    assert code == 1 and result["errors"][0]["path"].startswith("data") and "Traceback" not in err


# ---- usage errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "a.json", "--bogus"],
        ["export", "a.json", "--format", "tflite", "-o", "x.tflite"],
        ["export"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_export_without_a_format_it_can_guess_is_a_usage_error(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "xor.json", xor())
    with pytest.raises(SystemExit) as exit_info:
        main(["export", str(path), "-o", str(tmp_path / "model.bin")])
    assert exit_info.value.code == 2
    assert "--format" in capsys.readouterr().err


# ---- export --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, suffix", [("python", ".py"), ("pt2", ".pt2"), ("onnx", ".onnx"), ("safetensors", ".safetensors")]
)
def test_export_writes_and_confirms_in_one_line(tmp_path: Path, capsys, fmt: str, suffix: str) -> None:
    path = write(tmp_path / "xor.json", xor())
    out_path = tmp_path / f"model{suffix}"
    code, out, err = run_cli(capsys, "export", path, "--format", fmt, "-o", out_path)
    assert code == 0, err
    assert out_path.is_file()
    assert len(out.strip().splitlines()) == 1 and str(out_path) in out
    assert err == ""


def test_export_guesses_the_format_from_the_suffix(tmp_path: Path, capsys, monkeypatch) -> None:
    path = write(tmp_path / "xor.json", xor())
    code, out, _ = run_cli(capsys, "export", path, "-o", tmp_path / "guess.pt2")
    assert code == 0 and "pt2" in out
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "export", path, "--format", "python")
    assert code == 0 and (tmp_path / "xor.py").is_file() and (tmp_path / "xor_data.npz").is_file()


def test_export_of_an_invalid_experiment_exits_1(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "bad.json", _no_flatten())
    code, out, err = run_cli(capsys, "export", path, "--format", "python", "-o", tmp_path / "bad.py")
    assert code == 1 and out == ""
    assert "not valid" in err and "insert Flatten before 'fc1'" in err and "Traceback" not in err
    assert not (tmp_path / "bad.py").exists()
    code, _, err = run_cli(capsys, "export", tmp_path / "missing.json", "--format", "pt2", "-o", tmp_path / "m.pt2")
    assert code == 1 and "file not found" in err


def test_export_never_overwrites_the_experiment_file(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "xor.json", xor())
    before = path.read_text(encoding="utf-8")
    code, _, err = run_cli(capsys, "export", path, "--format", "python", "-o", path)
    assert code == 1 and "experiment file itself" in err
    assert path.read_text(encoding="utf-8") == before


def test_export_onnx_without_the_extra_exits_1_with_the_install_hint(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(onnx_export, "missing_packages", lambda: ["onnx", "onnxscript"])
    path = write(tmp_path / "xor.json", xor())
    code, _, err = run_cli(capsys, "export", path, "--format", "onnx", "-o", tmp_path / "x.onnx")
    assert code == 1
    assert 'pip install "nn-playground[onnx]"' in err and "Traceback" not in err


# ---- the real command, in a subprocess -------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def run_module(*argv: Any, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m playground ...` from another folder (the package found from the checkout or its install)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-m", "playground", *map(str, argv)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_subprocess_check_and_export(tmp_path: Path) -> None:
    write(tmp_path / "cnn.json", cnn())
    run = run_module("check", "cnn.json", cwd=tmp_path)
    assert run.returncode == 0 and "total" in run.stdout and "Traceback" not in run.stderr
    run = run_module("export", "cnn.json", "--format", "python", "-o", "cnn.py", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "exported python to cnn.py (with cnn_data.npz)"


def test_subprocess_user_and_usage_errors(tmp_path: Path) -> None:
    _malformed(tmp_path)
    run = run_module("check", "malformed.json", "--json", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "line 3, column 16" in json.loads(run.stdout)["errors"][0]["message"]
    run = run_module("check", cwd=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    run = run_module("export", str(tmp_path), "--format", "pt2", "-o", "x.pt2", cwd=tmp_path)
    assert run.returncode == 1 and "is a folder" in run.stderr and "Traceback" not in run.stderr


def test_the_export_formats_are_declared_once_without_torch() -> None:
    """The command line, the window and the exporter read one table, importable without torch."""
    code = (
        "import sys; import playground.core.export_formats as f, playground.commands.export; "
        "assert 'torch' not in sys.modules, 'torch imported'; print(sorted(f.SUFFIXES))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['onnx', 'pt2', 'python', 'safetensors']"
    from playground.core import export
    from playground.core.export_formats import SUFFIXES

    assert export.FORMATS is SUFFIXES
