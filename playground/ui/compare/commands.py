"""Undo command for the one experiment edit the comparison panels make besides training settings:
saving runs into the experiment's optional `comparison` key (so the file reopens with them)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from playground.core.document import ExperimentDocument
from playground.core.experiment.schema import Comparison


def tr(text: str) -> str:
    return QCoreApplication.translate("CompareCommands", text)


class SetComparisonCommand(QUndoCommand):
    """Save (or clear, with None) the runs kept in the experiment file."""

    def __init__(self, document: ExperimentDocument, comparison: Comparison | None, parent: QUndoCommand | None = None):
        super().__init__(parent)
        self.document = document
        self.new = comparison.model_copy(deep=True) if comparison is not None else None
        self.old = (
            document.experiment.comparison.model_copy(deep=True) if document.experiment.comparison is not None else None
        )
        count = len(self.new.runs) if self.new is not None else 0
        self.setText(
            QCoreApplication.translate("CompareCommands", "Save {count} run(s) in the experiment").format(count=count)
            if count
            else QCoreApplication.translate("CompareCommands", "Remove the saved runs")
        )

    def redo(self) -> None:
        self.document.set_comparison(self.new)

    def undo(self) -> None:
        self.document.set_comparison(self.old)
