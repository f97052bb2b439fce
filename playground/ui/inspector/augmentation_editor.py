"""The data settings' "Augmentation" group: a checkbox (and an amount) per augmentation that suits
the dataset's kind of data, and a "Preview augmentation…" button that shows augmented training
samples before any training.

The augmentations, their labels, help, ranges and the data they suit are the core's catalogue
(`playground.core.catalogue.augmentations`); this editor only shows them. Every change goes out
as `edited(augmentation, field)` with the whole new setting (None: no augmentation), which the
settings inspector pushes as one undoable data command.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from playground.core.catalogue.augmentations import AUGMENTATIONS, AugmentationKind, active_settings, kinds_for
from playground.core.document import ExperimentDocument
from playground.core.errors import PlaygroundError
from playground.core.experiment.schema import Augmentation
from playground.ui import theme
from playground.ui.i18n import language_events
from playground.ui.inspector.param_editors import FloatEditor, IntEditor
from playground.ui.plots.augment_preview import AugmentPreview
from playground.ui.subscriptions import Subscriptions

PREVIEW_SAMPLES = 4  # rows of the image preview
PREVIEW_COPIES = 6  # augmented versions of each sample
PREVIEW_POINTS = 60  # samples of the points preview


def _amount_spec(kind: AugmentationKind) -> Any:
    """The amount's field as the editor takes it: above 0 (0 is what the checkbox means by off)."""
    spec = kind.param
    if spec.kind == "int":
        return dataclasses.replace(spec, minimum=1, default=kind.on_value)
    return dataclasses.replace(spec, exclusive_minimum=True, default=kind.on_value)


class _Row:
    """One augmentation: its checkbox and, for those with an amount, the amount's editor."""

    def __init__(self, kind: AugmentationKind, parent: QWidget) -> None:
        self.kind = kind
        self.check = QCheckBox(parent)
        self.check.setObjectName(f"augmentation_{kind.name}")
        self.amount: IntEditor | FloatEditor | None = None
        if kind.has_amount:
            spec = _amount_spec(kind)
            editor = IntEditor(spec, parent) if spec.kind == "int" else FloatEditor(spec, parent)
            editor.setObjectName(f"augmentation_{kind.name}_amount")
            editor.set_value(kind.on_value)
            self.amount = editor
        self.label_texts()

    def label_texts(self) -> None:
        """The label and tooltips in the current language (the core's text)."""
        self.check.setText(self.kind.label_text)
        self.check.setToolTip(self.kind.help_text)
        if self.amount is not None:
            self.amount.setToolTip(self.kind.help_text)
            if self.kind.unit:
                self.amount.spin.setSuffix(self.kind.unit_text)

    def display(self, value: Any, visible: bool, applies: bool) -> None:
        on = bool(value)
        with QSignalBlocker(self.check):
            self.check.setChecked(on)
        self.check.setVisible(visible)
        # an augmentation that does not suit this data stays visible while on, marked, so it can be turned off
        self.check.setStyleSheet("" if applies else f"color: {theme.colors().error}")
        if self.amount is not None:
            if on:
                self.amount.set_value(value)
            self.amount.setEnabled(on)
            self.amount.setVisible(visible)


class AugmentationEditor(QGroupBox):
    """The augmentations that suit the dataset, and the preview button."""

    edited = Signal(object, str)  # the new Augmentation (None: none), the field changed

    def __init__(self, document: ExperimentDocument, parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("AugmentationEditor", "Augmentation"), parent)
        self.setObjectName("augmentationGroup")
        self.document = document
        self._augmentation: Augmentation | None = None
        self._modality: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("muted")
        layout.addWidget(self.hint)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.rows: dict[str, _Row] = {}
        for position, kind in enumerate(AUGMENTATIONS.values()):
            row = _Row(kind, self)
            grid.addWidget(row.check, position, 0)
            if row.amount is not None:
                grid.addWidget(row.amount, position, 1)
                row.amount.committed.connect(lambda value, name=kind.name: self._on_amount_committed(name, value))
            row.check.toggled.connect(lambda on, name=kind.name: self._on_toggled(name, on))
            self.rows[kind.name] = row
        self.preview_button = QPushButton(self)
        self.preview_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.preview_button.clicked.connect(self._on_preview_clicked)
        layout.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.preview_dialog: AugmentPreviewDialog | None = None
        self._subscriptions = Subscriptions(self)
        self._subscriptions.connect(language_events().changed, self._on_language_changed)
        self._texts()

    # ---- showing ---------------------------------------------------------------------------------
    def _texts(self) -> None:
        self.setTitle(QCoreApplication.translate("AugmentationEditor", "Augmentation"))
        self.preview_button.setText(QCoreApplication.translate("AugmentationEditor", "Preview augmentation…"))
        self.preview_button.setToolTip(
            QCoreApplication.translate(
                "AugmentationEditor", "Show training samples as the augmentation changes them, before training."
            )
        )
        for row in self.rows.values():
            row.label_texts()
        self._show_hint()

    def _show_hint(self) -> None:
        if self._modality is None:
            text = QCoreApplication.translate(
                "AugmentationEditor", "The augmentations for this dataset appear once its data loads."
            )
        elif not kinds_for(self._modality):
            text = QCoreApplication.translate(
                "AugmentationEditor", "The playground has no augmentation for this kind of data."
            )
        else:
            text = QCoreApplication.translate(
                "AugmentationEditor",
                "Random changes to every training batch, new in each epoch: more variety from the same "
                "samples. Validation and test data stay as they are.",
            )
        self.hint.setText(text)

    def show_augmentation(self, augmentation: Augmentation | None, modality: str | None) -> None:
        """Show the document's setting for data of `modality` (None: not known), silently."""
        self._augmentation = augmentation.model_copy() if augmentation is not None else None
        self._modality = modality
        values = (augmentation or Augmentation()).model_dump()
        suited = {kind.name for kind in kinds_for(modality)} if modality is not None else set()
        for name, row in self.rows.items():
            on = bool(values[name])
            row.display(values[name], name in suited or on, name in suited or modality is None)
        self._show_hint()
        active = active_settings(values)
        usable = bool(active) and modality is not None and all(name in suited for name in active)
        self.preview_button.setVisible(bool(suited))
        self.preview_button.setEnabled(usable)

    def _on_language_changed(self, _language: str) -> None:
        self._texts()

    # ---- edits -----------------------------------------------------------------------------------
    def _changed(self, name: str, value: Any) -> None:
        values = (self._augmentation or Augmentation()).model_dump()
        values[name] = value
        augmentation = Augmentation.model_validate(values)
        self.edited.emit(augmentation if augmentation.is_active() else None, name)

    def _on_toggled(self, name: str, on: bool) -> None:
        row = self.rows[name]
        if not on:
            self._changed(name, row.kind.param.default)
        elif row.amount is None:
            self._changed(name, True)
        else:
            self._changed(name, row.amount.value())

    def _on_amount_committed(self, name: str, value: Any) -> None:
        if self.rows[name].check.isChecked():
            self._changed(name, value)

    def _on_preview_clicked(self) -> None:
        if self.preview_dialog is None:
            self.preview_dialog = AugmentPreviewDialog(self.document, self.window())
        self.preview_dialog.draw()
        if self.preview_dialog.isVisible():  # open already (behind the window): bring it forward
            self.preview_dialog.raise_()
        else:
            self.preview_dialog.show()


