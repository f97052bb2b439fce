"""The Python export under hostile text: any experiment name, description or output file name gives a
file that compiles, holds the text only inside docstrings and string values, and runs nothing of it;
the model class never takes a name the file uses; node ids that break the export are known."""

from __future__ import annotations

import ast
import builtins
import importlib.util
import json
import keyword
import os
import re
import shlex
import subprocess
import sys
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from playground.core.data import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.experiment import experiment_from_dict
from playground.core.experiment.schema import Experiment
from playground.core.export import class_name_for, export_python, python_code
from playground.core.graph import check_experiment
from tests.core.factories import document, xor_document

# ---- helpers ------------------------------------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("one_torch_thread")


_XOR = experiment_from_dict(xor_document())
_INFO = load_dataset(_XOR.data).info


def source_of(
    experiment: Experiment,
    file_name: str = "model.py",
    data_name: str = "model_data.npz",
    weights_name: str | None = None,
) -> str:
    return python_code.python_source(
        experiment,
        check_experiment(experiment, _INFO),
        _INFO,
        file_name=file_name,
        data_name=data_name,
        weights_name=weights_name,
    )


def model_class(tree: ast.Module) -> str:
    (name,) = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]  # the xor model has one class
    return name


def skeleton(source: str) -> str:
    """The file's syntax tree with its docstrings, DATA_FILE's value and the class name blanked out.

    Two exports whose skeletons are equal hold the same statements and expressions: the user's
    text can only have gone into those blanks.
    """
    tree = ast.parse(source)
    name = model_class(tree)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and body and _is_string(body[0]):
            body[0].value.value = "DOC"
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["DATA_FILE"]:
            node.value = ast.Constant("DATA")
        if isinstance(node, ast.ClassDef) and node.name == name:
            node.name = "CLASS"
        if isinstance(node, ast.Name) and node.id == name:
            node.id = "CLASS"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = re.sub(rf"\b{name}\b", "CLASS", node.value)
    return ast.dump(tree)


def _is_string(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def names_in(source: str) -> set[str]:
    """Every name the source binds or reads (variables, functions, classes, arguments, imports)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def squash(text: str) -> str:
    return " ".join(text.split())


def first_paragraph(description: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", description.strip()) if p.strip()]
    return squash(paragraphs[0]) if paragraphs else ""


def plain(char: str) -> bool:
    return char == "\n" or char.isprintable() or unicodedata.category(char) == "Zs"


def import_file(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENIGN = skeleton(
    source_of(
        _XOR.model_copy(update={"name": "Benign", "description": "A description."}),
        "benign.py",
        "benign_data.npz",
        "benign_weights.pt",
    )
)

# ---- any text -------------------------------------------------------------------------------------------

TRICKY = [
    '"',
    '"""',
    "'''",
    "\\",
    "\\n",
    "\\x00",
    "\n",
    "\r",
    "\r\n",
    "\n\n",
    "\x00",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "\x1c",
    "\t",
    "#",
    "\udc80",
    "\U0001f600",
    "\u202e",
    "\ufeff",
    "{}",
    "%s",
    "\\N{",
    "\\u",
    "'",
    " ",
    "-",
    "é",
    "\u3000",
]
ANY_TEXT = st.lists(
    st.one_of(st.text(st.characters(exclude_categories=()), max_size=12), st.sampled_from(TRICKY)), max_size=12
).map("".join)  # exclude_categories=(): lone surrogates too


def _posix(name: str) -> bool:
    """A name a POSIX file may have: no slash, no NUL, and bytes on disk (surrogates from undecodable bytes)."""
    try:
        os.fsencode(name)
    except UnicodeError:
        return False
    return "/" not in name and "\x00" not in name


FILE_STEMS = (
    st.lists(
        st.one_of(st.text(max_size=8), st.sampled_from(TRICKY), st.binary(max_size=8).map(os.fsdecode)), max_size=8
    )
    .map("".join)
    .filter(_posix)
)


