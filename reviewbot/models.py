"""The data model every command shares: a stored message and a thread of them."""

from __future__ import annotations

import email.message
import email.policy
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

from reviewbot.errors import ParseError
from reviewbot.identity import MASKED
from reviewbot.mail import decode_words, msgids_in, parse_bytes

_DIFF_START = re.compile(r"^(diff --git |--- \S.*\n\+\+\+ \S)", re.MULTILINE)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FAST_PARSER = BytesParser(policy=email.policy.compat32)


@dataclass(frozen=True)
class Message:
    """One mail as reviewbot keeps it: the raw bytes plus what the tree and JSON show."""

    message_id: str
    raw: bytes = field(repr=False)
    source: str
    pristine: bool
    subject: str
    from_: str
    date: str
    in_reply_to: str | None
    references: tuple[str, ...]
    is_patch: bool
    masked: bool
    defects: tuple[str, ...] = ()

    @classmethod
    def from_raw(cls, raw: bytes, source: str, *, pristine: bool) -> Message:
        """Read the headers reviewbot needs; ParseError when the bytes are not mail at all.

        Uses the fast compat32 parser; `email()` gives the fully parsed message.
        """
        mail = _FAST_PARSER.parsebytes(raw)
        message_ids = msgids_in(mail.get("Message-ID"))
        if not message_ids:
            raise ParseError(
                f"{source}: not a mail message (no Message-ID header)",
                "give an mbox, maildir, .eml file or format-patch directory",
            )
        references = tuple(msgids_in(mail.get("References")))
        replied = msgids_in(mail.get("In-Reply-To"))
        in_reply_to = replied[0] if replied else (references[-1] if references else None)
        body, defects = _text_body(mail)
        sender = _decoded(mail.get("From"), defects)
        return cls(
            message_id=message_ids[0],
            raw=raw,
            source=source,
            pristine=pristine,
            subject=" ".join(_decoded(mail.get("Subject"), defects).split()),
            from_=sender,
            date=" ".join(str(mail.get("Date", "")).split()),
            in_reply_to=in_reply_to,
            references=references,
            is_patch=_DIFF_START.search(body) is not None,
            masked=bool(mail.get("X-Reviewbot-Masked")) or MASKED.search(sender) is not None,
            defects=tuple(sorted(set(defects))),
        )

    @property
    def parent_candidates(self) -> tuple[str, ...]:
        """Ancestors nearest first: In-Reply-To, then References from the newest."""
        ordered = [self.in_reply_to] if self.in_reply_to else []
        ordered += [ref for ref in reversed(self.references) if ref != self.in_reply_to]
        return tuple(ordered)

    @property
    def sent_at(self) -> datetime:
        """The Date header as an aware datetime (the epoch when it is missing or broken)."""
        try:
            when = parsedate_to_datetime(self.date)
        except (TypeError, ValueError, IndexError):
            return _EPOCH
        return when if when.tzinfo else when.replace(tzinfo=UTC)

    @property
    def author(self) -> str:
        """The sender's display name, else the address."""
        from email.utils import parseaddr

        name, address = parseaddr(self.from_)
        return name or address or self.from_

    def email(self) -> EmailMessage:
        """The full parsed message."""
        return parse_bytes(self.raw)


def _decoded(value: object, defects: list[str]) -> str:
    """An RFC 2047 header value as text; undecodable words are kept and noted."""
    if value is None:
        return ""
    if isinstance(value, Header):
        value = str(value)
    text = str(value)
    decoded = decode_words(text)
    if decoded is None:
        defects.append("undecodable encoded-word in a header")
        return " ".join(text.split())
    return decoded


def _text_body(mail: email.message.Message) -> tuple[str, list[str]]:
    """Concatenated text/plain parts, with a note for every part that cannot be decoded."""
    defects: list[str] = []
    texts: list[str] = []
    for part in mail.walk():
        if part.get_content_type() != "text/plain" or part.get_filename():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or "us-ascii"
        try:
            texts.append(payload.decode(charset))
        except (LookupError, UnicodeError):
            defects.append(f"text in an undecodable charset {charset!r}")
            texts.append(payload.decode("utf-8", "replace"))
    # Decoding above records its own defects (bad base64 and the like) on the parts.
    defects += [type(defect).__name__ for part in mail.walk() for defect in part.defects]
    return "\n".join(texts), defects
