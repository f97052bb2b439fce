"""Typed editors built from a `ParamSpec`: the one factory the node and settings inspectors share.

Every editor emits `committed(value)` only with a value that `coerce_value` accepts, so invalid
values never reach the document: spin boxes carry the catalogue's range and fall back to the
previous value, list fields are checked when the user presses Enter or leaves the field.
`set_value` updates an editor silently, so documents can push values in without feedback loops.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.params import ParamError, ParamSpec, coerce_value
from playground.ui.i18n import language_events
from playground.ui.retranslate import KEEP_TEXT

INT_LIMIT = 2**31 - 1  # QSpinBox holds a C int; the format's integers all fit
FLOAT_LIMIT = sys.float_info.max  # an unbounded float field takes any finite number
# QDoubleSpinBox rounds every value to its decimals; with the most it allows (DBL_MAX_10_EXP + DBL_DIG)
# every double above ~1e-307 survives that rounding exactly. Fields show their own short text.
SPIN_DECIMALS = 323
# Parameters that span decades: edited as 1e-3 / 2e-3 / 5e-3 / 1e-2 ... with the arrow keys.
LOG_SCALE_NAMES = frozenset(
    {
        "lr",
        "max_lr",
        "min_lr",
        "eta_min",
        "weight_decay",
        "eps",
        "l1",
        "min_delta",
        "threshold",
        "lr_decay",
    }
)
_NUMBER_PREFIX = re.compile(r"^[+-]?(\d+\.?\d*|\.\d*)?([eE][+-]?\d*)?$")


def tr(text: str) -> str:
    return QCoreApplication.translate("ParamEditors", text)


def format_float(value: float, decimals: int | None = None) -> str:
    """The shortest text that reads back as exactly `value`: 0.001, 1e-05, 0.123456789, 1e+300.

    With `decimals`, a value that needs no more shows with that many (0.50 in a two-decimal field);
    a field never shows a rounded value, so reading it back (Enter, leaving it) changes nothing.
    """
    value = float(value)
    if not math.isfinite(value):
        return repr(value)
    if decimals is not None and abs(value) < 1e15:
        text = f"{value:.{decimals}f}"
        if float(text) == value:
            return text
    text = f"{value:.6g}"
    return text if float(text) == value else repr(value)


def format_value(value: Any) -> str:
    """A value as a user types it: 3, 0.001, 1e-05, "3, 5"; floats exactly (reading the text back
    gives the same number)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(item) for item in value)
    return str(value)


def parse_list_text(text: str) -> list[Any] | None:
    """ "3, 5" / "[3, 5]" / "3 5" → [3, 5]; numbers stay ints when written as ints. None for empty."""
    stripped = text.strip().strip("[]()").strip()
    if not stripped:
        return None
    items = [item for item in re.split(r"[,;\s]+", stripped) if item]
    values: list[Any] = []
    for item in items:
        try:
            values.append(int(item))
        except ValueError:
            try:
                values.append(float(item))
            except ValueError:
                values.append(item)
    return values


def help_text(spec: ParamSpec) -> str:
    """Tooltip: the help line and the accepted values, in the current language."""
    text = spec.help_text
    accepted = spec.describe_range()
    if accepted and spec.kind not in ("str", "bool"):
        text += ("\n" if text else "") + QCoreApplication.translate("ParamEditors", "Accepts {range}.").format(
            range=accepted
        )
    if spec.optional:
        text += "\n" + QCoreApplication.translate("ParamEditors", "May be left empty (none).")
    return text


