"""The top-down layout: a deep image model opens top-down, with its ports on the top and bottom
edges and its edges running down; Edit ▸ Layout Direction switches (one undo step); copies stay on
their level; and at fit-to-view in a 1400×900 window the ResNet preset, LeNet-5 and a 2-block
Transformer show full-size cards whose type names are not cut."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from playground.core.experiment import experiment_from_dict, load_experiment
from playground.core.graph.block_edits import make_block
from playground.ui.editor.node_item import LOD_OVERVIEW, MIN_HEADER_POINTS, NODE_WIDTH, PADDING, fitted_font
from tests.core.factories import resnet_block_document
from tests.ui.editor_helpers import make_editor
from tests.ui.training_helpers import PRESETS


def test_a_deep_image_model_opens_top_down_with_ports_on_top_and_bottom(qtbot):
    editor, document, _stack = make_editor(qtbot, resnet_block_document())
    scene = editor.scene()
    assert scene.direction == "top_down"
    card = scene.node_item("conv1")
    top_left = card.sceneBoundingRect().topLeft() + QPointF(8.0, 8.0)  # the card's own corner
    assert card.input_port.anchor().y() == pytest.approx(top_left.y())
    assert card.output_port.anchor().y() == pytest.approx(top_left.y() + card.card_rect().height())
    for edge in scene.edge_items():  # every edge leaves a bottom and enters a top, heading down
        path = edge.path()
        assert path.pointAtPercent(0.0).y() <= path.pointAtPercent(0.02).y() + 0.5
        assert path.pointAtPercent(1.0).y() >= path.pointAtPercent(0.98).y() - 0.5


def test_layout_direction_switches_as_one_undo_step(make_window, qtbot):
    window = make_window(experiment_from_dict(resnet_block_document()), persistent=False)
    editor, document = window.editor, window.document
    window._fill_direction_menu()
    (ltr,) = [a for a in window.direction_menu.actions() if a.objectName() == "direction_left_to_right"]
    ltr.trigger()
    assert document.experiment.model.direction == "left_to_right"
    assert editor.scene().direction == "left_to_right"
    positions = {node.id: node.pos for node in document.experiment.model.nodes}
    assert positions["conv1"][0] > positions["input"][0]  # runs to the right
    card = editor.scene().node_item("conv1")
    assert card.input_port.anchor().x() < card.output_port.anchor().x()
    window.undo_stack.undo()
    assert document.experiment.model.direction == "auto"
    assert all(node.pos is None for node in document.experiment.model.nodes)
    assert editor.scene().direction == "top_down"


def test_a_copy_stays_on_its_level_in_a_top_down_graph(qtbot):
    editor, _document, _stack = make_editor(qtbot, resnet_block_document())
    editor.auto_arrange()
    editor.select_nodes(["conv2"])
    (copy,) = editor.duplicate()
    rects = {item.node_id: item.sceneBoundingRect() for item in editor.scene().node_items()}
    assert rects[copy].top() == rects["conv2"].top()
    assert not any(rects[copy].intersects(r) for node_id, r in rects.items() if node_id != copy)


def two_block_transformer():
    """The Transformer preset with its encoder as two blocks of attention, MLP, LayerNorm and residuals."""
    from playground.core.catalogue.templates import TEMPLATES
    from playground.core.experiment.io import experiment_to_dict

    experiment = load_experiment(PRESETS / "transformer_sequence.json")
    document = experiment_to_dict(experiment)
    document["model"]["nodes"] = [n for n in document["model"]["nodes"] if n["id"] != "encoder"]
    document["model"]["edges"] = [e for e in document["model"]["edges"] if "encoder" not in e]
    block = TEMPLATES["transformer_encoder"].build((12, 32))
    document["model"]["blocks"] = {"encoder_block": block.model_dump(mode="json", exclude_defaults=True)}
    document["model"]["nodes"].insert(
        3, {"id": "encoder", "type": "Block", "params": {"block": "encoder_block", "repeat": 2}}
    )
    document["model"]["edges"] += [["positions", "encoder"], ["encoder", "pool"]]
    document["model"]["direction"] = "top_down"
    for node in document["model"]["nodes"]:
        node.pop("pos", None)  # drawn left to right: let the canvas lay it out top-down
    return experiment_from_dict(document)


def lenet_with_blocks():
    experiment = load_experiment(PRESETS / "lenet5_mnist.json")
    features, _ = make_block(experiment, ["c1", "act1", "s2", "c3", "act3", "s4"], "features")
    return features


CASES = {
    "resnet": lambda: load_experiment(PRESETS / "resnet_block_digits.json"),
    "lenet5": lambda: load_experiment(PRESETS / "lenet5_mnist.json"),
    "lenet5-blocks": lenet_with_blocks,
    "transformer-2-blocks": two_block_transformer,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fit_to_view_in_a_1400_by_900_window_shows_full_size_cards_with_whole_names(make_window, qtbot, name):
    window = make_window(CASES[name](), persistent=False)
    window.resize(1400, 900)
    window.show_tab("network")
    for _ in range(5):
        QApplication.processEvents()
    editor = window.editor
    editor.scene().relayout_unplaced()
    editor.fit_to_view()
    assert editor.scene().direction == "top_down"
    zoom = editor.view().zoom()
    assert zoom >= LOD_OVERVIEW, f"{name}: fit-to-view zoom {zoom:.2f} draws the compact cards"
    visible = editor.view().visible_scene_rect()
    for card in editor.scene().node_items():
        assert visible.contains(card.sceneBoundingRect()), card.node_id
        header = card.fonts()[0]
        inner = NODE_WIDTH - 2 * PADDING
        fitted = fitted_font(header, card.content.layer_type, inner, MIN_HEADER_POINTS)
        assert QFontMetricsF(fitted).horizontalAdvance(card.content.layer_type) <= inner, card.content.layer_type
