"""Fork a run from a kept epoch (or rewind it to its initial weights) with changed training
settings: the optimizer and its learning rate and weight decay, the LR schedule, the L1 penalty
and the number of epochs.

The editors are the settings inspector's (the optimizers and schedules come from the catalogue,
their parameters from its declarations), so the dialog offers exactly what an experiment may
say. It returns the changed `TrainingSpec`; the window starts the fork with it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from playground.core.catalogue.training import OPTIMIZERS, SCHEDULERS
from playground.core.catalogue.training_fields import EPOCHS, L1
from playground.core.experiment.schema import ComponentSpec, SchedulerSpec, TrainingSpec
from playground.ui import theme
from playground.ui.inspector.param_editors import FloatEditor, IntEditor, format_value, new_form
from playground.ui.inspector.schedule_extras import ScheduleExtras
from playground.ui.inspector.settings_inspector import ComponentEditor


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"optimizer.params.lr": 0.01, ...}: the settings as dotted names."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flat(item, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): value}


class ForkDialog(QDialog):
    """Change a run's training settings before forking it from `epoch` (0 with `rewind`)."""

    def __init__(
        self, training: TrainingSpec, epoch: int, parent: QWidget | None = None, *, rewind: bool = False
    ) -> None:
        super().__init__(parent)
        self.original = training.model_copy(deep=True)
        self._training = training.model_copy(deep=True)
        self.epoch = 0 if rewind else max(0, int(epoch))
        self.rewind = rewind
        if self._training.epochs <= self.epoch:  # a fork trains at least one epoch past its start
            self._training = self._training.model_copy(update={"epochs": self.epoch + 1})
        if rewind:
            self.setWindowTitle(self.tr("Rewind to the start"))
            intro = self.tr(
                "The new run starts from this run's initial weights and sees the same batches, so any "
                "difference comes from the settings you change here."
            )
        else:
            self.setWindowTitle(self.tr("Fork from epoch {epoch}").format(epoch=self.epoch))
            intro = self.tr(
                "The new run starts from the weights, optimizer state and batch order of epoch {epoch} "
                "and trains on with the settings below. This run stays as it is."
            ).format(epoch=self.epoch)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = new_form()
        self.form = form
        layout.addLayout(form)

        self.optimizer_editor = ComponentEditor(OPTIMIZERS, self)
        self.optimizer_editor.edited.connect(self._on_optimizer_edited)
        form.addRow(self.tr("Optimizer"), self.optimizer_editor.combo)
        form.addRow(self.optimizer_editor)
        self.scheduler_editor = ComponentEditor(SCHEDULERS, self, allow_none=True, none_text=self.tr("None (constant)"))
        self.scheduler_editor.edited.connect(self._on_scheduler_edited)
        form.addRow(self.tr("LR schedule"), self.scheduler_editor.combo)
        form.addRow(self.scheduler_editor)
        self.schedule_extra = ScheduleExtras(self)
        self.schedule_extra.field_committed.connect(self._on_scheduler_field)
        self.interval_editor = self.schedule_extra.interval_editor
        self.warmup_editor = self.schedule_extra.warmup_editor
        form.addRow(self.schedule_extra)
        self.l1_editor = FloatEditor(L1, self)
        self.l1_editor.committed.connect(lambda value: self._update({"l1": value}))
        form.addRow(self.tr("L1 penalty"), self.l1_editor)
        epochs = dataclasses.replace(EPOCHS, minimum=max(1, self.epoch + 1), default=self._training.epochs)
        self.epochs_editor = IntEditor(epochs, self)
        self.epochs_editor.committed.connect(lambda value: self._update({"epochs": value}))
        form.addRow(self.tr("Epochs"), self.epochs_editor)

        self.changes = QLabel(self)
        self.changes.setWordWrap(True)
        self.changes.setObjectName("forkChanges")
        layout.addWidget(self.changes)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setObjectName("forkProblem")
        layout.addWidget(self.problem)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.accept_button = self.buttons.addButton(
            self.tr("Rewind") if rewind else self.tr("Fork"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.accept_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        theme.notifier().changed.connect(self._apply_colors)
        self.setMinimumWidth(460)
        self._show()

    # ---- the result ----------------------------------------------------------------------------
    def training(self) -> TrainingSpec:
        """The training settings as the user left them (a copy)."""
        return self._training.model_copy(deep=True)

    def changed_settings(self) -> dict[str, tuple[Any, Any]]:
        """{dotted name: (before, after)} for every setting the user changed."""
        before = _flat(_collapsed(self.original.model_dump(mode="json"), self._training.scheduler is None))
        after = _flat(_collapsed(self._training.model_dump(mode="json"), self.original.scheduler is None))
        return {
            name: (before.get(name), after.get(name))
            for name in [*before, *[n for n in after if n not in before]]
            if before.get(name) != after.get(name)
        }

    @classmethod
    def ask(
        cls, parent: QWidget | None, training: TrainingSpec, epoch: int, *, rewind: bool = False
    ) -> TrainingSpec | None:
        """Show the dialog; the changed settings, or None when the user cancels."""
        dialog = cls(training, epoch, parent, rewind=rewind)
        try:
            return dialog.training() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    # ---- editing -------------------------------------------------------------------------------
    def _update(self, update: dict[str, Any]) -> None:
        self._training = self._training.model_copy(deep=True, update=update)
        self._show()

    def _on_optimizer_edited(self, spec: ComponentSpec, _field: str) -> None:
        self._update({"optimizer": spec})

    def _on_scheduler_edited(self, spec: ComponentSpec | None, _field: str) -> None:
        current = self._training.scheduler
        if spec is None:
            scheduler = None
        elif isinstance(spec, SchedulerSpec):
            scheduler = spec
        else:
            scheduler = SchedulerSpec(
                type=spec.type,
                params=spec.params,
                interval=current.interval if current else "epoch",
                warmup_steps=current.warmup_steps if current else 0,
            )
        self._update({"scheduler": scheduler})

    def _on_scheduler_field(self, name: str, value: Any) -> None:
        current = self._training.scheduler
        if current is not None:
            self._update({"scheduler": current.model_copy(update={name: value})})

    # ---- showing -------------------------------------------------------------------------------
    def _show(self) -> None:
        training = self._training
        self.optimizer_editor.set_spec(training.optimizer)
        self.scheduler_editor.set_spec(training.scheduler)
        self.form.setRowVisible(self.scheduler_editor, training.scheduler is not None)
        self.form.setRowVisible(self.schedule_extra, training.scheduler is not None)
        self.schedule_extra.show_scheduler(training.scheduler)
        self.l1_editor.set_value(training.l1)
        self.epochs_editor.set_value(training.epochs)
        changed = self.changed_settings()
        if changed:
            parts = [
                self.tr("{name}: {before} → {after}").format(
                    name=name.replace(".params.", "."), before=_shown(before), after=_shown(after)
                )
                for name, (before, after) in changed.items()
            ]
            self.changes.setText(self.tr("Changed: {changes}").format(changes="; ".join(parts)))
        elif self.rewind:
            self.changes.setText(self.tr("The same settings: the new run will repeat this one exactly."))
        else:
            self.changes.setText(self.tr("The same settings: the new run will continue exactly as this one did."))
        declared = OPTIMIZERS.get(training.optimizer.type)
        problems = declared.rule_problems(training.optimizer.params) if declared is not None else []
        self.problem.setText("\n".join(message for _name, message in problems))
        self.problem.setVisible(bool(problems))
        self.accept_button.setEnabled(not problems)
        self._apply_colors()
        self._fit()
        QTimer.singleShot(0, self._fit)  # once the rows shown or hidden have been laid out

    def _fit(self) -> None:
        """Grow to show every row at its full height (rows appear with a schedule or another optimizer)."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        hint = self.sizeHint()
        if self.height() < hint.height() or self.width() < hint.width():
            self.resize(max(self.width(), hint.width()), max(self.height(), hint.height()))

    def _apply_colors(self, *_args: object) -> None:
        colors = theme.colors()
        self.changes.setStyleSheet(f"color: {colors.muted_text};")
        self.problem.setStyleSheet(f"color: {colors.error};")


def _collapsed(settings: dict[str, Any], other_has_none: bool) -> dict[str, Any]:
    """A schedule switched on or off is one change ("scheduler: — → StepLR"), not one per field."""
    scheduler = settings.get("scheduler")
    if other_has_none and isinstance(scheduler, dict):
        return {**settings, "scheduler": scheduler.get("type")}
    return settings


def _shown(value: Any) -> str:
    return "—" if value is None else format_value(value)
