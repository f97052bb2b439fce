"""Live training in a window: the XOR preset learns from the Train action, the run can be paused,
stepped, resumed, stopped and reset, a diverging run says why, and no thread outlives a window."""

from __future__ import annotations

import csv
import time

import numpy as np
import pytest

from playground.core.compare.race import run_settings
from playground.core.experiment.schema import ComponentSpec
from playground.core.runs.session import worker_threads
from playground.core.training import Trainer, TrainerOptions
from playground.ui import threads
from tests.ui.training_helpers import open_host, preset, progress, wait_for_state


def test_xor_trains_from_the_train_action(qtbot, tmp_path):
    host = open_host(qtbot, preset("xor.json"))
    panel, controller = host.panel, host.controller
    # One batch first (Step from idle starts a paused run), so the "before" picture of the boundary
    # is the barely trained model whatever the machine's speed.
    controller.step_action.trigger()
    wait_for_state(qtbot, host, "paused")
    qtbot.waitUntil(lambda: panel.task_view.boundary.image_data() is not None, timeout=10_000)
    early_images = [panel.task_view.boundary.image_data().copy()]
    assert host.blocked[-1][0] is True  # the graph is read-only while training
    controller.train_action.trigger()  # resume
    wait_for_state(qtbot, host, "running", "finished")
    wait_for_state(qtbot, host, "finished")
    qtbot.waitUntil(panel.is_settled, timeout=10_000)  # the views draw the end of the run

    summary = controller.record.summary
    assert summary.status == "completed"
    assert summary.val_accuracy >= 0.9  # the lesson's target: XOR is learnt with one hidden layer
    assert host.blocked[-1] == (False, "")
    assert "accuracy" in panel.banner_text() and "accuracy" in panel.banner.text()

    # the loss curve holds the run and falls
    x, y = panel.loss_plot.loss_curve_data()
    assert len(x) > 20 and np.all(np.isfinite(y))
    tenth = len(y) // 10
    assert y[-tenth:].mean() < 0.5 * y[:tenth].mean()
    assert panel.loss_plot.epoch_count() == 60  # every epoch reached the GUI

    # the boundary is a >= 100 x 100 image that changed while the model learnt
    assert panel.task_view.kind() == "boundary"
    final = panel.task_view.boundary.image_data()
    assert final is not None and final.shape[0] >= 100 and final.shape[1] >= 100
    assert early_images and np.abs(final.astype(int) - early_images[0].astype(int)).mean() > 5
    assert panel.task_view.boundary.update_count() >= 2

    # status widgets and diagnostics
    assert controller.progress_bar.value() == 1000
    assert "60/60" in controller.progress_label.text()
    assert panel.diagnostics_view.has_data()
    assert not any("saturated" in hint for hint in panel.diagnostics_view.hints())  # solved: tanh saturation is fine

    # exports: metrics as CSV (no NaN text), every view as PNG and SVG
    controller.export_metrics_csv(tmp_path / "metrics.csv")
    rows = list(csv.DictReader((tmp_path / "metrics.csv").open()))
    assert len(rows) == 60 and float(rows[-1]["val_accuracy"]) >= 0.9
    assert "nan" not in (tmp_path / "metrics.csv").read_text().lower()
    controller.export_steps_csv(tmp_path / "steps.csv")
    assert len((tmp_path / "steps.csv").read_text().splitlines()) > 50
    for key in ("loss", "lr", "diagnostics", "task"):
        for suffix in ("png", "svg"):
            path = tmp_path / f"{key}.{suffix}"
            panel.export_view(key, path)
            assert path.stat().st_size > 1000, path

    # Reset: back to idle, plots empty, the untrained model's boundary shown again
    controller.reset_action.trigger()
    assert controller.state() == "idle"
    assert panel.loss_plot.step_count() == 0
    qtbot.waitUntil(lambda: not controller.bridge.is_active(), timeout=30_000)
    qtbot.waitUntil(lambda: panel.task_view.boundary.image_data() is not None, timeout=10_000)
    assert controller.state() == "idle" and host.blocked[-1] == (False, "")


