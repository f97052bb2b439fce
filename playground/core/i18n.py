"""The language of the text the core makes: help cards, shape problems and fixes, diagnostics
hints, training messages and the command line's output.

The core has one mechanism, GNU gettext: the messages are marked with ``_()`` (translated where
they are made) or ``N_()`` (declared at import time, translated where they are shown), Babel
extracts them into ``resources/translations/core/playground.pot``, and each language has a
``.po`` file compiled to ``.mo`` beside it (``python tools/update_translations.py`` re-runs all
of it, Qt's catalogues for the window included). At run time only the standard library's
``gettext`` reads the ``.mo`` files. The window sets the same language for Qt's translator and
for this module (``playground.ui.i18n``); a worker process is told the language with each run.

Placeholders are named and filled with ``str.format`` after translation, so a translation may
put them in any order: ``_("'{node}' needs {count} inputs").format(node=..., count=...)``.
"""

from __future__ import annotations

import gettext
import locale
import os
from collections.abc import Mapping

from playground.core.resources import resource_path

DOMAIN = "playground"
DEFAULT_LANGUAGE = "en"
# code -> the language's name in itself (menus show it so, whatever the current language)
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}

_language = DEFAULT_LANGUAGE
_catalogue: gettext.NullTranslations = gettext.NullTranslations()


def locale_dir() -> str:
    """The folder of the core's gettext catalogues (``<lang>/LC_MESSAGES/playground.mo``)."""
    return str(resource_path("translations", "core"))


def normalize_language(code: str | None) -> str | None:
    """The supported language a locale name means, or None: ``zh_CN.UTF-8``, ``zh-Hans``, ``zh`` →
    ``zh_CN``; ``en_GB``, ``C``, ``POSIX`` → ``en``."""
    if not code:
        return None
    name = code.strip().split(".")[0].split("@")[0].replace("-", "_")
    if not name:
        return None
    lowered = name.lower()
    if lowered in ("c", "posix") or lowered.startswith("en"):
        return "en"
    if lowered.startswith("zh"):
        # Simplified Chinese is the one Chinese translation; Traditional locales get it too
        # rather than English, which a reader of Chinese would understand less well.
        return "zh_CN"
    for supported in LANGUAGES:
        if supported.lower() == lowered:
            return supported
    return None


def system_language() -> str:
    """The language the environment asks for (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``,
    as gettext reads them), else the process locale, else English."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if not value:
            continue
        for candidate in value.split(":"):
            found = normalize_language(candidate)
            if found:
                return found
        if variable != "LANGUAGE":  # the first set one of the others decides, as in gettext
            return DEFAULT_LANGUAGE
    try:
        found = normalize_language(locale.getlocale()[0])
    except ValueError:
        found = None
    return found or DEFAULT_LANGUAGE


def set_language(code: str | None) -> str:
    """Translate the core's messages into `code` from now on (unknown or None: English).

    Returns the language set. A language without a catalogue falls back to English text."""
    global _language, _catalogue
    language = normalize_language(code) or DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE:
        _catalogue = gettext.NullTranslations()
    else:
        _catalogue = gettext.translation(DOMAIN, locale_dir(), languages=[language], fallback=True)
    _language = language
    return language


def language() -> str:
    """The language the core translates into now."""
    return _language


def _(message: str) -> str:
    """`message` in the current language (the English text where it has no translation)."""
    return _catalogue.gettext(message) if message else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the current language."""
    return _catalogue.ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    """Mark a message declared at import time for extraction; it is translated where it is shown."""
    return message


def localized(default: str, translations: Mapping[str, str], lang: str | None = None) -> str:
    """The text for `lang` (default: the current language) from a per-language map, else `default`.

    Used for text written in a file (a lesson's name and description), not in the code."""
    text = translations.get(lang or _language)
    return text if text else default
