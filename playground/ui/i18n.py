"""The window's language: Qt's translators, the core's gettext language, and live switching.

`set_language` installs our Qt Linguist catalogue (``resources/translations/playground_<lang>.qm``)
and Qt's own (``qtbase_<lang>.qm``, for the standard dialogs' buttons), sets the core's language
(``playground.core.i18n``: help cards, problems, hints), and emits `LanguageEvents.changed`, on
which the window relabels what it shows (see `retranslate.py`). The language follows the system
locale unless the user chose one (View ▸ Language, remembered in the settings) or passed ``--lang``.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTranslator, Signal
from PySide6.QtWidgets import QApplication

from playground.core import i18n as core_i18n
from playground.core.resources import resource_path

LANGUAGES = core_i18n.LANGUAGES


class LanguageEvents(QObject):
    """Tells the window that the language changed (`changed(code)`), after the translators switched."""

    changed = Signal(str)


_events: LanguageEvents | None = None
_translators: list[QTranslator] = []


def language_events() -> LanguageEvents:
    """The one object that emits `changed` when the language switches."""
    global _events
    if _events is None:
        _events = LanguageEvents()
    return _events


def current_language() -> str:
    """The language of the window and the core now (``"en"``, ``"zh_CN"``)."""
    return core_i18n.language()


def catalogue_path(language: str) -> str:
    """Our compiled Qt catalogue for `language` (may not exist for English, the source language)."""
    return str(resource_path("translations", f"playground_{language}.qm"))


def _load(translator: QTranslator, path: str) -> bool:
    return bool(translator.load(path))


def set_language(code: str | None) -> str:
    """Switch the window and the core to `code` (None or unknown: the system's, else English).

    Returns the language set. Emits `changed` only when the language really changed."""
    language = core_i18n.normalize_language(code) or core_i18n.system_language()
    app = QApplication.instance()
    previous = core_i18n.language()
    for translator in _translators:
        if app is not None:
            app.removeTranslator(translator)
    _translators.clear()
    core_i18n.set_language(language)
    if language != core_i18n.DEFAULT_LANGUAGE and app is not None:
        ours = QTranslator(app)
        if _load(ours, catalogue_path(language)):
            app.installTranslator(ours)
            _translators.append(ours)
        qt_own = QTranslator(app)
        if qt_own.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_own)
            _translators.append(qt_own)
    QLocale.setDefault(QLocale(language if language != core_i18n.DEFAULT_LANGUAGE else "en_US"))
    if language != previous:
        language_events().changed.emit(language)
    return language
