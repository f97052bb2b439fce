"""Relabel a live window in another language without rebuilding it.

The window's widgets set their texts once, when built, through ``QCoreApplication.translate``. To
switch language live, `relabel` walks a widget tree and, for every text property, finds the
source string the text was made from (in the language shown so far) and sets its translation in
the new language. The source is remembered on the object (a dynamic property), so a text whose
translation is shared by two sources ("Loss" and "loss" → "损失") goes back to the right one. Text
that was formatted (``"{rate} frames a second"``) or made by the core is not found here: the
widget that made it refreshes it on `playground.ui.i18n.language_events().changed`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from functools import cache, partial

import pyqtgraph as pg
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

from playground.core.i18n import DEFAULT_LANGUAGE
from playground.core.resources import resource_path

_SOURCE_PROPERTY = "_i18n_source_"
# A QGraphicsView with this property set has its scene's text items relabelled too (pyqtgraph's
# canvases always do); the editor's canvas has not: its cards show node ids, which stay as typed.
RELABEL_TEXT_ITEMS = "relabelTextItems"
# a widget whose text is a name, never prose (a parameter's name: "weight", "bias"), even where
# the same word is a catalogue string elsewhere: it keeps its text in every language
KEEP_TEXT = "i18nKeepText"
_TAGS = re.compile(r"(<[^<>]+>)")


@cache
def _contexts(language: str) -> dict[str, dict[str, str]]:
    """context → {source → translation} of every finished message in our ``.ts`` file for `language`."""
    path = resource_path("translations", f"playground_{language}.ts")
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    contexts: dict[str, dict[str, str]] = {}
    for context in root.iter("context"):
        table = contexts.setdefault(context.findtext("name") or "", {})
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            element = message.find("translation")
            if element is None or element.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            if source and element.text:
                table[source] = element.text
    return contexts


@cache
def _catalogue(language: str) -> dict[str, str]:
    """source → translation in any context (the first context's where contexts differ)."""
    table: dict[str, str] = {}
    for messages in _contexts(language).values():
        for source, translation in messages.items():
            table.setdefault(source, translation)
    return table


def owner_contexts(obj: QObject) -> tuple[str, ...]:
    """The translation contexts an object's text most likely came from: the class names of the
    object and its parents (each window class translates in a context named after itself)."""
    names: list[str] = []
    current: QObject | None = obj
    while current is not None:
        for cls in type(current).__mro__:
            if cls.__module__.startswith("playground.") and cls.__name__ not in names:
                names.append(cls.__name__)
        current = current.parent()
    return tuple(names)


@cache
def _reverse(language: str) -> dict[str, str]:
    """translation → source for `language` (the first source wins where two share a translation)."""
    table: dict[str, str] = {}
    for source, translation in _catalogue(language).items():
        table.setdefault(translation, source)
    return table


@cache
def _sources() -> frozenset[str]:
    """Every source string of the window (English), from any language's catalogue."""
    found: set[str] = set()
    for language in _languages_with_catalogues():
        found.update(_catalogue(language))
    return frozenset(found)


def _languages_with_catalogues() -> Iterable[str]:
    from playground.core.i18n import LANGUAGES  # the supported languages, English excluded

    return [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


class Relabeler:
    """Turns texts shown in `old` into `new`, remembering each text's source on its object."""

    def __init__(self, old: str, new: str):
        self.old, self.new = old, new
        self.changed = 0
        self.contexts: tuple[str, ...] = ()  # of the object being relabelled, nearest first

    def translate(self, text: str, recorded: str | None = None) -> tuple[str, str] | None:
        """(the text in the new language, its source), or None when `text` is not a known string
        of the old language. `recorded`: the source this text was made from last time, which
        settles a translation that two sources share. Rich text keeps its tags."""
        if not text:
            return None
        if recorded and self._render(self.old, recorded) == text:
            return self._render(self.new, recorded), recorded
        found = self._translate_plain(text)
        if found is not None or "<" not in text:
            return found
        return self._translate_rich(text)

    def _render(self, language: str, source: str) -> str:
        """`source` (plain, or catalogue strings between tags) in `language`."""
        if "<" not in source:
            return self._in(language, source)
        pieces = _TAGS.split(source)
        return "".join(
            piece if index % 2 or not piece.strip() else self._in_padded(language, piece)
            for index, piece in enumerate(pieces)
        )

    def _in_padded(self, language: str, piece: str) -> str:
        """A piece of rich text in `language`, the space around it kept ("Learning rate: ")."""
        whole = self._in(language, piece)
        if whole != piece or piece == piece.strip():
            return whole
        lead, trail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
        return lead + self._in(language, piece.strip()) + trail

    def _translate_rich(self, text: str) -> tuple[str, str] | None:
        """Rich text made of catalogue strings between tags (``Accuracy: <span>train</span> / …``):
        each text piece translated on its own, the tags kept."""
        pieces = _TAGS.split(text)
        old_pieces, new_pieces, changed = [], [], False
        for index, piece in enumerate(pieces):
            found = None if index % 2 or not piece.strip() else self._translate_plain(piece)
            if found is None and index % 2 == 0 and piece.strip():
                found = self._translate_plain(piece.strip())
                if found is not None:  # keep the space around a piece ("Learning rate: ")
                    lead, trail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
                    found = (lead + found[0] + trail, lead + found[1] + trail)
            if found is None:
                old_pieces.append(piece)
                new_pieces.append(piece)
                continue
            changed = True
            new_pieces.append(found[0])
            old_pieces.append(found[1])
        return ("".join(new_pieces), "".join(old_pieces)) if changed else None

    def _translate_plain(self, text: str) -> tuple[str, str] | None:
        if self.old == DEFAULT_LANGUAGE:
            source = text if text in _sources() else None
        else:
            source = self._reverse_in_contexts(text)
        if source is None:
            return None
        return self._in(self.new, source), source

    def _reverse_in_contexts(self, text: str) -> str | None:
        contexts = _contexts(self.old)
        for name in self.contexts:
            for source, translation in contexts.get(name, {}).items():
                if translation == text:
                    return source
        return _reverse(self.old).get(text)

    def _in(self, language: str, source: str) -> str:
        """`source` in `language`, in the nearest context of the object that translates it."""
        if language == DEFAULT_LANGUAGE:
            return source
        contexts = _contexts(language)
        for name in self.contexts:
            translation = contexts.get(name, {}).get(source)
            if translation:
                return translation
        return _catalogue(language).get(source, source)

    def property(self, obj: object, key: str, get: Callable[[], str], put: Callable[[str], object]) -> None:
        """Relabel one text property of `obj` (`key` names it for the remembered source)."""
        try:
            text = get()
        except RuntimeError:  # the C++ object is gone
            return
        recorded = _recorded(obj, key)
        result = self.translate(text, recorded)
        if result is None:
            return
        new_text, source = result
        _record(obj, key, source)
        if new_text != text:
            put(new_text)
            self.changed += 1


def _recorded(obj: object, key: str) -> str | None:
    """The source remembered for one text of `obj`: a dynamic property of a QObject, else an
    attribute of the Python object (pyqtgraph's text items are not all QObjects)."""
    if isinstance(obj, QObject):
        value = obj.property(_SOURCE_PROPERTY + key)
    else:
        value = getattr(obj, "_i18n_sources", {}).get(key)
    return value if isinstance(value, str) else None


def _record(obj: object, key: str, source: str) -> None:
    if isinstance(obj, QObject):
        obj.setProperty(_SOURCE_PROPERTY + key, source)
        return
    sources = getattr(obj, "_i18n_sources", None)
    if sources is None:
        sources = {}
        obj._i18n_sources = sources  # type: ignore[attr-defined]
    sources[key] = source


def relabel(root: QWidget, old: str, new: str, extra: Iterable[QObject] = ()) -> int:
    """Relabel `root`, every widget, action and menu under it and every plot in it from `old` to
    `new`; returns how many texts changed."""
    relabeler = Relabeler(old, new)
    if old == new:
        return 0
    objects: list[QObject] = [root, *root.findChildren(QObject), *extra]
    seen: set[int] = set()
    for obj in objects:
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        relabeler.contexts = owner_contexts(obj)
        if isinstance(obj, QAction):
            _relabel_action(relabeler, obj)
        elif isinstance(obj, QWidget):
            _relabel_widget(relabeler, obj)
    return relabeler.changed


def _relabel_action(r: Relabeler, action: QAction) -> None:
    explicit_tip = action.toolTip() != action.text().replace("&", "")
    r.property(action, "text", action.text, action.setText)
    r.property(action, "statusTip", action.statusTip, action.setStatusTip)
    if explicit_tip:
        r.property(action, "toolTip", action.toolTip, action.setToolTip)


def _relabel_widget(r: Relabeler, widget: QWidget) -> None:
    if widget.property(KEEP_TEXT):
        return  # its owner re-makes its tooltip; its text is a name
    r.property(widget, "toolTip", widget.toolTip, widget.setToolTip)
    r.property(widget, "statusTip", widget.statusTip, widget.setStatusTip)
    r.property(widget, "whatsThis", widget.whatsThis, widget.setWhatsThis)
    if isinstance(widget, QDockWidget) or widget.isWindow():
        r.property(widget, "windowTitle", widget.windowTitle, widget.setWindowTitle)
    if isinstance(widget, QMenu):
        r.property(widget, "title", widget.title, widget.setTitle)
    elif isinstance(widget, QLabel):
        r.property(widget, "text", widget.text, widget.setText)
    elif isinstance(widget, QAbstractButton):
        r.property(widget, "text", widget.text, widget.setText)
    elif isinstance(widget, QGroupBox):
        r.property(widget, "title", widget.title, widget.setTitle)
    elif isinstance(widget, QLineEdit):
        r.property(widget, "placeholder", widget.placeholderText, widget.setPlaceholderText)
    elif isinstance(widget, QTextEdit | QPlainTextEdit):
        r.property(widget, "placeholder", widget.placeholderText, widget.setPlaceholderText)
    elif isinstance(widget, QComboBox):
        _relabel_combo(r, widget)
    elif isinstance(widget, QAbstractSpinBox):
        _relabel_spin_box(r, widget)
    elif isinstance(widget, QTabWidget):
        _relabel_tabs(r, widget)
    elif isinstance(widget, QTreeWidget):
        header = widget.headerItem()
        for column in range(widget.columnCount()):
            _relabel_item_text(r, widget, f"header{column}", header.text(column), partial(header.setText, column))
    elif isinstance(widget, QTableWidget):
        for column in range(widget.columnCount()):
            item = widget.horizontalHeaderItem(column)
            if item is not None:
                _relabel_item_text(r, widget, f"header{column}", item.text(), item.setText)
                _relabel_item_text(r, widget, f"headerTip{column}", item.toolTip(), item.setToolTip)
    if isinstance(widget, QGraphicsView) and (
        isinstance(widget.scene(), pg.GraphicsScene) or widget.property(RELABEL_TEXT_ITEMS)
    ):
        _relabel_plots(r, widget)


def _relabel_item_text(r: Relabeler, owner: QObject, key: str, text: str, put: Callable[[str], object]) -> None:
    r.property(owner, key, lambda: text, put)


def _relabel_combo(r: Relabeler, combo: QComboBox) -> None:
    for index in range(combo.count()):
        _relabel_item_text(r, combo, f"item{index}", combo.itemText(index), partial(combo.setItemText, index))


def _relabel_spin_box(r: Relabeler, box: QAbstractSpinBox) -> None:
    r.property(box, "specialValueText", box.specialValueText, box.setSpecialValueText)
    for name in ("suffix", "prefix"):
        get = getattr(box, name, None)
        put = getattr(box, "set" + name.capitalize(), None)
        if get is not None and put is not None:
            r.property(box, name, get, put)


def _relabel_tabs(r: Relabeler, tabs: QTabWidget) -> None:
    for index in range(tabs.count()):
        _relabel_item_text(r, tabs, f"tab{index}", tabs.tabText(index), partial(tabs.setTabText, index))
        _relabel_item_text(r, tabs, f"tabTip{index}", tabs.tabToolTip(index), partial(tabs.setTabToolTip, index))


def _relabel_plots(r: Relabeler, view: QGraphicsView) -> None:
    """Plot titles (every variant of a fitting title), axis labels, legend entries and text items
    of one pyqtgraph canvas."""
    for item in view.scene().items():
        variants = getattr(item, "variants", None)
        if callable(variants) and hasattr(item, "set_variants"):  # a FittingTitle
            old = list(variants())
            new = list(old)
            for index, text in enumerate(old):
                r.property(item, f"variant{index}", partial(str, text), partial(new.__setitem__, index))
            if new != old:
                item.set_variants(new)
        elif isinstance(item, QGraphicsSimpleTextItem):
            r.property(item, "text", item.text, item.setText)
        elif isinstance(item, pg.AxisItem):
            r.property(item, "label", partial(_axis_label, item), partial(_set_axis_label, item))
        elif isinstance(item, pg.LabelItem):
            r.property(item, "text", partial(_label_text, item), item.setText)
        elif isinstance(item, pg.TextItem):
            r.property(item, "text", item.toPlainText, item.setText)


def _axis_label(axis: pg.AxisItem) -> str:
    return str(axis.labelText or "")


def _label_text(label: pg.LabelItem) -> str:
    return str(label.text or "")


def _set_axis_label(axis: pg.AxisItem, text: str) -> None:
    axis.setLabel(text, units=axis.labelUnits or None, unitPrefix=axis.labelUnitPrefix, **axis.labelStyle)
