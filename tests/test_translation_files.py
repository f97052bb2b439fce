"""The Simplified Chinese translation is complete and the compiled catalogues match their sources.

Run `python tools/update_translations.py` after changing a user-visible string, translate what it
marks unfinished, and run it again: these tests say what is missing.
"""

from __future__ import annotations

import gettext
import importlib.util
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "playground_zh_CN.ts"
QM = TS.with_suffix(".qm")
PO = ROOT / "resources" / "translations" / "core" / "zh_CN" / "LC_MESSAGES" / "playground.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[!:][^{}]*)?\}")


def _tools():
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "tools" / "update_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ts_messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or ""): message
        for context in root.iter("context")
        for message in context.iter("message")
    }


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


# ---- the window (Qt Linguist) ------------------------------------------------------------------------
def test_every_window_string_has_a_finished_chinese_translation_with_its_placeholders():
    messages = _ts_messages(TS)
    assert len(messages) > 500
    unfinished = [key for key, message in messages.items() if (message.find("translation").get("type") or "")]
    assert not unfinished, f"{len(unfinished)} unfinished, e.g. {unfinished[:5]}"
    empty = [key for key, message in messages.items() if not (message.findtext("translation") or "").strip()]
    assert not empty, empty[:5]
    mismatched = [
        key
        for key, message in messages.items()
        if _placeholders(key[1]) != _placeholders(message.findtext("translation") or "")
    ]
    assert not mismatched, f"placeholders differ: {mismatched[:5]}"


def test_the_window_sources_hold_no_string_missing_from_the_ts_file(tmp_path):
    tools = _tools()
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [tools._tool("pyside6-lupdate"), "-extensions", "py", "-silent", *tools.WINDOW_SOURCES, "-ts", str(fresh)],
        cwd=ROOT,
        check=True,
    )
    extracted, committed = set(_ts_messages(fresh)), set(_ts_messages(TS))
    assert extracted - committed == set(), "run python tools/update_translations.py"
    assert committed - extracted == set(), "the .ts file has strings the sources no longer use"


def test_the_compiled_qm_file_is_up_to_date_with_the_ts_file(tmp_path):
    tools = _tools()
    compiled = tmp_path / "fresh.qm"
    subprocess.run([tools._tool("pyside6-lrelease"), "-silent", str(TS), "-qm", str(compiled)], check=True)
    assert compiled.read_bytes() == QM.read_bytes(), "run python tools/update_translations.py"


# ---- the core (gettext) --------------------------------------------------------------------------------
def _po_catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="zh_CN")


def test_every_core_message_has_a_chinese_translation_with_its_placeholders():
    catalogue = _po_catalogue()
    messages = [message for message in catalogue if message.id]
    assert len(messages) > 300
    missing = [message.id for message in messages if not message.string]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"
    fuzzy = [message.id for message in messages if message.fuzzy]
    assert not fuzzy, fuzzy[:5]
    mismatched = [
        message.id
        for message in messages
        if isinstance(message.id, str) and _placeholders(message.id) != _placeholders(message.string)
    ]
    assert not mismatched, f"placeholders differ: {mismatched[:5]}"


def test_the_core_sources_hold_no_message_missing_from_the_po_file():
    tools = _tools()
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    extracted: set[str] = set()
    for source in tools.CORE_SOURCES:
        path = ROOT / source
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            for _line, message, _comments, _context in extract_from_file("python", str(file), keywords=keywords):
                extracted.add(message if isinstance(message, str) else message[0])
    in_po = {message.id if isinstance(message.id, str) else message.id[0] for message in _po_catalogue() if message.id}
    assert extracted - in_po == set(), "run python tools/update_translations.py"
    assert in_po - extracted == set(), "the .po file has messages the sources no longer use"


def test_the_compiled_mo_file_is_up_to_date_with_the_po_file():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _po_catalogue():
        if message.id and isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, "run python tools/update_translations.py"


@pytest.mark.skipif(sys.platform == "win32", reason="the wheel build is checked on Linux")
def test_the_translations_ship_with_the_package_data():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"share/nn-playground/resources/translations"' in text
    assert '"share/nn-playground/resources/translations/core/zh_CN/LC_MESSAGES"' in text
