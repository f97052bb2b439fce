"""Recovery copies of unsaved work, and finding them again after a crash.

Each window owns one *slot*: a folder in ``<data dir>/recovery/`` holding ``experiment.json``
(the unsaved experiment), ``meta.json`` (the file it came from, when) and ``owner.lock`` (a
QLockFile held while the window lives). A clean save or a normal close deletes the slot. A slot
whose lock nobody holds any more was left behind by a crash: the next launch offers it.

The data dir is ``$NN_PLAYGROUND_DATA_DIR`` when set (tests set it), else Qt's AppDataLocation.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer
from PySide6.QtGui import QUndoStack

from playground.core.document import ExperimentDocument
from playground.core.errors import ExperimentError
from playground.core.experiment import Experiment, experiment_from_json, experiment_to_json
from playground.core.jsonio import atomic_write_text

EXPERIMENT_FILE = "experiment.json"
META_FILE = "meta.json"
LOCK_FILE = "owner.lock"
PERIOD_MS = 60_000  # write at least this often while there are unsaved changes
DEBOUNCE_MS = 5_000  # and this long after the last edit


def data_dir() -> Path:
    """The user's data folder for the app (recovery copies live below it)."""
    override = os.environ.get("NN_PLAYGROUND_DATA_DIR")
    if override:
        return Path(override)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / ".nn-playground"


def recovery_dir() -> Path:
    return data_dir() / "recovery"


def _new_lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # a long-running window's lock never goes stale by age, only by a dead owner
    return lock


@dataclass(frozen=True)
class Recovery:
    """A recovery copy left by a window that did not close normally."""

    slot: Path
    original_path: Path | None  # the file the unsaved work belongs to (None: untitled)
    saved_at: str  # ISO time of the copy
    name: str  # the experiment's name

    def load(self) -> Experiment:
        """The recovered experiment; ExperimentError if the copy is unreadable."""
        try:
            text = (self.slot / EXPERIMENT_FILE).read_text(encoding="utf-8")
        except OSError as exc:
            raise ExperimentError(f"cannot be read: {exc.strerror or exc}", str(self.slot / EXPERIMENT_FILE)) from None
        return experiment_from_json(text, str(self.slot / EXPERIMENT_FILE))

    def discard(self) -> None:
        shutil.rmtree(self.slot, ignore_errors=True)

    def describe(self) -> str:
        where = str(self.original_path) if self.original_path else "an untitled experiment"
        when = self.saved_at
        try:
            when = datetime.fromisoformat(self.saved_at).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            pass
        return f"“{self.name}” ({where}), saved {when}"


def find_recoveries() -> list[Recovery]:
    """Recovery copies whose window is gone (crashed), newest first.

    Slots held by a live window (in this process or another) are skipped: their lock is held.
    """
    root = recovery_dir()
    if not root.is_dir():
        return []
    found: list[tuple[float, Recovery]] = []
    for slot in root.iterdir():
        if not slot.is_dir() or not (slot / EXPERIMENT_FILE).is_file():
            continue
        lock = _new_lock(slot / LOCK_FILE)
        if not lock.tryLock(0):
            continue  # a live window owns it
        lock.unlock()
        try:
            meta = json.loads((slot / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        original = meta.get("path") if isinstance(meta, dict) else None
        recovery = Recovery(
            slot=slot,
            original_path=Path(original) if isinstance(original, str) and original else None,
            saved_at=str(meta.get("saved_at", "")) if isinstance(meta, dict) else "",
            name=str(meta.get("name", "")) if isinstance(meta, dict) else "",
        )
        found.append(((slot / EXPERIMENT_FILE).stat().st_mtime, recovery))
    return [recovery for _, recovery in sorted(found, key=lambda item: item[0], reverse=True)]


class Autosaver(QObject):
    """Writes the window's unsaved experiment to its recovery slot, regularly and after edits."""

    def __init__(self, document: ExperimentDocument, undo_stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self.slot = recovery_dir() / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._lock: QLockFile | None = None
        self.last_error: str | None = None
        self._period = QTimer(self)
        self._period.setInterval(PERIOD_MS)
        self._period.timeout.connect(self.write_now)
        self._period.start()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.write_now)
        document.changed.connect(self._on_document_changed)
        undo_stack.cleanChanged.connect(self._on_clean_changed)

    def _on_document_changed(self) -> None:
        self._debounce.start()

    def _on_clean_changed(self, clean: bool) -> None:
        if clean:  # saved (or undone back to the saved state): no recovery needed
            self.discard()

    def write_now(self) -> bool:
        """Write the recovery copy if there are unsaved changes; returns whether one was written."""
        self._debounce.stop()
        if self.undo_stack.isClean():
            self.discard()
            return False
        try:
            if self._lock is None:
                self.slot.mkdir(parents=True, exist_ok=True)
                lock = _new_lock(self.slot / LOCK_FILE)
                if not lock.tryLock(0):
                    raise OSError(f"the recovery folder {self.slot} is locked")
                self._lock = lock
            atomic_write_text(self.slot / EXPERIMENT_FILE, experiment_to_json(self.document.experiment))
            meta = {
                "path": str(self.document.path) if self.document.path else None,
                "saved_at": datetime.now().isoformat(timespec="seconds"),
                "name": self.document.experiment.name,
            }
            atomic_write_text(self.slot / META_FILE, json.dumps(meta, indent=2) + "\n")
        except (OSError, ValueError) as exc:
            # An autosave failure must not interrupt work; the window shows it in the status bar.
            self.last_error = str(exc)
            return False
        self.last_error = None
        return True

    def has_copy(self) -> bool:
        return (self.slot / EXPERIMENT_FILE).is_file()

    def discard(self) -> None:
        """Delete this window's recovery copy (after a clean save or a normal close)."""
        self._debounce.stop()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
        shutil.rmtree(self.slot, ignore_errors=True)

    def stop(self) -> None:
        """Normal shutdown: no more writes, and no copy left behind."""
        self._period.stop()
        self.discard()

    def abandon(self) -> None:
        """Stop without deleting the copy and give up the lock: what a crash leaves behind."""
        self._period.stop()
        self._debounce.stop()
        if self._lock is not None:
            self._lock.unlock()  # QLockFile.unlock deletes the lock file; the copy stays
            self._lock = None
