"""A lesson's hidden controls: what the teacher hides from students, the dialog to pick it, unlock.

The experiment's `classroom` (saved with the file) names the docks, settings groups, palette
categories and toolbar actions a student does not see. `ClassroomControls` applies it to the
window whenever the document changes, the hidden docks' View toggles are disabled (locked) too,
and View ▸ Show All Controls unlocks everything for this session, without changing the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from playground.core.catalogue.layer_type import CATEGORIES, category_label
from playground.core.experiment.schema import Classroom

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

# The controls a lesson can hide, by the names the file uses for them.
DOCKS = ("layers", "inspector", "lesson", "code", "summary")
INSPECTOR_GROUPS = ("experiment", "data", "training", "model")
TOOLBAR_ACTIONS = ("train", "step", "step_epoch", "stop", "reset")
FIELDS = {
    "hidden_docks": DOCKS,
    "hidden_inspector_groups": INSPECTOR_GROUPS,
    "hidden_palette_categories": CATEGORIES,
    "hidden_actions": TOOLBAR_ACTIONS,
}


def group_titles() -> dict[str, str]:
    """Each field's heading in the dialog."""
    return {
        "hidden_docks": QCoreApplication.translate("Classroom", "Panels"),
        "hidden_inspector_groups": QCoreApplication.translate("Classroom", "Settings groups"),
        "hidden_palette_categories": QCoreApplication.translate("Classroom", "Layer categories"),
        "hidden_actions": QCoreApplication.translate("Classroom", "Training buttons"),
    }


def unknown_names(classroom: Classroom) -> list[str]:
    """Names in the file that no control has (a newer app's, or a typing slip), for a warning."""
    return [name for field, known in FIELDS.items() for name in getattr(classroom, field) if name not in known]


class ClassroomControls(QObject):
    """Applies the experiment's hidden controls to the window, and the session's unlock."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.unlocked = False
        self._docks_hidden: set[str] = set()

    def classroom(self) -> Classroom | None:
        return self.window.document.experiment.classroom

    def hides_anything(self) -> bool:
        classroom = self.classroom()
        return classroom is not None and classroom.hides_anything()

    def set_unlocked(self, unlocked: bool) -> None:
        self.unlocked = unlocked
        self.apply()

    def hidden(self, field: str) -> set[str]:
        """What the lesson hides now in one field (nothing while unlocked)."""
        classroom = self.classroom()
        if classroom is None or self.unlocked:
            return set()
        return set(getattr(classroom, field))

    def apply(self) -> None:
        """Show the window as the lesson wants it: hidden controls hidden, their toggles locked."""
        window = self.window
        docks = self.hidden("hidden_docks")
        for key in DOCKS:
            toggle = window.action(f"show_{key}")
            if key in docks:
                window.docks[key].hide()
                toggle.setEnabled(False)
            else:
                toggle.setEnabled(True)
                if key in self._docks_hidden:  # hidden by the lesson before: back as it was
                    window.docks[key].show()
        self._docks_hidden = docks
        groups = self.hidden("hidden_inspector_groups")
        for name, box in window.inspector.settings.group_boxes().items():
            box.setVisible(name not in groups)
        window.palette_widget.set_hidden_categories(self.hidden("hidden_palette_categories"))
        actions = self.hidden("hidden_actions")
        for name in TOOLBAR_ACTIONS:
            getattr(window.training, f"{name}_action").setVisible(name not in actions)
        unlock = window.action("unlock_controls")
        unlock.setEnabled(self.hides_anything())
        with_blocked = unlock.blockSignals(True)
        unlock.setChecked(self.unlocked)
        unlock.blockSignals(with_blocked)

    def dock_locked(self, key: str) -> bool:
        return key in self._docks_hidden


class ClassroomDialog(QDialog):
    """The teacher ticks what students see; unticked controls are hidden by the lesson."""

    def __init__(self, classroom: Classroom | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("classroomDialog")
        self.setWindowTitle(QCoreApplication.translate("Classroom", "Controls Students See"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            QCoreApplication.translate(
                "Classroom",
                "Untick what this lesson hides from students. The choice is saved in the experiment file; "
                "View ▸ Show All Controls brings everything back for one session.",
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        labels = self._labels()
        self.boxes: dict[str, dict[str, QCheckBox]] = {}
        grid = QGridLayout()
        for column, (field, names) in enumerate(FIELDS.items()):
            group = QGroupBox(group_titles()[field], self)
            group.setObjectName(f"classroom_{field}")
            group_layout = QVBoxLayout(group)
            hidden = set(getattr(classroom, field)) if classroom is not None else set()
            self.boxes[field] = {}
            for name in names:
                box = QCheckBox(labels.get(name, name).replace("&", "&&"), group)  # "&" is no shortcut here
                box.setObjectName(f"classroom_{field}_{name}")
                box.setChecked(name not in hidden)
                group_layout.addWidget(box)
                self.boxes[field][name] = box
            group_layout.addStretch(1)
            grid.addWidget(group, 0, column, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(grid)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.setText(QCoreApplication.translate("Classroom", "Show Everything"))
        restore.clicked.connect(self._on_show_everything)
        layout.addWidget(buttons)

    @staticmethod
    def _labels() -> dict[str, str]:
        return {
            "layers": QCoreApplication.translate("Classroom", "Layers"),
            "inspector": QCoreApplication.translate("Classroom", "Inspector"),
            "lesson": QCoreApplication.translate("Classroom", "Lesson"),
            "code": QCoreApplication.translate("Classroom", "Code"),
            "summary": QCoreApplication.translate("Classroom", "Summary"),
            "experiment": QCoreApplication.translate("Classroom", "Experiment"),
            "data": QCoreApplication.translate("Classroom", "Data"),
            "training": QCoreApplication.translate("Classroom", "Training"),
            "model": QCoreApplication.translate("Classroom", "Model"),
            "train": QCoreApplication.translate("Classroom", "Train"),
            "step": QCoreApplication.translate("Classroom", "Step"),
            "step_epoch": QCoreApplication.translate("Classroom", "Step Epoch"),
            "stop": QCoreApplication.translate("Classroom", "Stop"),
            "reset": QCoreApplication.translate("Classroom", "Reset"),
            **{category: category_label(category) for category in CATEGORIES},
        }

    def _on_show_everything(self) -> None:
        for boxes in self.boxes.values():
            for box in boxes.values():
                box.setChecked(True)

    def classroom(self) -> Classroom | None:
        """What the ticks say, or None when nothing is hidden."""
        chosen = Classroom(
            **{
                field: [name for name, box in boxes.items() if not box.isChecked()]
                for field, boxes in self.boxes.items()
            }
        )
        return chosen if chosen.hides_anything() else None
