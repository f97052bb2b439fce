"""Problems are easy to find: the status bar lists them, Train on a broken graph shows the layer,
the fix button is at the top of the inspector, and long status messages are not cut mid-word."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from playground.ui.main_window import MainWindow


def break_logits(window: MainWindow) -> None:
    """3 outputs for XOR's 2 classes: one problem, on 'logits', with a fix."""
    node = window.document.experiment.node("logits")
    window.document.set_node_params("logits", {**node.params, "out_features": 3})
    window.flush_views()


# A popup menu asks the offscreen platform to raise it and grab the keyboard, which it cannot.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")
def test_the_problem_count_opens_a_list_that_selects_the_layer(qtbot, make_window):
    window = make_window()
    window.show()
    break_logits(window)
    button = window.model_status
    assert button.text() == "1 problem"
    chosen: list[str] = []

    def pick_first() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu), "clicking the count opens the list"
        (action,) = [action for action in menu.actions() if action.isEnabled()]
        chosen.append(action.text())
        action.trigger()
        menu.close()

    QTimer.singleShot(200, pick_first)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(chosen), timeout=3000)
    assert "logits" in chosen[0] and "2 classes" in chosen[0]
    assert window.editor.selected_node_ids() == ["logits"]
    assert window.inspector.currentWidget() is window.inspector.node_page
    assert window.inspector.node.node_id == "logits"


def test_a_valid_graph_lists_no_problem_to_pick(make_window):
    window = make_window()
    entries = window.model_status.problem_menu().actions()
    assert [action.isEnabled() for action in entries] == [False]


def test_train_on_a_broken_graph_shows_the_layer_and_its_fix(qtbot, make_window):
    window = make_window()
    window.show()
    break_logits(window)
    window.editor.select_nodes([])
    window.training.train_action.trigger()
    assert window.training.state() != "running"
    assert window.editor.selected_node_ids() == ["logits"]
    node = window.inspector.node
    assert node.problem_box.isVisibleTo(node) and node.fix_buttons


def test_the_fix_button_is_visible_in_a_short_inspector(qtbot, make_window):
    window = make_window()
    window.resize(1024, 700)
    window.show()
    window.docks["inspector"].resize(window.docks["inspector"].width(), 260)
    qtbot.wait(50)
    break_logits(window)
    window.editor.select_nodes(["logits"])
    page = window.inspector.node_page
    button = window.inspector.node.fix_buttons[0]
    qtbot.waitUntil(button.isVisible, timeout=2000)
    top_left = button.mapTo(page.viewport(), QPoint(0, 0))
    assert 0 <= top_left.y() and top_left.y() + button.height() <= page.viewport().height(), (
        "the fix button shows without scrolling"
    )


def test_a_long_status_message_is_elided_not_cut(qtbot, make_window):
    window = make_window()
    window.resize(1024, 700)
    window.show()
    long = "Cannot train: fix the graph first — 'logits': " + "a very long explanation " * 12 + "end"
    window.show_status(long)
    shown = window.statusBar().currentMessage()
    assert shown.endswith("…") and shown != long
    assert window.statusBar().toolTip() == long
    window.show_status("Saved.")
    assert window.statusBar().currentMessage() == "Saved." and not window.statusBar().toolTip()
