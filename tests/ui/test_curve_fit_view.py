"""The fitted-curve view of a 1-D regression (x → y): the training points, the outliers the data
marks, and the model's curve over x, in the Training tab's task view."""

from __future__ import annotations

import math

import numpy as np

from playground.core.data import load_dataset
from playground.core.runs.probes import CURVE_RESOLUTION
from playground.core.runs.records import Prediction, ViewSetup
from playground.ui.plots.task_view import TaskView
from tests.ui.training_helpers import open_host, preset, wait_for_state


def _setup(**changes: object) -> ViewSetup:
    x = np.linspace(-3.0, 3.0, 40)
    labels = (np.arange(40) % 8 == 0).astype(np.int64)
    fields: dict[str, object] = {
        "kind": "curve",
        "task": "regression",
        "points_train": x,
        "targets_train": np.sin(x) + 4.0 * labels,
        "labels": labels,
        "class_names": ["inlier", "outlier"],
        "curve_x": np.linspace(-3.3, 3.3, 7),
        "feature_names": ["x"],
    }
    fields.update(changes)
    return ViewSetup(**fields)  # type: ignore[arg-type]


def test_the_task_view_draws_the_points_the_marked_outliers_and_the_fitted_curve(qtbot):
    view = TaskView()
    qtbot.addWidget(view)
    view.configure(_setup())
    assert view.kind() == "curve" and view.currentWidget() is view.curve
    assert view.curve.point_count() == 40 and view.curve.marked_count() == 5
    assert len(view.curve.curve_data()[0]) == 0  # no curve before the model's first prediction
    view.set_prediction(Prediction(predicted=np.array([0.0, 0.5, math.nan, 1.0, math.inf, 0.2, 0.1])))
    view.refresh()
    x, y = view.curve.curve_data()
    np.testing.assert_allclose(x, np.linspace(-3.3, 3.3, 7)[[0, 1, 3, 5, 6]])  # non-finite outputs left out
    np.testing.assert_allclose(y, [0.0, 0.5, 1.0, 0.2, 0.1])
    view.resize(700, 450)
    view.show()
    qtbot.waitExposed(view)
    title = view.curve.plot.titleLabel.shown_text()  # the whole title fits at this width
    assert "outlier" in title and "fitted curve" in title


def test_unmarked_data_in_model_units_says_so_on_the_x_axis(qtbot):
    view = TaskView()
    qtbot.addWidget(view)
    view.configure(_setup(labels=None, class_names=[], curve_standardised=True, feature_names=["age"]))
    assert view.curve.marked_count() == 0 and view.curve.point_count() == 40
    assert "outlier" not in view.curve.plot.titleLabel.variants()[0]
    assert view.curve.plot.getAxis("bottom").labelText == "age (standardised)"


def test_training_on_the_curve_with_outliers_shows_its_fitted_curve(qtbot):
    """The losses lesson in the window: the task view is the fitted curve (before: predicted vs
    true), over the training points with every outlier of the training split marked."""
    experiment = preset("losses_outliers.json", epochs=2)
    host = open_host(qtbot, experiment)
    host.controller.start()
    wait_for_state(qtbot, host, "finished")
    view = host.panel.task_view
    assert view.kind() == "curve"
    data = load_dataset(experiment.data)  # the same data the run trained on (same spec, same seed)
    assert view.curve.point_count() == len(data.x_train)
    assert view.curve.marked_count() == int(data.labels_train.sum()) > 0
    x, y = view.curve.curve_data()
    assert len(x) == CURVE_RESOLUTION and np.all(np.isfinite(y))
    assert x.min() < data.points_train.min() and x.max() > data.points_train.max()  # raw x, the data's range
