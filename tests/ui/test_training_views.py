"""The live views on their own: NaN/inf-proof, debiased smoothing, axes that follow the run,
the learning-rate box, and CSV that never says 'nan'."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.core.runs.records import EpochRow, Prediction, Progress, RunLog, RunUpdate, StepBatch, ViewSetup
from playground.core.smoothing import DebiasedEma
from playground.core.training.diagnostics import Diagnostics
from playground.ui.plots import BoundaryView, DiagnosticsView, LossPlot, LrPlot, TaskView
from playground.ui.plots.style import nice_ceiling
from playground.ui.training.lr_spin_box import LearningRateSpinBox, ladder_step


def test_debiased_ema_matches_tensorboard_and_skips_nan():
    ema = DebiasedEma(0.6)
    values = np.array([1.0, 2.0, math.nan, 3.0, math.inf])
    out = ema.feed(values)
    assert out[0] == pytest.approx(1.0)  # debiased: the first value is itself, not 0.4
    expected = (0.6 * 0.4 * 1.0 + 0.4 * 2.0) / (1 - 0.6**2)
    assert out[1] == pytest.approx(expected)
    assert math.isnan(out[2]) and math.isnan(out[4])
    assert np.isfinite(out[3])
    assert np.array_equal(DebiasedEma(0.0).feed(np.array([3.0, 5.0])), [3.0, 5.0])


def test_loss_plot_survives_nan_and_inf_and_draws_both_x_axes(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 500)
    plot.show()
    plot.configure("classification", total_steps=100, total_epochs=10)
    plot.add_steps(
        np.arange(1, 11), np.arange(1, 11) / 10, np.array([1, 0.9, np.nan, 0.8, np.inf, 0.7, -np.inf, 0.6, 0.5, 1e30])
    )
    plot.add_epochs(
        [
            EpochRow(epoch=1, step=10, train_loss=math.nan, lr=0.1, val_loss=None, val_accuracy=0.5),
            EpochRow(epoch=2, step=20, train_loss=0.4, lr=0.1, val_loss=0.5, val_accuracy=0.75, train_accuracy=0.8),
        ]
    )
    plot.refresh()
    x, y = plot.loss_curve_data()
    assert len(x) == 7 and np.all(np.isfinite(y))
    plot.set_log_y(True)
    x, y = plot.loss_curve_data()  # log10 of the positive values only
    assert len(y) == 7 and np.all(np.isfinite(y))
    plot.set_x_mode("epoch")
    x, _ = plot.loss_curve_data()
    assert x.max() <= 1.0
    plot.set_smoothing(0.9)
    assert plot.smoothing_weight() == pytest.approx(0.9)
    plot.grab()


def test_regression_metrics_and_lr_markers(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.configure("regression")
    assert plot.metric_plot_2.scene() is not None  # MAE and R² side by side
    plot.add_epochs([EpochRow(epoch=1, step=5, train_loss=1.0, lr=0.1, val_mae=0.5, val_r2=-3.0)])
    plot.refresh()
    plot.configure("classification")
    assert plot.metric_plot_2.scene() is None

    lr = LrPlot()
    qtbot.addWidget(lr)
    lr.set_planned(np.linspace(0.1, 0.0, 50), 10)
    lr.add_steps(np.arange(1, 6), np.arange(1, 6) / 10, np.full(5, 0.1))
    lr.add_marker(5, 0.5, "set to 0.01")
    lr.add_steps(np.arange(6, 8), np.arange(6, 8) / 10, np.array([0.01, math.nan]))
    lr.refresh()
    assert lr.marker_texts() == ["set to 0.01"]
    assert lr.lr_curve_data()[1][-1] == pytest.approx(0.01)
    lr.set_log_y(True)
    lr.set_x_mode("epoch")
    lr.grab()


def test_diagnostics_view_shows_hints_and_survives_zero_gradients(qtbot):
    view = DiagnosticsView()
    qtbot.addWidget(view)
    view.resize(420, 800)
    view.show()
    diagnostics = Diagnostics(
        layers=["fc1", "fc2", "out"],
        grad_norm=np.array([0.0, math.nan, 0.1]),
        weight_norm=np.array([1.0, math.inf, 2.0]),
        update_ratio=np.array([1e-4, 1e-3, 0.0]),
        dead_fraction={"relu1": 0.6},
        saturated_fraction={"act2": 0.2},
        epoch=3,
    )
    hints = diagnostics.hints
    view.set_diagnostics(diagnostics)
    view.refresh()
    assert hints and view.hints() == hints
    assert "dead" in view.hints_label.text()
    view.grab()


def test_boundary_view_colours_classes_and_regression(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    points = np.array([[-1.0, -1.0], [1.0, 1.0]])
    view.configure(
        ViewSetup(
            kind="boundary",
            extent=(-2.0, 2.0),
            task="classification",
            class_names=["a", "b"],
            points_train=points,
            targets_train=np.array([0, 1]),
            points_test=points,
            targets_test=np.array([1, 0]),
        )
    )
    probabilities = np.zeros((100, 100, 2), dtype=np.float32)
    probabilities[:, :50, 0] = 1.0
    probabilities[:, 50:, 1] = 1.0
    probabilities[0, 0] = np.nan  # a diverged model: grey, not a crash
    view.set_output(probabilities)
    view.refresh()
    image = view.image_data()
    assert image.shape == (100, 100, 3)
    assert not np.array_equal(image[10, 10], image[10, 90])  # two classes, two colours
    view.discretize.setChecked(True)
    view.show_test.setChecked(False)
    assert not view.test_points.isVisible()

    view.configure(
        ViewSetup(
            kind="boundary",
            extent=(-2.0, 2.0),
            task="regression",
            points_train=points,
            targets_train=np.array([-1.0, 1.0]),
        )
    )
    view.set_output(np.linspace(-1, 1, 100 * 100).reshape(100, 100))
    view.refresh()
    assert view.image_data().shape == (100, 100, 3)


def test_task_view_pages(qtbot):
    view = TaskView()
    qtbot.addWidget(view)
    assert view.kind() == "none"
    view.configure(
        ViewSetup(
            kind="images",
            class_names=[str(i) for i in range(3)],
            images=np.random.rand(6, 1, 8, 8),
            labels=np.array([0, 1, 2, 0, 1, 2]),
        )
    )
    view.set_prediction(
        Prediction(
            predicted=np.array([0, 1, 1, 0, 2, 2]), confidence=np.full(6, 0.9), confusion=np.eye(3, dtype=int) * 2
        )
    )
    view.refresh()
    assert view.images.grid.mistakes() == 2
    view.configure(ViewSetup(kind="confusion", class_names=["x", "y"]))
    view.set_prediction(Prediction(confusion=np.array([[3, 1], [0, 4]])))
    view.refresh()
    assert view.confusion.matrix().sum() == 8
    view.configure(ViewSetup(kind="scatter", truth=np.array([1.0, 2.0, math.nan])))
    view.set_prediction(Prediction(predicted=np.array([1.1, math.inf, 3.0])))
    view.refresh()
    view.resize(500, 400)
    view.grab()


def test_learning_rate_box_steps_on_a_log_ladder(qtbot):
    assert ladder_step(0.01, 1) == pytest.approx(0.03)
    assert ladder_step(0.03, 1) == pytest.approx(0.1)
    assert ladder_step(0.01, -1) == pytest.approx(0.003)
    assert ladder_step(0.02, 1) == pytest.approx(0.03)
    assert ladder_step(0.02, -1) == pytest.approx(0.01)
    box = LearningRateSpinBox()
    qtbot.addWidget(box)
    box.setValue(0.001)
    box.stepBy(2)
    assert box.value() == pytest.approx(0.01)
    assert box.textFromValue(3e-5) == "3e-05"
    assert box.valueFromText("0,5") == pytest.approx(0.5)


def test_run_log_csv_has_no_nan(tmp_path):
    record = RunLog()
    record.add(
        RunUpdate(
            progress=Progress(),
            epochs=[
                EpochRow(epoch=1, step=10, train_loss=math.nan, val_loss=0.5, lr=0.1),
                EpochRow(epoch=2, step=20, train_loss=0.3, val_loss=math.inf, lr=0.1),
            ],
            steps=StepBatch(
                np.array([1.0, 2.0]), np.array([0.1, 0.2]), np.array([math.nan, 0.4]), np.array([0.1, 0.1])
            ),
        )
    )
    record.write_epochs_csv(tmp_path / "epochs.csv")
    record.write_steps_csv(tmp_path / "steps.csv")
    text = (tmp_path / "epochs.csv").read_text() + (tmp_path / "steps.csv").read_text()
    assert "nan" not in text.lower() and "inf" not in text.lower()
    assert (tmp_path / "steps.csv").read_text().splitlines()[1].startswith("1,")
    assert nice_ceiling(0.73) == pytest.approx(1.0) and nice_ceiling(1.2) == pytest.approx(2.0)


def test_a_narrow_confusion_matrix_puts_its_score_under_the_title_instead_of_cutting_it(qtbot):
    import numpy as np

    from playground.ui.plots import ConfusionMatrixView

    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    view.set_classes([str(k) for k in range(10)], split="test")
    matrix = np.eye(10, dtype=int) * 20
    matrix[0, 1] = 40
    view.set_matrix(matrix)
    view.resize(700, 400)
    assert len(view.title_lines()) == 1 and view.title_lines()[0].endswith("correct")
    view.resize(260, 400)  # a narrow column: "Confusion matrix (test split): 83.3 % of 2…" was cut
    lines = view.title_lines()
    assert lines == ["Confusion matrix (test split)", "83.3% of 240 correct"]
    view.grab()  # paints both lines
