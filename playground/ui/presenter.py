"""Presenter mode and the colour-blind-safe palette, for teaching with a projector.

Presenter mode (View ▸ Presenter Mode, F11) shows the window full screen, with the interface
fonts, the plots' fonts and their curves larger by the zoom of View ▸ Presenter Zoom; leaving it
brings the window back as it was (maximized or not, same place) at 100 %. View ▸ Colour-blind-safe
Colours switches every plot's class and curve colours to a palette that stays distinct with the
common colour-vision deficiencies. Both apply live, and the zoom and the palette are remembered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QWidget

from playground.ui import theme
from playground.ui.i18n import language_events
from playground.ui.plots import style

if TYPE_CHECKING:
    from playground.ui.settings import AppSettings

ZOOMS = (100, 125, 150, 175, 200)  # percent, offered in View ▸ Presenter Zoom
DEFAULT_ZOOM = 125


def zoom_text(percent: int) -> str:
    return QCoreApplication.translate("Presenter", "{percent} %").format(percent=percent)


class PresenterMode(QObject):
    """The window's presenter state and its View-menu actions (`settings` None: nothing is
    remembered, e.g. for snapshots)."""

    toggled = Signal(bool)  # presenter mode went on (True) or off
    zoom_changed = Signal(int)  # the presenter zoom in percent

    def __init__(self, window: QMainWindow, settings: AppSettings | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._zoom = _valid_zoom(settings.presenter_zoom() if settings is not None else DEFAULT_ZOOM)
        self._active = False
        self._state_before = Qt.WindowState.WindowNoState
        self._geometry_before = QByteArray()
        self._font_before: QFont | None = None

        self.action = QAction(QCoreApplication.translate("Presenter", "&Presenter Mode"), window)
        self.action.setObjectName("action_presenter")
        self.action.setCheckable(True)
        self.action.setShortcuts(_full_screen_keys())
        self.action.setStatusTip(
            QCoreApplication.translate(
                "Presenter",
                "Full screen, with larger text and thicker curves for a projector (the zoom is in Presenter Zoom)",
            )
        )
        self.action.toggled.connect(self._on_action_toggled)
        window.addAction(self.action)  # its shortcut works in full screen too

        self.zoom_menu = QMenu(QCoreApplication.translate("Presenter", "Presenter &Zoom"), window)
        self.zoom_menu.setObjectName("presenterZoomMenu")
        self._zoom_group = QActionGroup(self)
        self._zoom_group.setExclusive(True)
        self.zoom_actions: dict[int, QAction] = {}
        for percent in ZOOMS:
            action = QAction(zoom_text(percent), window)
            action.setObjectName(f"action_presenter_zoom_{percent}")
            action.setCheckable(True)
            action.setChecked(percent == self._zoom)
            action.triggered.connect(lambda _checked=False, p=percent: self.set_zoom(p))
            self._zoom_group.addAction(action)
            self.zoom_menu.addAction(action)
            self.zoom_actions[percent] = action

        self.palette_action = QAction(QCoreApplication.translate("Presenter", "Colour-&blind-safe Colours"), window)
        self.palette_action.setObjectName("action_color_blind_safe")
        self.palette_action.setCheckable(True)
        self.palette_action.setStatusTip(
            QCoreApplication.translate(
                "Presenter", "Plot colours that stay distinct with red-green and other colour-vision deficiencies"
            )
        )
        if settings is not None and settings.color_blind_safe() != theme.color_blind_safe():
            set_color_blind_safe(settings.color_blind_safe())  # the remembered choice, for every window
        self.palette_action.setChecked(theme.color_blind_safe())
        self.palette_action.toggled.connect(self._on_palette_toggled)
        theme.notifier().changed.connect(self._on_theme_changed)
        language_events().changed.connect(self._on_language_changed)
        closing = getattr(window, "closing", None)
        if closing is not None:
            closing.connect(self.leave)  # the window's saved geometry is its own, not full screen's

    def add_to_menu(self, menu: QMenu) -> None:
        menu.addSeparator()
        menu.addAction(self.action)
        menu.addMenu(self.zoom_menu)
        menu.addAction(self.palette_action)

    # ---- presenter mode ----------------------------------------------------------------------------
    def is_active(self) -> bool:
        return self._active

    def zoom(self) -> int:
        """The presenter zoom in percent (applied while presenter mode is on)."""
        return self._zoom

    def set_active(self, active: bool) -> None:
        self.action.setChecked(active)  # the action's toggled signal does the rest

    def enter(self) -> None:
        self.set_active(True)

    def leave(self) -> None:
        self.set_active(False)

    def set_zoom(self, percent: int) -> None:
        """The presenter zoom (100–200 %): live while presenter mode is on, and remembered."""
        percent = _valid_zoom(percent)
        action = self.zoom_actions.get(percent)
        if action is not None and not action.isChecked():
            action.setChecked(True)
        if percent == self._zoom:
            return
        self._zoom = percent
        if self._settings is not None:
            self._settings.set_presenter_zoom(percent)
        if self._active:
            self._apply_scale(percent / 100.0)
        self.zoom_changed.emit(percent)

    def _on_action_toggled(self, checked: bool) -> None:
        if checked == self._active:
            return
        window = self._window
        self._active = checked
        if checked:
            self._state_before = window.windowState() & ~Qt.WindowState.WindowFullScreen
            self._geometry_before = window.saveGeometry()
            self._font_before = QFont(_application().font())
            self._apply_scale(self._zoom / 100.0)
            window.setWindowState(window.windowState() | Qt.WindowState.WindowFullScreen)
        else:
            style.set_plot_scale(1.0)
            if self._font_before is not None:
                _set_application_font(self._font_before, window)
                self._font_before = None
            window.setWindowState(self._state_before)
            if not self._state_before & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowMinimized):
                window.restoreGeometry(self._geometry_before)
        self.toggled.emit(checked)

    def _apply_scale(self, factor: float) -> None:
        """The plots and the application font at `factor` times their size before presenter mode."""
        style.set_plot_scale(factor)
        base = self._font_before
        if base is None:
            return
        font = QFont(base)
        if base.pointSizeF() > 0:
            font.setPointSizeF(base.pointSizeF() * factor)
        elif base.pixelSize() > 0:
            font.setPixelSize(round(base.pixelSize() * factor))
        _set_application_font(font, self._window)

    # ---- the palette -------------------------------------------------------------------------------
    def _on_palette_toggled(self, checked: bool) -> None:
        set_color_blind_safe(checked)
        if self._settings is not None:
            self._settings.set_color_blind_safe(checked)

    def _on_theme_changed(self, _name: str) -> None:
        """Another window switched the palette: this one's check mark follows."""
        if self.palette_action.isChecked() != theme.color_blind_safe():
            self.palette_action.blockSignals(True)
            self.palette_action.setChecked(theme.color_blind_safe())
            self.palette_action.blockSignals(False)

    def _on_language_changed(self, _language: str) -> None:
        for percent, action in self.zoom_actions.items():
            action.setText(zoom_text(percent))


