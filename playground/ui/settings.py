"""What the app remembers between launches: window geometry, dock layout, theme, recent files.

A thin typed wrapper over QSettings, so keys and value types live in one place. The organisation
and application names set in `app.py` decide where QSettings stores them (tests isolate them).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

from PySide6.QtCore import QByteArray, QSettings

from playground.core.i18n import normalize_language

MAX_RECENT_FILES = 10


class AppSettings:
    """Typed access to the app's QSettings."""

    def __init__(self, settings: QSettings | None = None):
        self._settings = settings if settings is not None else QSettings()

    def sync(self) -> None:
        self._settings.sync()

    # ---- window ------------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def set_geometry(self, value: QByteArray) -> None:
        self._settings.setValue("window/geometry", value)

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def set_window_state(self, value: QByteArray) -> None:
        self._settings.setValue("window/state", value)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, (bytes, bytearray)) and value:
            return QByteArray(bytes(value))
        return None

    # ---- theme -------------------------------------------------------------------------------
    def theme(self) -> str:
        value = self._settings.value("appearance/theme", "light")
        return value if value in ("light", "dark") else "light"

    def set_theme(self, theme: str) -> None:
        self._settings.setValue("appearance/theme", theme)

    # ---- language ----------------------------------------------------------------------------
    def language(self) -> str | None:
        """The language the user chose in View ▸ Language, or None: follow the system's."""
        value = self._settings.value("appearance/language", "")
        return normalize_language(value) if isinstance(value, str) and value else None

    def set_language(self, language: str | None) -> None:
        self._settings.setValue("appearance/language", language or "")

    # ---- training ----------------------------------------------------------------------------
    def train_in_process(self) -> bool:
        """Train in a thread of the app instead of a worker process (where child processes are not allowed)."""
        return str(self._settings.value("training/in_process", "false")).lower() in ("true", "1")

    def set_train_in_process(self, value: bool) -> None:
        self._settings.setValue("training/in_process", "true" if value else "false")

    def tensorboard_dir(self) -> str | None:
        """The folder runs write TensorBoard logs into (None: no logs)."""
        value = self._settings.value("training/tensorboard_dir", "")
        return str(value) if value else None

    def set_tensorboard_dir(self, value: str | None) -> None:
        self._settings.setValue("training/tensorboard_dir", value or "")

    def frames_per_second(self) -> float:
        """How often the live views redraw at most while training."""
        try:
            # QSettings gives back the default, or the text stored (any other type fails, as handled)
            value = float(cast("str | float", self._settings.value("training/frames_per_second", 30.0)))
        except (TypeError, ValueError):
            return 30.0
        return min(60.0, max(1.0, value)) if value == value else 30.0

    def set_frames_per_second(self, value: float) -> None:
        self._settings.setValue("training/frames_per_second", float(value))

    # ---- files -------------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self._settings.value("files/recent", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        if not isinstance(value, list):
            return []
        return [str(item) for item in value if item][:MAX_RECENT_FILES]

    def add_recent_file(self, path: str | os.PathLike[str]) -> list[str]:
        """Put `path` first (once) and keep the newest MAX_RECENT_FILES; returns the new list."""
        text = str(Path(path).resolve())
        files = [text] + [item for item in self.recent_files() if item != text]
        files = files[:MAX_RECENT_FILES]
        self._settings.setValue("files/recent", files)
        return files

    def remove_recent_file(self, path: str) -> None:
        self._settings.setValue("files/recent", [item for item in self.recent_files() if item != path])

    def clear_recent_files(self) -> None:
        self._settings.setValue("files/recent", [])

    def last_directory(self) -> str:
        value = self._settings.value("files/last_directory", "")
        return str(value) if value and Path(str(value)).is_dir() else str(Path.home())

    def set_last_directory(self, directory: str | os.PathLike[str]) -> None:
        self._settings.setValue("files/last_directory", str(directory))

    # ---- presenter mode and the colour-blind-safe palette ------------------------------------------
    def presenter_zoom(self) -> int:
        """View ▸ Presenter Zoom, in percent (100–200; presenter.py offers the steps)."""
        try:
            value = int(float(cast("str | float", self._settings.value("appearance/presenter_zoom", 125))))
        except (TypeError, ValueError):
            return 125
        return min(200, max(100, value))

    def set_presenter_zoom(self, percent: int) -> None:
        self._settings.setValue("appearance/presenter_zoom", int(percent))

    def color_blind_safe(self) -> bool:
        """View ▸ Colour-blind-safe Colours."""
        return str(self._settings.value("appearance/color_blind_safe", "false")).lower() in ("true", "1")

    def set_color_blind_safe(self, value: bool) -> None:
        self._settings.setValue("appearance/color_blind_safe", "true" if value else "false")
