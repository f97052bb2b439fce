"""CSV text for the tables the playground writes (metrics, run histories), safe to open in a spreadsheet.

A spreadsheet evaluates a cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
return before one), so a run named ``=HYPERLINK(...)`` would become a live formula. Text cells
that start so get a leading apostrophe, which spreadsheets show as plain text; numbers are
written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: Any) -> Any:
    """`value`, with text that a spreadsheet would evaluate turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not is_number(value):
        return "'" + value
    return value


def is_number(text: str) -> bool:
    """Whether the text reads as a number ("-0.25", "1e3"): data in a CSV cell, not a formula."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """The rows as CSV (\\n line ends), every text cell made spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()
