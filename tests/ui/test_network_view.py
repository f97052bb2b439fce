"""The network view (TensorFlow Playground's): for 2-D data every unit of a dense network shows its
output over the plane, live, from the training worker; small layers show their weights as lines;
hovering a unit with the mouse shows it large in the decision-boundary plot. Image runs follow the
run live too."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint

from playground.core.experiment import experiment_from_dict
from playground.core.runs.records import NeuronMaps
from playground.ui.plots.network_view import MAX_DRAWN_UNITS, NetworkView
from tests.core.factories import document
from tests.ui.training_helpers import open_host, preset, wait_for_state


def unit_pictures(view: NetworkView) -> list[np.ndarray]:
    """What each unit's square shows now (RGB), every column."""
    pictures = []
    for column in range(len(view.columns())):
        for unit in view.unit_items(column):
            image = unit.image
            assert image is not None, "every unit has a map"
            pictures.append(np.array(image.constBits(), dtype=np.uint8).copy())
    return pictures


def test_the_units_maps_hold_data_and_change_while_the_network_learns(qtbot):
    host = open_host(qtbot, preset("xor.json", epochs=100_000))
    panel, view = host.panel, host.panel.network_view
    host.controller.train_action.trigger()
    qtbot.waitUntil(lambda: view.has_maps() and panel.redraws["network"] >= 2, timeout=60_000)
    assert panel.network_shown() and view.isVisible()
    assert view.columns() == [("input", 2), ("hidden", 4), ("logits", 2)]
    assert view.column_labels(0)[1:] == ["x1", "x2"]
    first_maps = [m.copy() for m in view.maps().maps]
    first_pictures = unit_pictures(view)
    assert all(np.isfinite(m).all() and m.std() > 0 for m in first_maps[0])  # each hidden unit varies over the plane
    assert view.map_pixels() >= 16  # readable squares at 1400 × 900
    drawn = panel.redraws["network"]
    qtbot.waitUntil(lambda: panel.redraws["network"] >= drawn + 5, timeout=60_000)
    assert host.controller.state() == "running"  # live, not at the end
    assert not np.allclose(view.maps().maps[0], first_maps[0])
    assert any(not np.array_equal(a, b) for a, b in zip(unit_pictures(view), first_pictures))

    # every layer has at most 8 units: one line per weight, wider for a larger weight
    assert view.draws_connections()
    lines = view.connections()
    assert [layer.shape for layer in lines] == [(4, 2), (2, 4)]
    weights = view.maps().weights[0]
    widths = np.array([[lines[0][j, i].pen().widthF() for i in range(2)] for j in range(4)])
    assert all(line.isVisible() for line in lines[0].flat)
    order = np.argsort(np.abs(weights).ravel())
    assert widths.ravel()[order[-1]] > widths.ravel()[order[0]]
    host.controller.stop_action.trigger()
    wait_for_state(qtbot, host, "stopped", timeout=10_000)


def test_hovering_a_unit_shows_it_large_in_the_boundary_plot(qtbot):
    host = open_host(qtbot, preset("xor.json", epochs=3))
    panel, view = host.panel, host.panel.network_view
    boundary = panel.task_view.boundary
    host.controller.train_action.trigger()
    wait_for_state(qtbot, host, "finished")
    qtbot.waitUntil(lambda: view.has_maps() and panel.is_settled(), timeout=10_000)
    decision = boundary.image_data().copy()
    unit = view.unit_items(1)[2]  # the third hidden unit
    centre = view.canvas.mapFromScene(unit.rect.center())
    qtbot.mouseMove(view.canvas.viewport(), centre)
    qtbot.waitUntil(lambda: boundary.shown_unit() is not None, timeout=5_000)
    assert boundary.shown_unit() == "hidden · unit 3" == view.hovered_label()
    assert boundary.plot.titleLabel.text == "hidden · unit 3"
    assert unit.highlighted
    shown = boundary.image.image
    assert shown is not None and shown.shape[0] >= 100  # the unit's map, enlarged
    qtbot.mouseMove(view.canvas.viewport(), QPoint(2, view.canvas.viewport().height() - 2))  # off every unit
    qtbot.waitUntil(lambda: boundary.shown_unit() is None, timeout=5_000)
    assert boundary.plot.titleLabel.text == "Decision boundary"
    assert np.array_equal(boundary.image_data(), decision)


def test_big_layers_show_maps_only_and_other_models_say_why(qtbot):
    host = open_host(qtbot, preset("spiral.json", epochs=1))
    view = host.panel.network_view
    host.controller.train_action.trigger()
    wait_for_state(qtbot, host, "finished")
    qtbot.waitUntil(lambda: view.has_maps(), timeout=10_000)
    assert [units for _, units in view.columns()] == [2, 16, 16, 16, 2]
    assert not view.draws_connections() and view.connections() == []
    assert str(MAX_DRAWN_UNITS) in view.note_text()
    host.close()

    branched = document(
        [
            {"id": "input", "type": "Input"},
            {"id": "a", "type": "Linear", "params": {"out_features": 3}},
            {"id": "b", "type": "Linear", "params": {"out_features": 3}},
            {"id": "sum", "type": "Add"},
            {"id": "out", "type": "Linear", "params": {"out_features": 2}},
        ],
        [["input", "a"], ["input", "b"], ["a", "sum"], ["b", "sum"], ["sum", "out"]],
    )
    host = open_host(qtbot, experiment_from_dict(branched))
    host.controller.train_action.trigger()
    wait_for_state(qtbot, host, "finished")
    view = host.panel.network_view
    assert host.panel.network_shown()
    assert "Add" in view.message_text() and not view.has_maps()


