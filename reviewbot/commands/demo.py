"""`reviewbot demo`: the whole job on the bundled example, with nothing leaving the machine."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from reviewbot.attribution import review_series
from reviewbot.config import load_settings
from reviewbot.demo import bundled_archive, seed_page, serve_archive
from reviewbot.fetch import fetch
from reviewbot.progress import progress_for
from reviewbot.render import summary_line, tree_lines
from reviewbot.render_review import art_counts, summary_lines
from reviewbot.series import build_series
from reviewbot.spec import parse_spec
from reviewbot.store import Store


def run(args: argparse.Namespace) -> int:
    """Serve the example archive on loopback, fetch the seed thread from it, print it."""
    settings = load_settings([*args.overrides, "lore_url="])
    archive = bundled_archive()
    page = seed_page(archive)
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
    for warning in result.warnings:
        print(f"warning: {warning}")
    return 0 if not result.warnings else 1
