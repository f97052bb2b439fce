"""Compare ▸ Lesson race: the tab appears for a lesson that declares variants, lists what each
changes and its parameter count, and races the checked ones into the run history."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from playground.core.document import ExperimentDocument
from playground.core.experiment import load_experiment
from playground.core.experiment.schema import Lesson, Variant
from playground.ui.compare import ComparePanel

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def _lesson_xor():
    experiment = load_experiment(PRESETS / "xor.json")
    experiment.training.device = "cpu"
    experiment.training.epochs = 2
    hidden = next(node.id for node in experiment.model.nodes if node.type == "Linear")
    experiment.lesson = Lesson(
        variants=[
            Variant(name="As it is"),
            Variant(name="Full batch", changes={"training.batch_size": "full"}, translations={"zh_CN": "全批量"}),
            Variant(name="Wide", changes={f"model.nodes.{hidden}.params.out_features": 32}),
        ]
    )
    return experiment


@pytest.fixture
def panel(qtbot):
    document = ExperimentDocument(_lesson_xor(), PRESETS / "xor.json")
    panel = ComparePanel(document, QUndoStack())
    panel.undo_stack.setParent(panel)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    yield panel
    panel.shutdown()


def _rows(lesson) -> list[list[str]]:
    """Each variant's row as shown: name, what it changes, parameters."""
    items = [lesson.list.topLevelItem(row) for row in range(lesson.list.topLevelItemCount())]
    return [[item.text(column) for column in range(4)] for item in items]


def test_the_lesson_tab_lists_each_variant_with_its_changes_and_parameters(panel):
    index = panel.indexOf(panel._holders["lesson"])
    assert panel.isTabVisible(index) and panel.tabText(index) == "Lesson race"
    lesson = panel.show_page("lesson")
    rows = _rows(lesson)
    assert [row[0] for row in rows] == ["As it is", "Full batch", "Wide"]
    assert rows[0][1] == "the experiment as it is" and rows[1][1] == 'training.batch_size = "full"'
    base, full, wide = (int(row[2].replace(",", "")) for row in rows)
    assert base == full < wide  # 32 hidden units count more weights than the preset's
    macs = [int(row[3].replace(",", "")) for row in rows]
    assert macs[0] == macs[1] < macs[2]  # and more multiply-adds per sample
    assert lesson.checked() == ["As it is", "Full batch", "Wide"]


def test_racing_the_checked_variants_files_one_run_each(panel, qtbot):
    lesson = panel.show_page("lesson")
    lesson.list.topLevelItem(2).setCheckState(0, Qt.CheckState.Unchecked)
    with qtbot.waitSignal(lesson.race.race_finished, timeout=60_000):
        qtbot.mouseClick(lesson.race.start_button, Qt.MouseButton.LeftButton)
    names = [record.name for record in panel.history]
    assert len(names) == 2, names
    assert any("As it is" in name for name in names) and any("Full batch" in name for name in names)
    assert not any("Wide" in name for name in names)


def test_the_tab_hides_for_an_experiment_without_variants_and_follows_an_open(panel):
    index = panel.indexOf(panel._holders["lesson"])
    plain = load_experiment(PRESETS / "xor.json")
    panel.document.replace(plain, PRESETS / "xor.json")
    assert not panel.isTabVisible(index)
    panel.document.replace(_lesson_xor(), PRESETS / "xor.json")
    assert panel.isTabVisible(index)
    assert len(_rows(panel.show_page("lesson"))) == 3


def test_a_language_switch_names_the_variants_in_chinese(panel, qtbot):
    from playground.ui.i18n import set_language

    lesson = panel.show_page("lesson")
    try:
        set_language("zh_CN")
        assert _rows(lesson)[1][0] == "全批量"
    finally:
        set_language("en")
    assert _rows(lesson)[1][0] == "Full batch"


def test_a_variant_the_format_refuses_is_reported_and_nothing_runs(panel, qtbot):
    experiment = _lesson_xor()
    experiment.lesson.variants.append(Variant(name="Broken", changes={"model.nodes.nowhere.type": "ReLU"}))
    panel.document.replace(experiment, PRESETS / "xor.json")
    lesson = panel.show_page("lesson")
    broken = lesson.list.topLevelItem(3)
    assert broken.text(2) == "cannot be built" and "nowhere" in broken.toolTip(2)
    qtbot.mouseClick(lesson.race.start_button, Qt.MouseButton.LeftButton)
    assert not lesson.race.is_running()
    assert "A variant cannot be raced" in lesson.race.status.text() and "nowhere" in lesson.race.status.text()
    assert len(panel.history) == 0


def test_a_race_of_schedules_draws_the_learning_rate_of_every_step_under_the_loss(panel, qtbot):
    experiment = _lesson_xor()
    experiment.lesson = Lesson(
        variants=[
            Variant(name="Constant"),
            Variant(name="Step", changes={"training.scheduler": {"type": "StepLR", "params": {"step_size": 1}}}),
        ]
    )
    panel.document.replace(experiment, PRESETS / "xor.json")
    lesson = panel.show_page("lesson")
    assert lesson.race.view.mode == "step" and lesson.race.isVisible()
    with qtbot.waitSignal(lesson.race.race_finished, timeout=60_000):
        qtbot.mouseClick(lesson.race.start_button, Qt.MouseButton.LeftButton)
    curves = [item for item in lesson.race.view.lr_plot.getPlotItem().listDataItems() if item.yData is not None]
    drawn = [item.yData for item in curves if len(item.yData)]
    assert len(drawn) == 2
    assert any(values[-1] < values[0] for values in drawn)  # the step schedule lowered its LR
    panel.document.replace(_lesson_xor(), PRESETS / "xor.json")
    assert lesson.race.view.mode == "epoch"  # batch sizes compare per epoch again


def test_a_variant_that_diverges_is_reported_and_the_race_still_completes(qtbot):
    experiment = _lesson_xor()
    experiment.training.epochs = 4
    experiment.lesson = Lesson(
        variants=[Variant(name="As it is"), Variant(name="Huge step", changes={"training.optimizer.params.lr": 1e6})]
    )
    document = ExperimentDocument(experiment, PRESETS / "xor.json")
    panel = ComparePanel(document, QUndoStack())
    panel.undo_stack.setParent(panel)
    qtbot.addWidget(panel)
    panel.show()
    try:
        lesson = panel.show_page("lesson")
        with qtbot.waitSignal(lesson.race.race_finished, timeout=60_000):
            qtbot.mouseClick(lesson.race.start_button, Qt.MouseButton.LeftButton)
        progress = lesson.race.progress
        assert progress.value() == progress.maximum()  # not stuck where the diverged run ended
        assert "The loss exploded" in lesson.race.status.text()  # the diverged variant says why
        qtbot.mouseClick(lesson.race.log_loss, Qt.MouseButton.LeftButton)
        assert lesson.race.view.log_loss()  # the exploded run no longer flattens the others
        (low, high) = lesson.race.view.loss_plot.getPlotItem().viewRange()[1]
        assert high - low < 12  # decades, not a linear axis up to 5e5
    finally:
        panel.shutdown()
