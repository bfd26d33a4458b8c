"""Patch mails split into message, notes, diffstat and diff; diffs checked against real git."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, replace
from email.message import EmailMessage
from functools import cache
from pathlib import Path

import pytest

from reviewbot.errors import ParseError
from reviewbot.mail import as_bytes, split_mbox
from reviewbot.mailtext import body_text
from reviewbot.models import Message
from reviewbot.patchbody import (
    FileChange,
    Hunk,
    PatchBody,
    parse_patch_body,
    parse_patch_body_strict,
    strip_list_tag,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mail"
BINARY_OLD = bytes(range(256)) * 2
BINARY_NEW = bytes(reversed(range(256))) * 3


@cache
def fixture(mbox: str, index: int) -> Message:
    raw = list(split_mbox((FIXTURES / mbox).read_bytes()))[index]
    return Message.from_raw(raw, "test", pristine=True)


def parsed(mbox: str, index: int) -> PatchBody:
    return parse_patch_body(body_text(fixture(mbox, index)))


# --- real git -------------------------------------------------------------------------------


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Roger Pau Monné",
        "GIT_AUTHOR_EMAIL": "roger.pau@citrix.com",
        "GIT_COMMITTER_NAME": "Roger Pau Monné",
        "GIT_COMMITTER_EMAIL": "roger.pau@citrix.com",
        "GIT_AUTHOR_DATE": "2019-07-15T12:25:35+0200",
        "GIT_COMMITTER_DATE": "2019-07-15T12:25:35+0200",
        **(env or {}),
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=environment, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


@dataclass(frozen=True)
class Repo:
    path: Path
    many: str  # the commit changing many kinds of file
    rename: str  # a pure rename
    dash: str  # a hunk ending in a removed "- " line


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    path = tmp_path_factory.mktemp("repo")
    git(path, "init", "-q", "-b", "main")
    (path / "moved.txt").write_text("".join(f"{n}\n" for n in range(1, 51)))
    (path / "copied.c").write_text("".join(f"{n}\n" for n in range(100, 151)))
    (path / "script.sh").write_text("x\n")
    (path / "gone.txt").write_text("bye\n")
    (path / "dos.txt").write_bytes(b"a\r\nb\r\n")
    (path / "nonl.txt").write_text("one\ntwo")
    (path / "blob.bin").write_bytes(BINARY_OLD)
    (path / "list.md").write_text("a\n- \n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "base")
    git(path, "mv", "moved.txt", "renamed.txt")
    (path / "renamed.txt").write_text(
        "".join(("twenty-five" if n == 25 else str(n)) + "\n" for n in range(1, 51))
    )
    (path / "copy2.c").write_text((path / "copied.c").read_text() + "extra\n")
    (path / "script.sh").chmod(0o755)
    git(path, "rm", "-q", "gone.txt")
    (path / "empty.txt").write_text("")
    (path / "dos.txt").write_bytes(b"a\r\nB\r\n")
    (path / "nonl.txt").write_text("one\nthree")
    (path / "blob.bin").write_bytes(BINARY_NEW)
    (path / "new.bin").write_bytes(b"\x00new\x01" * 40)
    (path / "é space.txt").write_text("hi\n")
    git(path, "add", "-A")
    message = (
        "x86: change many things\n\n"
        "---\nnot a separator for git commit, but one for git am\n\n"
        ">From here a line.\n\n"
        "Signed-off-by: Roger Pau Monné <roger.pau@citrix.com>"
    )
    git(path, "commit", "-q", "-m", message)
    many = git(path, "rev-parse", "HEAD").strip()
    git(path, "mv", "renamed.txt", "final.txt")
    git(path, "commit", "-q", "-m", "rename only")
    rename = git(path, "rev-parse", "HEAD").strip()
    (path / "list.md").write_text("a\n")
    git(path, "commit", "-q", "-am", "drop the dash")
    return Repo(path, many, rename, git(path, "rev-parse", "HEAD").strip())


def format_patch(repo: Repo, commit: str, *options: str) -> bytes:
    args = ["format-patch", "-1", "-M", "-C", "-C", "--stdout", *options, commit]
    return git(repo.path, *args).encode("utf-8")


def patch_text(raw: bytes) -> str:
    """The body of a format-patch mail (what body_text gives for it)."""
    return raw.split(b"\n\n", 1)[1].decode("utf-8")


def raw_changes(repo: Repo, commit: str) -> list[tuple[str, ...]]:
    """`git diff --raw` entries: (old mode, new mode, old sha, new sha, status, paths...)."""
    out = git(
        repo.path, "diff", "--raw", "-z", "--no-abbrev", "-M", "-C", "-C", commit + "^", commit
    )
    fields = out.split("\0")
    entries: list[tuple[str, ...]] = []
    index = 0
    while index < len(fields) and fields[index]:
        modes_and_ids = fields[index].lstrip(":").split()
        count = 2 if modes_and_ids[4][0] in "RC" else 1
        entries.append((*modes_and_ids, *fields[index + 1 : index + 1 + count]))
        index += 1 + count
    return entries


def numstat(repo: Repo, commit: str) -> list[tuple[str, str]]:
    out = git(repo.path, "diff", "--numstat", "-M", "-C", "-C", commit + "^", commit)
    return [tuple(line.split("\t")[:2]) for line in out.splitlines()]  # type: ignore[misc]


STATUS = {"A": "added", "D": "deleted", "R": "renamed", "C": "copied"}


def assert_matches_git(files: tuple[FileChange, ...], repo: Repo, commit: str) -> None:
    changes = raw_changes(repo, commit)
    counts = numstat(repo, commit)
    assert len(files) == len(changes) == len(counts)
    for change, entry, (added, removed) in zip(files, changes, counts, strict=True):
        old_mode, new_mode, old_sha, new_sha, status, *paths = entry
        letter = status[0]
        expected = STATUS.get(letter, "mode" if old_sha == new_sha else "modified")
        assert change.status == expected, change
        assert change.old_path == (None if letter == "A" else paths[0])
        assert change.new_path == (None if letter == "D" else paths[-1])
        if change.similarity == 100:  # no index line: the patch does not say the mode
            assert (change.old_mode, change.new_mode) == (None, None)
        else:
            assert change.old_mode == (None if old_mode == "000000" else old_mode)
            assert change.new_mode == (None if new_mode == "000000" else new_mode)
        assert change.similarity == (int(status[1:]) if letter in "RC" else None)
        assert change.binary == (added == "-")
        if not change.binary:
            assert (change.added, change.removed) == (int(added), int(removed))
        if change.old_blob is None:
            assert expected == "mode" or change.similarity == 100
            assert change.new_blob is None
        else:
            assert change.new_blob is not None
            assert len(change.old_blob) >= 7 and old_sha.startswith(change.old_blob)
            assert len(change.new_blob) >= 7 and new_sha.startswith(change.new_blob)


def applies(repo: Repo, commit: str, diff: str) -> bool:
    """Whether `git apply --cached --check` accepts `diff` on the commit's parent."""
    index = repo.path / ".git" / "check-index"
    patch = repo.path / ".git" / "check.patch"
    patch.write_bytes(diff.encode("utf-8"))
    env = {"GIT_INDEX_FILE": str(index)}
    git(repo.path, "read-tree", commit + "^", env=env)
    try:
        git(repo.path, "apply", "--cached", "--check", str(patch), env=env)
    except subprocess.CalledProcessError:
        return False
    return True


