"""The Training tab's loss plot marks the best epoch of a run that keeps its best weights, and the
epoch where early stopping ended it, after a real run."""

from __future__ import annotations

import os

from playground.ui import theme
from tests.ui.training_helpers import open_host, preset, wait_for_state


def label_text(line) -> str:
    return line.label.toPlainText()


def test_an_early_stopped_run_marks_its_best_epoch_and_where_it_stopped(qtbot):
    host = open_host(qtbot, preset("early_stopping_best_weights.json"))
    host.controller.start()
    wait_for_state(qtbot, host, "finished", timeout=120_000)
    summary = host.controller.record.summary
    assert summary.status == "early_stopped" and summary.restored_best
    best, stopped = summary.best_epoch, summary.epochs
    assert best is not None and stopped == best + 10  # patience 10
    batches = host.controller.record.setup.batches_per_epoch
    plot = host.panel.loss_plot
    host.panel.refresh_all()

    marker = plot.best_marker()
    assert marker is not None and marker.isVisible()
    assert marker.value() == best * batches  # x by step: the end of the best epoch
    assert label_text(marker) == f"best: epoch {best}"
    stops = [line for line in plot.marker_lines() if label_text(line) == "stopped early"]
    assert len(stops) == 1 and stops[0].value() == stopped * batches
    # it stopped at a sixth of its 150 planned epochs: the axis shows the epochs that ran
    low, high = plot.loss_plot.getViewBox().viewRange()[0]
    assert stopped * batches < high < 0.5 * 150 * batches

    plot.set_x_mode("epoch")
    assert marker.value() == best and stops[0].value() == stopped
    low, high = plot.loss_plot.getViewBox().viewRange()[0]
    assert stopped < high < 0.5 * 150, "counted in epochs, the axis still shows the epochs that ran"
    if os.environ.get("PLAYGROUND_SHOTS"):
        for name in ("light", "dark"):
            theme.apply_theme(name)
            host.panel.refresh_all()
            plot.grab().save(f"/tmp/shots/loss_markers_{name}.png")
        theme.apply_theme("light")

    # a new run starts without the old run's markers
    host.controller.start()
    assert plot.best_marker() is None and not plot.marker_lines()
    host.controller.stop_action.trigger()
    wait_for_state(qtbot, host, "stopped", "finished")


def test_a_run_without_best_weights_or_early_stopping_has_no_such_marker(qtbot):
    host = open_host(qtbot, preset("xor.json", epochs=3))
    host.controller.start()
    wait_for_state(qtbot, host, "finished")
    host.panel.refresh_all()
    plot = host.panel.loss_plot
    assert plot.best_marker() is None
    assert not [line for line in plot.marker_lines() if label_text(line) == "stopped early"]
