"""Fetch threads and messages from a public-inbox server such as lore.kernel.org."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewbot.errors import NotFoundError, ParseError, SpecError
from reviewbot.mail import normalize_msgid, split_mbox

if TYPE_CHECKING:  # URL parsing must not pull httpx into the offline start-up path
    from reviewbot.http import HttpClient

# public-inbox's MID_ESC: everything else in a Message-ID is %-escaped (UTF-8) in URLs.
_MSGID_SAFE = "!$&'()*+,;=:@"
# What may follow `<msgid>/` in a public-inbox URL we accept as naming that message.
_SUFFIXES = frozenset({"raw", "t", "T", "t.mbox.gz", "t.mbox", "t.atom", "f", "d", "s", "#R"})
# Shapes that carry a Message-ID but are not public-inbox: patchwork, MHonArc.
_NOT_PUBLIC_INBOX = re.compile(r"/project/[^/]+/(?:patch|cover|comment)/|/archives/html/")


@dataclass(frozen=True)
class InboxRef:
    """A message on a public-inbox server: `base` (no trailing slash) and its Message-ID."""

    base: str  # e.g. "https://lore.kernel.org/xen-devel"
    message_id: str  # without <>


def quote_msgid(msgid: str) -> str:
    """A Message-ID (with or without <>) escaped for a public-inbox URL path segment."""
    return urllib.parse.quote(normalize_msgid(msgid), safe=_MSGID_SAFE)


def thread_mbox_url(base: str, msgid: str) -> str:
    """`{base}/{msgid}/t.mbox.gz`: the whole thread of `msgid` as gzipped mboxrd."""
    return f"{base.rstrip('/')}/{quote_msgid(msgid)}/t.mbox.gz"


def raw_url(base: str, msgid: str) -> str:
    """`{base}/{msgid}/raw`: the message itself as a one-message mboxrd."""
    return f"{base.rstrip('/')}/{quote_msgid(msgid)}/raw"


def parse_inbox_url(url: str) -> InboxRef | None:
    """The inbox and Message-ID a public-inbox message URL points at; None for other URLs.

    Accepts `{base}/{msgid}` with an optional trailing `/`, `/raw`, `/T/`, `/t/`,
    `/t.mbox.gz`, query or fragment. `lore.kernel.org/r/…` (a redirector) maps to `/all`.
    """
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if _NOT_PUBLIC_INBOX.search(parts.path):
        return None
    segments = parts.path.split("/")
    while segments and segments[-1] == "":
        segments.pop()
    if segments and segments[-1] in _SUFFIXES:
        segments.pop()
    if len(segments) < 3:  # "", list, msgid
        return None
    msgid = _msgid_segment(segments[-1])
    inbox = segments[1:-1]
    if msgid is None or not all(inbox):
        return None
    if inbox == ["r"]:
        inbox = ["all"]
    return InboxRef(f"{parts.scheme}://{parts.netloc}/{'/'.join(inbox)}", msgid)


def _msgid_segment(segment: str) -> str | None:
    value = urllib.parse.unquote(segment)
    if "@" not in value:
        return None
    try:
        return normalize_msgid(value)
    except SpecError:
        return None


async def fetch_thread(client: HttpClient, base: str, msgid: str) -> list[bytes] | None:
    """Every message of the thread holding `msgid`, raw, in server order; None if unknown."""
    url = thread_mbox_url(base, msgid)
    try:
        response = await client.get(url, gunzip=True)
    except NotFoundError:
        return None
    return _messages(url, response.content)


async def fetch_raw(client: HttpClient, base: str, msgid: str) -> bytes | None:
    """The raw message `msgid` (the first, if the inbox holds duplicates); None if unknown."""
    url = raw_url(base, msgid)
    try:
        response = await client.get(url)
    except NotFoundError:
        return None
    return _messages(url, response.content)[0]


def _messages(url: str, mbox: bytes) -> list[bytes]:
    messages = list(split_mbox(mbox))
    if not messages:
        raise ParseError(f"{url}: answer is not an mbox", "is this a public-inbox server?")
    return messages
