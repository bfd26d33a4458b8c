"""How long `choose_base` takes on a generated 10,000-commit history (gen_history.py).

Three series: pre-images matching within the first 30-day window ("recent"), pre-images whose
newest matching commit lies ~70% back in six years of history so the search widens ("deep"),
and pre-images that no commit holds together, so every window is searched ("none", the worst
case). Each is timed `--runs` times after one warm-up run; the median, min and max are printed
in seconds, with the number of git processes one call ran (counted with GIT_TRACE) and whether
the chosen commit is the one the generator computed by brute force.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from gen_history import DEFAULT_DIR, Scenario, ensure_history

from reviewbot.basedetect import BaseChoice, PreImage, choose_base

RUNS = 7


def run_once(repo: Path, scenario: Scenario) -> BaseChoice:
    """One base detection for the scenario, as `reviewbot apply` would run it."""
    return choose_base(
        repo,
        explicit=None,
        base_commit=None,
        pre=[PreImage(path, blob) for path, blob in scenario.pre],
        sent_at=datetime.fromtimestamp(scenario.sent_at, UTC),
    )


def git_processes(repo: Path, scenario: Scenario) -> int:
    """How many git commands one call runs."""
    with tempfile.NamedTemporaryFile("r", suffix=".trace") as trace:
        os.environ["GIT_TRACE"] = trace.name
        try:
            run_once(repo, scenario)
        finally:
            del os.environ["GIT_TRACE"]
        return sum(1 for line in trace if "trace: built-in: git " in line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    built = ensure_history(args.directory, args.commits, args.seed)
    print(f"history: {built.repo} ({built.commits} commits, {time.perf_counter() - started:.1f} s)")
    print(f"{'series':8} {'median':>8} {'min':>8} {'max':>8} {'git':>4}  rule, detail")
    failures = 0
    for scenario in built.scenarios:
        choice = run_once(built.repo, scenario)  # warm-up
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            run_once(built.repo, scenario)
            times.append(time.perf_counter() - start)
        right = choice.commit == scenario.expected or (
            scenario.expected is None and choice.rule == "branch-head"
        )
        failures += not right
        print(
            f"{scenario.name:8} {statistics.median(times):8.3f} {min(times):8.3f} "
            f"{max(times):8.3f} {git_processes(built.repo, scenario):4}  "
            f"{choice.rule}{'' if right else ' (WRONG COMMIT)'}: {choice.detail}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
