"""Checks of one added line: whitespace, indentation, Xen's spacing and braces, length.

Each check takes the line (and, for C, the line with comments and literals masked, see
`clex`) and returns a `Problem` or None. Which checks apply to which file is decided in
`filechecks`.
"""

from __future__ import annotations

import re

from reviewbot_hygiene.clex import Scanned, scan
from reviewbot_hygiene.diffread import NewLine
from reviewbot_hygiene.problems import (
    BRACE_PLACEMENT,
    KEYWORD_SPACING,
    LONG_LINE,
    TAB_INDENT,
    TRAILING_WHITESPACE,
    Problem,
)

TAB_WIDTH = 8

_KEYWORD = re.compile(r"\b(if|for|while|switch)\b([ \t]*)\(")
_PREPROCESSOR = re.compile(r"[ \t]*#[ \t]*(\w*)")
_CONTROL = re.compile(r"(if|for|while|switch|else)\b")
_CLOSE_ELSE = re.compile(r"\}[ \t]*else\b")
_PAREN_BRACE = re.compile(r"\)[ \t]*\{\Z")
_CAST = re.compile(r"\([ \t]*(?:(?:const|volatile|struct|union|enum)\b|\w+_t[ \t]*\))")
_ASSIGNMENT = re.compile(r"(?<![=!<>])=(?!=)")
# Between the pieces of one format: nothing, or a `PRIx64`-style macro.
_FORMAT_GAP = re.compile(r"[ \t]*(?:PRI\w*[ \t]*)?")
# What may follow the format that crosses the limit: closing punctuation only.
_FORMAT_TAIL = re.compile(r"[ \t,;)\\]*")
_SNIPPET = 40


def trailing_whitespace(line: NewLine) -> Problem | None:
    """An added line ending in spaces or tabs (a whitespace-only line included)."""
    text = line.text
    if not text or text[-1] not in " \t":
        return None
    if not text.strip(" \t"):
        message = "added line holds only whitespace; make it an empty line"
    else:
        message = "added line ends in whitespace; remove the trailing spaces and tabs"
    return Problem(TRAILING_WHITESPACE, line.number, message, "end in whitespace")


def tab_indent(line: NewLine) -> Problem | None:
    """An added line of Xen-style C whose indentation holds a tab."""
    text = line.text
    body = text.lstrip(" \t")
    if not body or "\t" not in text[: len(text) - len(body)]:
        return None
    return Problem(
        TAB_INDENT,
        line.number,
        "added line is indented with a tab; Xen style indents with 4 spaces per level",
        "are indented with tabs",
    )


def keyword_spacing(line: NewLine, scanned: Scanned) -> Problem | None:
    """`if (x)`, `while(x)`, `for (i = 0; i < n; i++)`: Xen wants `if ( x )`."""
    code = scanned.code
    directive = _PREPROCESSOR.match(code)
    if directive is not None and directive.group(1) != "define":
        return None
    for keyword in _KEYWORD.finditer(code):
        opening = keyword.end() - 1
        after = code[opening + 1 : opening + 2]
        closing = _matching_paren(code, opening)
        if (
            keyword.group(2)
            and after in ("", " ", "\t")
            and (closing is None or code[closing - 1] in " \t")
        ):
            continue
        end = closing + 1 if closing is not None else len(code)
        snippet = line.text[keyword.start() : end].rstrip()
        if len(snippet) > _SNIPPET:
            snippet = snippet[: _SNIPPET - 1] + "…"
        word = keyword.group(1)
        return Problem(
            KEYWORD_SPACING,
            line.number,
            f"`{snippet}` is not spaced the Xen way; write `{word} ( ... )`, with a space "
            f"after `{word}` and inside the parentheses",
            "miss the spaces of Xen's `if ( x )`",
        )
    return None


def brace_placement(line: NewLine, scanned: Scanned) -> Problem | None:
    """An opening brace (or `} else`) sharing its line, where Xen puts it on its own line.

    `do {`, `} while ( 0 );`, struct definitions and initialisers (`= {`), casts of compound
    literals, preprocessor lines and macro continuation lines are left alone.
    """
    code = scanned.code.strip()
    if not code or code.startswith("#") or code.endswith("\\"):
        return None
    if _CLOSE_ELSE.match(code):
        message = (
            "`} else` shares a line; Xen style puts the closing brace, `else` and the "
            "opening brace on lines of their own"
        )
    elif not code.endswith("{") or code.endswith("({"):
        return None
    elif (control := _CONTROL.match(code)) is not None:
        message = (
            f"the opening brace of this `{control.group(1)}` is on the same line; Xen style "
            "puts it on a line of its own"
        )
    elif (
        (paren := _PAREN_BRACE.search(code)) is not None
        and not _is_cast(code, paren.start())
        and not _ASSIGNMENT.search(code)
        and not re.match(r"return\b", code)
    ):
        message = (
            "this opening brace ends a line of code; Xen style puts it on a line of its own "
            "(only `do {` and initialisers keep it)"
        )
    else:
        return None
    return Problem(BRACE_PLACEMENT, line.number, message, "place braces the non-Xen way")


def long_line(
    line: NewLine, limit: int, *, in_comment: bool = False, hash_comments: bool = False
) -> Problem | None:
    """A line wider than `limit` columns, unless the excess is inside one string literal.

    Tabs count to the next multiple of 8. A user-visible string (a printk format, its
    pieces and `PRIx64`-style macros between them taken as one) that starts within the
    limit may run past it, followed only by closing punctuation, so that it stays greppable.
    """
    expanded = line.text.expandtabs(TAB_WIDTH)
    width = len(expanded)
    if width <= limit or _excess_in_literal(expanded, limit, in_comment, hash_comments):
        return None
    return Problem(
        LONG_LINE,
        line.number,
        f"added line is {width} columns long, more than {limit}; break it at a sensible place "
        "and indent the rest",
        f"are longer than {limit} columns",
    )


def _excess_in_literal(expanded: str, limit: int, in_comment: bool, hash_comments: bool) -> bool:
    if hash_comments and expanded.lstrip().startswith("#"):
        return False
    scanned = scan(expanded, in_comment)
    for start, end in _formats(scanned):
        if start < limit < end:
            return _FORMAT_TAIL.fullmatch(scanned.code, end) is not None
    return False


def _formats(scanned: Scanned) -> list[tuple[int, int]]:
    """The literals of a line, adjacent pieces of one format (`"%#"PRIx64"\\n"`) joined."""
    runs: list[tuple[int, int]] = []
    for start, end in scanned.literals:
        if runs and _FORMAT_GAP.fullmatch(scanned.code, runs[-1][1], start):
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def _is_cast(code: str, closing: int) -> bool:
    """Whether the parentheses closed at `closing` hold a type: `(struct foo) {` is a literal."""
    depth = 0
    for index in range(closing, -1, -1):
        char = code[index]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                return _CAST.match(code, index) is not None
    return False


def _matching_paren(code: str, opening: int) -> int | None:
    """The index of the `)` closing the `(` at `opening`, if it is on this line."""
    depth = 0
    for index in range(opening, len(code)):
        char = code[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    return None
