"""The editable document: every edit changes the experiment, emits its event and can be undone."""

from __future__ import annotations

import pytest

from playground.core.document import EditError, ExperimentDocument
from playground.core.experiment import experiment_from_dict, experiment_to_json
from tests.core.factories import xor_document


@pytest.fixture
def document():
    return ExperimentDocument(experiment_from_dict(xor_document()))


def record(document, *names):
    seen = []
    for name in names:
        getattr(document, name).connect(lambda *args, name=name: seen.append((name, *args)))
    return seen


def test_add_and_connect_emit_events_and_recheck(document):
    seen = record(document, "node_added", "edge_added", "changed")
    assert document.report().valid
    node_id = document.add_node("ReLU", pos=(10, 20))
    assert node_id == "relu"
    assert not document.report().valid  # a second output now
    document.remove_edge("act", "logits")
    document.add_edge("act", "relu")
    document.add_edge("relu", "logits")
    assert document.report().valid
    assert ("node_added", "relu") in seen and ("edge_added", "relu", "logits") in seen


def test_remove_then_restore_gives_the_original_exactly(document):
    before = experiment_to_json(document.experiment)
    seen = record(document, "edge_removed", "node_removed")
    removed = document.remove_node("act")
    assert ("node_removed", "act") in seen and ("edge_removed", "hidden", "act") in seen
    assert all("act" not in edge for edge in document.edges())
    document.restore_node(removed)
    assert experiment_to_json(document.experiment) == before


def test_connection_rules(document):
    assert "cycle" in document.connection_problem("logits", "hidden")
    assert "already has an input" in document.connection_problem("input", "act")
    assert "Input" in document.connection_problem("hidden", "input")
    assert "itself" in document.connection_problem("act", "act")
    with pytest.raises(EditError, match="cycle"):
        document.add_edge("logits", "hidden")
    document.add_node("Add")
    assert document.connection_problem("hidden", "add") is None


def test_rename_updates_edges_and_rejects_bad_names(document):
    document.rename_node("hidden", "fc1")
    assert ("input", "fc1") in document.edges() and ("fc1", "act") in document.edges()
    with pytest.raises(EditError, match="already exists"):
        document.rename_node("fc1", "act")
    with pytest.raises(EditError, match="Python-style name"):
        document.rename_node("fc1", "1st layer")


def test_params_and_move_return_old_values(document):
    old = document.set_node_params("hidden", {"out_features": 8})
    assert old == {"out_features": 4}
    assert document.report().nodes["hidden"].output.shape == (8,)
    assert document.move_node("hidden", (5, 6)) is None  # the factory's nodes have no positions
    assert document.move_node("hidden", (7, 8)) == (5.0, 6.0)


def test_fix_replaces_the_experiment_and_emits_reset(document):
    document.set_node_params("logits", {"out_features": 3})
    (issue,) = document.report().errors
    seen = record(document, "reset")
    document.apply_fix(issue.fixes[0])
    assert seen == [("reset",)] and document.report().valid


def test_unreadable_dataset_is_reported_not_raised(tmp_path, document):
    data = document.experiment.data.model_copy(update={"dataset": "csv", "params": {"path": str(tmp_path / "no.csv")}})
    document.set_data(data)
    assert document.report() is None and "no.csv" in document.report_error
