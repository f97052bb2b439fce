"""The settings inspector's Augmentation group: it shows the augmentations that suit the dataset,
ticking one puts it into the experiment as one undoable step, and "Preview augmentation…" shows a
grid of augmented training images (a scatter of jittered points for 2-D data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QCheckBox

from playground.core.document import ExperimentDocument
from playground.core.experiment import load_experiment
from playground.core.experiment.schema import Augmentation
from playground.ui import theme
from playground.ui.inspector.settings_inspector import SettingsInspector

PRESETS = Path(__file__).resolve().parents[2] / "presets"
SHOTS = Path("/tmp/shots")


def make_inspector(qtbot, preset: str, augmentation: Augmentation | None = None):
    experiment = load_experiment(PRESETS / f"{preset}.json")
    experiment.data.augmentation = augmentation
    document = ExperimentDocument(experiment, PRESETS / f"{preset}.json")
    undo = QUndoStack()
    inspector = SettingsInspector(document, undo)
    undo.setParent(inspector)
    qtbot.addWidget(inspector)
    inspector.resize(420, 1400)
    inspector.show()
    qtbot.waitExposed(inspector)
    return inspector, document, undo


def tick(qtbot, check: QCheckBox) -> None:
    """Click the checkbox's box, as the user does."""
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))


def shown_rows(inspector: SettingsInspector) -> list[str]:
    editor = inspector.augmentation_editor
    return [name for name, row in editor.rows.items() if row.check.isVisibleTo(inspector)]


def test_ticking_an_augmentation_puts_it_into_the_experiment_and_undo_takes_it_out(qtbot) -> None:
    inspector, document, undo = make_inspector(qtbot, "resnet_block_digits")
    editor = inspector.augmentation_editor
    assert shown_rows(inspector) == ["flip", "crop_padding", "rotation", "noise"]  # images: no jitter
    rotate = editor.rows["rotation"]
    assert not rotate.check.isChecked() and not rotate.amount.isEnabled()
    assert not editor.preview_button.isEnabled()  # nothing to preview yet

    tick(qtbot, rotate.check)
    assert document.experiment.data.augmentation == Augmentation(rotation=15.0)
    assert rotate.check.isChecked() and rotate.amount.isEnabled()
    assert editor.preview_button.isEnabled()

    line = rotate.amount.spin.lineEdit()  # type another angle: it merges with the tick into one step
    line.selectAll()
    qtbot.keyClicks(line, "25")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert document.experiment.data.augmentation == Augmentation(rotation=25.0)
    assert rotate.amount.spin.text().endswith("°")

    tick(qtbot, editor.rows["flip"].check)  # another augmentation: its own step
    assert document.experiment.data.augmentation == Augmentation(rotation=25.0, flip=True)

    undo.undo()
    assert document.experiment.data.augmentation == Augmentation(rotation=25.0)
    assert not editor.rows["flip"].check.isChecked()
    undo.undo()
    assert document.experiment.data.augmentation is None
    assert not rotate.check.isChecked() and not rotate.amount.isEnabled()
    undo.redo()
    assert document.experiment.data.augmentation == Augmentation(rotation=25.0)
    assert rotate.check.isChecked() and rotate.amount.value() == 25.0

    tick(qtbot, rotate.check)  # off again: no augmentation at all, not an empty one
    assert document.experiment.data.augmentation is None


def test_points_offer_only_jitter(qtbot) -> None:
    inspector, document, _undo = make_inspector(qtbot, "xor")
    assert shown_rows(inspector) == ["jitter"]
    tick(qtbot, inspector.augmentation_editor.rows["jitter"].check)
    assert document.experiment.data.augmentation == Augmentation(jitter=0.1)


def test_an_augmentation_that_does_not_suit_the_data_stays_shown_until_turned_off(qtbot) -> None:
    inspector, document, _undo = make_inspector(qtbot, "xor", Augmentation(flip=True))
    editor = inspector.augmentation_editor
    assert shown_rows(inspector) == ["flip", "jitter"]
    assert theme.colors().error in editor.rows["flip"].check.styleSheet()
    assert any(issue.path == "data.augmentation.flip" for issue in document.report().errors)
    assert not editor.preview_button.isEnabled()
    tick(qtbot, editor.rows["flip"].check)
    assert document.experiment.data.augmentation is None
    assert shown_rows(inspector) == ["jitter"]
    assert not [issue for issue in document.report().errors if issue.path.startswith("data.augmentation")]


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_the_preview_shows_a_grid_of_augmented_training_images(qtbot, qapp, theme_name) -> None:
    theme.apply_theme(theme_name, qapp)
    try:
        inspector, _document, _undo = make_inspector(
            qtbot, "resnet_block_digits", Augmentation(crop_padding=1, rotation=15.0, noise=0.2)
        )
        editor = inspector.augmentation_editor
        qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
        dialog = editor.preview_dialog
        assert dialog is not None
        qtbot.waitExposed(dialog)
        preview = dialog.preview
        assert preview.grid_shape() == (4, 7)  # 4 training images, each with 6 augmented versions
        first = [image.copy() for image in preview._rows[0]]
        assert first[1] != first[0] and first[1] != first[2]  # the versions differ from the original and each other
        SHOTS.mkdir(exist_ok=True)
        editor.grab().save(str(SHOTS / f"augmentation_group_{theme_name}.png"))
        dialog.grab().save(str(SHOTS / f"augmentation_preview_{theme_name}.png"))
        qtbot.mouseClick(dialog.again_button, Qt.MouseButton.LeftButton)
        assert preview.grid_shape() == (4, 7)
        assert preview._rows[0][0] != first[0] or preview._rows[0][1] != first[1]  # other samples or other draws
        dialog.close()
    finally:
        theme.apply_theme("light", qapp)


def test_the_preview_of_points_scatters_the_jittered_copies(qtbot) -> None:
    inspector, _document, _undo = make_inspector(qtbot, "xor", Augmentation(jitter=0.2))
    editor = inspector.augmentation_editor
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    dialog = editor.preview_dialog
    qtbot.waitExposed(dialog)
    assert dialog.preview.point_counts() == (60, 360)
    assert dialog.preview.grid_shape() == (0, 0)
    assert "60 training samples" in dialog.explanation.text()
    dialog.grab().save(str(SHOTS / "augmentation_preview_points.png"))
    dialog.close()
