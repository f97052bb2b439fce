"""File ▸ Export Report…: the window's experiment, network and last run as one HTML file.

The window supplies what only it can draw: the lesson's Markdown as HTML (Qt's own Markdown
reader), the canvas as a picture, and the Training tab's loss and task views as PNGs (the task
view is the decision boundary, the images with their confusion matrix, or the forecast, as the
data asks). `playground.core.report` puts them together with the layer table and the metrics.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QTextDocument

from playground.core.graph.summary import summary_rows
from playground.core.i18n import _, language
from playground.core.lessons.goals import QUANTITIES
from playground.core.report.html_report import NETWORK, LayerRow, Report, ReportImage, write_report
from playground.core.training.events import FINAL_METRICS

if TYPE_CHECKING:  # pragma: no cover
    from playground.ui.main_window import MainWindow

SCENE_MARGIN = 24
MAX_SCENE_PIXELS = 2400  # the canvas picture's longer side at most


def lesson_html(markdown: str) -> str:
    """The lesson's Markdown as an HTML fragment (Qt's reader: rich text only, never a script)."""
    document = QTextDocument()
    document.setMarkdown(markdown)
    text = document.toHtml()
    body = re.search(r"<body[^>]*>(.*)</body>", text, flags=re.S)
    return _plain_tags(body.group(1).strip()) if body else ""


def _plain_tags(fragment: str) -> str:
    """Qt's HTML without its inline styles: bold and italic spans as <strong> and <em>, the rest bare."""
    for weight, tag in ((r"font-weight:\s*(?:700|bold)", "strong"), (r"font-style:\s*italic", "em")):
        fragment = re.sub(
            rf'<span style="[^"]*{weight}[^"]*">(.*?)</span>', rf"<{tag}>\1</{tag}>", fragment, flags=re.S
        )
    fragment = re.sub(r'\s+style="[^"]*"', "", fragment)
    return re.sub(r"<span>(.*?)</span>", r"\1", fragment, flags=re.S)


def _png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 wants the format as text
    buffer.close()
    return bytes(data.data())


def canvas_png(window: MainWindow) -> bytes:
    """The whole graph as drawn on the canvas, at full size (scaled down only when huge)."""
    scene = window.editor.scene()
    rect = scene.itemsBoundingRect().adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN)
    scale = min(1.5, MAX_SCENE_PIXELS / max(rect.width(), rect.height(), 1.0))
    image = QImage(int(rect.width() * scale), int(rect.height() * scale), QImage.Format.Format_ARGB32)
    image.fill(
        scene.backgroundBrush().color()
        if scene.backgroundBrush().style() != Qt.BrushStyle.NoBrush
        else Qt.GlobalColor.white
    )
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()), rect)
    painter.end()
    return _png(image)


def _view_png(window: MainWindow, key: str) -> bytes | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{key}.png"
        try:
            window.training_panel.export_view(key, path)
            return path.read_bytes()
        except Exception:  # noqa: BLE001 - a view that cannot draw is left out of the report
            return None


def _metric(name: str, value: float) -> tuple[str, str]:
    info = QUANTITIES.get(name)  # type: ignore[call-overload]
    label = _(info.label) if info is not None else name
    return label, (f"{value:.2%}" if name.endswith("accuracy") else f"{value:.4g}")


def build_report(window: MainWindow) -> Report:
    """What the window shows of the experiment and its last run, as a report."""
    experiment = window.document.experiment
    current = language()
    graph = window.document.report()
    layers = [
        LayerRow(
            row.node_id,
            f"{row.type} {row.block}".strip(),
            row.report.output.text() if row.report is not None and row.report.output is not None else "",
            int(row.report.params) if row.report is not None and row.report.output is not None else 0,
            row.depth,
        )
        for row in summary_rows(experiment, graph)
    ]
    images = [ReportImage(NETWORK, canvas_png(window))]
    record = window.training.record
    summary = record.summary
    metrics: list[tuple[str, str]] = []
    status = ""
    if summary is not None:
        for name in FINAL_METRICS:
            value = getattr(summary, name, None)
            if value is not None:
                metrics.append(_metric(name, float(value)))
        status = summary.message or summary.status
        for key, title in (
            ("loss", QCoreApplication.translate("Report", "Loss and metrics")),
            ("task", QCoreApplication.translate("Report", "What the model does")),
        ):
            png = _view_png(window, key)
            if png is not None:
                images.append(ReportImage(title, png))
    return Report(
        title=experiment.localized_name(current),
        lesson_html=lesson_html(experiment.localized_description(current)),
        dataset=experiment.data.dataset,
        created=time.strftime("%Y-%m-%d %H:%M"),
        layers=layers,
        metrics=metrics,
        run_status=status,
        images=images,
        language=current,
    )


def export_report(window: MainWindow, path: str | Path) -> Path:
    """Write the report of the window's experiment and last run to `path` (.html)."""
    return write_report(build_report(window), path)
