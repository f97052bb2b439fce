"""File ▸ Import ONNX Model… in the window: the file's graph on the canvas, its weights as the start."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

pytest.importorskip("onnxscript", reason="the onnx extra is not installed")

from playground.core.experiment import load_experiment  # noqa: E402
from playground.core.export.onnx_export import export_onnx  # noqa: E402
from playground.core.presets import PRESETS_DIR  # noqa: E402


@pytest.fixture
def lenet_onnx(tmp_path: Path) -> Path:
    path = tmp_path / "lenet.onnx"
    export_onnx(load_experiment(Path(PRESETS_DIR) / "lenet5_mnist.json"), path, Path(PRESETS_DIR))
    return path


def test_import_through_the_file_menu_opens_the_graph_with_its_weights(
    tmp_path: Path, make_window, qtbot, monkeypatch, lenet_onnx: Path
) -> None:
    window = make_window(persistent=False)
    target = tmp_path / "imported.json"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(lenet_onnx), "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.action("import_onnx").trigger()

    assert window.document.path == target.resolve()
    experiment = window.document.experiment
    assert [node.type for node in experiment.model.nodes][:4] == ["Input", "Conv2d", "Tanh", "AvgPool2d"]
    assert experiment.model.weights == "imported.safetensors" and (tmp_path / "imported.safetensors").is_file()
    assert "61,706 parameters" in window.statusBar().currentMessage()
    assert len(window.editor.scene().node_items()) == len(experiment.model.nodes)

    # the inspector names the file, and one click (undoable) goes back to the seeded draw
    label = window.inspector.findChild(type(window.inspector.settings.weights_label), "starting_weights")
    assert label.text().replace("\u200b", "") == "imported.safetensors"
    button = window.inspector.findChild(type(window.inspector.settings.weights_clear), "use_seeded_weights")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.document.experiment.model.weights is None and label.text() == "none (seeded)"
    assert not button.isEnabled()
    window.undo_stack.undo()
    assert window.document.experiment.model.weights == "imported.safetensors" and button.isEnabled()


def test_an_unsupported_model_is_refused_by_name_and_changes_nothing(tmp_path: Path, make_window, monkeypatch) -> None:
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Cos", ["x"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), str(tmp_path / "cos.onnx"))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append((title, text)))
    )
    window = make_window(persistent=False)
    before = window.document.snapshot()
    assert not window.import_onnx_model(tmp_path / "cos.onnx", tmp_path / "cos.json")
    assert shown and shown[0][0] == "Cannot import cos.onnx" and "Cos" in shown[0][1]
    assert window.document.snapshot() == before and window.document.path is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cos.onnx"]


def test_cancelling_the_save_writes_nothing(tmp_path: Path, make_window, monkeypatch, lenet_onnx: Path) -> None:
    window = make_window(persistent=False)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    assert not window.import_onnx_model(lenet_onnx)
    assert sorted(p.name for p in lenet_onnx.parent.iterdir()) == ["lenet.onnx"]
    assert "nothing was written" in window.statusBar().currentMessage()
