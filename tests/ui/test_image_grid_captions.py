"""A wrong prediction's caption ("2 (true 8)") fits its own cell, in English and in Chinese: in
a narrow grid it is drawn smaller rather than over its neighbour's caption."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QFont, QFontMetricsF

from playground.ui.plots import image_grid
from playground.ui.plots.image_grid import ImageGrid


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_wrong_captions_font_fits_its_cell(qtbot, language):
    from playground.ui.i18n import set_language

    set_language(language)
    grid = ImageGrid()
    qtbot.addWidget(grid)
    grid.resize(330, 300)
    images = np.zeros((24, 1, 8, 8), dtype=np.float32)
    labels = np.full(24, 8)
    grid.set_images(images, labels, [str(index) for index in range(10)])
    grid.set_predictions(np.full(24, 2))
    drawn: list[tuple[QFont, str, float]] = []
    original = image_grid._fitted

    def recording(font, text, width, smallest=6.0):
        fitted = original(font, text, width, smallest)
        drawn.append((fitted, text, width))
        return fitted

    image_grid._fitted = recording
    try:
        grid.grab()  # paints the grid as the screen would
    finally:
        image_grid._fitted = original
    assert len(drawn) == 24 and all("8" in text and "2" in text for _, text, _ in drawn)
    for font, text, width in drawn:
        assert QFontMetricsF(font).horizontalAdvance(text) <= width or font.pointSizeF() <= 6.5
