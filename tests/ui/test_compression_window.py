"""The Compression Lab window after a real training run: the slider prunes and the plot and the table
show the new point and row; quantising shows the sizes before and after; fine-tuning keeps the
pruned weights at zero; a pruned row exports as safetensors holding the zeros. Before any run the
window says to train first, and fills in when a run finishes."""

from __future__ import annotations

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from safetensors.torch import load_file

from playground.core.experiment import experiment_from_dict
from playground.ui.compression import CompressionWindow
from tests.core.factories import chain

# the offscreen platform warns when the lab, a tool window of the main window, is raised as it shows
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


def _experiment(*layers, epochs: int = 2):
    document = chain(*layers, dataset="digits")
    document["training"].update({"epochs": epochs, "device": "cpu", "batch_size": 32})
    return experiment_from_dict(document)


def _mlp():
    return _experiment(
        ("flatten", "Flatten", {}),
        ("hidden", "Linear", {"out_features": 32}),
        ("act", "ReLU", {}),
        ("logits", "Linear", {"out_features": 10}),
    )


def _train(qtbot, window) -> None:
    assert window.training.start()
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=120_000)


@pytest.fixture
def open_lab(qtbot):
    """Train ▸ Compression Lab… of a main window; the lab windows are closed at the end."""
    labs: list[CompressionWindow] = []

    def make(window) -> CompressionWindow:
        action = window.findChild(QAction, "compressionLabAction")
        menus = [entry.menu() for entry in window.menuBar().actions() if entry.menu() is not None]
        (train_menu,) = [menu for menu in menus if action in menu.actions()]
        assert window.xray_action in train_menu.actions()  # beside the Backprop X-ray
        before = set(window.findChildren(CompressionWindow))
        action.trigger()
        (lab,) = set(window.findChildren(CompressionWindow)) - before
        lab.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        lab.resize(1400, 900)
        labs.append(lab)
        return lab

    yield make
    for lab in labs:
        lab.close()


def _wait_ready(qtbot, lab: CompressionWindow) -> None:
    qtbot.waitUntil(lambda: lab.is_ready() or (lab.error_text() is not None and lab.source is not None), timeout=60_000)
    assert lab.is_ready(), lab.error_text()


def _wait_idle(qtbot, lab: CompressionWindow, rows: int) -> None:
    qtbot.waitUntil(lambda: lab.table.rowCount() >= rows and not lab.is_busy(), timeout=60_000)


def test_moving_the_slider_prunes_and_shows_a_new_point_and_row(qtbot, make_window, open_lab, tmp_path):
    window = make_window(_mlp())
    _train(qtbot, window)
    lab = open_lab(window)
    _wait_ready(qtbot, lab)
    summary = window.training.record.summary
    assert lab.row_texts(0)[4] == f"{summary.test_accuracy * 100:.1f} %"  # the Training tab's test accuracy
    _wait_idle(qtbot, lab, 2)  # the slider's starting share (50 %) is measured as the lab opens
    assert "Unstructured pruning" in lab.row_texts(1)[0] and lab.row_texts(1)[1] == "50 %"
    points = lab.plotted_points("unstructured")
    assert [x for x, _y in points] == [0.0, 50.0]

    lab.slider.setFocus()
    qtbot.keyClick(lab.slider, Qt.Key.Key_PageUp)  # +10: 60 %
    assert lab.share_label.text() == "60 %"
    _wait_idle(qtbot, lab, 3)
    cells = lab.row_texts(2)
    result = lab.results[2]
    assert cells[1] == "60 %" and result.share == pytest.approx(0.6)
    assert f"{result.parameters.nonzero:,} of {result.parameters.total:,}" in cells[2]
    assert cells[4] == f"{result.evaluation.accuracy * 100:.1f} %"
    point = (pytest.approx(60.0, abs=0.05), pytest.approx(result.evaluation.accuracy * 100))  # measured sparsity
    assert point in lab.plotted_points("unstructured")
    assert len(lab.plotted_points("unstructured")) == 3  # the curve gathers the points measured

    qtbot.keyClick(lab.slider, Qt.Key.Key_PageDown)  # back to 50 %: measured already, no new row
    assert not lab.is_busy() and lab.table.rowCount() == 3 and lab.selected_row() == 1

    lab.table.selectRow(2)
    assert lab.export_button.isEnabled()
    path = tmp_path / "pruned.safetensors"
    assert lab.export_row(2, path)
    tensors = load_file(str(path))
    zeros = int((tensors["hidden.weight"] == 0).sum()) + int((tensors["logits.weight"] == 0).sum())
    assert zeros == round(0.6 * (64 * 32 + 32 * 10)) == result.pruning.zeroed
    assert str(path) in lab.status.text()

    qtbot.mouseClick(lab.quantize_button, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, lab, 4)
    comparison = lab.quantization
    assert comparison is not None and lab.results[3].kind == "quantized"
    text = lab.quantize_text.text()
    assert "Size:" in text and f"−{comparison.size_reduction * 100:.1f} %" in text
    assert "Same prediction for" in text
    assert "Dynamic INT8" in lab.row_texts(3)[0] and "−" in lab.row_texts(3)[3]
    assert not lab.export_button.isEnabled()  # an INT8 row has no safetensors form


