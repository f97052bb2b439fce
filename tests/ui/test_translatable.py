"""Every string the window translates can be extracted for Qt Linguist under the context the code
looks it up in: a string lupdate files under an empty context could never be translated."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def lupdate() -> str | None:
    found = shutil.which("pyside6-lupdate") or str(Path(sys.executable).with_name("pyside6-lupdate"))
    return found if Path(found).exists() else None


@pytest.mark.skipif(lupdate() is None, reason="pyside6-lupdate is not installed")
def test_no_window_string_is_extracted_without_its_context(tmp_path):
    sources = sorted(str(path) for path in (ROOT / "playground" / "ui").rglob("*.py"))
    out = tmp_path / "check.ts"
    subprocess.run([lupdate(), *sources, "-ts", str(out)], check=True, capture_output=True, text=True)
    contexts = dict(re.findall(r"<context>\s*<name>(.*?)</name>(.*?)</context>", out.read_text(), re.S))
    assert sum(body.count("<message") for body in contexts.values()) > 500
    orphans = re.findall(r"<source>(.*?)</source>", contexts.get("", ""))
    assert not orphans, f"{len(orphans)} strings in no context, e.g. {orphans[:3]}"


def test_no_window_string_is_translated_inside_an_f_string():
    """lupdate does not look inside f-strings: a translate() there is never extracted, so it
    stays English in every language. Translate first, then format."""
    import tokenize

    found = []
    for path in sorted((ROOT / "playground" / "ui").rglob("*.py")):
        with path.open("rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                if (
                    token.type == tokenize.STRING
                    and re.match(r"[rbuRBU]*[fF]", token.string)
                    and re.search(r"\b(translate|tr)\(", token.string)
                ):
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert not found, found


def _non_literal_translations(path: Path) -> list[str]:
    """Calls of translate()/tr() whose text is not a string literal (lupdate cannot extract
    them), other than the one-line helpers that pass their argument on."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    helpers: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and len(node.body) == 1 and isinstance(node.body[0], ast.Return):
            helpers.update(id(inner) for inner in ast.walk(node.body[0]))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in helpers:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        first = node.args[0] if node.args else None
        context_given = isinstance(first, ast.Constant) and isinstance(first.value, str)
        if name == "translate" and len(node.args) >= 2 and context_given:  # not QTransform/QPainter.translate
            text = node.args[1]
        elif name == "tr" and node.args:
            text = node.args[0]
        else:
            continue
        if not (isinstance(text, ast.Constant) and isinstance(text.value, str)):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_window_string_is_a_literal_lupdate_can_extract():
    found = [
        hit for path in sorted((ROOT / "playground" / "ui").rglob("*.py")) for hit in _non_literal_translations(path)
    ]
    assert not found, found
