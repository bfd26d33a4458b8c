"""The perf-compare plugin's TUI job `perf-run`: the seed measured on the sample tree."""

from __future__ import annotations

import math
import statistics
import tempfile
from pathlib import Path

import pytest
import reviewbot_perf_compare as perf_plugin
from reviewbot_perf_compare.job import DEFAULT_COMMAND
from reviewbot_perf_compare.measure import BASE, SERIES, CommandFailed
from reviewbot_perf_compare.result import MeasuredRun, PerfResult
from reviewbot_perf_compare.runlog import COMPLETE, FAILED, INTERRUPTED, StoredRun, stored_runs
from reviewbot_perf_compare.stats import significant_digits

from reviewbot.checkcontext import CheckContext
from reviewbot.errors import ReviewbotError, TreeError
from reviewbot.extensions import JobSpec
from reviewbot.jobs import Cancelled, JobProgress
from reviewbot.paths import store_file
from reviewbot.runchecks import run_checks
from reviewbot.sampletree import create_sample_tree
from reviewbot.store import Store
from tests.support.checking import SEED_ID, context_for, host_with, thread_from
from tests.support.gitrepo import git, snapshot, use_git_identity

NAME = "perf-compare"
HINT = "fix the command (it runs with /bin/sh -c at the top of each tree)"


@pytest.fixture
def sample_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled sample tree, on which the seed applies completely."""
    use_git_identity(tmp_path / "gitconfig", monkeypatch)
    return create_sample_tree(tmp_path / "xen")


def _job() -> JobSpec:
    registered: list[JobSpec] = []
    perf_plugin.register_jobs(registered.append)
    (job,) = registered
    return job


def _context(tree: Path | None, *overrides: str) -> CheckContext:
    host = host_with((perf_plugin, NAME))
    return context_for(
        thread_from("seed-gdt.mbox", SEED_ID), tree=tree, host=host, overrides=overrides
    )


def _runs() -> list[StoredRun]:
    with Store.open(store_file(), create=False) as store:
        return stored_runs(store, about=SEED_ID)


def _scratch_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("reviewbot-perf-*")}


def _expected_summary(run: StoredRun) -> str:
    """The job's line, rebuilt from the stored samples: 4 significant digits for the means."""
    walls = {v: [s.wall for s in run.recorded if s.variant == v] for v in (BASE, SERIES)}
    means = {v: statistics.fmean(w) for v, w in walls.items()}
    places = max(0, 3 - math.floor(math.log10(max(means.values()))))
    shown = [
        f"{v} {means[v]:.{places}f} ± {significant_digits(statistics.stdev(w))} s"
        for v, w in walls.items()
    ]
    difference = means[SERIES] - means[BASE]
    (change,) = MeasuredRun.of(run, 95.0).judgements[0].changes
    comparison = change.comparison
    assert comparison is not None and comparison.percent_error is not None
    if comparison.significant:
        verdict = f"{'better' if difference < 0 else 'worse'}, significant at 95%"
    else:
        verdict = "no difference proven at 95%"
    return (
        f"wall: {shown[0]}, {shown[1]} (n=3): {difference:+.{places}f} ± "
        f"{significant_digits(comparison.error)} s ({difference * 100 / means[BASE]:+.1f}% ± "
        f"{significant_digits(comparison.percent_error, 2)}%), {verdict}"
    )


def test_hook_register_jobs_offers_perf_run(sample_tree: Path) -> None:
    job = _job()
    assert (job.id, job.title, job.prompt, job.default, job.rechecks) == (
        "perf-run",
        "Benchmark base against the series",
        "command to time in both trees (runs ×N each, N = perf-compare.runs)",
        DEFAULT_COMMAND,
        True,
    )
    assert job.applies is not None
    assert job.applies(_context(sample_tree)) is True
    assert job.applies(_context(None)) is False  # no tree: nothing applied
    # A tree where the seed's patch conflicts: applied, but not completely.
    touched = context_for(thread_from("seed-gdt.mbox", SEED_ID)).review.patches[0]
    path = touched.patch.body.files[0].path
    (sample_tree / path).write_text("rewritten\n")
    git(sample_tree, "commit", "-q", "-am", f"{path}: rewrite")
    host = host_with((perf_plugin, NAME))
    thread = thread_from("seed-gdt.mbox", SEED_ID)
    conflicting = context_for(thread, tree=sample_tree, host=host, base="HEAD")
    assert conflicting.apply is not None and not conflicting.apply.complete
    assert job.applies(conflicting) is False
    with pytest.raises(TreeError) as refused:
        job.run(conflicting, "true", JobProgress())
    assert refused.value.one_line().startswith(
        f"the series does not apply to {conflicting.apply.base.commit[:12]}: patch 1 "
    )
    assert not store_file().exists()


