"""The main window's file actions: new, open, save, export and crash recovery.

`WindowFiles` is a part of `MainWindow` (a mixin): it uses the window's document, undo stack,
views, settings and status bar. Exports run in a thread behind a progress dialog, so a slow
ONNX or torch.export trace does not freeze the window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from playground.core.errors import ExperimentError, PlaygroundError
from playground.core.experiment import Experiment, load_experiment, save_experiment
from playground.core.export_formats import EXPORT_FORMATS
from playground.core.presets import empty_experiment
from playground.ui.autosave import EXPERIMENT_FILE, Recovery, find_recoveries

if TYPE_CHECKING:  # the mixin is only ever a part of MainWindow, a QMainWindow: type-check it as one
    from PySide6.QtWidgets import QMainWindow

    from playground.ui.editor import GraphEditor
    from playground.ui.inspector import InspectorPanel
    from playground.ui.panels import LessonView

    _WindowBase = QMainWindow
else:
    _WindowBase = object


def experiment_filter() -> str:
    """The open and save dialogs' filter."""
    return QCoreApplication.translate("MainWindow", "Experiments (*.json);;All files (*)")


TITLE_NAME_CHARS = 120  # the window title and status messages show at most this much of the experiment's name
PROGRESS_AFTER_MS = 400  # a progress dialog shows only for work that takes longer than this
_log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def _slug(name: str) -> str:
    text = "".join(ch.lower() if ch.isalnum() else "_" for ch in name[:200]).strip("_")
    while "__" in text:
        text = text.replace("__", "_")
    return text[:80].strip("_") or "experiment"  # a file name, not the whole of a very long title


