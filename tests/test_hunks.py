"""Lenient diff parsing and git apply's exact hunk placement, checked against real git."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from reviewbot.hunks import (
    DiffHunk,
    FileDiff,
    HunkLine,
    HunkSpot,
    locate_hunks,
    parse_diff,
    search_order,
    split_lines,
)

# --- a real git tree ------------------------------------------------------------------------


def run_git(repo: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[bytes]:
    # an empty config file of our own: os.devnull is not always a device in sandboxes
    config = repo.parent / "empty-gitconfig"
    if not config.exists():
        config.write_bytes(b"")
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo.parent),
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Jan Beulich",
        "GIT_AUTHOR_EMAIL": "jbeulich@suse.com",
        "GIT_COMMITTER_NAME": "Jan Beulich",
        "GIT_COMMITTER_EMAIL": "jbeulich@suse.com",
        "GIT_AUTHOR_DATE": "2019-07-15T12:25:35+0200",
        "GIT_COMMITTER_DATE": "2019-07-15T12:25:35+0200",
    }
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        env=environment,
        input=stdin.encode("utf-8") if stdin is not None else None,
        capture_output=True,
        check=False,
    )


class Tree:
    """A git work tree in tmp_path: committed files, patches made with git diff, git apply."""

    def __init__(self, directory: Path, files: Mapping[str, str | bytes]) -> None:
        self.path = path = directory / "tree"
        path.mkdir(parents=True, exist_ok=True)
        assert run_git(path, "init", "-q", "-b", "main").returncode == 0
        self.commit(files)

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        for name, content in files.items():
            target = self.path / name
            if content is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            target.write_bytes(data)

    def commit(self, files: Mapping[str, str | bytes | None]) -> None:
        """Write `files` (None deletes) and commit everything."""
        self.write(files)
        assert run_git(self.path, "add", "-A").returncode == 0
        done = run_git(self.path, "commit", "-q", "--allow-empty", "-m", "state")
        assert done.returncode == 0, done.stderr

    def diff(self, files: Mapping[str, str | bytes | None], *options: str) -> str:
        """The `git diff` of writing `files` over the committed state; the tree is restored."""
        self.write(files)
        assert run_git(self.path, "add", "-A").returncode == 0
        done = run_git(self.path, "diff", "--cached", "-M", *options)
        assert done.returncode == 0, done.stderr
        assert run_git(self.path, "reset", "-q", "--hard").returncode == 0
        return done.stdout.decode("utf-8")

    def read(self, name: str) -> str | None:
        target = self.path / name
        return target.read_bytes().decode("utf-8") if target.is_file() else None

    def check(self, patch: str) -> str:
        """ "" when plain `git apply --check` accepts `patch`, else git's first error line."""
        done = run_git(self.path, "apply", "--check", "-", stdin=patch)
        if done.returncode == 0:
            return ""
        return done.stderr.decode("utf-8").splitlines()[0]

    def apply(self, patch: str) -> None:
        done = run_git(self.path, "apply", "-", stdin=patch)
        assert done.returncode == 0, done.stderr.decode("utf-8")

    def bytes_of(self, name: str) -> bytes | None:
        target = self.path / name
        return target.read_bytes() if target.is_file() else None


def numbered(prefix: str, first: int, last: int) -> str:
    return "".join(f"{prefix}{n}\n" for n in range(first, last + 1))


def spot(path: str, number: int, count: int, header: str, stated: int, found: int | None,
         reason: str = "") -> HunkSpot:  # fmt: skip
    return HunkSpot(path, number, count, header, stated, found, reason)


# --- parsing ----------------------------------------------------------------------------------


