"""Recompute the views of a kept epoch off the GUI thread (the time machine, and a look inside a
node once a run has ended).

`ReplayRunner.ask(...)` hands the question to a background thread, which keeps a `Replayer`
(`core/runs/replay.py`: the run's data and probes, loaded once per run) and answers with
`answered(ReplayAnswer)`, delivered in the GUI thread. Only the latest question is answered:
scrubbing through thirty epochs asks thirty times and draws the epochs the thread got to, ending
on the last one asked. The thread ends as soon as nothing is asked, so an idle window holds none.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class ReplayRunner(QObject):
    """Answers "what did the views show at this snapshot?" in a thread of its own."""

    answered = Signal(object)  # a ReplayAnswer with `.tag` (what the asker passed) and `.number`

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._question: tuple[Any, ...] | None = None
        self._thread: threading.Thread | None = None
        self._replayer: Any = None
        self._replayer_of: Any = None  # the experiment the replayer was made for
        self._asked = 0  # questions asked (numbered)
        self._answered = 0  # the number of the latest answered
        self._closed = False

    def ask(self, experiment: Any, base_dir: str | None, snapshot: Any, views: bool, probe: Any, tag: Any) -> None:
        with self._lock:
            if self._closed:
                return
            self._asked += 1
            self._question = (experiment, base_dir, snapshot, views, probe, tag, self._asked)
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="time-machine", daemon=True)
                self._thread.start()

    def is_busy(self) -> bool:
        """The latest question is not answered yet."""
        return self._answered < self._asked

    def _serve(self) -> None:
        while True:
            with self._lock:
                question, self._question = self._question, None
                if question is None or self._closed:
                    self._thread = None
                    return
            answer = self._answer(*question)
            try:
                self.answered.emit(answer)
            except RuntimeError:  # the window went away meanwhile
                return

    def _answer(
        self, experiment: Any, base_dir: str | None, snapshot: Any, views: bool, probe: Any, tag: Any, number: int
    ) -> Any:
        from playground.core.runs.replay import ReplayAnswer, Replayer  # noqa: PLC0415 - torch off the start-up path

        try:
            if self._replayer is None or self._replayer_of is not experiment:
                self._replayer = Replayer(experiment, base_dir)
                self._replayer_of = experiment
            answer = self._replayer.answer(snapshot, views=views, probe=probe)
        except Exception as exc:  # noqa: BLE001 - the run's data could not be loaded again: say so
            log.debug("replaying a snapshot failed", exc_info=True)
            answer = ReplayAnswer(snapshot.epoch, snapshot.step, error=str(exc))
        answer.tag, answer.number = tag, number
        return answer

    def take_answer_number(self, number: int) -> None:
        """The window drew the answer numbered `number` (see `is_busy`)."""
        self._answered = max(self._answered, int(number))

    def shutdown(self, timeout: float = 10.0) -> None:
        """No more questions; wait for the one being answered (the window closing)."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