def test_perf_run_job_measures_the_seed_and_keeps_the_run(sample_tree: Path) -> None:
    job = _job()
    context = _context(sample_tree, "perf-compare.runs=3")
    before = snapshot(sample_tree)
    scratch = _scratch_dirs()
    seen: list[tuple[int, int]] = []
    summary = job.run(
        context, "  true ", JobProgress(lambda done, total: seen.append((done, total)))
    )
    # One warm-up round (the setting's default) and three runs, each in both trees.
    assert seen == [(0, 8), *((done, 8) for done in range(1, 9))]
    (run,) = _runs()
    assert run.status == COMPLETE
    assert {k: run.header[k] for k in ("command", "runs", "warmup", "base", "head")} == {
        "command": "true",
        "runs": 3,
        "warmup": 1,
        "base": context.base,
        "head": context.head,
    }
    assert [(s.variant, s.index, s.warmup) for s in run.samples] == [
        (BASE, 1, True),
        (SERIES, 1, True),
        *((v, i, False) for i in (1, 2, 3) for v in (BASE, SERIES)),
    ]
    assert [sum(s.variant == v for s in run.recorded) for v in (BASE, SERIES)] == [3, 3]
    assert summary == _expected_summary(run)
    # The checkout is as it was and both worktrees are gone.
    assert snapshot(sample_tree) == before
    assert git(sample_tree, "worktree", "list").count("\n") == 1
    assert _scratch_dirs() == scratch
    # Checking again (what the TUI does after the job) shows the run in the plugin's result.
    host = host_with((perf_plugin, NAME))
    checked = _context(sample_tree)
    result = run_checks(host, checked, [NAME]).results[NAME]
    assert isinstance(result, PerfResult)
    assert [m.run.key for m in result.runs] == [run.key]


def test_cancelling_the_job_keeps_the_samples_taken(sample_tree: Path) -> None:
    job = _job()
    context = _context(sample_tree, "perf-compare.runs=5", "perf-compare.warmup=0")
    scratch = _scratch_dirs()
    progress: JobProgress

    def watch(done: int, total: int) -> None:
        if done == 3:  # the user cancels after the third sample
            progress.cancel()

    progress = JobProgress(watch)
    with pytest.raises(Cancelled) as cancelled:
        job.run(context, "true", progress)
    (run,) = _runs()
    assert run.status == INTERRUPTED
    assert [(s.variant, s.index) for s in run.samples] == [(BASE, 1), (SERIES, 1), (BASE, 2)]
    assert (progress.done, progress.total) == (3, 10)
    assert str(cancelled.value) == f"the 3 samples taken are kept in the store as run {run.key}"
    assert git(sample_tree, "worktree", "list").count("\n") == 1
    assert _scratch_dirs() == scratch


def test_a_failing_command_is_an_error_with_a_hint_and_a_failed_run(sample_tree: Path) -> None:
    job = _job()
    context = _context(sample_tree, "perf-compare.runs=2")
    with pytest.raises(CommandFailed) as failed:
        job.run(context, "echo 'no rule to make target' >&2; exit 3", JobProgress())
    assert failed.value.one_line() == (
        f"the command exited with status 3 in the base tree: no rule to make target; {HINT}"
    )
    (run,) = _runs()
    assert (run.status, run.samples) == (FAILED, ())
    assert git(sample_tree, "worktree", "list").count("\n") == 1


def test_an_empty_command_or_no_tree_is_refused_before_anything_runs(sample_tree: Path) -> None:
    job = _job()
    with pytest.raises(ReviewbotError) as empty:
        job.run(_context(sample_tree), "   ", JobProgress())
    assert empty.value.one_line() == (
        'no command to time; type the command to run in both trees, e.g. "make -C xen"'
    )
    with pytest.raises(TreeError) as untreed:
        job.run(_context(None), "true", JobProgress())
    assert untreed.value.one_line() == (
        "the series was not applied to a tree; give the tree with --tree"
    )
    assert not store_file().exists()