class _WheelGuard(QObject):
    """Scrolling the inspector must not change a spin box or combo box that merely lies under the mouse."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()
            return True
        return False


_WHEEL_GUARD: _WheelGuard | None = None


def guard_wheel(widget: QWidget) -> None:
    global _WHEEL_GUARD
    if _WHEEL_GUARD is None:
        _WHEEL_GUARD = _WheelGuard()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_WHEEL_GUARD)


# ---- spin boxes ------------------------------------------------------------------------------------


class NumberSpinBox(QDoubleSpinBox):
    """A spin box that holds any finite double as it is.

    Qt's QDoubleSpinBox rounds to its decimals and shows every digit of them; this one keeps the
    value (see SPIN_DECIMALS), shows the shortest text that reads back as it (`display_decimals`
    are used when they suffice: 0.50), takes typed numbers in any notation (1e-300) and steps
    by `singleStep` without binary noise (0.15, not 0.15000000000000002).
    """

    def __init__(self, parent: QWidget | None = None, display_decimals: int | None = None):
        self._exclusive_minimum: float | None = None  # set before Qt calls validate() from the constructor
        self._exclusive_maximum: float | None = None
        self._exact: tuple[float, float] | None = None  # (what Qt holds, the value shown) for tiny values
        self.display_decimals = display_decimals
        super().__init__(parent)
        self.setDecimals(SPIN_DECIMALS)

    def set_exclusive_minimum(self, value: float | None) -> None:
        self._exclusive_minimum = value

    def set_exclusive_maximum(self, value: float | None) -> None:
        self._exclusive_maximum = value

    def show_value(self, value: float) -> None:
        """setValue, remembering `value` itself where Qt's rounding could not keep it (below ~1e-307)."""
        self._exact = None
        self.setValue(value)
        if self.value() != value and self.minimum() <= value <= self.maximum():
            self._exact = (self.value(), value)
            self.setValue(self.value())  # the same value again: Qt redraws the text (now the exact one)

    def shown_value(self) -> float:
        """The value on display (exactly the value given to `show_value` until the user changes it)."""
        value = self.value()
        if self._exact is not None and value == self._exact[0]:
            return self._exact[1]
        return value

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        if self._exact is not None and value == self._exact[0]:
            value = self._exact[1]
        return format_float(value, self.display_decimals)

    def _number_text(self, text: str) -> str:
        """`text` without the prefix and suffix (Qt passes the whole line to validate and valueFromText)."""
        text = text.strip()
        prefix, suffix = self.prefix().strip(), self.suffix().strip()
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :]
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
        return text.strip()

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        number = self._number_text(text)
        if number == self.textFromValue(self.value()):
            return self.shown_value()  # the text shown, not typed over: exactly the value it stands for
        try:
            return float(number)
        except ValueError:
            return self.value()

    def _acceptable(self, value: float) -> bool:
        if not math.isfinite(value) or value < self.minimum() or value > self.maximum():
            return False
        if self._exclusive_maximum is not None and value >= self._exclusive_maximum:
            return False
        return self._exclusive_minimum is None or value > self._exclusive_minimum

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:  # noqa: D401 - Qt override
        stripped = self._number_text(text)
        if not stripped:
            return QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped)
        except ValueError:
            state = QValidator.State.Intermediate if _NUMBER_PREFIX.match(stripped) else QValidator.State.Invalid
            return state, text, pos
        return (QValidator.State.Acceptable if self._acceptable(value) else QValidator.State.Intermediate), text, pos

    def fixup(self, text: str) -> str:  # noqa: D401 - Qt override
        return text  # nothing to repair: an unacceptable number falls back to the previous value

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        value = self.shown_value()
        typed = self.cleanText()  # a number typed but not yet entered is where the step starts
        if typed != self.textFromValue(self.value()) and self.validate(typed, 0)[0] == QValidator.State.Acceptable:
            value = float(typed)
        value = self._stepped(value, steps)
        if self._acceptable(value):
            self.setValue(value)
        self.selectAll()

    def _stepped(self, value: float, steps: int) -> float:
        stepped = float(f"{value + steps * self.singleStep():.12g}")
        return min(self.maximum(), max(self.minimum(), stepped))


