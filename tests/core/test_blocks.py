"""Blocks: making one from a selection and expanding it give the graph back; instances share one
definition; ×N repeats; the flat graph trains, and the exported script (one class per block)
trains to the app's losses and loads the app's weights."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

from playground.core.experiment import experiment_from_dict, experiment_to_dict
from playground.core.experiment.io import load_experiment
from playground.core.experiment.schema import BLOCK_TYPE, FORMAT_VERSION
from playground.core.export import class_name_for, export_python
from playground.core.export.python_code import BlockClasses
from playground.core.graph import build_model, check_experiment
from playground.core.graph.block_edits import BlockRefused, expand_block, make_block, update_block
from playground.core.graph.blocks import expand_blocks
from playground.core.presets import PRESETS_DIR
from tests.core.factories import deep_mlp_document
from tests.core.test_export import (
    app_model,
    assert_matches_engine,
    engine_history,
    experiment_of,
    import_file,
    resnet_doc,
    sample_inputs,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

RES_LAYERS = ["conv1", "bn1", "relu1", "conv2", "bn2", "shortcut", "shortcut_bn", "add"]


def resnet():
    return experiment_of(resnet_doc())


def incoming_order(experiment) -> dict[str, list[str]]:
    """Each node's inputs in edge order: what a merge (Add, Concat) receives, and in which order."""
    order: dict[str, list[str]] = {}
    for source, target in experiment.model.edges:
        order.setdefault(target, []).append(source)
    return order


def with_repeat(experiment, instance: str, repeat: int):
    changed = experiment.model_copy(deep=True)
    changed.node(instance).params["repeat"] = repeat
    return changed


def test_make_block_then_expand_gives_the_graph_back_exactly() -> None:
    original = resnet()
    for index, node in enumerate(original.model.nodes):
        node.pos = (index * 190.0, (index % 3) * 110.0)
    blocked, instance = make_block(original, RES_LAYERS, "res")
    assert [n.id for n in blocked.model.nodes] == ["input", "res", "relu2", "pool", "flatten", "fc"]
    assert blocked.node("res").type == BLOCK_TYPE and blocked.node("res").pos == original.node("conv1").pos
    assert ("input", "res") in blocked.model.edges and ("res", "relu2") in blocked.model.edges
    assert (
        check_experiment(blocked, app_model(original)[1]).total_params
        == check_experiment(original, app_model(original)[1]).total_params
    )

    back, new_ids = expand_block(blocked, instance)
    assert new_ids == [n for n in RES_LAYERS]
    assert [(n.id, n.type, n.params, n.pos) for n in back.model.nodes] == [
        (n.id, n.type, n.params, n.pos) for n in original.model.nodes
    ]
    assert sorted(back.model.edges) == sorted(original.model.edges)
    assert incoming_order(back) == incoming_order(original)
    assert back.model.blocks == {}


def test_a_blocked_file_saves_and_loads_as_it_was() -> None:
    blocked, _ = make_block(resnet(), RES_LAYERS, "res")
    document = experiment_to_dict(blocked)
    assert document["version"] == FORMAT_VERSION and "res" in document["model"]["blocks"]
    assert experiment_to_dict(experiment_from_dict(document)) == document


def test_instances_share_one_definition_and_an_update_changes_them_all() -> None:
    experiment = experiment_of(resnet_doc())
    blocked, first = make_block(experiment, RES_LAYERS, "res")
    # a second instance of the same block after the first
    document = experiment_to_dict(blocked)
    document["model"]["nodes"].insert(2, {"id": "res_b", "type": "Block", "params": {"block": "res", "repeat": 1}})
    document["model"]["edges"] = [e for e in document["model"]["edges"] if e != ["res", "relu2"]]
    document["model"]["edges"] += [["res", "res_b"], ["res_b", "relu2"]]
    twice = experiment_from_dict(document)
    info = app_model(experiment)[1]
    report = check_experiment(twice, info)
    assert report.valid, report.errors
    assert report.blocks["res_b"].output.shape == (8, 2, 2)  # 8×8 digits: each instance halves them

    # change the shared definition: conv2 gets 8 → 8 channels with a 5×5 kernel in both instances
    changed = twice.model_copy(deep=True)
    next(n for n in changed.model.blocks["res"].nodes if n.id == "conv2").params.update(kernel_size=5, padding=2)
    flat = expand_blocks(changed).experiment
    assert flat.node("res_conv2").params["kernel_size"] == flat.node("res_b_conv2").params["kernel_size"] == 5
    after = check_experiment(changed, info)
    grown = 8 * 8 * (25 - 9)
    assert after.blocks["res"].params == report.blocks["res"].params + grown
    assert after.blocks["res_b"].params == report.blocks["res_b"].params + grown

    # expand one instance, edit it, save it back as the block: the other instance follows
    expanded, ids = expand_block(twice, "res_b")
    assert "res" in expanded.model.blocks  # still used by the first instance
    conv2 = next(i for i in ids if i.startswith("conv2"))
    expanded.node(conv2).params["out_channels"] = 8
    expanded.node(conv2).params["kernel_size"] = 1
    expanded.node(conv2).params["padding"] = 0
    updated, again = update_block(expanded, ids, "res")
    flat = expand_blocks(updated).experiment
    assert flat.node("res_conv2").params["kernel_size"] == 1  # the first instance changed too
    assert check_experiment(updated, info).valid