@given(name=ANY_TEXT, description=ANY_TEXT, stem=FILE_STEMS)
def test_any_name_description_and_file_name_stay_inside_docstrings_and_strings(
    name: str, description: str, stem: str
) -> None:
    experiment = _XOR.model_copy(update={"name": name, "description": description})
    file_name, data_name, weights_name = stem + ".py", stem + "_data.npz", stem + "_weights.pt"
    source = source_of(experiment, file_name, data_name, weights_name)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no invalid escape sequence either
        compile(source, "<exported>", "exec")
    source.encode("utf-8")  # no lone surrogate: the file can be written
    assert all(plain(char) for char in source), "only printable characters and newlines in the file"
    assert skeleton(source) == BENIGN  # nothing but the expected statements: the text ran nowhere

    tree = ast.parse(source)
    doc = ast.get_docstring(tree, clean=False)
    assert doc.startswith((name or "Untitled experiment") + ": a PyTorch model")
    assert first_paragraph(description) in squash(doc)
    assert f"python {shlex.quote(file_name)} --help" in doc
    assert f"--weights {shlex.quote(weights_name)} --epochs 0" in doc
    (data_file,) = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "DATA_FILE"
    ]
    assert data_file == data_name
    class_doc = ast.get_docstring(next(n for n in tree.body if isinstance(n, ast.ClassDef)), clean=False)
    assert squash(name + ": input (N, 2)") in squash(class_doc)


HOSTILE_STEM = 'x"""\nimport pathlib; pathlib.Path("PWNED").touch()\n"""#\udcff \u2028\r\\'


