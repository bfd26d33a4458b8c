"""Parse MHonArc thread indexes (`threads.html`, `thrdN.html`) and date indexes (`maillist.html`).

A thread index is one `<ul>`; each top-level `<li>` is a thread and everything nested in it
(MHonArc flattens nesting deeper than TLEVELS=3, and lists reference-less mails with the same
subject after a `<Possible follow-ups>` item) belongs to it, in index order. A thread cut by a
page break starts the next page as `<li><strong>subject</strong>, <em>(continued)</em>`.
The index only groups: parents come from the pages' references (`ArchivePage.in_reply_to`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urljoin

from reviewbot.errors import ParseError

_VERSION = re.compile(r"<!-- MHonArc v[^ ]* -->")
_TOKEN = re.compile(r"<(/?)(ul|li|a|em)\b([^>]*)>", re.I)
_HREF = re.compile(r'href="([^"]*)"', re.I)
_MESSAGE_HREF = re.compile(r"(?:^|/)msg\d+\.html(?:#.*)?$")
_TAG = re.compile(r"<[^>]*>")
_DATE_ENTRY = re.compile(
    r'<a\s[^>]*href="([^"#]*msg\d+\.html)[^"]*"[^>]*>(.*?)</a>.*?<em>From</em>:\s*(.*?)</li>', re.S
)
_HINT = "give the URL of an MHonArc index page (…/YYYY-MM/threads.html or maillist.html)"


class IndexEntry(NamedTuple):
    """One message as an index lists it."""

    page_url: str
    subject: str
    author: str


@dataclass(frozen=True)
class IndexThread:
    """One thread of a thread index page, flattened in index order."""

    entries: tuple[IndexEntry, ...]
    continued: bool = False  # the thread began on an earlier index page
    possible_follow_up_urls: tuple[str, ...] = ()

    @property
    def page_urls(self) -> tuple[str, ...]:
        """The message page URLs of the thread, in index order."""
        return tuple(entry.page_url for entry in self.entries)


@dataclass(frozen=True)
class ThreadIndex:
    """A thread index page: its threads and the URLs of the index pages after it."""

    url: str
    threads: list[IndexThread]
    next_page_urls: list[str]

    def thread_containing(self, page_url: str) -> IndexThread | None:
        """The thread listing `page_url` (fragment ignored), else None."""
        wanted = page_url.partition("#")[0]
        for thread in self.threads:
            if wanted in thread.page_urls:
                return thread
        return None


@dataclass(frozen=True)
class DateIndex:
    """A date index page: entries in listed order and the URLs of the pages after it."""

    url: str
    entries: list[IndexEntry]
    next_page_urls: list[str]


@dataclass
class _ThreadBuilder:
    entries: list[IndexEntry] = field(default_factory=list)
    continued: bool = False
    possible: list[str] = field(default_factory=list)
    possible_depth: int | None = None  # list depth of the `<Possible follow-ups>` item

    def build(self) -> IndexThread:
        """The finished, immutable thread."""
        return IndexThread(tuple(self.entries), self.continued, tuple(self.possible))


class _ThreadScanner:
    """Walks `<ul>`/`<li>`/`<a>`/`<em>` tags, grouping entries under top-level items."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.threads: list[IndexThread] = []
        self.current: _ThreadBuilder | None = None
        self.depth = 0
        self.capture: list[str] | None = None
        self.anchor_href: str | None = None
        self.pending: tuple[str, str] | None = None
        self.item_depth = 0  # list depth of the `<li>` being read

    def text(self, value: str) -> None:
        """Text between tags: a subject, an author, or the `<Possible follow-ups>` item."""
        if self.capture is not None:
            self.capture.append(value)
        elif self.current is not None and "Possible follow-up" in value:
            self.current.possible_depth = self.depth

    def tag(self, closing: bool, name: str, attrs: str) -> None:
        """Dispatch `<ul>`, `<li>`, `<a>`, `<em>` and their end tags to `_start_*`/`_end_*`."""
        handler = getattr(self, f"_{'end' if closing else 'start'}_{name.lower()}")
        handler(attrs)

    def finish(self) -> list[IndexThread]:
        """Close the last thread and return all of them."""
        self._close_thread()
        return self.threads

    def _start_ul(self, attrs: str) -> None:
        self.depth += 1

    def _end_ul(self, attrs: str) -> None:
        self.depth = max(0, self.depth - 1)
        current = self.current
        if current and current.possible_depth is not None and self.depth < current.possible_depth:
            current.possible_depth = None

    def _start_li(self, attrs: str) -> None:
        self._flush_pending("")
        self.item_depth = self.depth
        if self.depth == 1:
            self._close_thread()
            self.current = _ThreadBuilder()

    def _end_li(self, attrs: str) -> None:
        self._flush_pending("")

    def _start_a(self, attrs: str) -> None:
        href = _HREF.search(attrs)
        if href and _MESSAGE_HREF.search(html.unescape(href.group(1))):
            self._flush_pending("")
            self.anchor_href = urljoin(self.url, html.unescape(href.group(1))).partition("#")[0]
            self.capture = []

    def _end_a(self, attrs: str) -> None:
        if self.anchor_href is not None and self.capture is not None:
            self.pending = (self.anchor_href, _clean("".join(self.capture)))
        self.anchor_href, self.capture = None, None

    def _start_em(self, attrs: str) -> None:
        if self.capture is None:
            self.capture = []

    def _end_em(self, attrs: str) -> None:
        if self.capture is None or self.anchor_href is not None:
            return
        value = _clean("".join(self.capture))
        self.capture = None
        if self.pending is not None:
            self._flush_pending(value)
        elif self.current is not None and value == "(continued)" and not self.current.entries:
            self.current.continued = True

    def _flush_pending(self, author: str) -> None:
        if self.pending is None or self.current is None:
            self.pending = None
            return
        entry = IndexEntry(self.pending[0], self.pending[1], author)
        self.current.entries.append(entry)
        if self.current.possible_depth == self.item_depth:
            self.current.possible.append(entry.page_url)
        self.pending = None

    def _close_thread(self) -> None:
        self._flush_pending("")
        if self.current is not None and self.current.entries:
            self.threads.append(self.current.build())
        self.current = None


