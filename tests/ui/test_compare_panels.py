"""The comparison panels, driven through their widgets: curves drawn, races run and stop, the
schedule designer agrees with training, the LR range test applies undoably, history round-trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from playground.core.document import ExperimentDocument
from playground.core.experiment import load_experiment, save_experiment
from playground.core.runs.records import EpochRow, RunLog
from playground.core.training import Trainer, TrainerOptions
from playground.core.training.events import Summary
from playground.ui.compare import ComparePanel

PRESETS = Path(__file__).resolve().parents[2] / "presets"
RACE_TIMEOUT_MS = 60_000


@pytest.fixture
def make_panel(qtbot):
    panels: list[ComparePanel] = []

    def make(preset: str = "xor.json", epochs: int = 3) -> ComparePanel:
        experiment = load_experiment(PRESETS / preset)
        experiment.training.device = "cpu"
        experiment.training.epochs = epochs
        document = ExperimentDocument(experiment, PRESETS / preset)
        panel = ComparePanel(document, QUndoStack())
        panel.undo_stack.setParent(panel)
        qtbot.addWidget(panel)
        panel.resize(1400, 900)
        panel.show()
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def run_race(qtbot, section) -> None:
    with qtbot.waitSignal(section.race_finished, timeout=RACE_TIMEOUT_MS):
        assert section.start()
    assert not section.is_running()


def test_every_panel_opens_and_draws_its_curves(make_panel, qtbot):
    panel = make_panel()
    assert [panel.tabText(i) for i in range(panel.count()) if panel.isTabVisible(i)] == [
        "Activations",
        "Optimizers",
        "LR schedules",
        "Run history",
        "Sweep",
    ]
    activations = panel.activations
    assert activations.curve_count() == len(activations.checked()) == 4
    activations.set_checked(["ReLU", "LeakyReLU"])
    assert activations.curve_count() == 2
    assert "LeakyReLU" in activations.facts.toPlainText() or "ReLU" in activations.facts.toPlainText()
    assert "optimizers" not in panel.built_panels()  # built when first shown: the window opens quicker
    optimizers = panel.show_page("optimizers")
    qtbot.waitUntil(lambda: bool(optimizers.results) and not optimizers.is_computing(), timeout=20_000)
    optimizers.set_surface("beale")  # the paths are computed in a thread: the window stays live
    assert optimizers.is_computing()
    qtbot.waitUntil(lambda: not optimizers.is_computing(), timeout=20_000)
    qtbot.waitUntil(
        lambda: (
            set(optimizers.results) == set(optimizers.checked())
            and optimizers.results["Adam"].path[0].tolist() == list(optimizers.surface.start)
        ),
        timeout=5_000,
    )
    optimizers.show_all()
    line, _, _ = optimizers._path_items["Adam"]
    x, y = line.getOriginalDataset()
    assert len(x) == len(optimizers.results["Adam"].path)
    assert optimizers.table.item(list(optimizers.checks).index("Adam"), 3).text() != "—"
    schedules = panel.schedules
    assert len(schedules.schedules) == len(schedules.checked_designs()) >= 4
    assert all(len(lrs) == 3 * 18 for lrs in schedules.schedules)
    assert len(panel.history) == 0 and panel.history_panel.empty_hint.isVisibleTo(panel.history_panel)


def test_activation_race_on_xor_draws_one_curve_per_contender(make_panel, qtbot):
    panel = make_panel()
    panel.activations.set_checked(["ReLU", "Tanh", "Sigmoid"])
    section = panel.activations.race
    run_race(qtbot, section)
    race = section.runner.race
    assert race.status == "completed"
    view = section.view
    assert view.curve_count("loss") == 3 and view.curve_count("metric") == 3
    assert view.table.rowCount() == 3
    assert [view.table.item(row, 0).text() for row in range(3)] == ["Sigmoid", "Tanh", "ReLU"]  # list order
    assert all(thumb.has_image() for thumb in view.thumbnails)
    # the contenders started from identical weights (the race kept nothing: rebuild and compare)
    models = race._models(race.seeds[0], race._dataset.info)
    states = [model.state_dict() for model in models]
    for key in states[0]:
        assert all(np.array_equal(states[0][key].numpy(), other[key].numpy()) for other in states[1:])
    assert race.shared_weights == [(4, 4)] * 3
    assert [record.name for record in panel.history] == ["Sigmoid", "Tanh", "ReLU"]
    assert panel.tabText(panel.indexOf(panel.history_panel)) == "Run history (3)"


def test_stop_ends_a_race_and_leaves_no_thread(make_panel, qtbot):
    panel = make_panel(epochs=400)
    section = panel.optimizers.race
    with qtbot.waitSignal(section.race_finished, timeout=RACE_TIMEOUT_MS):
        section.start()
        qtbot.waitUntil(lambda: any(track.epochs for track in section.view.tracks.values()), timeout=RACE_TIMEOUT_MS)
        assert section.stop_button.isEnabled()
        qtbot.mouseClick(section.stop_button, Qt.MouseButton.LeftButton)
    race = section.runner.race
    assert race.status == "stopped"
    assert all(run.status == "stopped" and len(run.epochs) < 400 for run in race.runs)
    assert section.start_button.isEnabled() and not section.stop_button.isEnabled()
    assert "Stopped" in section.status.text()


def test_schedule_designer_curve_equals_the_real_lr_per_step(make_panel):
    panel = make_panel(epochs=3)
    schedules = panel.schedules
    designs = schedules.checked_designs()
    labels = [design.label for design in designs]
    for label in ("Warmup + cosine", "One-cycle", "Cosine"):
        index = labels.index(label)
        design = designs[index]
        _, plotted = schedules._curves[index].getOriginalDataset()
        experiment = schedules.document.snapshot()
        experiment.training.scheduler = design.spec
        used = []
        Trainer(
            experiment,
            epochs=3,
            options=TrainerOptions(step_every=1, max_step_events_per_second=0, diagnostics=False),
            observer=lambda e, used=used: used.append(e.lr) if e.kind == "step" else None,
        ).run()
        assert len(used) == len(plotted) == 3 * 18
        assert np.allclose(plotted, used), label


def test_schedule_race_draws_loss_and_lr_on_one_step_axis(make_panel, qtbot):
    panel = make_panel(epochs=2)
    section = panel.schedules.race
    run_race(qtbot, section)
    view = section.view
    count = len(panel.schedules.checked_designs())
    assert view.curve_count("loss") == view.curve_count("lr") == count
    loss_x, _ = view._curves[("loss", 0)].getOriginalDataset()
    lr_x, _ = view._curves[("lr", 0)].getOriginalDataset()
    assert np.array_equal(loss_x, lr_x) and loss_x[-1] == 2 * 18


def test_lr_range_test_suggests_and_applies_undoably(make_panel, qtbot):
    panel = make_panel()
    schedules = panel.schedules
    schedules.range_steps.setValue(60)
    with qtbot.waitSignal(schedules.range_runner.finished, timeout=RACE_TIMEOUT_MS):
        assert schedules.start_range_test()
    result = schedules.range_result
    assert result is not None and result.suggestion is not None
    assert schedules.range_start.value() <= result.suggestion <= schedules.range_end.value()
    assert schedules.range_marker.isVisible() and schedules.apply_lr_button.isEnabled()
    old_lr = schedules.document.experiment.training.optimizer.params["lr"]
    applied = schedules.apply_suggested_lr()
    assert schedules.document.experiment.training.optimizer.params["lr"] == applied
    assert panel.undo_stack.count() == 1
    panel.undo_stack.undo()
    assert schedules.document.experiment.training.optimizer.params["lr"] == old_lr


def test_run_history_round_trips_through_a_saved_file(make_panel, qtbot, tmp_path):
    panel = make_panel()
    panel.activations.set_checked(["ReLU", "Tanh"])
    run_race(qtbot, panel.activations.race)
    log = RunLog(panel.document.snapshot())
    log.epochs = [
        EpochRow(epoch=1, step=10, train_loss=0.6, lr=0.03, seconds=0.1),
        EpochRow(epoch=2, step=20, train_loss=float("nan"), lr=0.03, seconds=0.1),
    ]
    log.summary = Summary(status="completed", message="", epochs=2, steps=20, train_loss=0.5)
    panel.add_training_run(log, name="single run")
    assert set(panel.history.records[-1].epoch_metrics) == {"train_loss", "lr"}
    history = panel.history_panel
    assert len(panel.history) == 3 and history.drawn_curve_count() == 3
    history.metric_combo.setCurrentIndex(history.metric_combo.findData("val_accuracy"))
    history.smoothing.setValue(60)
    assert history.drawn_curve_count() == 2  # the single run has no validation accuracy
    history.export_plot(tmp_path / "plot.png")
    history.export_plot(tmp_path / "plot.svg")
    history.export_table_csv(tmp_path / "runs.csv")
    assert (tmp_path / "plot.png").stat().st_size > 1000 and "<svg" in (tmp_path / "plot.svg").read_text()
    assert (tmp_path / "runs.csv").read_text().splitlines()[0].startswith("name,group,status,epochs")
    history.save_into_experiment()
    assert panel.undo_stack.count() == 1
    path = tmp_path / "with_runs.json"
    save_experiment(panel.document.experiment, path)

    reopened = make_panel()
    reopened.document.replace(load_experiment(path), path)  # what File > Open does
    names = [record.name for record in reopened.history]
    assert names == ["Tanh", "ReLU", "single run"]
    before, after = panel.history.records[0], reopened.history.records[0]
    assert np.allclose(after.epoch_metrics["train_loss"], before.epoch_metrics["train_loss"], rtol=1e-5)
    assert reopened.history_panel.table.rowCount() == 3
    reopened.history_panel.table.selectRow(0)
    assert reopened.history_panel.delete_selected() == 1 and len(reopened.history) == 2
    panel.undo_stack.undo()
    assert panel.document.experiment.comparison is None


def test_a_file_of_many_runs_opens_with_one_redraw_of_the_history(make_panel, tmp_path):
    """Each added run used to redraw every curve and legend again (quadratic: a file of 18 runs took
    seconds to open); the runs of a file are added as one change."""
    source = make_panel()
    for index in range(12):
        log = RunLog(source.document.snapshot())
        log.epochs = [EpochRow(epoch=1, step=10, train_loss=0.6 - index / 100, lr=0.03, seconds=0.1)]
        log.summary = Summary(status="completed", message="", epochs=1, steps=10, train_loss=0.5)
        source.add_training_run(log, name=f"run {index}")
    source.history_panel.save_into_experiment()
    path = tmp_path / "many_runs.json"
    save_experiment(source.document.experiment, path)

    reopened = make_panel()
    changes: list[int] = []
    reopened.history.changed.connect(lambda: changes.append(len(reopened.history)))
    reopened.document.replace(load_experiment(path), path)
    assert len(reopened.history) == 12
    assert changes == [12]
    assert reopened.history_panel.drawn_curve_count() == 12


def test_save_in_experiment_keeps_the_runs_of_other_experiments_out(make_panel, qtbot, tmp_path):
    panel = make_panel()

    def finished_run(name: str) -> None:
        log = RunLog(panel.document.snapshot())
        log.epochs = [EpochRow(epoch=1, step=10, train_loss=0.6, lr=0.03, seconds=0.1)]
        log.summary = Summary(status="completed", message="", epochs=1, steps=10, train_loss=0.6)
        panel.add_training_run(log, name=name)

    finished_run("a run of the first experiment")
    other = load_experiment(PRESETS / "spiral.json")
    panel.document.replace(other, None)  # File > Open of another experiment: the history stays
    finished_run("a spiral run")
    panel.document.replace(panel.document.snapshot(), in_place=True)  # an edit of the spiral (a fix)
    finished_run("a spiral run after a fix")
    assert len(panel.history) == 3
    messages: list[str] = []
    panel.history_panel.status_message.connect(messages.append)
    panel.history_panel.save_into_experiment()
    saved = [run.name for run in panel.document.experiment.comparison.runs]
    assert saved == ["a spiral run", "a spiral run after a fix"]
    assert "1 run(s) of other experiments" in messages[-1]
