"""The lesson's goals as a checklist ticked while training, and challenge mode, under the lesson text.

The checklist follows the window's training run through the signals every view of the run uses
(`run_starting`, `run_updated` with each batch of epoch rows and the latest diagnostics,
`run_finished` with the summary, `cleared`): a `GoalTracker` (core) judges each epoch as it
arrives, so a goal ticks in the epoch its conditions first hold, and shows its explanation then.
A goal that beats a lesson variant reads the variant's result from the session's run history
(the Compare tab's races), and waits until there is one.

With a challenge the panel shows how the current experiment keeps to its constraints (updated on
every edit), and after a finished run that keeps to them offers to put it on the leaderboard,
under a name (the OS user's by default): one undoable edit of the lesson, saved with the file.
"""

from __future__ import annotations

import getpass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core import i18n as core_i18n
from playground.core.document import ExperimentDocument
from playground.core.experiment.schema import Challenge, Goal, LeaderboardEntry, Lesson
from playground.core.lessons.challenge import (
    attempt_entry,
    attempt_score,
    format_score,
    ranked,
    standing,
)
from playground.core.lessons.goals import (
    GoalState,
    GoalTracker,
    Measurement,
    epoch_measurement,
    final_measurement,
    format_quantity,
    quantity_label,
    variant_results,
)
from playground.core.training.events import Summary
from playground.ui import theme
from playground.ui.editor.commands import AddLeaderboardEntryCommand
from playground.ui.i18n import language_events
from playground.ui.subscriptions import Subscriptions

MARKS = {"met": "✓", "pending": "○", "missed": "✗"}
LEADERBOARD_ROWS_SHOWN = 10  # the table scrolls for more


