"""What the commands that write files share: a file the user did not name is never replaced."""

from __future__ import annotations

import sys
from pathlib import Path

from playground.core.i18n import _


def unnamed_output_exists(output: Path, named: bool) -> bool:
    """True (and the reason printed) when `output` was chosen for the user and already exists;
    naming it with -o is what allows replacing it."""
    if named or not (output.exists() or output.is_symlink()):
        return False
    print(
        _("error: {path} already exists; to replace it, name it: -o {name}").format(path=output, name=output.name),
        file=sys.stderr,
    )
    return True
