"""The training time machine in the window: a run keeps its epochs; scrubbing back shows exactly what
a run stopped at that epoch shows; a fork with unchanged settings continues the run bit for bit and
lands in the run history as its branch; a rewind starts from the same initial weights; after a run,
a look inside is answered from its last kept epoch; the snapshots save as safetensors."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.experiment import experiment_from_dict
from playground.core.runs.timeline import SnapshotStore
from playground.ui.training import forking
from tests.core.factories import chain

EPOCHS = 6


def _experiment(epochs: int = EPOCHS):
    document = chain(
        ("hidden", "Linear", {"out_features": 6}),
        ("act", "Tanh", {}),
        ("logits", "Linear", {"out_features": 2}),
    )
    document["training"].update({"epochs": epochs, "device": "cpu", "batch_size": 32})
    return experiment_from_dict(document)


def _train(qtbot, window, epochs: int | None = None) -> None:
    assert window.training.start(epochs=epochs)
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=60_000)
    qtbot.waitUntil(lambda: window.training.record.history_id is not None, timeout=10_000)


def _boundary(window) -> np.ndarray:
    window.training_panel.refresh_all()
    return window.training_panel.task_view.boundary.image_data().copy()


def _trained(rows):
    """What training decides (the train-subset accuracy is measured now and then, on a time budget)."""
    return [{key: row.get(key) for key in ("train_loss", "val_loss", "val_accuracy", "lr")} for row in rows]


def _scrub(qtbot, window, epoch: int) -> None:
    machine = window.training_panel.time_machine
    with qtbot.waitSignal(machine.replayed, timeout=30_000, check_params_cb=lambda shown: shown == epoch):
        machine.bar.choose_epoch(epoch)


def test_scrubbing_back_shows_what_a_run_stopped_at_that_epoch_shows(qtbot, make_window):
    window = make_window(_experiment())
    window.show_tab("training")
    _train(qtbot, window)
    machine = window.training_panel.time_machine
    assert window.training.record.timeline.epochs() == list(range(EPOCHS + 1))
    assert machine.bar.epochs() == list(range(EPOCHS + 1))
    final = _boundary(window)
    _scrub(qtbot, window, 2)
    scrubbed = _boundary(window)
    assert machine.shown_epoch() == 2
    assert window.training_panel.loss_plot.time_cursor() is not None  # a line on the curves at that moment

    other = make_window(_experiment())
    other.show_tab("training")
    _train(qtbot, other, epochs=2)  # the same run, stopped at epoch 2
    assert np.array_equal(scrubbed, _boundary(other))
    assert not np.array_equal(scrubbed, final)

    with qtbot.waitSignal(machine.bar.live_chosen, timeout=5_000):
        machine.bar._on_live_clicked()
    assert machine.shown_epoch() is None and window.training_panel.loss_plot.time_cursor() is None
    assert np.array_equal(_boundary(window), final)


def test_a_fork_with_the_same_settings_continues_the_run_bit_for_bit_as_its_branch(qtbot, make_window, monkeypatch):
    window = make_window(_experiment())
    window.show_tab("training")
    _train(qtbot, window)
    parent = window.training.record
    parent_rows = parent.history()
    monkeypatch.setattr(forking.ForkDialog, "ask", classmethod(lambda cls, p, training, epoch, rewind=False: training))
    window.training_panel.time_machine.bar.choose_epoch(3)
    window.training_panel.time_machine.bar.fork_requested.emit(3)
    qtbot.waitUntil(lambda: window.training.record is not parent, timeout=10_000)
    _train(qtbot, window)
    branch = window.training.record
    assert branch.fork_epoch == 3 and branch.branch_of == parent.history_id
    assert [row.epoch for row in branch.epochs] == [4, 5, 6]
    assert _trained(branch.history()) == _trained(parent_rows)  # the same line, bit for bit
    history = window.compare_panel.history
    record = history.get(branch.history_id)
    assert record.is_branch and history.parent_of(record).id == parent.history_id


def test_a_rewind_with_another_learning_rate_starts_from_the_same_initial_weights(qtbot, make_window, monkeypatch):
    window = make_window(_experiment(epochs=3))
    window.show_tab("training")
    _train(qtbot, window)
    parent = window.training.record

    def faster(cls, parent_widget, training, epoch, rewind=False):
        assert rewind and epoch == 0
        optimizer = training.optimizer.model_copy(update={"params": {**training.optimizer.params, "lr": 0.05}})
        return training.model_copy(update={"optimizer": optimizer})

    monkeypatch.setattr(forking.ForkDialog, "ask", classmethod(faster))
    window.training_panel.time_machine.bar.rewind_requested.emit()
    qtbot.waitUntil(lambda: window.training.record is not parent, timeout=10_000)
    _train(qtbot, window)
    branch = window.training.record
    assert branch.fork_epoch == 0
    assert window.document.experiment.training.optimizer.params["lr"] == 0.05  # the settings it trained with
    start, original = branch.timeline.get(0), parent.timeline.get(0)
    assert all(np.array_equal(start.model[name], original.model[name]) for name in original.model)
    assert branch.history() != parent.history()
    window.undo_stack.undo()  # the changed settings are one undo step
    assert window.document.experiment.training.optimizer.params["lr"] != 0.05


def test_a_fork_after_the_graph_changed_is_refused_with_what_to_do(qtbot, make_window, monkeypatch):
    window = make_window(_experiment(epochs=2))
    window.show_tab("training")
    _train(qtbot, window)
    messages = []
    monkeypatch.setattr(forking.QMessageBox, "information", lambda *args: messages.append(args[2]))
    window.editor.select_nodes(["act"])
    window.editor.delete_selection()
    assert not forking.fork_last_run(window, window.training, window.document, window.undo_stack, 1)
    assert "Undo those edits" in messages[-1]


def test_after_a_run_a_look_inside_is_answered_from_its_last_kept_epoch(qtbot, make_window):
    window = make_window(_experiment(epochs=3))
    window.look_inside("act")
    view = window.training_panel.probe_view
    _train(qtbot, window)
    qtbot.waitUntil(lambda: view.result() is not None and view.result().epoch == 3, timeout=30_000)
    view.look_inside("hidden")  # the run has ended: the window answers from the snapshot
    qtbot.waitUntil(lambda: view.result() is not None and view.result().node == "hidden", timeout=30_000)
    assert view.result().epoch == 3
    _scrub(qtbot, window, 1)
    qtbot.waitUntil(lambda: view.result().epoch == 1, timeout=30_000)  # scrubbed: the probe follows


def test_the_snapshots_save_as_safetensors_and_load_back(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(_experiment(epochs=2))
    _train(qtbot, window)
    target = tmp_path / "timeline.json"
    from playground.ui.training import panel as panel_module

    monkeypatch.setattr(
        panel_module.QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(target), ""))
    )
    action = window.training_panel.findChild(type(window.xray_action), "exportTimelineAction")
    action.trigger()
    loaded = SnapshotStore.load(target)
    assert loaded.epochs() == [0, 1, 2]
    assert list(tmp_path.glob("*.safetensors"))


@pytest.fixture(autouse=True)
def _fast_workers(monkeypatch):
    """The runs here are tiny: one torch thread each is plenty."""
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
