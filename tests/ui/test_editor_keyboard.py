"""The keyboard moves the selection: arrow keys nudge the selected cards a grid step (Shift: five),
a run of nudges is one undo step, and with nothing selected the arrows scroll as before."""

from __future__ import annotations

from PySide6.QtCore import Qt

from playground.ui.editor.scene import GRID
from playground.ui.editor.view import NUDGE_SHIFT_STEPS
from tests.core.factories import xor_document
from tests.ui.editor_helpers import make_editor


def test_arrow_keys_nudge_the_selection_and_undo_takes_the_run_back(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    editor.select_nodes(["hidden", "act"])
    stored = {node_id: document.experiment.node(node_id).pos for node_id in ("hidden", "act", "logits")}
    before = {node_id: editor.scene().display_position(node_id) for node_id in stored}  # where the cards are
    view = editor.view()
    view.setFocus()
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    for node_id in ("hidden", "act"):
        x, y = before[node_id]
        assert document.experiment.node(node_id).pos == (x + 3 * GRID, y + NUDGE_SHIFT_STEPS * GRID)
        card = editor.scene().node_item(node_id)
        assert (card.pos().x(), card.pos().y()) == document.experiment.node(node_id).pos  # the card moved too
    assert document.experiment.node("logits").pos == stored["logits"]  # not selected, not moved
    assert stack.count() == 1  # four presses, one step
    stack.undo()
    assert {node_id: document.experiment.node(node_id).pos for node_id in stored} == stored


def test_without_a_selection_the_arrows_move_no_card(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    editor.select_nodes([])
    editor.view().setFocus()
    qtbot.keyClick(editor.view(), Qt.Key.Key_Right)
    assert stack.count() == 0
