"""The training time machine's bar: scrub back through a run's kept weight snapshots, go back to
the live view, fork a new run from the epoch shown, or rewind to the initial weights.

The slider spans the run's epochs (0 to the latest) and stops only where a snapshot is kept
(ticks mark them) and, while the latest epoch has none yet, at the live end. The bar only says
what the user chose (`epoch_chosen`, `live_chosen`, `fork_requested`, `rewind_requested`); the
window shows the replayed views and opens the fork dialog.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

from playground.ui.i18n import language_events

PAGE_STOPS = 5  # Page Up/Down moves this many kept epochs


class _SnapSlider(QSlider):
    """A horizontal slider over epochs whose handle stops only at `stops`; ticks mark the kept epochs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.stops: list[int] = [0]  # values the handle may rest on, ascending
        self.kept: list[int] = []  # epochs with a snapshot (the ticks)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setTickPosition(QSlider.TickPosition.NoTicks)  # drawn by paintEvent, at the kept epochs only
        self.setMinimumHeight(28)

    def nearest_stop(self, value: int) -> int:
        stops = self.stops
        index = bisect.bisect_left(stops, value)
        candidates = stops[max(0, index - 1) : index + 1]
        return min(candidates, key=lambda stop: (abs(stop - value), stop)) if candidates else value

    def step_stops(self, count: int) -> None:
        """Move `count` stops to the right (negative: to the left)."""
        stops = self.stops
        index = bisect.bisect_left(stops, self.nearest_stop(self.value()))
        self.setValue(stops[max(0, min(len(stops) - 1, index + count))])

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        moves = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Down: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: 1,
            Qt.Key.Key_PageDown: -PAGE_STOPS,
            Qt.Key.Key_PageUp: PAGE_STOPS,
        }
        key = Qt.Key(event.key())
        if key in moves:
            self.step_stops(moves[key])
        elif key == Qt.Key.Key_Home:
            self.setValue(self.stops[0])
        elif key == Qt.Key.Key_End:
            self.setValue(self.stops[-1])
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self.kept or self.maximum() <= self.minimum():
            return
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        style = self.style()
        groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, self)
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self)
        span = groove.width() - handle.width()
        left = groove.x() + handle.width() // 2
        color = QColor(self.palette().color(QPalette.ColorRole.WindowText))
        color.setAlpha(150 if self.isEnabled() else 60)
        painter = QPainter(self)
        painter.setPen(QPen(color, 1))
        bottom = self.height() - 2
        top = max(handle.bottom() + 1, bottom - 5)
        for epoch in self.kept:
            x = left + QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), epoch, span)
            painter.drawLine(x, top, x, bottom)
        painter.end()

    def tick_x(self, epoch: int) -> int:
        """Where the tick of `epoch` is drawn (for tests)."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        groove: QRect = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, self
        )
        handle: QRect = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
        )
        span = groove.width() - handle.width()
        return groove.x() + handle.width() // 2 + QStyle.sliderPositionFromValue(0, self.maximum(), epoch, span)


class TimelineBar(QWidget):
    """Scrub a run's kept epochs, back to live, fork or rewind. Disabled while it keeps none."""

    epoch_chosen = Signal(int)  # the user scrubbed to this kept epoch
    live_chosen = Signal()  # the user went back to the live view
    fork_requested = Signal(int)  # fork a new run from this kept epoch
    rewind_requested = Signal()  # train anew from the initial weights (epoch 0), with other settings

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._epochs: list[int] = []
        self._latest = 0
        self._live = True
        self._shown: int | None = None  # the epoch last announced (None: live)
        self._updating = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(8)
        self.title = QLabel(self.tr("Timeline"), self)
        self.slider = _SnapSlider(self)
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.epoch_label = QLabel(self)
        self.epoch_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.live_button = QPushButton(self.tr("Live"), self)
        self.fork_button = QPushButton(self.tr("Fork from here…"), self)
        self.rewind_button = QPushButton(self.tr("Rewind to start…"), self)
        for widget in (
            self.title,
            self.slider,
            self.epoch_label,
            self.live_button,
            self.fork_button,
            self.rewind_button,
        ):
            layout.addWidget(widget)
        layout.setStretchFactor(self.slider, 1)
        self.setFocusProxy(self.slider)
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.live_button.clicked.connect(self._on_live_clicked)
        self.fork_button.clicked.connect(self._on_fork_clicked)
        self.rewind_button.clicked.connect(self._on_rewind_clicked)
        self._update()
        language_events().changed.connect(self._on_language_changed)  # the epoch label is made from numbers

    # ---- reading -------------------------------------------------------------------------------
    def is_live(self) -> bool:
        return self._live

    def current_epoch(self) -> int | None:
        """The kept epoch shown, or None while the bar is live."""
        return None if self._live else self.slider.value()

    def epochs(self) -> list[int]:
        return list(self._epochs)

    def latest(self) -> int:
        return self._latest

    def fork_epoch(self) -> int | None:
        """The epoch "Fork from here…" forks from: the one shown, or (live) the latest kept."""
        if not self._epochs:
            return None
        return self._epochs[-1] if self._live else self.slider.value()

    # ---- the window's calls ------------------------------------------------------------------------
    def set_epochs(self, epochs: list[int], latest: int) -> None:
        """The kept snapshot epochs and the run's latest epoch. Live stays live; a scrubbed bar
        keeps its epoch, or moves to the nearest earlier kept one (announced) when that one went."""
        self._epochs = sorted({int(epoch) for epoch in epochs if int(epoch) >= 0})
        self._latest = max([int(latest), *self._epochs, 0])
        if not self._live and self._epochs:
            shown = self.slider.value()
            if shown not in self._epochs:
                earlier = [epoch for epoch in self._epochs if epoch <= shown]
                self._place(earlier[-1] if earlier else self._epochs[0])
        elif not self._epochs:
            self._live = True
        self._update()
        if not self._live and self._shown != self.slider.value():
            self._shown = self.slider.value()
            self.epoch_chosen.emit(self._shown)

    def set_live(self) -> None:
        """Show the live end (silently: no `live_chosen`)."""
        self._live = True
        self._shown = None
        self._update()

    def choose_epoch(self, epoch: int) -> None:
        """Scrub to the kept epoch nearest `epoch` as the user would (announces it)."""
        if self._epochs:
            self.slider.setValue(self.slider.nearest_stop(int(epoch)))

    # ---- showing -------------------------------------------------------------------------------
    def _stops(self) -> list[int]:
        stops = list(self._epochs)
        if self._latest not in stops:
            stops.append(self._latest)  # the live end, while the latest epoch has no snapshot
        return stops or [0]

    def _place(self, value: int) -> None:
        self._updating = True
        try:
            self.slider.setValue(value)
        finally:
            self._updating = False

    def _on_language_changed(self, _language: str) -> None:
        self._update()

    def _update(self) -> None:
        has = bool(self._epochs)
        self._updating = True
        try:
            self.slider.stops = self._stops()
            self.slider.kept = list(self._epochs)
            self.slider.setRange(0, self._latest)
            self.slider.setPageStep(max(1, self._latest // 10))
            if self._live:
                self.slider.setValue(self._latest)
        finally:
            self._updating = False
        self.slider.update()
        self.setEnabled(has)
        if self._live:
            self.epoch_label.setText(self.tr("Epoch {epoch}, live").format(epoch=self._latest))
        else:
            self.epoch_label.setText(
                self.tr("Epoch {epoch} of {latest}").format(epoch=self.slider.value(), latest=self._latest)
            )
        widest = self.tr("Epoch {epoch} of {latest}").format(epoch=self._latest, latest=self._latest)
        self.epoch_label.setMinimumWidth(self.epoch_label.fontMetrics().horizontalAdvance(widest + "  "))
        self.live_button.setEnabled(has and not self._live)
        self.rewind_button.setEnabled(has and self._epochs[0] == 0)
        self.fork_button.setEnabled(has)
        if has:
            self.setToolTip("")
            self.slider.setToolTip(
                self.tr("Drag or use the arrow keys to look back at a kept epoch; the ticks mark them.")
            )
            self.live_button.setToolTip(self.tr("Back to the latest weights, as training goes on."))
            self.fork_button.setToolTip(
                self.tr("Train a new run from the epoch shown, with changed settings; this run stays as it is.")
            )
            self.rewind_button.setToolTip(
                self.tr("Train a new run from the same initial weights and batches, with changed settings.")
            )
        else:
            tip = self.tr("This run keeps no weight snapshots, so there is nothing to look back at or fork from.")
            for widget in (self, self.slider, self.live_button, self.fork_button, self.rewind_button):
                widget.setToolTip(tip)

    # ---- the user's moves --------------------------------------------------------------------------
    def _on_slider_moved(self, value: int) -> None:
        if self._updating:
            return
        snapped = self.slider.nearest_stop(value)
        if snapped != value:
            self.slider.setValue(snapped)  # comes back here with the stop
            return
        if value not in self._epochs:  # the live end
            if not self._live:
                self._live = True
                self._shown = None
                self._update()
                self.live_chosen.emit()
            return
        was_live = self._live
        self._live = False
        if was_live or self._shown != value:
            self._shown = value
            self._update()
            self.epoch_chosen.emit(value)

    def _on_live_clicked(self) -> None:
        self.set_live()
        self.live_chosen.emit()

    def _on_fork_clicked(self) -> None:
        epoch = self.fork_epoch()
        if epoch is not None:
            self.fork_requested.emit(epoch)

    def _on_rewind_clicked(self) -> None:
        self.rewind_requested.emit()
