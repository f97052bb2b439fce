"""The teacher's editor of a lesson's goals and challenge (View ▸ Lesson Goals and Challenge…).

What it edits is the experiment's `lesson` section; the variants and the leaderboard entries are
kept as they are (the leaderboard can be cleared). Every choice is checked by the format's own
models when the teacher presses OK, and a problem is shown in the dialog, naming the goal.
"""

from __future__ import annotations

import math

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from playground.core import i18n as core_i18n
from playground.core.catalogue import LAYERS
from playground.core.experiment.schema import (
    MAX_CONDITIONS,
    MAX_GOALS,
    Challenge,
    Goal,
    GoalCondition,
    GoalQuantity,
    GoalText,
    Lesson,
)
from playground.core.lessons.goals import QUANTITIES, quantity_label
from playground.core.params import INT_MAX, MAX_EPOCHS

COMPARISONS = ("at_least", "at_most", "above", "below")
SCORES: tuple[GoalQuantity, ...] = ("test_accuracy", "val_accuracy", "test_loss", "val_loss", "test_r2", "val_r2")


def comparison_labels() -> dict[str, str]:
    return {
        "at_least": QCoreApplication.translate("LessonSetup", "at least (≥)"),
        "at_most": QCoreApplication.translate("LessonSetup", "at most (≤)"),
        "above": QCoreApplication.translate("LessonSetup", "above (>)"),
        "below": QCoreApplication.translate("LessonSetup", "below (<)"),
    }


