"""`reviewbot demo`: the whole job on the bundled example, with nothing leaving the machine."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reviewbot.addressbook import AddressBook
from reviewbot.apply import ApplyRequest, ApplyResult, apply_review
from reviewbot.attribution import Review, review_series, thread_address_book
from reviewbot.checkcontext import CheckContext
from reviewbot.config import Settings, load_settings
from reviewbot.demo import bundled_archive, seed_page, serve_archive
from reviewbot.errors import ConfigError
from reviewbot.fetch import fetch
from reviewbot.findings import Finding
from reviewbot.identity import Person
from reviewbot.pluginmanager import PluginHost, current_host
from reviewbot.progress import progress_for
from reviewbot.render import summary_line, tree_lines
from reviewbot.render_apply import apply_lines
from reviewbot.render_check import check_lines
from reviewbot.render_review import art_counts, summary_lines
from reviewbot.replydraft import ReplyRequest, draft_reply
from reviewbot.replymail import parse_mail, render_mail
from reviewbot.reviewer import reviewer_identity
from reviewbot.runchecks import run_checks, select_plugins
from reviewbot.sampletree import create_sample_tree
from reviewbot.series import build_series
from reviewbot.spec import parse_spec
from reviewbot.store import Store
from reviewbot.tree import committer_for, open_tree


def run(args: argparse.Namespace) -> int:
    """Serve the example archive on loopback and fetch the seed thread from it; on a
    terminal open the TUI on it, else (or with --report) print the whole review."""
    host = current_host()
    settings = load_settings([*args.overrides, "lore_url="], plugin_settings=host.settings())
    archive = bundled_archive()
    page = seed_page(archive)
    if not args.report and sys.stdout.isatty() and sys.stdin.isatty():
        return _run_tui(args, host, archive, page)
    with (
        tempfile.TemporaryDirectory(prefix="reviewbot-demo-") as scratch,
        serve_archive(archive) as base,
    ):
        url = base + page
        print(f"serving the example archive at {base}")
        print(f"reviewbot fetch {url}\n")
        progress = progress_for("fetching", quiet=args.quiet)
        try:
            with Store.open(Path(scratch) / "store.sqlite3") as store:
                result = fetch(parse_spec(url), settings, store, progress)
        finally:
            progress.close()
        series = build_series(result.thread)
        review = review_series(series)
        counts = {p.patch.message_id: art_counts(p) for p in review.patches}
        print("\n".join(tree_lines(result.thread, counts)))
        print(summary_line(result.thread))
        print("\nreviewbot am: who reviewed, acked and tested what (+ = collected from replies)")
        print("\n".join(summary_lines(review)))
        applied = _apply_to_sample(review, Path(scratch) / "xen", settings, host)
    for warning in result.warnings:
        print(f"warning: {warning}")
    return 0 if not result.warnings and applied.complete else 1


def _run_tui(args: argparse.Namespace, host: PluginHost, archive: Path, page: str) -> int:
    """The TUI on the seed, fetched from the served archive, with a scratch store and the
    sample tree; the archive's month list is one `1` away."""
    from reviewbot.commands.tui import open_tui

    with (
        tempfile.TemporaryDirectory(prefix="reviewbot-demo-") as scratch,
        serve_archive(archive) as base,
    ):
        list_url = base + page.split("/", 1)[0]
        overrides = [*args.overrides, "lore_url=", f"archive_url={list_url}"]
        settings = load_settings(overrides, plugin_settings=host.settings())
        try:
            reviewer_identity(settings)
        except ConfigError:  # the example's replies are signed by a stand-in
            overrides += ["user.name=A Reviewer", "user.email=reviewer@example.org"]
            settings = load_settings(overrides, plugin_settings=host.settings())
        tree = open_tree(create_sample_tree(Path(scratch) / "xen"))
        return open_tui(
            host, settings, tree, base + page, store_path=Path(scratch) / "store.sqlite3"
        )


def _apply_to_sample(
    review: Review, where: Path, settings: Settings, host: PluginHost
) -> ApplyResult:
    """Apply the seed to the bundled sample Xen tree, show the commit, run the checks on it."""
    print(f"\nreviewbot apply {review.revision.title!r} --tree {where}  (the bundled sample tree)")
    tree = open_tree(create_sample_tree(where))
    committer = committer_for(tree, settings.apply_committer)
    book = thread_address_book(review.series, AddressBook.from_tree(tree.top))
    result = apply_review(review, book, tree, ApplyRequest(), committer)
    print("\n".join(apply_lines(result)))
    if result.branch is not None:
        shown = tree.git.out(
            "log",
            "-1",
            "--stat",
            "--format=%h %s%nAuthor: %an <%ae>%nCommit: %cn <%ce>%n%n%(trailers:only)",
            result.branch,
        )
        print(f"\n$ git log -1 --stat {result.branch}   (trailers only)")
        print(shown)
        print("(the sample tree is a temporary copy, removed when the demo ends)")
    context = CheckContext(review=review, book=book, settings=settings, tree=tree, apply=result)
    report = run_checks(host, context, select_plugins(host, []))
    print(f"\nreviewbot check {review.revision.title!r} --tree {where}")
    print("\n".join(check_lines(report, context)))
    _show_reply(host, context, report.findings, where)
    return result


def _show_reply(
    host: PluginHost, context: CheckContext, findings: Sequence[Finding], where: Path
) -> None:
    """Draft the review reply a reviewer would edit and send, and print it as mail."""
    me = _demo_identity(context.settings)
    draft = draft_reply(host, context, ReplyRequest(kind="review"), me, findings=findings)
    mail = parse_mail(render_mail(draft))
    print(f"\nreviewbot reply {context.revision.title!r} --kind review --tree {where} -o -")
    for header in ("From", "To", "Cc", "Subject", "In-Reply-To", "References"):
        print(f"{header}: {mail[header]}")
    print()
    print(draft.body.rstrip("\n"))
    for warning in draft.warnings:
        print(f"warning: {warning}")
    print("(a draft only: reviewbot never sends mail; `reviewbot reply SPEC` writes it as .eml)")


def _demo_identity(settings: Settings) -> Person:
    """The user's identity when one is configured, else a stand-in for the example."""
    try:
        return reviewer_identity(settings)
    except ConfigError:
        print("\n(no user.name/user.email configured: the draft is signed by a stand-in)")
        return Person("A Reviewer", "reviewer@example.org")
