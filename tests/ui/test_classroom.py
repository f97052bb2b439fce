"""A lesson hides the controls a student does not need, keeps that in its file, and unlocks."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QToolButton

from playground.core.experiment import experiment_from_dict, load_experiment
from playground.core.experiment.schema import Classroom
from playground.ui.classroom import ClassroomDialog
from tests.core.factories import chain

HIDING = {
    "hidden_docks": ["code", "summary"],
    "hidden_inspector_groups": ["training"],
    "hidden_palette_categories": ["Recurrent & attention"],
    "hidden_actions": ["step", "step_epoch"],
}


def _lesson() -> dict:
    document = chain(
        ("hidden", "Linear", {"out_features": 4}), ("act", "Tanh", {}), ("out", "Linear", {"out_features": 2})
    )
    document["classroom"] = dict(HIDING)
    return document


def _toolbar_button(window, key: str) -> QToolButton:
    action = getattr(window.training, f"{key}_action")
    QApplication.processEvents()  # the toolbar lays its buttons out (and hides them) when it next runs
    return window.training_toolbar.widgetForAction(action)


def _assert_hidden(window) -> None:
    for key in ("code", "summary"):
        assert not window.docks[key].isVisible()
        assert not window.action(f"show_{key}").isEnabled()  # locked: View cannot bring it back
    assert window.docks["inspector"].isVisible() and window.action("show_inspector").isEnabled()
    groups = window.inspector.settings.group_boxes()
    assert not groups["training"].isVisibleTo(window) and groups["data"].isVisibleTo(window)
    shown = window.palette_widget.visible_layers()
    assert "LSTM" not in shown and "MultiheadAttention" not in shown and "Linear" in shown
    assert not _toolbar_button(window, "step").isVisible() and not _toolbar_button(window, "step_epoch").isVisible()
    assert _toolbar_button(window, "train").isVisible()


def _assert_everything_shown(window) -> None:
    for key in ("code", "summary"):
        assert window.action(f"show_{key}").isEnabled()
    assert window.inspector.settings.group_boxes()["training"].isVisibleTo(window)
    assert "LSTM" in window.palette_widget.visible_layers()
    assert _toolbar_button(window, "step").isVisible()


def test_a_lesson_that_hides_controls_opens_with_them_hidden(make_window):
    window = make_window(experiment_from_dict(_lesson()), persistent=False)
    _assert_hidden(window)
    assert window.action("unlock_controls").isEnabled()


def test_the_palette_search_does_not_find_layers_of_a_hidden_category(make_window, qtbot):
    window = make_window(experiment_from_dict(_lesson()), persistent=False)
    window.palette_widget.search.clear()
    qtbot.keyClicks(window.palette_widget.search, "LSTM")
    assert window.palette_widget.visible_layers() == []


def test_hidden_controls_survive_save_and_load(make_window, tmp_path):
    window = make_window(experiment_from_dict(_lesson()), persistent=False)
    path = tmp_path / "lesson.json"
    assert window.save_as(path)
    assert load_experiment(path).classroom == Classroom(**HIDING)
    reopened = make_window(load_experiment(path), path, persistent=False)
    _assert_hidden(reopened)


def test_show_all_controls_unlocks_and_locks_again(make_window):
    window = make_window(experiment_from_dict(_lesson()), persistent=False)
    window.action("unlock_controls").trigger()
    _assert_everything_shown(window)
    assert not window.docks["code"].isHidden()  # back, as a tab beside the lesson
    window.action("unlock_controls").trigger()  # lock again: the lesson's view comes back
    _assert_hidden(window)
    assert window.document.experiment.classroom == Classroom(**HIDING)  # unlocking never changes the file


def test_another_lesson_opens_locked_even_after_an_unlock(make_window, tmp_path):
    window = make_window(experiment_from_dict(_lesson()), persistent=False)
    window.action("unlock_controls").trigger()
    path = tmp_path / "other.json"
    path.write_text(experiment_from_dict(_lesson()).model_dump_json(), encoding="utf-8")
    assert window.open_file(path)
    _assert_hidden(window)


def test_the_teacher_picks_hidden_controls_in_a_dialog_and_undo_shows_them_again(make_window, qtbot):
    window = make_window(experiment_from_dict(chain(("out", "Linear", {"out_features": 2}))), persistent=False)
    assert not window.action("unlock_controls").isEnabled()  # nothing hidden: nothing to unlock

    def untick_and_accept() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ClassroomDialog) and w.isVisible())
        dialog.boxes["hidden_docks"]["code"].click()
        dialog.boxes["hidden_actions"]["reset"].click()
        dialog.accept()

    QTimer.singleShot(100, untick_and_accept)
    window.action("classroom_dialog").trigger()
    assert window.document.experiment.classroom == Classroom(hidden_docks=["code"], hidden_actions=["reset"])
    assert not window.docks["code"].isVisible() and not window.action("show_code").isEnabled()
    assert not _toolbar_button(window, "reset").isVisible()
    window.undo_stack.undo()
    assert window.document.experiment.classroom is None
    assert window.action("show_code").isEnabled() and _toolbar_button(window, "reset").isVisible()


def test_show_everything_in_the_dialog_ticks_every_control(qtbot):
    dialog = ClassroomDialog(Classroom(**HIDING))
    qtbot.addWidget(dialog)
    assert not dialog.boxes["hidden_docks"]["code"].isChecked()
    button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Show Everything")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert all(box.isChecked() for boxes in dialog.boxes.values() for box in boxes.values())
    assert dialog.classroom() is None


def test_the_dialog_names_a_category_with_an_ampersand_whole(qtbot):
    """ "Recurrent & attention" must not turn its "&" into a keyboard shortcut ("Recurrent _attention")."""
    dialog = ClassroomDialog(None)
    qtbot.addWidget(dialog)
    box = dialog.boxes["hidden_palette_categories"]["Recurrent & attention"]
    assert box.text() == "Recurrent && attention"  # Qt shows "&&" as one "&"
