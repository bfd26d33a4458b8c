"""The bundled sample Xen-like tree: reproducible, with the history base detection relies on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from reviewbot.errors import TreeError
from reviewbot.local import read_local
from reviewbot.mailtext import body_text
from reviewbot.models import Message
from reviewbot.patchbody import PatchBody, parse_patch_body
from reviewbot.sampletree import (
    ROLE_SUBJECTS,
    bundled_sample_stream,
    create_sample_tree,
    sample_commits,
)
from tests.support.corpus import archive_messages

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GENERATOR = FIXTURES / "sample-tree" / "build_sample_tree.py"
SEED_MSGID = "20190704175732.5943-1-andrew.cooper3@citrix.com"
APPLY_HTML_MSGID = "20190910110148.24150-1-wl@xen.org"
IDENTITY = "Xen sample tree <sample-tree@reviewbot.invalid>"
SEED_FILES = (
    "xen/arch/x86/domain.c",
    "xen/arch/x86/smpboot.c",
    "xen/arch/x86/traps.c",
    "xen/include/asm-x86/desc.h",
)
#: (committer date, subject, role) of every commit, oldest first, as the README documents.
HISTORY = (
    ("2019-05-06T09:00:00+00:00", ROLE_SUBJECTS["import"], "import"),
    ("2019-06-03T10:15:00+00:00", "x86/domain: print vcpu kinds in upper case", None),
    ("2019-06-17T14:30:00+00:00", "x86/traps: add show_gdt_summary()", None),
    (
        "2019-06-28T11:45:00+00:00",
        "x86/smpboot: kick a silent AP three times before giving up",
        None,
    ),
    ("2019-07-03T16:20:00+00:00", ROLE_SUBJECTS["base"], "base"),
    ("2019-07-04T08:00:00+00:00", ROLE_SUBJECTS["newest-before-seed"], "newest-before-seed"),
    ("2019-07-09T09:30:00+00:00", ROLE_SUBJECTS["after-seed"], "after-seed"),
    ("2019-08-19T13:00:00+00:00", ROLE_SUBJECTS["offset"], "offset"),
    ("2019-09-02T15:10:00+00:00", ROLE_SUBJECTS["apply-html-base"], "apply-html-base"),
    ("2020-02-11T10:40:00+00:00", ROLE_SUBJECTS["drift-3way"], "drift-3way"),
    ("2021-03-15T12:00:00+00:00", "MAINTAINERS: add Juergen Gross as a scheduling reviewer", None),
    ("2022-06-20T08:30:00+00:00", "README: mention the release tags", None),
    ("2024-01-22T17:05:00+00:00", "x86/domain: mark offline vcpus in dump_vcpu_kinds()", None),
    ("2026-11-02T09:00:00+00:00", ROLE_SUBJECTS["master"], "master"),
)
#: The stream is reproducible, so are the commit ids (fixtures/sample-tree/README.md lists them).
ROLE_IDS = {
    "import": "a18803045551e747c1f79fdacbd8eda74c8a5e3a",
    "base": "1ed536056252aa1d8f5509d322c37c784d251e99",
    "newest-before-seed": "0086a527fa4d73d0e268a7d81db4fcc817dcbde3",
    "after-seed": "4b3e0a2891f6a8b122aeae21ddfdef706b37f067",
    "offset": "3b10e996a62c36411025222e080d61cf18470ae6",
    "apply-html-base": "cdf6d88dcab9d4aab1a6f75e6aaf18d8fff69541",
    "drift-3way": "9d90bd0b83b7fef08bb201ba6a59a19fd15d0112",
    "master": "b6985799589b9bf93a1a63e818774427a1e793f4",
}
COMMITTER = {
    "GIT_COMMITTER_NAME": "Sample Tester",
    "GIT_COMMITTER_EMAIL": "tester@reviewbot.invalid",
    "GIT_AUTHOR_NAME": "Sample Tester",
    "GIT_AUTHOR_EMAIL": "tester@reviewbot.invalid",
}


def git(
    repo: Path, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run real git in `repo`; the caller checks the exit status."""
    return subprocess.run(
        ["git", "-c", "am.threeWay=false", "-c", "apply.whitespace=nowarn", *args],
        cwd=repo,
        input=input.decode() if input is not None else None,
        capture_output=True,
        encoding="utf-8",
        check=False,
        env={**os.environ, **(env or {})},
    )


