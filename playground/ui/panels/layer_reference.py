"""Help ▸ Layer reference: every layer type of the catalogue with its category, help, formula and
parameters, filterable. Built from the catalogue, so it never disagrees with the palette."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QTextBrowser, QVBoxLayout, QWidget

from playground.core.catalogue import CATEGORIES, LAYERS, LayerType
from playground.ui import theme


def tr(text: str) -> str:
    return QCoreApplication.translate("LayerReference", text)


def _default_text(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def layer_html(layer: LayerType) -> str:
    colors = theme.colors()
    parts = [
        f"<h3 style='margin-bottom:2px'><span style='color:{layer.color}'>■</span> {html.escape(layer.name)}"
        f" <span style='font-weight:normal; color:{colors.muted_text}'>· {html.escape(layer.category)}</span></h3>"
    ]
    parts.append(f"<p style='margin-top:2px'>{html.escape(layer.help)}</p>")
    if layer.formula:
        parts.append(f"<p><code>{html.escape(layer.formula)}</code></p>")
    if layer.torch_class:
        parts.append(f"<p style='color:{colors.muted_text}'>torch.nn.{html.escape(layer.torch_class)}</p>")
    if layer.params:
        rows = "".join(
            f"<tr><td><code>{html.escape(spec.name)}</code></td>"
            f"<td style='color:{colors.muted_text}'>{html.escape(_default_text(spec.default))}</td>"
            f"<td>{html.escape(spec.help)} <span style='color:{colors.muted_text}'>"
            f"({html.escape(spec.describe_range())})</span></td></tr>"
            for spec in layer.params
        )
        parts.append(
            "<table cellspacing='0' cellpadding='3'><tr><th align='left'>"
            + QCoreApplication.translate("LayerReference", "parameter")
            + "</th><th align='left'>"
            + QCoreApplication.translate("LayerReference", "default")
            + "</th><th align='left'>"
            + QCoreApplication.translate("LayerReference", "meaning")
            + "</th></tr>"
            + rows
            + "</table>"
        )
    else:
        parts.append(
            f"<p style='color:{colors.muted_text}'>{html.escape(QCoreApplication.translate('LayerReference', 'No parameters.'))}</p>"
        )
    return "".join(parts)


def reference_html(text_filter: str = "") -> str:
    needle = text_filter.strip().lower()
    sections = []
    for category in CATEGORIES:
        layers = [
            layer
            for layer in LAYERS.values()
            if layer.category == category
            and (not needle or needle in layer.name.lower() or needle in layer.help.lower())
        ]
        if layers:
            sections.append(f"<h2>{html.escape(category)}</h2>" + "<hr/>".join(layer_html(layer) for layer in layers))
    if not sections:
        return f"<p>{html.escape(QCoreApplication.translate('LayerReference', 'No layer matches “{text}”.').format(text=text_filter))}</p>"
    return "".join(sections)


class LayerReferenceDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("LayerReference", "Layer reference"))
        self.resize(720, 640)
        layout = QVBoxLayout(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(
            QCoreApplication.translate("LayerReference", "Filter layers (name or description)")
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_filter)
        layout.addWidget(self.search)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, Qt.Orientation.Horizontal, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._on_filter("")

    def _on_filter(self, text: str) -> None:
        self.browser.setHtml(reference_html(text))
