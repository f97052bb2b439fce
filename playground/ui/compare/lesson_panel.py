"""The lesson's own race: the variants a lesson declares ("full batch, mini-batch, one sample"),
trained side by side from the same initial weights on the same batches.

Each variant is the experiment with a few settings changed (`Lesson.variants`); the list shows
what each changes and how many parameters its model has, since several lessons compare exactly
that (two 3×3 convolutions against one 5×5, a depthwise-separable block against a convolution).
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from playground.core import i18n
from playground.core.compare.history import RunHistory
from playground.core.compare.race import Contender, variant_contenders
from playground.core.document import ExperimentDocument
from playground.core.errors import PlaygroundError
from playground.core.experiment.overrides import with_changes
from playground.core.experiment.schema import Experiment, Lesson, Variant
from playground.core.graph import check_experiment
from playground.ui import theme
from playground.ui.compare.common import CompareTab, color_for, color_icon, heading, hint, split_panel
from playground.ui.compare.race_view import RaceSection
from playground.ui.i18n import language_events
from playground.ui.subscriptions import Subscriptions

VALUE_CHARS = 48  # a changed value longer than this (a whole model) is summarised


class LessonPanel(CompareTab):
    """The variants of the open lesson with check boxes, and the race of the checked ones."""

    def __init__(
        self,
        document: ExperimentDocument,
        undo_stack: QUndoStack | None = None,
        history: RunHistory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(document, undo_stack, history, parent)
        splitter, top, top_layout = split_panel(self)
        side = QVBoxLayout()
        side.addWidget(heading(self.tr("Lesson race"), top))
        self.intro = hint(
            self.tr(
                "The variants this lesson compares. Each is the experiment with the settings shown "
                "changed; the race trains the checked ones from the same initial weights on the "
                "same batches."
            ),
            top,
        )
        side.addWidget(self.intro)
        self.list = QTreeWidget(top)
        self.list.setObjectName("lessonVariants")
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setColumnCount(4)
        self.list.setHeaderLabels(
            [self.tr("Variant"), self.tr("What it changes"), self.tr("Parameters"), self.tr("Multiply-adds")]
        )
        self.list.headerItem().setToolTip(3, self.tr("Multiply-adds of one sample's forward pass"))
        header = self.list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        side.addWidget(self.list)
        top_layout.addLayout(side, 1)
        self.empty = QLabel(top)
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setText(
            self.tr(
                "This experiment declares no variants. A lesson lists them in its file "
                '("lesson": {"variants": [...]}); open a lesson such as '
                "Gradient descent: full batch, mini-batch, one sample."
            )
        )
        side.addWidget(self.empty)
        side.addStretch(1)

        splitter.addWidget(top)
        self._splitter = splitter
        self.race = self._make_race(_race_mode(document.experiment.lesson))
        splitter.addWidget(self.race)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        self._top = top

        subscriptions = Subscriptions(self)
        subscriptions.connect(document.reset, self._on_document_reset)
        subscriptions.connect(document.changed, self._on_document_changed)
        subscriptions.connect(language_events().changed, self._on_language_changed)
        self._shown: list[tuple[str, str]] = []  # (name, changes) the list shows, to keep check marks
        self._stale = False
        self.refresh()

    # ---- the list --------------------------------------------------------------------------------
    def variants(self) -> list[Variant]:
        lesson = self.document.experiment.lesson
        return list(lesson.variants) if lesson is not None else []

    def refresh(self, force: bool = False) -> None:
        """Fill the list from the lesson's variants (keeping the check marks of unchanged ones)."""
        variants = self.variants()
        shown = [(v.name, json.dumps(v.changes, sort_keys=True)) for v in variants]
        if shown == self._shown and not force:
            return
        checked = set(self.checked()) if self._shown else None
        self._shown, self._stale = shown, False
        self.list.blockSignals(True)
        self.list.clear()
        experiment = self.document.snapshot()
        language = i18n.language()
        for index, variant in enumerate(variants):
            changes, parameters, macs, problem = self._describe(experiment, variant)
            item = QTreeWidgetItem([variant.localized_name(language), changes, parameters, macs])
            item.setData(0, Qt.ItemDataRole.UserRole, variant.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = checked is None or variant.name in checked
            item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            item.setIcon(0, color_icon(color_for(index)))
            for column in (2, 3):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(1, problem or changes)
            if problem:
                item.setForeground(2, QColor(theme.colors().error))
                item.setToolTip(2, problem)
            self.list.addTopLevelItem(item)
        rows = max(1, len(variants))
        row = self.list.sizeHintForRow(0) if variants else -1
        height = self.list.header().sizeHint().height() + rows * (row if row > 0 else _row_height(self.list))
        height += 2 * self.list.frameWidth() + 2
        self.list.setFixedHeight(height)
        self.list.blockSignals(False)
        self.list.setVisible(bool(variants))
        self.intro.setVisible(bool(variants))
        self.empty.setVisible(not variants)
        self._follow_mode()
        self.race.start_button.setEnabled(bool(variants) and not self.race.is_running())
        QTimer.singleShot(0, self._fit_top)  # once the new heights are laid out

    def _make_race(self, mode: str) -> RaceSection:
        """A race section (not yet in the splitter: the caller puts it there)."""
        race = RaceSection(
            self.document,
            self.history,
            self._contenders,
            self.tr("Lesson race"),
            self.tr("Race the checked variants"),
            mode=mode,
        )
        race.status_message.connect(self.status_message)
        return race

    def _follow_mode(self) -> None:
        """A lesson whose variants change the learning rate or its schedule races per step, with the
        learning rate drawn under the loss; the others per epoch."""
        mode = _race_mode(self.document.experiment.lesson)
        if mode == self.race.view.mode or self.race.is_running():
            return
        old = self.race
        self.race = self._make_race(mode)
        self._splitter.replaceWidget(self._splitter.indexOf(old), self.race)
        old.shutdown()
        old.deleteLater()

    def _fit_top(self) -> None:
        """The variants take the height they need; the race below gets the rest."""
        total = sum(self._splitter.sizes()) or self.height()
        layout = self._top.layout()
        width = self._top.width() or self.width()
        if layout is not None and layout.hasHeightForWidth() and width > 0:  # wrapped text at today's width
            wanted = layout.totalHeightForWidth(width)
        else:
            wanted = self._top.minimumSizeHint().height()
        # the splitter keeps a pane at least at its minimum, which for wrapped text Qt measures at the
        # narrowest width (lines of empty space at today's width): the minimum is today's need
        self._top.setMinimumHeight(wanted)
        if total > wanted:
            self._splitter.setSizes([wanted, total - wanted])

    def _describe(self, experiment: Experiment, variant: Variant) -> tuple[str, str, str, str]:
        """What the variant changes, its parameters and multiply-adds, and why it cannot be built
        ("" if it can)."""
        if variant.changes:
            changes = "; ".join(f"{path} = {_short_value(value)}" for path, value in variant.changes.items())
        else:
            changes = self.tr("the experiment as it is")
        try:
            changed = with_changes(experiment, variant.changes, source=variant.name)
            report = check_experiment(changed, self.document.dataset_info())
        except Exception as exc:  # noqa: BLE001 - a variant that cannot be built is shown, never fatal
            reason = self.tr("cannot be built: {reason}").format(reason=str(exc))
            return changes, self.tr("cannot be built"), "—", reason
        return changes, f"{report.total_params:,}", f"{report.total_macs:,}", ""

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.list.topLevelItem(row) for row in range(self.list.topLevelItemCount()))
        return [item for item in items if item is not None]

    def checked(self) -> list[str]:
        return [
            str(item.data(0, Qt.ItemDataRole.UserRole))
            for item in self._items()
            if item.checkState(0) == Qt.CheckState.Checked
        ]

    def set_checked(self, names: list[str]) -> None:
        wanted = set(names)
        for item in self._items():
            on = item.data(0, Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _contenders(self, experiment: Experiment) -> list[Contender]:
        if not self.variants():
            raise ValueError(self.tr("This experiment declares no variants to race."))
        names = self.checked()
        if not names:
            raise ValueError(self.tr("Check at least one variant to race."))
        try:
            return variant_contenders(experiment, names)
        except PlaygroundError as exc:  # a variant's change the format refuses: said, not raised
            raise ValueError(self.tr("A variant cannot be raced: {reason}").format(reason=str(exc))) from None

    # ---- following the document ------------------------------------------------------------------
    def _on_document_reset(self) -> None:
        self._shown = []
        self.refresh(force=True)

    def _on_document_changed(self) -> None:
        """An edit may change the variants or the parameters they count: shown now, else on show."""
        if self.isVisible():
            self.refresh(force=True)
        else:
            self._stale = True

    def _on_language_changed(self, _language: str) -> None:
        self.refresh(force=True)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.refresh(force=True)
        self._fit_top()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # the text wraps anew
            QTimer.singleShot(0, self._fit_top)

    # ---- lifetime --------------------------------------------------------------------------------
    def shutdown(self) -> None:
        self.race.shutdown()


_PER_STEP_SETTINGS = ("training.scheduler", "training.optimizer")  # what the LR under the loss shows


def _race_mode(lesson: Lesson | None) -> str:
    changes = [path for variant in (lesson.variants if lesson is not None else []) for path in variant.changes]
    return "step" if any(path.startswith(_PER_STEP_SETTINGS) for path in changes) else "epoch"


def _row_height(tree: QTreeWidget) -> int:
    return max(tree.fontMetrics().height() + 8, tree.iconSize().height() + 6, 20)


def _short_value(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"
