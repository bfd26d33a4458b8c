"""MHonArc archive pages (lists.xenproject.org) and thread indexes back into mail.

`parse_archive_url` places a URL in a list's month; `parse_page` reads a message page;
`rebuild_message` turns it into an EmailMessage; `parse_thread_index` groups a month's pages.
"""

from __future__ import annotations

from reviewbot.archive.body import ArchiveAttachment, html_to_text
from reviewbot.archive.index import (
    DateIndex,
    IndexEntry,
    IndexThread,
    ThreadIndex,
    parse_date_index,
    parse_thread_index,
)
from reviewbot.archive.page import ArchivePage, parse_page
from reviewbot.archive.rebuild import rebuild_message
from reviewbot.archive.urls import ArchiveLocation, parse_archive_url

__all__ = [
    "ArchiveAttachment",
    "ArchiveLocation",
    "ArchivePage",
    "DateIndex",
    "IndexEntry",
    "IndexThread",
    "ThreadIndex",
    "html_to_text",
    "parse_archive_url",
    "parse_date_index",
    "parse_page",
    "parse_thread_index",
    "rebuild_message",
]
