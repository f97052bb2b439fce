"""Where the bundled resources (datasets, presets) live.

In a source checkout (the README's editable install) they sit beside the package; a wheel
installs them as data files under ``<prefix>/share/nn-playground`` (see pyproject.toml). Every
lookup goes through this module, so moving them means changing one function.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]
_INSTALLED = Path(sysconfig.get_path("data")) / "share" / "nn-playground"


def _root(folder: str) -> Path:
    checkout = _CHECKOUT / folder
    return checkout if checkout.is_dir() or not (_INSTALLED / folder).is_dir() else _INSTALLED / folder


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource: ``resource_path("datasets", "digits.npz")``.

    It is not checked for existence; callers say what is missing in their own words.
    """
    return _root("resources").joinpath(*parts)


def presets_dir() -> Path:
    """The folder of the lesson presets (File ▸ New from Preset)."""
    return _root("presets")