# --- the fixture mails ----------------------------------------------------------------------


def test_seed_patch() -> None:
    body = parsed("seed-gdt.mbox", 0)
    assert body.message.startswith("write_full_gdt_ptes() has a latent bug.  Using")
    assert "\nFrom this, we observe that load_full_gdt()" in body.message
    assert body.message.endswith(
        "calculation on every context switch.\n\n"
        "Signed-off-by: Andrew Cooper <andrew.cooper3@citrix.com>\n"
    )
    assert body.notes.startswith(
        "CC: Jan Beulich <JBeulich@suse.com>\nCC: Wei Liu <wl@xen.org>\n"
        "CC: Roger Pau Monné <roger.pau@citrix.com>\nCC: Juergen Gross <jgross@suse.com>\n\n"
        "Slightly RFC.\n"
    )
    assert "\n  __context_switch                            1238    1111    -127\n" in body.notes
    assert body.notes.endswith("so\nwe don't risk loading a non-faulting garbage selector.\n")
    assert "---" not in body.notes
    assert body.diffstat == (
        " xen/arch/x86/domain.c      | 52 ++++++++++++++++++++++++++++++----------------",
        " xen/arch/x86/smpboot.c     |  4 ++++",
        " xen/arch/x86/traps.c       | 10 +++++++++",
        " xen/include/asm-x86/desc.h |  2 ++",
        " 4 files changed, 50 insertions(+), 18 deletions(-)",
    )
    assert body.diff.startswith(
        "diff --git a/xen/arch/x86/domain.c b/xen/arch/x86/domain.c\n"
        "index b84cc51d16..a8b721fb1e 100644\n"
    )
    assert body.diff.endswith(
        "+DECLARE_PER_CPU(l1_pgentry_t, compat_gdt_table_l1e);\n \n extern void load_TR(void);\n \n"
    )
    assert body.git_version == "2.11.0"
    assert (body.base_commit, body.prerequisite_patch_ids, body.change_id) == (None, (), None)
    assert body.defects == ()
    assert body.has_diff
    assert [(f.path, f.status, len(f.hunks), f.added, f.removed) for f in body.files] == [
        ("xen/arch/x86/domain.c", "modified", 5, 34, 18),
        ("xen/arch/x86/smpboot.c", "modified", 2, 4, 0),
        ("xen/arch/x86/traps.c", "modified", 2, 10, 0),
        ("xen/include/asm-x86/desc.h", "modified", 1, 2, 0),
    ]
    first = body.files[0]
    assert (first.old_blob, first.new_blob, first.old_mode, first.new_mode) == (
        "b84cc51d16",
        "a8b721fb1e",
        "100644",
        "100644",
    )
    assert first.hunks[0] == Hunk(
        1635, 23, 1635, 42, "static void _update_runstate_area(struct vcpu *v)", 28, 9
    )


