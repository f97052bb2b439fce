"""A widget's connections to the document end with the widget: a deleted view is never called."""

from __future__ import annotations

import gc

from PySide6.QtWidgets import QWidget

from playground.core.document import ExperimentDocument
from playground.core.presets import default_experiment
from playground.ui.panels import CodeView
from playground.ui.subscriptions import Subscriptions


def test_connections_end_when_their_widget_is_destroyed(qtbot):
    document = ExperimentDocument(default_experiment())
    widget = QWidget()
    calls: list[str] = []
    subscriptions = Subscriptions(widget)
    subscriptions.connect(document.settings_changed, lambda field: calls.append(field))
    document.set_text("name", "first")
    assert calls == ["name"] and len(subscriptions) == 1
    widget.deleteLater()
    qtbot.waitUntil(lambda: len(subscriptions) == 0, timeout=2000)
    document.set_text("name", "second")
    assert calls == ["name"]


def test_a_closed_code_view_is_not_called_by_later_edits(qtbot):
    document = ExperimentDocument(default_experiment())
    view = CodeView(document)
    before = len(document.changed)
    assert before >= 1
    view.deleteLater()
    qtbot.wait(20)
    gc.collect()
    assert len(document.changed) < before
    document.set_text("name", "after the view went")  # would call into a deleted timer before