def add_index_page(threads: list[IndexThread], page: ThreadIndex) -> None:
    """Append `page`'s threads to those of the pages before it, joining a thread that a page
    break split (`(continued)`) with its start."""
    for thread in page.threads:
        if thread.continued and threads:
            first = threads[-1]
            threads[-1] = IndexThread(
                entries=first.entries + thread.entries,
                continued=first.continued,
                possible_follow_up_urls=first.possible_follow_up_urls
                + thread.possible_follow_up_urls,
            )
        else:
            threads.append(thread)


def parse_thread_index(html_bytes: bytes, url: str) -> ThreadIndex:
    """Parse a thread index page; ParseError when it is not a (complete) MHonArc index."""
    text = _index_text(html_bytes, url)
    scanner = _ThreadScanner(url)
    position = 0
    for match in _TOKEN.finditer(text):
        scanner.text(text[position : match.start()])
        position = match.end()
        scanner.tag(match.group(1) == "/", match.group(2), match.group(3))
    return ThreadIndex(url, scanner.finish(), _next_pages(text, url, r"thrd(\d+)|threads"))


def parse_date_index(html_bytes: bytes, url: str) -> DateIndex:
    """Parse a date index page (`maillist.html`, `mailN.html`)."""
    text = _index_text(html_bytes, url)
    entries = [
        IndexEntry(urljoin(url, html.unescape(href)), _clean(subject), _clean(author))
        for href, subject, author in _DATE_ENTRY.findall(text)
    ]
    return DateIndex(url, entries, _next_pages(text, url, r"mail(\d+)|maillist"))


def _index_text(data: bytes, url: str) -> str:
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise ParseError(f"empty archive index {url}", "fetch the page again")
    if "<!--X-Message-Id:" in text[:4096]:
        raise ParseError(f"{url} is an MHonArc message page, not an index", _HINT)
    markers = _VERSION.findall(text)
    if not markers:
        raise ParseError(f"{url} is not an MHonArc index page", _HINT)
    if len(markers) < 2 or not _VERSION.search(text.rstrip()[-64:]):
        raise ParseError(
            f"archive index {url} is truncated", "fetch the page again; it was cut short"
        )
    return text


def _next_pages(text: str, url: str, name_pattern: str) -> list[str]:
    current = _page_number(url, name_pattern)
    pages: dict[int, str] = {}
    for href in _HREF.findall(text):
        number = _page_number(html.unescape(href), name_pattern)
        if number is not None and current is not None and number > current:
            pages.setdefault(number, urljoin(url, html.unescape(href)).partition("#")[0])
    return [pages[number] for number in sorted(pages)]


def _page_number(href: str, name_pattern: str) -> int | None:
    match = re.search(rf"(?:^|/)(?:{name_pattern})\.html(?:#.*)?$", href)
    if match is None:
        return None
    return int(match.group(1)) if match.group(1) else 1


def _clean(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())