def test_repeat_n_times_gives_n_times_the_parameters_and_trains() -> None:
    experiment = experiment_of(deep_mlp_document())  # a block that keeps the width (16 → 16)
    blocked, instance = make_block(experiment, ["fc", "act"], "layer")
    info = app_model(experiment)[1]
    one = check_experiment(blocked, info).blocks[instance].params
    assert one == 16 * 16 + 16
    for repeat in (2, 5):
        report = check_experiment(with_repeat(blocked, instance, repeat), info)
        assert report.blocks[instance].params == repeat * one
        model = build_model(with_repeat(blocked, instance, repeat), info)
        assert sum(p.numel() for p in model.parameters()) == report.total_params
    history = engine_history(with_repeat(blocked, instance, 3), epochs=2)
    assert len(history) == 2 and history[-1]["train_loss"] < history[0]["train_loss"] * 1.5


def test_exported_script_of_a_blocked_model_trains_to_the_app_losses(tmp_path: Path, monkeypatch, capsys) -> None:
    blocked, instance = make_block(resnet(), RES_LAYERS, "res")
    # two copies: the first reads 1 channel, the second 8, so the block class takes its sizes
    experiment = with_repeat(blocked, instance, 2)
    experiment.training.epochs = 2
    path = tmp_path / "blocked.py"
    export_python(experiment, path)
    source = path.read_text(encoding="utf-8")
    assert "class ResBlock(nn.Module):" in source
    assert "self.res = nn.Sequential(" in source and "ResBlock(conv1_in_channels=1" in source
    module = import_file(path, "exported_blocked")
    monkeypatch.setattr(sys, "argv", [str(path)])
    module.main()
    assert_matches_engine(capsys.readouterr().out, engine_history(experiment, epochs=2))

    # the app's (flat) weights load into the exported class under the script's names
    model, info = app_model(experiment)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(0.01 * torch.randn_like(parameter))
    report = check_experiment(experiment, info)
    names = BlockClasses(experiment, expand_blocks(experiment), report, taken=set())
    exported = getattr(module, class_name_for(experiment.name))()
    exported.load_state_dict({names.script_key(k): v for k, v in model.state_dict().items()})
    model.eval()
    exported.eval()
    x = sample_inputs(info, 8)
    assert torch.equal(exported(x), model(x))


def test_a_problem_inside_a_block_is_reported_on_its_card() -> None:
    blocked, instance = make_block(resnet(), RES_LAYERS, "res")
    broken = blocked.model_copy(deep=True)
    next(n for n in broken.model.blocks["res"].nodes if n.id == "shortcut").params["stride"] = 1  # 8×8 ≠ 4×4
    report = check_experiment(broken, app_model(resnet())[1])
    assert not report.valid
    issue = report.errors[0]
    assert issue.node == instance and issue.path == "model.nodes[1]"
    assert "block res" in issue.message and "'add'" in issue.message
    assert report.blocks[instance].error is issue


@pytest.mark.parametrize(
    ("selection", "words"),
    [
        ([], "select the layers"),
        (["input", "conv1"], "Input"),
        (["conv1", "bn1", "relu1", "conv2", "bn2", "add"], "2 places"),  # add is also fed by the shortcut
        (["conv1", "shortcut"], "2 layers"),  # two results leave the selection
    ],
)
def test_a_selection_that_is_not_one_in_one_out_is_refused_with_why(selection, words) -> None:
    with pytest.raises(BlockRefused, match=words):
        make_block(resnet(), selection, "res")


def test_an_instance_of_a_missing_block_or_a_nested_block_is_named() -> None:
    blocked, instance = make_block(resnet(), RES_LAYERS, "res")
    document = experiment_to_dict(blocked)
    document["model"]["nodes"][1]["params"]["block"] = "nope"
    with pytest.raises(Exception, match="no block is named 'nope'"):
        experiment_from_dict(document)
    again, _ = make_block(resnet(), RES_LAYERS, "res")
    with pytest.raises(BlockRefused, match="blocks inside blocks"):
        make_block(again, ["res", "relu2"], "outer")


def test_the_resnet_preset_with_its_residual_block_made_a_block_still_builds() -> None:
    experiment = load_experiment(PRESETS_DIR / "resnet_block_digits.json")
    blocked, instance = make_block(experiment, ["conv1", "bn1", "relu1", "conv2", "bn2", "shortcut", "add"], "res")
    model, info = app_model(with_repeat(blocked, instance, 2))
    x = sample_inputs(info, 4)
    assert model(x).shape == (4, 10)
