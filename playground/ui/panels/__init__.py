"""The window's dock panels: code view, lesson, model summary, and the layer reference dialog."""

from playground.ui.panels.code_view import CodeView, PythonHighlighter, model_code
from playground.ui.panels.layer_reference import LayerReferenceDialog
from playground.ui.panels.lesson_view import LessonView
from playground.ui.panels.summary_view import SummaryView

__all__ = ["CodeView", "LayerReferenceDialog", "LessonView", "PythonHighlighter", "SummaryView", "model_code"]
