"""Presenter mode (View ▸ Presenter Mode, F11) and the colour-blind-safe palette: full screen with
larger interface and plot fonts and thicker curves, live at the chosen zoom, all undone on leaving;
one switch re-colours every plot's classes and curves; both choices are remembered."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from playground.core.compare.race import RaceStarted
from playground.ui import theme
from playground.ui.compare.race_view import RaceView
from playground.ui.plots import style
from playground.ui.plots.confusion_view import ConfusionMatrixView
from playground.ui.presenter import set_color_blind_safe
from tests.ui.training_helpers import open_host, preset, wait_for_state

FULL_SCREEN = Qt.WindowState.WindowFullScreen


@pytest.fixture(autouse=True)
def plain_appearance(qapp):
    """Each test starts and ends at 100 %, in the standard colours, with the application's font."""
    font = QFont(qapp.font())
    yield
    set_color_blind_safe(False)
    style.set_plot_scale(1.0)
    qapp.setFont(font)


@pytest.fixture
def active_window(qtbot):
    """A main window that is the active window, as the user's is (shortcuts reach only that one;
    `make_window`'s windows are never activated offscreen)."""
    from playground.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    qtbot.waitActive(window)
    yield window
    window.close_discarding()
    window.deleteLater()
    theme.apply_theme("light")


def _loss_plot(window):
    return window.training_panel.loss_plot


def _tick_points(window) -> float:
    return _loss_plot(window).loss_plot.getAxis("left").style["tickFont"].pointSizeF()


def _pen_width(window) -> float:
    return _loss_plot(window).smooth_curve.opts["pen"].widthF()


def _plot_items(window):
    """Every pyqtgraph item of the window's plots (Training and Compare tabs)."""
    for view in window.findChildren(pg.GraphicsView):
        yield from view.scene().items()


def _sizes(window) -> dict[str, list[float]]:
    """Tick font, axis label, title and legend sizes and curve widths of every plot of the window."""
    sizes: dict[str, list[float]] = {"ticks": [], "labels": [], "titles": [], "legends": [], "curves": []}
    for item in _plot_items(window):
        if isinstance(item, pg.AxisItem):
            if item.style["tickFont"] is not None:
                sizes["ticks"].append(item.style["tickFont"].pointSizeF())
            if item.labelText:
                size = item.labelStyle.get("font-size") or item.labelStyle["size"]  # some views say "size"
                sizes["labels"].append(float(size[:-2]))
        elif isinstance(item, pg.PlotItem) and item.titleLabel.text and item.titleLabel.opts.get("size"):
            sizes["titles"].append(float(item.titleLabel.opts["size"][:-2]))
        elif isinstance(item, pg.LegendItem) and item.opts.get("labelTextSize"):
            sizes["legends"].append(float(item.opts["labelTextSize"][:-2]))
        elif isinstance(item, pg.PlotDataItem) and item.opts["pen"] is not None:
            pen = pg.mkPen(item.opts["pen"])
            if pen.style() != Qt.PenStyle.NoPen:
                sizes["curves"].append(pen.widthF())
    return sizes


def _times(sizes: dict[str, list[float]], factor: float) -> dict[str, list[float]]:
    return {key: [pytest.approx(value * factor) for value in values] for key, values in sizes.items()}


def test_f11_goes_full_screen_with_larger_fonts_and_thicker_curves_and_back(active_window, qtbot):
    window = active_window
    app = QApplication.instance()
    font_points, ticks, width = app.font().pointSizeF(), _tick_points(window), _pen_width(window)
    assert window.presenter.zoom() == 125  # the default zoom
    view_menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "&View")
    assert window.presenter.action in view_menu.actions()
    assert window.presenter.palette_action in view_menu.actions()

    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.presenter.is_active() and window.presenter.action.isChecked()
    assert window.windowState() & FULL_SCREEN
    assert app.font().pointSizeF() == pytest.approx(font_points * 1.25)
    assert _tick_points(window) == pytest.approx(ticks * 1.25)
    assert _pen_width(window) == pytest.approx(width * 1.25)

    window.presenter.zoom_actions[150].trigger()  # View ▸ Presenter Zoom ▸ 150 %: live
    assert window.presenter.zoom_actions[150].isChecked()
    assert app.font().pointSizeF() == pytest.approx(font_points * 1.5)
    assert _tick_points(window) == pytest.approx(ticks * 1.5)
    assert _pen_width(window) == pytest.approx(width * 1.5)

    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.presenter.is_active()
    assert not window.windowState() & FULL_SCREEN
    assert app.font().pointSizeF() == pytest.approx(font_points)
    assert _tick_points(window) == pytest.approx(ticks)
    assert _pen_width(window) == pytest.approx(width)


