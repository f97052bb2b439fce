"""The experiment's settings, shown when no node is selected: name, data, training, initialisation.

Each editor change builds a new `DataSpec` / `TrainingSpec` from the current one and pushes one
undo command; consecutive edits of one field merge. When the document changes (an edit, undo,
open) `refresh` shows its values again silently, rebuilding only the forms whose type changed.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel, QUndoStack
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from playground.core.catalogue.training import LOSSES, OPTIMIZERS, SCHEDULERS, ComponentType, init_help
from playground.core.catalogue.training_fields import (
    ALPHA,
    BATCH,
    CLIP_MAX,
    CLIP_MODE,
    DATA_SEED,
    DEVICE,
    EPOCHS,
    INIT,
    L1,
    MIN_DELTA,
    MONITOR,
    PATIENCE,
    RESTORE,
    SEED,
    TEACHER,
    TEACHER_EPOCHS,
    TEMPERATURE,
)
from playground.core.data import DATASET_TYPES
from playground.core.document import ExperimentDocument
from playground.core.experiment.schema import (
    ComponentSpec,
    Distillation,
    EarlyStopping,
    GradientClipping,
    KeepBest,
    SchedulerSpec,
    Split,
)
from playground.core.params import ParamError, coerce_value
from playground.ui import theme
from playground.ui.editor.commands import (
    SetDataCommand,
    SetInitCommand,
    SetLocalizedTextCommand,
    SetStartingWeightsCommand,
    SetTrainingCommand,
)
from playground.ui.i18n import current_language, language_events
from playground.ui.inspector.augmentation_editor import AugmentationEditor
from playground.ui.inspector.param_editors import (
    BoolEditor,
    ChoiceEditor,
    FloatEditor,
    IntEditor,
    NumberSpinBox,
    OptionalEditor,
    ParamForm,
    create_param_editor,
    guard_wheel,
    new_form,
)
from playground.ui.inspector.schedule_extras import ScheduleExtras
from playground.ui.subscriptions import Subscriptions


def tr(text: str) -> str:
    return QCoreApplication.translate("SettingsInspector", text)


def _file_filter(dataset: str) -> str:
    """The file dialog's filter for a dataset read from a file (empty: any file)."""
    filters = {
        "csv": QCoreApplication.translate("SettingsInspector", "CSV files (*.csv);;All files (*)"),
        "npz": QCoreApplication.translate("SettingsInspector", "NumPy archives (*.npz);;All files (*)"),
    }
    return filters.get(dataset, "")


def _name_tip() -> str:
    return QCoreApplication.translate(
        "SettingsInspector", "The experiment's title (also the class name in exported code)."
    )


NAME_FIELD_CHARS = 1_000  # a longer name shows its beginning in the name field


def _percent(share: float) -> float:
    """A split share as the percentage shown (0.123456789 → 12.3456789, without binary noise)."""
    return float(f"{share * 100:.12g}")


def _val_arrow_limit(train: float) -> float:
    """The val share's arrows stop where train + val reach 100 % (in whole percent)."""
    return float(max(0, math.floor(_percent(1.0 - train) + 1e-9)))


