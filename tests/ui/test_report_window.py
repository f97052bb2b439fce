"""File ▸ Export Report… after a run: the HTML has the lesson, network, layer table, curves and results."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from playground.core.experiment import load_experiment
from playground.core.presets import PRESETS_DIR


def test_the_report_of_a_finished_run(tmp_path: Path, make_window, qtbot, monkeypatch) -> None:
    experiment = load_experiment(Path(PRESETS_DIR) / "xor.json")
    experiment.training.epochs = 5
    window = make_window(experiment, persistent=False)
    assert window.training.start()
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=120_000)
    target = tmp_path / "xor_report.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.action("export_report").trigger()

    text = target.read_text(encoding="utf-8")
    assert f"<h1>{experiment.name}</h1>" in text
    assert "<h2>Lesson</h2>" in text and "hidden layer" in text  # the lesson's own words
    assert text.count("data:image/png;base64,") == 3  # the network, the curves, the decision boundary
    for node in experiment.model.nodes:
        assert f"<td>{node.id}</td>" in text
    assert "validation accuracy" in text and "test accuracy" in text and "%" in text
    assert "Wrote the report" in window.statusBar().currentMessage()


def test_before_any_run_the_report_has_the_network_only(tmp_path: Path, make_window) -> None:
    window = make_window(persistent=False)
    assert window.export_report(tmp_path / "empty.html")
    text = (tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "Not trained yet" in text and text.count("data:image/png") == 1


def test_a_recording_of_the_finished_run(tmp_path: Path, make_window, qtbot) -> None:
    from PIL import Image

    experiment = load_experiment(Path(PRESETS_DIR) / "xor.json")
    experiment.training.epochs = 4
    window = make_window(experiment, persistent=False)
    assert window.training.start()
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=120_000)
    kept = len(window.training.record.timeline)
    assert window.training_panel.export_recording(tmp_path / "run.gif")
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.n_frames == kept >= 2
