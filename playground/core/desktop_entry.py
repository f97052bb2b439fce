"""The Linux desktop entry: the app in the desktop's menu with its icon, for the user who asks.

`install_desktop_entry` writes ``nn-playground.desktop`` into ``$XDG_DATA_HOME/applications``
(``~/.local/share`` by default) and the icon into the hicolor theme beside it; `remove_desktop_entry`
takes both away again. An existing file is replaced only when this module wrote it (its entry
carries ``X-NN-Playground-Version``), so nothing of the user's is overwritten.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from playground import __version__
from playground.core.errors import PlaygroundError
from playground.core.i18n import _
from playground.core.safe_files import atomic_write_text, refuse_foreign_file

APP_ID = "nn-playground"
ICON = Path(__file__).resolve().parents[1] / "assets" / f"{APP_ID}.svg"
MARKER = "X-NN-Playground-Version"


@dataclass(frozen=True)
class DesktopFiles:
    entry: Path
    icon: Path


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` (the XDG base directory rule)."""
    value = os.environ.get("XDG_DATA_HOME")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local" / "share"


def desktop_files(home: Path | None = None) -> DesktopFiles:
    home = home or data_home()
    return DesktopFiles(
        home / "applications" / f"{APP_ID}.desktop", home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    )


def launcher() -> list[str]:
    """The command that opens the window: the installed ``playground-gui`` beside this Python, if any."""
    folder = Path(sys.executable).parent
    for name in ("playground-gui", "playground-gui.exe"):
        if (folder / name).is_file():
            return [str(folder / name)]
    return [sys.executable, "-m", "playground"]


def _exec_line(command: list[str]) -> str:
    """The Exec value: arguments with spaces quoted, as the desktop entry format wants."""
    escaped = (arg.replace("\\", "\\\\").replace('"', '\\"') for arg in command)
    return " ".join(f'"{arg}"' if any(ch in arg for ch in ' \t"\\') else arg for arg in escaped)


def entry_text(command: list[str]) -> str:
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=Neural Network Playground",
            "Name[zh_CN]=神经网络游乐场",
            "GenericName=Neural network trainer",
            "GenericName[zh_CN]=神经网络训练器",
            "Comment=Build, train and compare neural networks by drag and drop",
            "Comment[zh_CN]=拖放搭建、训练和比较神经网络",
            f"Exec={_exec_line(command)} %f",
            f"Icon={APP_ID}",
            "Terminal=false",
            "Categories=Education;Science;ArtificialIntelligence;",
            "Keywords=neural;network;deep learning;PyTorch;",
            "MimeType=application/json;",
            "StartupWMClass=Neural Network Playground",
            f"{MARKER}={__version__}",
            "",
        ]
    )


def _ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _our_icon(path: Path) -> bool:
    try:
        return path.read_bytes() == ICON.read_bytes()
    except OSError:
        return False


def install_desktop_entry(home: Path | None = None) -> DesktopFiles:
    """Write the entry and the icon; replaces only an earlier entry of the app."""
    if not ICON.is_file():
        raise PlaygroundError(_("the app's icon is missing from this installation ({path})").format(path=ICON))
    files = desktop_files(home)
    refuse_foreign_file(files.entry, _ours, _("the desktop entry"))
    for path in (files.entry, files.icon):
        path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(files.entry, entry_text(launcher()))
    if not _our_icon(files.icon):
        refuse_foreign_file(files.icon, lambda path: False, _("the app's icon"))
        shutil.copyfile(ICON, files.icon)
    return files


def remove_desktop_entry(home: Path | None = None) -> list[Path]:
    """Remove the entry and the icon this module wrote (others are left); the paths removed."""
    files = desktop_files(home)
    removed = []
    if files.entry.is_file() and _ours(files.entry):
        files.entry.unlink()
        removed.append(files.entry)
    if files.icon.is_file() and _our_icon(files.icon):
        files.icon.unlink()
        removed.append(files.icon)
    return removed
