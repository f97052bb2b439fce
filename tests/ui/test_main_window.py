"""The main window, driven through its real widgets: inspector edits, files, settings, autosave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QMessageBox

from playground.core.experiment import experiment_to_json, load_experiment
from playground.ui.autosave import EXPERIMENT_FILE, find_recoveries, recovery_dir
from playground.ui.main_window import MainWindow
from playground.ui.settings import AppSettings

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def wait_for_code(qtbot, window: MainWindow, text: str) -> None:
    qtbot.waitUntil(lambda: text in window.code_view.text(), timeout=3000)


def node_editor(window: MainWindow, node_id: str, param: str):
    window.editor.select_nodes([node_id])
    assert window.inspector.node.node_id == node_id
    form = window.inspector.node._form
    assert form is not None
    return form.editors[param]


def test_opens_on_the_default_experiment(make_window):
    window = make_window()
    window.flush_views()
    assert "Untitled" in window.windowTitle()
    assert not window.isWindowModified()
    report = window.document.report()
    assert report is not None and report.valid
    code = window.code_view.text()
    assert "class " in code and "nn.Linear" in code
    assert window.model_status_text().startswith("✓ valid · ")
    assert window.summary_view.row_of("hidden") >= 0
    assert window.inspector.currentWidget() is window.inspector.settings_page
    for key in ("layers", "inspector", "code", "lesson", "summary"):
        assert window.docks[key].isVisible()
    assert "XOR" in window.lesson_view.browser.toPlainText()


def test_parameter_edit_changes_experiment_and_code(qtbot, make_window):
    window = make_window()
    editor = node_editor(window, "hidden", "out_features")
    spin = editor.spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "8")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.document.experiment.node("hidden").params["out_features"] == 8
    wait_for_code(qtbot, window, "out_features=8")
    assert window.isWindowModified()
    window.undo_stack.undo()
    assert window.document.experiment.node("hidden").params["out_features"] == 4
    assert spin.value() == 4  # the editor follows undo
    wait_for_code(qtbot, window, "out_features=4")


def test_invalid_edit_marks_node_and_fix_repairs_it(qtbot, make_window):
    window = make_window()
    editor = node_editor(window, "logits", "out_features")
    editor.spin.setValue(3)  # CrossEntropyLoss on 2 classes needs 2 outputs
    report = window.document.report()
    assert not report.valid and any(issue.node == "logits" for issue in report.errors)
    window.flush_views()
    assert window.summary_view.is_row_invalid("logits")
    assert not window.summary_view.is_row_invalid("hidden")
    assert "problem" in window.model_status_text()
    assert "not valid" in window.code_view.text()
    node_inspector = window.inspector.node
    assert node_inspector.problem_box.isVisibleTo(node_inspector) and node_inspector.fix_buttons
    node_inspector.fix_buttons[0].click()
    assert window.document.report().valid
    assert editor.spin.value() == 2
    window.flush_views()
    assert not window.summary_view.is_row_invalid("logits")


def test_rename_in_inspector(qtbot, make_window):
    window = make_window()
    window.editor.select_nodes(["hidden"])
    line = window.inspector.node.id_edit
    line.selectAll()
    qtbot.keyClicks(line, "fc1")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert window.document.has_node("fc1") and not window.document.has_node("hidden")
    wait_for_code(qtbot, window, "self.fc1 = nn.Linear")
    line.setText("logits")  # taken: refused with a message, nothing changes
    line.editingFinished.emit()
    assert window.inspector.node.id_error.text() and line.text() == "fc1"


def test_settings_edits_and_undo(qtbot, make_window):
    window = make_window()
    settings = window.inspector.settings
    original = experiment_to_json(window.document.experiment)
    combo = settings.dataset_combo
    combo.setCurrentIndex(combo.findData("spiral", Qt.ItemDataRole.UserRole))
    assert window.document.experiment.data.dataset == "spiral"
    assert window.document.experiment.data.params["samples"] == 400  # carried over
    assert "classes" in settings._dataset_form.editors
    optimizer = settings.optimizer_editor.combo
    optimizer.setCurrentIndex(optimizer.findData("SGD"))
    training = window.document.experiment.training
    assert training.optimizer.type == "SGD" and training.optimizer.params == {"lr": 0.03}
    assert settings.optimizer_editor.form.editors["momentum"].value() == 0.0
    epochs = settings.epochs_editor.spin
    epochs.setValue(123)
    epochs.setValue(150)  # same field: merges into one undo step
    assert window.document.experiment.training.epochs == 150
    assert window.undo_stack.count() == 3
    window.undo_stack.undo()
    assert window.document.experiment.training.epochs == 60 and epochs.value() == 60
    window.undo_stack.undo()
    assert optimizer.currentData() == "Adam"
    window.undo_stack.undo()
    assert combo.currentData(Qt.ItemDataRole.UserRole) == "xor"
    assert "classes" not in settings._dataset_form.editors
    assert experiment_to_json(window.document.experiment) == original
    assert not window.isWindowModified()


def test_more_settings_reach_the_document(qtbot, make_window):
    window = make_window()
    settings = window.inspector.settings
    settings.full_batch.setChecked(True)
    assert window.document.experiment.training.batch_size == "full"
    assert not settings.batch_editor.isEnabled()
    settings.train_spin.setValue(80)
    split = window.document.experiment.data.split
    assert (split.train, split.val) == (0.8, 0.15) and abs(split.test - 0.05) < 1e-9
    settings.early_group.check.setChecked(True)
    assert window.document.experiment.training.early_stopping.patience == 10
    settings.early_patience.spin.setValue(4)
    assert window.document.experiment.training.early_stopping.patience == 4
    scheduler = settings.scheduler_editor.combo
    scheduler.setCurrentIndex(scheduler.findData("StepLR"))
    assert window.document.experiment.training.scheduler.type == "StepLR"
    assert settings.schedule_extra.isVisibleTo(settings)
    settings.init_editor.combo.setCurrentIndex(settings.init_editor.combo.findData("kaiming"))
    assert window.document.experiment.model.init == "kaiming"
    settings.name_edit.setText("My XOR")
    settings.name_edit.editingFinished.emit()
    assert window.document.experiment.name == "My XOR" and "My XOR" in window.windowTitle()
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert settings.name_edit.text() == "XOR needs a hidden layer"
    assert not settings.full_batch.isChecked() and not settings.early_group.check.isChecked()


def test_save_and_open_round_trip(tmp_path, make_window):
    window = make_window()
    window.inspector.settings.epochs_editor.spin.setValue(77)
    assert window.isWindowModified()
    path = tmp_path / "lesson.json"
    assert window.save_as(path)
    assert path.is_file() and not window.isWindowModified()
    assert "lesson.json" in window.windowTitle()
    saved = experiment_to_json(window.document.experiment)
    window.inspector.settings.epochs_editor.spin.setValue(5)
    assert window.isWindowModified()
    window.undo_stack.undo()
    assert not window.isWindowModified()  # back at the saved state
    other = make_window()
    assert other.open_file(path)
    assert experiment_to_json(other.document.experiment) == saved
    assert other.document.path == path.resolve() and not other.isWindowModified()
    assert load_experiment(path).training.epochs == 77


def test_broken_file_is_reported_and_changes_nothing(tmp_path, make_window, monkeypatch):
    window = make_window()
    before = experiment_to_json(window.document.experiment)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "nn-playground.experiment", "version": 1, "name": ', encoding="utf-8")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append((title, text)))
    )
    assert not window.open_file(broken)
    assert len(shown) == 1 and "broken.json" in shown[0][0] and "not valid JSON" in shown[0][1]
    assert experiment_to_json(window.document.experiment) == before and window.document.path is None
    invalid = tmp_path / "invalid.json"
    data = json.loads((PRESETS / "xor.json").read_text(encoding="utf-8"))
    data["training"]["epochs"] = 0
    data["training"]["batch_size"] = 0
    invalid.write_text(json.dumps(data), encoding="utf-8")
    assert not window.open_file(invalid)
    assert "2 problems" in shown[1][1] and "training.epochs" in shown[1][1] and "training.batch_size" in shown[1][1]
    assert experiment_to_json(window.document.experiment) == before


def test_save_failure_is_reported(tmp_path, make_window, monkeypatch):
    window = make_window()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append(text)))
    window.inspector.settings.epochs_editor.spin.setValue(7)
    assert not window.save_as(tmp_path / "missing" / "folder" / "x.json")
    assert shown and "not saved" in shown[0]
    assert window.isWindowModified()


def test_unsaved_changes_prompt_on_new(tmp_path, make_window, monkeypatch):
    window = make_window()
    window.inspector.settings.epochs_editor.spin.setValue(9)
    answers = []

    def answer(button):
        def question(parent, title, text, buttons=None, default=None):
            answers.append(text)
            return button

        return staticmethod(question)

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    assert not window.new_experiment()
    assert window.document.experiment.training.epochs == 9 and window.isWindowModified()
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    assert window.new_experiment()
    new = window.document.experiment  # empty: an input on a 2-D dataset, no lesson of a preset
    assert [node.type for node in new.model.nodes] == ["Input"] and not new.model.edges
    assert new.name == "Untitled experiment" and new.description == "" and not window.isWindowModified()
    assert window.undo_stack.count() == 0
    window.inspector.settings.epochs_editor.spin.setValue(11)
    window.document.path = tmp_path / "kept.json"
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Save))
    assert window.new_experiment()
    assert load_experiment(tmp_path / "kept.json").training.epochs == 11
    assert len(answers) == 3
    closed = []
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    window.inspector.settings.epochs_editor.spin.setValue(12)
    window.closing.connect(lambda: closed.append(True))
    assert not window.close() and not closed  # Quit with unsaved changes: Cancel keeps the window


def test_recent_files_geometry_and_layout_persist(tmp_path, make_window):
    first = make_window()
    first.resize(760, 560)  # fits the offscreen screen (800x600): restoreGeometry keeps it on screen
    first.docks["code"].hide()
    first.set_theme("dark")
    assert first.save_as(tmp_path / "a.json")
    assert first.save_as(tmp_path / "b.json")
    first.close()
    assert AppSettings().recent_files()[:2] == [
        str((tmp_path / "b.json").resolve()),
        str((tmp_path / "a.json").resolve()),
    ]
    second = make_window()
    assert second.size() == QSize(760, 560)
    assert second.docks["code"].isHidden() and not second.docks["summary"].isHidden()
    assert second._theme_actions["dark"].isChecked()
    labels = [action.text() for action in second.recent_menu.actions()]
    assert any("b.json" in label for label in labels) and any("a.json" in label for label in labels)
    recent = next(action for action in second.recent_menu.actions() if "a.json" in action.text())
    recent.trigger()
    assert second.document.path == (tmp_path / "a.json").resolve()


def test_new_from_preset_lists_the_lessons_in_course_order_and_opens_the_lesson(make_window):
    window = make_window()
    window._fill_preset_menu()
    assert window.preset_menu.title().replace("&", "") == "New from Preset"
    names = [action.text() for action in window.preset_menu.actions()]
    assert names.index("XOR needs a hidden layer") < names.index("Spiral: depth bends the boundary")
    assert names[0] == "A single neuron learns AND"  # the first lesson: the perceptron
    window.docks["code"].raise_()
    spiral = next(action for action in window.preset_menu.actions() if action.text().startswith("Spiral"))
    spiral.trigger()
    assert window.document.experiment.data.dataset == "spiral"
    assert window.document.path is None and "Untitled" in window.windowTitle()
    assert not window.docks["lesson"].visibleRegion().isEmpty()  # the lesson tab is in front
    assert window.docks["code"].visibleRegion().isEmpty()


def test_autosave_and_recovery(make_window):
    window = make_window()
    assert window.autosaver is not None and not window.autosaver.write_now()  # nothing unsaved yet
    window.inspector.settings.epochs_editor.spin.setValue(42)
    assert window.autosaver.write_now()
    copies = list(recovery_dir().glob(f"*/{EXPERIMENT_FILE}"))
    assert len(copies) == 1 and load_experiment(copies[0]).training.epochs == 42
    assert find_recoveries() == []  # the live window holds its slot
    window.autosaver.abandon()  # what a crash leaves behind
    restored = make_window()
    asked = []
    assert restored.check_recovery(ask=lambda recovery: asked.append(recovery) or "restore")
    assert len(asked) == 1 and asked[0].original_path is None
    assert restored.document.experiment.training.epochs == 42
    assert restored.isWindowModified()
    assert find_recoveries() == []  # the old slot is gone; the restoring window keeps its own copy
    assert restored.autosaver.has_copy()


def test_clean_save_and_close_remove_the_recovery_copy(tmp_path, make_window):
    window = make_window()
    window.inspector.settings.epochs_editor.spin.setValue(13)
    assert window.autosaver.write_now() and window.autosaver.has_copy()
    assert window.save_as(tmp_path / "saved.json")
    assert not window.autosaver.has_copy()
    window.inspector.settings.epochs_editor.spin.setValue(14)
    assert window.autosaver.write_now()
    window.close_discarding()
    assert list(recovery_dir().glob(f"*/{EXPERIMENT_FILE}")) == []


def test_discarded_recovery_is_deleted(make_window):
    window = make_window()
    window.inspector.settings.epochs_editor.spin.setValue(21)
    assert window.autosaver.write_now()
    window.autosaver.abandon()
    other = make_window()
    assert not other.check_recovery(ask=lambda recovery: "keep")
    assert len(find_recoveries()) == 1
    assert not other.check_recovery(ask=lambda recovery: "discard")
    assert find_recoveries() == []


def test_export_python(tmp_path, make_window):
    window = make_window()
    out = tmp_path / "model.py"
    assert window.export_model("python", out)
    assert "class XORNeedsAHiddenLayer(nn.Module)" in out.read_text(encoding="utf-8")


def test_an_export_runs_while_the_window_keeps_serving_events(tmp_path, make_window, monkeypatch):
    """The export works in a thread: here it can only finish if the GUI thread's event loop runs a
    timer meanwhile (a frozen window would leave it waiting, and the export would fail)."""
    import threading

    from PySide6.QtCore import QTimer

    import playground.core.export as exporter

    window = make_window()
    served = threading.Event()
    seen_threads = []

    def slow_export(experiment, fmt, path, base_dir=None):
        seen_threads.append(threading.current_thread() is threading.main_thread())
        if not served.wait(10):
            raise RuntimeError("the window did not serve its events during the export")
        Path(path).write_text("# exported")
        return None

    monkeypatch.setattr(exporter, "export", slow_export)
    QTimer.singleShot(50, served.set)
    assert window.export_model("python", tmp_path / "slow.py")
    assert seen_threads == [False] and (tmp_path / "slow.py").read_text() == "# exported"


def test_export_of_invalid_model_is_refused(tmp_path, make_window, monkeypatch):
    window = make_window()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append(text)))
    node_editor(window, "logits", "out_features").spin.setValue(5)
    assert not window.export_model("onnx", tmp_path / "m.onnx")
    assert shown and "problem" in shown[0] and not (tmp_path / "m.onnx").exists()


def test_layer_reference_lists_every_layer(make_window):
    from playground.core.catalogue import LAYERS

    window = make_window()
    dialog = window.show_layer_reference()
    text = dialog.browser.toPlainText()
    assert all(name in text for name in LAYERS)
    assert "y = x·Wᵀ + b" in text
    dialog.search.setText("Conv2d")
    assert "Linear" not in dialog.browser.toPlainText().replace("Conv", "")
    dialog.close()


def test_lesson_edit_is_one_undo_step(make_window):
    window = make_window()
    lesson = window.lesson_view
    lesson.edit_button.setChecked(True)
    lesson.source.setPlainText("# New lesson\n\nTry **this**.")
    lesson.edit_button.setChecked(False)
    assert window.document.experiment.description.startswith("# New lesson")
    assert "Try this." in lesson.browser.toPlainText()
    window.undo_stack.undo()
    assert "XOR" in lesson.browser.toPlainText()


def test_dataset_problem_is_shown_clearly(qapp, make_window):
    window = make_window()
    settings = window.inspector.settings
    settings.dataset_combo.setCurrentIndex(settings.dataset_combo.findData("csv", Qt.ItemDataRole.UserRole))
    assert window.document.report_error
    window.flush_views()
    assert window.model_status_text().startswith("⚠ dataset:")
    assert "dataset cannot be loaded" in window.code_view.text()
    assert "⚠" in settings.dataset_facts.text()
    path_editor = settings._dataset_form.editors["path"]
    qapp.processEvents()  # widgets added to a shown form appear on the next event-loop turn
    assert path_editor.browse_button.isVisibleTo(settings)
    window.undo_stack.undo()
    assert window.document.report_error is None and window.model_status_text().startswith("✓")


def test_view_menu_toggles_panels(make_window):
    window = make_window()
    window.action("show_summary").trigger()
    assert window.docks["summary"].isHidden()
    window.action("show_summary").trigger()
    assert not window.docks["summary"].isHidden()


def test_edit_actions_drive_the_canvas(make_window):
    from PySide6.QtGui import QKeySequence

    window = make_window()
    assert window.action("save").shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert window.action("undo").shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert window.action("duplicate").shortcut() == QKeySequence("Ctrl+D")
    window.editor.select_nodes(["act"])
    window.action("delete").trigger()
    assert not window.document.has_node("act") and window.isWindowModified()
    window.action("undo").trigger()
    assert window.document.has_node("act") and not window.isWindowModified()
    window.action("select_all").trigger()
    assert sorted(window.editor.selected_node_ids()) == sorted(window.document.experiment.node_ids())
    assert "4 layers selected" in window.inspector.multiple_label.text()
    window.editor.select_nodes(["act"])
    window.action("duplicate").trigger()
    assert len(window.document.experiment.model.nodes) == 5
    window.action("redo").trigger()  # nothing to redo after a new edit
    window.action("undo").trigger()
    assert len(window.document.experiment.model.nodes) == 4


@pytest.mark.parametrize("path", sorted(PRESETS.glob("*.json")), ids=lambda p: p.stem)
def test_every_preset_opens_and_renders_without_a_qt_warning(make_window, path):
    """qt_log_level_fail = WARNING in pyproject.toml turns any Qt warning here into a failure."""
    window = make_window(load_experiment(path), path)
    window.resize(1400, 900)
    window.flush_views()
    report = window.document.report()
    assert report is not None and report.valid
    assert window.windowTitle().startswith(path.name) or path.name in window.windowTitle()
    image = window.grab().toImage()
    assert image.width() == 1400 and not image.isNull()
    assert len(window.editor.scene().items()) > len(report.nodes)


def test_train_from_the_window_shows_the_live_views_and_closing_mid_run_stops_the_thread(make_window, qtbot):
    window = make_window(load_experiment(PRESETS / "spiral.json"), PRESETS / "spiral.json")
    window.training.train_action.trigger()
    qtbot.waitUntil(lambda: window.training.state() == "running", timeout=10_000)
    assert window.workspace.currentIndex() == 1  # the Training tab came forward
    assert not window.docks["layers"].isVisible() and window.docks["inspector"].isVisible()
    assert window.editor.is_read_only()
    qtbot.waitUntil(lambda: window.training_panel.loss_plot.step_count() > 0, timeout=20_000)
    window.close_discarding()  # mid-run: the conftest fixture fails the test if a thread survives
    assert window.training.state() != "running"


def test_compare_tab_takes_the_window_and_gives_the_docks_back(make_window):
    window = make_window()
    assert window.docks["inspector"].isVisible()
    window.workspace.setCurrentIndex(2)
    assert not any(dock.isVisible() for dock in window.docks.values())
    window.workspace.setCurrentIndex(0)
    assert window.docks["inspector"].isVisible() and window.docks["layers"].isVisible()


def test_a_narrow_window_gives_the_training_tab_the_side_panels_room(make_window):
    """At 1024 px the Training tab folds every dock away (its plots need the width), a wider window
    brings the inspector back, and the Network tab gets all of them back."""
    window = make_window()
    window.resize(1024, 700)
    window.show()
    window.workspace.setCurrentIndex(1)
    assert not any(dock.isVisible() for dock in window.docks.values())
    panel_width = window.training_panel.width()
    window.resize(1400, 900)
    assert window.docks["inspector"].isVisible() and not window.docks["layers"].isVisible()
    window.resize(1024, 700)
    assert not window.docks["inspector"].isVisible()
    assert window.training_panel.width() >= panel_width
    window.workspace.setCurrentIndex(0)
    assert all(window.docks[key].isVisible() for key in ("layers", "inspector", "lesson"))


def test_the_compare_tab_fits_a_1024_pixel_window_without_scrolling_sideways(make_window, qtbot):
    window = make_window()
    window.resize(1024, 700)
    window.show()
    window.show_tab("compare")
    panel = window.compare_panel
    for index in range(panel.count()):
        panel.setCurrentIndex(index)  # each page built as it is shown
        qtbot.wait(10)
    area = window.workspace.currentWidget()
    assert panel.minimumSizeHint().width() <= area.viewport().width(), panel.minimumSizeHint()
    assert not area.horizontalScrollBar().isVisible()


def test_a_finished_run_lands_in_the_run_history(make_window, qtbot):
    window = make_window(load_experiment(PRESETS / "and_gate.json"), PRESETS / "and_gate.json")
    window.training.start(epochs=3)
    qtbot.waitUntil(lambda: window.training.state() == "finished", timeout=30_000)
    qtbot.waitUntil(lambda: len(window.compare_panel.history) == 1, timeout=5_000)