class PercentSpinBox(NumberSpinBox):
    """A split share in percent: whole numbers step by one, any other share shows as it is (12.5 %)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, display_decimals=0)
        self.base_range = (0.0, 100.0)  # what arrows and typing may reach; a file's value widens it

    def set_base_range(self, low: float, high: float) -> None:
        self.base_range = (low, high)
        self.setRange(low, high)

    def show_share(self, share: float) -> None:
        """Show `share` (0..1) as it is: the range widens to include it and nothing is rounded (the
        caller blocks valueChanged)."""
        value = _percent(share)
        low, high = self.base_range
        self.setRange(min(low, value), max(high, value))
        self.show_value(value)
        self.updateGeometry()  # a share like 12.345 % needs more room than the whole numbers

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # A whole percentage never gets squeezed; a long one (12.3456789) may scroll in a narrow dock.
        return super().sizeHint() if self.value().is_integer() else super().minimumSizeHint()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override: wide enough for the value shown
        hint = super().sizeHint()
        text = self.prefix() + self.textFromValue(self.value()) + self.suffix() + " "
        frame = hint.width() - self.fontMetrics().horizontalAdvance(
            self.prefix() + self.textFromValue(self.maximum()) + self.suffix() + " "
        )
        return QSize(max(hint.width(), self.fontMetrics().horizontalAdvance(text) + max(frame, 0)), hint.height())

    def _stepped(self, value: float, steps: int) -> float:
        value = math.floor(value) + steps if steps > 0 else math.ceil(value) + steps
        return min(self.maximum(), max(self.minimum(), float(value)))


def _teacher_filter() -> str:
    return QCoreApplication.translate("SettingsInspector", "Experiments (*.json)")


def _breakable(name: str) -> str:
    """A file name that may wrap after ``_``, ``.``, ``-`` and ``/`` (a word wrap never breaks inside a word)."""
    return "".join(f"{ch}\u200b" if ch in "_.-/" else ch for ch in name)


def _muted(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setObjectName("muted")
    return label


class ComponentEditor(QWidget):
    """A loss, optimizer or scheduler: a type combo, its help line and its parameters.

    The widget itself holds the help and the parameter form; `combo` is placed by the owner (beside
    its label in the settings form), so nested forms do not eat the dock's width.
    """

    edited = Signal(object, str)  # the new ComponentSpec (or None: no scheduler), the field name

    def __init__(
        self,
        catalogue: dict[str, ComponentType],
        parent: QWidget | None = None,
        *,
        allow_none: bool = False,
        none_text: str = "",
    ):
        super().__init__(parent)
        self.catalogue = catalogue
        self.spec: ComponentSpec | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 0, 0, 4)
        layout.setSpacing(4)
        self.combo = QComboBox(parent)
        guard_wheel(self.combo)
        if allow_none:
            self.combo.addItem(none_text or QCoreApplication.translate("SettingsInspector", "None"), None)
        for name in catalogue:
            self.combo.addItem(name, name)
        self._show_tooltips()
        self.help = _muted("", self)
        layout.addWidget(self.help)
        self.form_holder = QVBoxLayout()
        self.form_holder.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form_holder)
        self.form: ParamForm | None = None
        self._form_type: str | None = None
        self.combo.currentIndexChanged.connect(self._on_type_chosen)
        # the help is the core's text, which no Qt catalogue relabels
        self._subscriptions = Subscriptions(self)
        self._subscriptions.connect(language_events().changed, self._on_language_changed)

    def _show_tooltips(self) -> None:
        """Each type's help, in the current language, as its item's tooltip."""
        for index in range(self.combo.count()):
            name = self.combo.itemData(index)
            if name in self.catalogue:
                self.combo.setItemData(index, self.catalogue[name].help_text, Qt.ItemDataRole.ToolTipRole)

    def _on_language_changed(self, language: str) -> None:
        """Word the help line and the tooltips in the new language."""
        self._show_tooltips()
        component = self.catalogue.get(self._form_type) if self._form_type else None
        self.help.setText(component.help_text if component else "")

    def set_spec(self, spec: ComponentSpec | None) -> None:
        self.spec = spec
        name = spec.type if spec is not None else None
        with QSignalBlocker(self.combo):
            self.combo.setCurrentIndex(max(self.combo.findData(name), 0))
        self._ensure_form(name)
        if self.form is not None and spec is not None:
            self.form.set_values(spec.params)

    def _ensure_form(self, name: str | None) -> None:
        if name == self._form_type and (self.form is not None or name is None or not self.catalogue[name].params):
            return
        if self.form is not None:
            self.form.hide()
            self.form.deleteLater()
            self.form = None
        self._form_type = name
        component = self.catalogue.get(name) if name else None
        self.help.setText(component.help_text if component else "")
        self.help.setVisible(component is not None)
        if component is not None and component.params:
            self.form = ParamForm(component.params, self)
            self.form.param_committed.connect(self._on_param_committed)
            self.form_holder.addWidget(self.form)

    def _on_type_chosen(self, index: int) -> None:
        name = self.combo.itemData(index)
        if name is None:
            self.edited.emit(None, "type")
            return
        component = self.catalogue[name]
        # Keep the values the user set that the new type also takes (lr, weight_decay, ...).
        carried: dict[str, Any] = {}
        old = self.spec.params if self.spec is not None else {}
        for param in component.params:
            if param.name in old:
                try:
                    carried[param.name] = coerce_value(param, old[param.name])
                except ParamError:
                    pass
        self.edited.emit(ComponentSpec(type=name, params=carried), "type")

    def _on_param_committed(self, name: str, value: Any) -> None:
        if self.spec is None:
            return
        params = dict(self.spec.params)
        params[name] = value
        self.edited.emit(self.spec.model_copy(update={"params": params}), name)


class _OptionalGroup(QWidget):
    """A checkbox that switches an optional setting (early stopping, ...) on, with its fields below."""

    def __init__(self, text: str, tooltip: str, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.check = QCheckBox(text, self)
        self.check.setToolTip(tooltip)
        layout.addWidget(self.check)
        self.body = QWidget(self)
        self.form = new_form()
        self.form.setContentsMargins(22, 0, 0, 0)
        self.body.setLayout(self.form)
        layout.addWidget(self.body)

    def set_on(self, on: bool) -> None:
        with QSignalBlocker(self.check):
            self.check.setChecked(on)
        self.body.setVisible(on)


class SettingsInspector(QWidget):
    """Name, data, training and initialisation of the experiment."""

    def __init__(self, document: ExperimentDocument, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self._dataset_form: ParamForm | None = None
        self._dataset_form_type: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)
        self._group_boxes = {
            "experiment": self._build_experiment_box(),
            "data": self._build_data_box(),
            "training": self._build_training_box(),
            "model": self._build_model_box(),
        }
        for name, box in self._group_boxes.items():
            box.setObjectName(f"settingsGroup_{name}")
            layout.addWidget(box)
        layout.addStretch(1)
        self._apply_colors()
        theme.notifier().changed.connect(self._apply_colors)
        document.settings_changed.connect(self._on_settings_changed)
        document.reset.connect(self.refresh)
        document.changed.connect(self._refresh_dataset_facts)
        document.changed.connect(self._refresh_augmentation)
        # the datasets' names and help and the initialisations' help are the core's text
        self._subscriptions = Subscriptions(self)
        self._subscriptions.connect(language_events().changed, self._on_language_changed)
        self.refresh()

    # ---- building ------------------------------------------------------------------------------
    def group_boxes(self) -> dict[str, QGroupBox]:
        """The settings' groups by name ("experiment", "data", "training", "model"): a lesson may hide some."""
        return dict(self._group_boxes)

    def _build_experiment_box(self) -> QGroupBox:
        box = QGroupBox(QCoreApplication.translate("SettingsInspector", "Experiment"), self)
        form = new_form()
        box.setLayout(form)
        self.name_edit = QLineEdit(box)
        self.name_edit.setToolTip(_name_tip())
        self._shown_name = ""  # the text the field shows for the document's name
        self.name_edit.editingFinished.connect(self._on_name_edited)
        form.addRow(QCoreApplication.translate("SettingsInspector", "Name"), self.name_edit)
        hint = _muted(
            QCoreApplication.translate(
                "SettingsInspector",
                "Select a layer on the canvas to edit it; click the empty canvas to come back here.",
            ),
            box,
        )
        form.addRow(hint)
        return box

    def _build_data_box(self) -> QGroupBox:
        box = QGroupBox(QCoreApplication.translate("SettingsInspector", "Data"), self)
        layout = QVBoxLayout(box)
        layout.setSpacing(6)
        form = new_form()
        layout.addLayout(form)
        self.dataset_combo = QComboBox(box)
        guard_wheel(self.dataset_combo)
        self.dataset_combo.setModel(self._dataset_model())
        self.dataset_combo.currentIndexChanged.connect(self._on_dataset_chosen)
        form.addRow(QCoreApplication.translate("SettingsInspector", "Dataset"), self.dataset_combo)
        self.dataset_help = _muted("", box)
        layout.addWidget(self.dataset_help)
        self.dataset_form_holder = QVBoxLayout()
        self.dataset_form_holder.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.dataset_form_holder)

        split_form = new_form()
        layout.addLayout(split_form)
        split_row = QHBoxLayout()
        split_row.setSpacing(6)
        self.train_spin = self._percent_spin(
            box, 5, 95, QCoreApplication.translate("SettingsInspector", "Share of the samples the model learns from.")
        )
        self.val_spin = self._percent_spin(
            box,
            0,
            90,
            QCoreApplication.translate(
                "SettingsInspector", "Share used to watch for overfitting (early stopping, keep best)."
            ),
        )
        self.test_label = QLabel(box)
        self.test_label.setToolTip(
            QCoreApplication.translate("SettingsInspector", "Held out until the end: the rest of the samples.")
        )
        self.train_spin.setSuffix(QCoreApplication.translate("SettingsInspector", " % train"))
        self.val_spin.setSuffix(QCoreApplication.translate("SettingsInspector", " % val"))
        split_row.addWidget(self.train_spin)
        split_row.addWidget(self.val_spin)
        split_row.addWidget(self.test_label)
        split_row.addStretch(1)
        split_form.addRow(QCoreApplication.translate("SettingsInspector", "Split"), split_row)
        self.train_spin.valueChanged.connect(lambda _value: self._on_split_edited("train"))
        self.val_spin.valueChanged.connect(lambda _value: self._on_split_edited("val"))
        self.data_seed = IntEditor(DATA_SEED, box)
        self.data_seed.committed.connect(lambda value: self._push_data({"seed": value}, "seed"))
        split_form.addRow(QCoreApplication.translate("SettingsInspector", "Data seed"), self.data_seed)
        self.dataset_facts = QLabel(box)
        self.dataset_facts.setWordWrap(True)
        self.dataset_facts.setTextFormat(Qt.TextFormat.RichText)
        self.dataset_facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.dataset_facts)
        self.augmentation_editor = AugmentationEditor(self.document, box)
        self.augmentation_editor.edited.connect(
            lambda augmentation, field: self._push_data({"augmentation": augmentation}, f"augmentation.{field}")
        )
        layout.addWidget(self.augmentation_editor)
        return box

    def _percent_spin(self, parent: QWidget, low: int, high: int, tooltip: str) -> PercentSpinBox:
        spin = PercentSpinBox(parent)
        spin.set_base_range(low, high)
        spin.setSingleStep(1.0)
        spin.setSuffix(" %")
        spin.setKeyboardTracking(False)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        spin.setSizePolicy(QSizePolicy.Policy.Preferred, spin.sizePolicy().verticalPolicy())  # may get narrower
        spin.setToolTip(tooltip)
        guard_wheel(spin)
        return spin

    def _dataset_model(self) -> QStandardItemModel:
        model = QStandardItemModel(self)
        groups: dict[str, list] = {}
        for dataset in DATASET_TYPES.values():
            groups.setdefault(dataset.group_text, []).append(dataset)
        for group, datasets in groups.items():
            header = QStandardItem(group)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            font = QFont()
            font.setBold(True)
            header.setFont(font)
            model.appendRow(header)
            for dataset in datasets:
                item = QStandardItem("    " + dataset.title_text)
                item.setData(dataset.name, Qt.ItemDataRole.UserRole)
                item.setToolTip(dataset.help_text)
                model.appendRow(item)
        return model

    def _build_training_box(self) -> QGroupBox:
        box = QGroupBox(QCoreApplication.translate("SettingsInspector", "Training"), self)
        form = new_form()
        box.setLayout(form)
        self.training_form = form
        self.loss_editor = ComponentEditor(LOSSES, box)
        self.loss_editor.edited.connect(lambda spec, field: self._push_training({"loss": spec}, f"loss.{field}"))
        form.addRow(QCoreApplication.translate("SettingsInspector", "Loss"), self.loss_editor.combo)
        form.addRow(self.loss_editor)
        self.optimizer_editor = ComponentEditor(OPTIMIZERS, box)
        self.optimizer_editor.edited.connect(
            lambda spec, field: self._push_training({"optimizer": spec}, f"optimizer.{field}")
        )
        form.addRow(QCoreApplication.translate("SettingsInspector", "Optimizer"), self.optimizer_editor.combo)
        form.addRow(self.optimizer_editor)
        self.scheduler_editor = ComponentEditor(
            SCHEDULERS,
            box,
            allow_none=True,
            none_text=QCoreApplication.translate("SettingsInspector", "None (constant)"),
        )
        self.scheduler_editor.edited.connect(self._on_scheduler_edited)
        form.addRow(QCoreApplication.translate("SettingsInspector", "LR schedule"), self.scheduler_editor.combo)
        form.addRow(self.scheduler_editor)
        self.schedule_extra = ScheduleExtras(box)
        self.schedule_extra.field_committed.connect(self._on_scheduler_field)
        self.interval_editor = self.schedule_extra.interval_editor
        self.warmup_editor = self.schedule_extra.warmup_editor
        form.addRow(self.schedule_extra)

        self.epochs_editor = IntEditor(EPOCHS, box)
        self.epochs_editor.committed.connect(lambda value: self._push_training({"epochs": value}, "epochs"))
        form.addRow(QCoreApplication.translate("SettingsInspector", "Epochs"), self.epochs_editor)
        batch_row = QWidget(box)
        batch_layout = QHBoxLayout(batch_row)
        batch_layout.setContentsMargins(0, 0, 0, 0)
        self.batch_editor = IntEditor(BATCH, batch_row)
        self.batch_editor.set_value(BATCH.default)  # shown (greyed) while "Full batch" is ticked
        self.batch_editor.committed.connect(lambda value: self._push_training({"batch_size": value}, "batch_size"))
        self.full_batch = QCheckBox(QCoreApplication.translate("SettingsInspector", "Full batch"), batch_row)
        self.full_batch.setToolTip(
            QCoreApplication.translate(
                "SettingsInspector", "Every step uses the whole training set (batch gradient descent)."
            )
        )
        self.full_batch.toggled.connect(self._on_full_batch_toggled)
        batch_layout.addWidget(self.batch_editor, 1)
        batch_layout.addWidget(self.full_batch)
        form.addRow(QCoreApplication.translate("SettingsInspector", "Batch size"), batch_row)
        self.seed_editor = IntEditor(SEED, box)
        self.seed_editor.committed.connect(lambda value: self._push_training({"seed": value}, "seed"))
        form.addRow(QCoreApplication.translate("SettingsInspector", "Seed"), self.seed_editor)
        self.device_editor = ChoiceEditor(DEVICE, box)
        self.device_editor.committed.connect(lambda value: self._push_training({"device": value}, "device"))
        form.addRow(QCoreApplication.translate("SettingsInspector", "Device"), self.device_editor)
        self.l1_editor = FloatEditor(L1, box)
        self.l1_editor.committed.connect(lambda value: self._push_training({"l1": value}, "l1"))
        form.addRow(QCoreApplication.translate("SettingsInspector", "L1 penalty"), self.l1_editor)

        self.clip_group = _OptionalGroup(
            QCoreApplication.translate("SettingsInspector", "Clip gradients"),
            QCoreApplication.translate(
                "SettingsInspector", "Limit the gradient before each step: a cure for exploding gradients."
            ),
            box,
        )
        self.clip_mode = ChoiceEditor(CLIP_MODE, self.clip_group.body)
        self.clip_max = FloatEditor(CLIP_MAX, self.clip_group.body)
        self.clip_group.form.addRow("mode", self.clip_mode)
        self.clip_group.form.addRow("max_value", self.clip_max)
        self.clip_group.check.toggled.connect(lambda on: self._push_optional("gradient_clipping", on))
        self.clip_mode.committed.connect(lambda v: self._push_optional_field("gradient_clipping", "mode", v))
        self.clip_max.committed.connect(lambda v: self._push_optional_field("gradient_clipping", "max_value", v))
        form.addRow(self.clip_group)

        self.early_group = _OptionalGroup(
            QCoreApplication.translate("SettingsInspector", "Early stopping"),
            QCoreApplication.translate(
                "SettingsInspector", "Stop when the monitored metric has not improved for `patience` epochs."
            ),
            box,
        )
        self.early_monitor = ChoiceEditor(MONITOR, self.early_group.body)
        self.early_patience = IntEditor(PATIENCE, self.early_group.body)
        self.early_delta = FloatEditor(MIN_DELTA, self.early_group.body)
        self.early_group.form.addRow("monitor", self.early_monitor)
        self.early_group.form.addRow("patience", self.early_patience)
        self.early_group.form.addRow("min_delta", self.early_delta)
        self.early_group.check.toggled.connect(lambda on: self._push_optional("early_stopping", on))
        self.early_monitor.committed.connect(lambda v: self._push_optional_field("early_stopping", "monitor", v))
        self.early_patience.committed.connect(lambda v: self._push_optional_field("early_stopping", "patience", v))
        self.early_delta.committed.connect(lambda v: self._push_optional_field("early_stopping", "min_delta", v))
        form.addRow(self.early_group)

        self.best_group = _OptionalGroup(
            QCoreApplication.translate("SettingsInspector", "Keep the best weights"),
            QCoreApplication.translate(
                "SettingsInspector", "Remember the weights of the best epoch by the monitored metric."
            ),
            box,
        )
        self.best_monitor = ChoiceEditor(MONITOR, self.best_group.body)
        self.best_restore = BoolEditor(
            RESTORE,
            self.best_group.body,
            text=QCoreApplication.translate("SettingsInspector", "restore them at the end"),
        )
        self.best_group.form.addRow("monitor", self.best_monitor)
        self.best_group.form.addRow("", self.best_restore)
        self.best_group.check.toggled.connect(lambda on: self._push_optional("keep_best", on))
        self.best_monitor.committed.connect(lambda v: self._push_optional_field("keep_best", "monitor", v))
        self.best_restore.committed.connect(lambda v: self._push_optional_field("keep_best", "restore", v))
        form.addRow(self.best_group)
        form.addRow(self._build_distillation_group(box))
        return box

    def _build_distillation_group(self, box: QWidget) -> _OptionalGroup:
        """Knowledge distillation: a teacher file and τ, α; ticking it asks for the teacher."""
        self.distill_group = _OptionalGroup(
            QCoreApplication.translate("SettingsInspector", "Learn from a teacher (distillation)"),
            QCoreApplication.translate(
                "SettingsInspector",
                "Train on a trained teacher's softened outputs as well as on the labels; the teacher trains "
                "first (once, then it is reused).",
            ),
            box,
        )
        body = self.distill_group.body
        self.distill_teacher = create_param_editor(
            TEACHER, body, browse="file", file_filter=_teacher_filter(), base_dir=self._base_dir_text
        )
        self.distill_epochs = create_param_editor(TEACHER_EPOCHS, body)
        self.distill_temperature = FloatEditor(TEMPERATURE, body)
        self.distill_alpha = FloatEditor(ALPHA, body)
        group_form = self.distill_group.form
        group_form.addRow(QCoreApplication.translate("SettingsInspector", "teacher"), self.distill_teacher)
        group_form.addRow("teacher_epochs", self.distill_epochs)
        group_form.addRow("τ", self.distill_temperature)
        group_form.addRow("α", self.distill_alpha)
        self.distill_group.check.toggled.connect(self._on_distillation_toggled)
        self.distill_teacher.committed.connect(self._on_teacher_committed)
        self.distill_epochs.committed.connect(lambda v: self._push_optional_field("distillation", "teacher_epochs", v))
        self.distill_temperature.committed.connect(
            lambda v: self._push_optional_field("distillation", "temperature", v)
        )
        self.distill_alpha.committed.connect(lambda v: self._push_optional_field("distillation", "alpha", v))
        return self.distill_group

    def _on_distillation_toggled(self, on: bool) -> None:
        if not on:
            self._push_training({"distillation": None}, "distillation")
            return
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("SettingsInspector", "Choose the teacher experiment"),
            self._base_dir_text(),
            _teacher_filter(),
        )
        if not chosen:  # no teacher, no distillation
            self.distill_group.set_on(False)
            return
        spec = Distillation(
            teacher=self._relative_to_experiment(chosen),
            teacher_epochs=self.distill_epochs.value(),
            temperature=self.distill_temperature.value(),
            alpha=self.distill_alpha.value(),
        )
        self._push_training({"distillation": spec}, "distillation")

    def _on_teacher_committed(self, value: Any) -> None:
        if isinstance(value, str) and value:
            self._push_optional_field("distillation", "teacher", self._relative_to_experiment(value))
        else:  # an emptied field: a teacher is needed, show the one kept
            self._refresh_training()

    def _build_model_box(self) -> QGroupBox:
        box = QGroupBox(QCoreApplication.translate("SettingsInspector", "Model"), self)
        form = new_form()
        box.setLayout(form)
        self.init_editor = ChoiceEditor(INIT, box)
        self._show_init_tooltips()
        self.init_editor.committed.connect(lambda value: self.undo_stack.push(SetInitCommand(self.document, value)))
        form.addRow(QCoreApplication.translate("SettingsInspector", "Initialisation"), self.init_editor)
        self.init_help = _muted("", box)
        form.addRow(self.init_help)
        weights_row = QWidget(box)
        column = QVBoxLayout(weights_row)
        column.setContentsMargins(0, 0, 0, 0)
        self.weights_label = QLabel(weights_row)
        self.weights_label.setObjectName("starting_weights")
        self.weights_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.weights_label.setWordWrap(True)  # a long file name wraps instead of being cut
        self.weights_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        column.addWidget(self.weights_label)
        row = QHBoxLayout()
        row.addStretch(1)
        column.addLayout(row)
        self.weights_choose = QPushButton(QCoreApplication.translate("SettingsInspector", "Choose…"), weights_row)
        self.weights_choose.setToolTip(
            QCoreApplication.translate(
                "SettingsInspector", "Start training from the weights in a .safetensors file the app wrote"
            )
        )
        self.weights_choose.clicked.connect(self._on_choose_weights)
        row.addWidget(self.weights_choose)
        self.weights_clear = QPushButton(QCoreApplication.translate("SettingsInspector", "Use Seeded"), weights_row)
        self.weights_clear.setObjectName("use_seeded_weights")
        self.weights_clear.setToolTip(
            QCoreApplication.translate(
                "SettingsInspector", "Start from the seeded initialisation above instead of the weights file"
            )
        )
        self.weights_clear.clicked.connect(lambda: self.undo_stack.push(SetStartingWeightsCommand(self.document, None)))
        row.addWidget(self.weights_clear)
        form.addRow(QCoreApplication.translate("SettingsInspector", "Starting weights"), weights_row)
        return box

    def _show_starting_weights(self) -> None:
        name = self.document.experiment.model.weights
        self.weights_label.setText(
            _breakable(name) if name is not None else QCoreApplication.translate("SettingsInspector", "none (seeded)")
        )
        self.weights_label.setToolTip(
            QCoreApplication.translate(
                "SettingsInspector",
                "Every tensor of this file whose name and shape fit the graph is loaded over the seeded "
                "initialisation when a run starts; the rest stay seeded",
            )
            if name is not None
            else ""
        )
        self.weights_clear.setEnabled(name is not None)

    def _on_choose_weights(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("SettingsInspector", "Choose the starting weights"),
            self._base_dir_text(),
            QCoreApplication.translate("SettingsInspector", "safetensors weights (*.safetensors)"),
        )
        if chosen:
            self.undo_stack.push(SetStartingWeightsCommand(self.document, self._relative_to_experiment(chosen)))

    # ---- showing the document ----------------------------------------------------------------
    def refresh(self) -> None:
        """Show the document's settings (silently: no commands come out of this)."""
        experiment = self.document.experiment
        self._show_name()
        self._refresh_data()
        self._refresh_training()
        self.init_editor.set_value(experiment.model.init)
        self.init_help.setText(init_help(experiment.model.init))
        self._show_starting_weights()

    def _refresh_data(self) -> None:
        data = self.document.experiment.data
        with QSignalBlocker(self.dataset_combo):
            index = self.dataset_combo.findData(data.dataset, Qt.ItemDataRole.UserRole)
            self.dataset_combo.setCurrentIndex(index)
        declared = DATASET_TYPES.get(data.dataset)
        self.dataset_help.setText(declared.help_text if declared else "")
        if self._dataset_form_type != data.dataset:
            if self._dataset_form is not None:
                self._dataset_form.hide()
                self._dataset_form.deleteLater()
                self._dataset_form = None
            self._dataset_form_type = data.dataset
            if declared is not None and declared.params:
                options = {}
                for spec in declared.params:
                    if spec.name == "path":
                        options["path"] = {
                            "browse": "folder" if data.dataset == "image_folder" else "file",
                            "file_filter": _file_filter(data.dataset),
                            "base_dir": self._base_dir_text,
                        }
                self._dataset_form = ParamForm(declared.params, self, editor_options=options)
                self._dataset_form.param_committed.connect(self._on_dataset_param)
                self.dataset_form_holder.addWidget(self._dataset_form)
        if self._dataset_form is not None:
            self._dataset_form.set_values(data.params)
        split = data.split
        with QSignalBlocker(self.train_spin), QSignalBlocker(self.val_spin):
            self.train_spin.show_share(split.train)
            self.val_spin.set_base_range(0.0, _val_arrow_limit(split.train))
            self.val_spin.show_share(split.val)
        self._show_test_share(split.test)
        self.data_seed.set_value(data.seed)
        self._refresh_dataset_facts()
        self._refresh_augmentation()

    def _refresh_dataset_facts(self) -> None:
        colors = theme.colors()
        error = self.document.report_error
        if error:
            self.dataset_facts.setText(f"<span style='color:{colors.error}'>⚠ {html.escape(error)}</span>")
            return
        try:
            info = self.document.dataset_info()
        except Exception:  # report_error covers the user-facing message
            self.dataset_facts.setText("")
            return
        shape = "(" + ", ".join(["N", *map(str, info.input_shape)]) + ")"
        if info.task == "classification":
            target = QCoreApplication.translate("SettingsInspector", "{count} classes").format(count=info.num_classes)
        else:
            target = QCoreApplication.translate("SettingsInspector", "regression, {count} value(s)").format(
                count=info.target_dim or 1
            )
        sizes = " / ".join(f"{size:,}" for size in info.sizes)
        input_word = QCoreApplication.translate("SettingsInspector", "Input")
        samples = QCoreApplication.translate("SettingsInspector", "{sizes} train/val/test samples").format(sizes=sizes)
        self.dataset_facts.setText(
            f"<span style='color:{colors.muted_text}'>{html.escape(input_word)}</span> "
            f"<span style='font-family: monospace'>{shape}</span> · {html.escape(target)} · {html.escape(samples)}"
        )

    def _refresh_augmentation(self) -> None:
        """The augmentations that suit the dataset's kind of data (known once it loads)."""
        modality: str | None
        try:
            modality = getattr(self.document.dataset_info(), "modality", None)
        except Exception:  # report_error says why the data does not load
            modality = None
        self.augmentation_editor.show_augmentation(self.document.experiment.data.augmentation, modality)

    def _refresh_training(self) -> None:
        training = self.document.experiment.training
        self.loss_editor.set_spec(training.loss)
        self.optimizer_editor.set_spec(training.optimizer)
        self.scheduler_editor.set_spec(training.scheduler)
        # Hide whole form rows (not just their widgets), so no empty gap is left behind.
        self.training_form.setRowVisible(self.scheduler_editor, training.scheduler is not None)
        self.training_form.setRowVisible(self.schedule_extra, training.scheduler is not None)
        self.schedule_extra.show_scheduler(training.scheduler)
        self.epochs_editor.set_value(training.epochs)
        full = training.batch_size == "full"
        with QSignalBlocker(self.full_batch):
            self.full_batch.setChecked(full)
        self.batch_editor.setEnabled(not full)
        if not full:
            self.batch_editor.set_value(training.batch_size)
        self.seed_editor.set_value(training.seed)
        self.device_editor.set_value(training.device)
        self.l1_editor.set_value(training.l1)
        clip = training.gradient_clipping
        self.clip_group.set_on(clip is not None)
        clip = clip or GradientClipping()
        self.clip_mode.set_value(clip.mode)
        self.clip_max.set_value(clip.max_value)
        early = training.early_stopping
        self.early_group.set_on(early is not None)
        early = early or EarlyStopping()
        self.early_monitor.set_value(early.monitor)
        self.early_patience.set_value(early.patience)
        self.early_delta.set_value(early.min_delta)
        distillation = training.distillation
        self.distill_group.set_on(distillation is not None)
        if distillation is not None:
            self.distill_teacher.set_value(distillation.teacher)
            self.distill_epochs.set_value(distillation.teacher_epochs)
            if distillation.teacher_epochs is None and isinstance(self.distill_epochs, OptionalEditor):
                self.distill_epochs.inner.set_value(EPOCHS.default)  # what it offers (greyed) until ticked
            self.distill_temperature.set_value(distillation.temperature)
            self.distill_alpha.set_value(distillation.alpha)
        best = training.keep_best
        self.best_group.set_on(best is not None)
        best = best or KeepBest()
        self.best_monitor.set_value(best.monitor)
        self.best_restore.set_value(best.restore)

    def _on_settings_changed(self, field: str) -> None:
        if field == "data":
            self._refresh_data()
        elif field == "training":
            self._refresh_training()
        elif field == "init":
            self.init_editor.set_value(self.document.experiment.model.init)
            self.init_help.setText(init_help(self.document.experiment.model.init))
        elif field == "weights":
            self._show_starting_weights()
        elif field == "name":
            self._show_name()

    def _show_init_tooltips(self) -> None:
        """Each initialisation's help, in the current language, as its item's tooltip."""
        for index in range(self.init_editor.combo.count()):
            scheme = self.init_editor.combo.itemData(index)
            self.init_editor.combo.setItemData(index, init_help(scheme), Qt.ItemDataRole.ToolTipRole)

    def _on_language_changed(self, language: str) -> None:
        """Show the datasets and the initialisations' help in the new language."""
        previous = self.dataset_combo.model()
        with QSignalBlocker(self.dataset_combo):
            self.dataset_combo.setModel(self._dataset_model())
        previous.deleteLater()
        self._show_init_tooltips()
        self._refresh_data()
        self.init_help.setText(init_help(self.document.experiment.model.init))
        self._show_name()  # the lesson's name in the new language
        self._show_starting_weights()

    def _show_name(self) -> None:
        """The name in its field; a very long one shows its beginning (a line edit lays out and paints
        its whole text, so a megabyte would stall the inspector), and stays as it is until typed over."""
        name = self.document.experiment.localized_name(current_language())
        shown = name if len(name) <= NAME_FIELD_CHARS else name[:NAME_FIELD_CHARS] + "…"
        self._shown_name = shown
        if self.name_edit.text() != shown:
            self.name_edit.setText(shown)
            self.name_edit.setCursorPosition(0)
        if shown == name:
            self.name_edit.setToolTip(_name_tip())
        else:
            self.name_edit.setToolTip(
                _name_tip()
                + "\n"
                + QCoreApplication.translate(
                    "SettingsInspector",
                    "The name has {count} characters; the field shows the first {shown}. Type a new name to replace it.",
                ).format(count=f"{len(name):,}", shown=f"{NAME_FIELD_CHARS:,}")
            )

    def _base_dir_text(self) -> str:
        base = self.document.base_dir()
        return str(base) if base else str(Path.home())

    # ---- edits ---------------------------------------------------------------------------------
    def _on_name_edited(self) -> None:
        if self.name_edit.text() == self._shown_name:
            return  # the field still shows the document's name: nothing was typed
        name = self.name_edit.text().strip()
        if not name:
            self.name_edit.setText(self._shown_name)
            return
        language = current_language()
        if name != self.document.experiment.localized_name(language):  # the name in this language
            self.undo_stack.push(SetLocalizedTextCommand(self.document, "name", language, name))

    def _push_data(self, update: dict[str, Any], field: str) -> None:
        data = self.document.experiment.data.model_copy(deep=True, update=update)
        self.undo_stack.push(SetDataCommand(self.document, data, field))

    def _on_dataset_chosen(self, index: int) -> None:
        name = self.dataset_combo.itemData(index, Qt.ItemDataRole.UserRole)
        current = self.document.experiment.data
        if not name or name == current.dataset:
            return
        declared = DATASET_TYPES[name]
        carried: dict[str, Any] = {}
        for spec in declared.params:  # keep samples, noise, features where the new dataset takes them
            if spec.name in current.params and spec.name != "path":
                try:
                    carried[spec.name] = coerce_value(spec, current.params[spec.name])
                except ParamError:
                    pass
        self._push_data({"dataset": name, "params": carried}, "dataset")

    def _on_dataset_param(self, name: str, value: Any) -> None:
        if name == "path" and isinstance(value, str) and value:
            value = self._relative_to_experiment(value)
        params = dict(self.document.experiment.data.params)
        params[name] = value
        self._push_data({"params": params}, f"params.{name}")

    def _relative_to_experiment(self, value: str) -> str:
        """A picked file inside the experiment's folder is stored relative to it (files travel together)."""
        base = self.document.base_dir()
        path = Path(value)
        if base is None or not path.is_absolute():
            return value
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            return value

    def _on_split_edited(self, which: str) -> None:
        """The user changed the train or the val share; the other keeps its exact value (only a field
        the user edits is written back), and the test share is what is left."""
        current = self.document.experiment.data.split
        if which == "train":
            train = float(f"{self.train_spin.value() / 100:.12g}")
            val = current.val
        else:
            train = current.train
            val = float(f"{self.val_spin.value() / 100:.12g}")
        val = max(0.0, min(val, float(f"{1.0 - train:.12g}")))
        test = max(0.0, round(1.0 - train - val, 10))
        with QSignalBlocker(self.val_spin):
            self.val_spin.set_base_range(0.0, _val_arrow_limit(train))
            self.val_spin.show_share(val)
        self._show_test_share(test)
        if (train, val, test) == (current.train, current.val, current.test):
            return
        self._push_data({"split": Split(train=train, val=val, test=test)}, "split")

    def _show_test_share(self, test: float) -> None:
        percent = f"{max(0.0, _percent(test)):.2f}".rstrip("0").rstrip(".")  # a label: two decimals suffice
        self.test_label.setText(
            QCoreApplication.translate("SettingsInspector", "{percent} % test").format(percent=percent)
        )

    def _push_training(self, update: dict[str, Any], field: str) -> None:
        training = self.document.experiment.training.model_copy(deep=True, update=update)
        self.undo_stack.push(SetTrainingCommand(self.document, training, field))

    def _on_scheduler_edited(self, spec: ComponentSpec | None, field: str) -> None:
        current = self.document.experiment.training.scheduler
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
        self._push_training({"scheduler": scheduler}, f"scheduler.{field}")

    def _on_scheduler_field(self, name: str, value: Any) -> None:
        current = self.document.experiment.training.scheduler
        if current is None:
            return
        self._push_training({"scheduler": current.model_copy(update={name: value})}, f"scheduler.{name}")

    def _on_full_batch_toggled(self, full: bool) -> None:
        self.batch_editor.setEnabled(not full)
        self._push_training({"batch_size": "full" if full else self.batch_editor.value()}, "batch_size")

    _OPTIONAL_DEFAULTS: dict[str, Callable[[SettingsInspector], Any]] = {
        "gradient_clipping": lambda self: GradientClipping(
            mode=self.clip_mode.value(), max_value=self.clip_max.value()
        ),
        "early_stopping": lambda self: EarlyStopping(
            monitor=self.early_monitor.value(), patience=self.early_patience.value(), min_delta=self.early_delta.value()
        ),
        "keep_best": lambda self: KeepBest(monitor=self.best_monitor.value(), restore=self.best_restore.value()),
    }

    def _push_optional(self, name: str, on: bool) -> None:
        value = self._OPTIONAL_DEFAULTS[name](self) if on else None
        self._push_training({name: value}, name)

    def _push_optional_field(self, name: str, field: str, value: Any) -> None:
        current = getattr(self.document.experiment.training, name)
        if current is None:
            return
        self._push_training({name: current.model_copy(update={field: value})}, f"{name}.{field}")

    def _apply_colors(self, *_: object) -> None:
        colors = theme.colors()
        for label in self.findChildren(QLabel, "muted"):
            label.setStyleSheet(f"color: {colors.muted_text};")
        self._refresh_dataset_facts()
