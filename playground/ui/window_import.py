"""File ▸ Import ONNX Model…: an ONNX file becomes an experiment the window opens, with its weights.

The import runs in a thread behind a progress dialog. A file the playground cannot read is
refused with the operators named and changes nothing. A readable one is saved where the user
says (the experiment, and its weights beside it as ``<name>.safetensors``) and opened, so that
a run starts from the imported weights.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog

from playground.core.errors import PlaygroundError
from playground.ui.window_files import WindowFiles, describe_exception, experiment_filter, run_with_progress

_log = logging.getLogger(__name__)


def onnx_filter() -> str:
    return QCoreApplication.translate("MainWindow", "ONNX models (*.onnx);;All files (*)")


class WindowImport(WindowFiles):
    """The window's import of models made elsewhere (a part of `MainWindow`)."""

    def import_onnx_model(self, source: str | Path | None = None, target: str | Path | None = None) -> bool:
        """Import `source` (or ask for it) and save the experiment as `target` (or ask where)."""
        if not self.maybe_save():
            return False
        if source is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self,
                QCoreApplication.translate("MainWindow", "Import ONNX model"),
                self._start_directory(),
                onnx_filter(),
            )
            if not chosen:
                return False
            source = chosen
        source = Path(source)
        title = QCoreApplication.translate("MainWindow", "Cannot import {file}").format(file=source.name)

        def read() -> object:
            from playground.core.importers.onnx_model import import_onnx  # lazy: onnx is an optional extra

            return import_onnx(source)

        try:
            imported = run_with_progress(
                self, QCoreApplication.translate("MainWindow", "Importing {file}…").format(file=source.name), read
            )
        except PlaygroundError as exc:
            self._show_error(title, str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - a file the reader trips over is reported, never raised
            _log.debug("importing %s failed", source, exc_info=True)
            self._show_error(
                title,
                QCoreApplication.translate("MainWindow", "{path} could not be read:\n\n{problem}").format(
                    path=source, problem=describe_exception(exc)
                ),
            )
            return False

        if target is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                QCoreApplication.translate("MainWindow", "Save the imported experiment"),
                str(source.with_suffix(".json")),
                experiment_filter(),
            )
            if not chosen:
                self.show_status(QCoreApplication.translate("MainWindow", "Import cancelled: nothing was written"))
                return False
            target = chosen
        target = Path(target)
        if not target.suffix:
            target = target.with_suffix(".json")
        return self._save_import(imported, source, target)

    def _save_import(self, imported: object, source: Path, target: Path) -> bool:
        from playground.core.importers.onnx_model import ImportedModel, save_import

        assert isinstance(imported, ImportedModel)
        try:
            save_import(imported, target)
        except (PlaygroundError, OSError, ValueError) as exc:
            self._show_error(
                QCoreApplication.translate("MainWindow", "Cannot save {file}").format(file=target.name),
                QCoreApplication.translate(
                    "MainWindow", "The imported experiment was not saved to {path}:\n\n{error}"
                ).format(path=target, error=exc),
            )
            return False
        problem = self._open_path(target)
        if problem is not None:
            self._show_error(
                QCoreApplication.translate("MainWindow", "Cannot open {file}").format(file=target.name), problem
            )
            return False
        self._remember(target)
        message = QCoreApplication.translate(
            "MainWindow",
            "Imported {source}: {layers} layers, {params} parameters; training starts from its weights",
        ).format(
            source=source.name, layers=len(imported.experiment.model.nodes) - 1, params=f"{imported.parameter_count:,}"
        )
        self.show_status(" ".join([message, *imported.notes]), 15000)
        return True