def test_parse_diff_reads_git_sections_and_hunk_lines() -> None:
    diff = (
        "diff --git a/xen/common/sched.c b/xen/common/sched.c\n"
        "index 1111111..2222222 100644\n"
        "--- a/xen/common/sched.c\n"
        "+++ b/xen/common/sched.c\n"
        "@@ -3,4 +3,4 @@ static int vcpu_wake(void)\n"
        " a\n"
        "> quoted\n"
        "\n"
        "-b\n"
        "+c\n"
        "\\ No newline at end of file\n"
    )
    (file,) = parse_diff(diff)
    assert file == FileDiff(
        header=(
            "diff --git a/xen/common/sched.c b/xen/common/sched.c",
            "index 1111111..2222222 100644",
            "--- a/xen/common/sched.c",
            "+++ b/xen/common/sched.c",
        ),
        old_path="xen/common/sched.c",
        new_path="xen/common/sched.c",
        status="modified",
        binary=False,
        hunks=(
            DiffHunk(
                header="@@ -3,4 +3,4 @@ static int vcpu_wake(void)",
                old_start=3,
                old_count=4,
                new_start=3,
                new_count=4,
                section=" static int vcpu_wake(void)",
                lines=(
                    HunkLine(" ", "a"),
                    HunkLine(" ", "> quoted", marker_lost=True),
                    HunkLine(" ", ""),
                    HunkLine("-", "b"),
                    HunkLine("+", "c", newline=False),
                ),
                well_formed=False,  # the `> quoted` line has no marker: git calls it corrupt
            ),
        ),
    )


def test_parse_diff_statuses_paths_and_traditional_sections() -> None:
    diff = (
        "diff --git a/new.txt b/new.txt\n"
        "new file mode 100644\n"
        "index 0000000..e69de29\n"
        "diff --git a/old name.txt b/old name.txt\n"
        "deleted file mode 100644\n"
        "index e69de29..0000000\n"
        "diff --git a/a.c b/b.c\n"
        "similarity index 90%\n"
        "rename from a.c\n"
        "rename to b.c\n"
        "diff --git a/run.sh b/run.sh\n"
        "old mode 100644\n"
        "new mode 100755\n"
        'diff --git "a/\\303\\251t\\303\\251.txt" "b/\\303\\251t\\303\\251.txt"\n'
        "index 1111111..2222222 100644\n"
        "Binary files a/été.txt and b/été.txt differ\n"
        "--- a/plain.txt\t2019-07-01 10:00:00\n"
        "+++ b/plain.txt\t2019-07-02 10:00:00\n"
        "@@ -1 +1 @@\n"
        "-x\n"
        "+y\n"
    )
    files = parse_diff(diff)
    assert [(f.status, f.old_path, f.new_path, f.binary, len(f.hunks)) for f in files] == [
        ("added", None, "new.txt", False, 0),
        ("deleted", "old name.txt", None, False, 0),
        ("renamed", "a.c", "b.c", False, 0),
        ("modified", "run.sh", "run.sh", False, 0),
        ("modified", "été.txt", "été.txt", True, 0),
        ("modified", "plain.txt", "plain.txt", False, 1),
    ]
    assert files[-1].hunks[0].lines == (HunkLine("-", "x"), HunkLine("+", "y"))
    assert files[-1].hunks[0].well_formed is True


def test_counts_decide_where_a_hunk_ends_and_signatures_are_not_hunk_lines() -> None:
    diff = (
        "diff --git a/a b/a\n"
        "--- a/a\n"
        "+++ b/a\n"
        "@@ -1,2 +1,2 @@\n"
        " one\n"
        "-two\n"
        "+2\n"
        "\n"
        "-- \n"
        "2.20.1\n"
        "\n"
        "_______________________________________________\n"
        "Xen-devel mailing list\n"
    )
    (file,) = parse_diff(diff)
    (hunk,) = file.hunks
    assert hunk.lines == (HunkLine(" ", "one"), HunkLine("-", "two"), HunkLine("+", "2"))
    assert hunk.well_formed is True
    damaged = diff.replace(" one\n", "one\n").replace("@@ -1,2 +1,2 @@", "@@ -1,4 +1,4 @@")
    (hunk,) = parse_diff(damaged)[0].hunks
    assert hunk.lines == (
        HunkLine(" ", "one", marker_lost=True),
        HunkLine("-", "two"),
        HunkLine("+", "2"),
    )
    assert hunk.well_formed is False


def test_split_lines_cuts_only_at_newlines() -> None:
    assert split_lines("a\r\nb\x0cc\nlast") == ["a\r\n", "b\x0cc\n", "last"]
    assert split_lines("a\n") == ["a\n"]
    assert split_lines("") == []


