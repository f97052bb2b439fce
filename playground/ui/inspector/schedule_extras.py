"""The two settings every learning-rate schedule has besides its own parameters: how often it steps
(`interval`) and its linear warm-up (`warmup_steps`). Shown, indented, under the schedule's editor
in the inspector and in the fork dialog, while a schedule is chosen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from playground.core.catalogue.training_fields import INTERVAL, WARMUP
from playground.ui.inspector.param_editors import ChoiceEditor, IntEditor, new_form


class ScheduleExtras(QWidget):
    """The interval and warm-up editors of a schedule; `field_committed(name, value)` on an edit."""

    field_committed = Signal(str, object)  # "interval" or "warmup_steps", the new value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = new_form()
        form.setContentsMargins(14, 0, 0, 0)
        self.setLayout(form)
        self.interval_editor = ChoiceEditor(INTERVAL, self)
        self.interval_editor.committed.connect(lambda value: self.field_committed.emit("interval", value))
        form.addRow("interval", self.interval_editor)
        self.warmup_editor = IntEditor(WARMUP, self)
        self.warmup_editor.committed.connect(lambda value: self.field_committed.emit("warmup_steps", value))
        form.addRow("warmup_steps", self.warmup_editor)

    def show_scheduler(self, scheduler: Any) -> None:
        """Show a schedule's interval and warm-up (nothing to show without a schedule)."""
        if scheduler is not None:
            self.interval_editor.set_value(scheduler.interval)
            self.warmup_editor.set_value(scheduler.warmup_steps)
