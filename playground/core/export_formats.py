"""The export formats, declared once and without importing torch.

The command line builds its parser from this table (so `playground --help` stays quick) and the
window builds File ▸ Export from it; `playground.core.export` writes each format.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.core.i18n import N_, _


@dataclass(frozen=True)
class ExportFormat:
    name: str  # what --format takes
    suffix: str  # the file name ending
    menu_text: str  # File ▸ Export's entry ("" = not offered in the window)
    file_filter: str  # the save dialog's filter

    @property
    def menu_label(self) -> str:
        """The menu entry in the current language."""
        return _(self.menu_text)

    @property
    def file_filter_label(self) -> str:
        """The save dialog's filter in the current language (the patterns stay as they are)."""
        return _(self.file_filter)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    fmt.name: fmt
    for fmt in (
        ExportFormat("python", ".py", N_("Python…"), N_("Python source (*.py)")),
        ExportFormat("onnx", ".onnx", N_("ONNX…"), N_("ONNX model (*.onnx)")),
        ExportFormat("pt2", ".pt2", N_("PT2 (torch.export)…"), N_("torch.export program (*.pt2)")),
        ExportFormat("safetensors", ".safetensors", "", N_("safetensors weights (*.safetensors)")),
    )
}
SUFFIXES: dict[str, str] = {name: fmt.suffix for name, fmt in EXPORT_FORMATS.items()}


def format_for_suffix(suffix: str) -> str | None:
    """The format a file name ending asks for (".onnx" → "onnx"), or None."""
    return next((name for name, ending in SUFFIXES.items() if suffix.lower() == ending), None)


def window_formats() -> list[ExportFormat]:
    """The formats File ▸ Export offers (the weights alone are a command-line export)."""
    return [fmt for fmt in EXPORT_FORMATS.values() if fmt.menu_text]