def test_presenter_mode_reaches_every_plot_of_the_window(make_window):
    """Ticks, axis labels, titles, legends and curve widths of all plots, Training and Compare."""
    window = make_window(persistent=False)
    before = _sizes(window)
    assert all(before.values()), before  # every kind is there to be scaled
    window.presenter.set_zoom(150)
    window.presenter.enter()
    assert _sizes(window) == _times(before, 1.5)
    window.presenter.set_zoom(200)
    assert _sizes(window) == _times(before, 2.0)
    window.presenter.leave()
    assert _sizes(window) == _times(before, 1.0)


def test_labels_with_their_own_style_sheet_grow_and_shrink_with_the_interface(make_window):
    """A styled label (the inspector's muted category line) resolves its font when polished: it
    follows the presenter zoom like every other label, and comes back on leaving."""
    window = make_window(persistent=False)
    styled = window.inspector.node.category_label
    assert styled.styleSheet()
    points = styled.font().pointSizeF()
    window.presenter.set_zoom(150)
    window.presenter.enter()
    assert styled.font().pointSizeF() == pytest.approx(points * 1.5)
    window.presenter.leave()
    assert styled.font().pointSizeF() == pytest.approx(points)


def test_a_theme_switch_in_presenter_mode_keeps_the_plots_scaled(make_window, qtbot):
    """The views restyle their axes and titles at their own sizes on a theme switch; the plots
    come back to the presenter scale right after."""
    window = make_window(persistent=False)
    before = _sizes(window)
    window.presenter.set_zoom(150)
    window.presenter.enter()
    window.set_theme("dark")
    qtbot.waitUntil(lambda: _sizes(window) == _times(before, 1.5), timeout=2000)
    window.presenter.leave()
    assert _sizes(window) == _times(before, 1.0)


def test_leaving_presenter_mode_restores_a_maximized_window(make_window):
    window = make_window(persistent=False)
    window.showMaximized()
    window.presenter.enter()
    assert window.windowState() & FULL_SCREEN
    window.presenter.leave()
    assert window.windowState() & Qt.WindowState.WindowMaximized
    assert not window.windowState() & FULL_SCREEN


def test_the_presenter_zoom_is_remembered(make_window):
    first = make_window()
    first.presenter.zoom_actions[175].trigger()
    first.close_discarding()
    second = make_window()
    assert second.presenter.zoom() == 175
    assert second.presenter.zoom_actions[175].isChecked()
    second.presenter.enter()
    assert _tick_points(second) == pytest.approx(style.TICK_POINT_SIZE * 1.75)


def test_the_colour_blind_safe_palette_recolours_the_loss_plot_live(make_window):
    window = make_window()
    curve = _loss_plot(window).smooth_curve
    assert curve.opts["pen"].color().name() == style.TRAIN_COLOR
    window.presenter.palette_action.trigger()
    assert theme.color_blind_safe()
    assert curve.opts["pen"].color().name() == style.SAFE_COLORS[style.TRAIN_COLOR]
    title = _loss_plot(window).metric_plot.titleLabel.variants()[0]  # "…: train / validation" in their colours
    assert style.SAFE_COLORS[style.VAL_COLOR] in title and style.VAL_COLOR not in title
    window.presenter.palette_action.trigger()
    assert curve.opts["pen"].color().name() == style.TRAIN_COLOR


def test_the_palette_and_presenter_mode_leave_each_other_alone(make_window):
    window = make_window(persistent=False)
    window.presenter.enter()
    width = _pen_width(window)
    set_color_blind_safe(True)
    assert _pen_width(window) == pytest.approx(width)
    window.presenter.leave()
    curve = _loss_plot(window).smooth_curve
    assert curve.opts["pen"].color().name() == style.SAFE_COLORS[style.TRAIN_COLOR]
    assert _pen_width(window) == pytest.approx(width / 1.25)


