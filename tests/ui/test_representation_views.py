"""The Training tab's views of representation learning, after real runs in the window: an
autoencoder's test images above their reconstructions with the scatter of its 2-unit codes, and a
triplet-loss embedding in the same scatter widget, one point per test sample in its class colour."""

from __future__ import annotations

import numpy as np
import torch

from playground.core.data import load_dataset
from playground.core.graph import build_model
from playground.core.runs.probes import TaskProbe
from playground.ui.plots import TaskView
from playground.ui.plots.code_views import CodeScatter
from playground.ui.plots.style import CLASS_COLORS
from tests.ui.training_helpers import open_host, preset, wait_for_state


def class_colors(labels: np.ndarray) -> list[str]:
    return [CLASS_COLORS[int(label) % len(CLASS_COLORS)] for label in labels]


def test_the_autoencoder_shows_its_reconstructions_and_its_codes_by_digit(qtbot):
    experiment = preset("autoencoder_digits.json", epochs=2)
    test_labels = load_dataset(experiment.data).labels("test")
    host = open_host(qtbot, experiment)
    panel = host.panel
    host.controller.train_action.trigger()
    wait_for_state(qtbot, host, "finished")
    view = panel.task_view.reconstruction
    qtbot.waitUntil(lambda: panel.is_settled() and view.strip.reconstructions() is not None, timeout=10_000)
    assert panel.task_view.kind() == "reconstruction" and panel.task_view.currentWidget() is view
    strip = view.strip
    assert strip.originals().shape == (10, 1, 8, 8)
    rebuilt = strip.reconstructions()
    assert rebuilt is not None and rebuilt.shape == (10, 1, 8, 8) and np.isfinite(rebuilt).all()
    assert not np.array_equal(rebuilt, strip.originals())  # two epochs through 2 numbers: not a copy
    assert "MSE" in strip._title()
    scatter = view.scatter
    assert scatter.isVisible()
    assert scatter.point_count() == len(test_labels) == 270  # one point per test image
    assert scatter.point_colors() == class_colors(test_labels)
    assert scatter.legend_names() == [str(digit) for digit in range(10)]
    assert scatter.plot.titleLabel.variants()[0] == "Codes of the test images ('code')"


def test_the_triplet_embedding_is_the_same_scatter_one_point_per_test_sample(qtbot):
    experiment = preset("triplet_embedding.json", epochs=2)
    test_labels = load_dataset(experiment.data).y_test.numpy()
    host = open_host(qtbot, experiment)
    panel = host.panel
    host.controller.train_action.trigger()
    wait_for_state(qtbot, host, "finished")
    scatter = panel.task_view.embedding
    qtbot.waitUntil(lambda: panel.is_settled() and scatter.point_count() > 0, timeout=10_000)
    assert panel.task_view.kind() == "embedding" and panel.task_view.currentWidget() is scatter
    assert type(scatter) is type(panel.task_view.reconstruction.scatter) is CodeScatter  # one widget, two uses
    assert scatter.point_count() == len(test_labels) == 270
    assert scatter.point_colors() == class_colors(test_labels)
    assert scatter.legend_names() == [str(digit) for digit in range(10)]
    positions = scatter.point_positions()
    assert positions.shape == (270, 2) and np.ptp(positions, axis=0).min() > 0
    assert "accuracy" in panel.banner.text()  # the nearest-centroid accuracy of the embedding


def test_a_wider_code_only_rebuilds_and_a_wider_embedding_is_drawn_in_a_plane(qtbot):
    view = TaskView()
    qtbot.addWidget(view)
    view.resize(500, 700)
    view.show()
    experiment = preset("autoencoder_digits.json")
    experiment.nodes_by_id()["code"].params["out_features"] = 8
    data = load_dataset(experiment.data)
    probe = TaskProbe(data, torch.device("cpu"), experiment=experiment)
    view.configure(probe.setup())
    view.set_prediction(probe.predict(build_model(experiment, data.info)))
    view.refresh()
    assert view.kind() == "reconstruction" and view.reconstruction.strip.reconstructions() is not None
    assert view.reconstruction.scatter.isHidden()  # 8 numbers make no plane to draw

    triplet = preset("triplet_embedding.json")
    triplet.nodes_by_id()["embedding"].params["out_features"] = 8
    digits = load_dataset(triplet.data)
    probe = TaskProbe(digits, torch.device("cpu"), experiment=triplet)
    view.configure(probe.setup())
    view.set_prediction(probe.predict(build_model(triplet, digits.info)))
    view.refresh()
    assert view.kind() == "embedding" and view.embedding.point_count() == 270
    assert view.embedding.plot.getAxis("bottom").labelText == "principal axis 1"
