"""A finished run is the user's work: auto-arrange, moving cards, a fix and the undo of any edit keep
its plots and trained weights when they do not change what trains; an edit that does change it says
so in the banner (the run stays); only another experiment clears the Training tab."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from playground.ui.editor.commands import MoveNodesCommand
from tests.ui.training_helpers import PRESETS, preset

CHANGED = "changed after this run"


def trained(make_window, qtbot):
    window = make_window(preset("xor.json", epochs=5), persistent=False)
    window.training.train_action.trigger()
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=60_000)
    qtbot.waitUntil(window.training_panel.is_settled, timeout=10_000)
    return window


def run_shown(window) -> tuple[int, object, np.ndarray | None]:
    """What the Training tab shows of the run: loss points, the summary, the boundary picture."""
    x, _ = window.training_panel.loss_plot.loss_curve_data()
    image = window.training_panel.task_view.boundary.image_data()
    return len(x), window.training.record.summary, None if image is None else image.copy()


def assert_kept(window, before) -> None:
    points, summary, image = run_shown(window)
    assert window.training.state() == "finished"
    assert points == before[0] > 0 and summary is before[1]
    assert image is not None and np.array_equal(image, before[2])


def test_auto_arrange_moving_and_their_undo_keep_the_run(make_window, qtbot):
    window = trained(make_window, qtbot)
    before = run_shown(window)
    banner = window.training.banner_text()
    assert "accuracy" in banner
    window._actions["auto_arrange"].trigger()  # Ctrl+L
    assert_kept(window, before)
    old = window.document.experiment.nodes_by_id()["hidden"].pos
    window.undo_stack.push(MoveNodesCommand(window.document, {"hidden": (old, (400.0, 300.0))}))
    assert_kept(window, before)
    window.undo_stack.undo()
    window.undo_stack.undo()  # auto-arrange undone: the whole experiment swapped back
    assert_kept(window, before)
    assert window.training.banner_text() == banner
    assert "Another experiment" not in window.statusBar().currentMessage()


def test_an_edit_that_changes_the_training_says_so_and_undo_takes_it_back(make_window, qtbot):
    window = trained(make_window, qtbot)
    before = run_shown(window)
    banner = window.training.banner_text()
    window.workspace.setCurrentIndex(0)  # back on the Network tab, as a user would be
    window.editor.select_nodes(["act"])
    view = window.editor.view()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert not window.document.has_node("act")
    assert CHANGED in window.training.banner_text()  # said in plain words
    assert_kept(window, before)  # the plots and the run stay
    window.undo_stack.undo()  # the node is back: the document trains what the run trained
    assert window.document.has_node("act")
    assert window.training.banner_text() == banner
    assert_kept(window, before)


def test_a_fix_keeps_the_run_and_says_the_network_changed(make_window, qtbot):
    window = trained(make_window, qtbot)
    before = run_shown(window)
    window.editor.select_nodes(["logits"])
    form = window.inspector.node._form
    form.editors["out_features"].spin.setValue(3)  # CrossEntropyLoss on 2 classes needs 2: a fix is offered
    assert CHANGED in window.training.banner_text()
    window.inspector.node.fix_buttons[0].click()  # the fix replaces the experiment as a whole
    assert window.document.report().valid
    assert_kept(window, before)
    assert window.training.banner_text() and CHANGED not in window.training.banner_text()  # back to as trained


def test_opening_another_experiment_clears_the_run(make_window, qtbot):
    window = trained(make_window, qtbot)
    assert window.open_file(PRESETS / "spiral.json")
    assert window.training.state() == "idle" and window.training.record.summary is None
    assert len(window.training_panel.loss_plot.loss_curve_data()[0]) == 0  # the old run's plots are gone


def test_the_training_tab_shows_the_data_and_the_untrained_model_before_any_run(make_window, qtbot):
    window = make_window(preset("xor.json"), persistent=False)
    panel = window.training_panel
    assert panel.task_view.kind() == "none"  # nothing asked for yet
    window.workspace.setCurrentIndex(1)  # the user opens the Training tab
    qtbot.waitUntil(
        lambda: panel.task_view.kind() == "boundary" and panel.task_view.boundary.image_data() is not None,
        timeout=60_000,
    )
    assert window.training.state() == "idle" and window.training.record.summary is None  # nothing trained
    assert len(panel.task_view.boundary.train_points.data["x"]) > 0  # the dataset's points
    window.training.train_action.trigger()  # Train still starts a real run at once
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=60_000)


def test_train_again_keeps_the_task_view_instead_of_the_placeholder(make_window, qtbot):
    window = trained(make_window, qtbot)
    panel = window.training_panel
    window.training.train_action.trigger()
    assert panel.task_view.kind() == "boundary"  # at once, before the new run's set-up has arrived
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=60_000)
    assert panel.task_view.kind() == "boundary"
