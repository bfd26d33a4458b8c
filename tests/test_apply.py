"""`reviewbot apply`: a series on a new branch of a real repository, the user's work untouched."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewbot.cli import main
from reviewbot.demo import page_of, serve_archive
from reviewbot.local import read_local
from reviewbot.mailtext import body_text
from reviewbot.patchbody import parse_patch_body
from reviewbot.sampletree import create_sample_tree, sample_commits
from reviewbot.treelock import lock_path, tree_lock
from tests.support.corpus import FIXTURES
from tests.support.gitrepo import Snapshot, git, snapshot, use_git_identity, without_ref

SEED_MBOX = FIXTURES / "mail" / "seed-gdt.mbox"
HTML_MBOX = FIXTURES / "mail" / "apply-html.mbox"
SEED_BRANCH = "review/2019-07-04-ctxt-switch-gdt-v1"
SEED_FILES = [
    "xen/arch/x86/domain.c",
    "xen/arch/x86/smpboot.c",
    "xen/arch/x86/traps.c",
    "xen/include/asm-x86/desc.h",
]


@pytest.fixture(autouse=True)
def git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A global git config of the test's own, with a reviewer identity."""
    return use_git_identity(tmp_path / "gitconfig", monkeypatch)


@pytest.fixture
def xen(tmp_path: Path) -> Path:
    """The sample Xen tree, with the user's work in progress: staged, unstaged, untracked."""
    repo = create_sample_tree(tmp_path / "xen")
    (repo / "README").write_text("work in progress\n")
    git(repo, "add", "README")
    with (repo / "xen/arch/x86/traps.c").open("a") as handle:
        handle.write("/* my unfinished edit */\n")
    (repo / "notes.txt").write_text("untracked\n")
    return repo


@pytest.fixture
def before(xen: Path) -> Iterator[Snapshot]:
    """The snapshot before the test; after it, no lock and no temporary worktree may remain."""
    taken = snapshot(xen)
    yield taken
    assert not lock_path(xen / ".git").exists()
    assert not (xen / ".git" / "worktrees").exists() or not any(
        (xen / ".git" / "worktrees").iterdir()
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code, out, err = run(capsys, *argv, "--json")
    assert out, err
    return code, json.loads(out)


def seed_index() -> dict[str, tuple[str, str]]:
    """path -> (pre, post) blob ids as the seed patch's index lines state them."""
    patch = next(m for m in read_local(SEED_MBOX) if m.is_patch)
    body = parse_patch_body(body_text(patch))
    return {f.path: (f.old_blob or "", f.new_blob or "") for f in body.files}


def blob_ids(repo: Path, rev: str, paths: list[str]) -> dict[str, str]:
    return {p: git(repo, "rev-parse", f"{rev}:{p}").strip() for p in paths}


def commit_message(repo: Path, rev: str) -> str:
    return git(repo, "log", "-1", "--format=%B", rev)


def test_seed_found_its_2019_base_by_blob_and_applies_exactly(
    xen: Path, before: Snapshot, capsys: pytest.CaptureFixture[str]
) -> None:
    roles = sample_commits(xen)
    code, doc = run_json(capsys, "apply", str(SEED_MBOX), "--tree", str(xen))
    assert code == 0
    assert doc["base"] == roles["newest-before-seed"]
    assert doc["base_rule"] == "blob-match"
    assert doc["branch"] == SEED_BRANCH
    [patch] = doc["patches"]  # type: ignore[misc]
    assert patch["status"] == "applied"
    assert patch["method"] == "exact"
    assert patch["files"] == SEED_FILES
    assert patch["subject"] == "[PATCH] x86/ctxt-switch: Document and improve GDT handling"
    head = git(xen, "rev-parse", SEED_BRANCH).strip()
    assert doc["head"] == head == patch["commit"]
    assert git(xen, "rev-parse", f"{SEED_BRANCH}~1").strip() == roles["newest-before-seed"]
    # the tree is exactly what the author had: every post-image blob his index lines name
    for path, blob in blob_ids(xen, SEED_BRANCH, SEED_FILES).items():
        assert blob.startswith(seed_index()[path][1]), path
    assert without_ref(snapshot(xen), f"refs/heads/{SEED_BRANCH}") == before


def test_commit_carries_the_collected_trailers_author_and_committer(
    xen: Path, before: Snapshot, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "apply", str(SEED_MBOX), "--tree", str(xen))
    assert code == 0
    message = commit_message(xen, SEED_BRANCH)
    assert message.startswith("x86/ctxt-switch: Document and improve GDT handling\n\n")
    assert message.rstrip().splitlines()[-4:] == [
        "Signed-off-by: Andrew Cooper <andrew.cooper3@citrix.com>",
        "Tested-by: Juergen Gross <jgross@suse.com>",
        "Reviewed-by: Juergen Gross <jgross@suse.com>",
        "Reviewed-by: Jan Beulich <jbeulich@suse.com>",
    ]
    people = git(xen, "log", "-1", "--format=%an <%ae> %aI|%cn <%ce>", SEED_BRANCH).strip()
    assert people == (
        "Andrew Cooper <andrew.cooper3@citrix.com> 2019-07-04T18:57:32+01:00"
        "|Rita Reviewer <rita@example.org>"
    )


def test_text_report_names_rule_patch_and_branch(
    xen: Path, before: Snapshot, capsys: pytest.CaptureFixture[str]
) -> None:
    roles = sample_commits(xen)
    code, out, err = run(capsys, "apply", str(SEED_MBOX), "--tree", str(xen))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"base: {roles['newest-before-seed'][:12]} (blob-match): ")
    assert re.fullmatch(
        r"  \[  ok\] 1/1 applied [0-9a-f]{12}  \[PATCH\] x86/ctxt-switch: Document and improve "
        r"GDT handling",
        lines[1],
    )
    assert f"branch: {SEED_BRANCH} at " in out
    assert f"git log --stat {roles['newest-before-seed'][:12]}..{SEED_BRANCH}" in out