def test_search_order_is_gits() -> None:
    assert search_order(3, [0, 1, 2, 3, 4, 5]) == [3, 4, 2, 5, 1, 0]
    assert search_order(0, [2, 0, 1]) == [0, 1, 2]
    assert search_order(2, [0, 1, 2]) == [2, 1, 0]
    assert search_order(10, [1, 15, 5, 20]) == [15, 5, 1, 20]


# --- locating, against git --------------------------------------------------------------------


def test_clean_patch_is_found_where_stated(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"a.txt": numbered("a", 1, 30), "b.txt": numbered("b", 1, 5)})
    patch = tree.diff(
        {
            "a.txt": numbered("a", 1, 30).replace("a5\n", "five\n").replace("a25\n", "25\n"),
            "b.txt": numbered("b", 1, 5).replace("b1\n", "one\n"),
        }
    )
    assert locate_hunks(patch, tree.read) == [
        spot("a.txt", 1, 2, "@@ -2,7 +2,7 @@ a1", 2, 2),
        spot("a.txt", 2, 2, "@@ -22,7 +22,7 @@ a21", 22, 22),
        spot("b.txt", 1, 1, "@@ -1,4 +1,4 @@", 1, 1),
    ]
    assert tree.check(patch) == ""


def test_offsets_accumulate_over_the_hunks_of_a_file(tmp_path: Path) -> None:
    original = numbered("line", 1, 60)
    tree = Tree(tmp_path, {"f.txt": original})
    changed = (
        original.replace("line10\n", "ten\n")
        .replace("line30\n", "thirty\nthirty-one\n")
        .replace("line50\n", "")
    )
    patch = tree.diff({"f.txt": changed})
    # 2 lines above hunk 1, 3 more between hunks 1 and 2, 1 fewer between hunks 2 and 3
    moved = "new1\nnew2\n" + original.replace("line20\n", "line20\nx\ny\nz\n").replace(
        "line40\n", ""
    )
    tree.commit({"f.txt": moved})
    assert locate_hunks(patch, tree.read) == [
        spot("f.txt", 1, 3, "@@ -7,7 +7,7 @@ line6", 7, 9),
        spot("f.txt", 2, 3, "@@ -27,7 +27,8 @@ line26", 27, 32),
        spot("f.txt", 3, 3, "@@ -47,7 +48,6 @@ line46", 47, 51),
    ]
    assert [s.offset for s in locate_hunks(patch, tree.read)] == [2, 5, 4]
    assert tree.check(patch) == ""


def test_search_starts_where_git_starts_not_at_the_previous_offset(tmp_path: Path) -> None:
    original = numbered("a", 1, 9) + numbered("f", 10, 29) + "x\ny\nz\n" + numbered("t", 33, 40)
    tree = Tree(tmp_path, {"f.txt": original})
    patch = tree.diff({"f.txt": original.replace("a5\n", "A5\n").replace("y\n", "Y\n")}, "-U1")
    lines = (numbered("n", 1, 10) + original).splitlines(keepends=True)
    lines[26:26] = ["x\n", "y\n", "z\n"]  # a decoy 3 lines before where git starts looking
    tree.commit({"f.txt": "".join(lines)})
    assert locate_hunks(patch, tree.read) == [
        spot("f.txt", 1, 2, "@@ -4,3 +4,3 @@ a3", 4, 14),
        spot("f.txt", 2, 2, "@@ -30,3 +30,3 @@ f29", 30, 27),
    ]
    tree.apply(patch)  # git changes the decoy too, not the copy 10 lines on
    content = tree.read("f.txt") or ""
    assert content.splitlines()[26:29] == ["x", "Y", "z"]
    assert content.splitlines()[42:45] == ["x", "y", "z"]


def test_a_hunk_at_line_one_must_match_at_the_beginning(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"f.txt": numbered("l", 1, 20)})
    patch = tree.diff({"f.txt": numbered("l", 1, 20).replace("l2\n", "two\n")})
    tree.commit({"f.txt": "header\n" + numbered("l", 1, 20)})
    assert locate_hunks(patch, tree.read) == [
        spot("f.txt", 1, 1, "@@ -1,5 +1,5 @@", 1, None, "context not found")
    ]
    assert tree.check(patch) == "error: patch failed: f.txt:1"


