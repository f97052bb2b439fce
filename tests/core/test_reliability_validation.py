"""One shared validation: what `check` accepts trains and exports, and what training or export would
refuse, `check` refuses first, with the same JSON path and message in all three."""

from __future__ import annotations

import copy
import json
import keyword
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.optim import lr_scheduler

from playground.cli import main
from playground.core.errors import ExperimentError
from playground.core.experiment import experiment_from_dict
from playground.core.experiment.schema import MAX_NODES, RESERVED_IDS
from playground.core.graph import build_model, check_experiment
from playground.core.graph.builder import GraphModule
from playground.core.params import INT_MAX
from playground.core.training.requirements import one_cycle_problem
from tests.core.factories import chain, xor_document


def _edit(change: Callable[[dict[str, Any]], None], document: dict[str, Any] | None = None) -> dict[str, Any]:
    document = copy.deepcopy(document or xor_document())
    change(document)
    return document


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target.setdefault(part, {})
        target[last] = value

    return change


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _refused_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: dict[str, Any], path: str, words: str
) -> None:
    """check, train and export all exit 1 naming `path` and saying `words`; train trains nothing."""
    file = tmp_path / "exp.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    outputs = {
        "check": _run(capsys, "check", str(file)),
        "train": _run(capsys, "train", str(file)),
        "export": _run(capsys, "export", str(file), "-o", str(tmp_path / "out.py")),
    }
    for command, (code, text) in outputs.items():
        assert code == 1, f"{command} accepted it:\n{text}"
        assert path in text and words in text, f"{command} said:\n{text}"
        assert "Traceback" not in text
    assert "epoch 1" not in outputs["train"][1]
    assert not (tmp_path / "out.py").exists()


# ---- node ids --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("node_id", ["hidden\n", "hidden ", "hid-den", "1st", "class", "é", "x" * 65, ""])
def test_node_ids_must_be_whole_identifiers(node_id: str) -> None:
    document = _edit(_set("model.nodes.1.id", node_id))
    document["model"]["edges"] = [
        [node_id if e == "hidden" else e for e in edge] for edge in document["model"]["edges"]
    ]
    with pytest.raises(ExperimentError, match=r"model\.nodes\[1\]\.id"):
        experiment_from_dict(document)


def _module_names() -> set[str]:
    names = {name for name in dir(nn.Module) if not name.startswith("_")}
    names |= {name for name in vars(nn.Module()) if not name.startswith("_")}
    experiment = experiment_from_dict(xor_document())
    model = build_model(experiment, _facts(experiment))
    names |= {name for name in list(vars(model)) + dir(GraphModule) if not name.startswith("_")}
    return names - {node.id for node in experiment.model.nodes}


def _facts(experiment: Any) -> Any:
    from playground.core.data import describe_dataset

    return describe_dataset(experiment.data)


def test_every_attribute_of_the_built_module_is_a_reserved_node_id() -> None:
    missing = sorted(_module_names() - RESERVED_IDS)
    assert not missing, f"node ids that would clash with the built model: {missing}"


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(RESERVED_IDS)))
def test_a_reserved_id_is_refused_with_a_way_out(node_id: str) -> None:
    document = _edit(_set("model.nodes.1.id", node_id))
    document["model"]["edges"] = [
        [node_id if e == "hidden" else e for e in edge] for edge in document["model"]["edges"]
    ]
    with pytest.raises(ExperimentError, match=rf"model\.nodes\[1\]\.id: node id '{node_id}' is a name"):
        experiment_from_dict(document)


@settings(max_examples=60, deadline=None)
@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True))
def test_every_accepted_node_id_builds_and_runs(node_id: str) -> None:
    document = _edit(_set("model.nodes.1.id", node_id))
    document["model"]["edges"] = [
        [node_id if e == "hidden" else e for e in edge] for edge in document["model"]["edges"]
    ]
    if node_id in {"input", "act", "logits"}:
        return
    try:
        experiment = experiment_from_dict(document)
    except ExperimentError:
        assert node_id in RESERVED_IDS or node_id.startswith("_") or keyword.iskeyword(node_id)
        return
    model = build_model(experiment, _facts(experiment))
    assert model(torch.zeros(3, 2)).shape == (3, 2)
    assert any(key.startswith(f"{node_id}.") for key in model.state_dict())