def test_explicit_base_with_an_offset_is_applied_with_fuzz(
    xen: Path, before: Snapshot, capsys: pytest.CaptureFixture[str]
) -> None:
    roles = sample_commits(xen)
    code, doc = run_json(
        capsys, "apply", str(SEED_MBOX), "--tree", str(xen), "--base", roles["offset"]
    )
    assert code == 0
    assert (doc["base"], doc["base_rule"]) == (roles["offset"], "--base")
    [patch] = doc["patches"]  # type: ignore[misc]
    assert (patch["status"], patch["method"]) == ("applied-with-fuzz", "offset")
    assert patch["notes"] == [
        f"xen/arch/x86/domain.c: hunk {n}/5 applied at line {line + 6}, 6 lines later than stated"
        for n, line in enumerate([1635, 1661, 1678, 1718, 1739], start=1)
    ]


def test_drifted_master_needs_the_three_way_merge(
    xen: Path, before: Snapshot, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = run_json(capsys, "apply", str(SEED_MBOX), "--tree", str(xen), "--base", "master")
    assert code == 0
    [patch] = doc["patches"]  # type: ignore[misc]
    assert (patch["status"], patch["method"]) == ("applied-with-fuzz", "3way")
    assert doc["base_rule"] == "--base"
    # the merge kept master's drift and added the patch: traps.c differs from the author's
    traps = git(xen, "show", f"{SEED_BRANCH}:xen/arch/x86/traps.c")
    master_traps = git(xen, "show", "master:xen/arch/x86/traps.c")
    assert traps != master_traps
    assert (
        git(xen, "diff", "master", SEED_BRANCH, "--stat")
        .strip()
        .endswith("4 files changed, 50 insertions(+), 18 deletions(-)")
    )


def test_existing_branch_is_refused_then_replaced_with_force(
    xen: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(xen, "branch", SEED_BRANCH, "master")
    taken = snapshot(xen)
    code, out, err = run(capsys, "apply", str(SEED_MBOX), "--tree", str(xen))
    assert (code, out) == (2, "")
    assert err == (
        f"reviewbot: error: branch {SEED_BRANCH} already exists; pick another name with "
        "--branch, or add --force to replace it\n"
    )
    assert snapshot(xen) == taken
    code, _, _ = run(capsys, "apply", str(SEED_MBOX), "--tree", str(xen), "--force")
    assert code == 0
    assert (
        git(xen, "rev-parse", f"{SEED_BRANCH}~1").strip()
        == sample_commits(xen)["newest-before-seed"]
    )


def test_force_never_moves_a_branch_checked_out_somewhere(
    xen: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = snapshot(xen)
    code, _, err = run(
        capsys, "apply", str(SEED_MBOX), "--tree", str(xen), "--branch", "master", "--force"
    )
    assert code == 2
    assert err == (
        f"reviewbot: error: branch master is checked out in {xen}; switch that worktree to "
        "another branch, or pick another name with --branch\n"
    )
    assert snapshot(xen) == taken


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "nowhere", "{dir} does not exist; give --tree the path of your Xen"),
        (lambda tmp: tmp, "{dir} is not a git repository; point --tree at a checkout"),
    ],
)
def test_missing_or_plain_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, message: str
) -> None:
    directory = make(tmp_path / "plain") if callable(make) else tmp_path
    if directory.name == "plain":
        directory.mkdir()
    code, out, err = run(capsys, "apply", str(SEED_MBOX), "--tree", str(directory))
    assert (code, out) == (2, "")
    assert err.startswith("reviewbot: error: " + message.format(dir=directory))
    assert err.count("\n") == 1


def test_bare_repository_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bare = tmp_path / "xen.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    code, _, err = run(capsys, "apply", str(SEED_MBOX), "--tree", str(bare))
    assert code == 2
    assert err == (
        f"reviewbot: error: {bare} is a bare repository; reviewbot needs a checkout: clone it, "
        "or give --tree a worktree of it\n"
    )
    assert list((bare / "refs" / "heads").iterdir()) == []