@pytest.mark.parametrize(
    ("mbox", "index"),
    [
        ("seed-gdt.mbox", 0),
        ("series-vpci.mbox", 1),
        ("series-vpci.mbox", 2),
        ("series-vpci.mbox", 3),
        ("series-vpci.mbox", 10),
        ("series-vpci.mbox", 11),
        ("series-vpci.mbox", 12),
        ("series-vpci.mbox", 13),
        ("noise-docs.mbox", 0),
        ("month-cross.mbox", 0),
    ],
)
def test_message_is_what_git_am_commits(mbox: str, index: int, tmp_path: Path) -> None:
    message = fixture(mbox, index)
    subprocess.run(
        ["git", "mailinfo", "-u", str(tmp_path / "msg"), str(tmp_path / "patch")],
        input=message.raw,
        capture_output=True,
        check=True,
    )
    body = parse_patch_body(body_text(message))
    assert body.message == (tmp_path / "msg").read_text(encoding="utf-8")
    assert body.diff in (tmp_path / "patch").read_text(encoding="utf-8")
    assert body.defects == ()


def test_notes_between_several_separators() -> None:
    body = parsed("series-vpci.mbox", 13)  # [PATCH v2.1 2/3]
    assert body.message.endswith(
        "Reviewed-by: Paul Durrant <paul.durrant@citrix.com>\n"
        "Acked-by: Wei Liu <wl@xen.org> # x86\n"
    )
    assert body.notes == (
        "Cc: Jan Beulich <jbeulich@suse.com>\nCc: Andrew Cooper <andrew.cooper3@citrix.com>\n"
        "Cc: Wei Liu <wl@xen.org>\n---\nChanges since v2:\n"
        " - Rebase on top of the switch of pci_conf_read16() to pci_sbdf_t.\n"
    )
    assert body.diffstat[-1] == " 2 files changed, 13 insertions(+), 4 deletions(-)"


def test_quoted_printable_patch_and_hunk_header_without_section() -> None:
    body = parsed("series-vpci.mbox", 1)
    assert body.notes == ""
    assert body.message.endswith("Signed-off-by: Roger Pau Monné <roger.pau@citrix.com>\n")
    (change,) = body.files
    assert change.hunks == (Hunk(27, 7, 27, 7, "", 1, 1),)
    assert (change.old_blob, change.new_blob) == ("796a3683be", "cf05f47087")
    assert "     ((addr) >= vmsix_table_addr(vpci, nr) &&" in body.diff
    assert body.git_version == "2.22.0"


