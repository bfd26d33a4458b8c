"""From a thread to a `CheckContext`: trailers collected and, with a tree, the series applied.

The series is applied the way `reviewbot apply` does it, in a temporary worktree, but no
branch is made: the commits stay in the object store for the run, and plugins read files of
the base and of every patch's commit through `CheckContext.file_at`.
"""

from __future__ import annotations

from reviewbot.addressbook import AddressBook
from reviewbot.apply import ApplyRequest, apply_review
from reviewbot.attribution import Review, review_series, thread_address_book
from reviewbot.checkcontext import CheckContext
from reviewbot.config import Settings
from reviewbot.progress import Progress
from reviewbot.series import build_series
from reviewbot.subject import Version
from reviewbot.threads import Thread
from reviewbot.tree import Tree, committer_for


def review_of(
    thread: Thread, known: AddressBook, version: Version | None, tree: Tree | None
) -> tuple[Review, AddressBook]:
    """The chosen version with its trailers, and the address book that recovered them.

    The tree's MAINTAINERS, .mailmap and history are read only when the thread is masked.
    """
    series = build_series(thread)
    masked = any(m.masked for m in thread.messages.values())
    if tree is not None and masked:
        known = known.merge(AddressBook.from_tree(tree.top))
    book = thread_address_book(series, known)
    return review_series(series, version, book), book


def check_context(
    thread: Thread,
    known: AddressBook,
    settings: Settings,
    *,
    version: Version | None = None,
    tree: Tree | None = None,
    base: str | None = None,
    progress: Progress | None = None,
) -> CheckContext:
    """The context every check hook of one run gets (the series applied when `tree` is given)."""
    review, book = review_of(thread, known, version, tree)
    applied = None
    if tree is not None:
        request = ApplyRequest(
            base=base, window_days=settings.apply_base_window_days, make_branch=False
        )
        committer = committer_for(tree, settings.apply_committer)
        applied = apply_review(review, book, tree, request, committer, progress)
    return CheckContext(review=review, book=book, settings=settings, tree=tree, apply=applied)
