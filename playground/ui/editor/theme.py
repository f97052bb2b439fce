"""Canvas colours derived from the widget palette, so light and dark themes both work.

Nothing on the canvas hard-codes a background or text colour: everything is read from the
scene's `QPalette` (which the view keeps in step with its own) and mixed from it. Only the
layer colours (from the catalogue) and the error/warning accents are fixed hues, adjusted for
dark backgrounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """`a` moved a fraction `t` towards `b`."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
        1.0,
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.45


def readable_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on `background`."""
    r, g, b = background.redF(), background.greenF(), background.blueF()
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return QColor("#111111") if luminance > 0.55 else QColor("#ffffff")


@dataclass(frozen=True)
class CanvasColors:
    background: QColor
    grid_minor: QColor
    grid_major: QColor
    card: QColor
    card_border: QColor
    text: QColor
    dim_text: QColor
    highlight: QColor
    error: QColor
    warning: QColor
    edge: QColor
    edge_label_background: QColor
    port: QColor
    port_valid: QColor
    dark: bool

    @classmethod
    def from_palette(cls, palette: QPalette) -> CanvasColors:
        role = QPalette.ColorRole
        base = palette.color(role.Base)
        text = palette.color(role.Text)
        window = palette.color(role.Window)
        dark = is_dark(palette)
        background = mix(base, window, 0.35)
        card = mix(base, text, 0.06) if dark else base
        return cls(
            background=background,
            grid_minor=mix(background, text, 0.05),
            grid_major=mix(background, text, 0.10),
            card=card,
            card_border=mix(card, text, 0.35),
            text=text,
            dim_text=mix(text, card, 0.38),
            highlight=palette.color(role.Highlight),
            error=QColor("#ff5c5c") if dark else QColor("#d62728"),
            warning=QColor("#f0b429") if dark else QColor("#c98a00"),
            edge=mix(background, text, 0.55),
            edge_label_background=mix(background, base, 0.6),
            port=mix(card, text, 0.55),
            port_valid=QColor("#4cc26a") if dark else QColor("#2e9e4f"),
            dark=dark,
        )

    def layer_color(self, hex_color: str) -> QColor:
        """A catalogue colour, slightly muted on dark backgrounds so white text stays readable."""
        color = QColor(hex_color)
        return mix(color, self.card, 0.15) if self.dark else color