def test_cover_letter_has_a_diffstat_but_no_diff() -> None:
    body = parsed("series-vpci.mbox", 0)
    assert not body.has_diff
    assert (body.diff, body.files, body.notes) == ("", (), "")
    assert body.diffstat == (
        " xen/arch/x86/hvm/vmsi.c |  9 +++++++++",
        " xen/drivers/vpci/msix.c | 34 +++++++++++++++++++++++++---------",
        " 2 files changed, 34 insertions(+), 9 deletions(-)",
    )
    assert body.message.startswith("Hello,\n\nThe following series contains some fixes")
    assert body.message.endswith(
        "\n 2 files changed, 34 insertions(+), 9 deletions(-)\n"
    )  # stays: no --- before it
    assert body.git_version == "2.22.0"


def test_reply_quoting_a_hunk_is_no_patch() -> None:
    text = body_text(fixture("seed-gdt.mbox", 3))
    body = parse_patch_body(text)
    assert (body.has_diff, body.files, body.diffstat, body.notes) == (False, (), (), "")
    assert body.message == text


# --- patches made by git --------------------------------------------------------------------


def test_every_kind_of_file_change_matches_git(repo: Repo) -> None:
    body = parse_patch_body(patch_text(format_patch(repo, repo.many, "--binary")))
    assert body.defects == ()
    assert_matches_git(body.files, repo, repo.many)
    by_path = {change.path: change for change in body.files}
    assert by_path["renamed.txt"].hunks == (Hunk(22, 7, 22, 7, "", 1, 1),)
    assert by_path["renamed.txt"].old_path == "moved.txt"
    assert by_path["copy2.c"].old_path == "copied.c"
    assert by_path["empty.txt"].hunks == ()
    assert by_path["empty.txt"].new_blob == "e69de29"
    assert by_path["é space.txt"].hunks == (Hunk(0, 0, 1, 1, "", 1, 0),)
    blob = by_path["blob.bin"]
    assert blob.binary and blob.hunks == ()
    assert blob.old_blob == git(repo.path, "rev-parse", f"{repo.many}^:blob.bin").strip()
    assert by_path["new.bin"].binary and by_path["new.bin"].status == "added"
    assert applies(repo, repo.many, body.diff)  # binary payloads and all hunks are intact


def test_binary_files_differ_lines(repo: Repo) -> None:
    body = parse_patch_body(patch_text(format_patch(repo, repo.many, "--no-binary")))
    assert "Binary files a/blob.bin and b/blob.bin differ\n" in body.diff
    assert "GIT binary patch" not in body.diff
    assert body.defects == ()
    assert_matches_git(body.files, repo, repo.many)


def test_no_newline_and_crlf_content_lines(repo: Repo) -> None:
    body = parse_patch_body(patch_text(format_patch(repo, repo.many)))
    by_path = {change.path: change for change in body.files}
    assert by_path["nonl.txt"].hunks == (Hunk(1, 2, 1, 2, "", 1, 1),)
    assert "-two\n\\ No newline at end of file\n+three\n\\ No newline" in body.diff
    assert by_path["dos.txt"].hunks == (Hunk(1, 2, 1, 2, "", 1, 1),)
    assert "\n a\r\n-b\r\n+B\r\n" in body.diff


def test_message_keeps_from_lines_and_stops_at_the_first_separator(repo: Repo) -> None:
    body = parse_patch_body(patch_text(format_patch(repo, repo.many)))
    # git am's rule: the commit message ends at the first "---" line.
    assert body.message == ""
    assert body.notes.startswith("not a separator for git commit, but one for git am\n\n")
    assert ">From here a line.\n" in body.notes  # mboxrd escaping is not undone again
    assert body.diffstat[5] == " new.bin                  | Bin 0 -> 200 bytes"
    assert body.diffstat[10] == " 10 files changed, 5 insertions(+), 4 deletions(-)"
    assert body.diffstat[11:] == (
        " copy copied.c => copy2.c (97%)",
        " create mode 100644 empty.txt",
        " delete mode 100644 gone.txt",
        " create mode 100644 new.bin",
        " rename moved.txt => renamed.txt (92%)",
        " mode change 100644 => 100755 script.sh",
        ' create mode 100644 "\\303\\251 space.txt"',
    )


def test_pure_rename_has_no_blobs(repo: Repo) -> None:
    body = parse_patch_body(patch_text(format_patch(repo, repo.rename)))
    assert body.files == (
        FileChange(
            old_path="renamed.txt",
            new_path="final.txt",
            status="renamed",
            old_mode=None,
            new_mode=None,
            similarity=100,
            binary=False,
            old_blob=None,
            new_blob=None,
            hunks=(),
            added=0,
            removed=0,
        ),
    )
    assert_matches_git(body.files, repo, repo.rename)
    assert body.message == ""
    assert body.diffstat == (
        " renamed.txt => final.txt | 0",
        " 1 file changed, 0 insertions(+), 0 deletions(-)",
        " rename renamed.txt => final.txt (100%)",
    )


