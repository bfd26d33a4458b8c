"""`reviewbot fetch --offline` of the seed thread as a whole process (aim: under 0.4 s)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reviewbot.config import load_settings
from reviewbot.demo import SEED_MESSAGE_ID, bundled_archive, seed_page, serve_archive
from reviewbot.fetch import fetch
from reviewbot.progress import SilentProgress
from reviewbot.spec import parse_spec
from reviewbot.store import Store

RUNS = 21


def main() -> None:
    """Fill a scratch store with the seed thread, then time offline fetches of it."""
    with tempfile.TemporaryDirectory() as home:
        environ = {**os.environ, "REVIEWBOT_HOME": home, "REVIEWBOT_LORE_URL": ""}
        archive = bundled_archive()
        with serve_archive(archive) as base, Store.open(Path(home, "data/store.sqlite3")) as store:
            settings = load_settings(["lore_url="])
            fetch(parse_spec(base + seed_page(archive)), settings, store, SilentProgress())
        command = [sys.executable, "-m", "reviewbot", "fetch", "--offline", SEED_MESSAGE_ID]
        subprocess.run(command, env=environ, check=True, capture_output=True)  # warm the cache
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run(command, env=environ, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(
        f"reviewbot fetch --offline (seed thread), {RUNS} runs: median {median * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms; target 400 ms (ratio {median / 0.4:.2f})"
    )


if __name__ == "__main__":
    main()
