"""Live views: they follow the run while it trains, predictions are made only as fast as they are
drawn, axes do not resize (and so redraw) at every new label, and re-runs leave unchanged axes,
points and legends alone."""

from __future__ import annotations

import numpy as np

from playground.core.runs.records import RunRequest, ViewSetup
from playground.core.training.diagnostics import Diagnostics
from playground.ui.plots import BoundaryView, DiagnosticsView
from playground.ui.plots.style import PlotCanvas, style_plot
from playground.ui.training.bridge import TrainingBridge
from tests.ui.training_helpers import open_host, preset, wait_for_state


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


def diagnostics(layers: list[str], scale: float = 1.0) -> Diagnostics:
    n = len(layers)
    return Diagnostics(
        layers=layers, grad_norm=np.full(n, 0.01 * scale), weight_norm=np.full(n, 2.0), update_ratio=np.full(n, 1e-3)
    )


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


def boundary_setup(shift: float = 0.0) -> ViewSetup:
    rng = np.random.default_rng(0)
    points = rng.uniform(-1, 1, size=(40, 2)) + shift
    return ViewSetup(
        kind="boundary",
        task="classification",
        class_names=["0", "1"],
        split="test",
        extent=(-1.5, 1.5),
        resolution=20,
        feature_names=["x1", "x2"],
        points_train=points,
        targets_train=(points[:, 0] > 0).astype(np.int64),
        points_test=points[:10],
        targets_test=(points[:10, 0] > 0).astype(np.int64),
    )


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


def test_the_curves_and_the_boundary_follow_the_run_while_it_trains(qtbot):
    """Nothing holds the views back any more: while the run goes on, the loss curve and the
    decision boundary are redrawn again and again, and the boundary changes between redraws."""
    host = open_host(qtbot, preset("spiral.json", epochs=100_000))
    panel = host.panel
    host.controller.train_action.trigger()
    qtbot.waitUntil(
        lambda: panel.redraws["task"] >= 2 and panel.task_view.boundary.image_data() is not None, timeout=60_000
    )
    first = panel.task_view.boundary.image_data().copy()
    drawn = panel.redraws["loss"]
    qtbot.waitUntil(lambda: panel.redraws["task"] >= 12 and panel.redraws["loss"] >= drawn + 10, timeout=60_000)
    assert host.controller.state() == "running"  # all of it while training, not at the end
    assert np.abs(panel.task_view.boundary.image_data().astype(int) - first.astype(int)).mean() > 0
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
