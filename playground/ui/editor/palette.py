"""The layer palette: every catalogue layer by category, then the template library, with a search box.

Drag an item onto the canvas to place it there (MIME type `LAYER_MIME_TYPE`, data: the layer
type name, or ``template:<key>``); double-click it or press Enter to add it after the selected node.
"""

from __future__ import annotations

import html
from typing import cast

from PySide6.QtCore import QByteArray, QCoreApplication, QMimeData, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.catalogue import CATEGORIES, LAYERS, LayerType
from playground.core.catalogue.layer_type import category_label
from playground.core.catalogue.templates import TEMPLATES
from playground.ui.i18n import language_events

LAYER_MIME_TYPE = "application/x-nn-playground-layer"
TEMPLATE_PREFIX = "template:"  # a drag of a template carries "template:<key>"
TEMPLATES_CATEGORY = "Templates"
TEMPLATE_COLOR = "#8e6cc4"  # the block cards' colour
_LAYER_ROLE = Qt.ItemDataRole.UserRole + 1
_SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
_CATEGORY_ROLE = Qt.ItemDataRole.UserRole + 3  # a category row's English name (a lesson may hide it)


def _swatch(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(color).darker(130))
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(QRectF(1.5, 1.5, size - 3, size - 3), 3, 3)
    painter.end()
    return QIcon(pixmap)


def layer_tooltip(layer: LayerType) -> str:
    parts = [
        f"<b>{html.escape(layer.name)}</b> <span style='color:gray'>({html.escape(layer.category_text)})</span>",
        f"<p>{html.escape(layer.help_text)}</p>",
    ]
    if layer.formula:
        parts.append(f"<p><code>{html.escape(layer.formula)}</code></p>")
    parts.append(
        "<p><i>"
        + html.escape(
            QCoreApplication.translate(
                "LayerPalette", "Drag onto the canvas, or double-click to add after the selected layer."
            )
        )
        + "</i></p>"
    )
    return "".join(parts)


class _LayerTree(QTreeWidget):
    """The tree; drags carry the layer type name under `LAYER_MIME_TYPE`."""

    def __init__(self, palette: LayerPalette):
        super().__init__(palette)
        self._palette = palette

    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME_TYPE]

    def mimeData(self, items) -> QMimeData:
        names = [item.data(0, _LAYER_ROLE) for item in items if item.data(0, _LAYER_ROLE)]
        return self._palette.mime_data(names[0] if names else "")

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            item = self.currentItem()
            if item is not None and item.data(0, _LAYER_ROLE):
                self._palette.layer_activated.emit(item.data(0, _LAYER_ROLE))
                event.accept()
                return
        super().keyPressEvent(event)


