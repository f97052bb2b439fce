"""The lesson dock's goals tick while a real run trains, in the epoch their conditions first hold and
not before, and show their explanation then; a goal that beats a variant waits for the variant's
race. A challenge shows how the experiment keeps to it, and a finished run that does goes on the
leaderboard under the student's name: one undoable edit that marks the document modified."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from playground.core.compare.history import RunRecord
from playground.core.document import ExperimentDocument
from playground.core.experiment import experiment_to_dict
from playground.core.experiment.schema import Lesson
from playground.ui import i18n, theme
from playground.ui.editor.commands import SetNodeParamsCommand
from playground.ui.panels import lesson_goals
from playground.ui.panels.lesson_view import LessonView
from tests.ui.training_helpers import preset

CHANGED = "changed after this run"

GOALS = {
    "variants": [{"name": "Bigger", "changes": {"model.nodes.hidden.params.out_features": 8}}],
    "goals": [
        {
            "text": "Bring the training loss below 100",
            "explanation": "Any run does this in its first epoch.",
            "conditions": [{"quantity": "train_loss", "compare": "below", "value": 100}],
            "translations": {"zh_CN": {"text": "训练损失低于 100", "explanation": "任何训练第一轮就做到。"}},
        },
        {
            "text": "Train three epochs",
            "explanation": "Three epochs done.",
            "conditions": [{"quantity": "epochs", "compare": "at_least", "value": 3}],
        },
        {
            "text": "Perfect with one parameter",
            "conditions": [
                {"quantity": "val_accuracy", "compare": "at_least", "value": 1.0},
                {"quantity": "parameters", "compare": "at_most", "value": 1},
            ],
        },
        {
            "text": "Beat the bigger network's validation loss",
            "conditions": [{"quantity": "val_loss", "compare": "below", "variant": "Bigger"}],
        },
    ],
}


def xor_with(lesson: dict, epochs: int = 3):
    experiment = preset("xor.json", epochs=epochs)
    experiment.lesson = Lesson.model_validate(lesson)
    return experiment


def rows(window):
    return window.lesson_view.goals.rows


def marks(window) -> list[str]:
    return [row.mark.text() for row in rows(window)]


def test_a_real_run_ticks_each_goal_in_the_epoch_it_is_met_and_not_before(make_window, qtbot):
    window = make_window(xor_with(GOALS), persistent=False)
    view = window.lesson_view
    assert view.goals_area.isVisible()
    assert [row.text.text() for row in rows(window)] == [goal["text"] for goal in GOALS["goals"]]
    assert marks(window) == ["○", "○", "○", "○"]
    assert not any(row.explanation.isVisible() for row in rows(window))
    assert rows(window)[2].detail.text() == (  # before a run: the model's size, nothing judged
        "validation accuracy — (needs ≥ 100 %); parameters 22 (needs ≤ 1)"
    )

    window.training.step_epoch_action.trigger()  # one epoch, then paused
    qtbot.waitUntil(
        lambda: window.training.state() == "paused" and len(window.training.record.epochs) == 1, timeout=180_000
    )
    assert marks(window) == ["✓", "○", "○", "○"]  # three epochs are not done after one
    first, three = rows(window)[0], rows(window)[1]
    assert first.explanation.isVisible() and first.explanation.text() == "Any run does this in its first epoch."
    assert first.detail.text().startswith("Met in epoch 1: training loss ")
    assert not three.explanation.isVisible() and three.detail.text() == "epochs 1 (needs ≥ 3)"
    assert view.goals.goals_title.text() == "Goals (1 of 4 met)"

    window.training.train_action.trigger()  # resume to the end
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=180_000)
    assert marks(window) == ["✓", "✓", "✗", "○"]
    assert three.detail.text() == "Met in epoch 3: epochs 3 (needs ≥ 3)" and three.explanation.isVisible()
    perfect, beat = rows(window)[2], rows(window)[3]
    assert (
        perfect.detail.text().startswith("Not reached in this run: validation accuracy ")
        and "parameters 22 (needs ≤ 1)" in perfect.detail.text()
    )
    assert "Race the variants first" in beat.detail.text()  # never judged without the variant's result

    loss = window.training.record.epochs[1].val_loss  # the variant's race lands in the run history
    window.compare_panel.history.add(
        RunRecord(name="Bigger", kind="race", settings={"variant": "Bigger"}, final={"val_loss": loss + 1e-9})
    )
    assert marks(window) == ["✓", "✓", "✗", "✓"]
    met_in = min(row.epoch for row in window.training.record.epochs if row.val_loss < loss + 1e-9)
    assert (
        beat.detail.text().startswith(f"Met in epoch {met_in}: validation loss ")
        and "what Bigger reached" in beat.detail.text()
    )

    window.training.reset_action.trigger()  # a new start: every goal pending again
    qtbot.waitUntil(lambda: window.training.state() == "idle", timeout=30_000)
    assert marks(window) == ["○", "○", "○", "○"]


def test_the_checklist_follows_the_language_and_hides_without_goals(qtbot):
    view = LessonView(ExperimentDocument(xor_with(GOALS)), QUndoStack())
    qtbot.addWidget(view)
    view.show()
    i18n.set_language("zh_CN")
    assert view.goals.rows[0].text.text() == "训练损失低于 100"
    assert view.goals.rows[1].text.text() == "Train three epochs"  # no Chinese text: the default
    i18n.set_language("en")
    assert view.goals.rows[0].text.text() == "Bring the training loss below 100"
    plain = LessonView(ExperimentDocument(preset("and_gate.json")), QUndoStack())
    qtbot.addWidget(plain)
    plain.show()
    assert plain.goals.rows == [] and not plain.goals_area.isVisible()


CHALLENGE = {
    "challenge": {"max_parameters": 30, "max_epochs": 5, "allowed_layers": ["Linear", "Tanh", "ReLU"]},
    "leaderboard": [
        {"name": "Top", "score": 1.0, "date": "2025-01-01T09:00:00+00:00", "settings": {"parameters": 1}},
        {"name": "Bottom", "score": 0.0, "date": "2025-01-01T09:00:00+00:00", "settings": {"parameters": 999}},
    ],
}


def test_the_standing_follows_every_edit(make_window):
    window = make_window(xor_with(CHALLENGE), persistent=False)
    labels = window.lesson_view.goals.standing_labels
    assert labels["parameters"].text() == "Parameters: 22 / 30 ✓"
    assert labels["epochs"].text() == "Epochs: 3 / 5 ✓"
    assert labels["layers"].text() == "Layers: only Linear, Tanh, ReLU ✓"
    window.undo_stack.push(SetNodeParamsCommand(window.document, "hidden", {"out_features": 8}))
    assert labels["parameters"].text() == "Parameters: 42 / 30 ✗"
    theme.apply_theme("dark")  # a broken limit takes the dark theme's error colour; a kept one the text's
    assert labels["parameters"].styleSheet() == f"color: {theme.colors('dark').error};"
    assert labels["epochs"].styleSheet() == ""
    window.undo_stack.undo()
    assert labels["parameters"].text() == "Parameters: 22 / 30 ✓" and labels["parameters"].styleSheet() == ""


def test_an_attempt_that_keeps_to_the_challenge_lands_on_the_leaderboard_and_undo_takes_it_off(
    make_window, qtbot, monkeypatch
):
    monkeypatch.setattr(lesson_goals.getpass, "getuser", lambda: "ada")
    window = make_window(xor_with(CHALLENGE), persistent=False)
    goals = window.lesson_view.goals
    assert [row[0] for row in goals.leaderboard_rows()] == ["Top", "Bottom"]
    assert not goals.attempt_box.isVisible()
    window.training.train_action.trigger()
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=180_000)
    assert goals.attempt_box.isVisible() and goals.name_edit.isVisible()
    assert goals.attempt_text.text().startswith("This run keeps to the challenge:")
    assert goals.name_edit.text() == "ada"  # the OS user's name, to change
    assert window.undo_stack.isClean()

    goals.name_edit.setText("Grace")
    goals.add_button.click()
    assert [row[0] for row in goals.leaderboard_rows()] == ["Top", "Grace", "Bottom"]
    score = window.training.record.summary.test_accuracy
    entry = window.document.experiment.lesson.leaderboard[1]
    assert entry.name == "Grace" and entry.score == score and entry.settings["parameters"] == 22
    assert goals.leaderboard_rows()[1][1] == f"{100 * score:.4g} %"
    assert not window.undo_stack.isClean() and window.isWindowModified()
    assert (
        experiment_to_dict(window.document.experiment)["lesson"]["leaderboard"][1]["name"] == "Grace"
    )  # saved with Save
    assert goals.attempt_text.text() == "This run is on the leaderboard." and not goals.name_edit.isVisible()
    assert CHANGED not in window.training.banner_text()  # the leaderboard is not what trains

    window.undo_stack.undo()
    assert [row[0] for row in goals.leaderboard_rows()] == ["Top", "Bottom"]
    assert window.undo_stack.isClean() and goals.name_edit.isVisible()  # offered again
    window.undo_stack.redo()
    assert [row[0] for row in goals.leaderboard_rows()] == ["Top", "Grace", "Bottom"]


def test_a_run_that_breaks_the_challenge_says_why_and_is_not_offered(make_window, qtbot):
    strict = {"challenge": {"max_parameters": 10, "allowed_layers": ["Linear", "ReLU"]}}
    window = make_window(xor_with(strict, epochs=1), persistent=False)
    goals = window.lesson_view.goals
    assert goals.standing_labels["parameters"].text() == "Parameters: 22 / 10 ✗"
    assert goals.standing_labels["layers"].text() == "Layers: only Linear, ReLU; not Tanh ✗"
    assert not goals.standing_labels["epochs"].isVisible()  # the challenge sets no epoch limit
    assert goals.leaderboard_empty.isVisible() and not goals.leaderboard.isVisible()
    window.training.train_action.trigger()
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=180_000)
    assert goals.attempt_text.text() == (
        "This run does not count for the challenge: 22 parameters (at most 10); layers not allowed: Tanh."
    )
    assert not goals.name_edit.isVisible()
    assert window.undo_stack.isClean()
