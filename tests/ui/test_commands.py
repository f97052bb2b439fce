"""Undo commands act on the experiment only, and undoing everything restores it byte for byte."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from playground.core.document import ExperimentDocument
from playground.core.experiment import experiment_from_dict, experiment_to_json
from playground.ui.editor.commands import (
    AddEdgeCommand,
    AddNodeCommand,
    MoveNodesCommand,
    RemoveEdgeCommand,
    RemoveNodeCommand,
    RenameNodeCommand,
    SetDataCommand,
    SetNodeParamsCommand,
    SetTextCommand,
    fix_command,
)
from tests.core.factories import xor_document


def test_every_command_undoes_exactly(qapp):
    document = ExperimentDocument(experiment_from_dict(xor_document()))
    stack = QUndoStack()
    original = experiment_to_json(document.experiment)
    stack.push(AddNodeCommand(document, "ReLU", (10.0, 20.0)))
    stack.push(RemoveEdgeCommand(document, "act", "logits"))
    stack.push(AddEdgeCommand(document, "act", "relu"))
    stack.push(AddEdgeCommand(document, "relu", "logits"))
    stack.push(MoveNodesCommand(document, {"relu": ((10.0, 20.0), (30.0, 40.0))}))
    stack.push(SetNodeParamsCommand(document, "hidden", {"out_features": 5}, "out_features"))
    stack.push(SetNodeParamsCommand(document, "hidden", {"out_features": 6}, "out_features"))
    assert stack.count() == 6  # the two edits of one field merged
    stack.push(RenameNodeCommand(document, "hidden", "fc1"))
    data = document.experiment.data.model_copy(update={"params": {"samples": 200, "noise": 0.2}})
    stack.push(SetDataCommand(document, data, "samples"))
    stack.push(SetTextCommand(document, "name", "Edited"))
    stack.push(RemoveNodeCommand(document, "act"))
    edited = experiment_to_json(document.experiment)
    assert "fc1" in edited and '"act"' not in edited
    while stack.canUndo():
        stack.undo()
    assert experiment_to_json(document.experiment) == original
    while stack.canRedo():
        stack.redo()
    assert experiment_to_json(document.experiment) == edited


def test_fix_is_one_undoable_step(qapp):
    document = ExperimentDocument(experiment_from_dict(xor_document()))
    stack = QUndoStack()
    original = experiment_to_json(document.experiment)
    stack.push(SetNodeParamsCommand(document, "logits", {"out_features": 3}, "out_features"))
    (issue,) = document.report().errors
    stack.push(fix_command(document, issue.fixes[0]))
    assert document.report().valid and stack.count() == 2
    stack.undo()
    stack.undo()
    assert experiment_to_json(document.experiment) == original