class ScientificSpinBox(NumberSpinBox):
    """A spin box for values spanning decades (learning rates): shows 0.001 or 1e-05, steps 1-2-5."""

    LADDER = (1.0, 2.0, 5.0)

    def __init__(self, parent: QWidget | None = None):
        self.first_step = 1e-4  # where stepping up from zero starts
        super().__init__(parent)

    def _stepped(self, value: float, steps: int) -> float:
        for _ in range(abs(steps)):
            try:
                value = self._next(value, up=steps > 0)
            except (OverflowError, ZeroDivisionError):  # at the ends of the double range: stay put
                break
        return value

    def _next(self, value: float, up: bool) -> float:
        if value <= 0:
            return max(self.first_step, self.minimum()) if up else value
        exponent = math.floor(math.log10(value) + 1e-9)
        mantissa = value / 10.0**exponent
        ladder = [float(f"{m * 10.0**e:.12g}") for e in (exponent - 1, exponent, exponent + 1) for m in self.LADDER]
        if up:
            bigger = [v for v in ladder if v > value * (1 + 1e-9)]
            return min(bigger) if bigger else value
        smaller = [v for v in ladder if v < value * (1 - 1e-9)]
        if (
            mantissa <= 1.0 + 1e-9
            and value <= self.first_step
            and self.minimum() <= 0
            and self._exclusive_minimum is None
        ):
            return 0.0
        return max(smaller) if smaller else value

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:  # noqa: N802 - Qt override
        return QAbstractSpinBox.StepEnabledFlag.StepUpEnabled | QAbstractSpinBox.StepEnabledFlag.StepDownEnabled


def _float_decimals(spec: ParamSpec, default: Any) -> int:
    decimals = 2
    for value in (default, spec.minimum, spec.maximum):
        if isinstance(value, (int, float)) and value and math.isfinite(value):
            text = f"{abs(float(value)):.6f}".rstrip("0")
            if "." in text:
                decimals = max(decimals, len(text.split(".")[1]))
    if spec.maximum is not None and spec.maximum <= 1:
        decimals = max(decimals, 3)
    return min(decimals, 6)


def uses_log_scale(spec: ParamSpec) -> bool:
    if spec.kind != "float":
        return False
    if spec.name in LOG_SCALE_NAMES:
        return True
    default = spec.default
    return isinstance(default, float) and 0 < abs(default) < 1e-3


# ---- editors -----------------------------------------------------------------------------------------


class ParamEditor(QWidget):
    """Base: one parameter's editor. `committed` carries only valid values."""

    committed = Signal(object)

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self._updating = False
        self.setToolTip(help_text(spec))

    def set_value(self, value: Any) -> None:
        """Show `value` without emitting `committed`."""
        self._updating = True
        try:
            self._show(value)
        finally:
            self._updating = False

    def value(self) -> Any:
        raise NotImplementedError

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _commit(self, value: Any) -> None:
        if self._updating:
            return
        try:
            checked = coerce_value(self.spec, value)
        except ParamError:
            self.set_value(self._last)  # cannot happen for range-limited widgets; be safe anyway
            return
        if checked == self._last and type(checked) is type(self._last):
            return
        self._last = checked
        self.committed.emit(checked)

    _last: Any = None

    def focus_widget(self) -> QWidget:
        return self


