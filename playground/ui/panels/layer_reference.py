"""Help ▸ Layer reference: every layer type of the catalogue with its category, help, formula and
parameters, filterable. Built from the catalogue, so it never disagrees with the palette."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QTextBrowser, QVBoxLayout, QWidget

from playground.core.catalogue import CATEGORIES, LAYERS, LayerType
from playground.core.catalogue.layer_type import category_label
from playground.ui import theme
from playground.ui.i18n import language_events


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
        f" <span style='font-weight:normal; color:{colors.muted_text}'>· {html.escape(layer.category_text)}</span></h3>"
    ]
    parts.append(f"<p style='margin-top:2px'>{html.escape(layer.help_text)}</p>")
    if layer.formula:
        parts.append(f"<p><code>{html.escape(layer.formula)}</code></p>")
    if layer.torch_class:
        parts.append(f"<p style='color:{colors.muted_text}'>torch.nn.{html.escape(layer.torch_class)}</p>")
    if layer.params:
        rows = "".join(
            f"<tr><td><code>{html.escape(spec.name)}</code></td>"
            f"<td style='color:{colors.muted_text}'>{html.escape(_default_text(spec.default))}</td>"
            f"<td>{html.escape(spec.help_text)} <span style='color:{colors.muted_text}'>"
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
        no_parameters = QCoreApplication.translate("LayerReference", "No parameters.")
        parts.append(f"<p style='color:{colors.muted_text}'>{html.escape(no_parameters)}</p>")
    return "".join(parts)


def _matches(layer: LayerType, needle: str) -> bool:
    """The filter finds a layer by its name or its help, as shown (translated) or in English."""
    return any(needle in text.lower() for text in (layer.name, layer.help, layer.help_text))


def reference_html(text_filter: str = "") -> str:
    needle = text_filter.strip().lower()
    sections = []
    for category in CATEGORIES:
        layers = [
            layer for layer in LAYERS.values() if layer.category == category and (not needle or _matches(layer, needle))
        ]
        if layers:
            sections.append(
                f"<h2>{html.escape(category_label(category))}</h2>"
                + "<hr/>".join(layer_html(layer) for layer in layers)
            )
    if not sections:
        no_match = QCoreApplication.translate("LayerReference", "No layer matches “{text}”.").format(text=text_filter)
        return f"<p>{html.escape(no_match)}</p>"
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
        # the cards are the core's text, which no Qt catalogue relabels
        language_events().changed.connect(self._on_language_changed)  # ends with this widget

    def _on_language_changed(self, language: str) -> None:
        """Show the cards in the new language, under the same filter."""
        self._on_filter(self.search.text())

    def _on_filter(self, text: str) -> None:
        self.browser.setHtml(reference_html(text))
