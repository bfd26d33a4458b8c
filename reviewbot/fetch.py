"""`reviewbot fetch`: get a whole thread into the local store, from wherever it lives."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from reviewbot.addressbook import AddressBook
from reviewbot.config import Settings
from reviewbot.errors import NotFoundError, SpecError, StoreError
from reviewbot.mail import split_mbox, subject_key
from reviewbot.models import Message
from reviewbot.people import thread_people
from reviewbot.progress import Progress
from reviewbot.spec import ArchiveSpec, InboxSpec, LocalSpec, Spec
from reviewbot.store import Resource, Store
from reviewbot.threads import Thread, thread_of

if TYPE_CHECKING:
    from reviewbot.http import HttpClient, HttpSettings


@dataclass
class FetchResult:
    """The thread, and what could not be fetched (an incomplete thread is still returned)."""

    thread: Thread
    warnings: list[str] = field(default_factory=list)


def fetch(
    spec: Spec,
    settings: Settings,
    store: Store,
    progress: Progress,
    *,
    offline: bool = False,
    message_id: str | None = None,
) -> FetchResult:
    """Fetch the thread `spec` names into `store` and return it.

    Every unmasked address the thread shows goes into the store's address book, where later
    threads rebuilt from the archive's HTML find what their masked addresses were.
    """
    if isinstance(spec, LocalSpec):
        result = _fetch_local(spec, store, message_id)
    elif offline:
        return FetchResult(_from_store(store, _offline_anchor(spec, store)))
    else:
        import asyncio  # only online fetches need the event loop

        result = asyncio.run(_fetch_online(spec, settings, store, progress))
    store.remember_addresses(thread_people(result.thread))
    return result


def fetch_with_addresses(
    spec: Spec,
    settings: Settings,
    store_path: Path,
    progress: Progress,
    *,
    offline: bool = False,
    message_id: str | None = None,
) -> tuple[FetchResult, AddressBook]:
    """`fetch` into the store at `store_path`, and the store's address book afterwards (what
    recovers the addresses an archive masked)."""
    with Store.open(store_path, create=not offline) as store:
        result = fetch(spec, settings, store, progress, offline=offline, message_id=message_id)
        book = AddressBook()
        book.extend(store.known_addresses(), "address-book")
    return result, book


def _fetch_local(spec: LocalSpec, store: Store, message_id: str | None) -> FetchResult:
    from reviewbot.local import read_local

    messages = read_local(spec.path)
    thread = thread_of(messages, message_id, str(spec.path))
    store.put_messages(thread.messages.values())
    return FetchResult(thread)


def _offline_anchor(spec: ArchiveSpec | InboxSpec, store: Store) -> str:
    if isinstance(spec, InboxSpec):
        return spec.message_id
    message_id = store.message_id_for_url(spec.url)
    if message_id is None:
        raise StoreError(f"{spec.url} is not in the local store", "fetch it once without --offline")
    return message_id


def _from_store(store: Store, message_id: str) -> Thread:
    ids = store.connected_ids(message_id)
    if message_id not in ids:
        raise StoreError(
            f"<{message_id}> is not in the local store", "fetch it once without --offline"
        )
    return thread_of(store.get_messages(ids), message_id, "the local store")


def http_settings(settings: Settings) -> HttpSettings:
    """The HTTP client's knobs from the `http.*` settings."""
    from reviewbot.http import HttpSettings

    return HttpSettings(
        timeout=settings.http_timeout,
        concurrency=settings.http_concurrency,
        retries=settings.http_retries,
        backoff_base=settings.http_backoff,
        max_response_bytes=settings.http_max_bytes,
        max_decompressed_bytes=settings.http_max_decompressed_bytes,
    )


async def _fetch_online(
    spec: ArchiveSpec | InboxSpec, settings: Settings, store: Store, progress: Progress
) -> FetchResult:
    from reviewbot.http import HttpClient

    async with HttpClient(http_settings(settings)) as client:
        if isinstance(spec, ArchiveSpec):
            return await _fetch_archive(spec, settings, store, client, progress)
        return await _fetch_inbox(spec, settings, store, client)


async def _fetch_inbox(
    spec: InboxSpec, settings: Settings, store: Store, client: HttpClient
) -> FetchResult:
    base = spec.base or settings.lore_url
    if not base:
        if store.has_message(spec.message_id):
            return FetchResult(
                _from_store(store, spec.message_id),
                ["lore lookups are disabled (lore_url is empty): stored copy"],
            )
        raise SpecError(
            f"cannot look up <{spec.message_id}>: lore_url is empty",
            "set lore_url (-c lore_url=URL) or give an archive page URL",
        )
    found = await _lore_thread(client, store, base, spec.message_id)
    if found is None:
        raise NotFoundError(
            f"<{spec.message_id}> is not on {base}",
            "check the Message-ID, or give the archive page URL instead",
        )
    return FetchResult(_from_store(store, spec.message_id))


async def _lore_thread(
    client: HttpClient, store: Store, base: str, message_id: str
) -> list[Message] | None:
    """The thread's pristine copies from a public-inbox server, stored; None if it lacks them."""
    from reviewbot.lore import thread_mbox_url

    url = thread_mbox_url(base, message_id)
    cached = store.get_resource(url)
    try:
        response = await client.get(
            url,
            etag=cached.etag if cached else None,
            last_modified=cached.last_modified if cached else None,
            gunzip=True,
        )
    except NotFoundError:
        return None
    body = cached.body if response.not_modified and cached else response.content
    messages = [Message.from_raw(raw, url, pristine=True) for raw in split_mbox(body)]
    if not messages:
        return None
    store.put_messages(messages)
    if not response.not_modified:
        store.put_resource(
            Resource(url, body, response.etag, response.last_modified, None, time.time())
        )
    return messages


async def _fetch_archive(
    spec: ArchiveSpec, settings: Settings, store: Store, client: HttpClient, progress: Progress
) -> FetchResult:
    from reviewbot.crawl import ArchiveCrawler

    pristine: list[Message] = []
    crawler = ArchiveCrawler(
        client,
        store,
        progress,
        neighbour_months=settings.fetch_neighbour_months,
        known_ids=lambda: {message.message_id for message in pristine},
    )
    first = await crawler.first_page(spec.url)
    warnings: list[str] = []
    if settings.lore_url:
        pristine = await _lore_thread(client, store, settings.lore_url, first.message_id) or []
        if not pristine:
            warnings.append(
                f"<{first.message_id}> is not on {settings.lore_url}: "
                "messages are rebuilt from the archive's HTML"
            )
    crawl_warnings = await crawler.crawl(first, skip=_known_from(pristine) if pristine else None)
    thread = _from_store(store, first.message_id)
    warnings += crawl_warnings
    return FetchResult(thread, warnings)


def _known_from(messages: list[Message]) -> Callable[[str, str], bool]:
    """Whether an index entry (subject, author) is one of the pristine messages.

    Each pristine message accounts for one entry, so a second reply with the same subject
    from the same person, missing from lore, is still fetched.
    """
    unclaimed = Counter((subject_key(m.subject), _name_key(m.from_)) for m in messages)

    def skip(subject: str, author: str) -> bool:
        key = (subject_key(subject), _name_key(author))
        if unclaimed[key] <= 0:
            return False
        unclaimed[key] -= 1
        return True

    return skip


def _name_key(sender: str) -> str:
    """A sender's display name, folded (index pages show names without addresses)."""
    name, address = parseaddr(sender) if "@" in sender else ("", "")
    return " ".join((name or address or sender).strip('" ').split()).casefold()