class IntEditor(ParamEditor):
    """A whole number in the catalogue's range; a value outside it (from a file) widens the range
    to show it as it is, and is never clamped into the document."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(spec, parent)
        self.spin = QSpinBox(self)
        low = int(spec.minimum) if spec.minimum is not None else -INT_LIMIT
        if spec.exclusive_minimum and spec.minimum is not None:
            low = int(spec.minimum) + 1
        high = int(spec.maximum) if spec.maximum is not None else INT_LIMIT
        self._range = (max(low, -INT_LIMIT - 1), min(high, INT_LIMIT))
        self.spin.setRange(*self._range)
        self.spin.setKeyboardTracking(False)  # commit on Enter / focus out / arrows, not per keystroke
        self.spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.spin.setAccelerated(True)
        self.spin.setGroupSeparatorShown(self.spin.maximum() >= 10_000)
        guard_wheel(self.spin)
        _fill(self, self.spin)
        self.spin.valueChanged.connect(self._commit)

    def _show(self, value: Any) -> None:
        value = int(self.spec.default if value is None else value)
        shown = min(max(value, -INT_LIMIT - 1), INT_LIMIT)  # what a C int can hold (the format's integers do)
        low, high = self._range
        self.spin.setRange(min(low, shown), max(high, shown))
        self.spin.setGroupSeparatorShown(self.spin.maximum() >= 10_000)
        self.spin.setValue(shown)
        self._last = value

    def value(self) -> int:
        return self.spin.value()

    def focus_widget(self) -> QWidget:
        return self.spin


class FloatEditor(ParamEditor):
    """A real number. Log-scale parameters (learning rates, eps) step 1-2-5 through the decades; the
    others step linearly and show the catalogue's decimals when those suffice. Every value shows as
    it is (0.123456789, 1e-300, 1e+300) and a value outside the range widens it: nothing the
    document holds is rounded or clamped merely by being shown."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(spec, parent)
        low = spec.minimum if spec.minimum is not None else -FLOAT_LIMIT
        high = spec.maximum if spec.maximum is not None else FLOAT_LIMIT
        if uses_log_scale(spec):
            scientific = ScientificSpinBox(self)
            if isinstance(spec.default, float) and spec.default > 0:
                scientific.first_step = min(spec.default, 1e-4) if spec.name != "eps" else 1e-10
            spin: NumberSpinBox = scientific
        else:
            decimals = _float_decimals(spec, spec.default)
            spin = NumberSpinBox(self, display_decimals=decimals)
            if spec.exclusive_minimum and spec.minimum is not None:
                low = spec.minimum + 10**-decimals  # arrows stop at the smallest value shown in full
            if getattr(spec, "exclusive_maximum", False) and spec.maximum is not None:
                high = spec.maximum - 10**-decimals
            span = (high - low) if spec.maximum is not None and spec.minimum is not None else None
            spin.setSingleStep(
                0.05 if span is not None and span <= 1.0 else 0.1 if span is not None and span <= 10 else 1.0
            )
        if spec.exclusive_minimum and spec.minimum is not None:
            spin.set_exclusive_minimum(float(spec.minimum))
        if getattr(spec, "exclusive_maximum", False) and spec.maximum is not None:
            spin.set_exclusive_maximum(float(spec.maximum))
        self._range = (float(low), float(high))
        spin.setRange(*self._range)
        spin.setKeyboardTracking(False)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        guard_wheel(spin)
        self.spin = spin
        _fill(self, spin)
        spin.valueChanged.connect(self._commit)

    def _show(self, value: Any) -> None:
        value = float(self.spec.default if value is None else value)
        low, high = self._range
        if math.isfinite(value):
            self.spin.setRange(min(low, value), max(high, value))
        self.spin.show_value(value)
        self._last = value

    def _commit(self, value: Any) -> None:
        if self._updating:
            return
        value = float(value)
        if value == self.spin.value():
            value = self.spin.shown_value()
        # Arrow steps are clean already; a typed value is stored as typed, without binary noise.
        super()._commit(float(f"{value:.15g}") if value != self._last else value)

    def value(self) -> float:
        return float(self.spin.shown_value())

    def focus_widget(self) -> QWidget:
        return self.spin


class BoolEditor(ParamEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None, text: str = ""):
        super().__init__(spec, parent)
        self.check = QCheckBox(text, self)
        _fill(self, self.check)
        self.check.toggled.connect(self._commit)

    def _show(self, value: Any) -> None:
        value = bool(self.spec.default if value is None else value)
        self.check.setChecked(value)
        self._last = value

    def value(self) -> bool:
        return self.check.isChecked()

    def focus_widget(self) -> QWidget:
        return self.check