def test_a_script_with_hostile_names_runs_and_runs_nothing_embedded(tmp_path: Path) -> None:
    doc = xor_document()
    doc["name"] = "SEED"  # the model class must not replace the SEED setting
    doc["description"] = '"""\nimport pathlib; pathlib.Path("PWNED").touch()\n"""\x00\u2028\\'
    out = tmp_path / (HOSTILE_STEM + ".py")
    export_python(experiment_from_dict(doc), out)
    assert (tmp_path / (HOSTILE_STEM + "_data.npz")).is_file()

    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    run = subprocess.run(
        [sys.executable, out.name, "--epochs", "1"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "epoch   1  train loss" in run.stdout and "test accuracy" in run.stdout
    assert not (tmp_path / "PWNED").exists()


def test_the_cli_exports_to_a_hostile_file_name(tmp_path: Path, capsys) -> None:
    from playground.cli import main

    experiment_path = tmp_path / "xor.json"
    doc = xor_document()
    doc["name"] = 'a"""b'
    experiment_path.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / (HOSTILE_STEM.replace("\udcff", "") + ".py")  # the command prints the name: no surrogate
    assert main(["export", str(experiment_path), "--format", "python", "-o", str(out)]) == 0, capsys.readouterr().err
    source = out.read_text(encoding="utf-8")
    assert skeleton(source) == BENIGN


def test_string_values_keep_every_character() -> None:
    for text in ["", '"', '"""', "\\", "a\nb\r\x00\u2028\udc80\U0001f600é\u3000", "'", "\\N{BULLET}"]:
        literal = python_code.py_literal(text)
        assert all(plain(char) for char in literal) and ast.literal_eval(literal) == text
    assert [python_code.py_literal(v) for v in (float("inf"), float("-inf"))] == ['float("inf")', 'float("-inf")']


# ---- the model class's name --------------------------------------------------------------------------


def _with(name: str, outputs: int = 2, model_init: str = "default", **training: Any) -> Experiment:
    doc = xor_document()
    doc["name"], doc["model"]["init"] = name, model_init
    doc["model"]["nodes"][-1]["params"]["out_features"] = outputs
    doc["training"].update(training)
    return experiment_from_dict(doc)


@pytest.mark.parametrize(
    "name, training",
    [
        ("SEED", {}),
        ("EPOCHS", {}),
        ("True", {}),
        ("None", {}),
        ("False", {}),
        ("Exception", {}),
        ("print", {}),
        ("main", {}),
        ("np", {}),
        ("F", {"outputs": 1, "loss": {"type": "BCEWithLogitsLoss", "params": {}}}),
        ("Path", {}),
        ("L1", {"l1": 0.001}),
        ("PATIENCE", {"early_stopping": {"monitor": "val_loss", "patience": 3}}),
        ("Focal loss", {"loss": {"type": "FocalLoss", "params": {}}}),
    ],
)
def test_the_class_never_takes_a_name_the_file_uses(
    tmp_path: Path, name: str, training: dict, monkeypatch, capsys
) -> None:
    experiment = _with(name, **training)
    path = tmp_path / "model.py"
    export_python(experiment, path)
    harmless = source_of(experiment.model_copy(update={"name": "Harmless"}))
    (model,) = _class_names(path.read_text(encoding="utf-8")) - _class_names(harmless)
    others = names_in(harmless) - {"Harmless"}  # every other name of the file
    assert model not in others
    assert not keyword.iskeyword(model) and model not in dir(builtins)
    assert model == class_name_for(name)  # the live code view shows the same name
    assert model.lower().startswith(re.sub(r"[^A-Za-z0-9]", "", name).lower())  # still read from the name

    module = import_file(path, f"exported_name_{abs(hash(name))}")
    assert module.SEED == 0 and module.EPOCHS == experiment.training.epochs
    monkeypatch.setattr(sys, "argv", [str(path), "--epochs", "1"])
    module.main()
    assert "epoch   1  train loss" in capsys.readouterr().out


def _class_names(source: str) -> set[str]:
    return {node.name for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}


def test_ordinary_names_stay_readable() -> None:
    assert class_name_for("XOR needs a hidden layer") == "XORNeedsAHiddenLayer"
    assert class_name_for("seed") == "Seed" and class_name_for("main") == "Main"
    assert class_name_for("SEED") == "SEEDModel" and class_name_for("True") == "TrueModel"
    assert class_name_for("Net", taken={"Net", "NetModel"}) == "NetModel2"


# ---- node ids ---------------------------------------------------------------------------------------------


def _id_documents(ident: str) -> list[dict[str, Any]]:
    """Two graphs with `ident` as a Linear before a Concat, and as an Add read by later nodes."""
    linear = document(
        [
            {"id": "inp_", "type": "Input"},
            {"id": ident, "type": "Linear", "params": {"out_features": 4}},
            {"id": "side_", "type": "Linear", "params": {"out_features": 4}},
            {"id": "join_", "type": "Concat"},
            {"id": "head_", "type": "Linear", "params": {"out_features": 2}},
        ],
        [["inp_", ident], ["inp_", "side_"], [ident, "join_"], ["side_", "join_"], ["join_", "head_"]],
    )
    merge = document(
        [
            {"id": "inp_", "type": "Input"},
            {"id": "a_", "type": "Linear", "params": {"out_features": 4}},
            {"id": "b_", "type": "Linear", "params": {"out_features": 4}},
            {"id": ident, "type": "Add"},
            {"id": "c_", "type": "Linear", "params": {"out_features": 4}},
            {"id": "join_", "type": "Concat"},
            {"id": "head_", "type": "Linear", "params": {"out_features": 2}},
        ],
        [
            ["inp_", "a_"],
            ["inp_", "b_"],
            ["a_", ident],
            ["b_", ident],
            [ident, "c_"],
            ["c_", "join_"],
            ["a_", "join_"],
            ["join_", "head_"],
        ],
    )
    return [linear, merge]


_REFERENCE = "ref_"
_BASES = [experiment_from_dict(doc) for doc in _id_documents(_REFERENCE)]
_X = torch.randn(5, 2, generator=torch.Generator().manual_seed(0))


def _renamed(experiment: Experiment, ident: str) -> Experiment:
    """`experiment` with node ref_ renamed, past the schema (which may reserve `ident`)."""
    nodes = [n.model_copy(update={"id": ident}) if n.id == _REFERENCE else n for n in experiment.model.nodes]
    edges = [tuple(ident if end == _REFERENCE else end for end in edge) for edge in experiment.model.edges]
    return experiment.model_copy(update={"model": experiment.model.model_copy(update={"nodes": nodes, "edges": edges})})


def _exported_model_run(experiment: Experiment, ident: str) -> tuple[list[str], torch.Tensor]:
    """The exported class's state-dict keys (the id written ID) and its output, built with seed 0."""
    report = check_experiment(experiment, _INFO)
    namespace: dict[str, Any] = {
        "__name__": "exported",
        "math": __import__("math"),
        "torch": torch,
        "nn": nn,
        "F": torch.nn.functional,
    }
    for part in python_code.model_source_parts(experiment, report, "Net"):
        exec(compile(part, "<exported model>", "exec"), namespace)  # noqa: S102
    torch.manual_seed(0)
    model = namespace["Net"]().eval()
    keys = ["ID." + key[len(ident) + 1 :] if key.startswith(f"{ident}.") else key for key in model.state_dict()]
    return keys, model(_X)


_EXPECTED = [_exported_model_run(base, _REFERENCE) for base in _BASES]


def _breaks_the_export(ident: str) -> bool:
    for base, (keys, output) in zip(_BASES, _EXPECTED):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got_keys, got = _exported_model_run(_renamed(base, ident), ident)
        except Exception:  # noqa: BLE001 - any failure counts as broken
            return True
        if got_keys != keys or not torch.equal(got, output):
            return True
    return False


def _candidate_ids() -> set[str]:
    """Names a node id could clash with: nn.Module's, builtins, and every name an exported file uses."""
    everything = _with(
        "Everything",
        loss={"type": "FocalLoss", "params": {}},
        l1=0.001,
        model_init="kaiming",
        scheduler={"type": "StepLR", "params": {"step_size": 1}, "warmup_steps": 2},
        gradient_clipping={"mode": "norm", "max_value": 1.0},
        early_stopping={},
        keep_best={},
    )
    names = set(dir(nn.Module)) | set(vars(nn.Module())) | set(dir(builtins)) | names_in(source_of(everything))
    names |= names_in(source_of(_XOR)) | python_code.names_used_by_generated_code()
    return {n for n in names if n.isidentifier() and not keyword.iskeyword(n) and not n.startswith("_")}


def test_names_used_by_generated_code_are_exactly_the_node_ids_that_break_the_export() -> None:
    broken = {ident for ident in _candidate_ids() if _breaks_the_export(ident)}
    used = python_code.names_used_by_generated_code()
    assert broken - used == set(), "node ids that break the export but are not in names_used_by_generated_code()"
    public = {n for n in used if not n.startswith("_")}
    assert public - broken == set(), "names_used_by_generated_code() lists ids that work"
    assert {"compile", "named_modules", "torch", "self", "x"} <= broken  # the kinds: nn.Module, forward, input
    fine = {"SEED", "EPOCHS", "main", "np", "math", "load_data", "evaluate", "apply_init", "print", "Exception"}
    assert fine <= _candidate_ids() - broken  # module-level names of the file are fine node ids


def _accepted_by_the_schema(ident: str) -> bool:
    try:
        experiment_from_dict(_id_documents(ident)[0])
    except PlaygroundError:
        return False
    return True


def test_the_schema_refuses_every_node_id_that_breaks_the_export() -> None:
    accepted = sorted(name for name in python_code.names_used_by_generated_code() if _accepted_by_the_schema(name))
    assert accepted == [], f"the schema accepts these node ids, which break the exported script: {accepted}"
