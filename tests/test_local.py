"""Local sources: mbox, maildir, .eml and a real `git format-patch` directory."""

from __future__ import annotations

import mailbox
import subprocess
from pathlib import Path

import pytest

from reviewbot.errors import ParseError
from reviewbot.local import read_local
from reviewbot.threads import thread_of
from tests.support.mails import raw_mail


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=Andrew Cooper",
            "-c",
            "user.email=andrew.cooper3@citrix.com",
            *args,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def series_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "xen"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "domain.c").write_text("int x;\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    for number in (1, 2):
        (repo / "domain.c").write_text(f"int x;\nint y{number};\n" * number)
        _git(repo, "commit", "-qam", f"x86/domain: step {number}\n\nBecause.")
    return repo


def test_unthreaded_format_patch_dir_becomes_one_series(series_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "patches"
    _git(series_repo, "format-patch", "-q", "--cover-letter", "-o", str(out), "HEAD~2")
    messages = read_local(out)
    thread = thread_of(messages, None, str(out))
    subjects = [m.subject for m in thread.ordered()]
    assert subjects == [
        "[PATCH 0/2] *** SUBJECT HERE ***",
        "[PATCH 1/2] x86/domain: step 1",
        "[PATCH 2/2] x86/domain: step 2",
    ]
    assert [m.is_patch for m in thread.ordered()] == [False, True, True]
    assert all(not m.pristine for m in messages)  # reviewbot had to add Message-IDs


def test_format_patch_stdout_mbox_becomes_one_series(series_repo: Path, tmp_path: Path) -> None:
    mbox = tmp_path / "series.mbox"
    mbox.write_text(_git(series_repo, "format-patch", "--stdout", "HEAD~2"))
    messages = read_local(mbox)
    thread = thread_of(messages, None, str(mbox))
    assert [m.subject for m in thread.ordered()] == [
        "[PATCH 1/2] x86/domain: step 1",
        "[PATCH 2/2] x86/domain: step 2",
    ]
    assert thread.ordered()[1].in_reply_to == thread.root
    assert thread.root.endswith("@format-patch.reviewbot.invalid")
    assert all(not m.pristine for m in messages)  # reviewbot had to add Message-IDs


def test_threaded_format_patch_dir_is_taken_as_is(series_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "patches"
    _git(series_repo, "format-patch", "-q", "--thread", "-o", str(out), "HEAD~2")
    messages = read_local(out)
    assert all(m.pristine for m in messages)
    thread = thread_of(messages, None, str(out))
    assert thread.ordered()[1].in_reply_to == thread.root


def test_mbox_maildir_and_eml_hold_the_same_thread(tmp_path: Path) -> None:
    raws = [raw_mail("a@x", "[PATCH] p"), raw_mail("b@x", "Re: [PATCH] p", parent="a@x")]
    box = mailbox.mbox(tmp_path / "t.mbox")
    maildir = mailbox.Maildir(tmp_path / "md")
    for raw in raws:
        box.add(raw)
        maildir.add(raw)
    box.close()
    (tmp_path / "one.eml").write_bytes(raws[1])
    for path in (tmp_path / "t.mbox", tmp_path / "md"):
        thread = thread_of(read_local(path), None, str(path))
        assert sorted(thread.messages) == ["a@x", "b@x"]
    (eml,) = read_local(tmp_path / "one.eml")
    assert (eml.message_id, eml.in_reply_to) == ("b@x", "a@x")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n binary", "is not mail"),
        (b"just some notes\nnothing else\n", "is not mail"),
        (b"Subject: no id\n\nbody\n", "no Message-ID"),
        (b"From x\nSubject: no id\n\nbody\n", "has no Message-ID"),
    ],
)
def test_files_that_are_not_mail_are_refused(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "file.txt"
    path.write_bytes(content)
    with pytest.raises(ParseError, match=fragment):
        read_local(path)


def test_a_directory_without_patches_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ParseError, match="no format-patch files"):
        read_local(tmp_path)


def test_broken_mime_and_charsets_are_kept_and_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reviewbot.cli import main

    bad_charset = raw_mail("a@x", "[PATCH] p").replace(
        b"\n\n",
        b"\nMIME-Version: 1.0\nContent-Type: text/plain; charset=x-martian\n"
        b"Content-Transfer-Encoding: 8bit\n\n\xe9t\xe9\n",
        1,
    )
    bad_base64 = raw_mail("b@x", "Re: [PATCH] p", parent="a@x").replace(
        b"\n\n",
        b"\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: base64\n\nnot*base64*at*all=\n",
        1,
    )
    box = tmp_path / "broken.mbox"
    box.write_bytes(
        b"From x Thu Jan  1 00:00:00 1970\n"
        + bad_charset
        + b"\nFrom x Thu Jan  1 00:00:00 1970\n"
        + bad_base64
    )
    first, second = read_local(box)
    assert first.defects == ("text in an undecodable charset 'x-martian'",)
    assert "InvalidBase64CharactersDefect" in second.defects
    assert main(["fetch", str(box)]) == 0
    tree = capsys.readouterr().out.splitlines()
    assert "[defects: text in an undecodable charset 'x-martian']" in tree[0]
    assert "Base64" in tree[1]
