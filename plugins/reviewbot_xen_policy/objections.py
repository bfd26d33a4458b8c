"""Open objections in a thread: bare `NAK` lines in the replies to a patch or its cover letter.

(`Nacked-by:` trailers are collected with the other trailers; this finds the rest.) A reply
belongs to the first patch or cover letter among its ancestors, however deep it sits. An
objection line is an unquoted line, above the signature, that is only `NAK` or `Nack`
(any case), optionally followed by punctuation and a short reason: `NAK.`, `Nack, this breaks
migration.`, `NAK for now`. Quoted lines (`>`, `|`) and prose that merely mentions a nack
(`I'd NAK this if ...` does not start with it) are not objections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from reviewbot.mailtext import body_text
from reviewbot.models import Message
from reviewbot.series import Series

_NAK_LINE = re.compile(
    r"[ \t]{0,2}(?:nak|nack)(?![\w-])[.!]*"
    r"(?:[ \t]*[,:;.(\-–—][ \t]*\S.{0,100}|[ \t]+\S.{0,60})?[ \t]*",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[ \t]*[>|]")
_SIGNATURE = re.compile(r"--[ \t]?")


@dataclass(frozen=True)
class NakLine:
    """An objection line and the reply holding it."""

    message: Message
    text: str


def nak_line(text: str) -> str | None:
    """The first objection line of a reply's text (stripped), None when there is none."""
    for line in text.split("\n"):
        if _SIGNATURE.fullmatch(line.rstrip("\r")) is not None:
            return None
        if _QUOTED.match(line):
            continue
        if _NAK_LINE.fullmatch(line.rstrip("\r")) is not None:
            return line.strip()
    return None


def nak_replies(series: Series, targets: frozenset[str]) -> Iterator[NakLine]:
    """Objection lines in replies answering one of `targets` (a patch's and its cover's ids)."""
    for message in series.thread.ordered():
        if series.role_of(message.message_id) is not None:
            continue
        if series.answered(message.message_id) not in targets:
            continue
        line = nak_line(body_text(message))
        if line is not None:
            yield NakLine(message, line)
