"""`reviewbot fetch SPEC [-o FILE] [--json] [--offline] [-q] [--msgid ID]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewbot.addressbook import AddressBook
from reviewbot.attribution import review_versions, thread_address_book
from reviewbot.commands.thread import fetch_thread
from reviewbot.errors import SpecError
from reviewbot.fetch import FetchResult
from reviewbot.render import summary_line, thread_json, tree_lines, write_thread_mbox
from reviewbot.render_review import art_counts
from reviewbot.series import build_series


def run(args: argparse.Namespace) -> int:
    """Fetch, then print the tree (or JSON) and write the mbox; 1 when the thread is incomplete."""
    output = Path(args.output) if args.output else None
    if output is not None and not output.parent.is_dir():
        raise SpecError(f"cannot write {output}: no directory {output.parent}", "create it first")
    result, known = fetch_thread(args)
    _report(result, args, output, known)
    return 1 if result.warnings else 0


def patch_counts(result: FetchResult, known: AddressBook) -> dict[str, str]:
    """`A:1 R:2 T:1` for every patch of every version in the thread."""
    series = build_series(result.thread)
    reviews = review_versions(series, thread_address_book(series, known))
    counts: dict[str, str] = {}
    for review in reviews.values():
        for patch_review in review.patches:
            counts.setdefault(patch_review.patch.message_id, art_counts(patch_review))
    return counts


def _report(
    result: FetchResult, args: argparse.Namespace, output: Path | None, known: AddressBook
) -> None:
    if output is not None:
        write_thread_mbox(result.thread, output)
    if args.json:
        print(thread_json(result.thread))
    else:
        print("\n".join(tree_lines(result.thread, patch_counts(result, known))))
        if not args.quiet:
            print(summary_line(result.thread))
            if output is not None:
                print(f"wrote {len(result.thread.messages)} messages to {output}")
    for warning in result.warnings:
        print(f"reviewbot: warning: {warning}", file=sys.stderr)
