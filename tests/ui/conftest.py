"""GUI test set-up: offscreen Qt, isolated settings and data folders, no leaked threads."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("NN_PLAYGROUND_WARM_WORKER", "0")  # most tests never train: no worker before it is needed

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QThread  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets empty QSettings and its own data folder (autosave, recent files)."""
    monkeypatch.setenv("NN_PLAYGROUND_DATA_DIR", str(tmp_path / "userdata"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QCoreApplication.setOrganizationName("nn-playground-tests")
    QCoreApplication.setApplicationName("nn-playground-tests")
    yield


@pytest.fixture(autouse=True)
def garbage_collected_on_the_gui_thread(qapp):
    """Python's cycle collector never runs during a GUI test, and a test's garbage is collected
    here, on the GUI thread, after its deferred deletes. Left automatic, a collection can start on
    whichever thread allocates (a training bridge, a replay) and destroy Qt objects off the GUI
    thread, which corrupts memory a later test trips over. The app does the same (`ui/app.py`)."""
    gc.disable()
    yield
    qapp.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the test's deleteLater calls
    gc.collect()
    qapp.processEvents()
    gc.enable()


@pytest.fixture(autouse=True)
def english_after_each_test(qapp):
    """A test that switches the language (the window's and the core's) leaves English behind."""
    yield
    from playground.core import i18n as core_i18n
    from playground.ui.i18n import set_language

    if core_i18n.language() != core_i18n.DEFAULT_LANGUAGE:
        set_language(core_i18n.DEFAULT_LANGUAGE)


@pytest.fixture(autouse=True)
def no_thread_left_running(qapp):
    """Fail any test that leaves a QThread running (training must always shut down cleanly)."""
    yield
    qapp.processEvents()
    leaked = [thread for thread in qapp.findChildren(QThread) if thread.isRunning()]
    from playground.ui import threads

    leaked += [thread for thread in threads.running_threads() if thread not in leaked]
    assert not leaked, f"{len(leaked)} QThread(s) still running after the test"
    from playground.ui.training import workers

    busy = workers.pool().busy()
    assert not busy, f"{len(busy)} training worker(s) still busy after the test"


@pytest.fixture(autouse=True, scope="session")
def no_child_process_left():
    """When the application's workers are shut down (the app quitting), no child process is left."""
    yield
    import multiprocessing

    from playground.ui.training import workers

    workers.shutdown()
    children = multiprocessing.active_children()
    assert not children, f"child processes left behind: {children}"


@pytest.fixture
def make_window(qtbot):
    """Main windows (offscreen) that are closed without questions at the end of the test."""
    from PySide6.QtCore import Qt

    from playground.ui import theme
    from playground.ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(*args, **kwargs) -> MainWindow:
        window = MainWindow(*args, **kwargs)
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close_discarding()
        window.deleteLater()
    theme.apply_theme("light")