def test_pause_step_resume_and_stop(qtbot):
    host = open_host(qtbot, preset("xor.json", epochs=100_000))
    controller, panel = host.controller, host.panel

    controller.step_action.trigger()  # from idle: one batch, then paused
    wait_for_state(qtbot, host, "paused")
    assert progress(host)["step"] == 1

    controller.step_action.trigger()
    qtbot.waitUntil(lambda: progress(host)["step"] == 2 and controller.state() == "paused", timeout=10_000)
    for _ in range(5):
        qtbot.wait(20)
    assert progress(host)["step"] == 2  # paused means paused

    epochs_before = panel.loss_plot.epoch_count()
    controller.step_epoch_action.trigger()  # to the end of epoch 1, then paused
    qtbot.waitUntil(
        lambda: panel.loss_plot.epoch_count() == epochs_before + 1 and controller.state() == "paused", timeout=10_000
    )
    state = progress(host)
    assert state["batch"] == state["batches"] and state["step"] == state["batches"]

    controller.train_action.trigger()  # Resume
    wait_for_state(qtbot, host, "running", timeout=10_000)
    steps = progress(host)["step"]
    qtbot.waitUntil(lambda: progress(host)["step"] > steps + 100, timeout=20_000)

    controller.set_lr(0.001)  # live LR change: marked in the LR plot, used from the next step
    qtbot.waitUntil(lambda: bool(panel.lr_plot.marker_texts()), timeout=10_000)
    qtbot.waitUntil(lambda: abs(panel.lr_plot.lr_curve_data()[1][-1] - 0.001) < 1e-12, timeout=10_000)
    change = controller.record.lr_changes[-1]  # the run history files the run with the rate it ended on
    assert abs(change.lr - 0.001) < 1e-12
    settings = run_settings(controller.record.experiment, controller.record.lr_changes)
    assert settings["lr"].endswith(f"→ 0.001 (step {change.step})")

    started = time.monotonic()
    controller.stop_action.trigger()
    wait_for_state(qtbot, host, "stopped", timeout=5_000)
    assert time.monotonic() - started < 1.0
    assert not controller.bridge.is_active() and not threads.running_threads()
    assert host.blocked[-1] == (False, "")
    assert "Stopped" in controller.banner_text()


def test_closing_the_window_mid_run_stops_the_thread(qtbot):
    host = open_host(qtbot, preset("spiral.json", epochs=100_000))
    host.controller.start()
    qtbot.waitUntil(lambda: (progress(host).get("step") or 0) > 50, timeout=30_000)
    assert threads.running_threads()
    started = time.monotonic()
    host.close()
    assert time.monotonic() - started < 5.0
    assert not host.controller.bridge.is_active()
    assert not threads.running_threads()


def test_editing_the_experiment_stops_the_run(qtbot):
    host = open_host(qtbot, preset("xor.json", epochs=100_000))
    host.controller.start()
    qtbot.waitUntil(lambda: (progress(host).get("step") or 0) > 10, timeout=30_000)
    host.document.set_node_params("hidden", {"out_features": 8})  # e.g. from the inspector
    wait_for_state(qtbot, host, "stopped", timeout=5_000)
    assert host.controller.banner_level() == "warning"
    assert "changed" in host.panel.banner.text()


def test_a_diverging_run_says_why_and_the_window_keeps_working(qtbot):
    host = open_host(qtbot, preset("learning_rate_too_high.json"))
    controller, panel = host.controller, host.panel
    controller.start()
    wait_for_state(qtbot, host, "diverged")
    assert panel.banner.isVisible() and panel.banner.property("level") == "error"
    assert controller.banner_level() == "error"
    assert "learning rate" in panel.banner.text() and "diverged" in panel.banner.text()
    assert "diverged" in panel.state_label.text()
    assert panel.task_view.kind() == "boundary"  # 2-D regression: the output surface
    panel.refresh_all()  # the plots hold NaN-free data and draw
    host.grab()

    # a second run starts (here with a sensible learning rate) and finishes
    training = host.document.experiment.training.model_copy(deep=True)
    training.optimizer = ComponentSpec(type="SGD", params={"lr": 0.05})
    host.document.set_training(training)
    controller.train_action.trigger()
    wait_for_state(qtbot, host, "finished")
    assert controller.banner_level() == "ok"
    assert controller.record.summary.val_r2 > 0.9


@pytest.mark.parametrize("name,epochs", [("xor.json", 60), ("resnet_block_digits.json", 2)])
def test_live_views_do_not_change_the_training(qtbot, name, epochs):
    """Predictions, train metrics and diagnostics run between steps, in eval mode, without
    autograd: the run in the window is bit for bit the headless run (same seed, same threads)."""
    experiment = preset(name, epochs=epochs)
    headless = Trainer(experiment, options=TrainerOptions(num_threads=worker_threads())).run()
    host = open_host(qtbot, experiment)
    host.controller.start()
    wait_for_state(qtbot, host, "finished")
    summary = host.controller.record.summary
    assert summary.history == headless.history
    assert summary.val_loss == headless.val_loss and summary.test_loss == headless.test_loss


@pytest.mark.parametrize("name,kind", [("resnet_block_digits.json", "images"), ("lstm_sine.json", "forecast")])
def test_task_view_follows_the_dataset(qtbot, name, kind):
    host = open_host(qtbot, preset(name, epochs=1))
    host.controller.start()
    wait_for_state(qtbot, host, "finished")
    view = host.panel.task_view
    assert view.kind() == kind
    if kind == "images":
        assert view.images.grid.predictions() is not None
        assert view.images.confusion.matrix() is not None and view.images.confusion.matrix().sum() > 0
    else:
        assert view.forecast.forecast_data() is not None
    host.grab()