class ConditionRow(QWidget):
    """One condition: a quantity, a comparison, and a number or what a lesson variant reaches."""

    def __init__(self, condition: GoalCondition, variants: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.quantity = QComboBox(self)
        for quantity in QUANTITIES:
            self.quantity.addItem(quantity_label(quantity), quantity)
        self.compare = QComboBox(self)
        for key, label in comparison_labels().items():
            self.compare.addItem(label, key)
        self.threshold = QComboBox(self)
        self.threshold.addItem(QCoreApplication.translate("LessonSetup", "a number"), None)
        for name in variants:
            self.threshold.addItem(
                QCoreApplication.translate("LessonSetup", "what {variant} reaches").format(variant=name), name
            )
        self.value = QDoubleSpinBox(self)
        self.remove_button = QPushButton(QCoreApplication.translate("LessonSetup", "Remove"), self)
        for widget in (self.quantity, self.compare, self.threshold, self.value):
            layout.addWidget(widget)
        layout.addWidget(self.remove_button)
        self.quantity.setCurrentIndex(max(0, self.quantity.findData(condition.quantity)))
        self.compare.setCurrentIndex(max(0, self.compare.findData(condition.compare)))
        self._set_value_range()
        if condition.variant is not None:
            index = self.threshold.findData(condition.variant)
            if index < 0:  # a variant the lesson no longer has: keep the name the file gives
                self.threshold.addItem(
                    QCoreApplication.translate("LessonSetup", "what {variant} reaches").format(
                        variant=condition.variant
                    ),
                    condition.variant,
                )
                index = self.threshold.count() - 1
            self.threshold.setCurrentIndex(index)
        elif condition.value is not None:
            self.value.setValue(100 * condition.value if self._percent() else condition.value)
        self._show_threshold()
        self.quantity.currentIndexChanged.connect(self._on_quantity_changed)
        self.threshold.currentIndexChanged.connect(self._on_threshold_changed)

    def _percent(self) -> bool:
        return QUANTITIES[self.quantity.currentData()].percent

    def _set_value_range(self) -> None:
        info = QUANTITIES[self.quantity.currentData()]
        if info.percent:
            self.value.setRange(0.0, 100.0)
            self.value.setDecimals(2)
            self.value.setSuffix(" %")
        else:
            self.value.setSuffix("")
            self.value.setDecimals(0 if info.integer else 6)
            low = info.low if math.isfinite(info.low) else -1e12
            high = info.high if math.isfinite(info.high) else 1e12
            self.value.setRange(low, high)

    def _show_threshold(self) -> None:
        self.value.setVisible(self.threshold.currentData() is None)

    def _on_quantity_changed(self, _index: int) -> None:
        self._set_value_range()

    def _on_threshold_changed(self, _index: int) -> None:
        self._show_threshold()

    def condition(self) -> GoalCondition:
        variant = self.threshold.currentData()
        value = None
        if variant is None:
            value = self.value.value() / 100 if self._percent() else self.value.value()
        return GoalCondition(
            quantity=self.quantity.currentData(), compare=self.compare.currentData(), value=value, variant=variant
        )


class GoalEditor(QWidget):
    """The selected goal: its text, the explanation shown once it is met, when it is checked,
    and its conditions (all must hold at once)."""

    def __init__(self, variants: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.variants = variants
        self.language = core_i18n.language()
        self.goal: Goal | None = None
        form = QFormLayout(self)
        self.text = QLineEdit(self)
        self.text.setObjectName("goalText")
        self.text.setMaxLength(300)
        self.explanation = QPlainTextEdit(self)
        self.explanation.setObjectName("goalExplanation")
        self.explanation.setMaximumHeight(90)
        self.when = QComboBox(self)
        self.when.addItem(
            QCoreApplication.translate("LessonSetup", "after any epoch (met the first time it holds)"), "any_epoch"
        )
        self.when.addItem(QCoreApplication.translate("LessonSetup", "on the run's final numbers"), "end")
        form.addRow(QCoreApplication.translate("LessonSetup", "Goal:"), self.text)
        form.addRow(QCoreApplication.translate("LessonSetup", "Shown when met:"), self.explanation)
        form.addRow(QCoreApplication.translate("LessonSetup", "Checked:"), self.when)
        self.conditions_box = QVBoxLayout()
        form.addRow(QCoreApplication.translate("LessonSetup", "Conditions:"), self.conditions_box)
        self.add_condition_button = QPushButton(QCoreApplication.translate("LessonSetup", "Add Condition"), self)
        self.add_condition_button.clicked.connect(self._on_add_condition)
        form.addRow("", self.add_condition_button)
        self.rows: list[ConditionRow] = []

    def show_goal(self, goal: Goal) -> None:
        self.goal = goal
        self.text.setText(goal.localized_text(self.language))
        self.explanation.setPlainText(goal.localized_explanation(self.language))
        self.when.setCurrentIndex(max(0, self.when.findData(goal.when)))
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        for condition in goal.conditions:
            self._add_row(condition)

    def _add_row(self, condition: GoalCondition) -> None:
        row = ConditionRow(condition, self.variants, self)
        row.remove_button.clicked.connect(self._on_remove_condition)
        self.conditions_box.addWidget(row)
        self.rows.append(row)
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        self.add_condition_button.setEnabled(len(self.rows) < MAX_CONDITIONS)
        for row in self.rows:
            row.remove_button.setEnabled(len(self.rows) > 1)  # a goal has at least one condition

    def _on_add_condition(self) -> None:
        self._add_row(GoalCondition(quantity="test_accuracy", compare="at_least", value=0.9))

    def _on_remove_condition(self) -> None:
        sender = self.sender()
        for row in list(self.rows):
            if row.remove_button is sender:
                self.rows.remove(row)
                row.setParent(None)
                row.deleteLater()
        self._enable_buttons()

    def edited(self) -> Goal:
        """The goal as the form shows it (raises ValidationError). The text is the language's the
        window speaks: English edits the goal's own text, another language its translation, made
        only when the teacher changes what was shown."""
        goal = self.goal
        assert goal is not None
        text, explanation = self.text.text().strip(), self.explanation.toPlainText().strip()
        translations = dict(goal.translations)
        if self.language == core_i18n.DEFAULT_LANGUAGE:
            own_text, own_explanation = text, explanation
        else:
            own_text, own_explanation = goal.text or text, goal.explanation
            shown = (goal.localized_text(self.language), goal.localized_explanation(self.language))
            if (text, explanation) != shown:
                if not text:
                    raise ValueError(QCoreApplication.translate("LessonSetup", "give the goal a text"))
                translations[self.language] = GoalText(text=text, explanation=explanation)
        return Goal(
            text=own_text,
            explanation=own_explanation,
            conditions=[row.condition() for row in self.rows],
            when=self.when.currentData(),
            translations=translations,
        )


class ChallengeEditor(QGroupBox):
    """The teacher's constraints: parameter budget, epochs, the layers allowed, and the score."""

    def __init__(self, challenge: Challenge | None, used_layers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(
            QCoreApplication.translate(
                "LessonSetup", "Challenge: every finished run that keeps to these may join the leaderboard"
            ),
            parent,
        )
        self.setObjectName("challengeEditor")
        self.setCheckable(True)
        self.setChecked(challenge is not None)
        self.used_layers = used_layers
        challenge = challenge or Challenge()
        form = QFormLayout(self)
        self.max_parameters = QSpinBox(self)
        self.max_parameters.setRange(0, INT_MAX)
        self.max_parameters.setSpecialValueText(QCoreApplication.translate("LessonSetup", "no limit"))
        self.max_parameters.setGroupSeparatorShown(True)
        self.max_parameters.setValue(challenge.max_parameters or 0)
        self.max_epochs = QSpinBox(self)
        self.max_epochs.setRange(0, MAX_EPOCHS)
        self.max_epochs.setSpecialValueText(QCoreApplication.translate("LessonSetup", "no limit"))
        self.max_epochs.setValue(challenge.max_epochs or 0)
        self.score = QComboBox(self)
        for quantity in SCORES:
            self.score.addItem(quantity_label(quantity), quantity)
        self.score.setCurrentIndex(max(0, self.score.findData(challenge.score)))
        self.layers = QListWidget(self)
        self.layers.setObjectName("allowedLayers")
        allowed = set(challenge.allowed_layers)
        for name in sorted(name for name in LAYERS if name != "Input"):
            item = QListWidgetItem(name, self.layers)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in allowed else Qt.CheckState.Unchecked)
        self.layers.setFlow(QListWidget.Flow.LeftToRight)  # columns: every layer type in view at once
        self.layers.setWrapping(True)
        self.layers.setResizeMode(QListWidget.ResizeMode.Adjust)
        metrics = self.layers.fontMetrics()
        widest = max(metrics.horizontalAdvance(name) for name in LAYERS)
        self.layers.setGridSize(QSize(widest + 36, metrics.height() + 6))  # room for the tick box
        self.layers.setMinimumHeight(120)
        self.use_network_button = QPushButton(
            QCoreApplication.translate("LessonSetup", "Allow What This Network Uses"), self
        )
        self.use_network_button.clicked.connect(self._on_use_network)
        form.addRow(QCoreApplication.translate("LessonSetup", "Parameters at most:"), self.max_parameters)
        form.addRow(QCoreApplication.translate("LessonSetup", "Epochs at most:"), self.max_epochs)
        form.addRow(QCoreApplication.translate("LessonSetup", "Ranked by:"), self.score)
        layers_label = QLabel(QCoreApplication.translate("LessonSetup", "Layers allowed (none ticked: any):"), self)
        layers_label.setWordWrap(True)
        form.addRow(layers_label, self.layers)
        form.addRow("", self.use_network_button)

    def allowed_items(self) -> dict[str, QListWidgetItem]:
        return {self.layers.item(row).text(): self.layers.item(row) for row in range(self.layers.count())}

    def _on_use_network(self) -> None:
        for name, item in self.allowed_items().items():
            item.setCheckState(Qt.CheckState.Checked if name in self.used_layers else Qt.CheckState.Unchecked)

    def challenge(self) -> Challenge | None:
        if not self.isChecked():
            return None
        return Challenge(
            max_parameters=self.max_parameters.value() or None,
            max_epochs=self.max_epochs.value() or None,
            allowed_layers=[
                name for name, item in self.allowed_items().items() if item.checkState() == Qt.CheckState.Checked
            ],
            score=self.score.currentData(),
        )


class LessonSetupDialog(QDialog):
    """Goals (a list, and the selected one's form) above the challenge; OK checks everything."""

    def __init__(self, lesson: Lesson | None, used_layers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonSetupDialog")
        self.setWindowTitle(QCoreApplication.translate("LessonSetup", "Lesson Goals and Challenge"))
        self.original = lesson or Lesson()
        self.goals: list[Goal] = [goal.model_copy(deep=True) for goal in self.original.goals]
        self.current = -1
        self._result: Lesson | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            QCoreApplication.translate(
                "LessonSetup",
                "Goals are ticked in the lesson panel while a student trains, each with its explanation once "
                "met. A challenge sets limits; runs that keep to them can join the leaderboard saved in the file.",
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        goals_box = QGroupBox(QCoreApplication.translate("LessonSetup", "Goals"), self)
        goals_layout = QHBoxLayout(goals_box)
        splitter = QSplitter(Qt.Orientation.Horizontal, goals_box)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.goal_list = QListWidget(left)
        self.goal_list.setObjectName("goalList")
        self.goal_list.setWordWrap(True)
        self.goal_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_layout.addWidget(self.goal_list)
        buttons_row = QHBoxLayout()
        self.add_goal_button = QPushButton(QCoreApplication.translate("LessonSetup", "Add Goal"), left)
        self.remove_goal_button = QPushButton(QCoreApplication.translate("LessonSetup", "Remove Goal"), left)
        buttons_row.addWidget(self.add_goal_button)
        buttons_row.addWidget(self.remove_goal_button)
        left_layout.addLayout(buttons_row)
        self.goal_editor = GoalEditor([variant.name for variant in self.original.variants], splitter)
        splitter.addWidget(left)
        splitter.addWidget(self.goal_editor)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([290, 510])
        goals_layout.addWidget(splitter)
        layout.addWidget(goals_box, 3)
        self.challenge_editor = ChallengeEditor(self.original.challenge, used_layers, self)
        layout.addWidget(self.challenge_editor, 2)
        entries = len(self.original.leaderboard)
        self.clear_leaderboard = QCheckBox(
            QCoreApplication.translate("LessonSetup", "Clear the leaderboard ({count} entries)").format(count=entries),
            self,
        )
        self.clear_leaderboard.setEnabled(entries > 0)
        self.challenge_editor.score.currentIndexChanged.connect(self._on_score_changed)
        layout.addWidget(self.clear_leaderboard)
        self.error = QLabel(self)
        self.error.setObjectName("lessonSetupError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.add_goal_button.clicked.connect(self._on_add_goal)
        self.remove_goal_button.clicked.connect(self._on_remove_goal)
        self.goal_list.currentRowChanged.connect(self._on_goal_selected)
        self.goal_editor.text.textEdited.connect(self._on_goal_text_edited)
        self._fill_list()
        self.resize(820, 680)

    # ---- the goal list ------------------------------------------------------------------------------
    def _fill_list(self, select: int = 0) -> None:
        self.current = -1
        self.goal_list.blockSignals(True)
        self.goal_list.clear()
        for goal in self.goals:
            self.goal_list.addItem(goal.localized_text(self.goal_editor.language))
        self.goal_list.blockSignals(False)
        self.goal_editor.setEnabled(bool(self.goals))
        self.remove_goal_button.setEnabled(bool(self.goals))
        self.add_goal_button.setEnabled(len(self.goals) < MAX_GOALS)
        if self.goals:
            self.goal_list.setCurrentRow(min(select, len(self.goals) - 1))

    def _store_current(self) -> bool:
        """Keep what the form shows in the list; False (and the problem shown) when it is invalid."""
        if self.current < 0:
            return True
        try:
            self.goals[self.current] = self.goal_editor.edited()
        except (ValidationError, ValueError) as error:
            self._show_error(self.current, error)
            return False
        return True

    def _on_goal_selected(self, row: int) -> None:
        if row == self.current:
            return
        if not self._store_current():
            self.goal_list.blockSignals(True)
            self.goal_list.setCurrentRow(self.current)
            self.goal_list.blockSignals(False)
            return
        self.error.hide()
        self.current = row
        if 0 <= row < len(self.goals):
            self.goal_editor.show_goal(self.goals[row])

    def _on_goal_text_edited(self, text: str) -> None:
        item = self.goal_list.item(self.current)
        if item is not None:
            item.setText(text)

    def _on_add_goal(self) -> None:
        if not self._store_current():
            return
        self.goals.append(
            Goal(
                text=QCoreApplication.translate("LessonSetup", "Reach 90 % test accuracy"),
                conditions=[GoalCondition(quantity="test_accuracy", compare="at_least", value=0.9)],
            )
        )
        self._fill_list(select=len(self.goals) - 1)
        self.goal_editor.text.selectAll()
        self.goal_editor.text.setFocus()

    def _on_remove_goal(self) -> None:
        if 0 <= self.current < len(self.goals):
            removed = self.current
            del self.goals[removed]
            self._fill_list(select=removed)

    def _on_score_changed(self, _index: int) -> None:
        """Scores of another kind cannot be ranked together: a new score starts a new leaderboard."""
        if not self.original.leaderboard or self.original.challenge is None:
            return
        changed = self.challenge_editor.score.currentData() != self.original.challenge.score
        if changed:
            self.clear_leaderboard.setChecked(True)
        self.clear_leaderboard.setEnabled(not changed)

    # ---- the result -----------------------------------------------------------------------------------
    def _show_error(self, index: int | None, error: ValidationError | ValueError) -> None:
        if isinstance(error, ValidationError):
            reasons = "; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors())
        else:
            reasons = str(error)
        if index is None:
            self.error.setText(
                QCoreApplication.translate("LessonSetup", "The challenge cannot be kept: {reasons}").format(
                    reasons=reasons
                )
            )
        else:
            self.error.setText(
                QCoreApplication.translate("LessonSetup", "Goal {number} cannot be kept: {reasons}").format(
                    number=index + 1, reasons=reasons
                )
            )
        self.error.show()

    def accept(self) -> None:
        if not self._store_current():
            return
        try:
            challenge = self.challenge_editor.challenge()
        except ValidationError as error:
            self._show_error(None, error)
            return
        leaderboard = [] if self.clear_leaderboard.isChecked() else list(self.original.leaderboard)
        self._result = Lesson(
            variants=self.original.variants, goals=self.goals, challenge=challenge, leaderboard=leaderboard
        )
        super().accept()

    def lesson(self) -> Lesson | None:
        """The lesson as accepted (None when it holds nothing)."""
        if self._result is None or self._result.is_empty():
            return None
        return self._result
