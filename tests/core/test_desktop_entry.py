"""The desktop entry: written for the user who asks, never over a file the app did not write."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.cli import main
from playground.core.desktop_entry import ICON, desktop_files, install_desktop_entry, remove_desktop_entry
from playground.core.safe_files import ForeignFileError


def test_install_writes_an_entry_and_icon_and_remove_takes_them_away(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["desktop-entry"]) == 0
    files = desktop_files(tmp_path)
    entry = files.entry.read_text(encoding="utf-8")
    assert entry.startswith("[Desktop Entry]\nType=Application\n")
    assert "Name=Neural Network Playground" in entry and "Name[zh_CN]=" in entry and "Icon=nn-playground" in entry
    command = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert ("playground-gui" in command or "-m playground" in command) and command.endswith(" %f")
    assert files.icon.read_bytes() == ICON.read_bytes() and ICON.read_text().startswith("<svg")
    assert main(["desktop-entry"]) == 0  # installing again replaces the app's own files
    assert main(["desktop-entry", "--remove"]) == 0
    assert not files.entry.exists() and not files.icon.exists()
    assert "installed" in capsys.readouterr().out


def test_a_file_the_user_made_is_never_replaced_or_removed(tmp_path: Path) -> None:
    files = desktop_files(tmp_path)
    files.entry.parent.mkdir(parents=True)
    files.entry.write_text("[Desktop Entry]\nName=My own launcher\n")
    with pytest.raises(ForeignFileError):
        install_desktop_entry(tmp_path)
    assert remove_desktop_entry(tmp_path) == []
    assert files.entry.read_text() == "[Desktop Entry]\nName=My own launcher\n"
