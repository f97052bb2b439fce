"""The `playground` command: the GUI by default, plus headless subcommands.

Each subcommand lives in `playground/commands/<name>.py` with `add_parser(subparsers)` and
`run(args) -> int`. Exit codes: 0 success, 1 a user error (invalid file, failed check),
2 a usage error. User errors never print a Python traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from playground import __version__
from playground.core.errors import PlaygroundError

SUBCOMMANDS = ("check", "export", "train", "snapshot")


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; keep its message short."""


def _available_commands() -> dict:
    modules = {}
    for name in SUBCOMMANDS:
        try:
            modules[name] = importlib.import_module(f"playground.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"playground.commands.{name}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="playground",
        description="Neural Network Playground: build, train and compare PyTorch networks. "
        "Without a subcommand, opens the desktop app (optionally on FILE).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _available_commands().values():
        module.add_parser(subparsers)
    return parser


INTERRUPTED = 130  # the shell's status for a command ended by Ctrl-C


def main(argv: list[str] | None = None) -> int:
    """Run the command line; `argv` None means this process's own arguments (a real run)."""
    if argv is not None:
        return _main(list(argv))
    try:
        return _main(sys.argv[1:])
    finally:
        _leave_on_late_interrupt()


def _main(argv: list[str]) -> int:
    _tolerate_unprintable_names()
    try:
        if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")):
            return gui_main(argv)
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return int(_available_commands()[args.command].run(args))
    except PlaygroundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return INTERRUPTED


def _tolerate_unprintable_names() -> None:
    """A file name that is not valid text (undecodable bytes) is printed escaped, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def _leave_on_late_interrupt() -> None:
    """A Ctrl-C while Python shuts down (torch and Qt take a moment) must still end the process
    with status 130, not a traceback or a death by SIGINT."""

    def leave(_signum: int, _frame: object) -> None:
        os._exit(INTERRUPTED)

    try:
        signal.signal(signal.SIGINT, leave)
    except (ValueError, OSError, AttributeError):  # not the main thread, or no signals here
        pass


def gui_main(argv: list[str] | None = None) -> int:
    """Open the desktop app (optionally on a file)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        from playground.ui.app import run_app  # lazy: the window may be absent from this build (handled below)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("playground.ui"):
            print(
                "The desktop window is not part of this build yet; use a subcommand (`playground --help`).",
                file=sys.stderr,
            )
            return 2
        raise
    from playground.ui.platform_check import (  # lazy: the window may be absent; keeps subprocess out of --help
        platform_problem,
    )

    problem = platform_problem()
    if problem is not None:  # Qt would abort the process with a core dump
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return run_app(argv)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
