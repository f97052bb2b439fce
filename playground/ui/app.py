"""Start the desktop app: `playground [FILE]`."""

from __future__ import annotations

import sys
from pathlib import Path

from playground import __version__

ORGANIZATION = "nn-playground"
APPLICATION = "Neural Network Playground"


def create_application(argv: list[str] | None = None):
    """The QApplication (reused if one exists), named so QSettings finds the app's settings."""
    from PySide6.QtWidgets import QApplication  # lazy: Qt loads after cli's platform check

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "playground", *(argv or [])])
        app.setOrganizationName(ORGANIZATION)
        app.setApplicationName(APPLICATION)
        app.setApplicationDisplayName(APPLICATION)
    app.setApplicationVersion(__version__)
    from PySide6.QtGui import QIcon  # lazy: Qt loads after cli's platform check

    from playground.core.desktop_entry import APP_ID, ICON

    QApplication.setWindowIcon(QIcon(str(ICON)))
    QApplication.setDesktopFileName(APP_ID)  # the desktop entry `playground desktop-entry` installs
    from playground.ui.image_decoders import (  # lazy: keeps numpy (~0.3 s) off the platform check's path
        register_qt_image_decoder,
    )

    register_qt_image_decoder()
    collect_garbage_on_the_gui_thread()
    return app


_garbage_collector = None


def collect_garbage_on_the_gui_thread():
    """Python's cycle collector runs from a GUI-thread timer instead of automatically. Left
    automatic, a collection starts on whichever thread happens to allocate (a training run's
    receiving thread, a replay) and may destroy Qt objects there, which corrupts memory; pyqtgraph's
    collector disables automatic collection and collects every second on the GUI thread."""
    global _garbage_collector
    if _garbage_collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector  # lazy: pyqtgraph loads after Qt

        _garbage_collector = GarbageCollector(interval=1.0)
    return _garbage_collector


def take_language_option(argv: list[str]) -> tuple[str | None, list[str]]:
    """``--lang zh_CN`` / ``--lang=zh_CN`` out of `argv`: (the language, the other arguments)."""
    rest: list[str] = []
    language: str | None = None
    items = iter(argv)
    for arg in items:
        if arg == "--lang":
            language = next(items, None)
        elif arg.startswith("--lang="):
            language = arg.partition("=")[2]
        else:
            rest.append(arg)
    return language, rest


def run_app(argv: list[str] | None = None) -> int:
    """Open the main window on FILE (the first argument) or on the default experiment; run until closed."""
    argv = list(argv or [])
    in_process = "--in-process" in argv  # train in a thread of this process (no child processes)
    argv = [arg for arg in argv if arg != "--in-process"]
    language, argv = take_language_option(argv)
    files = [arg for arg in argv if not arg.startswith("-")]
    app = create_application([arg for arg in argv if arg.startswith("-")])
    from PySide6.QtCore import QCoreApplication  # lazy: Qt loads after cli's platform check
    from PySide6.QtWidgets import QMessageBox  # lazy: Qt loads after cli's platform check

    from playground.ui import theme  # lazy: Qt loads after cli's platform check
    from playground.ui.i18n import set_language  # lazy: Qt loads after cli's platform check
    from playground.ui.main_window import open_window  # lazy: Qt loads after cli's platform check
    from playground.ui.settings import AppSettings  # lazy: Qt loads after cli's platform check
    from playground.ui.training import workers  # lazy: Qt loads after cli's platform check

    settings = AppSettings()
    set_language(language or settings.language())  # --lang, else the remembered choice, else the system's
    theme.apply_theme(settings.theme())
    workers.use_in_process(in_process or settings.train_in_process())
    path = Path(files[0]) if files else None
    window, error = open_window(path)  # a file that cannot be opened leaves the default experiment open
    window.show()
    if error:
        QMessageBox.critical(
            window,
            QCoreApplication.translate("App", "Cannot open {file}").format(file=path.name if path is not None else ""),
            error,
        )
    elif path is not None and (problem := window.dataset_problem_text(path)) is not None:
        QMessageBox.warning(
            window,
            QCoreApplication.translate("App", "The data of {file} cannot be loaded").format(file=path.name),
            problem,
        )
    window.check_recovery()
    return int(app.exec())