def test_a_hunk_without_trailing_context_must_match_at_the_end(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"f.txt": numbered("l", 1, 20)})
    patch = tree.diff({"f.txt": numbered("l", 1, 20) + "tail\n"})
    tree.commit({"f.txt": numbered("l", 1, 20) + "more\n"})
    assert locate_hunks(patch, tree.read) == [
        spot("f.txt", 1, 1, "@@ -18,3 +18,4 @@ l17", 18, None, "context not found")
    ]
    assert tree.check(patch) == "error: patch failed: f.txt:18"


def test_a_conflicting_hunk_is_not_found_and_the_others_are(tmp_path: Path) -> None:
    original = numbered("line", 1, 40)
    tree = Tree(tmp_path, {"f.txt": original})
    patch = tree.diff({"f.txt": original.replace("line5\n", "5\n").replace("line30\n", "30\n")})
    tree.commit({"f.txt": original.replace("line29\n", "changed upstream\n")})
    assert locate_hunks(patch, tree.read) == [
        spot("f.txt", 1, 2, "@@ -2,7 +2,7 @@ line1", 2, 2),
        spot("f.txt", 2, 2, "@@ -27,7 +27,7 @@ line26", 27, None, "context not found"),
    ]
    assert tree.check(patch) == "error: patch failed: f.txt:27"


def test_new_deleted_renamed_and_mode_changes(tmp_path: Path) -> None:
    files = {"gone.txt": numbered("g", 1, 3), "old.c": numbered("c", 1, 12), "run.sh": "x\n"}
    tree = Tree(tmp_path, files)
    patch = tree.diff(
        {
            "added.txt": "hello\n",
            "gone.txt": None,
            "old.c": None,
            "new.c": numbered("c", 1, 12).replace("c6\n", "six\n"),
        }
    )
    (tree.path / "run.sh").chmod(0o755)
    mode = run_git(tree.path, "diff").stdout.decode()
    run_git(tree.path, "checkout", "-q", "run.sh")
    patch += mode
    assert locate_hunks(patch, tree.read) == [
        spot("added.txt", 1, 1, "@@ -0,0 +1 @@", 0, 0),
        spot("gone.txt", 1, 1, "@@ -1,3 +0,0 @@", 1, 1),
        spot("new.c", 1, 1, "@@ -3,7 +3,7 @@ c2", 3, 3),
        spot("run.sh", 0, 0, "", 0, 0),
    ]
    assert tree.check(patch) == ""

    tree.commit({"added.txt": "exists\n", "gone.txt": "edited\n", "new.c": "taken\n"})
    assert locate_hunks(patch, tree.read) == [
        spot("added.txt", 1, 1, "@@ -0,0 +1 @@", 0, None, "file already exists"),
        spot("gone.txt", 1, 1, "@@ -1,3 +0,0 @@", 1, None, "context not found"),
        spot("new.c", 1, 1, "@@ -3,7 +3,7 @@ c2", 3, None, "file already exists"),
        spot("run.sh", 0, 0, "", 0, 0),
    ]
    tree.commit({"gone.txt": None, "old.c": None, "run.sh": None})
    assert locate_hunks(patch, tree.read)[1:] == [
        spot("gone.txt", 1, 1, "@@ -1,3 +0,0 @@", 1, None, "file missing"),
        spot("new.c", 1, 1, "@@ -3,7 +3,7 @@ c2", 3, None, "file missing"),
        spot("run.sh", 0, 0, "", 0, None, "file missing"),
    ]
    assert tree.check(patch) == "error: added.txt: already exists in working directory"


def test_binary_patches_are_reported_as_binary(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"blob.bin": bytes(range(256))})
    patch = tree.diff({"blob.bin": bytes(reversed(range(256)))}, "--binary")
    assert "GIT binary patch" in patch
    assert locate_hunks(patch, tree.read) == [spot("blob.bin", 0, 0, "", 0, None, "binary")]


def test_no_newline_at_end_of_file(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"f.txt": "a\nb\nc\nlast"})
    patch = tree.diff({"f.txt": "a\nb\nc\nLAST"})
    assert "\\ No newline at end of file" in patch
    assert locate_hunks(patch, tree.read) == [spot("f.txt", 1, 1, "@@ -1,4 +1,4 @@", 1, 1)]
    tree.commit({"f.txt": "a\nb\nc\nlast\n"})
    assert locate_hunks(patch, tree.read) == [
        spot("f.txt", 1, 1, "@@ -1,4 +1,4 @@", 1, None, "context not found")
    ]
    assert tree.check(patch) == "error: patch failed: f.txt:1"


