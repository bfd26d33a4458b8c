"""Real git repositories in tests: run git, and take a snapshot of everything a user owns."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


def use_git_identity(config: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """git sees only `config` as its global settings: a reviewer identity, nothing of the host."""
    config.write_text("[user]\n\tname = Rita Reviewer\n\temail = rita@example.org\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("EMAIL", raising=False)
    return config


def git(repo: Path, *args: str, input: bytes | None = None) -> str:
    """Run git in `repo` and return its stdout (fails the test on a non-zero exit)."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args], input=input, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout.decode(errors="replace")


@dataclass(frozen=True)
class Snapshot:
    """What reviewbot must never change in the user's repository."""

    head: str
    symbolic_head: str
    refs: str
    index_digest: str
    staged: str
    status: str
    worktrees: str
    stash: str
    files: str
    admin_dirs: tuple[str, ...]


def snapshot(repo: Path) -> Snapshot:
    """HEAD, every ref, the raw index bytes, status, worktree list, stash and checked-out files."""
    git_dir = Path(git(repo, "rev-parse", "--absolute-git-dir").strip())
    index = git_dir / "index"
    digest = hashlib.sha256(index.read_bytes()).hexdigest() if index.exists() else ""
    files = hashlib.sha256()
    for path in sorted(p for p in repo.rglob("*") if ".git" not in p.parts and p.is_file()):
        files.update(str(path.relative_to(repo)).encode() + b"\0" + path.read_bytes())
    worktrees = git_dir / "worktrees"
    return Snapshot(
        head=git(repo, "rev-parse", "HEAD").strip(),
        symbolic_head=git(repo, "symbolic-ref", "-q", "HEAD").strip(),
        refs=git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        index_digest=digest,
        staged=git(repo, "ls-files", "--stage"),
        status=git(repo, "--no-optional-locks", "status", "--porcelain=v2", "--branch"),
        worktrees=git(repo, "worktree", "list", "--porcelain"),
        stash=git(repo, "--no-optional-locks", "stash", "list"),
        files=files.hexdigest(),
        admin_dirs=tuple(sorted(p.name for p in worktrees.iterdir())) if worktrees.is_dir() else (),
    )


def without_ref(snap: Snapshot, ref: str) -> Snapshot:
    """The snapshot as it would be without one ref (the branch reviewbot was asked to create)."""
    kept = "".join(line + "\n" for line in snap.refs.splitlines() if not line.startswith(ref + " "))
    return Snapshot(**{**snap.__dict__, "refs": kept})
