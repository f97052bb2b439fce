"""Re-extract every translatable string and recompile the translations, window and core alike.

    python tools/update_translations.py

The window (``playground/ui``) uses Qt Linguist: ``pyside6-lupdate`` writes
``resources/translations/playground_<lang>.ts`` (keeping what is translated), ``pyside6-lrelease``
compiles each to ``.qm``. The Qt-free code (``playground/core``, ``playground/commands``, the
command line) uses gettext: Babel extracts ``resources/translations/core/playground.pot``, updates
``core/<lang>/LC_MESSAGES/playground.po`` and compiles ``.mo``. Translate with Qt Linguist
(``pyside6-linguist``) or any ``.po`` editor, then run this again; every output is committed.
Needs the test extra (Babel) and PySide6's tools, both in the README's set-up.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "resources" / "translations"
CORE = TRANSLATIONS / "core"
LANGUAGES = ("zh_CN",)  # every language but the source (English)
WINDOW_SOURCES = ("playground/ui",)
CORE_SOURCES = ("playground/core", "playground/commands", "playground/cli.py")
COPYRIGHT = "Neural Network Playground contributors"


def _tool(name: str) -> str:
    """A tool of the venv this script runs in (PySide6's and Babel's live beside python)."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: install the test extra (pip install -e '.[test]') in this venv")
    return found


def _run(*command: str) -> None:
    print("$", " ".join(Path(command[0]).name if i == 0 else part for i, part in enumerate(command)))
    subprocess.run(command, cwd=ROOT, check=True)


def update_window() -> None:
    for lang in LANGUAGES:
        ts = TRANSLATIONS / f"playground_{lang}.ts"
        _run(
            _tool("pyside6-lupdate"),
            "-extensions",
            "py",
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            lang,
            *WINDOW_SOURCES,
            "-ts",
            str(ts.relative_to(ROOT)),
        )
        _run(_tool("pyside6-lrelease"), "-silent", str(ts.relative_to(ROOT)), "-qm", str(ts.with_suffix(".qm")))


def update_core() -> None:
    pot = CORE / "playground.pot"
    CORE.mkdir(parents=True, exist_ok=True)
    pybabel = _tool("pybabel")
    _run(
        pybabel,
        "extract",
        "--no-default-keywords",
        "-k",
        "_",
        "-k",
        "N_",
        "-k",
        "ngettext:1,2",
        "--no-location",
        "--sort-output",
        "--omit-header",
        f"--copyright-holder={COPYRIGHT}",
        "--project=nn-playground",
        "-o",
        str(pot),
        *CORE_SOURCES,
    )
    for lang in LANGUAGES:
        po = CORE / lang / "LC_MESSAGES" / "playground.po"
        if po.exists():
            _run(
                pybabel,
                "update",
                "--no-fuzzy-matching",
                "--ignore-pot-creation-date",
                "-i",
                str(pot),
                "-d",
                str(CORE),
                "-D",
                "playground",
                "-l",
                lang,
            )
        else:
            _run(pybabel, "init", "-i", str(pot), "-d", str(CORE), "-D", "playground", "-l", lang)
        _run(pybabel, "compile", "--statistics", "-d", str(CORE), "-D", "playground", "-l", lang)


if __name__ == "__main__":
    update_window()
    update_core()
