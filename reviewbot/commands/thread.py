"""Fetch the thread a command's SPEC names, the way every command does it."""

from __future__ import annotations

import argparse

from reviewbot.addressbook import AddressBook
from reviewbot.config import load_settings
from reviewbot.fetch import FetchResult, fetch_with_addresses
from reviewbot.mail import normalize_msgid
from reviewbot.paths import store_file
from reviewbot.progress import progress_for
from reviewbot.spec import LocalSpec, parse_spec


def fetch_thread(args: argparse.Namespace) -> tuple[FetchResult, AddressBook]:
    """The thread of `args.spec` (stored on the way) and the store's address book."""
    settings = load_settings(args.overrides)
    spec = parse_spec(args.spec)
    message_id = normalize_msgid(args.msgid) if args.msgid else None
    offline = args.offline and not isinstance(spec, LocalSpec)
    progress = progress_for("fetching", quiet=args.quiet or getattr(args, "json", False))
    try:
        return fetch_with_addresses(
            spec, settings, store_file(), progress, offline=offline, message_id=message_id
        )
    finally:
        progress.close()
