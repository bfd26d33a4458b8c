"""`reviewbot apply` when things go wrong: conflicts, --keep, Ctrl-C, two runs at once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewbot.cli import main
from reviewbot.sampletree import create_sample_tree
from reviewbot.treelock import lock_path
from tests.support.corpus import FIXTURES
from tests.support.gitrepo import git, snapshot, use_git_identity

SEED_MBOX = FIXTURES / "mail" / "seed-gdt.mbox"
SERIES_BRANCH = "review/conflict"


@pytest.fixture(autouse=True)
def git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A global git config of the test's own, with a reviewer identity."""
    return use_git_identity(tmp_path / "gitconfig", monkeypatch)


def replace_line(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def nth_line(path: Path, number: int) -> str:
    return path.read_text().splitlines()[number - 1]


@pytest.fixture
def series(tmp_path: Path) -> tuple[Path, Path]:
    """A user's tree whose `upstream` branch conflicts with patch 2 of a 3-patch series."""
    author = create_sample_tree(tmp_path / "author")
    smpboot, domain, desc = (
        author / "xen/arch/x86/smpboot.c",
        author / "xen/arch/x86/domain.c",
        author / "xen/include/asm-x86/desc.h",
    )
    target = nth_line(domain, 101)
    git(author, "checkout", "-q", "-b", "upstream")
    replace_line(domain, target + "\n", "/* upstream rewrote this line */\n")
    git(author, "commit", "-q", "-am", "x86/domain: upstream change")
    git(author, "checkout", "-q", "master")
    for number, (path, line, subject) in enumerate(
        [
            (smpboot, 20, "x86/smpboot: first change"),
            (domain, 101, "x86/domain: second change"),
            (desc, 30, "x86/desc: third change"),
        ],
        start=1,
    ):
        replace_line(path, nth_line(path, line) + "\n", f"/* series change {number} */\n")
        git(author, "commit", "-q", "-am", subject)
    mbox = tmp_path / "series.mbox"
    mbox.write_bytes(
        subprocess.run(
            ["git", "-C", str(author), "format-patch", "--thread", "--stdout", "-3"],
            capture_output=True,
            check=True,
        ).stdout
    )
    user = create_sample_tree(tmp_path / "xen")
    git(user, "fetch", "-q", str(author), "upstream:upstream")
    (user / "README").write_text("work in progress\n")
    return user, mbox


def test_conflict_leaves_nothing_behind(
    series: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    user, mbox = series
    before = snapshot(user)
    code = main(
        ["apply", str(mbox), "--tree", str(user), "--base", "upstream", "--branch", SERIES_BRANCH]
    )
    out, _ = capsys.readouterr()
    assert code == 1
    lines = out.splitlines()
    assert lines[1].startswith("  [  ok] 1/3 applied ")
    assert lines[2].startswith("  [FAIL] 2/3 conflict  [PATCH 2/3] x86/domain: second change")
    assert lines[3:5] == [
        "         xen/arch/x86/domain.c: context not found",
        "           hunk 1/1 @@ -98,7 +98,7 @@ void dump_vcpu_kinds(const struct domain *d)",
    ]
    assert "three-way merge conflicts in xen/arch/x86/domain.c" in out
    assert "  [  --] 3/3 not-applied  [PATCH 3/3] x86/desc: third change" in lines
    assert lines[-1].startswith("nothing was left behind: no branch was created")
    assert snapshot(user) == before
    assert not lock_path(user / ".git").exists()


def test_conflict_json_lists_every_patch(
    series: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    user, mbox = series
    code = main(["apply", str(mbox), "--tree", str(user), "--base", "upstream", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (doc["branch"], doc["head"], doc["complete"]) == (None, None, False)
    assert [(p["number"], p["status"], p["files"]) for p in doc["patches"]] == [
        (1, "applied", ["xen/arch/x86/smpboot.c"]),
        (2, "conflict", ["xen/arch/x86/domain.c"]),
        (3, "not-applied", ["xen/include/asm-x86/desc.h"]),
    ]
    assert doc["patches"][1]["conflicts"] == [
        {
            "path": "xen/arch/x86/domain.c",
            "reason": "context not found",
            "hunks": ["hunk 1/1 @@ -98,7 +98,7 @@ void dump_vcpu_kinds(const struct domain *d)"],
        }
    ]


def test_keep_leaves_the_am_session_for_manual_resolution(
    series: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    user, mbox = series
    before = snapshot(user)
    code = main(["apply", str(mbox), "--tree", str(user), "--base", "upstream", "--keep", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    kept = Path(doc["worktree"])
    branch = doc["branch"]
    first_commit = doc["patches"][0]["commit"]
    assert branch.startswith("review/") and doc["head"] == first_commit
    assert git(user, "rev-parse", branch).strip() == first_commit
    domain = (kept / "xen/arch/x86/domain.c").read_text()
    assert "<<<<<<<" in domain and "/* series change 2 */" in domain
    assert "You are in the middle of an am session" in git(kept, "status")
    # only the series' files are checked out in the kept worktree
    checked_out = sorted(
        str(p.relative_to(kept)) for p in kept.rglob("*") if p.is_file() and p.name != ".git"
    )
    assert checked_out == [
        "xen/arch/x86/domain.c",
        "xen/arch/x86/smpboot.c",
        "xen/include/asm-x86/desc.h",
    ]
    # resolving by hand finishes the branch with the rest of the series
    (kept / "xen/arch/x86/domain.c").write_text(
        git(kept, "show", "HEAD:xen/arch/x86/domain.c").replace(
            "/* upstream rewrote this line */", "/* series change 2 */"
        )
    )
    git(kept, "add", "xen/arch/x86/domain.c")
    git(kept, "am", "--continue")
    assert git(user, "log", "--format=%s", f"upstream..{branch}").splitlines() == [
        "x86/desc: third change",
        "x86/domain: second change",
        "x86/smpboot: first change",
    ]
    git(user, "worktree", "remove", str(kept))
    git(user, "branch", "-q", "-D", branch)
    assert snapshot(user) == before


def slow_git(tmp_path: Path, seconds: float) -> dict[str, str]:
    """An environment whose `git am` waits `seconds` first (a real git otherwise)."""
    bin_dir = tmp_path / "slow-bin"
    bin_dir.mkdir()
    real = shutil.which("git")
    assert real is not None
    wrapper = bin_dir / "git"
    wrapper.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        '  if [ "$arg" = am ]; then : > "$SLOW_GIT_MARK"; sleep "$SLOW_GIT_SECONDS"; break; fi\n'
        "done\n"
        f'exec {real} "$@"\n'
    )
    wrapper.chmod(0o755)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "SLOW_GIT_MARK": str(tmp_path / "am-started"),
        "SLOW_GIT_SECONDS": str(seconds),
        "TMPDIR": str(scratch),
        "GIT_PYTHON_GIT_EXECUTABLE": str(wrapper),
    }


def start_apply(env: dict[str, str], repo: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reviewbot", "apply", str(SEED_MBOX), "--tree", str(repo)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "git am never started"
        time.sleep(0.02)


def test_ctrl_c_midway_leaves_no_worktree_branch_or_lock(tmp_path: Path) -> None:
    repo = create_sample_tree(tmp_path / "xen")
    before = snapshot(repo)
    env = slow_git(tmp_path, 30)
    process = start_apply(env, repo)
    try:
        wait_for(Path(env["SLOW_GIT_MARK"]), process)
        assert lock_path(repo / ".git").exists()
        assert len(list((repo / ".git" / "worktrees").iterdir())) == 1
        os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert err.splitlines()[-1].startswith("reviewbot: interrupted; the temporary worktree")
    assert "Traceback" not in err
    assert snapshot(repo) == before
    assert not lock_path(repo / ".git").exists()
    assert list(Path(env["TMPDIR"]).iterdir()) == []


def test_two_runs_at_once_the_second_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = create_sample_tree(tmp_path / "xen")
    env = slow_git(tmp_path, 2)
    first = start_apply(env, repo)
    try:
        wait_for(Path(env["SLOW_GIT_MARK"]), first)
        code = main(["apply", str(SEED_MBOX), "--tree", str(repo), "--branch", "second"])
        _, err = capsys.readouterr()
        assert code == 2
        assert err == (
            "reviewbot: error: another reviewbot apply is working in this repository "
            f"(pid {first.pid}: applying review/2019-07-04-ctxt-switch-gdt-v1); "
            "wait for it to finish and run again\n"
        )
        out, _ = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert first.returncode == 0, out
    assert "branch: review/2019-07-04-ctxt-switch-gdt-v1 at " in out
    assert git(repo, "branch", "--list", "second") == ""
