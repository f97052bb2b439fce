"""The HTML report is one self-contained file: pictures inlined, every user text escaped."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from playground.core.report.html_report import NETWORK, LayerRow, Report, ReportImage, report_html, write_report

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


def _report(**changes) -> Report:
    values = dict(
        title="Spiral <b>&</b> friends",
        lesson_html="<p>Train it.</p>",
        dataset="spiral",
        created="2026-12-02 10:00",
        layers=[LayerRow("input", "Input", "(N, 2)", 0), LayerRow("fc", "Linear", "(N, 16)", 48)],
        metrics=[("validation accuracy", "97.50%")],
        run_status="Training finished",
        images=[ReportImage(NETWORK, PNG), ReportImage("Loss and metrics", PNG)],
    )
    values.update(changes)
    return Report(**values)


def test_the_report_holds_its_pictures_metrics_and_layers_in_one_file(tmp_path: Path) -> None:
    text = write_report(_report(), tmp_path / "r.html").read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == 2
    assert base64.b64encode(PNG).decode() in text
    assert "<td>fc</td><td>Linear</td><td>(N, 16)</td>" in text and ">48<" in text
    assert "validation accuracy" in text and "97.50%" in text and "<p>Train it.</p>" in text
    # nothing outside the file: no script, no stylesheet or image fetched from elsewhere
    assert "<script" not in text and not re.search(r'(src|href)="(?!data:)', text)


def test_user_text_is_escaped() -> None:
    text = report_html(_report(layers=[LayerRow("x<y", "Linear", "(N, 1)", 2)]))
    assert "Spiral &lt;b&gt;&amp;&lt;/b&gt; friends" in text and "<b>&</b>" not in text
    assert "<td>x&lt;y</td>" in text


def test_before_a_run_the_report_says_so() -> None:
    text = report_html(_report(run_status="", metrics=[], images=[ReportImage(NETWORK, PNG)]))
    assert "Not trained yet" in text and text.count("data:image/png") == 1
