"""A learning-rate box that steps along 1–3–10 (0.001, 0.003, 0.01, …) as TensorFlow Playground does,
shows values in short form (3e-05, 0.03), and accepts any positive number typed in."""

from __future__ import annotations

import math

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QWidget

MINIMUM_LR = 1e-7
MAXIMUM_LR = 1e3


def ladder_step(value: float, steps: int) -> float:
    """The value `steps` rungs up (or down) the 1, 3, 10, 30, … ladder from `value`."""
    value = min(MAXIMUM_LR, max(MINIMUM_LR, value))
    exponent = math.floor(math.log10(value) + 1e-9)
    rungs = []
    for e in range(exponent - 2, exponent + 3):
        rungs += [10.0**e, 3 * 10.0**e]
    rungs.sort()
    for _ in range(abs(steps)):
        if steps > 0:
            above = [r for r in rungs if r > value * (1 + 1e-9)]
            value = above[0] if above else value * 3
        else:
            below = [r for r in rungs if r < value * (1 - 1e-9)]
            value = below[-1] if below else value / 3
        rungs = sorted(set(rungs + [value * 10, value / 10]))
    return float(f"{min(MAXIMUM_LR, max(MINIMUM_LR, value)):.6g}")


class LearningRateSpinBox(QDoubleSpinBox):
    """Positive learning rates on a log ladder; typed values apply on Enter (no keyboard tracking)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("learningRateSpinBox")
        self.setDecimals(323)  # the most Qt allows: it rounds every value to this many decimals
        self.setRange(MINIMUM_LR, MAXIMUM_LR)
        self.setKeyboardTracking(False)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setAccelerated(False)
        self.setValue(0.01)

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        self.setValue(ladder_step(self.value(), steps))
        self.selectAll()

    def show_value(self, value: float) -> None:
        """Show `value` as it is: a learning rate outside the usual range (from a file) widens it."""
        self.setRange(min(MINIMUM_LR, value), max(MAXIMUM_LR, value))
        self.setValue(value)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:.4g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        if text.strip() == self.textFromValue(self.value()):
            return self.value()  # the short form shown, not typed over: keep the value it stands for
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:  # noqa: D401 - Qt override
        stripped = text.strip().replace(",", ".")
        if stripped in ("", ".", "-", "e", "1e", "1e-") or stripped.endswith(("e", "e-", "e+")):
            return QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped)
        except ValueError:
            return QValidator.State.Invalid, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos
