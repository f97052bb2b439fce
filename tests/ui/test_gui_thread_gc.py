"""The app collects Python's garbage on the GUI thread only: a cycle made on a background thread
is destroyed on the GUI thread (Qt objects destroyed elsewhere corrupt memory)."""

from __future__ import annotations

import gc
import threading

from playground.ui import app as app_module


class Cycle:
    destroyed_on: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.destroyed_on.append(threading.current_thread().name)


def test_garbage_made_on_a_background_thread_is_collected_on_the_gui_thread(qtbot, monkeypatch):
    monkeypatch.setattr(app_module, "_garbage_collector", None)
    Cycle.destroyed_on = []
    gc.enable()  # as a fresh interpreter has it
    collector = app_module.collect_garbage_on_the_gui_thread()
    try:
        assert not gc.isenabled()

        def make_garbage() -> None:
            # far more new objects than a collection's threshold (700): left automatic, the cycle
            # collector would run on this thread while they are made
            for _ in range(2_000):
                Cycle()

        worker = threading.Thread(target=make_garbage, name="background")
        worker.start()
        worker.join()
        assert Cycle.destroyed_on == []  # nothing collected where the garbage was made
        qtbot.waitUntil(lambda: len(Cycle.destroyed_on) == 2_000, timeout=5000)
        assert set(Cycle.destroyed_on) == {threading.main_thread().name}
    finally:
        collector.timer.stop()
        gc.disable()  # as the GUI tests run (tests/ui/conftest.py)
