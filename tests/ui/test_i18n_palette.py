"""The layer catalogue as the window shows it in Simplified Chinese: the palette's categories,
tooltips and search, the inspector's help card and parameter tooltips, the layer reference, and
all of them following a live language switch."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from playground.core import i18n as core_i18n
from playground.core.document import ExperimentDocument
from playground.core.experiment import experiment_from_dict
from playground.ui.editor import LayerPalette
from playground.ui.i18n import set_language
from playground.ui.inspector.node_inspector import NodeInspector
from playground.ui.panels import LayerReferenceDialog
from tests.core.factories import chain


@pytest.fixture
def chinese_core():
    core_i18n.set_language("zh_CN")
    yield
    core_i18n.set_language("en")


def make_palette(qtbot) -> LayerPalette:
    palette = LayerPalette()
    qtbot.addWidget(palette)
    palette.resize(260, 600)
    palette.show()
    qtbot.waitExposed(palette)
    return palette


def categories(palette: LayerPalette) -> list[str]:
    return [palette.tree.topLevelItem(i).text(0) for i in range(palette.tree.topLevelItemCount())]


def test_palette_shows_categories_and_tooltips_in_chinese(qtbot, chinese_core):
    palette = make_palette(qtbot)
    assert categories(palette)[:2] == ["核心", "卷积"]
    tooltip = palette.item_for("Linear").toolTip(0)
    assert "全连接层" in tooltip and "(核心)" in tooltip and "y = x·Wᵀ + b" in tooltip
    assert palette.item_for("Conv2d").text(0) == "Conv2d"  # layer names stay torch.nn's


def test_palette_search_finds_the_shown_chinese_words_and_the_english(qtbot, chinese_core):
    palette = make_palette(qtbot)
    palette.set_filter("卷积核")  # from the translated help
    assert "Conv2d" in palette.visible_layers() and "Linear" not in palette.visible_layers()
    palette.set_filter("激活函数")  # a translated category
    assert "GELU" in palette.visible_layers() and "Conv2d" not in palette.visible_layers()
    palette.set_filter("activations")  # the English category still works
    assert "GELU" in palette.visible_layers() and "Linear" not in palette.visible_layers()


def test_inspector_help_card_and_parameter_tooltips_are_chinese(qtbot, chinese_core):
    doc = chain(("conv", "Conv2d", {"out_channels": 4}), dataset="digits")
    document = ExperimentDocument(experiment_from_dict(doc))
    inspector = NodeInspector(document, QUndoStack())
    qtbot.addWidget(inspector)
    inspector.show_node("conv")
    assert inspector.category_label.text() == "卷积"
    assert "让学到的卷积核在图像上滑动" in inspector.help_label.text()
    assert inspector._form is not None
    tip = inspector._form.labels["kernel_size"].toolTip()
    assert tip.startswith("每个卷积核的大小") and "介于 1 和 64 之间" in tip


def test_a_live_language_switch_rewords_the_palette_reference_and_tooltips(qtbot):
    palette = make_palette(qtbot)
    palette.set_filter("norm")
    dialog = LayerReferenceDialog()
    qtbot.addWidget(dialog)
    doc = chain(("conv", "Conv2d", {"out_channels": 4}), dataset="digits")
    inspector = NodeInspector(ExperimentDocument(experiment_from_dict(doc)), QUndoStack())
    qtbot.addWidget(inspector)
    inspector.show_node("conv")
    assert categories(palette)[0] == "Core"
    assert "Fully connected layer" in dialog.browser.toPlainText()

    set_language("zh_CN")
    assert "归一化" in categories(palette) and "Core" not in categories(palette)
    assert "BatchNorm2d" in palette.visible_layers() and "Linear" not in palette.visible_layers()  # filter kept
    assert "全连接层" in palette.item_for("Linear").toolTip(0)
    text = dialog.browser.toPlainText()
    assert "全连接层" in text and "循环与注意力" in text
    assert inspector._form.labels["kernel_size"].toolTip().startswith("每个卷积核的大小")

    set_language("en")
    assert categories(palette)[0] == "Core"
    assert "Fully connected layer" in dialog.browser.toPlainText()
