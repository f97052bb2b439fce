"""The `playground` command: the GUI by default, plus headless subcommands.

Each subcommand lives in `playground/commands/<name>.py` with `add_parser(subparsers)` and
`run(args) -> int`. Exit codes: 0 success, 1 a user error (invalid file, failed check),
2 a usage error. User errors never print a Python traceback.

Messages follow the locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``) unless
``--lang CODE`` (before or after the subcommand) names the language; the window gets the
option as it was given and reads it itself.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playground import __version__
from playground.core.errors import PlaygroundError
from playground.core.i18n import LANGUAGES, N_, _, language, normalize_language, set_language, system_language

# the subcommands, by the module (in playground.commands) that implements each; a module may name its
# command otherwise (COMMAND): "import" is a Python keyword
COMMAND_MODULES = ("check", "export", "import_model", "train", "sweep", "snapshot", "report", "record", "desktop_entry")
SUBCOMMANDS = ("check", "export", "import", "train", "sweep", "snapshot", "report", "record", "desktop-entry")
LANG_OPTION = "--lang"


def _columns(text: str) -> int:
    """Terminal columns `text` takes: a Chinese character is two wide."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


_NO_LINE_START = frozenset("，。；：、？！）》」』,.;:?!)")  # punctuation a Chinese line never starts with
_NO_LINE_END = frozenset("（《「『")  # ... nor ends with


def _wrap_wide(text: str, width: int) -> list[str]:
    """Wrap text with Chinese in it to `width` columns: it may break between any two wide
    characters (textwrap breaks only at spaces, and counts a wide character as one column), but
    not before closing punctuation (it stays on the line before) nor after an opening bracket."""
    tokens: list[str] = []
    word = ""
    for char in " ".join(text.split()):
        if char == " " or _columns(char) == 2:
            if word:
                tokens.append(word)
            tokens.append(char)
            word = ""
        else:
            word += char
    if word:
        tokens.append(word)
    lines: list[str] = []
    line = ""
    for token in tokens:
        overflows = _columns(line) + _columns(token) > width
        if line and overflows and token != " " and token not in _NO_LINE_START:
            carried = line[-1] if line[-1] in _NO_LINE_END and len(line) > 1 else ""
            lines.append(line[: len(line) - len(carried)].rstrip())
            line = carried
        if token == " " and not line:
            continue
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with Chinese laid out by terminal columns (a wide character is two):
    wrapped help, the usage's continuation lines under its first, full-width heading colons.
    English comes out exactly as argparse makes it."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if _has_wide(text):
            return _wrap_wide(text, width)
        return super()._split_lines(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if _has_wide(text):
            return "\n".join(indent + line for line in _wrap_wide(text, max(width - len(indent), 11)))
        return super()._fill_text(text, width, indent)

    def _format_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None) -> str:
        text = super()._format_usage(usage, actions, groups, prefix)
        shown = _("usage: ") if prefix is None else prefix
        extra = _columns(shown) - len(shown)
        if extra <= 0:
            return text
        first, *rest = text.split("\n")
        return "\n".join([first, *((" " * extra + line) if line.startswith(" ") else line for line in rest)])

    def format_help(self) -> str:
        text = super().format_help()
        if not _has_wide(text):
            return text
        return "\n".join(
            line[:-1] + "：" if line.endswith(":") and len(line) > 1 and _columns(line[-2]) == 2 else line
            for line in text.split("\n")
        )


def _has_wide(text: str) -> bool:
    return any(_columns(char) == 2 for char in text)


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; keep its message short. Subcommand parsers
    are made of this class too, so all of them lay out Chinese help by columns."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


# argparse's own words (headings, usage errors), by its English text; it looks each up through its
# module's `_` when it is used, so the command line hands it ours while it parses.
_ARGPARSE_MESSAGES = frozenset(
    (
        N_("usage: "),
        N_("positional arguments"),
        N_("options"),
        N_("show this help message and exit"),
        N_("the following arguments are required: %s"),
        N_("unrecognized arguments: %s"),
        N_("invalid choice: %(value)r (choose from %(choices)s)"),
        N_("argument %(argument_name)s: %(message)s"),
        N_("%(prog)s: error: %(message)s\n"),
        N_("expected one argument"),
        N_("invalid %(type)s value: %(value)r"),
        N_("ambiguous option: %(option)s could match %(matches)s"),
        N_("not allowed with argument %s"),
        N_("ignored explicit argument %r"),
    )
)