def test_a_hunk_whose_counts_do_not_add_up_is_corrupt(tmp_path: Path) -> None:
    original = numbered("l", 1, 10).replace("l4\n", "\n")
    tree = Tree(tmp_path, {"f.txt": original})
    patch = tree.diff({"f.txt": original.replace("l6\n", "six\n")})
    damaged = patch.replace("\n \n", "\n")  # the blank context line vanished
    assert locate_hunks(damaged, tree.read) == [
        spot("f.txt", 1, 1, "@@ -3,7 +3,7 @@ l2", 3, None, "corrupt hunk")
    ]
    assert tree.check(damaged) == "error: corrupt patch at line 13"
    # an empty line is git's empty context line: the same patch with it is fine
    assert locate_hunks(patch.replace("\n \n", "\n\n"), tree.read) == [
        spot("f.txt", 1, 1, "@@ -3,7 +3,7 @@ l2", 3, 3)
    ]


def test_signature_and_footer_after_the_diff_change_nothing(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"f.txt": numbered("l", 1, 10)})
    patch = tree.diff({"f.txt": numbered("l", 1, 10).replace("l9\n", "- \n")})
    assert patch.endswith("-l9\n+- \n l10\n")
    signed = patch + "-- \n2.20.1\n\n_______________________________________________\n"
    expected = [spot("f.txt", 1, 1, "@@ -6,5 +6,5 @@ l5", 6, 6)]
    assert locate_hunks(signed, tree.read) == expected
    assert locate_hunks(patch.removesuffix(" l10\n") + "-- \n2.20.1\n", tree.read) == [
        spot("f.txt", 1, 1, "@@ -6,5 +6,5 @@ l5", 6, None, "corrupt hunk")
    ]


def test_later_sections_see_what_earlier_ones_did_to_the_same_file(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"f.txt": numbered("l", 1, 10)})
    first = tree.diff({"f.txt": numbered("l", 1, 10).replace("l3\n", "three\n")})
    tree.commit({"f.txt": numbered("l", 1, 10).replace("l3\n", "three\n")})
    second = tree.diff({"f.txt": numbered("l", 1, 10).replace("l3\n", "3\n")})
    tree.commit({"f.txt": numbered("l", 1, 10)})
    assert locate_hunks(first + second, tree.read) == [
        spot("f.txt", 1, 1, "@@ -1,6 +1,6 @@", 1, 1),
        spot("f.txt", 1, 1, "@@ -1,6 +1,6 @@", 1, 1),
    ]
    assert tree.check(first + second) == ""
    assert locate_hunks(second, tree.read) == [
        spot("f.txt", 1, 1, "@@ -1,6 +1,6 @@", 1, None, "context not found")
    ]


@pytest.mark.parametrize("where", ["file missing", "file already exists"])
def test_renames_read_the_old_path_and_need_the_new_one_free(tmp_path: Path, where: str) -> None:
    tree = Tree(tmp_path, {"old.c": numbered("c", 1, 12)})
    patch = tree.diff({"old.c": None, "new.c": numbered("c", 1, 12).replace("c6\n", "six\n")})
    assert "rename from old.c" in patch
    if where == "file missing":
        tree.commit({"old.c": None})
    else:
        tree.commit({"new.c": "in the way\n"})
    assert locate_hunks(patch, tree.read) == [
        spot("new.c", 1, 1, "@@ -3,7 +3,7 @@ c2", 3, None, where)
    ]
    assert tree.check(patch) != ""


def test_git_puts_a_zero_context_insertion_at_the_end(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"f.txt": numbered("l", 1, 10)})
    patch = tree.diff({"f.txt": numbered("l", 1, 10).replace("l5\n", "l5\nnew\n")}, "-U0")
    assert locate_hunks(patch, tree.read) == [spot("f.txt", 1, 1, "@@ -5,0 +6 @@ l5", 5, 10)]
    tree.apply(patch)  # without --unidiff-zero git really does append it
    assert tree.read("f.txt") == numbered("l", 1, 10) + "new\n"
