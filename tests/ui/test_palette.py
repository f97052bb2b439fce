"""The layer palette: catalogue tree, search, tooltips, drag data, activation adds after the selection."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.core.catalogue import LAYERS
from playground.ui.editor import LAYER_MIME_TYPE, LayerPalette
from tests.core.factories import xor_document
from tests.ui.editor_helpers import make_editor


def make_palette(qtbot) -> LayerPalette:
    palette = LayerPalette()
    qtbot.addWidget(palette)
    palette.resize(260, 600)
    palette.show()
    qtbot.waitExposed(palette)
    return palette


def test_every_catalogue_layer_is_listed_with_help_and_formula(qtbot):
    palette = make_palette(qtbot)
    assert sorted(palette.visible_layers()) == sorted(LAYERS)
    tooltip = palette.item_for("Linear").toolTip(0)
    assert LAYERS["Linear"].help.split()[0] in tooltip
    assert LAYERS["Linear"].formula and "<code>" in tooltip


def test_search_filters_by_name_category_and_help(qtbot):
    palette = make_palette(qtbot)
    palette.set_filter("conv")
    visible = palette.visible_layers()
    assert "Conv2d" in visible and "ConvTranspose2d" in visible and "ReLU" not in visible
    palette.set_filter("activations")  # a category
    assert "GELU" in palette.visible_layers() and "Linear" not in palette.visible_layers()
    word = next(w for w in LAYERS["Dropout"].help.lower().split() if len(w) > 6 and w.isalpha())
    palette.set_filter(word)  # a word from the help text
    assert "Dropout" in palette.visible_layers()
    palette.set_filter("no such layer anywhere")
    assert palette.visible_layers() == []
    palette.set_filter("")
    assert len(palette.visible_layers()) == len(LAYERS)


def test_drag_data_is_the_layer_type_name(qtbot):
    palette = make_palette(qtbot)
    mime = palette.tree.mimeData([palette.item_for("BatchNorm2d")])
    assert mime.hasFormat(LAYER_MIME_TYPE)
    assert bytes(mime.data(LAYER_MIME_TYPE).data()).decode() == "BatchNorm2d"
    assert palette.tree.dragEnabled()


def test_enter_on_an_item_adds_it_after_the_selection_connected(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    palette = make_palette(qtbot)
    palette.layer_activated.connect(editor.add_layer_after_selection)
    editor.select_nodes(["act"])
    palette.tree.setCurrentItem(palette.item_for("ReLU"))
    palette.tree.setFocus()
    qtbot.keyClick(palette.tree, Qt.Key.Key_Return)

    edges = document.edges()
    assert ("act", "relu") in edges and ("relu", "logits") in edges and ("act", "logits") not in edges
    assert editor.selected_node_ids() == ["relu"] and stack.count() == 1
    assert document.report().valid
    rects = [item.sceneBoundingRect() for item in editor.scene().node_items()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    stack.undo()
    assert ("act", "logits") in document.edges() and not document.has_node("relu")


def test_double_click_with_nothing_selected_appends_after_the_output(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    palette = make_palette(qtbot)
    palette.layer_activated.connect(editor.add_layer_after_selection)
    item = palette.item_for("Softmax")
    palette.tree.scrollToItem(item)
    rect = palette.tree.visualItemRect(item)
    QTest.mouseClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    QTest.mouseDClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert ("logits", "softmax") in document.edges()
    assert editor.selected_node_ids() == ["softmax"]
    x_logits = editor.scene().node_item("logits").pos().x()
    assert editor.scene().node_item("softmax").pos().x() > x_logits


def test_enter_in_the_search_box_adds_the_first_match(qtbot):
    palette = make_palette(qtbot)
    activated = []
    palette.layer_activated.connect(activated.append)
    palette.search.setFocus()
    QTest.keyClicks(palette.search, "gelu")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert activated == ["GELU"]


def test_add_after_selection_on_an_empty_document(qtbot):
    from tests.core.factories import document

    editor, doc, stack = make_editor(qtbot, document([], []))
    assert editor.add_layer_after_selection("Input") == "input"
    assert editor.add_layer_after_selection("Linear") == "linear"
    assert doc.edges() == [("input", "linear")]
