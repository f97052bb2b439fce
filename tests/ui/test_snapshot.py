"""`playground snapshot` renders the window offscreen into a PNG of the requested size."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from playground.cli import main

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def test_snapshot_writes_png_of_requested_size(qapp, tmp_path, capsys):
    out = tmp_path / "xor.png"
    assert main(["snapshot", str(PRESETS / "xor.json"), "-o", str(out), "--size", "1200x800"]) == 0
    image = QImage(str(out))
    assert not image.isNull() and (image.width(), image.height()) == (1200, 800)
    assert "wrote" in capsys.readouterr().out


def test_snapshot_dark_theme_restores_the_app_theme(qapp, tmp_path):
    from playground.ui import theme

    out = tmp_path / "spiral.png"
    assert (
        main(["snapshot", str(PRESETS / "spiral.json"), "-o", str(out), "--theme", "dark", "--size", "1000x700"]) == 0
    )
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    corner = image.pixelColor(image.width() - 5, image.height() // 2)
    assert corner.lightnessF() < 0.5  # a dark window
    assert theme.current_theme() == "light"


def test_snapshot_of_a_bad_file_fails_cleanly(qapp, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert main(["snapshot", str(bad), "-o", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "bad.json" in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_snapshot_refuses_an_unknown_node_to_select(qapp, tmp_path, capsys):
    assert main(["snapshot", str(PRESETS / "xor.json"), "-o", str(tmp_path / "x.png"), "--select", "nosuch"]) == 1
    err = capsys.readouterr().err
    assert "--select nosuch" in err and "hidden" in err
    assert not (tmp_path / "x.png").exists()


def test_snapshot_refuses_epochs_out_of_range(qapp, tmp_path):
    for epochs in ("-1", "0", "100001", "999999999999999999999"):
        try:
            main(["snapshot", str(PRESETS / "xor.json"), "-o", str(tmp_path / "x.png"), "--epochs", epochs])
        except SystemExit as exit_:
            assert exit_.code == 2
        else:
            raise AssertionError(f"--epochs {epochs} was accepted")


def test_snapshot_that_cannot_train_says_why_without_a_traceback(qapp, tmp_path, capsys):
    import json

    document = json.loads((PRESETS / "xor.json").read_text(encoding="utf-8"))
    document["data"] = {"dataset": "csv", "params": {"path": "missing.csv"}}
    path = tmp_path / "nodata.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["snapshot", str(path), "-o", str(tmp_path / "x.png"), "--epochs", "2"]) == 1
    err = capsys.readouterr().err
    assert "cannot train before the picture" in err and "missing.csv" in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_snapshot_with_a_probe_shows_the_look_inside_that_node(qapp, tmp_path, monkeypatch):
    from playground.ui import snapshot

    seen = {}
    real = snapshot.SnapshotOptions

    def remember(window, _options):
        view = window.training_panel.probe_view
        seen.update(tab=window.current_tab(), visible=view.isVisible(), node=view.node(), result=view.result())

    def options(**kwargs):
        made = real(**kwargs)
        made.prepare.append(remember)
        return made

    monkeypatch.setattr(snapshot, "SnapshotOptions", options)
    out = tmp_path / "probe.png"
    assert main(["snapshot", str(PRESETS / "xor.json"), "-o", str(out), "--epochs", "2", "--probe", "act"]) == 0
    assert seen["tab"] == "training" and seen["visible"] and seen["node"] == "act"
    assert seen["result"] is not None and seen["result"].node == "act" and seen["result"].epoch == 2
    assert not QImage(str(out)).isNull()


def test_snapshot_refuses_a_probe_of_an_unknown_node_or_the_input(qapp, tmp_path, capsys):
    for node in ("nosuch", "input"):
        assert main(["snapshot", str(PRESETS / "xor.json"), "-o", str(tmp_path / "x.png"), "--probe", node]) == 1
        assert f"--probe {node}" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_snapshot_with_race_shows_the_lesson_race_after_racing_every_variant(qapp, tmp_path, monkeypatch):
    from playground.core.experiment import load_experiment, save_experiment
    from playground.core.experiment.schema import Lesson, Variant
    from playground.ui import snapshot

    experiment = load_experiment(PRESETS / "xor.json")
    experiment.training.device = "cpu"
    experiment.lesson = Lesson(
        variants=[Variant(name="Mini-batch"), Variant(name="Full batch", changes={"training.batch_size": "full"})]
    )
    lesson_file = tmp_path / "lesson.json"
    save_experiment(experiment, lesson_file)
    seen = {}
    real = snapshot.SnapshotOptions

    def remember(window, _options):
        panel = window.compare_panel
        seen.update(tab=window.current_tab(), page=panel.currentWidget() is panel._holders["lesson"])
        seen.update(runs=sorted(record.name for record in panel.history))

    def options(**kwargs):
        made = real(**kwargs)
        made.prepare.append(remember)
        return made

    monkeypatch.setattr(snapshot, "SnapshotOptions", options)
    out = tmp_path / "race.png"
    assert main(["snapshot", str(lesson_file), "-o", str(out), "--epochs", "2", "--race"]) == 0
    assert seen["tab"] == "compare" and seen["page"]
    assert len(seen["runs"]) == 2 and any("Full batch" in name for name in seen["runs"])
    assert not QImage(str(out)).isNull()


def test_snapshot_refuses_to_race_an_experiment_without_variants(qapp, tmp_path, capsys):
    assert main(["snapshot", str(PRESETS / "xor.json"), "-o", str(tmp_path / "x.png"), "--race"]) == 1
    assert "declares no lesson variants" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()