# ---- values torch refuses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "where", "words"),
    [
        (
            "training.optimizer",
            {"type": "Adam", "params": {"betas": [1.0, 0.999]}},
            "training.optimizer.params.betas",
            "< 1",
        ),
        (
            "training.optimizer",
            {"type": "AdamW", "params": {"betas": [0.9, 1.0]}},
            "training.optimizer.params.betas",
            "< 1",
        ),
        (
            "training.optimizer",
            {"type": "SGD", "params": {"nesterov": True}},
            "training.optimizer.params.nesterov",
            "momentum",
        ),
        (
            "training.scheduler",
            {"type": "ReduceLROnPlateau", "params": {"factor": 1.0}},
            "training.scheduler.params.factor",
            "< 1",
        ),
        ("training.seed", 2**64, "training.seed", "2147483647"),
        ("training.seed", 2**31, "training.seed", "2147483647"),
        ("data.seed", 10**40, "data.seed", "2147483647"),
        ("training.batch_size", 2**31, "training.batch_size", "2147483647"),
        (
            "training.scheduler",
            {"type": "StepLR", "params": {"step_size": 2**31}},
            "training.scheduler.params.step_size",
            "2147483647",
        ),
        (
            "training.scheduler",
            {"type": "StepLR", "params": {}, "warmup_steps": 2**31},
            "training.scheduler.warmup_steps",
            "2147483647",
        ),
    ],
)
def test_values_torch_or_the_window_refuse_are_refused_by_the_format(
    path: str, value: Any, where: str, words: str
) -> None:
    with pytest.raises(ExperimentError) as caught:
        experiment_from_dict(_edit(_set(path, value)))
    assert any(problem.path == where and words in problem.message for problem in caught.value.problems), (
        caught.value.problems
    )


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (
            _set("training.loss", {"type": "CrossEntropyLoss", "params": {"weight": [1.0, 2.0, 3.0]}}),
            "training.loss.params.weight",
            "3 entries but the dataset has 2 classes",
        ),
        (
            _set("training.loss", {"type": "MSELoss", "params": {}}),
            "training.loss.type",
            "does not suit a classification",
        ),
        (_set("training.early_stopping", {"monitor": "val_r2"}), "training.early_stopping.monitor", "regression"),
        (_set("training.keep_best", {"monitor": "val_mae"}), "training.keep_best.monitor", "regression"),
        (
            lambda d: (
                _set("data.split", {"train": 0.85, "val": 0.0, "test": 0.15})(d),
                _set("training.scheduler", {"type": "ReduceLROnPlateau", "params": {}})(d),
            ),
            "training.scheduler.type",
            "validation share",
        ),
        (
            _set("training.scheduler", {"type": "OneCycleLR", "params": {"pct_start": 1.0}}),
            "training.scheduler.params.pct_start",
            "annealing phase",
        ),
        (
            lambda d: (
                _set("training.epochs", 10)(d),
                _set("training.scheduler", {"type": "OneCycleLR", "params": {"pct_start": 0.1}})(d),
            ),
            "training.scheduler.params.pct_start",
            "warm-up phase empty",
        ),
    ],
)
def test_settings_the_run_would_refuse_are_refused_by_check_train_and_export_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Callable[[dict[str, Any]], None], path: str, words: str
) -> None:
    _refused_alike(tmp_path, capsys, _edit(change), path, words)


def test_a_model_too_large_for_memory_is_refused_with_the_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = chain(
        ("wide", "Linear", {"out_features": 100_000}),
        ("wider", "Linear", {"out_features": 100_000}),
        ("logits", "Linear", {"out_features": 2}),
    )
    _refused_alike(tmp_path, capsys, document, "model", "GB of memory")
    code, text = _run(capsys, "check", str(tmp_path / "exp.json"))
    assert re.search(r"10,000,\d{3},\d{3} parameters", text) and "this machine has" in text


@settings(max_examples=200, deadline=None)
@given(st.floats(0.0, 1.0), st.integers(1, 60))
def test_the_one_cycle_rule_matches_what_torch_can_run(pct_start: float, total_steps: int) -> None:
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    try:
        scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=total_steps, pct_start=pct_start)
        for _ in range(total_steps):  # as the trainer does: up to the last step of the cycle
            optimizer.step()
            scheduler.step()
        runs = True
    except ZeroDivisionError:
        runs = False
    assert (one_cycle_problem(pct_start, total_steps) is None) == runs


def _relu_chain(length: int) -> dict[str, Any]:
    nodes = [{"id": "input", "type": "Input"}]
    nodes += [{"id": f"relu{i}", "type": "ReLU"} for i in range(length)]
    nodes.append({"id": "logits", "type": "Linear", "params": {"out_features": 2}})
    document = xor_document()
    document["model"] = {"nodes": nodes, "edges": [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]}
    return document


def test_a_graph_of_the_largest_size_is_checked_and_a_larger_one_refused_at_once() -> None:
    document = _relu_chain(MAX_NODES - 2)
    experiment = experiment_from_dict(document)
    report = check_experiment(experiment, _facts(experiment))
    assert report.valid and len(report.order) == MAX_NODES
    looped = copy.deepcopy(document)
    looped["model"]["edges"].append([f"relu{MAX_NODES - 3}", "relu5"])
    experiment = experiment_from_dict(looped)
    report = check_experiment(experiment, _facts(experiment))
    cyclic = [issue for issue in report.errors if "part of a cycle" in issue.message]
    assert len(cyclic) == MAX_NODES - 2 - 5 and "relu5 → relu6" in cyclic[0].message
    with pytest.raises(ExperimentError, match=r"model\.nodes: at most 2,000 nodes \(this model has 20,002\)"):
        experiment_from_dict(_relu_chain(20_000))


def test_integers_in_lists_stop_at_the_32_bit_limit() -> None:
    document = _edit(_set("training.scheduler", {"type": "MultiStepLR", "params": {"milestones": [3, INT_MAX + 1]}}))
    with pytest.raises(ExperimentError, match=r"training\.scheduler\.params\.milestones: must be at most 2147483647"):
        experiment_from_dict(document)
