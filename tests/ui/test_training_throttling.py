"""What keeps a live window from slowing training: a budget on the GUI thread's time, predictions
made only as fast as they are drawn, axes that do not resize (and so redraw) at every new label,
and re-runs that leave unchanged axes, points and legends alone."""

from __future__ import annotations

import numpy as np
import pytest

from playground.ui.plots import BoundaryView, DiagnosticsView
from playground.ui.plots.style import PlotCanvas, style_plot
from playground.ui.training.bridge import RunRequest, TrainingBridge
from playground.ui.training.gui_budget import GuiTimeBudget
from tests.ui.training_helpers import open_host, preset, wait_for_state


class FakeClocks:
    def __init__(self) -> None:
        self.cpu = 0.0
        self.wall = 0.0


def budget_with(clocks: FakeClocks, share: float = 0.1, burst: float = 0.02) -> GuiTimeBudget:
    return GuiTimeBudget(share, burst, cpu_clock=lambda: clocks.cpu, wall_clock=lambda: clocks.wall)


def test_the_gui_budget_lets_a_quiet_gui_draw_and_holds_back_a_busy_one():
    clocks = FakeClocks()
    budget = budget_with(clocks)
    assert budget.available()  # starts full: the first redraw of a run is never late
    clocks.cpu += 0.05  # a 50 ms redraw: 30 ms more than the burst allows
    assert not budget.available()
    assert budget.wait_seconds() == pytest.approx(0.3)  # 30 ms at a 10 % share
    clocks.wall += 0.2
    assert not budget.available()
    clocks.wall += 0.11
    assert budget.available()
    clocks.wall += 100.0  # a long idle time saves up no more than the burst
    assert budget.balance() == pytest.approx(0.02)


def test_the_gui_budget_counts_everything_the_gui_thread_does():
    clocks = FakeClocks()
    budget = budget_with(clocks)
    for _ in range(100):  # one second of signals and labels at 15 % of the time, with a 10 % share
        clocks.wall += 0.01
        clocks.cpu += 0.0015
    assert budget.balance() == pytest.approx(0.02 - 0.05)  # no redraw until that is paid back
    assert budget.wait_seconds() == pytest.approx(0.3)
    budget.reset()
    assert budget.balance() == pytest.approx(0.02)
    with pytest.raises(ValueError):
        GuiTimeBudget(0.0)


def test_axes_grow_for_long_labels_but_never_shrink(qtbot):
    canvas = PlotCanvas()
    qtbot.addWidget(canvas)
    plot = canvas.ci.addPlot()
    style_plot(plot, title="Loss", left="loss")
    canvas.resize(500, 300)
    canvas.show()
    qtbot.waitExposed(canvas)
    start = plot.getAxis("left").width()
    plot.setYRange(1000, 1000.0005)  # "1000.0002": wider than the reserved "0.0001"
    qtbot.waitUntil(lambda: plot.getAxis("left").width() > start, timeout=5_000)
    wide = plot.getAxis("left").width()
    plot.setYRange(0, 1)  # "0.2": narrow labels again
    for _ in range(3):
        canvas.grab()
        qtbot.wait(20)
    assert plot.getAxis("left").width() == wide  # no resize: no relayout, no redraw of the canvas


def diagnostics(layers: list[str], scale: float = 1.0) -> dict:
    n = len(layers)
    return {"layers": layers, "grad_norm": [0.01 * scale] * n, "weight_norm": [2.0] * n,
            "update_ratio": [1e-3] * n, "dead_fraction": {}, "saturated_fraction": {}, "hints": []}


def bottom_labels(view: DiagnosticsView) -> list[str]:
    levels = view.grad_plot.getAxis("bottom")._tickLevels or [[]]
    return [label for _value, label in levels[0]]


def test_a_rerun_keeps_the_diagnostics_axes_and_another_model_resets_them(qtbot):
    view = DiagnosticsView()
    qtbot.addWidget(view)
    view.set_diagnostics(diagnostics(["fc1", "fc2", "out"]))
    view.refresh()
    grad_range = view.grad_plot.viewRange()[1]
    view.clear(keep_axes=True)  # the same model starts again
    assert not view.has_data() and bottom_labels(view) == ["fc1", "fc2", "out"]
    assert view.grad_plot.viewRange()[1] == grad_range
    view.set_diagnostics(diagnostics(["fc1", "fc2", "out"]))
    view.refresh()
    assert view.grad_plot.viewRange()[1] == grad_range  # nothing to redraw on the axes
    view.set_diagnostics(diagnostics(["conv", "fc"], scale=100.0))  # another model: fresh ticks and scales
    view.refresh()
    assert bottom_labels(view) == ["conv", "fc"]
    assert view.grad_plot.viewRange()[1][0] > grad_range[1]  # not stretched down to the old model's range
    view.clear()  # another experiment: an empty frame, no old layer names
    assert bottom_labels(view) == []