def set_color_blind_safe(on: bool) -> None:
    """The colour-blind-safe palette on or off for every plot of the application, now."""
    theme.set_color_blind_safe(on)  # views that colour pictures themselves repaint
    style.refresh_plots()  # curves, points, bars and titles


def _valid_zoom(percent: object) -> int:
    try:
        value = int(percent)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return DEFAULT_ZOOM
    return min(ZOOMS[-1], max(ZOOMS[0], value))


def _full_screen_keys() -> list[QKeySequence]:
    """F11, and the platform's full-screen key where that is another (Ctrl+Cmd+F on macOS)."""
    keys = [QKeySequence("F11")]
    platform = QKeySequence(QKeySequence.StandardKey.FullScreen)
    if not platform.isEmpty() and platform not in keys:
        keys.append(platform)
    return keys


def _set_application_font(font: QFont, window: QWidget) -> None:
    """The application's font, also in `window`'s widgets that have a style sheet: Qt resolves
    their font when it polishes them, so without a new polish they kept the old size. Setting a
    widget's own sheet again makes Qt repolish it and its children itself; only the presenter's
    window is walked, never every widget of the application (some may be half-destroyed by then)."""
    _application().setFont(font)
    for widget in [window, *window.findChildren(QWidget)]:
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)


def _application() -> QApplication:
    return cast("QApplication", QApplication.instance())
