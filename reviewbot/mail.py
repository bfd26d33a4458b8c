"""Mail bytes in and out: the parsing policy, Message-IDs and mboxrd files."""

from __future__ import annotations

import email.policy
import re
from collections.abc import Iterable, Iterator
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from typing import BinaryIO

from reviewbot.errors import SpecError

#: Parse and write mail 8-bit clean, without re-folding long lines (patches must stay intact).
POLICY = email.policy.EmailPolicy(
    utf8=True, cte_type="8bit", max_line_length=None, message_factory=EmailMessage
)

_MBOX_FROM_LINE = b"From mboxrd@z Thu Jan  1 00:00:00 1970\n"
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)
_FROM_TO_ESCAPE = re.compile(rb"^(>*From )", re.MULTILINE)
_MSGID_BODY = re.compile(r"[^\s<>]+@[^\s<>]+")


def parse_bytes(raw: bytes) -> EmailMessage:
    """Parse one message; defects are kept on the message, never raised."""
    message = BytesParser(policy=POLICY).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def as_bytes(message: EmailMessage) -> bytes:
    """Serialise a message with the 8-bit clean policy, LF line ends."""
    return message.as_bytes(policy=POLICY)


def decode_words(text: str) -> str | None:
    """A header value with its RFC 2047 encoded words decoded and whitespace collapsed.

    None when an encoded word names an unknown charset or does not decode.
    """
    if "=?" not in text:
        return " ".join(text.split())
    try:
        return " ".join(str(make_header(decode_header(text))).split())
    except (LookupError, UnicodeError, HeaderParseError):
        return None


def normalize_msgid(text: str) -> str:
    """`<id@host>`, `id:id@host` or `id@host` -> `id@host`; SpecError when it is no Message-ID."""
    value = text.strip()
    if value.lower().startswith("id:"):
        value = value[3:].strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    if not _MSGID_BODY.fullmatch(value) or len(value) > 995:
        raise SpecError(
            f"invalid Message-ID {text.strip()!r}",
            "a Message-ID looks like <local-part@domain>",
        )
    return value


def msgids_in(header_value: str | None) -> list[str]:
    """Every `<id>` in a References/In-Reply-To value, in order, without duplicates."""
    if not header_value:
        return []
    seen: dict[str, None] = {}
    for found in re.findall(r"<([^<>\s]+)>", str(header_value)):
        seen.setdefault(found, None)
    return list(seen)


def split_mbox(data: bytes) -> Iterator[bytes]:
    """Split an mbox (mboxrd or mboxo) into raw messages, undoing `>From ` escaping.

    A separator is a `From ` line at the start of the file or after a blank line.
    """
    data = data.replace(b"\r\n", b"\n")
    if not data.startswith(b"From "):
        return
    current: list[bytes] = []
    previous_blank = True
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From ") and previous_blank:
            if current:
                yield _finish_mbox_entry(current)
            current = []
        else:
            current.append(line)
        previous_blank = line in (b"\n", b"")
    if current:
        yield _finish_mbox_entry(current)


def _finish_mbox_entry(lines: list[bytes]) -> bytes:
    body = b"".join(lines)
    if body.endswith(b"\n\n"):
        body = body[:-1]
    return _ESCAPED_FROM.sub(rb"\1", body)


def write_mboxrd(messages: Iterable[bytes], out: BinaryIO) -> None:
    """Write raw messages as mboxrd, the form `git am`, mutt and b4 read."""
    for raw in messages:
        body = raw.replace(b"\r\n", b"\n")
        if not body.endswith(b"\n"):
            body += b"\n"
        out.write(_MBOX_FROM_LINE)
        out.write(_FROM_TO_ESCAPE.sub(rb">\1", body))
        out.write(b"\n")


_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|fwd?|antw)\s*:\s*|\[xen-devel\]\s*)+", re.IGNORECASE
)


def subject_key(subject: str) -> str:
    """A subject without reply prefixes and list tags, case and spacing folded.

    Replies to a patch carry the patch's own subject behind `Re:`, so equal keys suggest the
    same conversation when References are missing or cut at an archive's month boundary.
    """
    text = " ".join(subject.split())
    previous = None
    while previous != text:
        previous = text
        text = _REPLY_PREFIX.sub("", text)
    return text.casefold()
