"""Parse one MHonArc 2.6 message page (`msgNNNNN.html`) into its mail data.

The page is cut at MHonArc's comment markers, not parsed as a tree: the markers are written by
MHonArc's code (not by templates), so they hold on any site, and plain string searches keep a
page at well under a millisecond. Only the small marked sections are read with regexes.

Header comments (`X-Subject`, `X-From-R13`, `X-Message-Id`, `X-Reference` ...) are
"commentized" (`-` `&` `<` written `&#45;` `&#38;` `&#60;`) and are decoded as MHonArc's own
`uncommentize` does, without any further entity decoding. `X-From-R13` is the raw, unmasked
From (RFC 2047 already decoded) under mrot13. The header list, the body and the link lists are
HTML (entities decoded) with addresses masked.

Parent: MHonArc writes References first, then the last id of In-Reply-To when it is not
already listed (duplicates dropped), and threads a message under the last of them it has. So
`in_reply_to` is the last `X-Reference`; it equals In-Reply-To except when a mail's
In-Reply-To also appears earlier in its References (not recoverable from the page).
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from reviewbot.archive import mrot13
from reviewbot.archive.body import ArchiveAttachment, has_masked_address, render_body
from reviewbot.errors import ParseError

_VERSION = re.compile(r"<!-- MHonArc v[^ ]* -->")
_HEAD_COMMENT = re.compile(r"^<!--(X-[A-Za-z0-9-]+): ?(.*?) ?-->$", re.M)
_COMMENTIZED = re.compile(r"&#(\d+);")
_FIELD = re.compile(r"<li><em>([^<]*)</em>:\s?(.*?)</li>", re.S)
_LINK = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_BY_THREAD = re.compile(r'(Previous|Next) by thread:\s*<strong><a href="([^"]*)"')
_SECTION_ENDS = (
    "<!--X-Body-of-Message-End-->",
    "<!--X-MsgBody-End-->",
    "<!--X-Follow-Ups-End-->",
    "<!--X-References-End-->",
    "<!--X-BotPNI-End-->",
)
_HINT_NOT_PAGE = "give the URL of a message page (…/YYYY-MM/msgNNNNN.html)"
_HINT_TRUNCATED = "fetch the page again; the download was cut short"
_MASKABLE_FIELDS = ("to", "cc")


@dataclass(frozen=True)
class ArchivePage:
    """The mail data one MHonArc message page carries (see the module docstring)."""

    url: str
    subject: str
    message_id: str
    references: tuple[str, ...]
    in_reply_to: str | None
    from_header: str
    date_header: str | None
    received_date: str
    content_type: str
    header_fields: tuple[tuple[str, str], ...]
    body_text: str
    masked: bool
    follow_up_urls: tuple[str, ...]
    reference_urls: tuple[str, ...]
    attachment_urls: tuple[str, ...]
    thread_prev_url: str | None
    thread_next_url: str | None
    body_flowed: bool = False
    masked_in: tuple[str, ...] = ()
    attachments: tuple[ArchiveAttachment, ...] = ()

    def header(self, name: str) -> str | None:
        """The first header-list value named `name` (case-insensitive), else None."""
        wanted = name.lower()
        return next((value for key, value in self.header_fields if key.lower() == wanted), None)


def parse_page(html_bytes: bytes, url: str) -> ArchivePage:
    """Parse a message page; ParseError when it is empty, truncated or not an MHonArc page."""
    text = _decode(html_bytes)
    if not text.strip():
        raise ParseError(f"empty archive page {url}", _HINT_TRUNCATED)
    comments = _head_comments(text, url)
    sections = _sections(text, url)
    content_type = _first(comments, "X-Content-Type") or "text/plain"
    rendered = render_body(sections.body)
    body_text = rendered.text
    if content_type.startswith("text/") and body_text.endswith("\n\n"):
        body_text = body_text[:-1]  # the blank line that separated messages in the mbox
    fields = _header_fields(sections.header_list)
    masked_in = _masked_places(fields, body_text)
    references = tuple(comments.get("X-Reference", []))
    attachments = _attachments(url, comments.get("X-Derived", []), rendered.attachments)
    thread_prev, thread_next = _thread_links(sections.navigation, url)
    return ArchivePage(
        url=url,
        subject=_first(comments, "X-Subject") or "",
        message_id=_first(comments, "X-Message-Id") or "",
        references=references,
        in_reply_to=references[-1] if references else None,
        from_header=mrot13.decode(_first(comments, "X-From-R13") or ""),
        date_header=_field(fields, "date"),
        received_date=_first(comments, "X-Date") or "",
        content_type=content_type,
        header_fields=fields,
        body_text=body_text,
        masked=bool(masked_in),
        follow_up_urls=_links(url, sections.follow_ups),
        reference_urls=_links(url, sections.references),
        attachment_urls=tuple(item.url for item in attachments),
        thread_prev_url=thread_prev,
        thread_next_url=thread_next,
        body_flowed=rendered.flowed,
        masked_in=masked_in,
        attachments=attachments,
    )


@dataclass(frozen=True)
class _Sections:
    header_list: str
    body: str
    follow_ups: str
    references: str
    navigation: str


def _sections(text: str, url: str) -> _Sections:
    """Cut the page at its markers; ParseError when a closing marker is missing."""
    body_start = _require(text, "<!--X-Body-of-Message-->", url)
    body_end, _, follow_ups_end, references_end, _ = (
        _require(text, marker, url) for marker in _SECTION_ENDS
    )
    body = text[body_start + len("<!--X-Body-of-Message-->") : body_end]
    top = _between(text, "<!--X-TopPNI-->", "<!--X-TopPNI-End-->")
    bottom = _between(text, "<!--X-BotPNI-->", "<!--X-BotPNI-End-->")
    return _Sections(
        header_list=_between(text, "<!--X-Head-of-Message-->", "<!--X-Head-of-Message-End-->"),
        body=body.removeprefix("\n").removesuffix("\n"),
        follow_ups=_between(text, "<!--X-Follow-Ups-->", follow_ups_end),
        references=_between(text, "<!--X-References-->", references_end),
        navigation=top + bottom,
    )


def uncommentize(value: str) -> str:
    """Undo MHonArc's `commentize` (`&#45;` -> `-`, `&#38;` -> `&`, `&#60;` -> `<`)."""
    return _COMMENTIZED.sub(lambda match: chr(int(match.group(1))), value)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        match = re.search(rb'charset="?([A-Za-z0-9_.:-]+)', data[:4096])
        try:
            return data.decode(match.group(1).decode("ascii") if match else "cp1252")
        except (LookupError, UnicodeDecodeError):
            return data.decode("latin-1")


