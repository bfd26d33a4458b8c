"""Messages per second through reviewbot's core on 5,000 mails of made-up xen-devel traffic.

Stages, each timed over the whole mailbox (median of --runs runs):
1. reading + threading: `read_local` (split the mbox, parse every mail) and `group_threads`;
2. series + trailers: `build_series` for every thread and `review_series` (newest version) for
   every thread that has patches.
Then one cProfile run of stage 2 names its hottest functions. The mailbox comes from
`gen_mbox.py` (same seed, same bytes) and is reused when it already exists.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

from reviewbot.attribution import review_series
from reviewbot.local import read_local
from reviewbot.series import build_series
from reviewbot.threads import Thread, group_threads

GENERATOR = Path(__file__).resolve().parent / "gen_mbox.py"
DEFAULT_MBOX = Path("/tmp/reviewbot-bench/xen-devel-5000.mbox")
RUNS = 5


def series_and_trailers(threads: list[Thread]) -> tuple[int, int]:
    """Stage 2; returns (threads with patches, trailers on their newest version)."""
    with_patches = trailers = 0
    for thread in threads:
        series = build_series(thread)
        if series.revisions:
            review = review_series(series)
            with_patches += 1
            trailers += sum(len(p.trailers) for p in review.patches)
    return with_patches, trailers


Row = tuple[str, float, float, int]  # function, own seconds, cumulative seconds, calls


def profile_rows(threads: list[Thread]) -> list[Row]:
    """Every function cProfile saw during stage 2."""
    profiler = cProfile.Profile()
    profiler.runcall(series_and_trailers, threads)
    raw = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = []
    for (path, line, name), (_, calls, own, cumulative, _) in raw.items():
        where = path.split("/reviewbot/")[-1] if "/reviewbot/" in path else Path(path).name
        where = f"reviewbot/{where}" if "/reviewbot/" in path else where
        rows.append((f"{where}:{line}({name})" if line else name, own, cumulative, calls))
    return rows


def show(rows: list[Row]) -> None:
    for label, own, cumulative, calls in rows:
        print(f"  {own:6.2f} s own {cumulative:6.2f} s cumulative {calls:>8} calls  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mbox", type=Path, default=DEFAULT_MBOX)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--regenerate", action="store_true", help="write the mailbox anew")
    options = parser.parse_args()
    if options.regenerate or not options.mbox.is_file():
        subprocess.run([sys.executable, str(GENERATOR), str(options.mbox)], check=True)

    read_times, series_times, totals = [], [], []
    for _ in range(options.runs):
        began = time.perf_counter()
        messages = read_local(options.mbox)
        threads = group_threads(messages)
        middle = time.perf_counter()
        with_patches, trailers = series_and_trailers(threads)
        done = time.perf_counter()
        read_times.append(middle - began)
        series_times.append(done - middle)
        totals.append(done - began)

    count = len(messages)
    size = options.mbox.stat().st_size / 2**20
    print(
        f"{options.mbox} ({size:.1f} MiB): {count} messages, {len(threads)} threads, "
        f"{with_patches} with patches, {trailers} trailers on their newest versions"
    )
    print(f"median of {options.runs} runs:")
    for stage, times in (
        ("reading + threading", read_times),
        ("series + trailers", series_times),
        ("total", totals),
    ):
        median = statistics.median(times)
        print(f"  {stage:<20} {median:7.2f} s  {count / median:8.0f} messages/s")
    rows = profile_rows(threads)
    print("series + trailers under cProfile: the 3 hottest functions by own time")
    show(sorted(rows, key=lambda row: -row[1])[:3])
    print("  ... and reviewbot's functions with the most cumulative time")
    ours = [row for row in rows if row[0].startswith("reviewbot/")]
    show(sorted(ours, key=lambda row: -row[2])[:6])
    parses = sum(
        row[3] for row in rows if row[0].startswith("parser.py") and "parsebytes" in row[0]
    )
    print(f"  mails parsed by the email package in stage 2: {parses} ({parses / count:.1f} a mail)")


if __name__ == "__main__":
    main()
