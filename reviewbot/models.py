"""The data model every command shares: a stored message and a thread of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from reviewbot.errors import ParseError
from reviewbot.mail import msgids_in, parse_bytes

_DIFF_START = re.compile(r"^(diff --git |--- \S.*\n\+\+\+ \S)", re.MULTILINE)
_MASKED_ADDRESS = re.compile(r"[\w.+-]+@x+(?![\w.])")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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
        """Read the headers reviewbot needs; ParseError when the bytes are not mail at all."""
        mail = parse_bytes(raw)
        message_ids = msgids_in(str(mail.get("Message-ID", "")))
        if not message_ids:
            raise ParseError(
                f"{source}: not a mail message (no Message-ID header)",
                "give an mbox, maildir, .eml file or format-patch directory",
            )
        references = tuple(msgids_in(_header(mail, "References")))
        replied = msgids_in(_header(mail, "In-Reply-To"))
        in_reply_to = replied[0] if replied else (references[-1] if references else None)
        body, defects = _text_body(mail)
        sender = _header(mail, "From")
        return cls(
            message_id=message_ids[0],
            raw=raw,
            source=source,
            pristine=pristine,
            subject=" ".join(_header(mail, "Subject").split()),
            from_=sender,
            date=_header(mail, "Date"),
            in_reply_to=in_reply_to,
            references=references,
            is_patch=_DIFF_START.search(body) is not None,
            masked=bool(mail.get("X-Reviewbot-Masked"))
            or _MASKED_ADDRESS.search(sender) is not None,
            defects=tuple(defects),
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


def _header(mail: EmailMessage, name: str) -> str:
    try:
        value = mail.get(name)
    except (ValueError, IndexError, LookupError):  # a header the email package cannot decode
        return ""
    return "" if value is None else str(value)


def _text_body(mail: EmailMessage) -> tuple[str, list[str]]:
    """Concatenated text/plain parts, with a note for every part that cannot be decoded."""
    defects = [type(defect).__name__ for defect in mail.defects]
    texts: list[str] = []
    for part in mail.walk():
        defects += [type(defect).__name__ for defect in part.defects if part is not mail]
        if part.get_content_type() != "text/plain" or part.is_attachment():
            continue
        try:
            content = part.get_content()
        except (LookupError, UnicodeError, AssertionError) as exc:
            charset = part.get_content_charset() or "unknown"
            defects.append(f"undecodable text part ({charset}): {type(exc).__name__}")
            payload = part.get_payload(decode=True)
            content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        texts.append(str(content))
    return "\n".join(texts), sorted(set(defects))
