"""The per-repository apply lock: exclusive, gone afterwards, never stuck after a crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewbot.errors import TreeError
from reviewbot.treelock import lock_path, tree_lock
from reviewbot.worktree import sparse_pattern


def test_lock_is_exclusive_and_removed(tmp_path: Path) -> None:
    with tree_lock(tmp_path, "first"):
        assert lock_path(tmp_path).read_text() == f"pid {os.getpid()}: first\n"
        with (
            pytest.raises(TreeError, match=r"another reviewbot apply .*\(pid \d+: first\)"),
            tree_lock(tmp_path, "second"),
        ):
            pass
    assert not lock_path(tmp_path).exists()
    with tree_lock(tmp_path, "third"):  # free again
        pass


def test_a_killed_holder_leaves_no_stuck_lock(tmp_path: Path) -> None:
    holder = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from reviewbot.treelock import tree_lock\n"
        "with tree_lock(Path(sys.argv[1]), 'killed'):\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", holder, str(tmp_path)], check=False)
    assert done.returncode == -9
    assert lock_path(tmp_path).exists()  # the file stays, but nobody holds it
    with tree_lock(tmp_path, "after the crash"):
        assert "after the crash" in lock_path(tmp_path).read_text()
    assert not lock_path(tmp_path).exists()


def test_sparse_patterns_match_only_their_path() -> None:
    assert sparse_pattern("xen/arch/x86/domain.c") == "xen/arch/x86/domain.c"
    assert sparse_pattern("docs/a b[1]*?.md") == "docs/a\\ b\\[1\\]\\*\\?.md"
    assert sparse_pattern("#notes!") == "\\#notes\\!"
