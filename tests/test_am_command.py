"""`reviewbot am`: the am-ready mbox, its summary and JSON, from mailboxes and archive pages."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from reviewbot.cli import main
from reviewbot.demo import page_of
from tests.support.corpus import FIXTURES
from tests.support.faulty_server import FaultyServer

ARCHIVE = FIXTURES / "archive"
PREFIX = "/archives/html/"
SEED_PATCH = "20190704175732.5943-1-andrew.cooper3@citrix.com"
SEED_REPLY = "b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com"
SEED_JAN = "5D2319950200007800239C52@prv1-mh.provo.novell.com"
VPCI_COVER = "20190715102537.32081-1-roger.pau@citrix.com"
EDGE_E1 = "20190808080011.19724-1-dfaggioli@suse.com"
SEED_TRAILERS = [
    "Signed-off-by: Andrew Cooper <andrew.cooper3@citrix.com>",
    "Tested-by: Juergen Gross <jgross@suse.com>",
    "Reviewed-by: Juergen Gross <jgross@suse.com>",
    "Reviewed-by: Jan Beulich <jbeulich@suse.com>",
]


@pytest.fixture
def archive(faulty_server: FaultyServer) -> FaultyServer:
    faulty_server.mount(PREFIX, ARCHIVE)
    return faulty_server


def page_url(server: FaultyServer, message_id: str) -> str:
    found = page_of(ARCHIVE, message_id)
    assert found is not None
    return server.url(PREFIX + found)


def git_am_view(mbox: Path, tmp_path: Path) -> list[dict[str, str]]:
    """What `git mailinfo` (the parser inside `git am`) reads from each mail of the mbox."""
    split = tmp_path / "split"
    split.mkdir(exist_ok=True)
    count = int(
        subprocess.run(
            ["git", "mailsplit", "--mboxrd", "-o" + str(split), str(mbox)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    found = []
    for number in range(1, count + 1):
        mail = (split / f"{number:04d}").read_bytes()
        info = subprocess.run(
            ["git", "mailinfo", str(tmp_path / "msg"), str(tmp_path / "patch")],
            input=mail,
            check=True,
            capture_output=True,
        ).stdout.decode()
        fields = dict(line.split(": ", 1) for line in info.splitlines() if ": " in line)
        fields["message"] = (tmp_path / "msg").read_text()
        fields["patch"] = (tmp_path / "patch").read_text()
        found.append(fields)
    return found


def trailer_block(message: str) -> list[str]:
    return message.rstrip("\n").split("\n\n")[-1].splitlines()


def test_seed_from_archive_pages_alone(
    archive: FaultyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "seed.mbx"
    assert main(["am", page_url(archive, SEED_REPLY), "-o", str(out)]) == 0
    report = capsys.readouterr().out
    (patch,) = git_am_view(out, tmp_path)
    assert trailer_block(patch["message"]) == SEED_TRAILERS
    assert patch["Author"] == "Andrew Cooper"
    assert patch["Email"] == "andrew.cooper3@citrix.com"
    assert patch["Subject"] == "x86/ctxt-switch: Document and improve GDT handling"
    assert patch["Date"] == "Thu, 04 Jul 2019 18:57:32 +0100"
    assert patch["message"].startswith("write_full_gdt_ptes() has a latent bug.")
    assert "\nFrom this, we observe" in patch["message"]  # the mboxrd escape is undone
    assert patch["patch"].startswith("---\nCC: Jan Beulich <JBeulich@suse.com>\n")
    assert "\ndiff --git a/xen/arch/x86/domain.c" in patch["patch"]
    assert "xxxx" not in "\n".join(SEED_TRAILERS)
    assert "  [1/1] x86/ctxt-switch: Document and improve GDT handling  A:0 R:2 T:1" in report
    assert "+ Reviewed-by: Jan Beulich <jbeulich@suse.com>" in report
    assert f"<{SEED_JAN}>" in report
    assert report.splitlines()[-2:] == [
        f"wrote 1 patches to {out}",
        f"apply with: git am --patch-format=mboxrd {out}",
    ]


def test_seed_from_the_mailbox_gives_the_same_patch(tmp_path: Path) -> None:
    out = tmp_path / "seed.mbx"
    assert main(["am", str(FIXTURES / "mail" / "seed-gdt.mbox"), "-o", str(out), "-q"]) == 0
    (patch,) = git_am_view(out, tmp_path)
    assert trailer_block(patch["message"]) == SEED_TRAILERS


def test_json_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mbox = FIXTURES / "mail" / "series-vpci.mbox"
    code = main(["am", str(mbox), "--json", "-o", str(tmp_path / "v.mbx")])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    series = document["series"]
    assert series["version"] == "v2.1"
    assert series["versions"] == ["v1", "v2", "v2.1"]
    assert series["cover"] == "20190719144812.4455-1-roger.pau@citrix.com"
    assert series["missing"] == []
    assert [p["index"] for p in series["patches"]] == [1, 2, 3]
    second = series["patches"][1]
    assert second["message_id"] == "20190722090530.11893-1-roger.pau@citrix.com"
    assert second["subject"] == (
        "[PATCH v2.1 2/3] x86/vpci: don't unmask MSI-X entries with memory decoding disabled"
    )
    assert second["sent_subject"].startswith("[Xen-devel] [PATCH v2.1 2/3]")
    assert [(t["name"], t["value"], t["scope"], t["origin"]) for t in second["trailers"]] == [
        ("Signed-off-by", "Roger Pau Monné <roger.pau@citrix.com>", None, "existing"),
        ("Reviewed-by", "Paul Durrant <paul.durrant@citrix.com>", None, "existing"),
        ("Acked-by", "Wei Liu <wl@xen.org> # x86", "# x86", "existing"),
        ("Reviewed-by", "Jan Beulich <jbeulich@suse.com>", None, "new"),
    ]
    jan = second["trailers"][3]
    assert jan["from_message"] == "5D36D6600200007800241C7A@prv1-mh.provo.novell.com"
    assert jan["version"] == "v2.1" and jan["sender"].endswith("<JBeulich@suse.com>")


def test_an_older_version_and_its_cover_scoped_trailers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mbox = FIXTURES / "mail" / "series-vpci.mbox"
    out = tmp_path / "v1.mbx"
    assert main(["am", str(mbox), "-v", "1", "-o", str(out), "-q"]) == 0
    patches = git_am_view(out, tmp_path)
    blocks = [trailer_block(p["message"]) for p in patches]
    roger = "Signed-off-by: Roger Pau Monné <roger.pau@citrix.com>"
    paul = "Reviewed-by: Paul Durrant <paul.durrant@citrix.com>"  # "for patches 1-2"
    marek = "Tested-by: Marek Marczykowski-Górecki <marmarek@invisiblethingslab.com>"
    wei = "Acked-by: Wei Liu <wl@xen.org> # x86"
    # collected in date order: Paul's review of the cover (08:14 UTC), then Wei's ack (09:32)
    assert blocks == [[roger, paul], [roger, paul, wei], [roger, marek]]
    assert patches[0]["Subject"].startswith("vpci/msix: fix off-by-one")


def test_missing_patch_and_problems_are_reported(
    archive: FaultyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "e1.mbx"
    assert main(["am", page_url(archive, EDGE_E1), "-o", str(out)]) == 1  # 3/4 never came
    report = capsys.readouterr().out.splitlines()
    assert "missing: patch 3/4" in report
    assert any(
        line.startswith("not added, given by someone else: Tested-by: Igor Druzhinin")
        for line in report
    )
    assert any(
        line.startswith("misspelt trailer: 'Reviewd-by' read as Reviewed-by") for line in report
    )
    assert any(
        line.startswith("masked address kept: Acked-by: Stefano Stabellini") and "--tree" in line
        for line in report
    )
    assert len(git_am_view(out, tmp_path)) == 3


def test_the_store_address_book_unmasks_later_threads(
    archive: FaultyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first.mbx"
    assert main(["am", page_url(archive, SEED_PATCH), "-o", str(first), "-q"]) == 0
    assert "CC: Wei Liu <wl@xxxxxxx>" in first.read_text()  # Wei only in Cc, masked
    assert main(["fetch", page_url(archive, VPCI_COVER), "-q"]) == 0  # Wei sends a mail here
    again = tmp_path / "again.mbx"
    assert main(["am", page_url(archive, SEED_PATCH), "-o", str(again), "-q"]) == 0
    assert "CC: Wei Liu <wl@xen.org>" in again.read_text()
    capsys.readouterr()


def test_mbox_on_stdout_and_report_on_stderr(capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["am", str(FIXTURES / "mail" / "seed-gdt.mbox"), "-o", "-"]) == 0
    captured = capfdbinary.readouterr()
    assert captured.out.startswith(b"From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Andrew Cooper")
    assert b"Reviewed-by: Jan Beulich <jbeulich@suse.com>\n---\n" in captured.out
    assert b"wrote 1 patches to stdout" in captured.err


def test_default_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["am", str(FIXTURES / "mail" / "seed-gdt.mbox"), "-q"]) == 0
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".mbx"] == [
        "2019-07-04-x86-ctxt-switch-document-and-improve-gdt-handling-v1.mbx"
    ]


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["-v", "7"], "the thread has no v7; pick one of: v1, v2, v2.1"),
        (["-v", "seven"], "give a version like 2 or v2.1"),
        (["--tree", "/nonexistent/xen"], "/nonexistent/xen"),
        (["-o", "/nonexistent/dir/x.mbx"], "no directory /nonexistent/dir"),
    ],
)
def test_bad_options_are_one_line_and_write_nothing(
    extra: list[str],
    fragment: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["am", str(FIXTURES / "mail" / "series-vpci.mbox"), *extra]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reviewbot: error: ")
    assert fragment in lines[0]
    assert [p.name for p in tmp_path.iterdir() if p.name != "reviewbot-home"] == []


def test_a_thread_without_patches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mbox = FIXTURES / "mail" / "deep-thread.mbox"
    root = "20190709142044.dlwvq4hz6kmzsacx@debian"
    assert main(["am", str(mbox), "--msgid", root, "-o", str(tmp_path / "x.mbx")]) == 2
    assert "holds no patches" in capsys.readouterr().err
    assert not (tmp_path / "x.mbx").exists()
