"""`reviewbot am SPEC [-o FILE] [--json] [-v N] [--tree DIR] [--msgid ID]`: b4 am for Xen."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewbot.addressbook import AddressBook
from reviewbot.am import am_messages
from reviewbot.attribution import Review, review_series, thread_address_book
from reviewbot.commands.thread import fetch_thread
from reviewbot.errors import ReviewbotError, SpecError
from reviewbot.mail import write_mboxrd
from reviewbot.naming import mbox_name
from reviewbot.render_review import review_json_text, summary_lines
from reviewbot.series import build_series
from reviewbot.subject import Version


def run(args: argparse.Namespace) -> int:
    """Fetch, collect trailers, write the am-ready mbox and print the summary."""
    version = Version.parse(args.version) if args.version else None
    tree_book = AddressBook.from_tree(Path(args.tree)) if args.tree else None
    output = _output_path(args.output)
    result, known = fetch_thread(args)
    series = build_series(result.thread)
    book = thread_address_book(series, known.merge(tree_book) if tree_book else known)
    review = review_series(series, version, book)
    target = output or Path.cwd() / default_mbox_name(review)
    _write(review, book, target)
    # with the mbox on stdout, the report goes to stderr
    report = sys.stderr if target == _STDOUT else sys.stdout
    if args.json:
        print(review_json_text(review), file=report)
    else:
        print("\n".join(summary_lines(review)), file=report)
        if not args.quiet:
            where = "stdout" if target == _STDOUT else target
            print(f"wrote {len(review.patches)} patches to {where}", file=report)
            if target != _STDOUT:
                print(f"apply with: git am --patch-format=mboxrd {target}", file=report)
    for warning in result.warnings:
        print(f"reviewbot: warning: {warning}", file=sys.stderr)
    return 1 if review.revision.missing or result.warnings else 0


_STDOUT = Path("-")


def _output_path(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if path != _STDOUT and not path.parent.is_dir():
        raise SpecError(f"cannot write {path}: no directory {path.parent}", "create it first")
    return path


def default_mbox_name(review: Review) -> str:
    """`2019-07-04-x86-ctxt-switch-document-and-improve-gdt-handling-v1.mbx`."""
    first = review.revision.ordered[0].message
    return mbox_name(first.sent_at, review.revision.title, review.revision.version)


def _write(review: Review, book: AddressBook, target: Path) -> None:
    """The mbox, atomically: a temporary file renamed into place (or stdout for `-`)."""
    messages = list(am_messages(review, book))
    if target == _STDOUT:
        write_mboxrd(messages, sys.stdout.buffer)
        sys.stdout.flush()
        return
    temporary = target.with_name(f".{target.name}.reviewbot-tmp")
    try:
        with temporary.open("wb") as out:
            write_mboxrd(messages, out)
        temporary.replace(target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ReviewbotError(f"cannot write {target}: {exc.strerror}", "check the path") from None
