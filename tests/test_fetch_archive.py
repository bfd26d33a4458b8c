"""`reviewbot fetch` of archive pages from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reviewbot.cli import main
from reviewbot.demo import page_of
from tests.support.faulty_server import Fault, FaultyServer

ARCHIVE = Path(__file__).resolve().parent.parent / "fixtures" / "archive"
PREFIX = "/archives/html/"

SEED_PATCH = "20190704175732.5943-1-andrew.cooper3@citrix.com"
SEED_REPLY = "b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com"
SEED_THANKS = "6e1b8f0c-2d47-4a9e-b3d1-8c5f4e2a7b19@citrix.com"
SEED_JAN = "5D2319950200007800239C52@prv1-mh.provo.novell.com"
SEED_IDS = {SEED_PATCH, SEED_REPLY, SEED_THANKS, SEED_JAN}

CROSS_ROOT = "156461285713.6782.14227461924136183540.stgit@Palanthas"
CROSS_LAST = "8f3e6d2c1b0a9f8e7d6c5b4a39281706f5e4d3c2.camel@suse.com"


def path_of(message_id: str) -> str:
    found = page_of(ARCHIVE, message_id)
    assert found is not None, f"no fixture page for {message_id}"
    return PREFIX + found


@pytest.fixture
def archive(faulty_server: FaultyServer) -> FaultyServer:
    faulty_server.mount(PREFIX, ARCHIVE)
    return faulty_server


def fetch_json(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["fetch", "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else {}


def test_seed_thread_from_the_reply_page(
    archive: FaultyServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = fetch_json(archive.url(path_of(SEED_REPLY)), capsys=capsys)
    assert code == 0
    messages = {m["message_id"]: m for m in document["messages"]}  # type: ignore[attr-defined]
    assert document["root"] == SEED_PATCH
    assert set(messages) == SEED_IDS
    reply = messages[SEED_REPLY]
    assert reply["from"] == "Juergen Gross <jgross@suse.com>"  # unmasked from X-From-R13
    assert reply["in_reply_to"] == SEED_PATCH
    assert reply["pristine"] is False
    assert reply["source"] == archive.url(path_of(SEED_REPLY))
    assert messages[SEED_THANKS]["in_reply_to"] == SEED_REPLY


def test_tree_output_marks_the_patch(archive: FaultyServer, capsys: pytest.CaptureFixture[str]):
    assert main(["fetch", archive.url(path_of(SEED_PATCH))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "P [Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT handling  [A:0 R:2 T:1]"
    )
    assert "Andrew Cooper" in lines[0] and "[html; masked]" in lines[0]
    assert lines[1].startswith("· ├─ Re:") and "Juergen Gross" in lines[1]
    assert lines[2].startswith("· │  └─ Re:") and "Andrew Cooper" in lines[2]
    assert lines[3].startswith("· └─ Re:") and "Jan Beulich" in lines[3]
    assert lines[-1].startswith(f"thread <{SEED_PATCH}>: 4 messages, 1 patches")


@pytest.mark.parametrize("start", [CROSS_ROOT, CROSS_LAST])
def test_a_thread_cut_at_the_month_boundary_is_whole(
    archive: FaultyServer, capsys: pytest.CaptureFixture[str], start: str
) -> None:
    code, document = fetch_json(archive.url(path_of(start)), capsys=capsys)
    assert code == 0
    assert document["root"] == CROSS_ROOT
    sources = {m["source"] for m in document["messages"]}  # type: ignore[attr-defined]
    assert any("/2019-07/" in s for s in sources) and any("/2019-08/" in s for s in sources)
    assert len(document["messages"]) == 4  # type: ignore[arg-type]


def test_second_fetch_reuses_pages_and_revalidates_indexes(
    archive: FaultyServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = archive.url(path_of(SEED_REPLY))
    first_code, first = fetch_json(url, capsys=capsys)
    before = len(archive.log)
    second_code, second = fetch_json(url, capsys=capsys)
    again = archive.log[before:]
    assert first_code == second_code == 0 and first == second
    assert not [r for r in again if "/msg" in r.path]  # message pages come from the store
    index_requests = [r for r in again if r.path.endswith("threads.html")]
    assert index_requests and all(r.status in (304, 404) for r in index_requests)
    own = [r for r in index_requests if "/2019-07/" in r.path]
    assert own[0].headers.get("if-none-match")


def test_offline_answers_from_the_store_alone(
    archive: FaultyServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = archive.url(path_of(SEED_JAN))
    _, online = fetch_json(url, capsys=capsys)
    archive.stop()
    for spec in (url, SEED_JAN, f"<{SEED_PATCH}>"):
        code, offline = fetch_json("--offline", spec, capsys=capsys)
        assert code == 0 and offline == online


def test_retries_hide_passing_failures(
    archive: FaultyServer, capsys: pytest.CaptureFixture[str]
) -> None:
    flaky = path_of(SEED_JAN)
    archive.script(flaky, Fault.status_code(500, times=2))
    archive.script(path_of(SEED_THANKS), Fault.drop_before_headers())
    code, document = fetch_json(
        "-c", "http.backoff=0.01", archive.url(path_of(SEED_PATCH)), capsys=capsys
    )
    assert code == 0 and len(document["messages"]) == 4  # type: ignore[arg-type]
    assert [r.status for r in archive.requests(flaky)] == [500, 500, 200]


def test_a_reply_that_keeps_failing_is_reported_and_the_next_fetch_resumes(
    archive: FaultyServer, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = path_of(SEED_JAN)
    archive.script(broken, Fault.status_code(503, times=None))
    url = archive.url(path_of(SEED_PATCH))
    assert main(["-c", "http.backoff=0.01", "-c", "http.retries=1", "fetch", url]) == 1
    captured = capsys.readouterr()
    assert "3 messages" in captured.out
    assert f"skipped {archive.url(broken)}" in captured.err and "503" in captured.err
    archive._state.faults.clear()  # the server recovers
    before = len(archive.log)
    code, document = fetch_json(url, capsys=capsys)
    assert code == 0 and len(document["messages"]) == 4  # type: ignore[arg-type]
    assert [r.path for r in archive.log[before:] if "/msg" in r.path] == [broken]


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        (lambda s, p: s.script(p, Fault.status_code(404, times=None)), "404"),
        (lambda s, p: s.script(p, Fault.status_code(410, times=None)), "410"),
        (lambda s, p: s.script(p, Fault.status_code(503, times=None)), "kept failing"),
        (
            lambda s, p: s.add(p, b"<html><body>Hello</body></html>", content_type="text/html"),
            "not an MHonArc message page",
        ),
        (
            lambda s, p: s.add(
                p, (ARCHIVE / p[len(PREFIX) :]).read_bytes()[:3000], content_type="text/html"
            ),
            "truncated",
        ),
    ],
)
def test_a_bad_first_page_is_one_line_and_leaves_no_store(
    archive: FaultyServer,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
    setup: object,
    fragment: str,
) -> None:
    path = path_of(SEED_PATCH)
    setup(archive, path)  # type: ignore[operator]
    code = main(["-c", "http.backoff=0.01", "-c", "http.retries=1", "fetch", archive.url(path)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert fragment in captured.err
    store = isolated_home / "data" / "store.sqlite3"
    assert not store.exists() or _message_count(store) == 0


def _message_count(store: Path) -> int:
    return int(sqlite3.connect(store).execute("SELECT count(*) FROM messages").fetchone()[0])


def test_output_mbox_is_read_by_git(
    archive: FaultyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "thread.mbox"
    assert main(["fetch", "-q", archive.url(path_of(SEED_PATCH)), "-o", str(out)]) == 0
    split = tmp_path / "split"
    split.mkdir()
    done = subprocess.run(
        ["git", "mailsplit", "--mboxrd", f"-o{split}", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "4"
    first = (split / "0001").read_bytes()
    assert f"Message-ID: <{SEED_PATCH}>".encode() in first
    assert b"\ndiff --git a/xen/arch/x86/domain.c b/xen/arch/x86/domain.c\n" in first


def test_ctrl_c_keeps_what_was_fetched_and_the_next_fetch_resumes(
    archive: FaultyServer, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hanging = path_of(SEED_JAN)
    archive.script(hanging, Fault.slow(60))
    command = [
        sys.executable,
        "-m",
        "reviewbot",
        "fetch",
        "-c",
        "http.concurrency=1",
        archive.url(path_of(SEED_PATCH)),
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        archive.wait_for_request(hanging)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 130 and out == ""
    assert err.strip() == ("reviewbot: interrupted; everything fetched so far is kept in the store")
    store = isolated_home / "data" / "store.sqlite3"
    connection = sqlite3.connect(store)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    kept = {row[0] for row in connection.execute("SELECT message_id FROM messages")}
    connection.close()
    assert SEED_PATCH in kept and SEED_JAN not in kept
    before = len(archive.log)
    archive._state.faults.clear()
    code, document = fetch_json(archive.url(path_of(SEED_PATCH)), capsys=capsys)
    assert code == 0 and {m["message_id"] for m in document["messages"]} == SEED_IDS  # type: ignore[attr-defined]
    refetched = {r.path for r in archive.log[before:] if "/msg" in r.path}
    assert path_of(SEED_JAN) in refetched and path_of(SEED_PATCH) not in refetched
