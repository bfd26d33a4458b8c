"""Base selection for `reviewbot apply`: each rule, on real repositories built with fast-import."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from benchmarks.gen_history import (
    CommitSpec,
    blob_id,
    build_repo,
    newest_match,
    plan_history,
)
from reviewbot.basedetect import BaseChoice, PreImage, choose_base, pre_images
from reviewbot.errors import TreeError
from reviewbot.patchbody import FileChange, parse_patch_body

T0 = int(datetime(2019, 1, 1, tzinfo=UTC).timestamp())
DAY = 86400


def at(day: float) -> int:
    return T0 + int(day * DAY)


def mail(day: float) -> datetime:
    return datetime.fromtimestamp(at(day), UTC)


def commit(subject: str, day: float, changes: Mapping[str, str | None], **kw: str) -> CommitSpec:
    data = {path: None if text is None else text.encode() for path, text in changes.items()}
    return CommitSpec(subject, at(day), data, **kw)  # type: ignore[arg-type]


def pre(path: str, text: str, length: int = 7) -> PreImage:
    return PreImage(path, blob_id(text.encode())[:length])


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def choose(
    repo: Path,
    pres: Sequence[PreImage],
    sent: datetime,
    *,
    explicit: str | None = None,
    base_commit: str | None = None,
    window_days: int = 30,
    head: str = "HEAD",
) -> BaseChoice:
    return choose_base(
        repo,
        explicit=explicit,
        base_commit=base_commit,
        pre=pres,
        sent_at=sent,
        head=head,
        window_days=window_days,
    )


# --- pre_images ------------------------------------------------------------------------------


def change(
    status: str,
    old: str | None,
    new: str | None,
    old_blob: str | None,
    new_blob: str | None = "1111111",
    old_mode: str | None = "100644",
) -> FileChange:
    return FileChange(
        old_path=old,
        new_path=new,
        status=status,
        old_mode=old_mode if old else None,
        new_mode="100644" if new else None,
        similarity=None,
        binary=False,
        old_blob=old_blob,
        new_blob=new_blob,
        hunks=(),
        added=0,
        removed=0,
    )


def test_pre_images_keep_the_first_touch_and_skip_what_has_no_pre_image() -> None:
    patches = [
        [
            change("modified", "a.c", "a.c", "aaaaaaa"),
            change("added", None, "new.c", "0000000"),
            change("renamed", "old.c", "moved.c", "BBBBBBB"),
            change("modified", "noindex.c", "noindex.c", None),
            change("modified", "zero.c", "zero.c", "000000000000"),
            change("modified", "sub", "sub", "5555555", old_mode="160000"),
        ],
        [
            change("modified", "a.c", "a.c", "2222222"),  # a.c's pre-image is patch 1's result
            change("modified", "new.c", "new.c", "3333333"),  # created by the series
            change("modified", "moved.c", "moved.c", "4444444"),  # created by the rename
            change("modified", "noindex.c", "noindex.c", "6666666"),
            change("deleted", "gone.c", None, "7777777", new_blob="0000000"),
            change("copied", "src.c", "copy.c", "8888888"),
        ],
    ]
    assert pre_images(patches) == [
        PreImage("a.c", "aaaaaaa"),
        PreImage("old.c", "bbbbbbb"),
        PreImage("gone.c", "7777777"),
        PreImage("src.c", "8888888"),
    ]


def test_pre_images_from_parsed_diffs() -> None:
    first = parse_patch_body(
        "Subject\n\nbody\n---\n"
        "diff --git a/xen/common/x.c b/xen/common/x.c\n"
        "index 1234567..89abcde 100644\n--- a/xen/common/x.c\n+++ b/xen/common/x.c\n"
        "@@ -1 +1 @@\n-a\n+b\n"
        "diff --git a/xen/common/y.c b/xen/common/y.c\nnew file mode 100644\n"
        "index 0000000..fedcba9\n--- /dev/null\n+++ b/xen/common/y.c\n@@ -0,0 +1 @@\n+y\n"
    )
    second = parse_patch_body(
        "Subject\n\nbody\n---\n"
        "diff --git a/xen/common/x.c b/xen/common/x.c\n"
        "index 89abcde..0011223 100644\n--- a/xen/common/x.c\n+++ b/xen/common/x.c\n"
        "@@ -1 +1 @@\n-b\n+c\n"
    )
    assert pre_images([first.files, second.files]) == [PreImage("xen/common/x.c", "1234567")]


# --- rules 1 and 2 ---------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    specs = [
        commit("one", 0, {"f.c": "1\n"}),
        commit("two", 1, {"f.c": "2\n"}),
        commit("three", 2, {"f.c": "3\n"}),
    ]
    repo = tmp_path / "small"
    ids = build_repo(repo, specs)
    git(repo, "tag", "-a", "-m", "release", "v1", ids["two"])
    git(repo, "tag", "light", ids["one"])
    git(repo, "branch", "topic", ids["two"])
    return repo, ids


@pytest.mark.parametrize(
    ("revision", "subject"),
    [("v1", "two"), ("light", "one"), ("topic", "two"), ("HEAD~2", "one"), ("main", "three")],
)
def test_explicit_base_accepts_any_revision(
    small: tuple[Path, dict[str, str]], revision: str, subject: str
) -> None:
    repo, ids = small
    choice = choose(repo, [pre("f.c", "1\n")], mail(10), explicit=revision, base_commit=ids["one"])
    assert (choice.commit, choice.rule) == (ids[subject], "--base")
    assert choice.detail == f"given with --base {revision}"
    assert (choice.matched, choice.total) == (int(subject == "one"), 1)


def test_explicit_base_by_commit_id(small: tuple[Path, dict[str, str]]) -> None:
    repo, ids = small
    choice = choose(repo, [], mail(10), explicit=ids["two"][:10])
    assert (choice.commit, choice.rule, choice.warnings) == (ids["two"], "--base", ())


@pytest.mark.parametrize("revision", ["nope", "-v", "HEAD~7", "0123456789abcdef"])
def test_unknown_explicit_base_is_a_tree_error(
    small: tuple[Path, dict[str, str]], revision: str
) -> None:
    repo, _ = small
    with pytest.raises(TreeError) as caught:
        choose(repo, [], mail(10), explicit=revision)
    assert caught.value.message == f"no commit {revision} in {repo}"
    assert caught.value.hint == "give a branch, tag or commit id that exists there"


def test_base_commit_line_wins_over_blob_match(small: tuple[Path, dict[str, str]]) -> None:
    repo, ids = small
    choice = choose(repo, [pre("f.c", "2\n")], mail(10), base_commit=ids["one"])
    assert (choice.commit, choice.rule) == (ids["one"], "base-commit")
    assert (choice.matched, choice.total, choice.warnings) == (0, 1, ())
    assert choice.detail == f"the series' base-commit {ids['one']} is in {repo}"


def test_base_commit_naming_an_annotated_tag_is_peeled(small: tuple[Path, dict[str, str]]) -> None:
    repo, ids = small
    tag_object = git(repo, "rev-parse", "v1")
    assert tag_object != ids["two"]
    choice = choose(repo, [pre("f.c", "2\n")], mail(10), base_commit=tag_object)
    assert (choice.commit, choice.rule, choice.warnings) == (ids["two"], "base-commit", ())
    assert (choice.matched, choice.total) == (1, 1)


def test_unknown_base_commit_warns_and_falls_through(small: tuple[Path, dict[str, str]]) -> None:
    repo, ids = small
    missing = "f" * 40
    choice = choose(repo, [pre("f.c", "2\n")], mail(10), base_commit=missing)
    assert (choice.commit, choice.rule) == (ids["two"], "blob-match")
    assert choice.warnings == (
        f"base-commit {missing} is not in {repo}; fetch it (git fetch origin {missing}) "
        "for an exact base",
    )


# --- rule 3: blob match ----------------------------------------------------------------------


def test_newest_match_before_the_mail_not_the_introducing_commit(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n", "b.c": "b0\n", "other": "0\n"}),
            commit("A", 1, {"a.c": "a1\n", "b.c": "b1\n"}),  # all blobs appear
            commit("B", 2, {"other": "1\n"}),  # unrelated, still matching, before the mail
            commit("C", 4, {"other": "2\n"}),  # matching, after the mail
            commit("D", 5, {"b.c": "b2\n"}),  # a blob removed
        ],
    )
    pres = [pre("a.c", "a1\n"), pre("b.c", "b1\n")]
    choice = choose(repo, pres, mail(3))
    assert (choice.commit, choice.rule) == (ids["B"], "blob-match")
    assert choice.detail == (
        "newest commit before 2019-01-04 00:00 UTC holding all 2 pre-image blobs (searched 30 days)"
    )
    assert (choice.matched, choice.total, choice.warnings) == (2, 2, ())
    # Mailed after D: D removed b1, so the newest match is D's parent C.
    assert choose(repo, pres, mail(6)).commit == ids["C"]
    # Mailed between A and B.
    assert choose(repo, pres, mail(1.5)).commit == ids["A"]


def test_mail_date_time_zone_is_honoured(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n"}),
            commit("early", 1, {"x": "1\n"}),
            commit("late", 1 + 10.5 / 24, {"x": "2\n"}),  # 10:30 UTC on day 1
        ],
    )
    plus_two = timezone(timedelta(hours=2))
    sent = datetime(2019, 1, 2, 12, 0, tzinfo=plus_two)  # 10:00 UTC
    choice = choose(repo, [pre("a.c", "a0\n")], sent)
    assert choice.commit == ids["early"]
    assert choice.detail.startswith("newest commit before 2019-01-02 10:00 UTC holding the ")
    assert choose(repo, [pre("a.c", "a0\n")], sent + timedelta(hours=1)).commit == ids["late"]


def test_naive_mail_date_is_refused(small: tuple[Path, dict[str, str]]) -> None:
    repo, _ = small
    with pytest.raises(ValueError, match="timezone-aware"):
        choose(repo, [], datetime(2019, 1, 2))


def test_equal_commit_dates_go_to_the_descendant(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n"}),
            *(commit(f"series {n}", 1, {f"s{n}": "x\n"}) for n in range(5)),
            commit("after", 3, {"a.c": "a1\n"}),
        ],
    )
    assert choose(repo, [pre("a.c", "a0\n")], mail(2)).commit == ids["series 4"]


def test_equal_commit_dates_among_candidates_go_to_the_descendant(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n"}),
            commit("introduce", 1, {"a.c": "a1\n"}),  # a series committed in one second
            commit("unrelated", 1, {"x": "x\n"}),
            commit("remove", 1, {"a.c": "a2\n"}),
        ],
    )
    assert choose(repo, [pre("a.c", "a1\n")], mail(2)).commit == ids["unrelated"]


def test_newest_by_committer_date_despite_clock_skew(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n"}),
            commit("newest", 2, {"x": "1\n"}),
            commit("child dated earlier", 1, {"x": "2\n"}),
        ],
    )
    assert choose(repo, [pre("a.c", "a0\n")], mail(3)).commit == ids["newest"]


def test_match_older_than_the_window_is_found_by_widening(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n", "b.c": "b0\n"}),
            commit("old", 10, {"a.c": "a1\n"}),
            commit("change", 12, {"b.c": "b1\n"}),
            *(commit(f"busy {n}", 100 + n, {"a.c": f"a{n + 2}\n"}) for n in range(30)),
        ],
    )
    choice = choose(repo, [pre("a.c", "a1\n"), pre("b.c", "b0\n", 12)], mail(140))
    assert (choice.commit, choice.rule) == (ids["old"], "blob-match")
    assert choice.detail.endswith("(searched 30 days, widened to 480)")
    choice = choose(repo, [pre("a.c", "a1\n"), pre("b.c", "b1\n")], mail(140), window_days=100)
    assert choice.commit == ids["change"]
    assert choice.detail.endswith("(searched 100 days, widened to 400)")


def test_match_beyond_every_window_is_found_in_all_history(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n"}),
            commit("next", 1, {"a.c": "a1\n"}),
            commit("years later", 3000, {"b.c": "b\n"}),
        ],
    )
    choice = choose(repo, [pre("a.c", "a0\n")], mail(3001), window_days=7)
    assert choice.commit == ids["root"]
    assert choice.detail.endswith("(searched 7 days, widened to all history)")


def git_commands(monkeypatch: pytest.MonkeyPatch, trace: Path, run: Callable[[], object]) -> int:
    """How many git commands `run` starts, counted by git itself (GIT_TRACE)."""
    monkeypatch.setenv("GIT_TRACE", str(trace))
    run()
    monkeypatch.delenv("GIT_TRACE")
    return trace.read_text().count("trace: built-in: git ")


def test_git_processes_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "r"
    build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n"}),
            *(commit(f"c{n}", 1 + n / 100, {"a.c": f"a{n + 1}\n"}) for n in range(200)),
            commit("years later", 3000, {"b.c": "b\n"}),
        ],
    )
    recent = git_commands(
        monkeypatch, tmp_path / "1", lambda: choose(repo, [pre("b.c", "b\n")], mail(3001))
    )
    assert recent == 5  # head, abbreviations, then rev-list + log + cat-file for one window
    widened = git_commands(
        monkeypatch,
        tmp_path / "2",
        lambda: choose(repo, [pre("a.c", "a0\n")], mail(3001), window_days=7),
    )
    assert widened == 17  # 2 + 3 for each of 5 windows: 7, 28, 112, 448 days, all history


def test_no_match_uses_the_head_and_names_the_best_partial(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n", "b.c": "b0\n", "c.c": "c0\n"}),
            commit("two of three", 1, {"a.c": "a1\n", "b.c": "b1\n"}),
            commit("c changes", 2, {"c.c": "c1\n", "a.c": "a2\n", "b.c": "b2\n"}),
            commit("tip", 5, {"c.c": "c2\n"}),
        ],
    )
    pres = [pre("a.c", "a1\n"), pre("b.c", "b1\n"), pre("c.c", "c1\n")]
    choice = choose(repo, pres, mail(3))
    assert (choice.commit, choice.rule) == (ids["tip"], "branch-head")
    assert choice.detail == (
        "no commit before 2019-01-04 00:00 UTC holds all 3 pre-image blobs (searched all "
        f"history); best: {ids['two of three'][:12]} with 2 of 3; using HEAD ({ids['tip'][:12]})"
    )
    assert (choice.matched, choice.total) == (0, 3)


def test_unknown_blobs_and_no_blobs_use_the_head(small: tuple[Path, dict[str, str]]) -> None:
    repo, ids = small
    unknown = PreImage("g.c", "abcdef0")
    choice = choose(repo, [pre("f.c", "3\n"), unknown], mail(10))
    assert (choice.commit, choice.rule, choice.matched, choice.total) == (
        ids["three"],
        "branch-head",
        1,
        2,
    )
    assert choice.detail == (
        f"1 of 2 pre-image blobs are not in {repo} (g.c abcdef0); using HEAD ({ids['three'][:12]})"
    )
    choice = choose(repo, [], mail(10), head="topic")
    assert (choice.commit, choice.rule, choice.total) == (ids["two"], "branch-head", 0)
    assert choice.detail == (
        "the series names no pre-image blobs (it only adds files or has no index lines); "
        f"using topic ({ids['two'][:12]})"
    )


def test_head_newer_than_the_mail_everywhere(small: tuple[Path, dict[str, str]]) -> None:
    repo, ids = small
    choice = choose(repo, [pre("f.c", "1\n")], mail(-5))
    assert (choice.commit, choice.rule, choice.matched) == (ids["three"], "branch-head", 0)
    assert choice.detail.startswith("every commit of HEAD is newer than the mail (2018-12-27")


def test_abbreviations_of_different_lengths(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    files = {f"f{n}.c": f"content {n}\n" for n in range(5)}
    ids = build_repo(
        repo,
        [commit("base", 0, files), commit("later", 1, {"f0.c": "changed\n"})],
    )
    pres = [
        pre(path, text, length)
        for (path, text), length in zip(files.items(), (7, 8, 12, 20, 40), strict=True)
    ]
    choice = choose(repo, pres, mail(2))
    assert (choice.commit, choice.matched, choice.total) == (ids["base"], 5, 5)


def test_paths_with_spaces_and_glob_characters(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    odd = "dir with space/odd [x]*.c"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {odd: "0\n", "dir with space/odd x.c": "other\n"}),
            commit("wanted", 1, {odd: "1\n"}),
            commit("unrelated", 2, {"dir with space/odd x.c": "changed\n"}),
            commit("gone", 4, {odd: "2\n"}),
        ],
    )
    choice = choose(repo, [pre(odd, "1\n")], mail(3))
    assert (choice.commit, choice.rule) == (ids["unrelated"], "blob-match")
    assert choose(repo, [pre(odd, "1\n")], mail(5)).commit == ids["unrelated"]


def test_ambiguous_abbreviation_is_warned_about_and_still_matches(tmp_path: Path) -> None:
    seen: dict[str, str] = {}
    n = 0
    while True:
        text = f"x{n}\n"
        prefix = blob_id(text.encode())[:5]
        if prefix in seen:
            break
        seen[prefix] = text
        n += 1
    first, second = seen[prefix], text
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a\n", "other.c": second}),
            commit("wanted", 1, {"a.c": first}),
            commit("gone", 3, {"a.c": "later\n"}),
        ],
    )
    choice = choose(repo, [PreImage("a.c", prefix)], mail(2))
    assert (choice.commit, choice.rule) == (ids["wanted"], "blob-match")
    assert choice.warnings == (
        f"pre-image blob {prefix} (a.c) is ambiguous: 2 blobs start with it; any of them "
        "counts as a match",
    )


def test_blob_introduced_on_a_merged_side_branch(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n", "main.c": "m0\n"}),
            commit("side change", 1, {"a.c": "side\n"}, branch="side", start="root"),
            commit("side more", 2, {"doc": "d\n"}, branch="side"),
            commit("main change", 3, {"main.c": "m1\n"}),
            commit("merge", 5, {"a.c": "side\n", "doc": "d\n"}, merge="side more"),
            commit("main again", 6, {"main.c": "m2\n"}),
            commit("a rewritten", 8, {"a.c": "a2\n"}),
        ],
    )
    side_only = [pre("a.c", "side\n")]
    # Mailed before the merge: the side branch's tip is the newest commit holding the blob.
    assert choose(repo, side_only, mail(4)).commit == ids["side more"]
    # Mailed after it: the newest commit holding it on the main line.
    assert choose(repo, side_only, mail(7)).commit == ids["main again"]
    # A pre-image from each line of history: only the merge and later hold both.
    both = [pre("a.c", "side\n"), pre("main.c", "m1\n")]
    assert choose(repo, both, mail(7)).commit == ids["merge"]
    # Mailed between the merge and the next change: the merge itself.
    assert choose(repo, both, mail(5.5)).commit == ids["merge"]


def test_side_branch_commit_whose_merge_drops_the_blob(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"a.c": "a0\n"}),
            commit("side", 1, {"a.c": "side\n"}, branch="side", start="root"),
            commit("side unrelated", 2, {"doc": "d\n"}, branch="side"),
            commit("main", 3, {"a.c": "main\n"}),
            commit(
                "merge resolved", 4, {"a.c": "resolved\n", "doc": "d\n"}, merge="side unrelated"
            ),
        ],
    )
    assert choose(repo, [pre("a.c", "side\n")], mail(5)).commit == ids["side unrelated"]


def test_series_adding_files_and_touching_a_file_twice(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    ids = build_repo(
        repo,
        [
            commit("root", 0, {"x.c": "x0\n", "y.c": "y0\n"}),
            commit("base", 1, {"x.c": "x1\n"}),
            commit("moved on", 3, {"x.c": "x2\n"}),
        ],
    )
    x1, x9 = blob_id(b"x1\n")[:7], blob_id(b"x9\n")[:7]
    patches = [
        [change("modified", "x.c", "x.c", x1, new_blob=x9), change("added", None, "new.c", None)],
        [
            change("modified", "x.c", "x.c", x9),  # patch 1's post-image: not in the tree
            change("modified", "new.c", "new.c", "1234567"),
        ],
    ]
    pres = pre_images(patches)
    assert pres == [PreImage("x.c", x1)]
    choice = choose(repo, pres, mail(2))
    assert (choice.commit, choice.rule, choice.total) == (ids["base"], "blob-match", 1)


# --- repository shapes -----------------------------------------------------------------------


def test_unborn_head_is_a_tree_error(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q", "--initial-branch=trunk")
    with pytest.raises(TreeError) as caught:
        choose(repo, [pre("a.c", "a\n")], mail(0))
    assert caught.value.message == f"{repo} has no commits yet (trunk is unborn)"
    assert caught.value.hint == "commit or fetch something there first, or give --base"


def test_unknown_head_is_a_tree_error(small: tuple[Path, dict[str, str]]) -> None:
    repo, _ = small
    with pytest.raises(TreeError, match="no commit origin/staging in"):
        choose(repo, [pre("f.c", "1\n")], mail(10), head="origin/staging")


def test_shallow_clone(tmp_path: Path) -> None:
    source = tmp_path / "source"
    ids = build_repo(
        source,
        [
            commit("root", 0, {"a.c": "a0\n"}),
            commit("deep", 1, {"a.c": "a1\n"}),
            commit("recent", 10, {"b.c": "b\n"}),
            commit("tip", 11, {"a.c": "a2\n"}),
        ],
    )
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth=2", f"file://{source}", str(clone)],
        check=True,
        capture_output=True,
    )
    # The commit holding the blob is below the shallow boundary.
    choice = choose(clone, [pre("a.c", "a1\n")], mail(10.5), base_commit=ids["root"])
    assert (choice.commit, choice.rule, choice.matched) == (ids["recent"], "blob-match", 1)
    assert choice.warnings[0].startswith(f"base-commit {ids['root']} is not in {clone}")
    choice = choose(clone, [pre("a.c", "a0\n")], mail(10.5))
    assert (choice.commit, choice.rule) == (ids["tip"], "branch-head")
    assert "not in" in choice.detail


# --- many commits ----------------------------------------------------------------------------


def test_base_detection_among_3000_generated_commits(tmp_path: Path) -> None:
    plan = plan_history(commits=3000, files=120, seed=7, years=4.0)
    assert len(plan.specs) == 3000
    assert sum(1 for s in plan.specs if s.merge) > 3
    repo = tmp_path / "big"
    ids = build_repo(repo, plan.specs)
    assert git(repo, "rev-list", "--count", "HEAD") == "3000"
    when = {spec.subject: spec.when for spec in plan.specs}
    by_name = {s.name: s for s in plan.scenarios}
    for name in ("recent", "deep", "none"):
        scenario = by_name[name]
        # The generator's brute-force answer, recomputed here from the specs.
        assert newest_match(plan.specs, scenario.pre, scenario.sent_at) == scenario.expected
        sent = datetime.fromtimestamp(scenario.sent_at, UTC)
        pres = [PreImage(path, blob) for path, blob in scenario.pre]
        choice = choose(repo, pres, sent)
        if scenario.expected is None:
            assert (choice.commit, choice.rule) == (git(repo, "rev-parse", "HEAD"), "branch-head")
            assert "best: " in choice.detail
            continue
        assert (choice.commit, choice.rule) == (ids[scenario.expected], "blob-match")
        # Independently: git agrees the chosen commit holds every pre-image.
        for path, blob in scenario.pre:
            assert git(repo, "rev-parse", f"{choice.commit}:{path}").startswith(blob)
    deep = by_name["deep"]
    assert when[deep.expected or ""] < deep.sent_at - 480 * DAY
    assert (
        "widened to 1920)"
        in choose(
            repo,
            [PreImage(p, b) for p, b in deep.pre],
            datetime.fromtimestamp(deep.sent_at, UTC),
        ).detail
    )


def test_hash_helper_matches_git(tmp_path: Path) -> None:
    content = b"hello\n"
    out = subprocess.run(
        ["git", "hash-object", "--stdin"], input=content, capture_output=True, check=True
    ).stdout
    assert blob_id(content) == out.decode().strip() == hashlib.sha1(b"blob 6\0hello\n").hexdigest()
