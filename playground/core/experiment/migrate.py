"""Ordered migration steps from older format versions to the current one.

To change the format: bump FORMAT_VERSION in schema.py and add a step here that turns a
version-N document (a plain dict) into version N+1. Steps run in order, so a file of any
older version reaches the current one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playground.core.errors import ExperimentError, Problem
from playground.core.experiment.schema import FORMAT_VERSION
from playground.core.i18n import _

Document = dict[str, Any]


# version N -> function turning a version-N document into version N+1
def _v1_to_v2(document: Document) -> Document:
    """v2 added optional keys only (``translations``, ``classroom``): a v1 file is a v2 file
    whose lesson exists in its one language and hides nothing."""
    return document


def _v2_to_v3(document: Document) -> Document:
    """v3 added the optional ``lesson`` section (a race of variants, goals, a challenge) and data
    augmentation: a v2 file is a v3 file without them."""
    return document


def _v3_to_v4(document: Document) -> Document:
    """v4 added block definitions (``model.blocks``), nodes of type ``Block`` that use them, and the
    layout direction. A v3 file is a v4 file without blocks; one whose cards were placed by hand
    was drawn left to right, and keeps that direction."""
    model = document.get("model")
    if isinstance(model, dict) and "direction" not in model:
        nodes = model.get("nodes")
        if isinstance(nodes, list) and any(isinstance(n, dict) and n.get("pos") is not None for n in nodes):
            model = {**model, "direction": "left_to_right"}
            document = {**document, "model": model}
    return document


def _v4_to_v5(document: Document) -> Document:
    """v5 added the optional starting weights (``model.weights``): a v4 file is a v5 file that
    starts from its seeded initialisation."""
    return document


MIGRATIONS: dict[int, Callable[[Document], Document]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5}


def migrate(document: Document, source: str | None = None) -> Document:
    """Bring `document` to FORMAT_VERSION; refuse versions from the future."""
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ExperimentError(
            Problem("version", _("must be a positive integer, got {version!r}").format(version=version)), source
        )
    if version > FORMAT_VERSION:
        raise ExperimentError(
            Problem(
                "version",
                _(
                    "this file was written by a newer Neural Network Playground (format version "
                    "{version}; this version reads up to {supported}): update the app to open it"
                ).format(version=version, supported=FORMAT_VERSION),
            ),
            source,
        )
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ExperimentError(
                Problem("version", _("no migration from format version {version}").format(version=version)), source
            )
        document = step(dict(document))
        version += 1
        document["version"] = version
    return document