def _head_comments(text: str, url: str) -> dict[str, list[str]]:
    head_end = text.find("<!--X-Head-End-->")
    head = text[: head_end if head_end >= 0 else 8192]
    comments: dict[str, list[str]] = {}
    for name, value in _HEAD_COMMENT.findall(head):
        comments.setdefault(name, []).append(uncommentize(value))
    has_version = _VERSION.search(text[:4096]) is not None
    if "X-Message-Id" not in comments:
        if has_version:
            raise ParseError(f"{url} is an MHonArc index page, not a message page", _HINT_NOT_PAGE)
        raise ParseError(f"{url} is not an MHonArc message page", _HINT_NOT_PAGE)
    if head_end < 0:
        raise ParseError(f"archive page {url} is truncated in its header", _HINT_TRUNCATED)
    return comments


def _require(text: str, marker: str, url: str) -> int:
    position = text.find(marker)
    if position < 0:
        name = marker.removeprefix("<!--").removesuffix("-->")
        raise ParseError(f"archive page {url} is truncated (no {name} marker)", _HINT_TRUNCATED)
    return position


def _first(comments: dict[str, list[str]], name: str) -> str | None:
    values = comments.get(name)
    return values[0] if values else None


def _between(text: str, start_marker: str, end: str | int) -> str:
    start = text.find(start_marker)
    if start < 0:
        return ""
    stop = text.find(end, start) if isinstance(end, str) else end
    return text[start + len(start_marker) : stop if stop >= 0 else len(text)]


def _html_text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment))


def _header_fields(section: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (_html_text(name).strip(), _html_text(value).strip())
        for name, value in _FIELD.findall(section)
    )


def _field(fields: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((value for key, value in fields if key.lower() == name), None)


def _masked_places(fields: tuple[tuple[str, str], ...], body: str) -> tuple[str, ...]:
    places = [
        name
        for name in _MASKABLE_FIELDS
        if any(key.lower() == name and has_masked_address(value) for key, value in fields)
    ]
    if has_masked_address(body):
        places.append("body")
    return tuple(places)


def _links(url: str, section: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for href, _ in _LINK.findall(section):
        target = urljoin(url, html.unescape(href)).partition("#")[0]
        found.setdefault(target, None)
    return tuple(found)


def _attachments(
    url: str, derived: list[str], links: tuple[ArchiveAttachment, ...]
) -> tuple[ArchiveAttachment, ...]:
    result: dict[str, ArchiveAttachment] = {}
    for link in links:
        absolute = urljoin(url, link.url)
        result.setdefault(absolute, dataclasses.replace(link, url=absolute))
    for name in derived:
        absolute = urljoin(url, name)
        result.setdefault(absolute, ArchiveAttachment(absolute, name.rpartition("/")[2], ""))
    return tuple(result.values())


def _thread_links(navigation: str, url: str) -> tuple[str | None, str | None]:
    """`[Thread Prev]`/`[Thread Next]` of the top bar, else "... by thread:" of the bottom."""
    labels: dict[str, str] = {}
    for href, label in _LINK.findall(navigation):
        key = _html_text(label).strip().lower()
        if key in ("thread prev", "thread next"):
            labels.setdefault(key, href)
    for direction, href in _BY_THREAD.findall(navigation):
        labels.setdefault("thread prev" if direction == "Previous" else "thread next", href)
    prev, following = labels.get("thread prev"), labels.get("thread next")
    return (
        None if prev is None else urljoin(url, html.unescape(prev)),
        None if following is None else urljoin(url, html.unescape(following)),
    )