def test_a_worker_killed_mid_run_is_reported_and_the_next_run_works(qtbot):
    import os
    import signal

    host = open_host(qtbot, preset("xor.json", epochs=100_000))
    controller, panel = host.controller, host.panel
    before = host.document.snapshot()
    controller.start()
    qtbot.waitUntil(lambda: (progress(host).get("step") or 0) > 20, timeout=60_000)
    os.kill(controller.bridge.worker.pid, signal.SIGKILL)  # e.g. the system ran out of memory
    wait_for_state(qtbot, host, "stopped", timeout=10_000)
    assert "stopped unexpectedly (killed, SIGKILL)" in controller.banner_text()
    assert "too large for this machine&#x27;s memory" in panel.banner.text()  # what the user reads
    assert panel.loss_plot.step_count() > 0  # the views keep what they had
    assert host.document.experiment == before  # the document is untouched
    training = host.document.experiment.training.model_copy(deep=True)
    training.epochs = 2
    host.document.set_training(training)
    controller.start()  # a fresh worker
    wait_for_state(qtbot, host, "finished", timeout=60_000)
    assert controller.record.summary.status == "completed"


def test_a_stop_that_does_not_take_effect_ends_the_worker_and_says_so(qtbot):
    import os
    import signal

    host = open_host(qtbot, preset("xor.json", epochs=100_000))
    controller = host.controller
    controller.start()
    qtbot.waitUntil(lambda: (progress(host).get("step") or 0) > 20, timeout=60_000)
    os.kill(controller.bridge.worker.pid, signal.SIGSTOP)  # as if one step were stuck in a huge layer
    controller.stop_action.trigger()
    wait_for_state(qtbot, host, "stopped", timeout=10_000)
    assert "did not stop within 2 s" in controller.banner_text()
    assert not controller.bridge.is_active()


def test_closing_the_window_mid_run_and_quitting_leaves_no_child_process(qtbot):
    import multiprocessing

    from playground.ui.training import workers

    host = open_host(qtbot, preset("spiral.json", epochs=100_000))
    host.controller.start()
    qtbot.waitUntil(lambda: (progress(host).get("step") or 0) > 20, timeout=60_000)
    assert multiprocessing.active_children()  # the worker process
    host.close()
    assert not threads.running_threads() and not workers.pool().busy()
    workers.shutdown()  # what the application does when it quits
    assert not multiprocessing.active_children()


def test_the_in_process_worker_trains_xor_to_its_target(qtbot):
    from playground.ui.training import workers

    workers.use_in_process(True)
    try:
        host = open_host(qtbot, preset("xor.json"))
        host.controller.start()
        wait_for_state(qtbot, host, "finished", timeout=60_000)
        assert host.controller.record.setup.process == "thread"
        assert host.controller.record.summary.val_accuracy >= 0.9
        host.close()
    finally:
        workers.use_in_process(False)


def test_the_train_menu_sets_the_frame_rate_and_where_training_runs(make_window, qtbot, monkeypatch):
    from playground.ui.training import workers

    monkeypatch.setattr(workers, "_in_process", workers._in_process)  # put back after the test
    window = make_window(preset("xor.json", epochs=100_000), persistent=False)
    window.findChild(type(window.separate_process_action), "action_frame_rate_10").trigger()
    assert window.training.frames_per_second == 10.0
    assert window.training_panel.intervals()["loss"] == pytest.approx(0.1)
    assert window.separate_process_action.isChecked()  # the default: a worker process
    try:
        window.separate_process_action.setChecked(False)
        window.training.train_action.trigger()
        qtbot.waitUntil(lambda: window.training.record.setup is not None, timeout=30_000)
        assert not window.separate_process_action.isEnabled()  # not while a run is under way
        window.training.stop_action.trigger()
        qtbot.waitUntil(lambda: window.training.state() == "stopped", timeout=30_000)
        assert window.training.record.setup.process == "thread"
        assert window.separate_process_action.isEnabled()
        window.separate_process_action.setChecked(True)
        window.training.train_action.trigger()  # a fresh worker process starts: wait for its set-up
        qtbot.waitUntil(lambda: window.training.record.setup is not None, timeout=60_000)
        window.training.stop_action.trigger()
        qtbot.waitUntil(lambda: window.training.state() == "stopped", timeout=30_000)
        assert window.training.record.setup.process == "process"
    finally:
        workers.use_in_process(False)


def test_exports_wait_for_a_run_and_one_step_shows_no_speed(qtbot):
    host = open_host(qtbot, preset("xor.json", epochs=3))
    controller = host.controller
    assert not controller.export_steps_action.isEnabled() and not controller.export_metrics_action.isEnabled()
    controller.step_action.trigger()  # one batch, then paused
    wait_for_state(qtbot, host, "paused")
    qtbot.waitUntil(lambda: "step 1" in controller.progress_text(), timeout=10_000)
    assert "samples/s" not in controller.progress_text()  # one step's rate is start-up time, not speed
    controller.train_action.trigger()
    wait_for_state(qtbot, host, "finished")
    assert "samples/s" in controller.progress_text()
    assert controller.export_steps_action.isEnabled() and controller.export_metrics_action.isEnabled()
