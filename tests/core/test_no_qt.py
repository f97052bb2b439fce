"""The core never imports Qt: `playground/core` and `tests/core` work without Qt installed.

Two checks: every core module (and the headless commands) imports in a fresh interpreter in
which any Qt import fails; and no core module or core test names Qt or the qtbot fixture.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pyqtgraph", "pytestqt")

BLOCKED_IMPORT = f"""
import importlib.abc, pkgutil, sys
BLOCKED = {QT_MODULES!r}
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"Qt is blocked in core: {{name}}")
        return None
sys.meta_path.insert(0, Blocker())
import playground.core
names = [m.name for m in pkgutil.walk_packages(playground.core.__path__, "playground.core.")]
for name in names + ["playground.cli", "playground.commands.check", "playground.commands.export",
                     "playground.commands.train"]:
    try:
        __import__(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
assert not [m for m in sys.modules if m.split(".")[0] in BLOCKED]
print(len(names), "core modules imported without Qt")
"""


def test_core_imports_with_qt_blocked():
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "core modules imported without Qt" in result.stdout


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.arg) and node.arg == "qtbot":
            roots.add("pytestqt")
    return roots


def test_no_core_module_or_core_test_names_qt():
    files = list((ROOT / "playground" / "core").rglob("*.py")) + list((ROOT / "tests" / "core").rglob("*.py"))
    offenders = {str(f.relative_to(ROOT)): sorted(_imported_roots(f) & set(QT_MODULES)) for f in files}
    assert not {name: found for name, found in offenders.items() if found}


def test_the_dataset_declarations_and_their_checks_load_without_torch():
    """Checking a file's dataset parameters needs neither a loader nor torch; loading imports them."""
    import subprocess
    import sys

    code = (
        "import sys; from playground.core.data.validation import validate_dataset_params; "
        "print(validate_dataset_params('xor', {'samples': 5}, 'data.params')[1] != [], 'torch' in sys.modules); "
        "from playground.core.data import load_dataset; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False", "True"], out
