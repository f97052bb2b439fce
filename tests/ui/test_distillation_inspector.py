"""The settings inspector's distillation group: it shows a lesson's teacher, τ and α; ticking it
asks for the teacher file (kept relative to the experiment's folder), cancelling keeps it off, and
each edit is one undoable step."""

from __future__ import annotations

from PySide6.QtCore import Qt

from playground.core.experiment.schema import Distillation
from playground.ui.inspector import settings_inspector
from tests.ui.test_augmentation_editor import PRESETS, make_inspector, tick


def test_a_distilled_lesson_shows_its_teacher_and_each_edit_is_undoable(qtbot):
    inspector, document, undo = make_inspector(qtbot, "knowledge_distillation")
    assert inspector.distill_group.check.isChecked() and inspector.distill_group.body.isVisible()
    assert inspector.distill_teacher.value() == "distillation_teacher_circle.json"
    assert inspector.distill_temperature.value() == 4.0 and inspector.distill_alpha.value() == 0.1

    spin = inspector.distill_alpha.focus_widget()
    spin.selectAll()
    qtbot.keyClicks(spin, "0.3")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert document.experiment.training.distillation.alpha == 0.3
    tick(qtbot, inspector.distill_group.check)
    assert document.experiment.training.distillation is None
    assert not inspector.distill_group.body.isVisible()
    undo.undo()
    undo.undo()
    assert document.experiment.training.distillation == Distillation(
        teacher="distillation_teacher_circle.json", temperature=4.0, alpha=0.1
    )
    assert inspector.distill_alpha.value() == 0.1


def test_ticking_asks_for_the_teacher_and_cancelling_keeps_it_off(qtbot, monkeypatch):
    inspector, document, undo = make_inspector(qtbot, "spiral")
    assert not inspector.distill_group.check.isChecked()
    answers = iter([("", ""), (str(PRESETS / "xor.json"), "")])
    monkeypatch.setattr(
        settings_inspector.QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kwargs: next(answers))
    )

    tick(qtbot, inspector.distill_group.check)  # cancelled
    assert document.experiment.training.distillation is None and not inspector.distill_group.check.isChecked()
    assert undo.count() == 0

    tick(qtbot, inspector.distill_group.check)
    chosen = document.experiment.training.distillation
    assert chosen is not None and chosen.teacher == "xor.json"  # relative: the presets folder is the experiment's
    assert undo.count() == 1 and inspector.distill_teacher.value() == "xor.json"