class LayerPalette(QWidget):
    layer_activated = Signal(str)  # double-click or Enter on an item

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("layerPalette")
        self.search = QLineEdit(self)
        self.search.setObjectName("layerSearch")
        self.search.setPlaceholderText(self.tr("Search layers…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_changed)
        self.search.returnPressed.connect(self._on_search_return)
        self.search.installEventFilter(self)
        self.tree = _LayerTree(self)
        self.tree.setObjectName("layerTree")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(14)
        self.tree.setIconSize(QSize(14, 14))
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.itemDoubleClicked.connect(self._on_item_double_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._hidden_categories: set[str] = set()
        self._populate()
        # categories, help and tooltips come from the core, which no Qt catalogue relabels
        language_events().changed.connect(self._on_language_changed)  # ends with this widget

    # ---- contents ---------------------------------------------------------------------------
    def _populate(self) -> None:
        self.tree.clear()
        categories = list(CATEGORIES) + sorted({layer.category for layer in LAYERS.values()} - set(CATEGORIES))
        for category in categories:
            layers = [layer for layer in LAYERS.values() if layer.category == category]
            if not layers:
                continue
            label = category_label(category)
            category_item = self._category_item(category, label, f"{category} {label}")
            for layer in layers:
                item = QTreeWidgetItem(category_item, [layer.name])
                item.setData(0, _LAYER_ROLE, layer.name)
                # the shown (translated) words and the English ones both find a layer
                words = [layer.name, category, label, layer.help, layer.help_text]
                item.setData(0, _SEARCH_ROLE, " ".join(words).lower())
                item.setIcon(0, _swatch(layer.color))
                item.setToolTip(0, layer_tooltip(layer))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
            category_item.setExpanded(True)
        self._add_templates()

    def _category_item(self, category: str, label: str, words: str) -> QTreeWidgetItem:
        """A bold, unselectable category row; `category` is its English name (a lesson may hide it)."""
        item = QTreeWidgetItem(self.tree, [label])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setData(0, _SEARCH_ROLE, words.lower())
        item.setData(0, _CATEGORY_ROLE, category)
        return item

    def _add_templates(self) -> None:
        """The template library: classic architectures, each added as a block."""
        label = QCoreApplication.translate("LayerPalette", "Templates")
        category_item = self._category_item(TEMPLATES_CATEGORY, label, f"{TEMPLATES_CATEGORY} {label} block")
        hint = QCoreApplication.translate(
            "LayerPalette", "Drag onto the canvas, or double-click to add after the selected layer, as a block."
        )
        for template in TEMPLATES.values():
            item = QTreeWidgetItem(category_item, [template.title_text])
            item.setData(0, _LAYER_ROLE, TEMPLATE_PREFIX + template.key)
            words = [template.title, template.title_text, template.help, template.help_text, "block template"]
            item.setData(0, _SEARCH_ROLE, " ".join(words).lower())
            item.setIcon(0, _swatch(TEMPLATE_COLOR))
            item.setToolTip(
                0,
                f"<b>{html.escape(template.title_text)}</b><p>{html.escape(template.help_text)}</p>"
                f"<p><i>{html.escape(hint)}</i></p>",
            )
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
        category_item.setExpanded(True)

    def _on_language_changed(self, language: str) -> None:
        """Show the catalogue in the new language, keeping the search and the current layer."""
        current = self.tree.currentItem()
        name = current.data(0, _LAYER_ROLE) if current is not None else None
        self._populate()
        self._on_search_changed(self.search.text())
        item = self.item_for(name) if name else None
        if item is not None and not item.isHidden():
            self.tree.setCurrentItem(item)

    def mime_data(self, layer_type: str) -> QMimeData:
        """What a drag of `layer_type` carries (the canvas accepts exactly this)."""
        mime = QMimeData()
        mime.setData(LAYER_MIME_TYPE, QByteArray(layer_type.encode("utf-8")))
        return mime

    def layer_items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        for index in range(self.tree.topLevelItemCount()):
            category = cast(QTreeWidgetItem, self.tree.topLevelItem(index))  # None only out of range
            items.extend(cast(QTreeWidgetItem, category.child(i)) for i in range(category.childCount()))
        return items

    def item_for(self, layer_type: str) -> QTreeWidgetItem | None:
        return next((item for item in self.layer_items() if item.data(0, _LAYER_ROLE) == layer_type), None)

    def visible_layers(self) -> list[str]:
        """The layer types shown (templates not included: see `visible_templates`)."""
        return [name for name in self._visible_payloads() if not name.startswith(TEMPLATE_PREFIX)]

    def visible_templates(self) -> list[str]:
        """The keys of the templates shown."""
        return [name[len(TEMPLATE_PREFIX) :] for name in self._visible_payloads() if name.startswith(TEMPLATE_PREFIX)]

    def _visible_payloads(self) -> list[str]:
        return [
            item.data(0, _LAYER_ROLE)
            for item in self.layer_items()
            if not item.isHidden() and not cast(QTreeWidgetItem, item.parent()).isHidden()  # layers sit in categories
        ]

    # ---- search -----------------------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        self.search.setText(text)

    def set_hidden_categories(self, categories: set[str]) -> None:
        """Hide these categories (their English names) whatever the search says: a lesson's choice."""
        self._hidden_categories = set(categories)
        self._on_search_changed(self.search.text())

    def _on_search_changed(self, text: str) -> None:
        words = text.lower().split()
        first_visible = None
        for index in range(self.tree.topLevelItemCount()):
            category = cast(QTreeWidgetItem, self.tree.topLevelItem(index))  # None only out of range
            any_visible = False
            for i in range(category.childCount()):
                item = cast(QTreeWidgetItem, category.child(i))
                haystack = item.data(0, _SEARCH_ROLE)
                visible = all(word in haystack for word in words)
                item.setHidden(not visible)
                if visible:
                    any_visible = True
                    if category.data(0, _CATEGORY_ROLE) not in self._hidden_categories:
                        first_visible = first_visible or item
            category.setHidden(not any_visible or category.data(0, _CATEGORY_ROLE) in self._hidden_categories)
            if words:
                category.setExpanded(True)
        if words and first_visible is not None:
            self.tree.setCurrentItem(first_visible)

    def _on_search_return(self) -> None:
        """Enter in the search box adds the first match (type, Enter: a fast keyboard workflow)."""
        visible = self._visible_payloads()
        current = self.tree.currentItem()
        if current is not None and current.data(0, _LAYER_ROLE) in visible:
            self.layer_activated.emit(current.data(0, _LAYER_ROLE))
        elif visible:
            self.layer_activated.emit(visible[0])

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search and event.type() == event.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down:
                self.tree.setFocus()
                current = self.tree.currentItem()
                if current is None or current.isHidden():
                    visible = [self.item_for(name) for name in self._visible_payloads()]
                    if visible and visible[0] is not None:  # a visible layer always has its item
                        self.tree.setCurrentItem(visible[0])
                return True
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)

    def _on_item_double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        name = item.data(0, _LAYER_ROLE)
        if name:
            self.layer_activated.emit(name)
