"""Rebuild an RFC 5322 message from a parsed MHonArc page.

* From: `X-From-R13` (unmasked); Subject: `X-Subject`; Date: the header list's Date, else the
  `X-Date` (first Received, GMT); Message-ID, In-Reply-To (last reference), References:
  from the markers; To/Cc: the header list as shown, masked addresses kept as they are.
* Body: text/plain, utf-8, 8bit; `format=flowed` when the page rendered it flowed.
* Header values are written as shown; non-ASCII ones as RFC 2047 encoded words.
* `X-Reviewbot-Rebuilt-From: <page url>`; `X-Reviewbot-Masked: to, cc, body` (where masked
  addresses were seen) when anything is masked.
* Attachments: MHonArc saves non-text parts as "derived" files next to the page and links
  them (`ArchivePage.attachments`). When the caller fetched them (`attachments` maps a file's
  absolute URL, or its derived file name, to its bytes) each becomes an attachment part named
  as the page shows it, typed by the page's description when that is a MIME type (MHonArc
  prints the bare type when it has no description for it), else by the file name. A derived
  file not supplied is named in an `X-Reviewbot-Missing-Attachment: <url>` header instead of
  being dropped silently. Text parts MHonArc showed inline (a `text/x-log` attachment, say)
  are already in the body text, their file names lost.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping
from email.message import EmailMessage

from reviewbot.archive.body import ArchiveAttachment
from reviewbot.archive.page import ArchivePage
from reviewbot.mail import POLICY, as_bytes, parse_bytes

_ATTACHMENT_POLICY = POLICY.clone(max_line_length=76)
_ASCII_POLICY = POLICY.clone(utf8=False)
_LINE_BREAKS = re.compile(r"[\r\n]+")
_MIME_TYPE = re.compile(r"[a-z]+/[a-z0-9][a-z0-9.+-]*", re.I)
_COMPRESSED = {"gzip": "gzip", "bzip2": "x-bzip2", "xz": "x-xz", "compress": "x-compress"}


def rebuild_message(
    page: ArchivePage, attachments: Mapping[str, bytes] | None = None
) -> EmailMessage:
    """The message `page` shows, as an EmailMessage with `reviewbot.mail.POLICY`."""
    message = parse_bytes(_single_part(page))
    _attach(message, page, attachments or {})
    return message


def rebuild_bytes(page: ArchivePage, attachments: Mapping[str, bytes] | None = None) -> bytes:
    """The same message as raw bytes, what the store keeps.

    A page without attachments (nearly all of them) is written directly, with no parsing.
    """
    if not page.attachments:
        return _single_part(page)
    return as_bytes(rebuild_message(page, attachments))


def _single_part(page: ArchivePage) -> bytes:
    head = b"".join(_header_line(name, value) for name, value in _headers(page))
    return head + b"\n" + _body_bytes(page.body_text)


def _headers(page: ArchivePage) -> list[tuple[str, str]]:
    headers = [("From", page.from_header)]
    headers += [(name, page.header(name) or "") for name in ("To", "Cc") if page.header(name)]
    headers += [
        ("Subject", page.subject),
        ("Date", page.date_header or page.received_date),
        ("Message-ID", f"<{page.message_id}>"),
    ]
    if page.in_reply_to:
        headers.append(("In-Reply-To", f"<{page.in_reply_to}>"))
    if page.references:
        headers.append(("References", " ".join(f"<{ref}>" for ref in page.references)))
    headers.append(("X-Reviewbot-Rebuilt-From", page.url))
    if page.masked:
        headers.append(("X-Reviewbot-Masked", ", ".join(page.masked_in)))
    flowed = "; format=flowed" if page.body_flowed else ""
    headers += [
        ("MIME-Version", "1.0"),
        ("Content-Type", f'text/plain; charset="utf-8"{flowed}'),
        ("Content-Transfer-Encoding", "8bit"),
    ]
    return headers


def _header_line(name: str, value: str) -> bytes:
    """One header line; non-ASCII values become RFC 2047 encoded words.

    Written as bytes and parsed (rather than set through the header registry) because that
    is several times faster; encoded words keep the parsed addresses free of undecodable
    bytes.
    """
    value = _LINE_BREAKS.sub(" ", value)
    if value.isascii():
        return f"{name}: {value}\n".encode("ascii")
    folded = str(_ASCII_POLICY.header_factory(name, value).fold(policy=_ASCII_POLICY))
    return folded.encode("ascii")


def _body_bytes(text: str) -> bytes:
    """UTF-8, LF line ends, a final newline: what `set_content` would write."""
    lines = text.encode("utf-8").splitlines()
    return b"\n".join(lines) + b"\n" if lines else b""


def _attach(message: EmailMessage, page: ArchivePage, files: Mapping[str, bytes]) -> None:
    for item in page.attachments:
        data = _lookup(files, item)
        if data is None:
            message["X-Reviewbot-Missing-Attachment"] = item.url
            continue
        # base64 needs a line length; POLICY has none (it must not fold patches)
        part = EmailMessage(policy=_ATTACHMENT_POLICY)
        maintype, subtype = _content_type(item)
        part.set_content(data, maintype, subtype, disposition="attachment", filename=item.name)
        if not message.is_multipart():
            message.make_mixed()
        message.attach(part)


def _lookup(files: Mapping[str, bytes], item: ArchiveAttachment) -> bytes | None:
    derived_name = item.url.rpartition("/")[2]
    for key in (item.url, derived_name):
        if key in files:
            return files[key]
    return None


def _content_type(item: ArchiveAttachment) -> tuple[str, str]:
    """The part's type: MHonArc's description when it is a MIME type, else guessed."""
    if _MIME_TYPE.fullmatch(item.description):
        maintype, _, subtype = item.description.lower().partition("/")
        return maintype, subtype
    for name in (item.name, item.url.rpartition("/")[2]):
        guessed, encoding = mimetypes.guess_type(name, strict=False)
        if encoding in _COMPRESSED:
            return "application", _COMPRESSED[encoding]
        if guessed:
            maintype, _, subtype = guessed.partition("/")
            return maintype, subtype
    return "application", "octet-stream"