def boundary_setup(shift: float = 0.0) -> dict:
    rng = np.random.default_rng(0)
    points = rng.uniform(-1, 1, size=(40, 2)) + shift
    return {"kind": "boundary", "task": "classification", "class_names": ["0", "1"], "split": "test",
            "extent": (-1.5, 1.5), "resolution": 20, "feature_names": ["x1", "x2"],
            "points_train": points, "targets_train": (points[:, 0] > 0).astype(np.int64),
            "points_test": points[:10], "targets_test": (points[:10, 0] > 0).astype(np.int64)}


def test_a_rerun_on_the_same_data_keeps_the_boundary_points_and_legend(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.configure(boundary_setup())
    view.set_output(np.full((20, 20, 2), 0.5))
    view.refresh()
    assert view.image_data() is not None
    points_item = view.train_points.points()[0]
    legend_rows = len(view.legend.items)
    view.configure(boundary_setup())  # Train again: a fresh picture, the same points
    assert view.image_data() is None
    assert view.train_points.points()[0] is points_item and len(view.legend.items) == legend_rows
    view.configure(boundary_setup(shift=0.25))  # other data: new points
    x, _y = view.train_points.getData()
    assert x.min() > -1.0 + 0.2 and view.train_points.points()[0] is not points_item


def run_bridge(qtbot, on_demand: bool, want: bool) -> int:
    """Predictions delivered during an XOR run of 200 epochs."""
    bridge = TrainingBridge()
    predictions = []

    def on_updated(update) -> None:
        if update.prediction is not None:
            predictions.append(update.prediction)
            if want:
                bridge.want_prediction()

    bridge.updated.connect(on_updated)
    with qtbot.waitSignal(bridge.finished, timeout=60_000):
        bridge.start(RunRequest(preset("xor.json", epochs=200), predictions_on_demand=on_demand))
    qtbot.waitUntil(lambda: not bridge.is_active(), timeout=10_000)
    return len(predictions)


def test_predictions_on_demand_are_made_only_after_the_last_was_drawn(qtbot):
    unasked = run_bridge(qtbot, on_demand=True, want=False)
    assert unasked == 2  # the untrained model's and the end of the run: nobody drew one in between
    asked = run_bridge(qtbot, on_demand=True, want=True)
    assert asked > 2


def test_an_exhausted_budget_still_lets_every_view_move_about_once_a_second(qtbot, monkeypatch):
    from playground.ui.training import panel as panel_module

    # What this proves is the hold limit, not this machine's paint speed: a view's own spacing
    # (its paint time ÷ its share) would add seconds between redraws on a slow machine.
    monkeypatch.setattr(panel_module, "REDRAW_SHARE", {key: 1.0 for key in panel_module.REDRAW_SHARE})
    host = open_host(qtbot, preset("xor.json", epochs=100_000))
    panel = host.panel
    host.controller.train_action.trigger()
    wait_for_state(qtbot, host, "running")
    # The clock starts once steps arrive: a first run in the process spends seconds importing
    # torch's compiler when it builds its optimizer, and nothing is drawn meanwhile.
    qtbot.waitUntil(lambda: not host.controller.record.is_empty(), timeout=30_000)
    panel.gui_budget = GuiTimeBudget(share=1e-6, burst=0.0)  # as if the GUI thread had no time to spare
    panel.redraws.clear()
    qtbot.wait(3_500)
    assert 2 <= panel.redraws["loss"] <= 8  # held back, yet never frozen
    host.controller.stop_action.trigger()
    wait_for_state(qtbot, host, "stopped", timeout=5_000)


def test_the_boundary_plane_is_square_and_whole_in_a_tall_column(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.resize(360, 800)  # a narrow, tall column of the training tab
    view.show()
    qtbot.waitExposed(view)
    view.configure(boundary_setup())
    box = view.plot.getViewBox()
    qtbot.waitUntil(lambda: abs(box.width() - box.height()) < 0.1 * box.width(), timeout=5_000)
    (x_low, x_high), (y_low, y_high) = view.plot.viewRange()
    assert x_low <= -1.5 and x_high >= 1.5 and y_low <= -1.5 and y_high >= 1.5  # all of the extent
    assert view.canvas.height() < 0.7 * view.height()  # the spare room is below, not empty plane
