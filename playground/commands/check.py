"""`playground check FILE [--json]`: shapes, parameter counts and every problem of an experiment.

Exit status 0 when the model is valid, 1 when the file cannot be read or the graph has errors
(each listed with its node, message and offered fixes), 2 for usage errors. Warnings are shown
but do not fail the check. `--json` prints one JSON object for scripts and CI.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path
from typing import Any

from playground.core.errors import ExperimentError, PlaygroundError
from playground.core.graph.summary import summary_rows
from playground.core.i18n import _, language, ngettext
from playground.core.jsonio import canonical_json


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help=_("check an experiment file: shapes, parameter counts and errors"),
        description=_(
            "Check an experiment file: infer every node's output shape and parameter count, and "
            "list every problem with its fix. Exits 0 when the model is valid, 1 when it is not."
        ),
    )
    parser.add_argument("file", metavar="FILE", help=_("the experiment file (.json)"))
    parser.add_argument(
        "--json",
        action="store_true",
        help=_('print one JSON object: {"valid", "total_params", "nodes", "errors", "warnings"}'),
    )


def run(args: argparse.Namespace) -> int:
    result = check_file(Path(args.file))
    if args.json:
        print(canonical_json(result.as_json()), end="")
    else:
        result.print_text()
    return 0 if result.valid else 1


class CheckResult:
    """What `check` found, printable as a table or as JSON."""

    def __init__(self, path: Path):
        self.path = path
        self.experiment: Any = None
        self.facts: Any = None
        self.report: Any = None
        self.read_error: ExperimentError | None = None  # the file could not be read or is invalid
        self.errors: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []

    @property
    def valid(self) -> bool:
        return not self.errors and self.report is not None and self.report.valid

    # ---- the rows of the table ---------------------------------------------------------------
    def node_rows(self) -> list[dict[str, Any]]:
        if self.experiment is None:
            return []
        rows = []
        for entry in summary_rows(self.experiment, self.report):
            report = entry.report
            shape = report.output if report is not None else None
            rows.append(
                {
                    "id": entry.node_id,
                    "type": f"{entry.type} {entry.block}" if entry.block else entry.type,
                    "output_shape": [None, *shape.shape] if shape is not None else None,
                    "params": int(report.params) if report is not None and shape is not None else 0,
                    **({"in_block": entry.card} if entry.depth else {}),
                    "_text": shape.text() if shape is not None else (_("error") if report and report.error else "?"),
                }
            )
        return rows

    @property
    def total_params(self) -> int:
        return int(self.report.total_params) if self.report is not None else 0

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "total_params": self.total_params,
            "nodes": [
                {key: value for key, value in row.items() if not key.startswith("_")} for row in self.node_rows()
            ],
            "errors": self.errors,
            "warnings": self.warnings,
        }

    # ---- text output ---------------------------------------------------------------------------
    def print_text(self) -> None:
        if self.read_error is not None:
            print(_("error: {message}").format(message=self.read_error), file=sys.stderr)
            return
        print(self._heading())
        rows = self.node_rows()
        if rows:
            print()
            print(_table(rows, self.total_params))
        for issue in self.warnings:
            print(_("warning: {message}").format(message=_issue_text(issue)), file=sys.stderr)
        if self.errors:
            count = len(self.errors)
            print(
                ngettext("{path}: {count} error:", "{path}: {count} errors:", count).format(
                    path=self.path, count=count
                ),
                file=sys.stderr,
            )
            for issue in self.errors:
                print(f"  - {_issue_text(issue)}", file=sys.stderr)
                for fix in issue.get("fixes", ()):
                    print("      " + _("fix: {label}").format(label=fix), file=sys.stderr)
        elif self.valid:
            print()
            print(_("valid: {count} trainable parameters").format(count=f"{self.total_params:,}"))

    def _heading(self) -> str:
        experiment = self.experiment
        text = f"{experiment.localized_name(language())}  ({self.path})"
        facts = self.facts
        if facts is not None:
            shape = "(" + ", ".join(["N", *map(str, facts.input_shape)]) + ")"
            values = facts.target_dim or 1
            target = (
                _("{count} classes").format(count=facts.num_classes)
                if facts.task == "classification"
                else ngettext("{count} target value", "{count} target values", values).format(count=values)
            )
            sizes = getattr(facts, "sizes", None)
            dataset = experiment.data.dataset
            text += "\n" + (
                _("dataset {dataset}: input {shape}, {target}, {sizes} train/val/test samples").format(
                    dataset=dataset, shape=shape, target=target, sizes="/".join(f"{size:,}" for size in sizes)
                )
                if sizes
                else _("dataset {dataset}: input {shape}, {target}").format(dataset=dataset, shape=shape, target=target)
            )
        return text


def _issue_text(issue: dict[str, Any]) -> str:
    where = issue["path"] or _("file")
    if issue.get("node"):
        where = f"{issue['node']} ({issue['path']})"
    return f"{where}: {issue['message']}"


def _table(rows: list[dict[str, Any]], total: int) -> str:
    headers = (_("node"), _("type"), _("output"), _("params"))
    cells = [(row["id"], row["type"], row["_text"], f"{row['params']:,}") for row in rows]
    footer = (_("total"), "", "", f"{total:,}")
    widths = [max(_width(line[i]) for line in [headers, *cells, footer]) for i in range(4)]

    def line(values: tuple[str, ...]) -> str:
        left = "  ".join(_ljust(value, width) for value, width in zip(values[:3], widths[:3]))
        return f"{left}  {_rjust(values[3], widths[3])}".rstrip()

    rule = "-" * (sum(widths) + 6)
    return "\n".join([line(headers), rule, *(line(c) for c in cells), rule, line(footer)])


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: a Chinese character is two wide."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def _ljust(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _rjust(text: str, width: int) -> str:
    return " " * (width - _width(text)) + text


def _issue(node: str | None, path: str, message: str, fixes: tuple[Any, ...] = ()) -> dict[str, Any]:
    return {"node": node, "path": path, "message": message, "fixes": [fix.label for fix in fixes]}


def check_file(path: Path) -> CheckResult:
    """Read, validate and shape-check `path`; never raises for a user error."""
    from playground.core.experiment import load_experiment  # lazy: saves ~2 s (torch) for `playground --help`

    result = CheckResult(path)
    try:
        experiment = load_experiment(path)
    except ExperimentError as exc:
        result.read_error = exc
        # A problem of the whole file (not found, not JSON) has no JSON path: name the file instead.
        result.errors = [
            _issue(None, problem.path, problem.message if problem.path else f"{path}: {problem.message}")
            for problem in exc.problems
        ]
        return result
    result.experiment = experiment

    from playground.core.data import describe_dataset  # lazy: saves ~2 s (torch) for `playground --help`
    from playground.core.graph import check_experiment  # lazy: saves ~2 s (torch) for `playground --help`

    try:
        result.facts = describe_dataset(experiment.data, base_dir=path.parent)
    except PlaygroundError as exc:
        result.errors = [_issue(None, "data", _("the dataset cannot be loaded: {error}").format(error=exc))]
        return result
    report = check_experiment(experiment, result.facts)
    result.report = report
    result.errors = [_issue(issue.node, issue.path, issue.message, issue.fixes) for issue in report.errors]
    if not report.errors and report.output_id is None:
        result.errors.append(_issue(None, "model", _("the model has no output node")))
    result.warnings = [_issue(issue.node, issue.path, issue.message, issue.fixes) for issue in report.warnings]
    return result
