"""Render the main window with an experiment to an image, offscreen (README screenshots, CI).

`render_window` opens a non-persistent window at the requested size, waits until the throttled
views (code, summary) are populated, fits the graph and grabs the window. Steps that later
features add (training for a few epochs before the grab) plug in as `SnapshotOptions.prepare`
callbacks, run after the window is up and before the final fit.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from playground.core.errors import PlaygroundError
from playground.core.experiment import load_experiment

if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtGui import QImage

    from playground.core.experiment import Experiment
    from playground.ui.main_window import MainWindow

DEFAULT_SIZE = (1400, 900)


class SnapshotError(PlaygroundError):
    """The snapshot could not be made or written."""


@dataclass
class SnapshotOptions:
    size: tuple[int, int] = DEFAULT_SIZE
    theme: str = "light"
    select: list[str] = field(default_factory=list)  # node ids to select (the inspector shows the first)
    epochs: int | None = None  # train this many epochs in the window before the grab
    probe: str | None = None  # a node to look inside (the Training tab shows its probe, during the run too)
    race: bool = False  # race the lesson's variants (for `epochs` each) and show Compare ▸ Lesson race
    prepare: list[Callable[[MainWindow, SnapshotOptions], None]] = field(default_factory=list)
    settle_seconds: float = 5.0  # at most this long waiting for throttled views
    language: str | None = (
        None  # None: the core's current language (the command line sets it from --lang or the locale)
    )


def use_offscreen_if_headless() -> None:
    """No display (a server, CI): render with Qt's offscreen platform. Must run before QApplication."""
    if "QT_QPA_PLATFORM" in os.environ:
        return
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def process_events(app, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def render_window(experiment: Experiment, path: str | Path | None, options: SnapshotOptions) -> QImage:
    """The window with `experiment` open, as an image of `options.size` pixels (at device ratio 1)."""
    use_offscreen_if_headless()
    from PySide6.QtCore import Qt  # lazy: Qt and the window load only to render

    from playground.core import i18n as core_i18n  # lazy: Qt and the window load only to render
    from playground.ui import theme  # lazy: Qt and the window load only to render
    from playground.ui.app import create_application  # lazy: Qt and the window load only to render
    from playground.ui.i18n import set_language  # lazy: Qt and the window load only to render
    from playground.ui.main_window import MainWindow  # lazy: Qt and the window load only to render

    app = create_application()
    previous_theme = theme.current_theme()
    previous_language = core_i18n.language()
    theme.apply_theme(options.theme)
    set_language(options.language or previous_language)
    window = MainWindow(experiment, path, persistent=False)
    try:
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        window.resize(*options.size)
        window.show()
        process_events(app)
        deadline = time.monotonic() + options.settle_seconds
        while (window.code_view.is_pending() or window.summary_view.is_pending()) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        window.flush_views()
        if options.select:
            window.editor.select_nodes(list(options.select))
        if options.probe:
            window.look_inside(options.probe)
            process_events(app)
        if options.race:
            _race_or_fail(window, options.epochs)
        elif options.epochs:
            _train_or_fail(window, options.epochs)
        for step in options.prepare:
            step(window, options)
        window.flush_views()
        process_events(app)
        window.editor.fit_to_view()
        process_events(app)
        return window.grab().toImage()
    finally:
        window.close_discarding()
        window.deleteLater()
        process_events(app, 2)
        if previous_theme != options.theme:
            theme.apply_theme(previous_theme)
        set_language(previous_language)


def _train_or_fail(window: MainWindow, epochs: int) -> None:
    """Train in the window; a run that cannot start or fails is a SnapshotError with its reason."""
    from playground.ui.training.snapshot import train_for_snapshot  # lazy: Qt and the window load only to render

    summary = train_for_snapshot(window.training, window.training_panel, epochs)
    if summary is None:
        reason = window.training.banner_text() or "training could not start"
        raise SnapshotError(f"cannot train before the picture: {reason}")


def _race_or_fail(window: MainWindow, epochs: int | None, timeout_seconds: float = 900.0) -> None:
    """Race the lesson's variants in Compare ▸ Lesson race and wait for the end; a race that cannot
    start or fails is a SnapshotError with the race's own message."""
    from PySide6.QtWidgets import QApplication  # lazy: Qt and the window load only to render

    lesson = window.document.experiment.lesson
    if lesson is None or not lesson.variants:
        raise SnapshotError("cannot race: the experiment declares no lesson variants")
    window.show_tab("compare")
    panel = window.compare_panel.show_page("lesson")
    if epochs:
        panel.race.epochs.setValue(epochs)
    finished: list[object] = []
    panel.race.race_finished.connect(finished.append)
    if not panel.race.start():
        raise SnapshotError(f"cannot race: {panel.race.status.text()}")
    deadline = time.monotonic() + timeout_seconds
    while not finished and panel.race.is_running() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    if not finished:
        panel.race.stop()
        raise SnapshotError(f"the race did not finish: {panel.race.status.text()}")
    process_events(QApplication.instance())


def write_snapshot(file: str | Path, out: str | Path, options: SnapshotOptions) -> tuple[int, int]:
    """Open `file`, render it, write the PNG to `out`; returns the image size."""
    file = Path(file)
    experiment = load_experiment(file)  # ExperimentError names the file and every problem
    out = Path(out)
    if not out.parent.exists():
        raise SnapshotError(f"cannot write {out}: the folder {out.parent} does not exist")
    image = render_window(experiment, file.resolve(), options)
    if image.isNull():
        raise SnapshotError("the window could not be rendered")
    # PySide6 wants the format as text (bytes are refused at run time); its stub says bytes
    if not image.save(str(out), "PNG"):  # type: ignore[call-overload]
        raise SnapshotError(f"cannot write {out}: the file could not be saved as PNG")
    return image.width(), image.height()
