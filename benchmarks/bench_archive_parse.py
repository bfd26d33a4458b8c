"""MHonArc message pages parsed (and rebuilt into mail) per second, over the fixture archive."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from reviewbot.archive.page import parse_page
from reviewbot.archive.rebuild import rebuild_bytes

ARCHIVE = Path(__file__).resolve().parent.parent / "fixtures" / "archive"
ROUNDS = 15


def main() -> None:
    """Parse every fixture page ROUNDS times; report the median rate, parse only and rebuilt."""
    pages = [
        (
            f"https://lists.xenproject.org/archives/html/{p.relative_to(ARCHIVE).as_posix()}",
            p.read_bytes(),
        )
        for p in sorted(ARCHIVE.glob("xen-devel/*/msg*.html"))
    ]
    parse_rates, full_rates = [], []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        parsed = [parse_page(body, url) for url, body in pages]
        middle = time.perf_counter()
        for page in parsed:
            rebuild_bytes(page)
        done = time.perf_counter()
        parse_rates.append(len(pages) / (middle - began))
        full_rates.append(len(pages) / (done - began))
    size = sum(len(body) for _, body in pages) / len(pages) / 1024
    print(
        f"{len(pages)} pages (mean {size:.1f} KiB), {ROUNDS} rounds: "
        f"parse {statistics.median(parse_rates):.0f} pages/s, "
        f"parse + rebuild into mail {statistics.median(full_rates):.0f} pages/s (medians)"
    )


if __name__ == "__main__":
    main()