@contextmanager
def _argparse_in_language() -> Iterator[None]:
    """While parsing, argparse's own words come in the current language."""
    original = argparse._  # type: ignore[attr-defined]

    def translate(message: str) -> str:
        return _(message) if message in _ARGPARSE_MESSAGES else original(message)

    argparse._ = translate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


class _LanguageOptionError(Exception):
    """`--lang` without a value, or with a language the playground does not have."""


def _language_option(argv: list[str]) -> tuple[str | None, list[str]]:
    """The language `--lang CODE` (or `--lang=CODE`) asks for, anywhere before a `--`, and the
    arguments without it. The last one given wins."""
    chosen: str | None = None
    rest: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            rest.extend(argv[index:])
            break
        if arg == LANG_OPTION or arg.startswith(LANG_OPTION + "="):
            if arg == LANG_OPTION:
                if index + 1 >= len(argv):
                    raise _LanguageOptionError(
                        _("--lang needs a language code ({languages})").format(languages=", ".join(LANGUAGES))
                    )
                value = argv[index + 1]
                index += 2
            else:
                value = arg[len(LANG_OPTION) + 1 :]
                index += 1
            chosen = normalize_language(value)
            if chosen is None:
                raise _LanguageOptionError(
                    _("unknown language {code!r} for --lang (available: {languages})").format(
                        code=value, languages=", ".join(LANGUAGES)
                    )
                )
            continue
        rest.append(arg)
        index += 1
    return chosen, rest


def _available_commands() -> dict:
    modules = {}
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"playground.commands.{name}")
            modules[getattr(module, "COMMAND", name)] = module
        except ModuleNotFoundError as exc:
            if exc.name != f"playground.commands.{name}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="playground",
        description=_(
            "Neural Network Playground: build, train and compare PyTorch networks. "
            "Without a subcommand, opens the desktop app (optionally on FILE)."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        LANG_OPTION,
        metavar="CODE",
        help=_(
            "the language of the messages: {languages} (default: the locale's, from LANG); "
            "also accepted after the subcommand"
        ).format(languages=", ".join(LANGUAGES)),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _available_commands().values():
        module.add_parser(subparsers)
    return parser


INTERRUPTED = 130  # the shell's status for a command ended by Ctrl-C


def main(argv: list[str] | None = None) -> int:
    """Run the command line; `argv` None means this process's own arguments (a real run).

    The core's language is the one `--lang` or the locale chose while it runs, and the caller's
    again afterwards."""
    previous = language()
    try:
        if argv is not None:
            return _main(list(argv))
        try:
            return _main(sys.argv[1:])
        finally:
            _leave_on_late_interrupt()
    finally:
        set_language(previous)


def _main(argv: list[str]) -> int:
    _tolerate_unprintable_names()
    try:
        chosen, rest = _language_option(argv)
    except _LanguageOptionError as exc:
        set_language(system_language())
        print(_("playground: error: {message}").format(message=exc), file=sys.stderr)
        return 2
    set_language(chosen or system_language())  # before the parser is built: its help is translated
    try:
        if not rest or (rest[0] not in SUBCOMMANDS and not rest[0].startswith("-")):
            return gui_main(argv)  # with `--lang` still in it: the window reads it itself
        with _argparse_in_language():
            parser = build_parser()
            args = parser.parse_args(rest)
            if args.command is None:
                parser.print_help()
                return 2
            return int(_available_commands()[args.command].run(args))
    except PlaygroundError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n" + _("interrupted"), file=sys.stderr)
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
                _("The desktop window is not part of this build yet; use a subcommand (`playground --help`)."),
                file=sys.stderr,
            )
            return 2
        raise
    from playground.ui.platform_check import (  # lazy: the window may be absent; keeps subprocess out of --help
        platform_problem,
    )

    problem = platform_problem()
    if problem is not None:  # Qt would abort the process with a core dump
        print(_("error: {message}").format(message=problem), file=sys.stderr)
        return 1
    return run_app(argv)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