def test_invalid_branch_name_and_unknown_base(
    xen: Path, before: Snapshot, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "apply", str(SEED_MBOX), "--tree", str(xen), "--branch", "a..b")
    assert (code, err) == (
        2,
        "reviewbot: error: 'a..b' is not a valid branch name; pick another with --branch\n",
    )
    code, _, err = run(capsys, "apply", str(SEED_MBOX), "--tree", str(xen), "--base", "v9.9")
    assert code == 2
    assert err.startswith("reviewbot: error: no commit v9.9 in ")
    assert snapshot(xen) == before


def test_a_second_run_waits_for_the_lock(
    xen: Path, before: Snapshot, capsys: pytest.CaptureFixture[str]
) -> None:
    with tree_lock(xen / ".git", "applying something else"):
        code, out, err = run(capsys, "apply", str(SEED_MBOX), "--tree", str(xen))
    assert (code, out) == (2, "")
    assert err == (
        "reviewbot: error: another reviewbot apply is working in this repository "
        f"(pid {__import__('os').getpid()}: applying something else); "
        "wait for it to finish and run again\n"
    )
    assert snapshot(xen) == before


def test_no_git_identity_commits_as_reviewbot(
    xen: Path, before: Snapshot, git_identity: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git_identity.write_text("")
    code, out, _ = run(capsys, "apply", str(SEED_MBOX), "--tree", str(xen))
    assert code == 0
    assert "note: no git identity is configured, so commits are committed by reviewbot" in out
    people = git(xen, "log", "-1", "--format=%an <%ae>|%cn <%ce>", SEED_BRANCH).strip()
    assert people == "Andrew Cooper <andrew.cooper3@citrix.com>|reviewbot <reviewbot@localhost>"


def test_apply_committer_setting_wins(
    xen: Path, before: Snapshot, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(
        capsys,
        "-c",
        "apply.committer=Xen Committer <committer@xen.org>",
        "apply",
        str(SEED_MBOX),
        "--tree",
        str(xen),
    )
    assert code == 0
    assert git(xen, "log", "-1", "--format=%cn <%ce>", SEED_BRANCH).strip() == (
        "Xen Committer <committer@xen.org>"
    )


def test_html_rebuilt_patch_is_reanchored_and_degraded(
    xen: Path, before: Snapshot, capsys: pytest.CaptureFixture[str]
) -> None:
    roles = sample_commits(xen)
    patch_mail = next(m for m in read_local(HTML_MBOX) if m.is_patch)
    archive = FIXTURES / "archive"
    page = page_of(archive, patch_mail.message_id)
    assert page is not None
    # first from the archive alone (a fresh store has no pristine copy to prefer)
    with serve_archive(archive) as base_url:
        code, doc = run_json(
            capsys, "apply", base_url + page, "--tree", str(xen), "--branch", "from-html"
        )
    assert code == 0
    assert doc["base"] == roles["apply-html-base"]
    [patch] = doc["patches"]  # type: ignore[misc]
    assert (patch["status"], patch["method"]) == ("applied-with-fuzz", "degraded")
    assert patch["notes"] == [
        "no three-way merge: corrupt patch at line 28",
        "degraded: the mail was rebuilt from the archive's HTML and re-anchored",
        "MAINTAINERS hunk 1: 2 masked addresses matched",
        "docs/misc/xen-command-line.pandoc hunk 1: 2 context lines had lost their diff marker",
    ]
    # the post-image blobs are the ones the author's index lines name
    assert git(xen, "rev-parse", "from-html:MAINTAINERS").startswith("d1a9af5e4e")
    assert git(xen, "rev-parse", "from-html:docs/misc/xen-command-line.pandoc").startswith(
        "2ef6094ca0"
    )
    pristine_code, pristine = run_json(
        capsys, "apply", str(HTML_MBOX), "--tree", str(xen), "--branch", "pristine"
    )
    assert pristine_code == 0
    [pristine_patch] = pristine["patches"]  # type: ignore[misc]
    assert pristine_patch["method"] == "exact"
    # the repaired patch makes exactly the tree the pristine mail makes
    assert git(xen, "rev-parse", "from-html^{tree}") == git(xen, "rev-parse", "pristine^{tree}")


def test_base_commit_line_chooses_the_base(
    xen: Path, before: Snapshot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roles = sample_commits(xen)
    author = create_sample_tree(tmp_path / "author")
    git(author, "checkout", "-q", "--detach", roles["offset"])
    (author / "README").write_text("sample tree, as the author had it\n")
    git(author, "commit", "-q", "-am", "README: reword the introduction")
    mbox = tmp_path / "based.mbox"
    mbox.write_text(git(author, "format-patch", "--stdout", f"--base={roles['offset']}", "-1"))
    code, doc = run_json(capsys, "apply", str(mbox), "--tree", str(xen))
    assert code == 0
    assert (doc["base"], doc["base_rule"]) == (roles["offset"], "base-commit")
    assert doc["branch"].startswith("review/") and doc["branch"].endswith(
        "-readme-reword-introduction-v1"
    )
    assert git(xen, "show", f"{doc['branch']}:README") == "sample tree, as the author had it\n"
