"""The window opens every document `playground check` accepts, settings at their limits included, and
showing it in the inspector changes nothing: what the user sees is what the file says."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from PySide6.QtCore import Qt

from playground.core.data import describe_dataset
from playground.core.errors import PlaygroundError
from playground.core.experiment import experiment_from_dict, experiment_to_dict
from playground.core.graph import check_experiment
from playground.ui import theme
from playground.ui.main_window import MainWindow
from tests.limit_documents import documents_at_limits


@pytest.fixture(scope="module")
def window(qapp):  # noqa: ANN001 - pytest-qt's application fixture
    """One window for all examples (building one per example would cost a second each)."""
    shown = MainWindow(persistent=False)
    shown.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    shown.resize(1400, 900)
    shown.show()
    yield shown
    shown.close_discarding()
    shown.deleteLater()
    qapp.processEvents()
    theme.apply_theme("light")


def _accepted(document: dict[str, Any]) -> bool:
    try:
        experiment = experiment_from_dict(document)
        return check_experiment(experiment, describe_dataset(experiment.data)).valid
    except PlaygroundError:
        return False


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents_at_limits())
def test_every_accepted_document_opens_and_shows_its_values_unchanged(
    window: MainWindow, tmp_path_factory: pytest.TempPathFactory, qapp, document: dict[str, Any]
) -> None:
    assume(_accepted(document))
    path = tmp_path_factory.mktemp("open") / "limits.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    expected = experiment_to_dict(experiment_from_dict(document))
    assert window.open_file(path)
    window.flush_views()
    qapp.processEvents()
    for node in window.document.experiment.model.nodes:  # every node's values in the inspector
        window.editor.select_nodes([node.id])
        qapp.processEvents()
    window.editor.select_nodes([])
    qapp.processEvents()
    assert experiment_to_dict(window.document.experiment) == expected
    assert not window.isWindowModified()