def test_fine_tuning_from_the_window_keeps_pruned_weights_zero(qtbot, make_window, open_lab):
    window = make_window(_mlp())
    _train(qtbot, window)
    lab = open_lab(window)
    _wait_ready(qtbot, lab)
    _wait_idle(qtbot, lab, 2)
    lab.method_box.setCurrentIndex(lab.method_box.findData("structured"))
    _wait_idle(qtbot, lab, 3)
    pruned = lab.results[2]
    assert pruned.method == "structured" and "whole units" in lab.row_texts(2)[0]
    lab.epochs_box.setValue(1)
    qtbot.mouseClick(lab.fine_tune_button, Qt.MouseButton.LeftButton)
    assert lab.fine_tune_button.text() == "Stop Fine-tuning"
    _wait_idle(qtbot, lab, 4)
    tuned = lab.results[3]
    assert tuned.kind == "fine-tuned" and "fine-tuned 1 epoch" in lab.row_texts(3)[0]
    pruned_weights, tuned_weights = lab.row_weights(2), lab.row_weights(3)
    dead = (pruned_weights["hidden.weight"] == 0).all(dim=1)
    assert int(dead.sum()) == 16
    assert (tuned_weights["hidden.weight"][dead] == 0).all() and (tuned_weights["hidden.bias"][dead] == 0).all()
    assert not torch.equal(tuned_weights["hidden.weight"][~dead], pruned_weights["hidden.weight"][~dead])
    assert len(lab.plotted_points("structured", fine_tuned=True)) == 1
    assert lab.fine_tune_button.text() == "Prune and Fine-tune"


def test_before_any_run_it_says_to_train_first_and_fills_in_when_a_run_ends(qtbot, make_window, open_lab):
    window = make_window(
        _experiment(("conv", "Conv2d", {"out_channels": 10, "kernel_size": 8}), ("flatten", "Flatten", {}), epochs=1)
    )
    lab = open_lab(window)
    assert lab.notice_title.text() == "Train the model first"
    assert "no finished run yet" in lab.message.text() and lab.error_text() == lab.message.text()
    assert not lab.is_ready()
    _train(qtbot, window)
    _wait_ready(qtbot, lab)
    # a model without Linear/LSTM/GRU layers: the lab says which types dynamic quantisation covers
    assert not lab.quantize_button.isEnabled()
    assert "Linear, LSTM, GRU" in lab.quantize_text.text() and "Conv2d" in lab.quantize_text.text()
    lab.method_box.setCurrentIndex(lab.method_box.findData("structured"))
    assert "output layer" in lab.method_text.text() and not lab.slider.isEnabled()
