"""Quoting mail the way reviewers do: an attribution line, `> ` prefixes, wrapped comments."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from email.utils import format_datetime

from reviewbot.models import Message

_SIGN_OFF = re.compile(
    r"^(thanks|thank you|regards|kind regards|best regards|best|cheers|br)\b", re.IGNORECASE
)
_SHORTLOG_HEAD = re.compile(r"^\S.* \(\d+\):$")
_DIFFSTAT_LINE = re.compile(r"^ \S.* \| +(\d+ ?[+-]*|Bin .*)$")


def quote(lines: Iterable[str]) -> list[str]:
    """Each line behind `> `; an empty line becomes `>`, a quoted one gains another `>`."""
    return [">" + line if not line or line.startswith(">") else "> " + line for line in lines]


def attribution(message: Message, name: str) -> str:
    """`On Thu, 04 Jul 2019 18:57:32 +0100, Andrew Cooper wrote:` (the date as sent, in the
    sender's time zone; without a usable Date only `Name wrote:`)."""
    if not message.date or message.sent_at.year <= 1970:
        return f"{name} wrote:"
    return f"On {format_datetime(message.sent_at)}, {name} wrote:"


def wrap(text: str, width: int) -> list[str]:
    """`text` filled to `width` paragraph by paragraph; long words and URLs are never split,
    and lines that are already short (lists, code, tables) are kept as written."""
    lines: list[str] = []
    for paragraph in text.strip("\n").split("\n\n"):
        if lines:
            lines.append("")
        rows = paragraph.split("\n")
        if all(len(row) <= width for row in rows) and len(rows) > 1:
            lines += rows
            continue
        lines += textwrap.wrap(
            " ".join(paragraph.split()),
            width,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return lines


def prose_of(message_text: str) -> list[str]:
    """A commit message or cover letter without its shortlog and diffstat, trailing blank lines
    trimmed: what an ack or a thank-you quotes."""
    lines = message_text.rstrip("\n").split("\n")
    for index, line in enumerate(lines):
        if _SHORTLOG_HEAD.match(line) or _DIFFSTAT_LINE.match(line):
            lines = lines[:index]
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def first_paragraph(lines: list[str]) -> list[str]:
    """The lines up to the first blank line after some text (a greeting line is skipped)."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and _is_greeting(lines, start):
        start += 1
        while start < len(lines) and not lines[start].strip():
            start += 1
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    return lines[start:end]


def _is_greeting(lines: list[str], index: int) -> bool:
    """`Hello,` / `Hi all,` alone on its line, followed by a blank line."""
    line = lines[index].strip()
    followed_by_blank = index + 1 >= len(lines) or not lines[index + 1].strip()
    return followed_by_blank and line.endswith(",") and len(line.split()) <= 3


def without_salutations(lines: list[str], author_first_name: str) -> list[str]:
    """`lines` without a leading `Hello,` and a closing `Thanks, Roger.` / `Roger` paragraph:
    what a reviewer trims when quoting a cover letter."""
    trimmed = list(lines)
    if trimmed and _is_greeting(trimmed, 0):
        trimmed = trimmed[1:]
        while trimmed and not trimmed[0].strip():
            trimmed.pop(0)
    start = len(trimmed)
    while start > 0 and trimmed[start - 1].strip():
        start -= 1
    closing = trimmed[start:]
    if closing and start > 0 and _is_sign_off(closing, author_first_name):
        trimmed = trimmed[:start]
        while trimmed and not trimmed[-1].strip():
            trimmed.pop()
    return trimmed


def _is_sign_off(paragraph: list[str], first_name: str) -> bool:
    """One or two short lines: `Thanks, Roger.`, `Regards,` / `Jan`, or just the name."""
    if len(paragraph) > 2 or any(len(line.split()) > 4 for line in paragraph):
        return False
    bare = [line.strip().strip(".,!") for line in paragraph]
    named = bool(first_name) and bare[-1].casefold().endswith(first_name.casefold())
    return named or _SIGN_OFF.match(bare[0]) is not None
