"""The window never loses a file and never shows a traceback.

* Every value a file may hold shows in its editor as it is, and showing it (or pressing Enter in
  its field) writes nothing back: no clamping, no rounding to the field's decimals.
* Opening a file (File ▸ Open, the command line, the recent-files menu, a recovery copy) that
  cannot be read or shown tells the user which file and why, and leaves the current document.
* A huge lesson text or experiment name shows bounded: long words breakable, the rendered
  Markdown cut with a note, the title and fields short; the stored text never changes.
* A run stopped by an edit is filed in the run history with the settings it ran with, and an edit
  of any node (even one named `name`) stops the run.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from playground.core.experiment import experiment_to_json, load_experiment
from playground.core.params import ParamSpec
from playground.ui.autosave import EXPERIMENT_FILE, find_recoveries
from playground.ui.inspector.param_editors import FloatEditor, ListEditor
from playground.ui.main_window import MainWindow
from playground.ui.panels import lesson_view
from playground.ui.panels.lesson_view import LessonView
from playground.ui.settings import AppSettings

PRESETS = Path(__file__).resolve().parents[2] / "presets"
INT_MAX = 2**31 - 1
ODD = 0.123456789  # more digits than any field's decimals


@pytest.fixture
def messages(monkeypatch):
    """Every QMessageBox.critical / warning the window shows, as (kind, title, text); none blocks."""
    shown: list[tuple[str, str, str]] = []
    for kind in ("critical", "warning"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            staticmethod(lambda parent, title, text, *args, kind=kind: shown.append((kind, title, text))),
        )
    return shown


def xor_data() -> dict:
    return json.loads((PRESETS / "xor.json").read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict, name: str = "experiment.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def extreme_data() -> dict:
    """XOR with every kind of field at a value no field shows by default."""
    data = xor_data()
    data["data"]["params"]["noise"] = ODD
    data["data"]["split"] = {"train": ODD, "val": 0.5, "test": 0.376543211}
    data["data"]["seed"] = INT_MAX
    training = data["training"]
    training["loss"] = {"type": "CrossEntropyLoss", "params": {"label_smoothing": ODD, "weight": [1e-12, ODD]}}
    training["optimizer"] = {
        "type": "Adam",
        "params": {"lr": 1e6, "eps": 1e-29, "weight_decay": ODD, "betas": [ODD, 0.999]},
    }
    training["scheduler"] = {
        "type": "OneCycleLR",
        "params": {"max_lr": 0.1, "pct_start": ODD, "div_factor": 1e20, "final_div_factor": 1e20},
        "interval": "step",
        "warmup_steps": INT_MAX,
    }
    training.update(
        batch_size=INT_MAX,
        seed=INT_MAX,
        epochs=100_000,
        l1=ODD,
        gradient_clipping={"mode": "norm", "max_value": 1e20},
        early_stopping={"monitor": "val_loss", "patience": INT_MAX, "min_delta": 1e-300},
    )
    nodes = data["model"]["nodes"]
    nodes[2:2] = [
        {"id": "norm", "type": "BatchNorm1d", "params": {"eps": 1e-29, "momentum": ODD}, "pos": [180, 120]},
        {"id": "drop", "type": "Dropout", "params": {"p": ODD}, "pos": [360, 120]},
        {"id": "leaky", "type": "LeakyReLU", "params": {"negative_slope": 1e-300}, "pos": [540, 120]},
    ]
    data["model"]["edges"] = [
        ["input", "hidden"],
        ["hidden", "norm"],
        ["norm", "drop"],
        ["drop", "leaky"],
        ["leaky", "act"],
        ["act", "logits"],
    ]
    return data


def shown_number(editor) -> float | int | list:
    """What the user reads in an editor, parsed."""
    if isinstance(editor, ListEditor):
        return [float(item) for item in editor.line.text().split(",")]
    text = editor.spin.cleanText()
    if isinstance(editor, FloatEditor):
        return float(text)
    return int(re.sub(r"[^\d-]", "", text))


def press_enter(qtbot, widget) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def focus_widget(editor):
    return editor.line if isinstance(editor, ListEditor) else editor.spin


# ---- 1. every value shows as it is, and showing it writes nothing ------------------------------------


def test_extreme_settings_show_as_they_are_and_enter_writes_nothing_back(qtbot, tmp_path, make_window):
    path = write(tmp_path, extreme_data())
    window = make_window()
    assert window.open_file(path)
    saved = experiment_to_json(window.document.experiment)
    settings = window.inspector.settings
    optimizer = settings.optimizer_editor.form.editors
    scheduler = settings.scheduler_editor.form.editors
    loss = settings.loss_editor.form.editors
    expected = [
        (settings._dataset_form.editors["noise"], ODD),
        (settings.data_seed, INT_MAX),
        (loss["label_smoothing"], ODD),
        (loss["weight"], [1e-12, ODD]),
        (optimizer["lr"], 1e6),
        (optimizer["eps"], 1e-29),
        (optimizer["weight_decay"], ODD),
        (optimizer["betas"], [ODD, 0.999]),
        (scheduler["pct_start"], ODD),
        (scheduler["div_factor"], 1e20),
        (scheduler["final_div_factor"], 1e20),
        (settings.warmup_editor, INT_MAX),
        (settings.epochs_editor, 100_000),
        (settings.batch_editor, INT_MAX),
        (settings.seed_editor, INT_MAX),
        (settings.l1_editor, ODD),
        (settings.clip_max, 1e20),
        (settings.early_patience, INT_MAX),
        (settings.early_delta, 1e-300),
    ]
    for editor, value in expected:
        assert shown_number(editor) == value, editor.spec.name
    assert settings.train_spin.cleanText() == "12.3456789" and settings.val_spin.cleanText() == "50"
    for editor, _value in expected:
        press_enter(qtbot, focus_widget(editor))
    press_enter(qtbot, settings.train_spin)
    press_enter(qtbot, settings.val_spin)
    for node_id, values in (
        ("norm", {"eps": 1e-29, "momentum": ODD}),
        ("drop", {"p": ODD}),
        ("leaky", {"negative_slope": 1e-300}),
    ):
        window.editor.select_nodes([node_id])
        form = window.inspector.node._form
        for name, value in values.items():
            assert shown_number(form.editors[name]) == value, name
            press_enter(qtbot, form.editors[name].spin)
    assert experiment_to_json(window.document.experiment) == saved
    assert window.undo_stack.count() == 0 and not window.isWindowModified()


def test_a_rounded_looking_field_is_written_only_when_edited(qtbot, tmp_path, make_window):
    path = write(tmp_path, extreme_data())
    window = make_window()
    assert window.open_file(path)
    settings = window.inspector.settings
    label_smoothing = settings.loss_editor.form.editors["label_smoothing"]
    assert label_smoothing.spin.decimals() >= 3 and label_smoothing.spin.cleanText() == "0.123456789"
    label_smoothing.spin.lineEdit().selectAll()
    qtbot.keyClicks(label_smoothing.spin, "0.25")
    qtbot.keyClick(label_smoothing.spin, Qt.Key.Key_Return)
    assert window.document.experiment.training.loss.params["label_smoothing"] == 0.25
    # The split: editing the val share keeps the train share exactly as the file has it.
    settings.val_spin.lineEdit().selectAll()
    qtbot.keyClicks(settings.val_spin, "40")
    qtbot.keyClick(settings.val_spin, Qt.Key.Key_Return)
    split = window.document.experiment.data.split
    assert split.train == ODD and split.val == 0.4 and math.isclose(split.test, 1 - ODD - 0.4, abs_tol=1e-9)
    assert settings.train_spin.cleanText() == "12.3456789"
    assert window.undo_stack.count() == 2


def test_values_below_the_spin_box_precision_are_kept(qtbot):
    tiny = ParamSpec("eps", "float", 1e-8, "A log-scale field.", minimum=0.0, exclusive_minimum=True)
    slope = ParamSpec("slope", "float", 0.01, "A linear field with three decimals.", minimum=0.0, maximum=1.0)
    for spec, values in ((tiny, (1e-29, 3.0000000000000004e-29, 1e-300, 5e-320)), (slope, (1e-300, ODD, 0.5))):
        editor = FloatEditor(spec)
        qtbot.addWidget(editor)
        committed = []
        editor.committed.connect(committed.append)
        for value in values:
            editor.set_value(value)
            assert float(editor.spin.cleanText()) == value and editor.value() == value, value
            press_enter(qtbot, editor.spin)
        assert committed == [], spec.name


def test_a_huge_name_stays_whole_and_enter_in_its_field_keeps_it(qtbot, tmp_path, make_window):
    data = xor_data()
    data["name"] = "Lesson " + "n" * 40_000
    window = make_window()
    assert window.open_file(write(tmp_path, data))
    field = window.inspector.settings.name_edit
    assert len(field.text()) <= 1_001 and field.text().startswith("Lesson nnn")
    press_enter(qtbot, field)
    assert window.document.experiment.name == data["name"] and window.undo_stack.count() == 0
    field.selectAll()
    qtbot.keyClicks(field, "Short")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.document.experiment.name == "Short"


# ---- 2. a file that cannot be opened is reported and changes nothing --------------------------------

BROKEN_VIEW = "A lesson the lesson view cannot show"


@pytest.fixture
def broken_lesson_view(monkeypatch):
    """The lesson view fails (as any view might) on experiments named BROKEN_VIEW."""
    original = LessonView.refresh

    def refresh(self, *args, **kwargs):
        if self.document.experiment.name == BROKEN_VIEW:
            raise RuntimeError("the view broke")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LessonView, "refresh", refresh)


def broken_view_file(tmp_path: Path) -> Path:
    data = xor_data()
    data["name"] = BROKEN_VIEW
    return write(tmp_path, data, "breaks_the_view.json")


def test_open_that_fails_while_building_the_views_keeps_the_document(
    qtbot, tmp_path, make_window, messages, monkeypatch, broken_lesson_view
):
    window = make_window(load_experiment(PRESETS / "spiral.json"), PRESETS / "spiral.json")
    window.inspector.settings.epochs_editor.spin.setValue(7)  # unsaved work, kept when the user discards
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    before = experiment_to_json(window.document.experiment)
    assert not window.open_file(broken_view_file(tmp_path))
    assert len(messages) == 1
    kind, title, text = messages[0]
    assert kind == "critical" and "breaks_the_view.json" in title
    assert "breaks_the_view.json" in text and "RuntimeError: the view broke" in text and "Traceback" not in text
    assert experiment_to_json(window.document.experiment) == before
    assert window.document.path == (PRESETS / "spiral.json").resolve()
    assert window.undo_stack.count() == 1 and window.isWindowModified()
    window.flush_views()
    assert "spiral" in window.lesson_view.browser.toPlainText().lower()
    assert window.inspector.settings.epochs_editor.value() == 7


def test_a_dataset_that_cannot_be_loaded_is_reported(qtbot, tmp_path, make_window, messages, monkeypatch):
    import playground.core.data as data_module

    window = make_window()
    before = experiment_to_json(window.document.experiment)
    spiral = json.loads((PRESETS / "spiral.json").read_text(encoding="utf-8"))
    real = data_module.describe_dataset

    def describe(data, *args, **kwargs):
        if data.dataset == "spiral":
            raise ValueError("the archive is corrupt")
        return real(data, *args, **kwargs)

    monkeypatch.setattr(data_module, "describe_dataset", describe)
    assert not window.open_file(write(tmp_path, spiral, "corrupt.json"))
    assert messages[-1][0] == "critical" and "corrupt.json" in messages[-1][1]
    assert "ValueError: the archive is corrupt" in messages[-1][2]
    assert experiment_to_json(window.document.experiment) == before and window.document.path is None
    # A dataset the playground reports on itself (a CSV file that is not there) opens, so its path can be
    # chosen again, and says so at once.
    monkeypatch.setattr(data_module, "describe_dataset", real)
    csv = xor_data()
    csv["data"] = {
        "dataset": "csv",
        "params": {"path": "no_such_file.csv", "target": "label"},
        "split": {"train": 0.7, "val": 0.15, "test": 0.15},
        "seed": 0,
    }
    assert window.open_file(write(tmp_path, csv, "missing_data.json"))
    kind, title, text = messages[-1]
    assert kind == "warning" and "missing_data.json" in title and "no_such_file.csv" in text
    assert window.document.experiment.data.dataset == "csv"


def test_launch_with_a_file_that_cannot_be_opened_shows_the_default_experiment(
    qtbot, tmp_path, messages, monkeypatch, broken_lesson_view
):
    from playground.ui import app as app_module

    opened: list[MainWindow] = []

    def fake_exec(_app) -> int:  # the event loop: look at the window instead, then close it
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible() and widget not in opened:
                opened.append(widget)
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    broken = tmp_path / "truncated.json"
    broken.write_text('{"format": "nn-playground.experiment", "version": 1, "name": ', encoding="utf-8")
    try:
        for path in (broken, broken_view_file(tmp_path)):
            assert app_module.run_app([str(path)]) == 0
            window = opened[-1]
            kind, title, text = messages[-1]
            assert kind == "critical" and path.name in title and path.name in text
            assert window.document.path is None and "Untitled" in window.windowTitle()
            assert window.document.report() is not None and window.document.report().valid
            window.close_discarding()
    finally:
        for window in opened:
            window.close_discarding()
            window.deleteLater()
    assert len(opened) == 2 and len(messages) == 2


def test_recent_file_that_fails_is_reported(qtbot, tmp_path, make_window, messages, broken_lesson_view):
    path = broken_view_file(tmp_path)
    AppSettings().add_recent_file(path)
    window = make_window()
    before = experiment_to_json(window.document.experiment)
    window._fill_recent_menu()
    action = next(action for action in window.recent_menu.actions() if action.toolTip() == str(path))
    action.trigger()
    assert messages and messages[-1][0] == "critical" and path.name in messages[-1][1]
    assert experiment_to_json(window.document.experiment) == before


def test_a_recovery_copy_that_cannot_be_restored_is_kept(qtbot, make_window, messages, broken_lesson_view):
    window = make_window()
    window.inspector.settings.name_edit.setText(BROKEN_VIEW)
    window.inspector.settings.name_edit.editingFinished.emit()
    assert window.document.experiment.name == BROKEN_VIEW
    window.inspector.settings.epochs_editor.spin.setValue(42)
    assert window.autosaver.write_now()
    window.autosaver.abandon()  # what a crash leaves behind
    restoring = make_window()
    assert not restoring.check_recovery(ask=lambda recovery: "restore")
    assert messages[-1][0] == "critical" and "kept" in messages[-1][2] and "RuntimeError" in messages[-1][2]
    assert restoring.document.experiment.name != BROKEN_VIEW and not restoring.isWindowModified()
    recoveries = find_recoveries()
    assert len(recoveries) == 1  # never lose the work
    # A copy that cannot even be read is kept as well (the user may still want it).
    (recoveries[0].slot / EXPERIMENT_FILE).write_text("{ not json", encoding="utf-8")
    assert not restoring.check_recovery(ask=lambda recovery: "restore")
    assert "kept" in messages[-1][2] and len(find_recoveries()) == 1


# ---- 3. huge text shows bounded -----------------------------------------------------------------------


def longest_run(text: str) -> int:
    return max((len(word) for word in re.split(r"[\s\u200b]+", text)), default=0)


def test_a_huge_unbroken_lesson_renders_bounded_and_edits_whole(qtbot, tmp_path, make_window):
    data = xor_data()
    data["description"] = "# Big\n\n" + "x" * 60_000
    window = make_window()
    assert window.open_file(write(tmp_path, data))
    window.docks["lesson"].raise_()
    lesson = window.lesson_view
    rendered = lesson.browser.toPlainText()
    assert len(rendered.replace("\u200b", "")) < lesson_view.RENDER_LIMIT + 1_000  # not the whole 60,000
    assert "the lesson continues" in rendered and "characters not shown" in rendered and "Edit" in rendered
    assert longest_run(rendered) <= lesson_view.LONG_WORD
    document = lesson.browser.document()
    note = document.lastBlock()  # laid out, so scrolling down reaches it
    assert "characters not shown" in note.text() and document.documentLayout().blockBoundingRect(note).height() > 0
    assert window.document.experiment.description == data["description"]  # display only
    lesson.edit_button.setChecked(True)
    assert lesson.source.toPlainText() == data["description"]
    assert lesson.source.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere
    assert lesson.long_words_note.isVisibleTo(lesson)
    lesson.edit_button.setChecked(False)
    assert window.undo_stack.count() == 0 and window.document.experiment.description == data["description"]


def test_a_long_word_is_broken_for_display_only(qtbot, tmp_path, make_window):
    data = xor_data()
    word = "y" * 5_000
    data["description"] = f"Intro **bold** {word} end."
    window = make_window()
    assert window.open_file(write(tmp_path, data))
    rendered = window.lesson_view.browser.toPlainText()
    assert rendered.replace("\u200b", "") == f"Intro bold {word} end."
    assert longest_run(rendered) <= lesson_view.LONG_WORD
    assert "characters not shown" not in rendered
    window.lesson_view.edit_button.setChecked(True)
    assert window.lesson_view.source.toPlainText() == data["description"]
    window.lesson_view.edit_button.setChecked(False)
    assert window.undo_stack.count() == 0


def test_a_huge_name_keeps_the_title_code_and_history_short(qtbot, tmp_path, make_window):
    data = xor_data()
    data["name"] = "N" * 200_000
    window = make_window()
    assert window.open_file(write(tmp_path, data))
    window.flush_views()
    assert len(window.windowTitle()) < 300 and "NNN" in window.windowTitle()
    assert len(window.code_view.caption.text()) < 300
    code = window.code_view.editor
    assert code.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth  # one huge line wraps
    assert code.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere
    assert window.document.experiment.name == data["name"]


# ---- 4, 5. training and edits ------------------------------------------------------------------------


def test_a_run_stopped_by_an_edit_is_filed_with_the_settings_it_ran_with(qtbot, make_window):
    experiment = load_experiment(PRESETS / "and_gate.json")
    experiment.training.epochs = 5_000
    window = make_window(experiment)
    old_lr = experiment.training.optimizer.params["lr"]
    window.training.start()
    qtbot.waitUntil(lambda: window.training.state() == "running", timeout=20_000)
    window.workspace.setCurrentIndex(0)
    spin = window.inspector.settings.optimizer_editor.form.editors["lr"].spin
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "0.05")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.document.experiment.training.optimizer.params["lr"] == 0.05
    qtbot.waitUntil(lambda: window.training.state() == "stopped", timeout=30_000)
    qtbot.waitUntil(lambda: len(window.compare_panel.history) == 1, timeout=10_000)
    panel = window.compare_panel.history_panel
    column = panel.columns.index("lr")
    assert float(panel.table.item(0, column).text()) == old_lr  # what the user reads in the table
    record = next(iter(window.compare_panel.history))
    assert record.settings["lr"] == old_lr


def running_window(make_window, qtbot, data: dict) -> MainWindow:
    from playground.core.experiment import experiment_from_dict

    data["training"]["epochs"] = 5_000
    window = make_window(experiment_from_dict(data, "training.json"))
    window.training.start()
    qtbot.waitUntil(lambda: window.training.state() == "running", timeout=20_000)
    window.workspace.setCurrentIndex(0)
    return window


def test_editing_a_node_named_name_stops_the_run(qtbot, make_window):
    data = xor_data()
    for node in data["model"]["nodes"]:
        if node["id"] == "hidden":
            node["id"] = "name"
    data["model"]["edges"] = [[("name" if end == "hidden" else end) for end in edge] for edge in data["model"]["edges"]]
    window = running_window(make_window, qtbot, data)
    window.editor.select_nodes(["name"])
    spin = window.inspector.node._form.editors["out_features"].spin
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "8")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.document.experiment.node("name").params["out_features"] == 8
    qtbot.waitUntil(lambda: window.training.state() == "stopped", timeout=30_000)
    assert window.training.banner_level() == "warning" and "changed" in window.training.banner_text()


def test_text_and_saved_runs_do_not_stop_the_run(qtbot, make_window):
    from playground.core.experiment.schema import Comparison

    window = running_window(make_window, qtbot, xor_data())
    window.document.set_comparison(Comparison(title="saved runs"))  # what "Save in experiment" does
    window.document.set_text("description", "Edited while training")
    window.inspector.settings.name_edit.setText("Renamed while training")
    window.inspector.settings.name_edit.editingFinished.emit()
    qtbot.wait(300)
    assert window.training.state() == "running" and window.training.banner_level() != "warning"
    window.training.stop()
    qtbot.waitUntil(lambda: window.training.state() == "stopped", timeout=30_000)


def test_save_as_without_a_suffix_asks_before_replacing_the_json_file(tmp_path, make_window, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    mine = tmp_path / "lesson.json"
    mine.write_text("my own file\n", encoding="utf-8")
    window = make_window(persistent=False)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(tmp_path / "lesson"), "")))
    asked: list[str] = []

    def answer(reply):
        def question(parent, title, text, *args):
            asked.append(text)
            return reply

        return staticmethod(question)

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    assert not window.save_as()
    assert asked and "lesson.json already exists" in asked[0]
    assert mine.read_text(encoding="utf-8") == "my own file\n"
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert window.save_as()
    assert load_experiment(mine).name == window.document.experiment.name


def test_a_graph_of_the_largest_accepted_size_opens_with_every_card_and_edge(tmp_path, make_window):
    from playground.core.experiment.schema import MAX_NODES

    data = xor_data()
    nodes = [{"id": "input", "type": "Input"}] + [{"id": f"relu{i}", "type": "ReLU"} for i in range(MAX_NODES - 2)]
    nodes.append({"id": "logits", "type": "Linear", "params": {"out_features": 2}})
    data["model"] = {"nodes": nodes, "edges": [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]}
    window = make_window(persistent=False)
    assert window.open_file(write(tmp_path, data))
    scene = window.editor.scene()
    assert len(scene.node_items()) == MAX_NODES and len(scene.edge_items()) == MAX_NODES - 1
    assert window.document.report().valid
