"""The fixture threads as reviewbot sees them: from the mailboxes, or rebuilt from the archive."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reviewbot.archive.page import parse_page
from reviewbot.archive.rebuild import rebuild_bytes
from reviewbot.local import read_local
from reviewbot.models import Message
from reviewbot.threads import Thread, thread_of

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ARCHIVE = FIXTURES / "archive" / "xen-devel"
SITE = "https://lists.xenproject.org/archives/html/xen-devel"


@cache
def archive_messages() -> tuple[Message, ...]:
    """Every page of the fixture archive rebuilt into a message, as a fetch stores it."""
    found = []
    for page_path in sorted(ARCHIVE.glob("*/msg*.html")):
        url = f"{SITE}/{page_path.parent.name}/{page_path.name}"
        raw = rebuild_bytes(parse_page(page_path.read_bytes(), url))
        found.append(Message.from_raw(raw, url, pristine=False))
    return tuple(found)


def mailbox_thread(mbox: str, message_id: str) -> Thread:
    """The thread of `message_id` in `fixtures/mail/<mbox>`."""
    return thread_of(read_local(FIXTURES / "mail" / mbox), message_id, mbox)


def archive_thread(message_id: str) -> Thread:
    """The same thread from the archive's HTML pages only."""
    return thread_of(archive_messages(), message_id, "the fixture archive")
