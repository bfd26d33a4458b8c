"""A month's threads, as the TUI lists them: from the archive's thread index, or from the store.

The archive's `threads.html` (and the `thrdN.html` pages after it) group a month's mail into
threads; each listed thread opens by the URL of its first message page. The store's threads
are its messages grouped by their references, opened by the root's Message-ID.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from reviewbot.archive.index import IndexThread, add_index_page, parse_thread_index
from reviewbot.archive.urls import ArchiveLocation, parse_archive_url
from reviewbot.config import Settings
from reviewbot.errors import SpecError
from reviewbot.models import Message
from reviewbot.progress import Progress
from reviewbot.store import Store
from reviewbot.subject import parse_subject
from reviewbot.threads import Thread, group_threads


@dataclass(frozen=True)
class ListedThread:
    """One line of the month list: what the thread is, and the SPEC that opens it."""

    subject: str
    author: str
    messages: int
    patches: int
    spec: str
    date: str = ""
    message_id: str | None = None
    """The thread's root, which picks it when `spec` names a file holding several threads."""


@dataclass(frozen=True)
class Month:
    """A year and month (`2026-11`)."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def shifted(self, delta: int) -> Month:
        """The month `delta` months later (earlier when negative)."""
        year, month0 = divmod(self.year * 12 + self.month - 1 + delta, 12)
        return Month(year, month0 + 1)

    @classmethod
    def parse(cls, text: str) -> Month:
        """`2026-11`; SpecError otherwise."""
        year, dash, month = text.strip().partition("-")
        if dash and year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12:
            return cls(int(year), int(month))
        raise SpecError(f"--month {text!r} is not a month", "write it as YYYY-MM, e.g. 2026-11")

    @classmethod
    def of(cls, when: datetime) -> Month:
        """The month of a date."""
        return cls(when.year, when.month)


def month_location(text: str) -> ArchiveLocation | None:
    """The archive month a URL names (`…/YYYY-MM/`, `threads.html`, `maillist.html` …);
    None when it is not an archive URL or names one message page."""
    location = parse_archive_url(text)
    if location is None or location.number is not None:
        return None
    return location


def archive_location(settings: Settings, month: Month) -> ArchiveLocation:
    """The month's directory under the configured `archive_url`."""
    location = parse_archive_url(f"{settings.archive_url.rstrip('/')}/{month}/")
    if location is None:
        raise SpecError(
            f"archive_url {settings.archive_url} does not end in a list name",
            "set archive_url to …/archives/html/<list>, e.g. with -c archive_url=URL",
        )
    return location


def archive_threads(
    location: ArchiveLocation, settings: Settings, progress: Progress
) -> list[ListedThread]:
    """Every thread of the archive month, newest index page order (FetchError when unreadable)."""
    return asyncio.run(_archive_threads(location, settings, progress))


async def _archive_threads(
    location: ArchiveLocation, settings: Settings, progress: Progress
) -> list[ListedThread]:
    from reviewbot.fetch import http_settings
    from reviewbot.http import HttpClient

    threads: list[IndexThread] = []
    queue = [location.thread_index_url(1)]
    seen = set(queue)
    progress.add_total(1)
    async with HttpClient(http_settings(settings)) as client:
        while queue:
            url = queue.pop(0)
            index = parse_thread_index((await client.get(url)).content, url)
            add_index_page(threads, index)
            fresh = [u for u in index.next_page_urls if u not in seen]
            seen.update(fresh)
            queue += fresh
            progress.add_total(len(fresh))
            progress.advance()
    return [_listed_from_index(t) for t in threads if t.entries]


def _listed_from_index(thread: IndexThread) -> ListedThread:
    first = thread.entries[0]
    patches = sum(1 for e in thread.entries if _is_patch_subject(e.subject))
    return ListedThread(
        subject=first.subject,
        author=first.author,
        messages=len(thread.entries),
        patches=patches,
        spec=first.page_url,
    )


def _is_patch_subject(subject: str) -> bool:
    parsed = parse_subject(subject)
    return parsed.patch_tagged and not parsed.is_reply


def store_threads(store: Store, month: Month | None) -> list[ListedThread]:
    """The store's threads that began in `month` (every thread when None), newest first;
    each opens by its root's Message-ID."""
    return _newest_first(group_threads(store.all_messages()), month)


def file_threads(origin: str, threads: Iterable[Thread]) -> list[ListedThread]:
    """The threads of a local file (`origin`, as given) that holds several, newest first;
    each opens as the file with its root's Message-ID."""
    return [replace(listed, spec=origin) for listed in _newest_first(threads, None)]


def _newest_first(threads: Iterable[Thread], month: Month | None) -> list[ListedThread]:
    listed: list[tuple[datetime, ListedThread]] = []
    for thread in threads:
        messages = list(thread.messages.values())
        first = min(messages, key=lambda m: m.sent_at)
        if month is not None and Month.of(first.sent_at) != month:
            continue
        root = thread.messages.get(thread.root, first)
        listed.append((first.sent_at, _listed_thread(root, first, messages)))
    listed.sort(key=lambda pair: pair[0], reverse=True)
    return [item for _, item in listed]


def _listed_thread(root: Message, first: Message, messages: list[Message]) -> ListedThread:
    kinds = Counter(m.is_patch for m in messages)
    return ListedThread(
        subject=root.subject,
        author=root.author,
        messages=len(messages),
        patches=kinds[True],
        spec=f"<{root.message_id}>",
        date=first.sent_at.strftime("%Y-%m-%d %H:%M"),
        message_id=root.message_id,
    )