def describe_exception(exc: BaseException) -> str:
    """One line for the user about an unexpected failure (no traceback): "OverflowError: …".

    A failure inside a document signal's slot arrives wrapped (psygnal's EmitLoopError, whose text is
    a traceback); the original exception is what the user needs to hear about."""
    while type(exc).__name__ == "EmitLoopError" and exc.__cause__ is not None:
        exc = exc.__cause__
    text = str(exc).strip()
    return _elide(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def _elide(text: str, limit: int = 600) -> str:
    """At most `limit` characters of `text` (a message quoting a huge value must stay readable)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_with_progress(parent: QWidget, label: str, work: Callable[[], Any]) -> Any:
    """`work()` in a thread while the window keeps painting; a busy progress dialog shows when it
    takes a while. Returns its result or raises its exception, like a plain call."""
    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    done = threading.Event()

    def target() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised on the GUI thread
            outcome["error"] = exc
        finally:
            done.set()

    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle(QCoreApplication.translate("MainWindow", "Please wait"))
    dialog.setCancelButton(None)  # an export cannot be interrupted half-way without a broken file
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(PROGRESS_AFTER_MS)
    poll = QTimer()
    poll.setInterval(15)
    poll.timeout.connect(lambda: loop.quit() if done.is_set() else None)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    thread = threading.Thread(target=target, name="export", daemon=True)
    try:
        thread.start()
        poll.start()
        if not done.is_set():
            loop.exec()
        thread.join()
    finally:
        poll.stop()
        dialog.reset()
        dialog.deleteLater()
        QApplication.restoreOverrideCursor()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


class WindowFiles(_WindowBase):
    """New, Open, Save, Export and recovery of `MainWindow` (which provides every attribute used)."""

    # provided by MainWindow
    document: Any
    undo_stack: Any
    autosaver: Any
    app_settings: Any
    persistent: bool
    docks: dict[str, Any]
    if TYPE_CHECKING:
        editor: GraphEditor
        inspector: InspectorPanel
        lesson_view: LessonView

        def flush_views(self) -> None: ...
        def file_label(self) -> str: ...
        def is_modified(self) -> bool: ...
        def model_status_text(self) -> str: ...
        def show_status(self, message: str, timeout_ms: int = 6000) -> None: ...
        def _update_title(self) -> None: ...
        def _fill_recent_menu(self) -> None: ...

    # ---- files -----------------------------------------------------------------------------------
    def _set_document(self, experiment: Experiment, path: Path | None) -> None:
        """Swap in another experiment: the undo history starts afresh and the file is unmodified.

        Every view is brought up to date before the old document's history and recovery copy are
        let go, so a view that fails leaves them intact (see `_show_experiment`)."""
        self.editor.select_nodes([])
        self.document.replace(experiment, path)
        self.inspector.set_selection([])
        self.flush_views()
        self.editor.fit_to_view()
        self.undo_stack.clear()
        self.undo_stack.setClean()
        if self.autosaver is not None:
            self.autosaver.discard()
        self._update_title()

    def _show_experiment(self, experiment: Experiment, path: Path | None) -> str | None:
        """`_set_document`, but any failure while the views take the experiment in brings the previous
        document back (with its undo history and modified state) and is returned as text, not raised."""
        previous, previous_path = self.document.experiment, self.document.path
        try:
            self._set_document(experiment, path)
        except Exception as exc:  # noqa: BLE001 - shown to the user; the window carries on
            _log.debug("showing an experiment failed", exc_info=True)
            try:
                self.editor.select_nodes([])
                self.document.replace(previous, previous_path)
                self.inspector.set_selection([])
                self.flush_views()
            except Exception:  # noqa: BLE001 - the previous document showed before; keep going regardless
                _log.debug("restoring the previous experiment failed", exc_info=True)
            self._update_title()
            return QCoreApplication.translate(
                "MainWindow", "The experiment could not be shown, so nothing was changed:\n\n{problem}"
            ).format(problem=describe_exception(exc))
        return None

    def _load_file(self, path: Path) -> tuple[Experiment | None, str]:
        """The experiment in `path`, or None and the problem, in words that name the file."""
        try:
            return load_experiment(path), ""
        except ExperimentError as exc:
            return None, self._problems_text(exc, path)
        except Exception as exc:  # noqa: BLE001 - an unreadable file is reported, never raised
            _log.debug("loading %s failed", path, exc_info=True)
            return None, QCoreApplication.translate("MainWindow", "{path} cannot be opened:\n\n{problem}").format(
                path=path, problem=describe_exception(exc)
            )

    def _open_path(self, path: Path, *, untitled: bool = False) -> str | None:
        """Load `path` and show it (as an untitled copy for presets); the problem as text, or None."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a file with many saved runs takes a moment
        try:
            experiment, load_problem = self._load_file(path)
            if experiment is None:
                return load_problem
            problem = self._show_experiment(experiment, None if untitled else path.resolve())
        finally:
            QApplication.restoreOverrideCursor()
        if problem is not None:
            return (
                QCoreApplication.translate("MainWindow", "{path} cannot be opened.").format(path=path)
                + "\n\n"
                + problem
            )
        return None

    def dataset_problem_text(self, path: Path | None = None) -> str | None:
        """What to tell the user when the experiment just opened has a dataset that cannot be loaded
        (it opens anyway, so the data can be chosen again in the inspector); None when the data loads."""
        error = self.document.report_error
        if not error:
            return None
        what = str(path) if path is not None else QCoreApplication.translate("MainWindow", "The experiment")
        return QCoreApplication.translate(
            "MainWindow",
            "{what} was opened, but its dataset cannot be loaded:\n\n{error}\n\nChoose the data in the "
            "inspector (click the empty canvas) before training.",
        ).format(what=what, error=_elide(error))

    def open_at_launch(self, path: str | Path) -> str | None:
        """Open `path` as the window's first document (no questions): the problem as text, or None."""
        path = Path(path)
        problem = self._open_path(path)
        if problem is None:
            self._remember(path)
        return problem

    def maybe_save(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels (the caller then stops)."""
        self.lesson_view.commit()
        if not self.is_modified():
            return True
        answer = QMessageBox.question(
            self,
            QCoreApplication.translate("MainWindow", "Unsaved changes"),
            QCoreApplication.translate("MainWindow", "“{name}” has unsaved changes. Save them first?").format(
                name=self.file_label()
            ),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_experiment(self) -> bool:
        if not self.maybe_save():
            return False
        self._set_document(empty_experiment(), None)
        self.show_status(
            QCoreApplication.translate(
                "MainWindow", "New experiment: drag layers from the palette onto the canvas and connect them"
            )
        )
        return True

    def open_file(self, path: str | Path | None = None) -> bool:
        """Open `path` (or ask for one). A broken file is reported and changes nothing."""
        if not self.maybe_save():
            return False
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self,
                QCoreApplication.translate("MainWindow", "Open experiment"),
                self._start_directory(),
                experiment_filter(),
            )
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        problem = self._open_path(path)
        if problem is not None:
            self._show_error(
                QCoreApplication.translate("MainWindow", "Cannot open {file}").format(file=path.name), problem
            )
            if not path.exists() and self.persistent:
                self.app_settings.remove_recent_file(str(path))
            return False
        self._remember(path)
        self.show_status(QCoreApplication.translate("MainWindow", "Opened {path}").format(path=path))
        self._warn_about_dataset(path)
        return True

    def open_preset(self, path: str | Path) -> bool:
        """A preset opens as an untitled copy, so saving never overwrites the shipped lesson."""
        if not self.maybe_save():
            return False
        path = Path(path)
        problem = self._open_path(path, untitled=True)
        if problem is not None:
            self._show_error(
                QCoreApplication.translate("MainWindow", "Cannot open preset {file}").format(file=path.name), problem
            )
            return False
        self.show_status(
            QCoreApplication.translate("MainWindow", "Opened the preset “{name}” as a new experiment").format(
                name=_elide(self.document.experiment.name, TITLE_NAME_CHARS)
            )
        )
        self.docks["lesson"].raise_()  # a preset is a lesson: its text comes first
        self._warn_about_dataset(path)
        return True

    def _warn_about_dataset(self, path: Path | None) -> None:
        text = self.dataset_problem_text(path)
        if text is not None:
            name = path.name if path is not None else QCoreApplication.translate("MainWindow", "the experiment")
            QMessageBox.warning(
                self,
                QCoreApplication.translate("MainWindow", "The data of {file} cannot be loaded").format(file=name),
                text,
            )

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._write(self.document.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            if self.document.path is not None:
                suggestion = str(self.document.path)
            else:
                suggestion = str(Path(self._start_directory()) / f"{_slug(self.document.experiment.name)}.json")
            chosen, _ = QFileDialog.getSaveFileName(
                self, QCoreApplication.translate("MainWindow", "Save experiment"), suggestion, experiment_filter()
            )
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".json")
            if path.exists() and not self._confirm_replace(path):
                return False  # the dialog asked about the name without .json, not about this file
        return self._write(path)

    def _confirm_replace(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self,
            QCoreApplication.translate("MainWindow", "Replace {file}?").format(file=path.name),
            QCoreApplication.translate("MainWindow", "{path} already exists. Replace it with this experiment?").format(
                path=path
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _write(self, path: Path) -> bool:
        self.lesson_view.commit()
        try:
            save_experiment(self.document.experiment, path)
        except (ExperimentError, OSError, ValueError) as exc:
            self._show_error(
                QCoreApplication.translate("MainWindow", "Cannot save {file}").format(file=path.name),
                QCoreApplication.translate("MainWindow", "The experiment was not saved to {path}:\n\n{error}").format(
                    path=path, error=exc
                ),
            )
            return False
        self.document.set_path(path.resolve())
        self.undo_stack.setClean()
        if self.autosaver is not None:
            self.autosaver.discard()
        self._remember(path)
        self._update_title()
        self.show_status(QCoreApplication.translate("MainWindow", "Saved {path}").format(path=path))
        return True

    def _remember(self, path: Path) -> None:
        if self.persistent:
            self.app_settings.add_recent_file(path)
            self.app_settings.set_last_directory(path.resolve().parent)
            self._fill_recent_menu()

    def _start_directory(self) -> str:
        if self.document.path is not None:
            return str(self.document.path.parent)
        return self.app_settings.last_directory() if self.persistent else str(Path.home())

    @staticmethod
    def _problems_text(exc: ExperimentError, path: Path) -> str:
        if len(exc.problems) == 1:
            return QCoreApplication.translate("MainWindow", "{path} cannot be opened:\n\n{problem}").format(
                path=path, problem=_elide(str(exc.problems[0]))
            )
        lines = "\n".join(f"• {_elide(str(problem))}" for problem in exc.problems[:20])
        more = len(exc.problems) - 20
        if more > 0:
            lines += "\n" + QCoreApplication.translate("MainWindow", "… and {count} more").format(count=more)
        return QCoreApplication.translate(
            "MainWindow", "{path} cannot be opened ({count} problems):\n\n{lines}"
        ).format(path=path, count=len(exc.problems), lines=lines)

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.critical(self, title, text)

    # ---- export ----------------------------------------------------------------------------------
    def export_model(self, fmt: str, path: str | Path | None = None) -> bool:
        """File ▸ Export: the model as Python source, ONNX or a torch.export program."""
        export_format = EXPORT_FORMATS[fmt]
        text, file_filter, suffix = export_format.menu_label, export_format.file_filter_label, export_format.suffix
        report = self.document.report()
        if report is None or not report.valid:
            self._show_error(
                QCoreApplication.translate("MainWindow", "Cannot export"),
                QCoreApplication.translate(
                    "MainWindow", "The model has problems; fix them first (see the Summary panel):\n\n{status}"
                ).format(status=self.model_status_text()),
            )
            return False
        if path is None:
            folder = self.document.path.parent if self.document.path else Path(self._start_directory())
            suggestion = str(folder / f"{_slug(self.document.experiment.name)}{suffix}")
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                QCoreApplication.translate("MainWindow", "Export {format}").format(format=text.rstrip("…")),
                suggestion,
                file_filter,
            )
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(suffix)
        snapshot, base_dir = self.document.snapshot(), self.document.base_dir()

        def write() -> object:
            from playground.core.export import export  # lazy: export menu only; looked up per call (tests replace it)

            return export(snapshot, fmt, path, base_dir=base_dir)

        try:
            result = run_with_progress(
                self, QCoreApplication.translate("MainWindow", "Exporting {file}…").format(file=path.name), write
            )
        except (PlaygroundError, OSError, ValueError, RuntimeError) as exc:
            self._show_error(
                QCoreApplication.translate("MainWindow", "Cannot export {file}").format(file=path.name),
                QCoreApplication.translate("MainWindow", "{path} was not written:\n\n{error}").format(
                    path=path, error=exc
                ),
            )
            return False
        describe = getattr(result, "describe", None)
        self.show_status(
            describe()
            if callable(describe)
            else QCoreApplication.translate("MainWindow", "Exported {path}").format(path=path),
            10000,
        )
        return True

    def export_report(self, path: str | Path | None = None) -> bool:
        """File ▸ Export Report…: the experiment and its last run as one HTML file."""
        from playground.ui.report import export_report  # lazy: the report menu only

        if path is None:
            folder = self.document.path.parent if self.document.path else Path(self._start_directory())
            stem = self.document.path.stem if self.document.path else "report"
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                QCoreApplication.translate("MainWindow", "Export report"),
                str(folder / f"{stem}_report.html"),
                QCoreApplication.translate("MainWindow", "HTML report (*.html)"),
            )
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".html")
        try:
            export_report(self, path)  # type: ignore[arg-type]
        except (PlaygroundError, OSError) as exc:
            self._show_error(
                QCoreApplication.translate("MainWindow", "Cannot write {file}").format(file=path.name),
                QCoreApplication.translate("MainWindow", "The report was not written:\n\n{error}").format(error=exc),
            )
            return False
        self.show_status(QCoreApplication.translate("MainWindow", "Wrote the report {path}").format(path=path), 10000)
        return True

    # ---- recovery --------------------------------------------------------------------------------
    def check_recovery(self, ask: Callable[[Recovery], str] | None = None) -> bool:
        """Offer the newest recovery copy left by a crash; True when one was restored.

        `ask(recovery)` answers "restore", "discard" or "keep" (default: a message box). Restored
        work opens as modified, attached to its original file if it had one.
        """
        recoveries = find_recoveries()
        if not recoveries:
            return False
        recovery = recoveries[0]
        answer = (ask or self._ask_recovery)(recovery)
        if answer == "discard":
            recovery.discard()
            return False
        if answer != "restore":
            return False
        kept = recovery.slot / EXPERIMENT_FILE
        try:
            experiment = recovery.load()
        except Exception as exc:  # noqa: BLE001 - a damaged copy is reported, and kept: never lose work
            reason = _elide(str(exc)) if isinstance(exc, ExperimentError) else describe_exception(exc)
            self._show_error(
                QCoreApplication.translate("MainWindow", "Cannot restore"),
                QCoreApplication.translate(
                    "MainWindow",
                    "The recovery copy cannot be read, so nothing was restored. "
                    "It is kept at {path} (choose Discard next time to delete "
                    "it):\n\n{error}",
                ).format(path=kept, error=reason),
            )
            return False
        problem = self._show_experiment(experiment, recovery.original_path)
        if problem is not None:
            self._show_error(
                QCoreApplication.translate("MainWindow", "Cannot restore"),
                QCoreApplication.translate(
                    "MainWindow", "The recovery copy is kept at {path} (choose Discard next time to delete it)."
                ).format(path=kept)
                + "\n\n"
                + problem,
            )
            return False
        self.undo_stack.resetClean()  # unsaved work: the title shows * and Save/close will ask
        self.setWindowModified(True)
        recovery.discard()
        if self.autosaver is not None:
            self.autosaver.write_now()
        self.show_status(
            QCoreApplication.translate("MainWindow", "Restored unsaved work from {when}").format(
                when=recovery.saved_at
            ),
            10000,
        )
        self._warn_about_dataset(recovery.original_path)
        return True

    def _ask_recovery(self, recovery: Recovery) -> str:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(QCoreApplication.translate("MainWindow", "Restore unsaved work?"))
        box.setText(QCoreApplication.translate("MainWindow", "The playground did not close normally last time."))
        box.setInformativeText(
            QCoreApplication.translate("MainWindow", "A recovery copy of {what} was found. Restore it?").format(
                what=recovery.describe()
            )
        )
        restore = box.addButton(QCoreApplication.translate("MainWindow", "Restore"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(
            QCoreApplication.translate("MainWindow", "Discard"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.addButton(QCoreApplication.translate("MainWindow", "Not Now"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.exec()
        clicked = box.clickedButton()
        return "restore" if clicked is restore else "discard" if clicked is discard else "keep"