class ChoiceEditor(ParamEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(spec, parent)
        self.combo = QComboBox(self)
        for choice in spec.choices:
            self.combo.addItem(str(choice), choice)
        guard_wheel(self.combo)
        _fill(self, self.combo)
        self.combo.currentIndexChanged.connect(lambda index: self._commit(self.combo.itemData(index)))

    def _show(self, value: Any) -> None:
        value = self.spec.default if value is None else value
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(index, 0))
        self._last = self.combo.currentData()

    def value(self) -> Any:
        return self.combo.currentData()

    def focus_widget(self) -> QWidget:
        return self.combo


class _ErrorLine(QLabel):
    """A small red line under a text field, saying why the typed value was not taken."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("fieldError")
        self.setStyleSheet("color: palette(bright-text); background: #c62828; border-radius: 3px; padding: 1px 4px;")
        self.hide()


class TextEditor(ParamEditor):
    """Free text (a column name) or a path with a Browse… button; committed on Enter or focus out."""

    def __init__(
        self,
        spec: ParamSpec,
        parent: QWidget | None = None,
        browse: str | None = None,
        file_filter: str = "",
        base_dir: Callable[[], str] | None = None,
    ):
        super().__init__(spec, parent)
        self.line = QLineEdit(self)
        self.line.setClearButtonEnabled(True)
        self._browse_mode = browse  # None, "file" or "folder"
        self._file_filter = file_filter
        self._base_dir = base_dir
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.line, 1)
        if browse:
            self.browse_button = QToolButton(self)
            self.browse_button.setText(QCoreApplication.translate("ParamEditors", "Browse…"))
            self.browse_button.setToolTip(
                QCoreApplication.translate("ParamEditors", "Choose the file")
                if browse == "file"
                else QCoreApplication.translate("ParamEditors", "Choose the folder")
            )
            self.browse_button.clicked.connect(self._on_browse)
            row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        self.line.editingFinished.connect(lambda: self._commit(self.line.text().strip()))

    def _show(self, value: Any) -> None:
        value = "" if value is None else str(value)
        self.line.setText(value)
        self._last = value

    def value(self) -> str:
        return self.line.text().strip()

    def _on_browse(self) -> None:
        start = self.line.text().strip() or (self._base_dir() if self._base_dir else "")
        if self._browse_mode == "folder":
            chosen = QFileDialog.getExistingDirectory(
                self, QCoreApplication.translate("ParamEditors", "Choose a folder"), start
            )
        else:
            chosen, _ = QFileDialog.getOpenFileName(
                self, QCoreApplication.translate("ParamEditors", "Choose a file"), start, self._file_filter
            )
        if chosen:
            self.line.setText(chosen)
            self._commit(chosen)

    def focus_widget(self) -> QWidget:
        return self.line


class ListEditor(ParamEditor):
    """Pairs and lists typed as text ("3, 5"); checked with the catalogue's rules when committed."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(spec, parent)
        self.line = QLineEdit(self)
        placeholder = {
            "int_or_pair": "3  or  3, 5",
            "int_list": "30, 60",
            "float_list": "0.9, 0.999",
            "shape": "1, 8, 8",
        }.get(spec.kind, "")
        if spec.optional:
            placeholder = QCoreApplication.translate("ParamEditors", "empty = none") + (
                f"  ({placeholder})" if placeholder else ""
            )
        self.line.setPlaceholderText(placeholder)
        self.error = _ErrorLine(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line)
        layout.addWidget(self.error)
        self.line.editingFinished.connect(self._on_editing_finished)

    def _show(self, value: Any) -> None:
        self.line.setText(format_value(value))
        self._last = value
        self._set_problem(None)

    def parsed(self) -> Any:
        values = parse_list_text(self.line.text())
        if values is None:
            return None
        if self.spec.kind == "int_or_pair" and len(values) == 1:
            return values[0]
        return values

    def _on_editing_finished(self) -> None:
        if self._updating:
            return
        try:
            value = coerce_value(self.spec, self.parsed())
        except ParamError as exc:
            self._set_problem(
                QCoreApplication.translate("ParamEditors", "{name} {problem}").format(
                    name=self.spec.name, problem=str(exc)
                )
            )
            return
        self._set_problem(None)
        self.line.setText(format_value(value))
        self._commit(value)

    def _set_problem(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.line.setStyleSheet("QLineEdit { border: 1px solid #c62828; }" if message else "")

    @property
    def problem(self) -> str | None:
        return self.error.text() or None

    def value(self) -> Any:
        return self._last

    def focus_widget(self) -> QWidget:
        return self.line


class MultiChoiceEditor(ParamEditor):
    """A checkbox per choice (the toy datasets' input features); at least one stays checked."""

    LABELS = {
        "x1": "x₁",
        "x2": "x₂",
        "x1_sq": "x₁²",
        "x2_sq": "x₂²",
        "x1x2": "x₁·x₂",
        "sin_x1": "sin x₁",
        "sin_x2": "sin x₂",
    }

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None, columns: int = 4):
        super().__init__(spec, parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.boxes: dict[str, QCheckBox] = {}
        for index, choice in enumerate(spec.choices):
            box = QCheckBox(self.LABELS.get(choice, choice), self)
            box.setToolTip(choice)
            box.toggled.connect(self._on_toggled)
            grid.addWidget(box, index // columns, index % columns)
            self.boxes[choice] = box

    def _show(self, value: Any) -> None:
        chosen = list(self.spec.default if value is None else value)
        for choice, box in self.boxes.items():
            box.setChecked(choice in chosen)
        self._last = [choice for choice in self.spec.choices if choice in chosen]

    def _on_toggled(self, _checked: bool) -> None:
        if self._updating:
            return
        chosen = [choice for choice, box in self.boxes.items() if box.isChecked()]
        if not chosen:  # at least one input column: put the tick back
            self.set_value(self._last)
            return
        self._commit(chosen)

    def value(self) -> list[str]:
        return list(self._last)


class OptionalEditor(ParamEditor):
    """An optional number: a checkbox switches between "none" and a value."""

    def __init__(self, spec: ParamSpec, inner: ParamEditor, parent: QWidget | None = None):
        super().__init__(spec, parent)
        self.inner = inner
        inner.setParent(self)
        self.enabled = QCheckBox(self)
        self.enabled.setToolTip(QCoreApplication.translate("ParamEditors", "Unticked: none (the default)"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.enabled)
        row.addWidget(inner, 1)
        self.enabled.toggled.connect(self._on_toggled)
        inner.committed.connect(lambda value: self._commit(value) if self.enabled.isChecked() else None)

    def _show(self, value: Any) -> None:
        self.enabled.setChecked(value is not None)
        self.inner.setEnabled(value is not None)
        fallback = value
        if fallback is None:  # what the field shows (greyed) until ticked
            low, high = self.spec.minimum, self.spec.maximum
            fallback = (low + high) / 2 if low is not None and high is not None else max(1.0, low or 0.0)
            if self.spec.kind == "int":
                fallback = int(fallback)
        self.inner.set_value(fallback)
        self._last = value

    def _on_toggled(self, checked: bool) -> None:
        self.inner.setEnabled(checked)
        if not self._updating:
            self._commit(self.inner.value() if checked else None)

    def value(self) -> Any:
        return self.inner.value() if self.enabled.isChecked() else None

    def focus_widget(self) -> QWidget:
        return self.inner.focus_widget()


def _fill(owner: QWidget, child: QWidget) -> None:
    layout = QHBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(child)
    child.setSizePolicy(QSizePolicy.Policy.Expanding, child.sizePolicy().verticalPolicy())


def create_param_editor(
    spec: ParamSpec,
    parent: QWidget | None = None,
    *,
    browse: str | None = None,
    file_filter: str = "",
    base_dir: Callable[[], str] | None = None,
) -> ParamEditor:
    """The editor that fits `spec.kind` (spin box, combo, checkbox, list field, ...)."""
    kind = spec.kind
    if kind == "int":
        editor: ParamEditor = IntEditor(spec, parent)
    elif kind == "float":
        editor = FloatEditor(spec, parent)
    elif kind == "bool":
        editor = BoolEditor(spec, parent)
    elif kind == "choice":
        editor = ChoiceEditor(spec, parent)
    elif kind == "multi_choice":
        editor = MultiChoiceEditor(spec, parent)
    elif kind == "str":
        editor = TextEditor(spec, parent, browse=browse, file_filter=file_filter, base_dir=base_dir)
    else:  # int_or_pair, int_list, float_list, shape
        return ListEditor(spec, parent)  # handles "empty = none" itself
    if spec.optional and kind in ("int", "float"):
        return OptionalEditor(spec, editor, parent)
    return editor


# ---- a form of editors ------------------------------------------------------------------------------


class ParamForm(QWidget):
    """Editors for a list of ParamSpecs, the advanced ones folded under "More options"."""

    param_committed = Signal(str, object)  # name, value

    def __init__(
        self,
        specs: tuple[ParamSpec, ...] | list[ParamSpec],
        parent: QWidget | None = None,
        editor_options: dict[str, dict[str, Any]] | None = None,
    ):
        super().__init__(parent)
        self.specs = tuple(specs)
        self.editors: dict[str, ParamEditor] = {}
        self.labels: dict[str, QLabel] = {}
        options = editor_options or {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self.form = new_form()
        outer.addLayout(self.form)
        advanced = [spec for spec in self.specs if spec.advanced]
        for spec in self.specs:
            if not spec.advanced:
                self._add_row(self.form, spec, options.get(spec.name, {}))
        self.more_button: QToolButton | None = None
        if advanced:
            self.more_button = QToolButton(self)
            self.more_button.setText(QCoreApplication.translate("ParamEditors", "More options"))
            self.more_button.setCheckable(True)
            self.more_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.more_button.setArrowType(Qt.ArrowType.RightArrow)
            self.more_button.setAutoRaise(True)
            self.more_box = QWidget(self)
            more_form = new_form()
            self.more_box.setLayout(more_form)
            for spec in advanced:
                self._add_row(more_form, spec, options.get(spec.name, {}))
            self.more_box.hide()
            self.more_button.toggled.connect(self._on_more_toggled)
            outer.addWidget(self.more_button)
            outer.addWidget(self.more_box)
        # the tooltips are the core's help text, which no Qt catalogue relabels
        language_events().changed.connect(self._on_language_changed)  # ends with this widget

    def _add_row(self, form: QFormLayout, spec: ParamSpec, options: dict[str, Any]) -> None:
        editor = create_param_editor(spec, self, **options)
        label = QLabel(spec.name, self)
        label.setProperty(KEEP_TEXT, True)  # a parameter's name, the same in every language
        label.setToolTip(help_text(spec))
        label.setBuddy(editor.focus_widget())
        editor.committed.connect(lambda value, name=spec.name: self.param_committed.emit(name, value))
        form.addRow(label, editor)
        self.editors[spec.name] = editor
        self.labels[spec.name] = label

    def _on_language_changed(self, language: str) -> None:
        """Word the help tooltips in the new language."""
        for spec in self.specs:
            self.labels[spec.name].setToolTip(help_text(spec))
            self.editors[spec.name].setToolTip(help_text(spec))

    def _on_more_toggled(self, shown: bool) -> None:
        assert self.more_button is not None
        self.more_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.more_box.setVisible(shown)

    def set_values(self, values: dict[str, Any]) -> None:
        """Show these values (missing ones: the defaults), silently."""
        for spec in self.specs:
            self.editors[spec.name].set_value(values.get(spec.name, spec.default))
        if self.more_button is not None and any(
            spec.advanced and spec.name in values and values[spec.name] != spec.default for spec in self.specs
        ):
            self.more_button.setChecked(True)  # a changed advanced value is never hidden


def new_form() -> QFormLayout:
    """The inspector's form layout: right-aligned labels, fields that take the width."""
    form = QFormLayout()
    form.setContentsMargins(0, 0, 0, 0)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(6)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return form
