"""`playground desktop-entry [--remove]`: put the app (with its icon) in the Linux desktop's menu.

Writes ``~/.local/share/applications/nn-playground.desktop`` (``$XDG_DATA_HOME`` when set) and the
icon into the hicolor theme; ``--remove`` takes away what it wrote. An existing file the app did
not write is never replaced. Exit 0 on success, 1 when a file cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from playground.core.errors import PlaygroundError
from playground.core.i18n import _

COMMAND = "desktop-entry"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        COMMAND,
        help=_("add the app to the Linux desktop's menu (a desktop entry and its icon)"),
        description=_(
            "Install the desktop entry and icon for this user (~/.local/share, or $XDG_DATA_HOME), so the app "
            "opens from the desktop's menu; --remove takes them away again."
        ),
    )
    parser.add_argument("--remove", action="store_true", help=_("remove the desktop entry and icon instead"))


def run(args: argparse.Namespace) -> int:
    from playground.core.desktop_entry import install_desktop_entry, remove_desktop_entry

    try:
        if args.remove:
            removed = remove_desktop_entry()
            print(
                _("removed {paths}").format(paths=", ".join(map(str, removed)))
                if removed
                else _("no desktop entry of the app was installed")
            )
            return 0
        files = install_desktop_entry()
    except (PlaygroundError, OSError) as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 1
    print(_("installed {entry} and {icon}").format(entry=files.entry, icon=files.icon))
    if not sys.platform.startswith("linux"):
        print(_("note: desktop entries are read by Linux desktops; this system may not show it"))
    return 0