def test_image_runs_have_no_network_view_and_their_predictions_follow_the_run(qtbot):
    host = open_host(qtbot, preset("resnet_block_digits.json", epochs=100_000))
    panel = host.panel
    images = panel.task_view.images
    host.controller.train_action.trigger()
    qtbot.waitUntil(lambda: images.grid.predictions() is not None and panel.redraws["task"] >= 1, timeout=60_000)
    assert panel.task_view.kind() == "images" and not panel.network_shown()
    first, matrix = images.grid.predictions().copy(), images.confusion.matrix().copy()
    qtbot.waitUntil(
        lambda: not np.array_equal(images.confusion.matrix(), matrix) and panel.redraws["task"] >= 3, timeout=60_000
    )
    assert host.controller.state() == "running"  # the test images and the confusion matrix change mid-run
    assert images.grid.predictions() is not None and images.grid.predictions().shape == first.shape
    host.controller.stop_action.trigger()
    wait_for_state(qtbot, host, "stopped", timeout=10_000)


def test_the_view_draws_maps_it_is_given_and_survives_nan(qtbot):
    """Direct feeding (no run): NaN in a map or a weight colours nothing wrong and breaks nothing."""
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(420, 320)
    view.show()
    qtbot.waitExposed(view)
    r = 8
    hidden = np.random.default_rng(0).normal(size=(3, r, r)).astype(np.float32)
    hidden[0, 0, 0] = np.nan
    weights = [np.ones((3, 2), np.float32), np.full((2, 3), np.nan, np.float32)]
    view.configure("classification", ["a", "b"])
    view.set_maps(
        NeuronMaps(
            layers=["fc", "out"],
            units=[3, 2],
            maps=[hidden, np.zeros((2, r, r), np.float32)],
            weights=weights,
            inputs=["x1", "x2"],
            input_maps=np.zeros((2, r, r), np.float32),
        )
    )
    view.refresh()
    assert view.columns() == [("input", 2), ("fc", 3), ("out", 2)]
    assert view.column_labels(2)[1:] == ["a", "b"]  # the classes beside the output units
    assert len(unit_pictures(view)) == 7
    view.grab()  # paints
    view.hover_unit(1, 0)
    assert view.hovered_label() == "fc · unit 1"
    view.hover_unit(None)
    assert view.hovered() is None


def test_in_a_narrow_dock_the_network_view_is_a_tab_of_its_own(qtbot):
    from playground.ui.training import TrainingPanel

    host = open_host(qtbot, preset("xor.json", epochs=3))
    narrow = TrainingPanel(host.controller, layout="tabs")  # the layout of a narrow dock, same runs
    qtbot.addWidget(narrow)
    narrow.resize(480, 640)
    narrow.show()
    tabs = narrow.body
    index = tabs.indexOf(narrow.network_view)
    assert not tabs.isTabVisible(index)  # no run on 2-D data yet
    host.controller.train_action.trigger()
    wait_for_state(qtbot, host, "finished")
    assert tabs.isTabVisible(index) and tabs.tabText(index) == "Network"
    tabs.setCurrentIndex(index)
    qtbot.waitUntil(lambda: narrow.network_view.has_maps() and narrow.network_view.isVisible(), timeout=10_000)
    assert [units for _, units in narrow.network_view.columns()] == [2, 4, 2]


def test_a_narrow_panel_reflows_into_tabs_and_back_keeping_every_view(qtbot):
    from PySide6.QtWidgets import QSplitter, QTabWidget

    host = open_host(qtbot, preset("xor.json", epochs=3), size=(700, 600))
    panel = host.panel
    qtbot.waitUntil(lambda: panel.layout_kind() == "tabs", timeout=5_000)  # too narrow for three columns
    assert isinstance(panel.body, QTabWidget)
    host.controller.train_action.trigger()
    wait_for_state(qtbot, host, "finished")
    tabs = panel.body
    assert tabs.isTabVisible(tabs.indexOf(panel.network_view))  # 2-D data: the network has a tab
    assert panel.loss_plot.isVisible() and len(panel.loss_plot.loss_curve_data()[0]) > 0
    host.resize(1400, 900)
    qtbot.waitUntil(lambda: panel.layout_kind() == "columns", timeout=5_000)
    assert isinstance(panel.body, QSplitter)
    side = (panel.diagnostics_view, panel.probe_view)  # the right column's two tabs: one shows at a time
    qtbot.waitUntil(
        lambda: (
            all(view.isVisible() for view in panel.views.values() if view not in side)
            and panel.diagnostics_view.isVisible() != panel.probe_view.isVisible()
        ),
        timeout=5_000,
    )
    qtbot.waitUntil(panel.is_settled, timeout=5_000)  # every view drawn in its new place
    assert panel.network_view.has_maps() and panel.network_shown()
    assert len(panel.loss_plot.loss_curve_data()[0]) > 0  # the run's data went with the views


def test_a_dense_chain_holding_a_block_shows_every_layer_of_it(qtbot):
    from playground.core.graph.block_edits import make_block
    from playground.ui.plots.network_view import unmapped_reason
    from tests.core.factories import deep_mlp_document

    blocked, name = make_block(experiment_from_dict(deep_mlp_document()), ["fc", "act"], "dense")
    blocked.node(name).params["repeat"] = 2
    assert unmapped_reason(blocked) is None
    blocked.training.epochs = 100_000
    host = open_host(qtbot, blocked)
    panel, view = host.panel, host.panel.network_view
    host.controller.train_action.trigger()
    qtbot.waitUntil(lambda: view.has_maps(), timeout=60_000)
    assert panel.network_shown()
    assert view.columns() == [("input", 2), ("fc_in", 16), ("dense_1_fc", 16), ("dense_2_fc", 16), ("out", 2)]
    host.controller.stop_action.trigger()
    wait_for_state(qtbot, host, "stopped", timeout=10_000)
