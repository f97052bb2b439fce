"""The Backprop X-ray window, driven as a user would: step to the backward pass, read the
numbers, check a gradient; a broken experiment shows a message."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from playground.core.experiment.io import load_experiment
from playground.core.xray import format_number, prepare_xray
from playground.core.xray.trace import ParameterRef
from playground.ui.xray import XrayWindow

PRESETS = Path(__file__).resolve().parents[2] / "presets"


@pytest.fixture
def open_xray(qtbot):
    windows: list[XrayWindow] = []

    def make(experiment) -> XrayWindow:
        window = XrayWindow(experiment, None)
        qtbot.addWidget(window)
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        window.resize(1400, 900)
        window.show()
        windows.append(window)
        qtbot.waitUntil(lambda: window.is_ready() or window.error_text() is not None, timeout=60_000)
        return window

    yield make
    for window in windows:
        window.close()


def test_stepping_to_the_backward_pass_shows_the_traces_numbers(qtbot, open_xray):
    experiment = load_experiment(str(PRESETS / "xor.json"))
    trace = prepare_xray(experiment).trace
    window = open_xray(experiment)
    focused: list[str] = []
    window.node_focused.connect(focused.append)
    while window.current_stage().phase != "backward":
        qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    assert focused == ["act", "logits", "logits", "logits"]  # forward@act, forward@logits, loss, backward@logits
    text = window.formula_text()
    output = trace.layers[-1]
    assert "δ1 = p1 − y1" in text  # subscripts are rich text
    assert format_number(float(output.delta[0, 0])) in text
    assert format_number(float(output.grad_weight[0, 0])) in text
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    assert focused[-2:] == ["act", "hidden"]
    hidden = trace.layers[0]
    assert format_number(float(hidden.delta[0, 0])) in window.formula_text()
    assert "δ1 = f′(z1)·Σₖ wk1·δk" in window.formula_text()  # the course's chain rule
    assert "Backward" in window.phase_labels["backward"].text()


def test_choosing_another_sample_shows_its_numbers(qtbot, open_xray):
    experiment = load_experiment(str(PRESETS / "xor.json"))
    trace = prepare_xray(experiment).trace
    window = open_xray(experiment)
    window.sample_box.setValue(3)
    assert format_number(float(trace.layers[0].z[2, 0])) in window.formula_text()


def test_the_gradient_check_shows_agreement(qtbot, open_xray):
    window = open_xray(load_experiment(str(PRESETS / "and_gate.json")))
    window.select_parameter(ParameterRef("neuron", "weight", (0, 1)))
    qtbot.mouseClick(window.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "agree" in window.check_result.text() or "differ" in window.check_result.text())
    shown = window.check_result.text()
    assert "They agree." in shown
    check = prepare_xray(load_experiment(str(PRESETS / "and_gate.json"))).check_gradient(
        ParameterRef("neuron", "weight", (0, 1))
    )
    assert format_number(check.autograd, 8) in shown


def test_a_large_model_shows_per_layer_statistics(qtbot, open_xray):
    window = open_xray(load_experiment(str(PRESETS / "cnn_mnist.json")))
    assert window.view_stack.currentWidget() is window.table
    assert window.table.rowCount() > 0
    assert window.table.item(0, 0).text() == window.session.trace.statistics[0].node_id


def test_a_broken_experiment_shows_a_message(qtbot, open_xray):
    experiment = load_experiment(str(PRESETS / "xor.json"))
    experiment.model.edges = []
    window = open_xray(experiment)
    assert not window.is_ready()
    message = window.error_text()
    assert message is not None and "cannot be shown" in message
    assert window.pages.currentWidget() is window.message


def test_the_window_works_on_a_copy(qtbot, open_xray):
    experiment = load_experiment(str(PRESETS / "xor.json"))
    before = experiment.model_dump()
    open_xray(experiment)
    assert experiment.model_dump() == before
