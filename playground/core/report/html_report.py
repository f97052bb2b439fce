"""A run's report as one self-contained HTML file: what a student hands in.

`Report` holds plain data: the experiment's name and lesson (already as HTML, made from its
Markdown by the caller), the network picture and the views as PNG bytes, the layer table, the
final metrics. `report_html` writes it as one HTML document with the pictures inlined as data
URLs, no script and no link outside the file, so it opens anywhere, offline, and prints.
Every text that comes from the user is escaped.
"""

from __future__ import annotations

import base64
import html
import os
from dataclasses import dataclass, field
from pathlib import Path

from playground import __version__
from playground.core.i18n import _
from playground.core.safe_files import atomic_write_text


@dataclass(frozen=True)
class ReportImage:
    """One picture of the report: a heading and the PNG."""

    title: str
    png: bytes
    caption: str = ""


@dataclass(frozen=True)
class LayerRow:
    """One row of the layer table."""

    name: str
    type: str
    output: str
    parameters: int
    depth: int = 0  # 1: a layer inside the block above it


@dataclass(frozen=True)
class Report:
    title: str
    lesson_html: str  # the lesson's text as HTML (made from its Markdown by the window; no script)
    dataset: str
    created: str  # when the report was made, as text
    layers: list[LayerRow] = field(default_factory=list)
    metrics: list[tuple[str, str]] = field(default_factory=list)  # (label, value) of the finished run
    run_status: str = ""  # "" before any run
    images: list[ReportImage] = field(default_factory=list)
    language: str = "en"


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.meta { color: #57606a; } table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .6rem; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.inner td:first-child { padding-left: 1.6rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid #d0d7de; }
figcaption { color: #57606a; font-size: .9rem; } .lesson { background: #f6f8fa; padding: .2rem 1rem; }
@media print { body { margin: 0; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
"""


def _image(image: ReportImage) -> str:
    data = base64.b64encode(image.png).decode("ascii")
    caption = f"<figcaption>{html.escape(image.caption)}</figcaption>" if image.caption else ""
    return (
        f'<figure><img alt="{html.escape(image.title, quote=True)}" src="data:image/png;base64,{data}">'
        f"{caption}</figure>"
    )


def _layers(rows: list[LayerRow]) -> str:
    head = '<tr><th>{}</th><th>{}</th><th>{}</th><th class="num">{}</th></tr>'.format(
        html.escape(_("Layer")), html.escape(_("Type")), html.escape(_("Output shape")), html.escape(_("Parameters"))
    )
    inner = ' class="inner"'
    body = "".join(
        f"<tr{inner if row.depth else ''}><td>{html.escape(row.name)}</td><td>{html.escape(row.type)}</td>"
        f'<td>{html.escape(row.output)}</td><td class="num">{row.parameters:,}</td></tr>'
        for row in rows
    )
    total = sum(row.parameters for row in rows if not row.depth)
    label = html.escape(_("Total"))
    foot = f'<tr><th colspan="3">{label}</th><th class="num">{total:,}</th></tr>'
    return f"<table>{head}{body}{foot}</table>"


def _heading(text: str) -> str:
    return f"<h2>{html.escape(text)}</h2>"


def report_html(report: Report) -> str:
    """The whole report as one HTML document."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(report.language.replace("_", "-"), quote=True)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(report.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(report.title)}</h1>",
        '<p class="meta">'
        + html.escape(
            _("Neural Network Playground {version} · data: {dataset} · {created}").format(
                version=__version__, dataset=report.dataset, created=report.created
            )
        )
        + "</p>",
    ]
    if report.lesson_html.strip():
        parts += [_heading(_("Lesson")), f'<div class="lesson">{report.lesson_html}</div>']
    network = [image for image in report.images if image.title == NETWORK]
    views = [image for image in report.images if image.title != NETWORK]
    parts.append(_heading(_("The network")))
    parts += [_image(image) for image in network]
    parts.append(_layers(report.layers))
    parts.append(_heading(_("Training")))
    if report.run_status:
        parts.append(f"<p>{html.escape(report.run_status)}</p>")
        if report.metrics:
            rows = "".join(
                f'<tr><th>{html.escape(label)}</th><td class="num">{html.escape(value)}</td></tr>'
                for label, value in report.metrics
            )
            parts.append(f"<table>{rows}</table>")
        for image in views:
            parts += [f"<h3>{html.escape(image.title)}</h3>", _image(image)]
    else:
        untrained = _("Not trained yet: train the model, then export the report again.")
        parts.append(f"<p>{html.escape(untrained)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


NETWORK = "network"  # the title of the network picture (it goes above the layer table)


def write_report(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write the report atomically; the path written."""
    target = Path(path)
    atomic_write_text(target, report_html(report))
    return target
