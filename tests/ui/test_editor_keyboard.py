"""The keyboard moves the selection: arrow keys nudge the selected cards a grid step (Shift: five),
a run of nudges is one undo step, and with nothing selected the arrows scroll as before."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

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


@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing the keyboard")
def test_ctrl_f_finds_a_layer_by_name_or_type_and_shows_it(make_window, qtbot):
    from playground.core.experiment import load_experiment
    from tests.ui.training_helpers import PRESETS

    window = make_window(load_experiment(PRESETS / "resnet_block_digits.json"), persistent=False)
    find = window.action("find_layer")
    assert find.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)  # Ctrl+F
    find.trigger()
    bar = window.editor.find_bar
    assert bar.isVisible() and window.focusWidget() is bar  # typing goes to the field
    qtbot.keyClicks(bar, "batchnorm")  # a type, in any case
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    selected = window.editor.selected_node_ids()
    assert len(selected) == 1 and window.document.experiment.node(selected[0]).type.startswith("BatchNorm")
    card = window.editor.scene().node_item(selected[0])
    assert window.editor.view().visible_scene_rect().intersects(card.sceneBoundingRect())  # scrolled into view
    assert not bar.isVisible()

    messages: list[str] = []
    window.editor.status_message.connect(messages.append)
    find.trigger()
    bar.clear()
    qtbot.keyClicks(bar, "nothing-like-this")
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    assert window.editor.selected_node_ids() == selected and 'No layer matches "nothing-like-this"' in messages[-1]
    qtbot.keyClick(bar, Qt.Key.Key_Escape)
    assert not bar.isVisible()