def test_removed_dash_line_before_the_signature(repo: Repo) -> None:
    body = parse_patch_body(patch_text(format_patch(repo, repo.dash)))
    assert body.diff.endswith("@@ -1,2 +1 @@\n a\n-- \n")
    assert body.git_version == git(repo.path, "version").split()[-1]
    assert body.files[0].hunks == (Hunk(1, 2, 1, 1, "", 0, 1),)
    assert applies(repo, repo.dash, body.diff)


def test_base_commit_and_prerequisite_patch_ids(repo: Repo) -> None:
    raw = git(repo.path, "format-patch", "-1", "--stdout", f"--base={repo.many}^", repo.dash)
    body = parse_patch_body(patch_text(raw.encode()))
    assert body.base_commit == git(repo.path, "rev-parse", f"{repo.many}^").strip()
    written = [line.split()[1] for line in raw.splitlines() if line.startswith("prerequisite-")]
    assert len(written) == 2  # one per commit between the base and the patch
    assert body.prerequisite_patch_ids == tuple(written)
    assert "base-commit" not in body.diff


def test_patch_attached_to_a_mail(repo: Repo) -> None:
    mail = EmailMessage()
    mail["From"] = "Roger Pau Monné <roger.pau@citrix.com>"
    mail["Message-ID"] = "<attached@example.org>"
    mail.set_content("Hello,\n\nthe patch is attached.\n\nRoger.\n")
    mail.add_attachment(
        format_patch(repo, repo.many), maintype="text", subtype="x-patch", filename="0001.patch"
    )
    message = Message.from_raw(as_bytes(mail), "test", pristine=True)
    body = parse_patch_body(body_text(message))
    assert body.message.startswith("Hello,\n\nthe patch is attached.\n\nRoger.\n\nFrom ")
    assert body.defects == ()
    assert_matches_git(body.files, repo, repo.many)


# --- shapes written by hand -----------------------------------------------------------------

SMALL_DIFF = (
    "diff --git a/x.c b/x.c\n"
    "index 1111111..2222222 100644\n"
    "--- a/x.c\n"
    "+++ b/x.c\n"
    "@@ -1,3 +1,3 @@ int main(void)\n"
    " a\n"
    "-b\n"
    "+>From x\n"
    " c\n"
)


def test_patch_without_separator() -> None:
    body = parse_patch_body("Fix x.\n\nSigned-off-by: A <a@example.org>\n" + SMALL_DIFF)
    assert body.message == "Fix x.\n\nSigned-off-by: A <a@example.org>\n"
    assert (body.notes, body.diffstat, body.git_version) == ("", (), None)
    assert body.diff == SMALL_DIFF
    assert body.files[0].hunks == (Hunk(1, 3, 1, 3, "int main(void)", 1, 1),)


def test_crlf_text_parses_like_lf() -> None:
    text = body_text(fixture("seed-gdt.mbox", 0))
    assert parse_patch_body(text.replace("\n", "\r\n")) == parse_patch_body(text)


def test_plain_unified_diff() -> None:
    diff = "--- x.c.orig\t2019-07-01 10:00:00\n+++ x.c\t2019-07-02 10:00:00\n@@ -1 +1 @@\n-a\n+b\n"
    body = parse_patch_body("Fix.\n---\n" + diff + "-- \nA\n")
    assert body.diff == diff
    assert [(f.old_path, f.new_path, f.status, f.old_blob) for f in body.files] == [
        ("x.c.orig", "x.c", "modified", None)
    ]


def test_no_diff_no_separator_diffstat() -> None:
    text = "Thoughts.\n---\nmore thoughts\n"
    body = parse_patch_body(text)
    assert (body.message, body.notes, body.diffstat) == (text, "", ())


