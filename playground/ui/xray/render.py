"""Formulas of the core's X-ray (tokens) as rich text: italic symbols with subscripts, numbers
with a true minus sign (negative ones in parentheses after an operator), the result in bold."""

from __future__ import annotations

import html

from playground.core.xray import Formula, Num, Op, Sym, Text, Token, format_number
from playground.core.xray.formulas import FUNCTIONS, MINUS, SPACED, is_unary
from playground.ui import theme


def _opens(token: Token | None) -> bool:
    return token is None or isinstance(token, Op) and token.text in ("=", "(", "←", "[")


def tokens_html(tokens: tuple[Token, ...] | list[Token], result_color: str, emphasis: bool = False) -> str:
    """One formula's tokens as HTML (no surrounding block)."""
    items = list(tokens)
    out: list[str] = []
    previous: Token | None = None
    for index, token in enumerate(items):
        if isinstance(token, Sym):
            text = f"<i>{html.escape(token.base)}</i>"
            if token.sub:
                text += f"<sub>{html.escape(token.sub)}</sub>"
            if token.sup:
                text += f"<sup>{html.escape(token.sup)}</sup>"
        elif isinstance(token, Num):
            number = html.escape(format_number(token.value))
            if token.value < 0 and not _opens(previous):
                number = f"({number})"
            if token.result:
                weight = "font-weight:700;"
                background = "background-color:" + theme.colors().alternate_base + ";" if emphasis else ""
                number = f'<span style="color:{result_color};{weight}{background}">{number}</span>'
            text = number
        elif isinstance(token, Op):
            text = html.escape(token.text)
            if token.text in SPACED and not (token.text == MINUS and is_unary(items, index)):
                text = f"&nbsp;{text} "
            elif token.text == MINUS:
                text = f"&nbsp;{text}"
            elif token.text in FUNCTIONS:
                text = f"{text}&thinsp;"
        elif isinstance(token, Text):
            text = f"&nbsp;<span>{html.escape(token.words.text())}</span> "
        else:  # pragma: no cover - the token types are closed
            text = ""
        out.append(text)
        previous = token
    return "".join(out)


def formula_html(formula: Formula, emphasis: bool = False) -> str:
    """A formula as a paragraph, with its caption (if any) in the muted colour after it."""
    colors = theme.colors()
    color = colors.highlight if emphasis else colors.text
    body = tokens_html(formula.tokens, color, emphasis)
    caption = ""
    if formula.caption is not None:
        caption = (
            f'<br><span style="color:{colors.muted_text};font-size:small">{html.escape(formula.caption.text())}</span>'
        )
    return f'<p style="margin:2px 0 6px 0">{body}{caption}</p>'
