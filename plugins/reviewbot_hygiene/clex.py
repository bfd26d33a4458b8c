"""Just enough of C's lexical rules, line by line: what is comment, what is string literal.

`scan` masks a line so that checks can look at the code alone: comment text becomes spaces,
the inside of string and character literals becomes `_` (quotes kept), so the masked line is
as long as the original and columns still match. A `/* ... */` comment may run over lines;
the state is carried from one line to the next. A diff hunk may start inside a comment, so a
line that looks like a comment's continuation (` * text`, ` */`) is taken as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"/\*|//|\"|'")
_LITERAL_REST = {
    '"': re.compile(r'(?:[^"\\]|\\.)*"'),
    "'": re.compile(r"(?:[^'\\]|\\.)*'"),
}
# ` * more text`, ` *`, ` */`: the middle or the end of a block comment.
_COMMENT_CONTINUATION = re.compile(r"[ \t]*\*(?:[ \t/]|\Z)")


@dataclass(frozen=True)
class Scanned:
    """A line with comments blanked and literals masked, and where its literals are."""

    code: str
    literals: tuple[tuple[int, int], ...]  # (start, end) of each literal, quotes included
    in_comment_after: bool


def scan(text: str, in_comment: bool = False) -> Scanned:
    """Mask `text`; `in_comment` says whether a block comment is open where it starts."""
    if not in_comment and "*/" in text and _starts_inside_comment(text):
        in_comment = True
    if not in_comment and _COMMENT_CONTINUATION.match(text):
        return Scanned(" " * len(text), (), False)
    pieces: list[str] = []
    literals: list[tuple[int, int]] = []
    position = 0
    if in_comment:
        end = text.find("*/")
        if end < 0:
            return Scanned(" " * len(text), (), True)
        pieces.append(" " * (end + 2))
        position = end + 2
    while True:
        token = _TOKEN.search(text, position)
        if token is None:
            pieces.append(text[position:])
            return Scanned("".join(pieces), tuple(literals), False)
        pieces.append(text[position : token.start()])
        mark = token.group()
        if mark == "/*":
            end = text.find("*/", token.end())
            if end < 0:
                pieces.append(" " * (len(text) - token.start()))
                return Scanned("".join(pieces), tuple(literals), True)
            pieces.append(" " * (end + 2 - token.start()))
            position = end + 2
        elif mark == "//":
            pieces.append(" " * (len(text) - token.start()))
            return Scanned("".join(pieces), tuple(literals), False)
        else:
            rest = _LITERAL_REST[mark].match(text, token.end())
            stop = rest.end() if rest is not None else len(text)
            closing = mark if rest is not None else ""
            pieces.append(mark + "_" * (stop - token.end() - len(closing)) + closing)
            literals.append((token.start(), stop))
            position = stop


def _starts_inside_comment(text: str) -> bool:
    """A `*/` before any `/*` and any quote: the line ends a comment opened above it."""
    close = text.find("*/")
    opened = [i for i in (text.find("/*"), text.find('"'), text.find("'")) if i >= 0]
    return not opened or close < min(opened)


def scan_lines(texts: list[str]) -> list[Scanned]:
    """Scan consecutive lines, carrying an open block comment from one to the next."""
    scanned: list[Scanned] = []
    in_comment = False
    for text in texts:
        line = scan(text, in_comment)
        scanned.append(line)
        in_comment = line.in_comment_after
    return scanned
