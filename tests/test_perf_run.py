"""`reviewbot perf run`: real commands timed in turn in two real worktrees, kept in the store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from reviewbot_perf_compare.measure import (
    BASE,
    SERIES,
    CommandFailed,
    RunSample,
    Step,
    measure,
    plan,
    time_command,
)
from reviewbot_perf_compare.runlog import COMPLETE, INTERRUPTED, RunLog, stored_runs

from reviewbot.cli import main
from reviewbot.paths import store_file
from reviewbot.progress import SilentProgress
from reviewbot.store import Store
from tests.support.gitrepo import git, snapshot, use_git_identity

#: A shell loop: the patch makes it ten times longer, which every run shows.
_LOOP = 'i=0; while [ "$i" -lt {count} ]; do i=$((i+1)); done\n'


@pytest.fixture
def slower_series(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, str]:
    """A repository at its base, and a one-patch series (an mbox) that makes work.sh slower."""
    use_git_identity(tmp_path / "gitconfig", monkeypatch)
    repo = tmp_path / "xen"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "staging")
    (repo / "work.sh").write_text(_LOOP.format(count=3000))
    (repo / "README").write_text("a tree to measure\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "work.sh").write_text(_LOOP.format(count=30000))
    message = (
        "tools/work: count ten times as far\n\nSigned-off-by: Rita Reviewer <rita@example.org>"
    )
    git(repo, "commit", "-q", "-am", message)
    mbox = tmp_path / "series.mbox"
    mbox.write_text(git(repo, "format-patch", "-1", "--stdout", "--thread=shallow"))
    git(repo, "reset", "-q", "--hard", base)
    return repo, mbox, base


def _scratch_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("reviewbot-perf-*")}


def test_plan_alternates_after_warm_up() -> None:
    steps = plan(runs=2, warmup=1)
    assert steps == [
        Step(BASE, 1, True),
        Step(SERIES, 1, True),
        Step(BASE, 1, False),
        Step(SERIES, 1, False),
        Step(BASE, 2, False),
        Step(SERIES, 2, False),
    ]


def test_time_command_reads_cpu_time_and_peak_rss(tmp_path: Path) -> None:
    python = sys.executable
    burn = f'{python} -c "x = bytearray(60_000_000); sum(range(3_000_000))"'
    sample = time_command(burn, tmp_path, Step(BASE, 1, False))
    assert sample.variant == BASE
    assert sample.max_rss_kib >= 58_000  # the 60 MB buffer, in KiB
    assert sample.user > 0.02
    assert sample.wall >= sample.user * 0.5
    idle = time_command("sleep 0.2", tmp_path, Step(SERIES, 2, True))
    assert idle.wall >= 0.2
    assert idle.user + idle.system < 0.1
    assert (idle.variant, idle.index, idle.warmup) == (SERIES, 2, True)


def test_time_command_tells_which_tree_failed(tmp_path: Path) -> None:
    with pytest.raises(CommandFailed) as failure:
        time_command("echo 'make: *** no rule' >&2; exit 3", tmp_path, Step(SERIES, 1, False))
    assert failure.value.one_line() == (
        "the command exited with status 3 in the series tree: make: *** no rule; fix the "
        "command (it runs with /bin/sh -c at the top of each tree)"
    )


def test_measure_reports_every_sample_as_taken(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    seen: list[RunSample] = []
    trees = {BASE: tmp_path / "a", SERIES: tmp_path / "b"}
    command = 'echo "$REVIEWBOT_PERF_VARIANT" >> ../order'
    taken = measure(plan(2, 1), trees, command, seen.append, SilentProgress())
    assert taken == seen
    assert [(s.variant, s.index, s.warmup) for s in seen] == [
        (BASE, 1, True),
        (SERIES, 1, True),
        (BASE, 1, False),
        (SERIES, 1, False),
        (BASE, 2, False),
        (SERIES, 2, False),
    ]
    assert (tmp_path / "order").read_text().split() == ["base", "series"] * 3


def test_store_records_grow_entry_by_entry_and_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with Store.open(path) as store:
        log = RunLog(store, "root@example.org", {"command": "make"})
        log.add(RunSample(BASE, 1, 1.5, 1.0, 0.25, 2048))
        log.add(RunSample(SERIES, 1, 1.25, 0.75, 0.25, 1024))
        other = RunLog(store, "other@example.org", {"command": "true"})
    with Store.open(path, create=False) as store:
        runs = stored_runs(store, about="root@example.org")
        assert [r.key for r in runs] == [log.key]
        run = runs[0]
        assert run.header == {"command": "make"}
        assert run.status == "unfinished"
        assert run.samples == (
            RunSample(BASE, 1, 1.5, 1.0, 0.25, 2048),
            RunSample(SERIES, 1, 1.25, 0.75, 0.25, 1024),
        )
        assert [r.key for r in stored_runs(store)] == [log.key, other.key]
        assert [e.seq for e in store.record("perf-compare", "runs", log.key)] == [0, 1, 2]
        assert store.delete_record("perf-compare", "runs", other.key) == 1
        assert store.record_keys("perf-compare", "runs") == [log.key]


def test_perf_run_measures_the_slower_series_in_two_worktrees(
    slower_series: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, mbox, base = slower_series
    before = snapshot(repo)
    scratch = _scratch_dirs()
    argv = ["perf", "run", str(mbox), "--tree", str(repo), "--base", base]
    argv += ["--cmd", "sh work.sh", "-n", "6", "--warmup", "1", "--json", "-q"]
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["status"] == COMPLETE
    assert document["header"]["base"] == base
    assert document["header"]["head"] != base
    assert [(s["variant"], s["warmup"]) for s in document["samples"]] == (
        [(BASE, True), (SERIES, True)] + [(BASE, False), (SERIES, False)] * 6
    )
    wall = document["figures"][0]
    assert wall["metric"] == "wall"
    assert [v["name"] for v in wall["variants"]] == [BASE, SERIES]
    assert [len(v["samples"]) for v in wall["variants"]] == [6, 6]
    change = wall["changes"][0]
    assert change["verdict"] == "significant"
    assert change["direction"] == "worse"
    assert change["percent"] > 100  # ten times the loop: far more than twice as slow
    assert [f["metric"] for f in document["figures"]] == ["wall", "user", "system", "max RSS"]
    # The user's checkout is as it was, and both worktrees are gone.
    assert snapshot(repo) == before
    assert _scratch_dirs() == scratch
    assert git(repo, "worktree", "list").count("\n") == 1


def test_perf_run_is_kept_and_shown_by_perf_show(
    slower_series: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, mbox, base = slower_series
    argv = ["perf", "run", str(mbox), "--tree", str(repo), "--base", base]
    assert main([*argv, "--cmd", "sh work.sh", "-n", "3", "--warmup", "0", "-q"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("measured run ")
    assert printed[0].endswith(" (complete): `sh work.sh`")
    assert printed[1].startswith(f"  base {base[:12]}, series ")
    assert printed[1].endswith(", 3+3 runs, 0 warm-up round(s), on " + os.uname().nodename)
    assert printed[2].split() == ["metric", "unit", "base", "series", "change", "verdict"]
    assert printed[3].split()[:2] == ["wall", "s"]
    assert printed[3].endswith("worse, significant at 95%")
    # A shell loop's peak RSS is far below the interpreter's, which the forked child carries.
    assert printed[7].startswith("  - max RSS is at reviewbot's own footprint (")
    assert main(["perf", str(mbox), "-q"]) == 0
    shown = capsys.readouterr().out
    assert "tools/work: count ten times as far" in shown.splitlines()[0]
    assert " (complete): `sh work.sh`" in shown
    with Store.open(store_file(), create=False) as store:
        (run,) = stored_runs(store)
    assert run.status == COMPLETE
    assert len(run.recorded) == 6


def test_a_failing_command_is_one_line_and_recorded(
    slower_series: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, mbox, base = slower_series
    before = snapshot(repo)
    argv = ["perf", "run", str(mbox), "--tree", str(repo), "--base", base, "-q"]
    assert main([*argv, "--cmd", "test -e nothing-here"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "reviewbot: error: the command exited with status 1 in the base tree; fix the command "
        "(it runs with /bin/sh -c at the top of each tree)\n"
    )
    with Store.open(store_file(), create=False) as store:
        (run,) = stored_runs(store)
    assert run.status == "failed"
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-n", "1"], "reviewbot: error: -n 1 is too few; give at least 2 runs per tree"),
        (["--warmup", "-1"], "reviewbot: error: --warmup -1 is negative; give 0 or more"),
        (["--confidence", "97"], "reviewbot: error: --confidence 97 must be one of 80, 90,"),
        (["-c", "perf-compare.runs=0"], "reviewbot: error: -c: perf-compare.runs must be a whole"),
    ],
)
def test_bad_options_are_refused_before_anything_runs(
    slower_series: tuple[Path, Path, str],
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    repo, mbox, _ = slower_series
    argv = ["perf", "run", str(mbox), "--tree", str(repo), "--cmd", "true", "-q", *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert not store_file().exists()


def test_a_series_that_does_not_apply_is_refused(
    slower_series: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, mbox, _ = slower_series
    (repo / "work.sh").write_text("echo something else entirely\n")
    git(repo, "commit", "-q", "-am", "rewrite work.sh")
    head = git(repo, "rev-parse", "HEAD").strip()
    argv = ["perf", "run", str(mbox), "--tree", str(repo), "--base", head]
    assert main([*argv, "--cmd", "true", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"reviewbot: error: the series does not apply to {head[:12]}: patch 1 ")
    assert err.endswith(
        "; perf run needs the whole series applied; give --base REV or rebase the tree\n"
    )
    assert git(repo, "worktree", "list").count("\n") == 1


def test_ctrl_c_keeps_the_samples_taken_and_removes_the_worktrees(
    slower_series: tuple[Path, Path, str], tmp_path: Path
) -> None:
    repo, mbox, base = slower_series
    before = snapshot(repo)
    scratch = _scratch_dirs()
    argv = [sys.executable, "-m", "reviewbot", "perf", "run", str(mbox), "--tree", str(repo)]
    argv += ["--base", base, "--cmd", "sleep 0.1", "-n", "200", "--warmup", "0", "-q"]
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    taken = 0
    while taken < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
        if store_file().exists():
            with Store.open(store_file(), create=False) as store:
                runs = stored_runs(store)
                taken = len(runs[0].samples) if runs else 0
    assert taken >= 4, "no samples were taken within a minute"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130
    with Store.open(store_file(), create=False) as store:
        (run,) = stored_runs(store)
    assert run.status == INTERRUPTED
    assert len(run.samples) >= 4
    assert err.endswith(
        f"reviewbot: interrupted; the {len(run.samples)} samples taken are kept in the store "
        f"as run {run.key}, and the worktrees are gone\n"
    )
    assert out.startswith(f"measured run {run.key} (interrupted): `sleep 0.1`\n")
    assert snapshot(repo) == before
    assert _scratch_dirs() == scratch
    assert git(repo, "worktree", "list").count("\n") == 1
