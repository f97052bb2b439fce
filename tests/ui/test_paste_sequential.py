"""Edit ▸ Paste with `nn.Sequential(...)` source on the clipboard builds the chain of cards, after
the selected card, as one undo step; source that cannot be read is refused with its reason and
adds nothing."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from playground.core.experiment import experiment_from_dict, experiment_to_json
from tests.core.factories import chain
from tests.ui.editor_helpers import make_editor

SOURCE = """nn.Sequential(
    nn.Linear(2, 16), nn.Tanh(),
    nn.Linear(16, 2),
)"""


def test_pasting_sequential_source_builds_the_chain_after_the_selected_card(make_window, qtbot):
    window = make_window(experiment_from_dict(chain()), persistent=False)
    document = window.document
    before = experiment_to_json(document.experiment)
    window.editor.select_nodes(["input"])
    messages: list[str] = []
    window.editor.status_message.connect(messages.append)
    QGuiApplication.clipboard().setText(SOURCE)

    window.action("paste").trigger()

    added = window.editor.selected_node_ids()
    assert [document.experiment.node(node_id).type for node_id in added] == ["Linear", "Tanh", "Linear"]
    assert document.experiment.node(added[0]).params["out_features"] == 16
    assert ("input", added[0]) in document.edges()
    assert (added[0], added[1]) in document.edges() and (added[1], added[2]) in document.edges()
    assert "Pasted 3 layers" in messages[-1] and "in_features=2 is left to the playground" in messages[-1]
    report = window.document.report()
    assert all(report.nodes[node_id].output is not None for node_id in added), "the pasted chain infers its shapes"
    window.undo_stack.undo()  # one step takes the whole paste back
    assert experiment_to_json(document.experiment) == before


def test_source_that_cannot_be_read_is_refused_and_adds_nothing(qtbot):
    editor, document, stack = make_editor(qtbot, chain())
    messages: list[str] = []
    editor.status_message.connect(messages.append)
    QGuiApplication.clipboard().setText("nn.Sequential(nn.Linear(2, eval('3')))")
    assert editor.paste() == []
    assert stack.count() == 0
    assert "cannot be pasted" in messages[-1] and "eval('3') is not a literal" in messages[-1]
