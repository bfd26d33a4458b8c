"""`reviewbot perf run SPEC --tree DIR --cmd CMD`: measure the series against its base.

The series is applied the way `reviewbot check --tree` applies it (a temporary worktree, no
branch); the base and the result are then checked out side by side in a scratch directory,
and the command runs alternately in each. Every sample goes to the store as it is taken,
so Ctrl-C loses nothing measured; the worktrees are removed whatever happens, and the
user's checkout, index and branches are never touched. `measure_series` does the measuring
for this command and for the TUI's `perf-run` job (`reviewbot_perf_compare.job`) alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

from reviewbot.apply import CONFLICT, ApplyResult
from reviewbot.checkcontext import CheckContext
from reviewbot.checksession import check_context
from reviewbot.cli import report_plugin_problems
from reviewbot.commands.thread import fetch_thread
from reviewbot.config import load_settings
from reviewbot.errors import ReviewbotError, SpecError, TreeError
from reviewbot.interrupts import sigterm_as_interrupt
from reviewbot.jobs import Cancelled
from reviewbot.paths import store_file
from reviewbot.pluginmanager import current_host
from reviewbot.progress import Progress, progress_for
from reviewbot.store import Store
from reviewbot.subject import Version
from reviewbot.tree import open_tree
from reviewbot.worktree import checked_out_worktrees
from reviewbot_perf_compare.measure import BASE, SERIES, VARIANTS, measure, plan
from reviewbot_perf_compare.render import run_lines
from reviewbot_perf_compare.result import MeasuredRun, judgement_json
from reviewbot_perf_compare.runlog import (
    COMPLETE,
    FAILED,
    INTERRUPTED,
    RunLog,
    StoredRun,
    stored_run,
)
from reviewbot_perf_compare.settings import RUNS, WARMUP, chosen_confidence, number

#: The checkouts' directory names: of equal length, so paths in build output differ by one word.
_LABELS = {BASE: "base", SERIES: "head"}


def run_measure(args: argparse.Namespace) -> int:
    """Apply, check out both trees, measure alternately, keep and report the samples."""
    host = current_host()
    settings = load_settings(args.overrides, plugin_settings=host.settings())
    report_plugin_problems(host)
    confidence = chosen_confidence(args, settings)
    runs = args.runs if args.runs is not None else int(number(settings, RUNS))
    warmup = args.warmup if args.warmup is not None else int(number(settings, WARMUP))
    if runs < 2:
        raise SpecError(f"-n {runs} is too few", "give at least 2 runs per tree (10 is better)")
    if warmup < 0:
        raise SpecError(f"--warmup {warmup} is negative", "give 0 or more warm-up rounds")
    if not args.cmd.strip():
        raise SpecError("--cmd is empty", 'give the command to measure, e.g. --cmd "make -j8"')
    tree = open_tree(Path(args.tree))
    version = Version.parse(args.version) if args.version else None
    fetched, known = fetch_thread(args)
    context = check_context(
        fetched.thread, known, settings, version=version, tree=tree, base=args.base
    )
    progress = progress_for("measuring", quiet=args.quiet or args.json)
    try:
        with sigterm_as_interrupt():
            stored = measure_series(context, args.cmd, runs, warmup, progress)
    finally:
        progress.close()
    return _report(stored, confidence, args.json)


def measure_series(
    context: CheckContext, command: str, runs: int, warmup: int, progress: Progress
) -> StoredRun:
    """Measure `command` in the base and in the applied series of `context`; keep the run.

    `context` must hold the tree and the series applied to it completely (TreeError
    otherwise). The base and the series' last commit are checked out side by side, the
    command runs `warmup` rounds and then `runs` rounds alternately in both, and every sample
    goes to the store as it is taken, each one reported to `progress`. An interruption
    (Ctrl-C, or the `Cancelled` a cancelled job's progress raises) ends the run as
    interrupted, and it is returned like a complete one; a command that fails ends it as
    failed, and its `CommandFailed` is raised. The worktrees are removed whatever happens.
    This is `reviewbot perf run` and the TUI's `perf-run` job alike.
    """
    tree = context.tree
    if tree is None:
        raise TreeError("the series was not applied to a tree", "give the tree with --tree")
    base, head = _applied_range(context.apply)
    review = context.review
    header = {
        "command": command,
        "runs": runs,
        "warmup": warmup,
        "base": base,
        "head": head,
        "tree": str(tree.top),
        "series": review.revision.title,
        "version": str(review.revision.version),
        "host": platform.node(),
        "cpus": os.cpu_count() or 0,
        # A forked child's peak RSS includes what it held before exec (reviewbot's own).
        "rss_floor_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    with Store.open(store_file()) as store:
        log = RunLog(store, context.thread.root, header)
        status = COMPLETE
        try:
            with checked_out_worktrees(
                tree, [base, head], [_LABELS[v] for v in VARIANTS], prefix="reviewbot-perf-"
            ) as paths:
                trees = dict(zip(VARIANTS, paths, strict=True))
                measure(plan(runs, warmup), trees, command, log.add, progress)
        except (KeyboardInterrupt, Cancelled):
            status = INTERRUPTED
        except ReviewbotError as exc:
            log.finish(FAILED, exc.message)
            raise
        log.finish(status)
        return stored_run(store, log.key)


def _applied_range(applied: ApplyResult | None) -> tuple[str, str]:
    """The base and the applied series' last commit; TreeError unless every patch applied."""
    if applied is None:
        raise TreeError("the series was not applied", "give the tree with --tree")
    failed = [o for o in applied.patches if not o.applied]
    if failed or applied.head is None:
        first = failed[0] if failed else None
        why = ""
        if first is not None:
            why = f": patch {first.number} {first.status}"
            if first.status == CONFLICT and first.conflicts:
                why += f" in {first.conflicts[0].path}"
        raise TreeError(
            f"the series does not apply to {applied.base.commit[:12]}{why}",
            "perf run needs the whole series applied; give --base REV or rebase the tree",
        )
    return applied.base.commit, applied.head


def _report(run: StoredRun, confidence: float, as_json: bool) -> int:
    """Print the run; 130 when it was interrupted (its samples are in the store)."""
    measured = MeasuredRun.of(run, confidence)
    if as_json:
        document = {
            **run.to_json(),
            "confidence": confidence,
            "figures": [judgement_json(j) for j in measured.judgements],
        }
        print(json.dumps(document, indent=2))
    else:
        print("\n".join(run_lines(measured, confidence)))
    if run.status == INTERRUPTED:
        print(
            f"reviewbot: interrupted; the {len(run.samples)} samples taken are kept in the "
            f"store as run {run.key}, and the worktrees are gone",
            file=sys.stderr,
        )
        return 130
    return 0
