"""A temporary, sparse git worktree where a series is applied away from the user's checkout.

`git worktree add --no-checkout --detach` gives the series its own HEAD and index; a
per-worktree sparse-checkout file then checks out only the files the series touches, so
setting up costs the same on a 10-file tree and on all of Xen. The repository's config is
never written (sparse checkout is switched on with `-c` for every command run there).
Leaving the block removes the worktree and its administrative files, also on Ctrl-C, unless
the caller asked to keep it.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from reviewbot.gitcmd import Git
from reviewbot.tree import Tree

_SPARSE_SPECIAL = "\\*?[]!# "
#: Given to every command in the worktree, so none of them checks out the rest of the tree.
SPARSE = ("core.sparseCheckout=true", "core.sparseCheckoutCone=false")


@dataclass
class Worktree:
    """The temporary worktree: its directory, its private git dir, and whether to keep it."""

    path: Path
    git_dir: Path
    git: Git
    keep: bool = field(default=False)


@contextmanager
def temporary_worktree(
    tree: Tree, base: str, paths: Iterable[str], env: dict[str, str], label: str
) -> Iterator[Worktree]:
    """A detached worktree at `base` with only `paths` checked out; removed on leaving."""
    scratch = Path(tempfile.mkdtemp(prefix="reviewbot-apply-"))
    path = scratch / (label or "series")
    worktree: Worktree | None = None
    try:
        tree.git.run("worktree", "add", "--no-checkout", "--detach", str(path), base)
        git = Git(path, env, SPARSE)
        git_dir = Path(git.out("rev-parse", "--absolute-git-dir"))
        worktree = Worktree(path, git_dir, git)
        (git_dir / "info").mkdir(exist_ok=True)
        (git_dir / "info" / "sparse-checkout").write_text(
            "".join(f"/{sparse_pattern(p)}\n" for p in sorted(set(paths))), encoding="utf-8"
        )
        git.run("read-tree", "-mu", "HEAD")
        yield worktree
    finally:
        if worktree is None or not worktree.keep:
            with _no_interrupts():
                _remove(tree, path, worktree.git_dir if worktree else None)
                shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def checked_out_worktrees(
    tree: Tree, commits: Sequence[str], labels: Sequence[str], prefix: str = "reviewbot-"
) -> Iterator[list[Path]]:
    """Full detached checkouts of `commits` side by side, all removed on leaving (also on ^C).

    They live in one scratch directory under names of the same length, so paths that end up
    in build output do not differ between them by more than the label.
    """
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    made: dict[Path, Path | None] = {}
    try:
        for commit, label in zip(commits, labels, strict=True):
            path = scratch / label
            made[path] = None
            tree.git.run("worktree", "add", "--detach", "--quiet", str(path), commit)
            made[path] = Path(Git(path).out("rev-parse", "--absolute-git-dir"))
        yield list(made)
    finally:
        with _no_interrupts():
            for path, git_dir in made.items():
                _remove(tree, path, git_dir)
            shutil.rmtree(scratch, ignore_errors=True)


def sparse_pattern(path: str) -> str:
    """A path as a gitignore-style pattern that matches exactly that path."""
    return "".join(f"\\{c}" if c in _SPARSE_SPECIAL else c for c in path)


def _remove(tree: Tree, path: Path, git_dir: Path | None) -> None:
    """Remove the worktree and its admin dir, without pruning anyone else's worktrees."""
    tree.git.run("worktree", "remove", "--force", "--force", str(path), check=False)
    leftovers = [git_dir] if git_dir is not None else []
    admin = tree.common_dir / "worktrees"
    if admin.is_dir():  # an interrupted `worktree add` leaves an admin dir naming our path
        for pointer in admin.glob("*/gitdir"):
            if pointer.read_text(encoding="utf-8", errors="replace").startswith(str(path)):
                leftovers.append(pointer.parent)
    for leftover in leftovers:
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def _no_interrupts() -> Iterator[None]:
    """Ctrl-C is ignored while cleaning up, so the clean-up itself cannot be cut short."""
    previous = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to shield
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
