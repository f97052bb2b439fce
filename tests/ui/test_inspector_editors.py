"""The typed parameter editors: ranges enforced, lists checked on commit, no signals when set silently."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator

from playground.core.catalogue import LAYERS
from playground.core.catalogue.training import LOSSES, OPTIMIZERS
from playground.core.data import DATASET_TYPES
from playground.core.params import ParamSpec
from playground.ui.inspector.param_editors import (
    BoolEditor,
    ChoiceEditor,
    FloatEditor,
    IntEditor,
    ListEditor,
    MultiChoiceEditor,
    OptionalEditor,
    ParamForm,
    ScientificSpinBox,
    create_param_editor,
    parse_list_text,
)


def collect(editor):
    values = []
    editor.committed.connect(values.append)
    return values


def test_int_editor_uses_catalogue_range_and_commits_on_enter(qtbot):
    spec = LAYERS["Linear"].param("out_features")
    editor = IntEditor(spec)
    qtbot.addWidget(editor)
    editor.set_value(4)
    values = collect(editor)
    assert (editor.spin.minimum(), editor.spin.maximum()) == (1, 100000)
    editor.spin.lineEdit().selectAll()
    qtbot.keyClicks(editor.spin, "12")
    assert values == []  # no commit per keystroke
    qtbot.keyClick(editor.spin, Qt.Key.Key_Return)
    assert values == [12]
    editor.spin.setValue(0)  # below the minimum: clamped by the spin box, never 0
    assert values[-1] == 1
    editor.set_value(7)  # silent
    assert values[-1] == 1 and editor.value() == 7


def test_float_editor_decimals_and_exclusive_minimum(qtbot):
    gamma = next(p for p in OPTIMIZERS["SGD"].params if p.name == "momentum")
    editor = FloatEditor(gamma)
    qtbot.addWidget(editor)
    editor.set_value(0.0)
    values = collect(editor)
    editor.spin.setValue(0.9)
    assert values == [0.9]
    editor.spin.setValue(1.5)
    assert values[-1] == 1.0
    huber = LOSSES["HuberLoss"].params[0]  # delta > 0
    delta = FloatEditor(huber)
    qtbot.addWidget(delta)
    assert delta.spin.minimum() > 0


def test_learning_rate_editor_steps_through_decades(qtbot):
    lr = next(p for p in OPTIMIZERS["Adam"].params if p.name == "lr")
    editor = create_param_editor(lr)
    qtbot.addWidget(editor)
    assert isinstance(editor.spin, ScientificSpinBox)
    editor.set_value(0.001)
    values = collect(editor)
    editor.spin.stepBy(1)
    editor.spin.stepBy(1)
    assert values == [0.002, 0.005]
    editor.spin.stepBy(-3)
    assert values[-1] == 0.0005
    assert editor.spin.text() == "0.0005"
    editor.set_value(1e-5)
    assert editor.spin.text() == "1e-05"
    state = editor.spin.validate("0", 1)[0]
    assert state != QValidator.State.Acceptable  # lr must be > 0
    assert editor.spin.validate("abc", 3)[0] == QValidator.State.Invalid
    assert editor.spin.validate("3e-", 3)[0] == QValidator.State.Intermediate
    editor.spin.lineEdit().setText("0")
    editor.spin.lineEdit().editingFinished.emit()
    editor.spin.interpretText()
    assert all(value > 0 for value in values)


def test_list_editor_checks_on_commit(qtbot):
    spec = LAYERS["Conv2d"].param("kernel_size")
    editor = ListEditor(spec)
    qtbot.addWidget(editor)
    editor.set_value(3)
    values = collect(editor)
    editor.line.setText("3, 5")
    editor.line.editingFinished.emit()
    assert values == [[3, 5]]
    editor.line.setText("[4 4]")
    editor.line.editingFinished.emit()
    assert values[-1] == 4 and editor.line.text() == "4"
    editor.line.setText("0")
    editor.line.editingFinished.emit()
    assert len(values) == 2 and editor.problem and "kernel_size" in editor.problem
    editor.line.setText("a, b")
    editor.line.editingFinished.emit()
    assert len(values) == 2 and editor.problem
    editor.set_value(2)
    assert editor.problem is None
    assert parse_list_text(" (1, 8, 8) ") == [1, 8, 8] and parse_list_text("") is None


def test_optional_list_accepts_empty(qtbot):
    spec = LAYERS["MaxPool2d"].param("stride")
    editor = create_param_editor(spec)
    qtbot.addWidget(editor)
    editor.set_value(2)
    values = collect(editor)
    editor.line.setText("")
    editor.line.editingFinished.emit()
    assert values == [None]


def test_optional_number_has_a_switch(qtbot):
    alpha = next(p for p in LOSSES["FocalLoss"].params if p.name == "alpha")
    editor = create_param_editor(alpha)
    qtbot.addWidget(editor)
    assert isinstance(editor, OptionalEditor)
    editor.set_value(None)
    values = collect(editor)
    assert not editor.inner.isEnabled()
    editor.enabled.setChecked(True)
    assert values == [0.5]
    editor.inner.spin.setValue(0.25)
    editor.enabled.setChecked(False)
    assert values == [0.5, 0.25, None]


def test_choice_bool_and_features(qtbot):
    choice = ChoiceEditor(LAYERS["GELU"].param("approximate"))
    qtbot.addWidget(choice)
    choice.set_value("none")
    values = collect(choice)
    choice.combo.setCurrentIndex(choice.combo.findData("tanh"))
    assert values == ["tanh"]
    flag = BoolEditor(ParamSpec("bias", "bool", True))
    qtbot.addWidget(flag)
    flag.set_value(True)
    flags = collect(flag)
    flag.check.click()
    assert flags == [False]
    features = MultiChoiceEditor(next(p for p in DATASET_TYPES["xor"].params if p.name == "features"))
    qtbot.addWidget(features)
    features.set_value(["x1"])
    chosen = collect(features)
    features.boxes["x1x2"].setChecked(True)
    assert chosen == [["x1", "x1x2"]]
    features.boxes["x1x2"].setChecked(False)
    features.boxes["x1"].setChecked(False)  # the last one stays ticked
    assert features.boxes["x1"].isChecked() and chosen[-1] == ["x1"]


def test_form_folds_advanced_parameters(qtbot):
    form = ParamForm(LAYERS["Conv2d"].params)
    qtbot.addWidget(form)
    form.show()
    assert form.more_button is not None and not form.more_box.isVisibleTo(form)
    form.set_values({"out_channels": 8})
    assert form.editors["out_channels"].value() == 8 and form.editors["kernel_size"].value() == 3
    form.set_values({"dilation": 2})  # a changed advanced value is never hidden
    assert form.more_box.isVisibleTo(form)
    seen = []
    form.param_committed.connect(lambda name, value: seen.append((name, value)))
    form.editors["out_channels"].spin.setValue(32)
    assert seen == [("out_channels", 32)]


def test_every_catalogue_parameter_gets_an_editor(qtbot):
    specs = [spec for layer in LAYERS.values() for spec in layer.params]
    specs += [spec for table in (LOSSES, OPTIMIZERS) for component in table.values() for spec in component.params]
    specs += [spec for dataset in DATASET_TYPES.values() for spec in dataset.params]
    for spec in specs:
        editor = create_param_editor(spec)
        editor.set_value(spec.default)
        editor.deleteLater()
