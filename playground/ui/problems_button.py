"""The status bar's shape-check state, as a button that lists the problems.

"3 problems" alone does not say where they are: a click opens a list of every error and warning,
and choosing one selects its node on the canvas (`node_chosen`), where the inspector shows the
message and its fix.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from playground.core.graph.inference import GraphIssue

MENU_TEXT_PX = 560  # a problem's line in the list is elided past this width (its tooltip has it all)


class ProblemsButton(QToolButton):
    """Shows the shape-check state; a click lists the problems, choosing one selects its node."""

    node_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelStatus")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._menu = QMenu(self)
        self._menu.setToolTipsVisible(True)
        self.setMenu(self._menu)
        self._issues: list[GraphIssue] = []

    def set_state(self, text: str, color: str, issues: list[GraphIssue], tooltip: str) -> None:
        """The label (`text` in `color`) and the problems the list offers (errors first)."""
        self.setText(text)
        self.setStyleSheet(
            f"QToolButton#modelStatus {{ color: {color}; padding: 0 6px; }}"
            "QToolButton#modelStatus::menu-indicator { image: none; width: 0; }"
        )
        self._issues = sorted(issues, key=lambda issue: issue.severity != "error")
        self.setToolTip(
            tooltip + ("\n\n" + self.tr("Click to list them and select the layer.") if self._issues else "")
        )
        self._fill_menu()

    def problem_menu(self) -> QMenu:
        return self._menu

    def _fill_menu(self) -> None:
        self._menu.clear()
        if not self._issues:
            self._menu.addAction(self.tr("No problems: every shape fits.")).setEnabled(False)
            return
        metrics = QFontMetrics(self._menu.font())
        for issue in self._issues:
            mark = "⛔" if issue.severity == "error" else "⚠"
            where = issue.node or self.tr("model")
            full = f"{mark} {where}: {issue.message}"
            action = self._menu.addAction(metrics.elidedText(full, Qt.TextElideMode.ElideRight, MENU_TEXT_PX))
            action.setToolTip(full)
            action.setEnabled(issue.node is not None)
            if issue.node is not None:
                action.triggered.connect(lambda _checked=False, node=issue.node: self.node_chosen.emit(node))
