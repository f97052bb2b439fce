"""Writing files without ever losing one: atomic replacement, kept permissions, no stray temp files.

Every file the playground writes (experiments, exports, weights, checkpoints, metrics) goes through
`atomic_write`: the new content goes to a temporary file beside the target, is flushed to disk and
then renamed over it, so the target is always either the old file or the complete new one. The
target keeps its permissions (a new file gets the umask's default, not the temporary file's 0600),
a symbolic link is written through (its target changes, the link stays), and temporary files left
behind by a save that was killed are removed the next time that file is saved.

`refuse_foreign_file` protects files the user did not name (a sidecar or a data file written beside
an export): such a file may replace only an earlier output of the playground, never a user's file.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from playground.core.errors import PlaygroundError
from playground.core.i18n import _

# A temporary file is named ".<target name>.<pid>-<random>.tmp": the pid tells a save in progress
# (its process is alive) from one that was killed.
_TEMP_MIDDLE = re.compile(r"(\d+)-[A-Za-z0-9_]+")
STALE_AFTER_SECONDS = 3600.0  # where liveness cannot be asked (Windows), older temp files are stale


class ForeignFileError(PlaygroundError):
    """Writing would replace a file the user did not name and the playground did not write."""


def resolved_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to `path` must replace: a symbolic link's final target, else `path`."""
    path = Path(path)
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _new_file_mode() -> int:
    """Permissions `open()` would give a new file: 0666 less the process umask."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no portable read-only query: set and restore at once
    os.umask(mask)
    return 0o666 & ~mask


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would terminate the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _is_stale_temp(entry: Path, target_name: str, now: float) -> bool:
    name = entry.name
    prefix = f".{target_name}."
    if not (name.startswith(prefix) and name.endswith(".tmp")):
        return False
    middle = name[len(prefix) : -len(".tmp")]
    match = _TEMP_MIDDLE.fullmatch(middle)
    if match is None:
        return bool(middle)  # an older version's temp name: nobody is writing it any more
    pid = int(match.group(1))
    if pid == os.getpid():
        return False  # a save of this process (another thread) may be in progress
    if _process_alive(pid):
        if os.name != "nt":
            return False
        try:
            return now - entry.stat().st_mtime > STALE_AFTER_SECONDS
        except OSError:
            return False
    return True


def remove_stale_temps(target: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files that killed saves of `target` left beside it; returns them."""
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(directory.iterdir())
    except OSError:
        return removed
    for entry in entries:
        try:
            if _is_stale_temp(entry, target.name, now) and entry.is_file() and not entry.is_symlink():
                entry.unlink()
                removed.append(entry)
        except OSError:
            continue
    return removed


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    if os.name == "nt":
        return
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _renamed(exc: OSError, path: Path) -> OSError:
    """The same error, naming the file the user asked for instead of a temporary one."""
    error = type(exc)(exc.errno, exc.strerror or str(exc), str(path))
    return error


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call `write(temporary_path)`, then move the result over `path` in one step.

    Raises OSError naming `path` (never the temporary file) when the folder is missing, `path` is
    a folder, or writing fails; the old file is then untouched. Returns the file written (a
    symbolic link's target when `path` is a link).
    """
    requested = Path(path)
    target = resolved_target(requested)
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise IsADirectoryError(21, _("is a folder, not a file"), str(requested))
    if not directory.is_dir():
        raise FileNotFoundError(2, _("the folder {folder} does not exist").format(folder=directory), str(requested))
    remove_stale_temps(target)
    try:
        existing_mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        existing_mode = None
    try:
        handle, temporary_name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=".tmp", dir=directory)
        os.close(handle)
    except OSError as exc:
        raise _renamed(exc, requested) from None
    temporary = Path(temporary_name)
    try:
        write(temporary)
        with open(temporary, "rb+") as flushed:
            os.fsync(flushed.fileno())
        os.chmod(temporary, existing_mode if existing_mode is not None else _new_file_mode())
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise _renamed(exc, requested) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(directory)
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text (newlines as \\n) atomically; see `atomic_write`."""

    def write(temporary: Path) -> None:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)

    return atomic_write(path, write)


def refuse_foreign_file(path: str | os.PathLike[str], is_ours: Callable[[Path], bool], role: str) -> None:
    """Raise ForeignFileError when `path` exists and is not a file the playground wrote.

    `role` says what the playground wanted to write there ("the weights' sidecar", in the current
    language: the caller translates it); the message tells the user how to get out of the way.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    try:
        ours = path.is_file() and is_ours(path)
    except (OSError, ValueError):
        ours = False
    if not ours:
        raise ForeignFileError(
            _(
                "{path} already exists and was not written by the playground, so it is not replaced by "
                "{role}; move or rename it, or choose another output name"
            ).format(path=path, role=role)
        )


def describe_os_error(exc: OSError) -> str:
    """'<file>: <reason>' for a message, whatever the OSError carries."""
    where = exc.filename if exc.filename else _("file")
    return f"{where}: {exc.strerror or exc}"
