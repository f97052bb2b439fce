"""The time machine's widgets, driven as a user would: the timeline bar scrubs kept epochs (mouse
and keyboard), goes back to live, asks to fork or rewind, and is off without snapshots; the fork
dialog edits the training settings with the catalogue's editors and returns them changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QWidget

from playground.core.catalogue.training import OPTIMIZERS, SCHEDULERS
from playground.core.experiment import load_experiment
from playground.ui import theme
from playground.ui.training.fork_dialog import ForkDialog
from playground.ui.training.timeline_bar import TimelineBar

PRESETS = Path(__file__).resolve().parents[2] / "presets"
SHOTS = Path(os.environ.get("NN_PLAYGROUND_SHOTS", "/tmp/shots"))


@pytest.fixture
def bar(qtbot) -> TimelineBar:
    widget = TimelineBar()
    qtbot.addWidget(widget)
    widget.resize(1000, 40)
    widget.show()
    return widget


def recorder(bar: TimelineBar) -> list[tuple]:
    seen: list[tuple] = []
    bar.epoch_chosen.connect(lambda epoch: seen.append(("epoch", epoch)))
    bar.live_chosen.connect(lambda: seen.append(("live",)))
    bar.fork_requested.connect(lambda epoch: seen.append(("fork", epoch)))
    bar.rewind_requested.connect(lambda: seen.append(("rewind",)))
    return seen


def test_without_snapshots_the_bar_is_off_and_says_why(bar):
    assert not bar.isEnabled()
    assert "no weight snapshots" in bar.toolTip() and "no weight snapshots" in bar.fork_button.toolTip()
    bar.set_epochs([0, 1, 2], latest=2)
    assert bar.isEnabled() and "no weight snapshots" not in bar.fork_button.toolTip()
    bar.set_epochs([], latest=5)
    assert not bar.isEnabled() and bar.is_live()


def test_arrow_keys_step_through_the_kept_epochs_only(bar, qtbot):
    seen = recorder(bar)
    bar.set_epochs([0, 5, 10, 15, 20], latest=23)  # epoch 23 has no snapshot yet: the live end
    assert bar.is_live() and bar.epoch_label.text().endswith(", live") and not bar.live_button.isEnabled()
    bar.slider.setFocus()
    qtbot.keyClick(bar.slider, Qt.Key.Key_Left)
    assert seen == [("epoch", 20)] and bar.current_epoch() == 20
    assert bar.epoch_label.text() == "Epoch 20 of 23" and bar.live_button.isEnabled()
    qtbot.keyClick(bar.slider, Qt.Key.Key_Left)
    qtbot.keyClick(bar.slider, Qt.Key.Key_Down)
    assert seen[-2:] == [("epoch", 15), ("epoch", 10)]
    qtbot.keyClick(bar.slider, Qt.Key.Key_Home)
    assert seen[-1] == ("epoch", 0) and bar.epoch_label.text() == "Epoch 0 of 23"
    qtbot.keyClick(bar.slider, Qt.Key.Key_Left)  # at the first kept epoch already: nothing more
    assert seen[-1] == ("epoch", 0) and len(seen) == 4
    qtbot.keyClick(bar.slider, Qt.Key.Key_Right)
    assert seen[-1] == ("epoch", 5)
    qtbot.keyClick(bar.slider, Qt.Key.Key_End)  # the live end
    assert seen[-1] == ("live",) and bar.is_live()


def test_dragging_snaps_to_the_nearest_kept_epoch(bar, qtbot):
    seen = recorder(bar)
    bar.set_epochs([0, 10, 20, 30], latest=30)
    bar.slider.setValue(13)  # what a drag or a click on the groove does
    assert bar.slider.value() == 10 and seen == [("epoch", 10)]
    bar.slider.setValue(26)
    assert bar.slider.value() == 30 and seen[-1] == ("epoch", 30)  # the latest is kept: an epoch, not live
    assert bar.epoch_label.text() == "Epoch 30 of 30"
    qtbot.mouseClick(bar.live_button, Qt.MouseButton.LeftButton)
    assert seen[-1] == ("live",) and bar.is_live() and bar.epoch_label.text().endswith(", live")


def test_a_mouse_click_on_the_slider_lands_on_a_kept_epoch(bar, qtbot):
    seen = recorder(bar)
    bar.set_epochs([0, 10, 20, 30], latest=30)
    x = bar.slider.tick_x(10) + 3
    qtbot.mouseClick(bar.slider, Qt.MouseButton.LeftButton, pos=QPoint(x, bar.slider.height() // 2))
    assert seen and seen[-1][0] == "epoch" and seen[-1][1] in (0, 10, 20, 30)
    assert bar.slider.value() in (0, 10, 20, 30)


def test_fork_and_rewind_ask_for_the_epoch_shown(bar, qtbot):
    seen = recorder(bar)
    bar.set_epochs([0, 2, 4], latest=5)
    qtbot.mouseClick(bar.fork_button, Qt.MouseButton.LeftButton)
    assert seen == [("fork", 4)]  # live: from the latest kept epoch
    bar.choose_epoch(2)
    qtbot.mouseClick(bar.fork_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.rewind_button, Qt.MouseButton.LeftButton)
    assert seen[-3:] == [("epoch", 2), ("fork", 2), ("rewind",)]
    bar.set_epochs([3, 4], latest=5)  # a branch's timeline begins where it was forked: nothing to rewind to
    assert not bar.rewind_button.isEnabled() and bar.fork_button.isEnabled()


def test_new_epochs_keep_the_scrubbed_epoch_or_move_to_an_earlier_kept_one(bar):
    seen = recorder(bar)
    bar.set_epochs([0, 1, 2, 3], latest=3)
    bar.choose_epoch(2)
    bar.set_epochs([0, 1, 2, 3, 4], latest=4)
    assert bar.current_epoch() == 2 and bar.epoch_label.text() == "Epoch 2 of 4" and seen == [("epoch", 2)]
    bar.set_epochs([0, 1, 3, 4, 5], latest=5)  # epoch 2 was thinned away
    assert bar.current_epoch() == 1 and seen[-1] == ("epoch", 1)
    bar.set_live()
    bar.set_epochs([0, 1, 3, 4, 5, 6], latest=6)
    assert bar.is_live() and bar.slider.value() == 6 and seen[-1] == ("epoch", 1)  # set_live says nothing


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_bar_looks_right_in_both_themes(bar, qtbot, name):
    app = QApplication.instance()
    previous = theme.current_theme()
    theme.apply_theme(name, app)
    try:
        bar.set_epochs(list(range(0, 31, 2)), latest=31)
        bar.choose_epoch(14)
        for width in (1400, 1024):
            bar.resize(width, bar.sizeHint().height())
            qtbot.wait(10)
            SHOTS.mkdir(parents=True, exist_ok=True)
            bar.grab().save(str(SHOTS / f"timeline_bar_{name}_{width}.png"))
            assert bar.slider.width() > width // 3  # the slider takes what the buttons leave
            assert all(button.width() >= button.sizeHint().width() for button in (bar.live_button, bar.fork_button))
    finally:
        theme.apply_theme(previous, app)


# ---- the fork dialog ----------------------------------------------------------------------------


@pytest.fixture
def xor_training():
    experiment = load_experiment(PRESETS / "xor.json")
    return experiment.training


def dialog_for(qtbot, training, epoch: int = 7, **kwargs) -> ForkDialog:
    dialog = ForkDialog(training, epoch, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_dialog_offers_the_catalogue_s_optimizers_and_schedules(qtbot, xor_training):
    dialog = dialog_for(qtbot, xor_training)
    combo = dialog.optimizer_editor.combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(OPTIMIZERS)
    schedules = dialog.scheduler_editor.combo
    assert [schedules.itemData(i) for i in range(schedules.count())] == [None, *SCHEDULERS]
    assert dialog.windowTitle() == "Fork from epoch 7"
    assert "continue exactly" in dialog.changes.text()
    assert dialog.training() == xor_training  # nothing changed: the same settings


def test_editing_the_learning_rate_weight_decay_and_l1_returns_them_changed(qtbot, xor_training):
    dialog = dialog_for(qtbot, xor_training)
    form = dialog.optimizer_editor.form
    assert form is not None
    form.editors["lr"].spin.setValue(0.1)
    form.editors["lr"].spin.editingFinished.emit()
    form.editors["weight_decay"].spin.setValue(0.01)
    form.editors["weight_decay"].spin.editingFinished.emit()
    dialog.l1_editor.spin.setValue(0.001)
    dialog.l1_editor.spin.editingFinished.emit()
    training = dialog.training()
    assert training.optimizer.type == "Adam"
    assert training.optimizer.params["lr"] == pytest.approx(0.1)
    assert training.optimizer.params["weight_decay"] == pytest.approx(0.01)
    assert training.l1 == pytest.approx(0.001)
    assert xor_training.optimizer.params["lr"] == 0.03  # the run's own settings are untouched
    text = dialog.changes.text()
    assert "optimizer.lr: 0.03 → 0.1" in text and "l1" in text


def test_another_optimizer_and_a_schedule_can_be_chosen(qtbot, xor_training):
    dialog = dialog_for(qtbot, xor_training)
    combo = dialog.optimizer_editor.combo
    combo.setCurrentIndex(combo.findData("SGD"))
    schedules = dialog.scheduler_editor.combo
    assert not dialog.schedule_extra.isVisibleTo(dialog)
    schedules.setCurrentIndex(schedules.findData("StepLR"))
    assert dialog.schedule_extra.isVisibleTo(dialog)
    dialog.warmup_editor.spin.setValue(5)
    dialog.warmup_editor.spin.editingFinished.emit()
    training = dialog.training()
    assert training.optimizer.type == "SGD" and training.optimizer.params["lr"] == 0.03  # the LR carries over
    assert training.scheduler is not None and training.scheduler.type == "StepLR"
    assert training.scheduler.warmup_steps == 5
    schedules.setCurrentIndex(0)
    assert dialog.training().scheduler is None


def test_a_setting_torch_refuses_disables_fork_and_says_why(qtbot, xor_training):
    dialog = dialog_for(qtbot, xor_training)
    combo = dialog.optimizer_editor.combo
    combo.setCurrentIndex(combo.findData("SGD"))
    form = dialog.optimizer_editor.form
    form.editors["nesterov"].check.setChecked(True)  # without momentum
    assert not dialog.accept_button.isEnabled()
    assert dialog.problem.isVisibleTo(dialog) and "momentum" in dialog.problem.text()


def test_the_epochs_of_a_fork_go_past_its_start(qtbot, xor_training):
    dialog = dialog_for(qtbot, xor_training, epoch=70)
    spin = dialog.epochs_editor.spin
    assert spin.minimum() == 71 and spin.value() == 71  # the run's 60 epochs end before the fork's start
    assert dialog.training().epochs == 71 and "epochs: 60 → 71" in dialog.changes.text()
    dialog.epochs_editor.spin.setValue(100)
    dialog.epochs_editor.spin.editingFinished.emit()
    assert dialog.training().epochs == 100


def test_rewind_says_what_it_does_and_accepting_returns_the_settings(qtbot, xor_training, monkeypatch):
    dialog = dialog_for(qtbot, xor_training, epoch=12, rewind=True)
    assert dialog.windowTitle() == "Rewind to the start" and dialog.epoch == 0
    assert dialog.accept_button.text() == "Rewind"
    assert "initial weights" in dialog.intro.text()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    monkeypatch.setattr(ForkDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert ForkDialog.ask(None, xor_training, 3) is None
    assert isinstance(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), QWidget)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_dialog_looks_right_in_both_themes(qtbot, xor_training, name):
    app = QApplication.instance()
    previous = theme.current_theme()
    theme.apply_theme(name, app)
    try:
        dialog = dialog_for(qtbot, xor_training, epoch=12)
        schedules = dialog.scheduler_editor.combo
        schedules.setCurrentIndex(schedules.findData("StepLR"))
        dialog.l1_editor.spin.setValue(0.001)
        dialog.l1_editor.spin.editingFinished.emit()
        qtbot.wait(10)
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SHOTS / f"fork_dialog_{name}.png"))
        assert dialog.width() <= 900 and dialog.height() <= 700  # fits a 1024×700 screen
        form = dialog.optimizer_editor.form
        heights = {name: (e.height(), e.sizeHint().height()) for name, e in form.editors.items() if e.isVisible()}
        assert heights and all(height >= hint for height, hint in heights.values()), heights  # none squeezed
        assert dialog.optimizer_editor.height() >= dialog.optimizer_editor.sizeHint().height()
    finally:
        theme.apply_theme(previous, app)