def test_the_palette_choice_survives_a_new_window(make_window):
    first = make_window()
    first.presenter.palette_action.trigger()
    first.close_discarding()
    set_color_blind_safe(False)  # as a new launch of the app starts
    second = make_window()
    assert theme.color_blind_safe()
    assert second.presenter.palette_action.isChecked()
    curve = _loss_plot(second).smooth_curve
    assert curve.opts["pen"].color().name() == style.SAFE_COLORS[style.TRAIN_COLOR]


def _class_colours(points: pg.ScatterPlotItem) -> set[str]:
    return {brush.color().name() for brush in points.data["brush"]}


def _flat_class_pixels(colours: tuple[str, ...]) -> set[tuple[int, ...]]:
    """The colours of a discretized boundary on white: each class colour over the background."""
    tint = 0.72 * 0.8  # boundary_view: MAX_TINT, four fifths of it when discretized
    return {
        tuple(int(v) for v in np.clip(255 * (1 - tint) + np.array(QColor(c).getRgb()[:3]) * tint, 0, 255))
        for c in colours
    }


def test_the_palette_recolours_a_trained_decision_boundary(qtbot):
    host = open_host(qtbot, preset("xor.json", epochs=3))
    host.controller.start()
    wait_for_state(qtbot, host, "finished")
    qtbot.waitUntil(host.panel.is_settled, timeout=10_000)
    boundary = host.panel.task_view.boundary
    boundary.discretize.setChecked(True)  # flat class colours: each pixel is one class's colour
    standard = boundary.image_data().copy()
    assert {tuple(p) for p in standard.reshape(-1, 3)} <= _flat_class_pixels(style.STANDARD_CLASS_COLORS[:2])
    assert _class_colours(boundary.train_points) == set(style.STANDARD_CLASS_COLORS[:2])
    legend_samples = [sample.item for sample, _label in boundary.legend.items[:2]]

    set_color_blind_safe(True)
    safe = boundary.image_data()
    assert {tuple(p) for p in safe.reshape(-1, 3)} <= _flat_class_pixels(style.SAFE_CLASS_COLORS[:2])
    assert _class_colours(boundary.train_points) == set(style.SAFE_CLASS_COLORS[:2])
    assert [item.opts["brush"].color().name() for item in legend_samples] == list(style.SAFE_CLASS_COLORS[:2])

    set_color_blind_safe(False)
    assert _class_colours(boundary.train_points) == set(style.STANDARD_CLASS_COLORS[:2])
    assert np.array_equal(boundary.image_data(), standard)


def test_the_palette_recolours_the_confusion_matrix(qtbot):
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    view.resize(300, 300)
    view.set_classes(["a", "b"])
    view.set_matrix(np.array([[9, 1], [2, 8]]))
    standard = view.grab().toImage()
    set_color_blind_safe(True)
    safe = view.grab().toImage()
    assert safe != standard
    set_color_blind_safe(False)
    assert view.grab().toImage() == standard


def test_the_palette_recolours_a_race_live(qtbot):
    race = RaceView(mode="epoch")
    qtbot.addWidget(race)
    race.resize(900, 600)
    race.handle_events([RaceStarted(["SGD", "Adam"], 1, [0], 3, 10, "classification", 2, [(0, 0), (0, 0)])])
    first = race._curves[("loss", 0)]
    assert first.opts["pen"].color().name() == "#1f77b4"
    set_color_blind_safe(True)
    assert first.opts["pen"].color().name() == style.SAFE_COLORS["#1f77b4"]
    assert style.SAFE_COLORS["#1f77b4"] in race.legend.text()
    race.handle_events(
        [RaceStarted(["SGD", "Adam"], 1, [0], 3, 10, "classification", 2, [(0, 0), (0, 0)])]
    )  # a race started with the palette on
    assert race._curves[("loss", 1)].opts["pen"].color().name() == style.SAFE_COLORS["#d62728"]
    style.set_plot_scale(1.5)
    assert race._curves[("loss", 1)].opts["pen"].widthF() == pytest.approx(2.5 * 1.5)
    assert "16.5pt" in race.legend.text()  # the contenders' names at the presenter size


def test_safe_colours_are_one_to_one_and_none_is_a_standard_colour():
    """Each colour has its own stand-in, so switching back always finds the colour it stood for."""
    safe = list(style.SAFE_COLORS.values())
    assert len(set(safe)) == len(safe)
    assert not set(safe) & set(style.SAFE_COLORS)
    assert len(style.SAFE_CLASS_COLORS) == len(style.STANDARD_CLASS_COLORS) == len(style.CLASS_COLORS)
