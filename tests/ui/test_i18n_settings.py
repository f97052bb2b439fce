"""The settings inspector and the activations panel show the core's training catalogue, datasets and
activation facts in Simplified Chinese, built in it or after a live language switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from playground.core import i18n as core_i18n
from playground.core.document import ExperimentDocument
from playground.core.experiment import load_experiment
from playground.ui.compare.activations_panel import ActivationsPanel
from playground.ui.i18n import set_language
from playground.ui.inspector.settings_inspector import SettingsInspector

PRESETS = Path(__file__).resolve().parents[2] / "presets"
_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese_core():
    core_i18n.set_language("zh_CN")
    yield
    core_i18n.set_language("en")


def make_inspector(qtbot) -> SettingsInspector:
    document = ExperimentDocument(load_experiment(PRESETS / "xor.json"), PRESETS / "xor.json")
    undo = QUndoStack()
    inspector = SettingsInspector(document, undo)
    undo.setParent(inspector)
    qtbot.addWidget(inspector)
    inspector.resize(420, 900)
    inspector.show()
    return inspector


def combo_tooltip(combo, data: str) -> str:
    return combo.itemData(combo.findData(data), Qt.ItemDataRole.ToolTipRole)


def test_settings_inspector_built_in_chinese_shows_chinese_help(qtbot, chinese_core):
    inspector = make_inspector(qtbot)
    assert inspector.dataset_help.text().startswith("按 x1·x2 的符号分类")
    assert inspector.dataset_combo.currentText().strip() == "XOR（异或）"
    assert inspector.dataset_combo.findText("二维玩具数据") >= 0  # a group header
    assert inspector.loss_editor.help.text().startswith("Softmax + 负对数似然")
    assert inspector.optimizer_editor.help.text() == "自适应矩估计：根据梯度的滑动统计量为每个参数确定步长。"
    assert combo_tooltip(inspector.scheduler_editor.combo, "StepLR") == "每 step_size 轮把学习率乘以 gamma。"
    assert inspector.optimizer_editor.combo.currentText() == "Adam"  # torch names stay Latin
    assert inspector.init_help.text() == "每一层使用 PyTorch 自带的初始化。"
    assert _HAN.search(combo_tooltip(inspector.init_editor.combo, "kaiming"))


def test_a_live_language_switch_rewords_the_settings_inspector(qtbot):
    inspector = make_inspector(qtbot)
    assert inspector.optimizer_editor.help.text().startswith("Adaptive moments")
    assert inspector.dataset_combo.currentText().strip() == "XOR"

    set_language("zh_CN")
    assert inspector.optimizer_editor.help.text().startswith("自适应矩估计")
    assert combo_tooltip(inspector.loss_editor.combo, "MSELoss") == "均方误差：对大误差惩罚很重。"
    assert inspector.dataset_help.text().startswith("按 x1·x2 的符号分类")
    assert inspector.dataset_combo.currentText().strip() == "XOR（异或）"  # still the document's dataset
    assert inspector.init_help.text() == "每一层使用 PyTorch 自带的初始化。"

    set_language("en")
    assert inspector.optimizer_editor.help.text().startswith("Adaptive moments")
    assert inspector.dataset_help.text().startswith("Class by the sign of x1·x2")
    assert inspector.dataset_combo.findText("    XOR") >= 0


def make_activations(qtbot) -> ActivationsPanel:
    document = ExperimentDocument(load_experiment(PRESETS / "xor.json"), PRESETS / "xor.json")
    panel = ActivationsPanel(document, QUndoStack())
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    return panel


def test_activation_facts_follow_the_language(qtbot):
    panel = make_activations(qtbot)
    try:
        assert "No vanishing gradient for positive inputs" in panel.facts.toPlainText()
        set_language("zh_CN")
        text = panel.facts.toPlainText()
        assert "正输入没有梯度消失（导数恰好为 1）。" in text  # ReLU's pros
        assert "死亡神经元：输入一直为负的单元梯度为零" in text  # ReLU's cons
    finally:
        panel.shutdown()
