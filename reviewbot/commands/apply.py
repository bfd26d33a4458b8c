"""`reviewbot apply SPEC [--tree DIR] [--base REV] [--branch NAME] [--keep] [--force] [--json]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewbot.apply import ApplyRequest, apply_review
from reviewbot.checksession import review_of
from reviewbot.commands.thread import fetch_thread
from reviewbot.config import load_settings
from reviewbot.interrupts import sigterm_as_interrupt
from reviewbot.render_apply import apply_json_text, apply_lines
from reviewbot.subject import Version
from reviewbot.tree import committer_for, open_tree


def run(args: argparse.Namespace) -> int:
    """Fetch the thread, collect trailers, apply the version on a new branch of the tree."""
    tree = open_tree(Path(args.tree))
    settings = load_settings(args.overrides)
    version = Version.parse(args.version) if args.version else None
    committer = committer_for(tree, settings.apply_committer)
    result, known = fetch_thread(args)
    review, book = review_of(result.thread, known, version, tree)
    request = ApplyRequest(
        base=args.base,
        branch=args.branch,
        keep=args.keep,
        force=args.force,
        window_days=settings.apply_base_window_days,
    )
    try:
        with sigterm_as_interrupt():
            applied = apply_review(review, book, tree, request, committer)
    except KeyboardInterrupt:
        print(
            "reviewbot: interrupted; the temporary worktree and the lock were removed "
            "and no branch was made: your tree is as it was",
            file=sys.stderr,
        )
        return 130
    if args.json:
        print(apply_json_text(applied))
    else:
        print("\n".join(apply_lines(applied)))
    for warning in result.warnings:
        print(f"reviewbot: warning: {warning}", file=sys.stderr)
    return 0 if applied.complete and not result.warnings else 1
