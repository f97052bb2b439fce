"""Plot bugs a first-time user found (issue 12), checked on what the user sees: every plot,
legend, title and label lies inside its window, axes follow each run, step axes count whole
steps, markers keep their words whole, and the schedule legend stays off the curves."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRect, QRectF
from PySide6.QtGui import QImage, QPainter, QUndoStack
from PySide6.QtWidgets import QApplication

from playground.core.document import ExperimentDocument
from playground.core.experiment import load_experiment
from playground.core.runs.records import EpochRow, Prediction, ViewSetup
from playground.core.training.diagnostics import Diagnostics
from playground.ui import theme
from playground.ui.plots import DiagnosticsView, ForecastView, LossPlot, LrPlot
from playground.ui.plots.style import CountAxis
from tests.ui.training_helpers import PRESETS

TRANSFORMER_LAYERS = [
    "embed",
    "encoder.self_attn",
    "encoder.self_attn.out_proj",
    "encoder.linear1",
    "encoder.linear2",
    "encoder.norm1",
    "encoder.norm2",
    "logits",
]


# ---- helpers --------------------------------------------------------------------------------------
def show(qtbot, widget, width: int, height: int):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def scene_rect(item: pg.GraphicsObject) -> QRectF:
    return item.mapRectToScene(item.boundingRect())


def viewport_scene_rect(view: pg.GraphicsView) -> QRectF:
    """The part of the scene the user sees in `view`."""
    return view.mapToScene(view.viewport().rect()).boundingRect()


def seen_whole(view: pg.GraphicsView, item: pg.GraphicsObject) -> bool:
    """The item lies inside the visible part of its view (1 px rounding allowed)."""
    return viewport_scene_rect(view).adjusted(-1, -1, 1, 1).contains(scene_rect(item))


def drawn_labels(axis: pg.AxisItem) -> list[tuple[QRectF, str]]:
    """The tick labels the axis draws now (rect in axis coordinates, text)."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _flags, text in specs[2]]


def settle(qtbot, view: pg.GraphicsView, condition) -> None:
    """Paint and let posted layout work run until `condition()` holds (fails after 3 s)."""

    def check() -> bool:
        view.grab()
        return bool(condition())

    qtbot.waitUntil(check, timeout=3000)


