"""The teacher sets a lesson's goals and challenge in a dialog, with the mouse and keyboard: what
OK keeps is exactly what the form shows (a percentage stored as a fraction, a variant threshold
by name), an invalid goal is named and nothing is kept, and the whole edit is one undo step that
the lesson panel follows."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

from playground.core.experiment.schema import Challenge, GoalCondition, LeaderboardEntry, Lesson
from playground.ui.panels.lesson_setup import LessonSetupDialog
from tests.ui.training_helpers import preset

LEFT = Qt.MouseButton.LeftButton


def _button(dialog, text: str) -> QPushButton:
    return next(button for button in dialog.findChildren(QPushButton) if button.text() == text)


def _ok(dialog) -> QPushButton:
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)


def test_a_goal_typed_into_the_dialog_is_kept_as_the_form_shows_it(qtbot):
    lesson = Lesson(variants=[{"name": "Bigger", "changes": {"training.epochs": 3}}])
    dialog = LessonSetupDialog(lesson, ["Linear", "Tanh"])
    qtbot.addWidget(dialog)
    assert not dialog.goal_editor.isEnabled()  # no goal yet: nothing to edit

    qtbot.mouseClick(_button(dialog, "Add Goal"), LEFT)
    editor = dialog.goal_editor
    editor.text.clear()
    qtbot.keyClicks(editor.text, "Small and accurate")
    assert dialog.goal_list.item(0).text() == "Small and accurate"  # the list follows the typing
    row = editor.rows[0]
    row.value.setValue(95.0)  # shown as a percentage
    qtbot.mouseClick(editor.add_condition_button, LEFT)
    second = editor.rows[1]
    second.quantity.setCurrentIndex(second.quantity.findData("parameters"))
    second.compare.setCurrentIndex(second.compare.findData("at_most"))
    second.value.setValue(50)
    assert second.value.suffix() == "" and second.value.decimals() == 0
    qtbot.mouseClick(_button(dialog, "Add Goal"), LEFT)
    third = editor.rows[0]
    third.quantity.setCurrentIndex(third.quantity.findData("val_loss"))
    third.compare.setCurrentIndex(third.compare.findData("below"))
    third.threshold.setCurrentIndex(third.threshold.findData("Bigger"))
    assert not third.value.isVisibleTo(dialog)  # a variant threshold needs no number

    dialog.challenge_editor.setChecked(True)
    dialog.challenge_editor.max_parameters.setValue(60)
    qtbot.mouseClick(dialog.challenge_editor.use_network_button, LEFT)
    qtbot.mouseClick(_ok(dialog), LEFT)

    kept = dialog.lesson()
    assert kept is not None and [goal.text for goal in kept.goals] == ["Small and accurate", "Reach 90 % test accuracy"]
    assert kept.goals[0].conditions == [
        GoalCondition(quantity="test_accuracy", compare="at_least", value=0.95),
        GoalCondition(quantity="parameters", compare="at_most", value=50),
    ]
    assert kept.goals[1].conditions == [GoalCondition(quantity="val_loss", compare="below", variant="Bigger")]
    assert kept.challenge == Challenge(max_parameters=60, allowed_layers=["Linear", "Tanh"])
    assert kept.variants == lesson.variants


def test_an_empty_goal_is_named_and_the_dialog_stays_open(qtbot):
    dialog = LessonSetupDialog(None, [])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(_button(dialog, "Add Goal"), LEFT)
    dialog.goal_editor.text.clear()
    qtbot.mouseClick(_ok(dialog), LEFT)
    assert dialog.isVisible() and dialog.lesson() is None
    assert dialog.error.isVisible() and "Goal 1" in dialog.error.text()
    qtbot.keyClicks(dialog.goal_editor.text, "Anything")
    qtbot.mouseClick(_ok(dialog), LEFT)
    assert not dialog.isVisible() and dialog.lesson() is not None


def test_a_new_score_starts_a_new_leaderboard(qtbot):
    entry = LeaderboardEntry(name="Ana", score=0.97)
    lesson = Lesson(challenge=Challenge(score="test_accuracy"), leaderboard=[entry])
    dialog = LessonSetupDialog(lesson, [])
    qtbot.addWidget(dialog)
    assert dialog.clear_leaderboard.isEnabled() and not dialog.clear_leaderboard.isChecked()
    score = dialog.challenge_editor.score
    score.setCurrentIndex(score.findData("test_loss"))
    assert dialog.clear_leaderboard.isChecked() and not dialog.clear_leaderboard.isEnabled()
    score.setCurrentIndex(score.findData("test_accuracy"))
    assert dialog.clear_leaderboard.isEnabled()
    dialog.clear_leaderboard.setChecked(False)
    dialog.accept()
    assert dialog.lesson().leaderboard == [entry]  # kept unless the teacher clears it


def test_the_window_keeps_the_dialogs_lesson_as_one_undo_step(make_window, qtbot):
    window = make_window(preset("xor.json", epochs=2), persistent=False)
    before = window.document.experiment.lesson
    assert before is not None and before.goals  # the xor lesson has goals

    def remove_first_goal_and_accept() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, LessonSetupDialog) and w.isVisible())
        qtbot.mouseClick(_button(dialog, "Remove Goal"), LEFT)
        qtbot.mouseClick(_ok(dialog), LEFT)

    QTimer.singleShot(100, remove_first_goal_and_accept)
    window.action("lesson_setup").trigger()
    after = window.document.experiment.lesson
    assert after is not None and after.goals == before.goals[1:]
    assert len(window.lesson_view.goals.rows) == len(before.goals) - 1  # the lesson panel follows
    assert window.isWindowModified()
    window.undo_stack.undo()
    assert window.document.experiment.lesson == before
    assert len(window.lesson_view.goals.rows) == len(before.goals)


def test_in_chinese_the_teacher_edits_the_goals_chinese_text_and_the_english_stays(qtbot):
    from playground.ui.i18n import set_language

    lesson = preset("xor.json").lesson
    first = lesson.goals[0]
    set_language("zh_CN")
    dialog = LessonSetupDialog(lesson, [])
    qtbot.addWidget(dialog)
    assert dialog.goal_editor.text.text() == first.localized_text("zh_CN") != first.text
    assert dialog.goal_list.item(0).text() == first.localized_text("zh_CN")
    dialog.goal_editor.text.setText("验证准确率达到 96 %")
    dialog.accept()
    kept = dialog.lesson().goals[0]
    assert kept.text == first.text and kept.explanation == first.explanation  # English untouched
    assert kept.translations["zh_CN"].text == "验证准确率达到 96 %"
    assert dialog.lesson().goals[1:] == lesson.goals[1:]  # goals not edited stay exactly as they were
