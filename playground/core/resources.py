"""Where the bundled resources (datasets, icons, styles) live.

Every lookup goes through `resource_path`, so moving the folder (or packaging it) means changing
one function.
"""

from __future__ import annotations

from pathlib import Path

_RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource: ``resource_path("datasets", "digits.npz")``.

    It is not checked for existence; callers say what is missing in their own words.
    """
    return _RESOURCES.joinpath(*parts)
