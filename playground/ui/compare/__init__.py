"""Comparison panels: activations, optimizers, learning-rate schedules and the run history.

`ComparePanel` (a QTabWidget) holds the four tabs; the main window puts it in a dock or a tab.
Every panel reads the shared `ExperimentDocument` and edits it only through undo commands.
"""

__all__ = ["ComparePanel"]


def __getattr__(name: str):
    if name == "ComparePanel":
        from playground.ui.compare.panel import ComparePanel  # lazy: import cycle (ui.compare ↔ its panel)

        return ComparePanel
    raise AttributeError(name)