def feed_run(plot: LossPlot, steps: int, batches: int, task: str) -> None:
    """A whole run's steps and epochs, as the training panel feeds them."""
    step = np.arange(1, steps + 1, dtype=np.float64)
    plot.add_steps(step, step / batches, np.linspace(1.0, 0.2, steps))
    rows = []
    for epoch in range(1, steps // batches + 1):
        share = 0.5 + 0.4 * epoch / (steps // batches)
        extra = (
            {
                "val_mae": 1 - share,
                "train_mae": 1 - share,
                "val_r2": share,
                "train_r2": share,
            }
            if task == "regression"
            else {"val_accuracy": share, "train_accuracy": share}
        )
        rows.append(
            EpochRow(
                epoch=epoch,
                step=epoch * batches,
                train_loss=1 - share,
                lr=0.01,
                val_loss=1 - share,
                **extra,
            )
        )
    plot.add_epochs(rows)
    plot.refresh()


# ---- 1. axes that follow each run ---------------------------------------------------------------
def test_a_spiral_run_after_an_lstm_run_shows_all_its_steps(qtbot):
    """The LSTM preset's MAE and R² plots side by side made the canvas wider than its column; Qt
    never shrank it back, so the next (spiral) run was cut off near step 2,600 of 4,050."""
    plot = show(qtbot, LossPlot(), 360, 480)
    plot.configure("regression", total_steps=330, total_epochs=15)  # lstm_sine: 15 epochs x 22 batches
    feed_run(plot, 330, 22, "regression")
    canvas = plot.canvas
    settle(qtbot, canvas, lambda: seen_whole(canvas, plot.metric_plot_2.vb))
    assert plot.metric_plot_2.vb.width() > 80  # the R² plot is a plot, not a sliver
    for item in (
        plot.loss_plot.vb,
        plot.metric_plot.vb,
        plot.metric_plot.titleLabel,
        plot.metric_plot_2.titleLabel,
    ):
        assert seen_whole(canvas, item)
    assert plot.metric_plot.titleLabel.shown_text().startswith("MAE")

    plot.configure("classification", total_steps=4050, total_epochs=150)  # spiral: 150 epochs x 27 batches
    feed_run(plot, 4050, 27, "classification")
    settle(qtbot, canvas, lambda: seen_whole(canvas, plot.loss_plot.vb))
    for item in (
        plot.loss_plot.vb,
        plot.metric_plot.vb,
        plot.metric_plot.titleLabel,
        plot.legend,
    ):
        assert seen_whole(canvas, item)
    for item in (plot.loss_plot, plot.metric_plot):
        assert item.viewRange()[0][1] >= 4050  # the view covers the last step
    assert canvas.ci.geometry().width() <= canvas.viewport().width()


def test_a_title_keeps_its_variants_through_a_theme_change(qtbot):
    plot = show(qtbot, LossPlot(), 360, 480)
    plot.configure("regression")
    title = plot.metric_plot_2.titleLabel
    shown = title.shown_text()
    try:
        theme.apply_theme("dark")
        assert title.shown_text() == shown  # still the variant that fits, not the long one forced back
        assert theme.colors("dark").plot_foreground.lower()[1:] in title.item.toHtml().lower()
    finally:
        theme.apply_theme("light")


# ---- 2. the "diverged" marker shows its whole word ----------------------------------------------
@pytest.mark.parametrize("step", [5.0, 50.0, 97.0])
def test_the_diverged_label_lies_inside_the_plot(qtbot, step):
    plot = show(qtbot, LossPlot(), 300, 420)
    plot.configure("classification", total_steps=100, total_epochs=10)
    steps = np.arange(1, int(step), dtype=np.float64)
    plot.add_steps(steps, steps / 10, np.linspace(1.0, 0.5, steps.size))
    plot.refresh()
    plot.add_marker(step, step / 10, "diverged")
    line = plot.marker_lines()[-1]
    label = line.label
    settle(
        qtbot,
        plot.canvas,
        lambda: scene_rect(plot.loss_plot.vb).contains(scene_rect(label)),
    )
    assert label.toPlainText() == "diverged"
    assert seen_whole(plot.canvas, label)


def test_an_early_divergence_zoomed_to_its_steps_keeps_the_label_whole(qtbot):
    plot = show(qtbot, LossPlot(), 300, 420)
    plot.configure("classification", total_steps=1000, total_epochs=10)
    plot.add_steps(
        np.arange(1, 5, dtype=np.float64),
        np.arange(1, 5) / 100,
        np.array([1.0, 3.0, 50.0, 1e6]),
    )
    plot.refresh()
    plot.add_marker(5, 0.05, "diverged")
    plot.fit_x_to_data()  # what the panel does for a run that ended early
    label = plot.marker_lines()[-1].label
    settle(
        qtbot,
        plot.canvas,
        lambda: scene_rect(plot.loss_plot.vb).contains(scene_rect(label)),
    )


def test_lr_markers_near_the_right_edge_stay_inside(qtbot):
    plot = show(qtbot, LrPlot(), 300, 260)
    plot.set_planned(np.full(100, 0.1), 10)
    plot.add_steps(np.arange(1, 96, dtype=np.float64), np.arange(1, 96) / 10, np.full(95, 0.1))
    plot.add_marker(95, 9.5, "set to 0.01")
    plot.refresh()
    label = plot._markers[-1][3].label
    settle(qtbot, plot.canvas, lambda: scene_rect(plot.plot.vb).contains(scene_rect(label)))
    assert label.toPlainText() == "set to 0.01"


# ---- 3. step axes count whole steps --------------------------------------------------------------
def _integer_labels(axis: pg.AxisItem) -> list[str]:
    texts = [text for _rect, text in drawn_labels(axis)]
    assert texts, "the axis draws no labels"
    return texts


def _is_integer(text: str) -> bool:
    return re.fullmatch(r"-?\d+", text) is not None


def test_an_empty_loss_plot_counts_whole_steps(qtbot):
    plot = show(qtbot, LossPlot(), 500, 480)
    plot.grab()
    for item in (plot.loss_plot, plot.metric_plot):
        texts = _integer_labels(item.getAxis("bottom"))
        assert all(_is_integer(text) for text in texts), texts
    plot.add_steps(np.arange(1.0, 4.0), np.arange(1.0, 4.0) / 3, np.array([1.0, 0.8, 0.7]))
    plot.refresh()
    plot.grab()
    texts = _integer_labels(plot.loss_plot.getAxis("bottom"))
    assert all(_is_integer(text) for text in texts), texts
    assert "3" in texts or "4" in texts or "5" in texts  # the axis reaches past the last step
    plot.set_x_mode("epoch")
    plot.grab()
    texts = _integer_labels(plot.loss_plot.getAxis("bottom"))
    assert all(_is_integer(text) for text in texts), texts


def test_an_empty_lr_plot_counts_whole_steps(qtbot):
    plot = show(qtbot, LrPlot(), 400, 260)
    plot.refresh()
    plot.grab()
    texts = _integer_labels(plot.plot.getAxis("bottom"))
    assert all(_is_integer(text) for text in texts), texts


# ---- 4. the schedule legend stays off the curves -------------------------------------------------
@pytest.fixture
def compare_panel(qtbot):
    from playground.ui.compare import ComparePanel

    panels = []

    def make(size: tuple[int, int], preset: str = "xor.json"):
        experiment = load_experiment(PRESETS / preset)
        experiment.training.device = "cpu"
        document = ExperimentDocument(experiment, PRESETS / preset)
        panel = ComparePanel(document, QUndoStack())
        panel.undo_stack.setParent(panel)
        show(qtbot, panel, *size)
        panel.show_page("schedules")
        QApplication.processEvents()
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


@pytest.mark.parametrize("size", [(1400, 900), (1024, 700)])
def test_the_schedule_legend_covers_no_curve(compare_panel, qtbot, size):
    schedules = compare_panel(size).schedules
    widget = schedules.schedule_plot
    plot = widget.getPlotItem()
    widget.grab()
    legend = plot.legend
    names = [design.label for design in schedules.checked_designs()]
    assert "One-cycle" in names
    if not legend.isVisible():
        # too narrow for a legend beside the curves: the designer's list shows each one's colour
        assert size[0] < 1400
        assert all(not schedules.list.item(i).icon().isNull() for i in range(schedules.list.count()))
        return
    assert [label.text for _sample, label in legend.items] == names
    area = scene_rect(legend)
    view = plot.vb
    for index, curve in enumerate(schedules._curves[: len(names)]):
        x, y = curve.getOriginalDataset()
        assert x is not None and len(x) > 10
        for px, py in zip(x[::3], y[::3]):
            point = view.mapViewToScene(QPointF(float(px), float(py)))
            assert not area.contains(point), f"the legend covers {names[index]} at step {px:g}"
        if names[index] == "One-cycle":  # the peak the user saw covered
            peak = int(np.nanargmax(y))
            assert not area.contains(view.mapViewToScene(QPointF(float(x[peak]), float(y[peak]))))
    for _sample, label in legend.items:
        assert seen_whole(widget, label), label.text  # every name whole, none cut by the widget's edge


def test_the_schedule_legend_follows_a_theme_switch(compare_panel):
    schedules = compare_panel((1400, 900)).schedules
    legend = schedules.schedule_plot.getPlotItem().legend
    try:
        theme.apply_theme("dark")
        foreground = theme.colors("dark").plot_foreground.lower()[1:]
        for _sample, label in legend.items:  # light-theme text stayed on the dark plot
            assert foreground in label.item.toHtml().lower(), label.text
    finally:
        theme.apply_theme("light")


# ---- 5. the LR range test's axis label clears its controls ---------------------------------------
@pytest.mark.parametrize("size", [(1400, 900), (1024, 700), (900, 600)])
def test_the_range_test_axis_label_clears_the_controls_below(compare_panel, size):
    schedules = compare_panel(size).schedules
    widget = schedules.range_plot
    widget.grab()
    label = widget.getPlotItem().getAxis("bottom").label
    assert label.toPlainText().strip() == "learning rate (log)"
    in_widget = widget.mapFromScene(scene_rect(label)).boundingRect()
    assert QRect(0, 0, widget.width(), widget.height()).contains(in_widget), (
        in_widget,
        widget.size(),
    )
    parent = widget.parentWidget()
    bottom = widget.mapTo(parent, in_widget.bottomLeft()).y()
    controls_top = schedules.range_start.mapTo(parent, schedules.range_start.rect().topLeft()).y()
    assert bottom < controls_top
    texts = [text for _rect, text in drawn_labels(widget.getPlotItem().getAxis("bottom"))]
    assert "2" not in texts  # before a test: the sweep's decades, not pyqtgraph's 2 … 9 of an empty log axis


def test_the_range_test_marker_says_what_it_suggests(compare_panel, qtbot):
    schedules = compare_panel((1400, 900)).schedules
    schedules.range_steps.setValue(40)
    with qtbot.waitSignal(schedules.range_runner.finished, timeout=60_000):
        assert schedules.start_range_test()
    if schedules.range_result.suggestion is None:
        pytest.skip("this sweep found no suggestion")
    text = schedules.range_marker.label.toPlainText()
    assert text.startswith("suggested ") and len(text) > len("suggested ")


# ---- 6. LSTM / Transformer presets: legends, forecast window, diagnostics labels --------------------
def test_a_narrow_loss_plot_shows_every_legend_entry_whole(qtbot):
    plot = show(qtbot, LossPlot(), 290, 480)
    settle(qtbot, plot.canvas, lambda: seen_whole(plot.canvas, plot.legend))
    assert plot.legend_texts() == [
        "train, per step",
        "train, smoothed",
        "train, epoch mean",
        "validation",
    ]
    for _sample, label in plot.legend.items:
        assert seen_whole(plot.canvas, label), label.text
    plot.resize(600, 480)
    settle(qtbot, plot.canvas, lambda: plot.legend.columnCount == 2)  # wide again: two columns, two rows


def test_a_narrow_forecast_view_shows_the_window_up_to_t_0(qtbot):
    view = show(qtbot, ForecastView(), 330, 620)
    t = np.arange(80 + 20, dtype=np.float64)
    wave = np.sin(t / 3.0)
    history = np.stack([wave[i : i + 20] for i in range(80)])
    view.configure(ViewSetup(kind="forecast", history=history, truth=wave[20:100]))
    view.set_predictions(Prediction(predicted=wave[20:100] + 0.05))
    view.refresh()
    canvas = view.canvas
    settle(qtbot, canvas, lambda: seen_whole(canvas, view.detail.vb))
    assert seen_whole(canvas, view.overview.vb)
    for plot in (view.overview, view.detail):
        assert seen_whole(canvas, plot.titleLabel)
    low, high = view.detail.viewRange()[0]
    assert low <= -20 and high >= 0  # the whole window and the value to predict at t = 0
    zero = view.detail.vb.mapViewToScene(QPointF(0.0, float(wave[20])))
    assert viewport_scene_rect(canvas).contains(zero)


@pytest.mark.parametrize("width", [270, 420])
def test_transformer_layer_names_on_the_diagnostics_do_not_overlap(qtbot, width):
    view = show(qtbot, DiagnosticsView(), width, 900)
    n = len(TRANSFORMER_LAYERS)
    view.set_diagnostics(
        Diagnostics(
            layers=TRANSFORMER_LAYERS,
            grad_norm=np.linspace(0.1, 1, n),
            weight_norm=np.linspace(1, 5, n),
            update_ratio=np.full(n, 1e-3),
            dead_fraction={},
            saturated_fraction={},
            epoch=1,
        )
    )
    view.refresh()
    view.grab()
    for plot in (view.grad_plot, view.ratio_plot, view.weight_plot):
        labels = drawn_labels(plot.getAxis("bottom"))
        texts = [text for _rect, text in labels]
        assert texts[0] == "embed" and texts[-1] == "logits", texts
        assert len(set(texts)) == len(texts), texts  # no two layers look alike ("encoder.…" twice)
        rects = sorted((rect for rect, _text in labels), key=lambda rect: rect.left())
        for left, right in pairwise(rects):
            assert left.right() <= right.left(), texts


def test_lstm_and_transformer_training_tabs_fit_their_windows(qtbot, tmp_path):
    """Screenshots of the Training tab's views after a short run of each preset, at both window
    sizes: every canvas shows its whole layout (nothing cut off on the right)."""
    from tests.ui.training_helpers import open_host, preset, wait_for_state

    shots = Path("/tmp/shots")
    for name in ("lstm_sine.json", "transformer_sequence.json"):
        host = open_host(qtbot, preset(name, epochs=2, device="cpu"))
        host.controller.train_action.trigger()
        wait_for_state(qtbot, host, "finished")
        panel = host.panel
        for size in ((1400, 900), (1024, 700)):
            host.resize(*size)
            QApplication.processEvents()
            panel.refresh_all()
            for view in (panel.loss_plot, panel.lr_plot, panel.diagnostics_view):
                canvas = view.canvas
                if canvas.isVisible():
                    settle(
                        qtbot,
                        canvas,
                        lambda c=canvas: c.ci.geometry().width() <= c.viewport().width() + 1,
                    )
            if shots.is_dir():
                host.grab().save(str(shots / f"pf_test_{name[:-5]}_{size[0]}.png"))
        assert host.controller.record.summary.status == "completed"
        host.close()


def test_the_race_plots_count_whole_steps_and_epochs(qtbot):
    """Each race's loss, LR and accuracy plots (activations, optimizers, schedules) draw whole
    step or epoch numbers, empty or not."""
    from PySide6.QtGui import QUndoStack

    from playground.core.document import ExperimentDocument
    from playground.core.experiment import load_experiment
    from playground.ui.compare.panel import ComparePanel

    document = ExperimentDocument(load_experiment(PRESETS / "xor.json"))
    panel = ComparePanel(document, QUndoStack())
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    assert isinstance(panel.optimizers.gap_plot.getPlotItem().getAxis("bottom"), CountAxis)
    for view in panel.activations.race.view, panel.schedules.race.view:
        for widget in (view.loss_plot, view.lr_plot, view.metric_plot):
            if widget is None:
                continue
            axis = widget.getPlotItem().getAxis("bottom")
            assert isinstance(axis, CountAxis)  # its labels are whole numbers (the loss plot's tests above)
            assert all(_is_integer(text) for text in axis.tickStrings([0.0, 1.0, 2.0], 1.0, 1.0))
    panel.shutdown()
