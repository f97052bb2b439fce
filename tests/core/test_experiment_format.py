"""The experiment format v1: validation messages with JSON paths, canonical atomic saves."""

from __future__ import annotations

import json
import os

import pytest

from playground.core.errors import ExperimentError
from playground.core.experiment import (
    experiment_from_dict,
    experiment_from_json,
    experiment_to_json,
    load_experiment,
    save_experiment,
)
from playground.core.experiment import migrate as migrate_module
from tests.core.factories import xor_document


def messages(document) -> list[str]:
    with pytest.raises(ExperimentError) as info:
        experiment_from_dict(document)
    return [str(problem) for problem in info.value.problems]


def test_valid_document_loads_and_keeps_its_meaning():
    experiment = experiment_from_dict(xor_document())
    assert experiment.data.dataset == "xor"
    assert [node.id for node in experiment.model.nodes] == ["input", "hidden", "act", "logits"]
    assert experiment.model.edges == [("input", "hidden"), ("hidden", "act"), ("act", "logits")]
    assert experiment.training.optimizer.params == {"lr": 0.01}


def test_invalid_param_names_path_and_value():
    document = xor_document()
    document["model"]["nodes"][2] = {"id": "act", "type": "Linear", "params": {"out_features": -3}}
    assert messages(document) == ["model.nodes[2].params.out_features: must be a positive integer, got -3"]


def test_unknown_keys_are_rejected_everywhere():
    document = xor_document()
    document["colour"] = "red"
    document["data"]["split"]["holdout"] = 0.1
    found = messages(document)
    assert any(m.startswith("colour: unknown key") for m in found)
    assert any(m.startswith("data.split.holdout: unknown key") for m in found)
    document = xor_document()
    document["model"]["nodes"][1]["params"]["in_features"] = 2
    document["training"]["optimizer"]["params"]["learning_rate"] = 0.1
    found = messages(document)
    assert "model.nodes[1].params.in_features: unknown parameter (allowed: out_features, bias)" in found
    assert any(m.startswith("training.optimizer.params.learning_rate: unknown parameter") for m in found)


def test_unknown_types_list_the_available_ones():
    document = xor_document()
    document["model"]["nodes"][2]["type"] = "Swish"
    document["training"]["loss"]["type"] = "CrossEntropy"
    document["data"]["dataset"] = "cifar"
    found = "\n".join(messages(document))
    assert "model.nodes[2].type: unknown layer type 'Swish' (available: Input, Linear" in found
    assert "training.loss.type: unknown loss 'CrossEntropy' (available: CrossEntropyLoss" in found
    assert "data.dataset" in found and "cifar" in found


def test_edges_must_name_existing_nodes_and_ids_must_be_unique():
    document = xor_document()
    document["model"]["edges"].append(["act", "nowhere"])
    document["model"]["nodes"].append({"id": "act", "type": "ReLU"})
    found = messages(document)
    assert "model.edges[3][1]: no node has the id 'nowhere'" in found
    assert "model.nodes[4].id: duplicate node id 'act' (also model.nodes[2])" in found


def test_node_ids_must_be_names():
    document = xor_document()
    document["model"]["nodes"][1]["id"] = "2 hidden"
    found = messages(document)
    assert found[0].startswith("model.nodes[1].id: node id must be a Python-style name")


def test_structure_errors_name_the_path():
    document = xor_document()
    document["training"]["epochs"] = "many"
    del document["training"]["loss"]
    document["data"]["split"] = {"train": 0.9, "val": 0.2, "test": 0.1}
    found = "\n".join(messages(document))
    assert 'training.epochs: must be a valid integer, got "many"' in found
    assert "training.loss: required key is missing" in found
    assert "data.split: train + val + test must add up to 1, got 1.2" in found


def test_newer_version_is_refused_clearly():
    document = xor_document()
    document["version"] = 7
    (message,) = messages(document)
    assert message.startswith("version: this file was written by a newer Neural Network Playground")


def test_not_an_experiment_file():
    assert messages({"hello": 1})[0].startswith("format: must be 'nn-playground.experiment'")
    assert messages([1, 2])[0] == "an experiment file holds a JSON object, got list"


def test_migrations_run_in_order(monkeypatch):
    """A future v2 reader migrates a v1 file step by step; here we fake v2 with a registered step."""
    calls = []

    def v1_to_v2(document):
        calls.append(document["version"])
        document = dict(document)
        document["name"] = document["name"] + " (migrated)"
        return document

    monkeypatch.setattr(migrate_module, "FORMAT_VERSION", 2)
    monkeypatch.setitem(migrate_module.MIGRATIONS, 1, v1_to_v2)
    migrated = migrate_module.migrate(xor_document())
    assert calls == [1] and migrated["version"] == 2 and migrated["name"].endswith("(migrated)")


def test_malformed_json_reports_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "nn-playground.experiment",\n  "version": 1,,\n}')
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    assert "line 3, column 16" in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize("content", [b"\xff\xfe\x00binary", b"", b"NaN", b'{"version": Infinity}'])
def test_garbage_files_give_experiment_errors(tmp_path, content):
    path = tmp_path / "garbage.json"
    path.write_bytes(content)
    with pytest.raises(ExperimentError):
        load_experiment(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ExperimentError, match="file not found"):
        load_experiment(tmp_path / "nope.json")
    with pytest.raises(ExperimentError, match="folder"):
        load_experiment(tmp_path)


def test_save_is_canonical_and_round_trips(tmp_path):
    experiment = experiment_from_dict(xor_document())
    path = tmp_path / "xor.json"
    save_experiment(experiment, path)
    text = path.read_text()
    assert text.endswith("}\n")
    assert '\n      {"id": "hidden", "type": "Linear", "params": {"out_features": 4}},\n' in text  # a node per line
    again = load_experiment(path)
    assert again == experiment
    save_experiment(again, path)
    assert path.read_text() == text  # stable: saving twice gives the same bytes
    assert list(json.loads(text)) == ["format", "version", "name", "description", "data", "model", "training"]


def test_save_never_writes_nan(tmp_path):
    experiment = experiment_from_dict(xor_document())
    experiment.training.optimizer.params["lr"] = float("nan")
    path = tmp_path / "x.json"
    path.write_text("precious")
    with pytest.raises(ValueError):
        save_experiment(experiment, path)
    assert path.read_text() == "precious"  # the old file is untouched
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_params_are_normalised_on_load():
    document = xor_document()
    document["training"]["optimizer"]["params"]["lr"] = 1
    experiment = experiment_from_json(json.dumps(document))
    assert experiment.training.optimizer.params["lr"] == 1.0
    assert isinstance(experiment.training.optimizer.params["lr"], float)
    assert '"lr": 1.0' in experiment_to_json(experiment)
