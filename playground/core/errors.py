"""Error types of the core. Every user-facing failure is one of these, never a bare traceback."""

from __future__ import annotations

from dataclasses import dataclass

from playground.core.i18n import _


class PlaygroundError(Exception):
    """Base class for errors a user can fix (bad file, invalid graph, bad dataset)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong, located by its JSON path (``model.nodes[2].params.out_features``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ExperimentError(PlaygroundError):
    """An experiment file or document that cannot be read or is invalid.

    Carries every problem found, so a user can fix them all in one pass.
    """

    def __init__(self, problems: list[Problem] | Problem | str, source: str | None = None):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"{self.source}: " if self.source else ""
        if len(self.problems) == 1:
            return head + str(self.problems[0])
        lines = "\n".join(f"  - {p}" for p in self.problems)
        return head + _("{count} problems:").format(count=len(self.problems)) + "\n" + lines


class DatasetError(PlaygroundError):
    """A dataset that cannot be loaded (missing file, wrong columns, unreadable image)."""


class ExportError(PlaygroundError):
    """An export that cannot be produced (invalid graph, missing optional extra)."""