def test_b4_cover_letter_metadata() -> None:
    text = (
        "Cover text.\n\n---\nA (1):\n  x: y\n\n x.c | 2 +-\n"
        " 1 file changed, 1 insertion(+), 1 deletion(-)\n---\n"
        "base-commit: 0123456789abcdef0123456789abcdef01234567\n"
        "change-id: 20240101-msix-fixes-3e1f2a\n\nBest regards,\n-- \nA <a@example.org>\n"
    )
    body = parse_patch_body(text)
    assert body.message == "Cover text.\n"
    assert body.notes.startswith("A (1):\n  x: y\n")
    assert body.diffstat == (" x.c | 2 +-", " 1 file changed, 1 insertion(+), 1 deletion(-)")
    assert body.base_commit == "0123456789abcdef0123456789abcdef01234567"
    assert body.change_id == "20240101-msix-fixes-3e1f2a"
    assert body.git_version is None


def test_list_footer_after_the_diff_is_not_diff() -> None:
    footer = (
        "_______________________________________________\nXen-devel mailing list\n"
        "Xen-devel@lists.xenproject.org\nhttps://lists.xenproject.org/mailman/listinfo/xen-devel\n"
    )
    body = parse_patch_body("Fix.\n---\n" + SMALL_DIFF + "\n" + footer)
    assert body.diff == SMALL_DIFF and body.defects == ()


# --- malformed ------------------------------------------------------------------------------


def test_short_hunk_is_a_defect_not_a_crash() -> None:
    broken = SMALL_DIFF.replace(" c\n", "") + "diff --git a/y b/y\n"
    body = parse_patch_body("Fix.\n---\n" + broken)
    assert body.files == ()
    assert body.defects == ("malformed diff: Hunk diff line expected: diff --git a/y b/y",)
    assert body.diff == broken
    with pytest.raises(ParseError, match="malformed diff: Hunk diff line expected"):
        parse_patch_body_strict("Fix.\n---\n" + broken)


def test_long_hunk_is_a_defect() -> None:
    broken = SMALL_DIFF + "+stray\n@@ -9 +9 @@\n-d\n+e\n"
    body = parse_patch_body("Fix.\n---\n" + broken)
    assert body.files == ()
    assert body.defects == ("malformed diff: diff text after line 9 is not part of a hunk",)


def test_diffstat_that_does_not_add_up() -> None:
    text = "Fix.\n---\n x.c | 3 ++-\n 1 file changed, 2 insertions(+), 1 deletion(-)\n\n"
    body = parse_patch_body(text + SMALL_DIFF)
    assert len(body.files) == 1
    assert body.defects == ("diffstat says 1 files, +2 -1; the diff has 1 files, +1 -1",)
    assert parse_patch_body_strict(text + SMALL_DIFF) == body


def test_strict_accepts_a_good_patch() -> None:
    text = body_text(fixture("seed-gdt.mbox", 0))
    assert parse_patch_body_strict(text) == parse_patch_body(text)
    assert replace(parse_patch_body(text), defects=("x",)) != parse_patch_body(text)


# --- subjects -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("[Xen-devel] [PATCH] x86/ctxt-switch: Document", "[PATCH] x86/ctxt-switch: Document"),
        ("Re: [Xen-devel] [PATCH 2/3]  x86/vpci:\n foo", "Re: [PATCH 2/3] x86/vpci: foo"),
        ("[xen-devel] Re: [PATCH] foo", "Re: [PATCH] foo"),
        ("[Xen-devel][PATCH v2] foo", "[PATCH v2] foo"),
        ("RE: AW: [Xen-devel] foo", "RE: AW: foo"),
        ("[PATCH] [Xen-devel] foo", "[PATCH] foo"),
        ("[Xen-devel] Re: [Xen-devel] [PATCH] foo", "Re: [PATCH] foo"),
        ("[PATCH] foo [Xen-devel]", "[PATCH] foo [Xen-devel]"),
        ("Re: mention of [Xen-devel] tags", "Re: mention of [Xen-devel] tags"),
        ("[PATCH]  plain ", "[PATCH] plain"),
    ],
)
def test_strip_list_tag(subject: str, expected: str) -> None:
    assert strip_list_tag(subject) == expected


def test_signature_inside_a_forwarded_text_does_not_cut_the_message() -> None:
    text = "Acked.\n\n-----Original Message-----\nCover.\n\n-- \n2.22.0\n\nMore reply.\n"
    body = parse_patch_body(text)
    assert (body.message, body.git_version) == (text, None)
    cover = "Cover.\n\n-- \n2.22.0\n"
    assert (parse_patch_body(cover).message, parse_patch_body(cover).git_version) == (
        "Cover.\n",
        "2.22.0",
    )
