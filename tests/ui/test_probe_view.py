"""Looking inside a node in the window: a card's "Look Inside" opens the Training tab's view of that
node, which shows what the worker computed for it (as many feature-map tiles as the node has
channels), follows clicks on a map with the receptive field on the input, answers a drawn input, and
stops the worker's probing once nobody looks."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from playground.core.experiment import experiment_from_dict
from playground.ui.plots.draw_pad import DrawPadDialog
from tests.core.factories import chain
from tests.ui.training_helpers import preset


def _digits_cnn():
    document = chain(
        ("conv", "Conv2d", {"out_channels": 6, "kernel_size": 3, "padding": 1}),
        ("relu", "ReLU", {}),
        ("conv2", "Conv2d", {"out_channels": 4, "kernel_size": 3, "stride": 2}),
        ("flat", "Flatten", {}),
        ("out", "Linear", {"out_features": 10}),
        dataset="digits",
    )
    document["training"].update({"epochs": 2, "device": "cpu"})
    return experiment_from_dict(document)


def _look_inside_from_the_card(window, node_id: str) -> None:
    menu = window.editor.node_menu(node_id)
    action = next(a for a in menu.actions() if a.objectName() == "lookInsideAction")
    assert action.isEnabled()
    action.trigger()
    menu.deleteLater()


def _wait_for_result(qtbot, view, node: str, sample: int | None = None) -> None:
    def answered() -> None:
        result = view.result()
        assert result is not None and result.node == node
        assert sample is None or result.sample == sample

    qtbot.waitUntil(answered, timeout=60_000)


def test_look_inside_a_conv_card_shows_its_feature_maps_after_a_run(qtbot, make_window):
    window = make_window(_digits_cnn())
    window.resize(1400, 900)
    _look_inside_from_the_card(window, "conv2")
    panel = window.training_panel
    view = panel.probe_view
    assert window.current_tab() == "training" and view.isVisible()
    assert view.node() == "conv2"
    assert window.training.probe is not None and window.training.probe.node == "conv2"
    window.training.start()
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=60_000)
    _wait_for_result(qtbot, view, "conv2")
    qtbot.waitUntil(lambda: view.result().epoch == 2, timeout=30_000)  # the last look is on the final weights
    panel.refresh_all()
    # conv2: 4 channels of 3×3 (8×8 in, kernel 3, stride 2, no padding)
    assert len(view.maps.tiles()) == 4
    assert "4 channels of 3×3" in view.maps_title.text()
    assert len(view.filters.tiles()) == 4
    assert "5×5" in view.maps_title.text()  # its receptive field: 3 + (3 − 1)·1 = 5 input pixels
    first_box = view.input_tiles.tiles()[0].box
    centre = view.maps.tile_centre(0)
    corner = QPoint(
        int(centre.x() - view.maps._cells()[0].width() / 2 + 2),
        int(centre.y() - view.maps._cells()[0].height() / 2 + 2),
    )
    qtbot.mouseClick(view.maps, Qt.MouseButton.LeftButton, pos=corner)  # the top-left unit of the map
    box = view.input_tiles.tiles()[0].box
    assert box != first_box and box[:2] == (0.0, 0.0)  # it sees the top-left corner of the input
    assert "dead" in view.units_label.text() or "alive" in view.units_label.text()


def test_before_any_run_the_untrained_model_answers_and_a_drawing_is_looked_at(qtbot, make_window, monkeypatch):
    window = make_window(_digits_cnn())
    window.look_inside("conv")
    view = window.training_panel.probe_view
    _wait_for_result(qtbot, view, "conv")
    assert view.result().epoch == 0 and view.result().step == 0  # the initial weights
    assert view.draw_button.isVisible()
    qtbot.waitUntil(lambda: len(view.maps.tiles()) == 6, timeout=10_000)  # drawn when due
    view.sample_box.setValue(7)
    _wait_for_result(qtbot, view, "conv", sample=7)

    dialog = DrawPadDialog(view.result().sample_input, view)
    qtbot.addWidget(dialog)
    dialog.resize(300, 340)
    dialog.show()
    pad = dialog.pad
    cell = pad.width() / 8
    for row in range(1, 7):  # a vertical stroke down the middle
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(int(4 * cell), int((row + 0.5) * cell)))
    drawing = dialog.drawing()
    assert drawing.shape == view.result().sample_input.shape
    assert drawing[0, 1:7, 3:5].max() > drawing[0, 0, 0]  # ink where it was drawn, background elsewhere
    view.use_drawing(drawing)
    _wait_for_result(qtbot, view, "conv", sample=-1)
    np.testing.assert_allclose(view.result().sample_input, drawing)
    qtbot.waitUntil(lambda: "Your drawing" in view.input_title.text(), timeout=10_000)  # drawn when due


def test_nobody_looking_means_the_worker_is_asked_for_nothing(qtbot, make_window):
    window = make_window(preset("xor.json", epochs=1))
    window.look_inside("act")
    assert window.training.probe is not None
    window.training_panel._right_tabs.setCurrentWidget(window.training_panel.diagnostics_view)
    assert window.training.probe is None  # the view is hidden: no more probing
    window.training_panel._right_tabs.setCurrentWidget(window.training_panel.probe_view)
    assert window.training.probe.node == "act"
    window.show_tab("network")
    assert window.training.probe is None
    assert not window.look_inside("nowhere")


def test_the_card_menu_offers_look_inside_except_on_the_input(qtbot, make_window):
    window = make_window(preset("xor.json", epochs=1))
    menu = window.editor.node_menu("input")
    action = next(a for a in menu.actions() if a.objectName() == "lookInsideAction")
    assert not action.isEnabled()
    window.editor.set_read_only(True, "training")  # while training, a look inside is still allowed
    menu = window.editor.node_menu("act")
    assert next(a for a in menu.actions() if a.objectName() == "lookInsideAction").isEnabled()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_train_menu_opens_the_backprop_xray_which_selects_each_stages_node_on_the_canvas(qtbot, make_window):
    window = make_window(preset("xor.json", epochs=1))
    action = window.findChild(type(window.xray_action), "xrayAction")
    assert action is window.xray_action
    action.trigger()
    xray = window._xray_windows[-1]
    assert xray.isVisible() and window.current_tab() == "network"
    xray.node_focused.emit("act")
    assert window.editor.selected_node_ids() == ["act"]
    xray.node_focused.emit("nowhere")  # a node deleted since: nothing breaks, the selection stays
    assert window.editor.selected_node_ids() == ["act"]
    xray.close()


def test_look_inside_a_block_card_looks_at_the_layer_its_result_leaves_from(qtbot, make_window):
    from playground.core.graph.block_edits import make_block
    from tests.core.test_export import resnet_doc

    document = resnet_doc()
    document["training"].update({"epochs": 1, "device": "cpu"})
    experiment, name = make_block(
        experiment_from_dict(document),
        ["conv1", "bn1", "relu1", "conv2", "bn2", "shortcut", "shortcut_bn", "add"],
        "res",
    )
    window = make_window(experiment)
    window.resize(1400, 900)
    _look_inside_from_the_card(window, name)
    view = window.training_panel.probe_view
    assert view.node() == "res_add"  # the block's output layer, by its name in the built model
    assert "res_conv1" in [view.node_box.itemData(i) for i in range(view.node_box.count())]
    window.training.start()
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=60_000)
    _wait_for_result(qtbot, view, "res_add")
    result = view.result()
    assert result.node_type == "Add" and result.shape == (8, 4, 4) and result.feature_maps is not None