def default_player_name() -> str:
    """The OS user's name, the leaderboard's default ("" where the system has none)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in the environment or the password database
        return ""


class GoalRow(QWidget):
    """One goal: its mark (○ pending, ✓ met, ✗ missed), its text, how its conditions stand, and
    the explanation once it is met."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonGoal")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(8)
        self.mark = QLabel(self)
        self.mark.setObjectName("lessonGoalMark")
        self.mark.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        font = self.mark.font()
        font.setBold(True)  # only the weight: the size follows the application's (presenter zoom)
        self.mark.setFont(font)
        layout.addWidget(self.mark)
        column = QVBoxLayout()
        column.setSpacing(1)
        self.text = QLabel(self)
        self.text.setObjectName("lessonGoalText")
        self.text.setWordWrap(True)
        self.detail = QLabel(self)
        self.detail.setObjectName("lessonGoalDetail")
        self.detail.setWordWrap(True)
        self.explanation = QLabel(self)
        self.explanation.setObjectName("lessonGoalExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.hide()
        for label in (self.text, self.detail, self.explanation):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            column.addWidget(label)
        layout.addLayout(column, 1)
        self.status = "pending"

    def show_state(self, state: GoalState, language: str, variant_names: dict[str, str]) -> None:
        goal = state.goal
        self.status = state.status
        self.mark.setText(MARKS[state.status])
        self.mark.setFixedWidth(self.mark.fontMetrics().height() + 2)  # the same column for ○ ✓ ✗, at any zoom
        self.text.setText(goal.localized_text(language))
        conditions = "; ".join(
            condition.describe(variant_names.get(condition.condition.variant or "")) for condition in state.conditions
        )
        if state.status == "met":
            detail = (
                QCoreApplication.translate("LessonGoalsView", "Met in epoch {epoch}: {conditions}")
                if state.epoch
                else QCoreApplication.translate("LessonGoalsView", "Met: {conditions}")
            ).format(epoch=state.epoch, conditions=conditions)
        elif state.status == "missed":
            detail = QCoreApplication.translate("LessonGoalsView", "Not reached in this run: {conditions}").format(
                conditions=conditions
            )
        elif state.waiting_for:
            names = ", ".join(variant_names.get(name, name) for name in state.waiting_for)
            detail = QCoreApplication.translate(
                "LessonGoalsView", "Race the variants first (Compare tab): this goal needs the result of {names}."
            ).format(names=names)
        else:
            detail = conditions
        self.detail.setText(detail)
        explanation = goal.localized_explanation(language)
        self.explanation.setText(explanation)
        self.explanation.setVisible(state.status == "met" and bool(explanation))
        status_name = {
            "met": QCoreApplication.translate("LessonGoalsView", "met"),
            "missed": QCoreApplication.translate("LessonGoalsView", "missed"),
            "pending": QCoreApplication.translate("LessonGoalsView", "not met yet"),
        }[state.status]
        self.setAccessibleName(
            QCoreApplication.translate("LessonGoalsView", "Goal, {status}: {text}").format(
                status=status_name, text=self.text.text()
            )
        )
        self.apply_colors()

    def apply_colors(self) -> None:
        colors = theme.colors()
        mark_color = {"met": colors.ok, "missed": colors.error, "pending": colors.muted_text}[self.status]
        self.mark.setStyleSheet(f"color: {mark_color};")
        self.detail.setStyleSheet(f"color: {colors.muted_text};")
        self.explanation.setStyleSheet(
            f"background: {colors.alternate_base}; border-left: 3px solid {colors.ok}; padding: 4px 6px;"
        )


class LessonGoalsView(QWidget):
    """Goals (ticked live) and the challenge with its leaderboard; hidden when the lesson has neither.

    `follow(run, history)` connects it to the window's `TrainingRun` and the session's
    `RunHistory` (for the variants' results)."""

    def __init__(self, document: ExperimentDocument, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonGoals")
        self.document = document
        self.undo_stack = undo_stack
        self.run: Any = None  # the TrainingRun followed
        self.history: Any = None  # the RunHistory the variants' races land in
        self._goals: list[Goal] = []
        self.tracker = GoalTracker([])
        self._parameters: int | None = None  # of the run's model
        self._run_experiment: Any = None  # the settings the last run trained with
        self._last_summary: Summary | None = None
        self._added: LeaderboardEntry | None = None  # the last run's attempt, once put on the leaderboard

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(6)
        self.goals_box = QWidget(self)
        goals_layout = QVBoxLayout(self.goals_box)
        goals_layout.setContentsMargins(0, 0, 0, 0)
        goals_layout.setSpacing(4)
        self.goals_title = self._heading(self.goals_box)
        goals_layout.addWidget(self.goals_title)
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(6)
        goals_layout.addLayout(self.rows_layout)
        self.rows: list[GoalRow] = []
        layout.addWidget(self.goals_box)

        self.challenge_box = QWidget(self)
        challenge_layout = QVBoxLayout(self.challenge_box)
        challenge_layout.setContentsMargins(0, 6, 0, 0)
        challenge_layout.setSpacing(4)
        self.challenge_title = self._heading(self.challenge_box)
        challenge_layout.addWidget(self.challenge_title)
        self.challenge_intro = QLabel(self.challenge_box)
        self.challenge_intro.setObjectName("challengeIntro")
        self.challenge_intro.setWordWrap(True)
        challenge_layout.addWidget(self.challenge_intro)
        self.standing_labels: dict[str, QLabel] = {}
        for key in ("parameters", "epochs", "layers"):
            label = QLabel(self.challenge_box)
            label.setObjectName(f"challenge_{key}")
            label.setWordWrap(True)
            self.standing_labels[key] = label
            challenge_layout.addWidget(label)
        self.attempt_box = QFrame(self.challenge_box)
        self.attempt_box.setObjectName("challengeAttempt")
        attempt_layout = QVBoxLayout(self.attempt_box)
        attempt_layout.setContentsMargins(8, 6, 8, 6)
        attempt_layout.setSpacing(4)
        self.attempt_text = QLabel(self.attempt_box)
        self.attempt_text.setObjectName("challengeAttemptText")
        self.attempt_text.setWordWrap(True)
        attempt_layout.addWidget(self.attempt_text)
        name_row = QHBoxLayout()
        self.name_edit = QLineEdit(self.attempt_box)
        self.name_edit.setObjectName("challengeName")
        self.name_edit.setMaxLength(80)
        self.name_edit.setText(default_player_name())
        self.name_edit.returnPressed.connect(self._on_add_clicked)
        self.add_button = QPushButton(self.attempt_box)
        self.add_button.setObjectName("challengeAdd")
        self.add_button.clicked.connect(self._on_add_clicked)
        name_row.addWidget(self.name_edit, 1)
        name_row.addWidget(self.add_button)
        self.name_row = QWidget(self.attempt_box)
        self.name_row.setLayout(name_row)
        name_row.setContentsMargins(0, 0, 0, 0)
        attempt_layout.addWidget(self.name_row)
        self.attempt_box.hide()
        challenge_layout.addWidget(self.attempt_box)
        self.leaderboard_title = self._heading(self.challenge_box)
        self.leaderboard_title.setObjectName("leaderboardTitle")
        challenge_layout.addWidget(self.leaderboard_title)
        self.leaderboard = QTableWidget(0, 4, self.challenge_box)
        self.leaderboard.setObjectName("leaderboard")
        self.leaderboard.verticalHeader().setVisible(True)
        self.leaderboard.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.leaderboard.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.leaderboard.setWordWrap(False)
        header = self.leaderboard.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        challenge_layout.addWidget(self.leaderboard)
        self.leaderboard_empty = QLabel(self.challenge_box)
        self.leaderboard_empty.setObjectName("leaderboardEmpty")
        self.leaderboard_empty.setWordWrap(True)
        challenge_layout.addWidget(self.leaderboard_empty)
        layout.addWidget(self.challenge_box)
        layout.addStretch(1)

        self._subscriptions = Subscriptions(self)
        self._subscriptions.connect(document.settings_changed, self._on_settings_changed)
        self._subscriptions.connect(document.reset, self._on_document_reset)
        self._subscriptions.connect(document.changed, self._on_document_changed)
        theme.notifier().changed.connect(self._apply_colors)
        language_events().changed.connect(self._on_language_changed)
        self._rebuild()

    @staticmethod
    def _heading(parent: QWidget) -> QLabel:
        label = QLabel(parent)
        label.setObjectName("lessonGoalsHeading")
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    # ---- wiring ---------------------------------------------------------------------------------
    def follow(self, run: Any, history: Any = None) -> None:
        """Tick the goals from `run` (a `TrainingRun`); read the variants' results from `history`."""
        self.run = run
        self.history = history
        run.run_starting.connect(self._on_run_starting)
        run.run_updated.connect(self._on_run_updated)
        run.run_finished.connect(self._on_run_finished)
        run.cleared.connect(self._on_run_cleared)
        if history is not None:
            self._subscriptions.connect(history.changed, self._on_history_changed)
        self._on_history_changed()

    # ---- reading the lesson --------------------------------------------------------------------------
    def lesson(self) -> Lesson | None:
        return self.document.experiment.lesson

    def goals(self) -> list[Goal]:
        lesson = self.lesson()
        return list(lesson.goals) if lesson is not None else []

    def challenge(self) -> Challenge | None:
        lesson = self.lesson()
        return lesson.challenge if lesson is not None else None

    def has_content(self) -> bool:
        """The lesson sets goals or a challenge (else the panel is hidden)."""
        return bool(self.goals()) or self.challenge() is not None

    def states(self) -> list[GoalState]:
        return self.tracker.states()

    def language(self) -> str:
        return core_i18n.language()

    def _variant_names(self) -> dict[str, str]:
        """Each variant's name as the reader's language has it."""
        lesson = self.lesson()
        language = self.language()
        return {variant.name: variant.localized_name(language) for variant in (lesson.variants if lesson else [])}

    # ---- building --------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        """Rows for the lesson's goals (a new tracker when the goals changed), and the challenge."""
        goals = self.goals()
        if goals != self._goals:
            self._goals = goals
            self.tracker = GoalTracker(goals)
            self._on_history_changed(refresh=False)
            while self.rows:
                row = self.rows.pop()
                self.rows_layout.removeWidget(row)
                row.deleteLater()
            for _goal in goals:
                row = GoalRow(self.goals_box)
                self.rows_layout.addWidget(row)
                self.rows.append(row)
        self.goals_box.setVisible(bool(goals))
        self.challenge_box.setVisible(self.challenge() is not None)
        self.setVisible(self.has_content())
        self.refresh()

    def refresh(self) -> None:
        """Show the goals' states, the challenge's standing, the last run's attempt and the leaderboard."""
        self.challenge_title.setText(self.tr("Challenge"))
        self.add_button.setText(self.tr("Add to leaderboard"))
        self.name_edit.setPlaceholderText(self.tr("Your name"))
        self._show_goals()
        self._show_attempt()
        self._show_leaderboard()
        self._apply_colors()  # shows the standing too

    def _show_goals(self) -> None:
        language = self.language()
        names = self._variant_names()
        count = self._document_parameters()
        preview = Measurement(0, {"parameters": float(count)}) if count is not None else None
        for row, state in zip(self.rows, self.tracker.states(preview)):
            row.show_state(state, language, names)
        met = sum(1 for row in self.rows if row.status == "met")
        self.goals_title.setText(self.tr("Goals ({met} of {count} met)").format(met=met, count=len(self.rows)))

    def _apply_colors(self, *_: object) -> None:
        colors = theme.colors()
        for row in self.rows:
            row.apply_colors()
        self._show_standing()  # a broken limit in the new theme's error colour
        self.leaderboard_empty.setStyleSheet(f"color: {colors.muted_text};")
        self.challenge_intro.setStyleSheet(f"color: {colors.muted_text};")
        self.attempt_box.setStyleSheet(
            f"QFrame#challengeAttempt {{ background: {colors.alternate_base}; border: 1px solid {colors.ok}; "
            "border-radius: 4px; }"
        )

    # ---- the challenge ----------------------------------------------------------------------------
    def _document_parameters(self) -> int | None:
        report = self.document.report()
        return report.total_params if report is not None and report.valid else None

    def _show_standing(self) -> None:
        challenge = self.challenge()
        if challenge is None:
            return
        result = standing(challenge, self.document.experiment, self._document_parameters())
        labels = self.standing_labels

        def mark(ok: bool | None) -> str:
            return "✓" if ok else "✗"

        if challenge.max_parameters is None:
            labels["parameters"].hide()
        else:
            labels["parameters"].show()
            count = f"{result.parameters:,}" if result.parameters is not None else "?"
            labels["parameters"].setText(
                self.tr("Parameters: {count} / {limit} {mark}").format(
                    count=count, limit=f"{challenge.max_parameters:,}", mark=mark(result.parameters_ok)
                )
            )
        if challenge.max_epochs is None:
            labels["epochs"].hide()
        else:
            labels["epochs"].show()
            labels["epochs"].setText(
                self.tr("Epochs: {count} / {limit} {mark}").format(
                    count=result.epochs, limit=challenge.max_epochs, mark=mark(result.epochs_ok)
                )
            )
        if not challenge.allowed_layers:
            labels["layers"].hide()
        else:
            labels["layers"].show()
            allowed = ", ".join(challenge.allowed_layers)
            if result.layers_ok:
                text = self.tr("Layers: only {allowed} ✓").format(allowed=allowed)
            else:
                text = self.tr("Layers: only {allowed}; not {used} ✗").format(
                    allowed=allowed, used=", ".join(result.not_allowed)
                )
            labels["layers"].setText(text)
        colors = theme.colors()
        for key, ok in (
            ("parameters", result.parameters_ok),
            ("epochs", result.epochs_ok),
            ("layers", result.layers_ok),
        ):
            labels[key].setStyleSheet("" if ok else f"color: {colors.error};")  # kept: the theme's text colour
        self.challenge_intro.setText(
            self.tr(
                "Keep to these limits and train to the end: a run that does can go on the leaderboard, "
                "ranked by {quantity}."
            ).format(quantity=quantity_label(challenge.score))
        )

    def _attempt(self, name: str) -> LeaderboardEntry | None:
        challenge = self.challenge()
        if challenge is None or self._last_summary is None or self._run_experiment is None:
            return None
        return attempt_entry(challenge, self._run_experiment, self._parameters, self._last_summary, name)

    def _show_attempt(self) -> None:
        """After a finished run: offer its attempt for the leaderboard, or say why it does not count."""
        challenge = self.challenge()
        summary = self._last_summary
        if challenge is None or summary is None or self._run_experiment is None:
            self.attempt_box.hide()
            return
        self.attempt_box.show()
        entry = self._attempt("-")
        if self.attempt_taken():
            self.attempt_text.setText(self.tr("This run is on the leaderboard."))
            self.name_row.hide()
        elif entry is not None:
            self.attempt_text.setText(
                self.tr("This run keeps to the challenge: {score}. Put it on the leaderboard as:").format(
                    score=format_score(challenge, entry.score)
                )
            )
            self.name_row.show()
        else:
            self.name_row.hide()
            if attempt_score(challenge, summary) is None:
                self.attempt_text.setText(
                    self.tr("Only a run that trains to its end, and reports the score, counts for the challenge.")
                )
            else:
                problems = standing(challenge, self._run_experiment, self._parameters).problems(challenge)
                if challenge.max_epochs is not None and summary.epochs > challenge.max_epochs:
                    problems.append(
                        self.tr("{count} epochs (at most {limit})").format(
                            count=summary.epochs, limit=challenge.max_epochs
                        )
                    )
                self.attempt_text.setText(
                    self.tr("This run does not count for the challenge: {problems}.").format(
                        problems="; ".join(problems)
                    )
                )

    def attempt_taken(self) -> bool:
        """The last run's attempt is on the leaderboard (an undo takes it off, and offers it again)."""
        lesson = self.lesson()
        return self._added is not None and lesson is not None and self._added in lesson.leaderboard

    def _on_add_clicked(self) -> None:
        if self.attempt_taken():
            return
        entry = self._attempt(self.name_edit.text())
        if entry is None:
            return
        self._added = entry
        self.undo_stack.push(AddLeaderboardEntryCommand(self.document, entry))  # the lesson's change refreshes

    def _show_leaderboard(self) -> None:
        lesson = self.lesson()
        challenge = self.challenge()
        entries = ranked(challenge, lesson.leaderboard) if lesson is not None and challenge is not None else []
        self.leaderboard_title.setText(self.tr("Leaderboard"))
        self.leaderboard.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Score"), self.tr("Parameters"), self.tr("Date")]
        )
        self.leaderboard.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            parameters = entry.settings.get("parameters")
            cells = [
                entry.name,
                format_quantity(challenge.score, entry.score) if challenge is not None else f"{entry.score:g}",
                f"{parameters:,}" if isinstance(parameters, int) else "—",
                entry.date[:16].replace("T", " "),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (1, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 0:
                    settings = ", ".join(f"{key}: {value}" for key, value in entry.settings.items())
                    item.setToolTip(settings)
                self.leaderboard.setItem(row, column, item)
        self.leaderboard.setVisible(bool(entries))
        if entries:
            header = self.leaderboard.horizontalHeader().height()
            rows = sum(self.leaderboard.rowHeight(r) for r in range(min(len(entries), LEADERBOARD_ROWS_SHOWN)))
            self.leaderboard.setFixedHeight(header + rows + 2 * self.leaderboard.frameWidth() + 2)
        self.leaderboard_empty.setVisible(not entries)
        self.leaderboard_empty.setText(
            self.tr("No attempt yet: train a network that keeps to the challenge, then add it here.")
        )

    def leaderboard_rows(self) -> list[list[str]]:
        """The leaderboard as shown: one list of cell texts per row."""
        table = self.leaderboard
        return [
            [
                item.text() if (item := table.item(row, column)) is not None else ""
                for column in range(table.columnCount())
            ]
            for row in range(table.rowCount())
        ]

    # ---- following the run ------------------------------------------------------------------------
    def _on_run_starting(self) -> None:
        self.tracker.reset()
        self._parameters = self._document_parameters()  # the run trains the document as it is now
        self._run_experiment = self.run.record.experiment if self.run is not None else None
        self._last_summary = None
        self._added = None
        self.refresh()

    def _on_run_updated(self, update: Any) -> None:
        if not update.epochs or not self._goals:
            return
        diagnostics = update.diagnostics
        for row in update.epochs:
            matching = diagnostics if diagnostics is not None and diagnostics.epoch == row.epoch else None
            self.tracker.observe(epoch_measurement(row, matching, self._parameters))
        self._show_goals()

    def _on_run_finished(self, summary: Summary) -> None:
        if self._goals:
            self.tracker.finish(final_measurement(summary, self.tracker.latest(), self._parameters))
        self._last_summary = summary
        self.refresh()

    def _on_run_cleared(self) -> None:
        self.tracker.reset()
        self._last_summary = None
        self._run_experiment = None
        self.refresh()

    def _on_history_changed(self, *_: object, refresh: bool = True) -> None:
        if self.history is None:
            return
        self.tracker.set_variants(variant_results(self.lesson(), list(self.history)))
        if refresh:
            self._show_goals()

    # ---- the document ----------------------------------------------------------------------------
    def _on_settings_changed(self, field: str) -> None:
        if field == "lesson":
            self._rebuild()

    def _on_document_reset(self) -> None:
        self._rebuild()

    def _on_document_changed(self) -> None:
        if self.challenge() is not None:
            self._show_standing()

    def _on_language_changed(self, _language: str) -> None:
        self.refresh()
