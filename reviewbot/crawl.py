"""Gather a whole thread from an MHonArc archive (lists.xenproject.org) into the store.

The crawl starts at one message page and finds the rest through the month's thread index, the
pages' follow-up and reference links, and the neighbouring months' indexes (a thread is cut at
month boundaries there). The tree itself is later rebuilt from Message-IDs, never from index
nesting. Message pages never change once written, so a stored page is not requested again; the
indexes, which grow as replies arrive, are revalidated with conditional requests.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from reviewbot.archive.index import IndexThread, add_index_page, parse_thread_index
from reviewbot.archive.page import ArchivePage, parse_page
from reviewbot.archive.rebuild import rebuild_bytes
from reviewbot.archive.urls import ArchiveLocation, parse_archive_url
from reviewbot.errors import FetchError, NotFoundError, ParseError, ReviewbotError
from reviewbot.http import HttpClient
from reviewbot.mail import subject_key
from reviewbot.models import Message
from reviewbot.progress import Progress
from reviewbot.store import Resource, Store

MAX_MONTHS = 24


MonthKey = tuple[int, int]


def _month(location: ArchiveLocation) -> MonthKey:
    return (location.year, location.month)


class ArchiveCrawler:
    """One crawl of one thread; create a new crawler per fetch."""

    def __init__(
        self,
        client: HttpClient,
        store: Store,
        progress: Progress,
        *,
        neighbour_months: int = 1,
        known_ids: Callable[[], set[str]] | None = None,
    ) -> None:
        self._client = client
        self._store = store
        self._progress = progress
        self._neighbours = neighbour_months
        self._pages: dict[str, ArchivePage] = {}
        self._scheduled: set[str] = set()
        self._indexes: dict[MonthKey, list[IndexThread] | None] = {}
        self._warnings: list[str] = []
        self._known_ids = known_ids or set
        self._accepted = False  # the user's page was good: from now on results are stored
        self._held_back: list[Resource] = []

    def _keep(self, resource: Resource) -> None:
        """Store an index page, or hold it back until the user's own page proved good."""
        if self._accepted:
            self._store.put_resource(resource)
        else:
            self._held_back.append(resource)

    async def first_page(self, url: str) -> ArchivePage:
        """Fetch and check the page the user named; any failure here is the user's error."""
        location = _location(url)
        indexes = asyncio.gather(
            *(
                self._load_index(location.neighbour(delta))
                for delta in range(-self._neighbours, self._neighbours + 1)
            )
        )
        try:
            page = await self._load_page(url)
        except BaseException:
            indexes.cancel()
            await asyncio.gather(indexes, return_exceptions=True)
            raise
        if page is None:  # pragma: no cover - _load_page raises for the first page
            raise FetchError(f"cannot load {url}")
        await indexes  # fetched alongside the page: one round trip for both
        self._accepted = True
        for resource in self._held_back:
            self._store.put_resource(resource)
        self._held_back.clear()
        return page

    async def crawl(
        self, start: ArchivePage, skip: Callable[[str, str], bool] | None = None
    ) -> list[str]:
        """Store everything of `start`'s thread the archive holds; return what went wrong.

        `skip(subject, author)` says an index entry is already known from a pristine source,
        so its page need not be fetched.
        """
        location = _location(start.url)
        self._scheduled.add(start.url)
        months = {
            _month(location.neighbour(delta)): location.neighbour(delta)
            for delta in range(-self._neighbours, self._neighbours + 1)
        }
        await asyncio.gather(*(self._load_index(loc) for loc in months.values()))
        checked: set[MonthKey] = set()
        while True:
            wanted = self._candidates(start, checked, skip)
            if not wanted and not self._unvisited_links():
                break
            await self._visit_all(wanted)
            newly = self._months_to_check(checked)
            if not newly:
                break
            await asyncio.gather(*(self._load_index(loc) for loc in newly.values()))
        return self._warnings

    # -- discovery ----------------------------------------------------------------------------

    def _thread_ids(self) -> set[str]:
        ids = {page.message_id for page in self._pages.values()} | self._known_ids()
        return ids

    def _connected(self, page: ArchivePage, ids: set[str]) -> bool:
        if page.message_id in ids or ids.intersection(page.references):
            return True
        return any(page.message_id in other.references for other in self._pages.values())

    def _subject_keys(self) -> set[str]:
        return {subject_key(page.subject) for page in self._pages.values()}

    def _candidates(
        self, start: ArchivePage, checked: set[MonthKey], skip: Callable[[str, str], bool] | None
    ) -> list[str]:
        """Pages worth fetching: the start page's index thread, and same-subject neighbours."""
        wanted: list[str] = []
        own = _month(_location(start.url))
        keys = self._subject_keys()
        for month, threads in self._indexes.items():
            if threads is None or month in checked:
                continue
            checked.add(month)
            if month == own:
                threads = [t for t in threads if start.url in t.page_urls]
                wanted += [url for t in threads for url in t.possible_follow_up_urls]
            for thread in threads:
                for url, subject, author in thread.entries:
                    if month != own and subject_key(subject) not in keys:
                        continue
                    if skip is not None and skip(subject, author):
                        self._scheduled.add(url)  # known from a pristine copy: never fetched
                    else:
                        wanted.append(url)
        return wanted

    def _unvisited_links(self) -> list[str]:
        ids = self._thread_ids()
        links: list[str] = []
        for page in list(self._pages.values()):
            if not self._connected(page, ids):
                continue
            links += [
                u for u in (*page.follow_up_urls, *page.reference_urls) if u not in self._scheduled
            ]
        return links

    def _months_to_check(self, checked: set[MonthKey]) -> dict[MonthKey, ArchiveLocation]:
        """Months next to those where the thread has pages, not looked at yet."""
        ids = self._thread_ids()
        newly: dict[MonthKey, ArchiveLocation] = {}
        for page in self._pages.values():
            if not self._connected(page, ids):
                continue
            location = _location(page.url)
            for delta in range(-self._neighbours, self._neighbours + 1):
                other = location.neighbour(delta)
                key = _month(other)
                if key not in self._indexes and len(self._indexes) < MAX_MONTHS:
                    newly[key] = other
        return {key: loc for key, loc in newly.items() if key not in checked}

    async def _visit_all(self, urls: list[str]) -> None:
        """Fetch pages concurrently, following the links of every connected page found."""
        pending: set[asyncio.Task[ArchivePage | None]] = set()

        def schedule(candidates: Iterable[str]) -> None:
            for url in candidates:
                if url not in self._scheduled:
                    self._scheduled.add(url)
                    self._progress.add_total(1)
                    pending.add(asyncio.ensure_future(self._load_page(url, optional=True)))

        schedule(urls)
        schedule(self._unvisited_links())
        while pending:
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            pending.difference_update(done)
            for task in done:
                task.result()
                self._progress.advance()
            schedule(self._unvisited_links())

    # -- fetching -----------------------------------------------------------------------------

    async def _load_page(self, url: str, *, optional: bool = False) -> ArchivePage | None:
        """A message page from the store or the server, parsed, checked and stored."""
        cached = self._store.get_resource(url)
        try:
            if cached is not None and cached.message_id:
                body, etag, modified = cached.body, cached.etag, cached.last_modified
            else:
                response = await self._client.get(url)
                body, etag, modified = response.content, response.etag, response.last_modified
                # Let the requests waiting for a free slot go out before the CPU work below.
                await asyncio.sleep(0)
            page = parse_page(body, url)
            attachments = await self._attachments(page)
        except ReviewbotError as exc:
            if not optional:
                raise
            self._warnings.append(f"skipped {url}: {exc.message}")
            return None
        if cached is None or not cached.message_id:  # stored first: survives an interruption
            self._store.put_resource(
                Resource(url, body, etag, modified, page.message_id, time.time())
            )
        self._pages[url] = page
        if not self._store.has_message(page.message_id):
            self._store.put_messages([_rebuilt(page, attachments)])
        return page

    async def _attachments(self, page: ArchivePage) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for url in page.attachment_urls:
            cached = self._store.get_resource(url)
            if cached is not None:
                found[url] = cached.body
                continue
            response = await self._client.get(url)
            self._store.put_resource(
                Resource(
                    url, response.content, response.etag, response.last_modified, None, time.time()
                )
            )
            found[url] = response.content
        return found

    async def _load_index(self, location: ArchiveLocation) -> None:
        """A month's thread index (every page of it), revalidated; None when the month is absent."""
        key = _month(location)
        if key in self._indexes:
            return
        self._indexes[key] = None
        threads: list[IndexThread] = []
        queue = [location.thread_index_url(1)]
        seen = set(queue)
        while queue:
            url = queue.pop(0)
            body = await self._conditional(url, first_of_month=url == location.thread_index_url(1))
            if body is None:
                break
            try:
                index = parse_thread_index(body, url)
            except ParseError as exc:
                self._warnings.append(f"skipped {url}: {exc.message}")
                break
            add_index_page(threads, index)
            queue += [u for u in index.next_page_urls if u not in seen]
            seen.update(index.next_page_urls)
        self._indexes[key] = threads if seen and threads else None

    async def _conditional(self, url: str, *, first_of_month: bool) -> bytes | None:
        """An index page, revalidated; None when the server has no such page."""
        cached = self._store.get_resource(url)
        try:
            response = await self._client.get(
                url,
                etag=cached.etag if cached else None,
                last_modified=cached.last_modified if cached else None,
            )
        except NotFoundError:
            return None
        except FetchError as exc:
            if cached is not None:
                self._warnings.append(f"{url}: {exc.message}; using the stored copy")
                return cached.body
            what = "the month's thread index" if first_of_month else "an index page"
            self._warnings.append(f"could not read {what} {url}: {exc.message}")
            return None
        if response.not_modified and cached is not None:
            return cached.body
        self._keep(
            Resource(
                url, response.content, response.etag, response.last_modified, None, time.time()
            )
        )
        return response.content


def _rebuilt(page: ArchivePage, attachments: dict[str, bytes]) -> Message:
    """The mail a page shows, as a stored message whose source is the page."""
    return Message.from_raw(rebuild_bytes(page, attachments), page.url, pristine=False)


def _location(url: str) -> ArchiveLocation:
    location = parse_archive_url(url)
    if location is None:
        raise ParseError(f"{url} is not an archive page URL", "give …/YYYY-MM/msgNNNNN.html")
    return location
