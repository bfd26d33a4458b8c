"""Pristine copies from a real public-inbox-httpd, preferred over pages rebuilt from HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewbot.cli import main
from reviewbot.mail import split_mbox, write_mboxrd
from tests.support.faulty_server import FaultyServer
from tests.support.public_inbox import PublicInboxFactory
from tests.test_fetch_archive import ARCHIVE, PREFIX, SEED_IDS, SEED_JAN, SEED_PATCH, path_of

SEED_MBOX = Path(__file__).resolve().parent.parent / "fixtures" / "mail" / "seed-gdt.mbox"


@pytest.fixture
def archive(faulty_server: FaultyServer) -> FaultyServer:
    faulty_server.mount(PREFIX, ARCHIVE)
    return faulty_server


def fetch_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["fetch", "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else {}


def by_id(document: dict[str, object]) -> dict[str, dict[str, object]]:
    return {m["message_id"]: m for m in document["messages"]}  # type: ignore[attr-defined]


def test_archive_page_takes_the_thread_from_lore(
    archive: FaultyServer, public_inbox: PublicInboxFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    lore = public_inbox(SEED_MBOX)
    start = archive.url(path_of(SEED_JAN))
    code, document = fetch_json(capsys, "-c", f"lore_url={lore}", start)
    assert code == 0
    messages = by_id(document)
    assert set(messages) == SEED_IDS
    assert all(m["pristine"] is True for m in messages.values())
    assert {m["source"] for m in messages.values()} == {f"{lore}/{SEED_JAN}/t.mbox.gz"}
    pages = [r.path for r in archive.log if "/msg" in r.path]
    assert pages == [path_of(SEED_JAN)]  # nothing else rebuilt from HTML
    assert messages[SEED_PATCH]["from"] == "Andrew Cooper <andrew.cooper3@citrix.com>"


def test_only_what_lore_lacks_is_rebuilt_from_html(
    archive: FaultyServer,
    public_inbox: PublicInboxFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    partial = tmp_path / "without-jan.mbox"
    kept = [
        raw
        for raw in split_mbox(SEED_MBOX.read_bytes())
        if SEED_JAN.encode() not in raw.split(b"\n\n", 1)[0]
        or (
            b"In-Reply-To" in raw.split(b"\n\n", 1)[0]
            and b"Jan Beulich" not in raw.split(b"\n\n", 1)[0]
        )
    ]
    with partial.open("wb") as out:
        write_mboxrd(kept, out)
    lore = public_inbox(partial)
    code, document = fetch_json(capsys, "-c", f"lore_url={lore}", archive.url(path_of(SEED_PATCH)))
    assert code == 0
    messages = by_id(document)
    assert set(messages) == SEED_IDS
    assert [mid for mid, m in messages.items() if not m["pristine"]] == [SEED_JAN]
    assert messages[SEED_JAN]["source"] == archive.url(path_of(SEED_JAN))


@pytest.mark.parametrize(
    "spec",
    [
        f"<{SEED_JAN}>",
        f"id:{SEED_JAN}",
        SEED_JAN,
        "{lore}/" + SEED_JAN + "/T/#u",
        "{lore}/" + SEED_PATCH + "/raw",
    ],
)
def test_message_ids_and_lore_urls_give_the_whole_thread(
    public_inbox: PublicInboxFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spec: str,
) -> None:
    lore = public_inbox(SEED_MBOX)
    monkeypatch.setenv("REVIEWBOT_LORE_URL", lore)
    code, document = fetch_json(capsys, spec.format(lore=lore))
    assert code == 0
    assert document["root"] == SEED_PATCH
    assert set(by_id(document)) == SEED_IDS


def test_an_unknown_message_id_is_one_line(
    public_inbox: PublicInboxFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    isolated_home: Path,
) -> None:
    monkeypatch.setenv("REVIEWBOT_LORE_URL", public_inbox(SEED_MBOX))
    assert main(["fetch", "<nobody@example.org>"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("reviewbot: error: <nobody@example.org> is not on http://127.0.0.1:")
    assert not (isolated_home / "data" / "store.sqlite3").exists()


def test_message_id_with_lore_disabled_says_how_to_enable_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["fetch", "<a@example.org>"]) == 2
    assert "lore_url is empty" in capsys.readouterr().err