def out(repo: Path, *args: str) -> str:
    done = git(repo, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def mail(mbox: str, message_id: str) -> Message:
    (found,) = [m for m in read_local(FIXTURES / "mail" / mbox) if m.message_id == message_id]
    return found


def patch_of(message: Message) -> PatchBody:
    body = parse_patch_body(body_text(message))
    assert body.defects == ()
    return body


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One sample tree for the read-only checks; tests that write use a clone of it."""
    return create_sample_tree(tmp_path_factory.mktemp("sample") / "xen")


@pytest.fixture(scope="module")
def roles(sample: Path) -> dict[str, str]:
    return sample_commits(sample)


@pytest.fixture
def clone(sample: Path, tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "clone"
    done = subprocess.run(
        ["git", "clone", "-q", "--no-hardlinks", str(sample), str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    yield target


def blob_at(repo: Path, commit: str, path: str) -> str:
    return out(repo, "rev-parse", f"{commit}:{path}")


def checked(repo: Path, commit: str, diff: str) -> subprocess.CompletedProcess[str]:
    """`git apply -v --check` of `diff` against the files of `commit` (a temporary index)."""
    index = repo / ".git" / "check-index"
    env = {"GIT_INDEX_FILE": str(index)}
    assert git(repo, "read-tree", commit, env=env).returncode == 0
    return git(repo, "apply", "-v", "--check", "--cached", input=diff.encode(), env=env)


def post_images(repo: Path, commit: str, diff: str) -> dict[str, str]:
    """The full blob ids `diff` produces when applied to the files of `commit`."""
    index = repo / ".git" / "post-index"
    env = {"GIT_INDEX_FILE": str(index)}
    assert git(repo, "read-tree", commit, env=env).returncode == 0
    done = git(repo, "apply", "--cached", input=diff.encode(), env=env)
    assert done.returncode == 0, done.stderr
    listing = git(repo, "ls-files", "-s", env=env).stdout
    return {line.split("\t")[1]: line.split()[1] for line in listing.splitlines()}


# --- the stream and the repository ----------------------------------------------------------


def test_the_stream_imports_into_a_checked_out_master(sample: Path) -> None:
    assert bundled_sample_stream() == FIXTURES / "sample-tree" / "xen-sample.fi.gz"
    assert out(sample, "symbolic-ref", "HEAD") == "refs/heads/master"
    assert out(sample, "status", "--porcelain", "--untracked-files=all") == ""
    assert out(sample, "ls-files").splitlines() == [
        "CODING_STYLE",
        "COPYING",
        "MAINTAINERS",
        "README",
        "docs/misc/xen-command-line.pandoc",
        "xen/arch/x86/domain.c",
        "xen/arch/x86/smpboot.c",
        "xen/arch/x86/traps.c",
        "xen/common/sched_credit2.c",
        "xen/include/asm-x86/desc.h",
    ]
    assert out(sample, "for-each-ref", "--format=%(refname)") == (
        "refs/heads/master\nrefs/tags/RELEASE-4.12.0\nrefs/tags/RELEASE-4.13.0"
    )
    local = git(sample, "config", "--local", "--get-regexp", r"^user\.")
    assert (local.returncode, local.stdout) == (1, "")
    assert git(sample, "fsck", "--strict", "--no-dangling").returncode == 0


def test_create_refuses_a_non_empty_target(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file").write_text("x")
    with pytest.raises(TreeError, match="not an empty directory"):
        create_sample_tree(tmp_path / "busy")
    (tmp_path / "plain").write_text("x")
    with pytest.raises(TreeError, match="not an empty directory"):
        create_sample_tree(tmp_path / "plain")
    (tmp_path / "empty").mkdir()
    assert (create_sample_tree(tmp_path / "empty") / "MAINTAINERS").is_file()


def test_the_committed_stream_is_what_the_generator_writes() -> None:
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_history_roles_dates_and_tags(sample: Path, roles: dict[str, str]) -> None:
    log = out(sample, "log", "--reverse", "--format=%H|%cI|%aI|%an <%ae>|%cn <%ce>|%s", "master")
    rows = [line.split("|") for line in log.splitlines()]
    assert [(row[1], row[5]) for row in rows] == [(date, subject) for date, subject, _ in HISTORY]
    for _commit, committed, authored, author, committer, _subject in rows:
        assert (authored, author, committer) == (committed, IDENTITY, IDENTITY)
    assert {role: rows[n][0] for n, (_, _, role) in enumerate(HISTORY) if role} == roles
    assert roles == ROLE_IDS
    assert roles["master"] == out(sample, "rev-parse", "master")
    for tag, role in (("RELEASE-4.12.0", "import"), ("RELEASE-4.13.0", "drift-3way")):
        assert out(sample, "cat-file", "-t", tag) == "tag"
        assert out(sample, "rev-parse", f"{tag}^{{commit}}") == roles[role]
        tagger = out(
            sample,
            "for-each-ref",
            "--format=%(taggername) %(taggeremail)|%(taggerdate:iso-strict)|%(contents)",
            f"refs/tags/{tag}",
        )
        commit_date = out(sample, "log", "-1", "--format=%cI", roles[role])
        assert tagger == f"{IDENTITY}|{commit_date}|Xen {tag[8:]} (sample tree)"


def test_sample_commits_rejects_another_repository(tmp_path: Path) -> None:
    repo = tmp_path / "other"
    repo.mkdir()
    assert git(repo, "init", "-q", "-b", "master").returncode == 0
    assert git(repo, "commit", "-q", "--allow-empty", "-m", "x", env=COMMITTER).returncode == 0
    with pytest.raises(TreeError, match="no commit for import, base, newest-before-seed"):
        sample_commits(repo)


# --- the seed patch -------------------------------------------------------------------------


def test_the_seed_applies_at_base_without_offset_and_gives_its_post_images(
    sample: Path, roles: dict[str, str]
) -> None:
    seed = patch_of(mail("seed-gdt.mbox", SEED_MSGID))
    done = checked(sample, roles["base"], seed.diff)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if "offset" in line or "fuzz" in line] == []
    assert done.stderr.count("Checking patch") == 4
    after = post_images(sample, roles["base"], seed.diff)
    assert [(f.path, f.old_blob, f.new_blob) for f in seed.files] == [
        (path, blob_at(sample, roles["base"], path)[:10], after[path][:10]) for path in SEED_FILES
    ]
    assert [(f.old_blob, f.new_blob) for f in seed.files] == [
        ("b84cc51d16", "a8b721fb1e"),
        ("490dceb0a3", "8b918c2505"),
        ("36010b14df", "25fc860253"),
        ("f382c51ada", "d3ed26636f"),
    ]


def test_only_base_and_its_successors_up_to_the_offset_carry_all_pre_images(
    sample: Path, roles: dict[str, str]
) -> None:
    seed = patch_of(mail("seed-gdt.mbox", SEED_MSGID))
    wanted = [f.old_blob for f in seed.files]
    commits = out(sample, "rev-list", "--reverse", "master").splitlines()
    matching = [
        n
        for n, commit in enumerate(commits)
        if [blob_at(sample, commit, path)[:10] for path in SEED_FILES] == wanted
    ]
    assert [commits[n] for n in matching] == [
        roles["base"],
        roles["newest-before-seed"],
        roles["after-seed"],
    ]
    for commit in commits[: commits.index(roles["base"])]:
        assert any(
            blob_at(sample, commit, p)[:10] != b for p, b in zip(SEED_FILES, wanted, strict=True)
        )


def test_the_seed_applies_with_an_offset_after_the_offset_commit(
    sample: Path, roles: dict[str, str]
) -> None:
    seed = patch_of(mail("seed-gdt.mbox", SEED_MSGID))
    done = checked(sample, roles["offset"], seed.diff)
    assert done.returncode == 0, done.stderr
    assert re.findall(r"Hunk #(\d) succeeded at (\d+) \(offset (\d+) lines\)", done.stderr) == [
        ("1", "1641", "6"),
        ("2", "1686", "6"),
        ("3", "1704", "6"),
        ("4", "1743", "6"),
        ("5", "1761", "6"),
    ]


def test_at_master_plain_apply_fails_but_am_3way_succeeds(
    clone: Path, roles: dict[str, str]
) -> None:
    message = mail("seed-gdt.mbox", SEED_MSGID)
    seed = patch_of(message)
    plain = checked(clone, roles["drift-3way"], seed.diff)
    assert plain.returncode == 1
    assert "error: patch failed: xen/arch/x86/traps.c:2059" in plain.stderr
    at_master = checked(clone, "master", seed.diff)
    assert at_master.returncode == 1
    assert "Hunk #1 succeeded at 1642 (offset 7 lines)." in at_master.stderr
    assert checked(clone, roles["apply-html-base"], seed.diff).returncode == 0

    done = git(clone, "am", "-3", "-q", input=message.raw, env=COMMITTER)
    assert done.returncode == 0, done.stderr + done.stdout
    assert out(clone, "log", "-1", "--format=%s%n%an <%ae>") == (
        "x86/ctxt-switch: Document and improve GDT handling\n"
        "Andrew Cooper <andrew.cooper3@citrix.com>"
    )
    traps = (clone / "xen/arch/x86/traps.c").read_text()
    assert "    percpu_traps_init();\n\n    cpu_init_common(smp_processor_id());\n" in traps
    assert "    this_cpu(compat_gdt_table_l1e) =\n" in traps
    assert out(clone, "status", "--porcelain") == ""


# --- the apply-html thread ------------------------------------------------------------------


def test_the_apply_html_patch_applies_from_the_mailbox_at_its_base(
    sample: Path, roles: dict[str, str]
) -> None:
    patch = patch_of(mail("apply-html.mbox", APPLY_HTML_MSGID))
    done = checked(sample, roles["apply-html-base"], patch.diff)
    assert done.returncode == 0, done.stderr
    assert "offset" not in done.stderr
    after = post_images(sample, roles["apply-html-base"], patch.diff)
    assert [(f.path, f.old_blob, f.new_blob) for f in patch.files] == [
        (path, blob_at(sample, roles["apply-html-base"], path)[:10], after[path][:10])
        for path in ("MAINTAINERS", "docs/misc/xen-command-line.pandoc")
    ]
    assert [(f.old_blob, f.new_blob) for f in patch.files] == [
        ("4ac1fa292d", "d1a9af5e4e"),
        ("668d3424f0", "2ef6094ca0"),
    ]
    assert checked(sample, roles["offset"], patch.diff).returncode == 1


def test_the_apply_html_patch_rebuilt_from_its_archive_page_does_not_apply(
    sample: Path, roles: dict[str, str]
) -> None:
    (page,) = [m for m in archive_messages() if m.message_id == APPLY_HTML_MSGID]
    assert page.source.endswith("/2019-09/msg00000.html")
    rebuilt = parse_patch_body(body_text(page))
    original = patch_of(mail("apply-html.mbox", APPLY_HTML_MSGID))
    assert rebuilt.defects == ("malformed diff: Hunk is shorter than expected",)
    assert rebuilt.diff.splitlines()[5:9] == [
        " R:\tRoger Pau Monné <roger.pau@xxxxxxxxxx>",
        " S:\tSupported",
        " L:\txen-devel@xxxxxxxxxxxxxxxxxxxx",
        "+F:\tdocs/misc/xen-command-line.pandoc",
    ]
    # MHonArc's fancyquote took " > `= <boolean>`" for a quote: the context lines are gone.
    assert original.diff.endswith("+### pv-shim (x86)\n > `= <boolean>`\n \n > Default: `false`\n")
    assert rebuilt.diff.endswith("+### pv-shim (x86)\n")
    done = checked(sample, roles["apply-html-base"], rebuilt.diff)
    assert (done.returncode, done.stderr.strip()) == (128, "error: corrupt patch at line 23")