class AugmentPreviewDialog(QDialog):
    """Augmented training samples as the current settings make them: for images, a grid of a few
    samples with their augmented versions; for points, the samples and their jittered copies."""

    def __init__(self, document: ExperimentDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("augmentPreviewDialog")
        self.document = document
        self._draws = 0  # "New samples" presses: other samples, other random versions
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.preview = AugmentPreview(self)
        layout.addWidget(self.preview, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.again_button = buttons.addButton(
            QCoreApplication.translate("AugmentationEditor", "New samples"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.again_button.clicked.connect(self._on_again_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setWindowTitle(QCoreApplication.translate("AugmentationEditor", "Augmentation preview"))

    def _on_again_clicked(self) -> None:
        self._draws += 1
        self.draw()

    def draw(self) -> None:
        """Draw the preview from the document's data and augmentation as they are now."""
        from playground.core.data import load_dataset  # lazy: torch comes with the data
        from playground.core.data.augment import preview

        experiment = self.document.experiment
        augmentation = experiment.data.augmentation
        settings = augmentation.model_dump() if augmentation is not None else {}
        try:
            dataset = load_dataset(experiment.data, base_dir=self.document.base_dir())
        except PlaygroundError as exc:
            self._fail(str(exc))
            return
        info = dataset.info
        x, y = dataset.x_train, dataset.y_train
        rng = np.random.default_rng([experiment.training.seed, self._draws])
        seed, first = experiment.training.seed, self._draws * PREVIEW_COPIES
        self.message.setVisible(False)
        if info.modality == "image":
            picked = np.sort(rng.choice(len(x), size=min(PREVIEW_SAMPLES, len(x)), replace=False))
            samples = x[picked]
            versions = preview(samples, settings, seed, PREVIEW_COPIES, first)
            labels = [info.class_names[int(y[i])] for i in picked] if info.task == "classification" else []
            self.preview.set_images(samples.numpy(), versions.numpy(), labels)
            self.explanation.setText(
                QCoreApplication.translate(
                    "AugmentationEditor",
                    "Each row is one training image: the original, then {count} random versions of it as "
                    "training batches could show it. Every epoch draws new ones.",
                ).format(count=PREVIEW_COPIES)
            )
            return
        picked = np.sort(rng.choice(len(x), size=min(PREVIEW_POINTS, len(x)), replace=False))
        samples = x[picked]
        versions = preview(samples, settings, seed, PREVIEW_COPIES, first)
        flat = samples.reshape(len(samples), -1).numpy()
        copies = versions.reshape(PREVIEW_COPIES, len(samples), -1).numpy()
        if flat.shape[1] < 2:  # one input column: spread along x only
            flat = np.concatenate([flat, np.zeros_like(flat)], axis=1)
            copies = np.concatenate([copies, np.zeros_like(copies)], axis=2)
        names = list(info.feature_names[:2]) or ["x1", "x2"]
        axis = QCoreApplication.translate("AugmentationEditor", "{name} (standardised)")
        axes = (axis.format(name=names[0]), axis.format(name=names[1]) if len(names) > 1 else "")
        classes = y[picked].numpy() if info.task == "classification" else None
        self.preview.set_points(flat[:, :2], copies[:, :, :2], classes, axes)
        self.explanation.setText(
            QCoreApplication.translate(
                "AugmentationEditor",
                "Circles: {count} training samples (their first two inputs). Dots: {copies} jittered copies "
                "of each, as training batches could show them. Every epoch draws new ones.",
            ).format(count=len(picked), copies=PREVIEW_COPIES)
        )

    def _fail(self, message: str) -> None:
        self.message.setText(
            QCoreApplication.translate("AugmentationEditor", "No preview: {reason}").format(reason=message)
        )
        self.message.setStyleSheet(f"color: {theme.colors().error}")
        self.message.setVisible(True)
