"""The SQLite store keeps raw bytes, provenance and links; pristine copies win."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reviewbot.errors import StoreError
from reviewbot.models import Message
from reviewbot.store import Resource, Store
from tests.support.mails import mail, raw_mail


def test_messages_round_trip_with_provenance(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.put_messages([mail("a@x", "p"), mail("b@x", "Re: p", parent="a@x")])
        (got,) = store.get_messages(["b@x"])
    assert got.raw == raw_mail("b@x", "Re: p", parent="a@x")
    assert (got.source, got.pristine, got.in_reply_to) == ("test", True, "a@x")


def test_a_rebuilt_copy_never_replaces_a_pristine_one(tmp_path: Path) -> None:
    pristine = mail("a@x", "original")
    rebuilt = Message.from_raw(raw_mail("a@x", "from html"), "http://h/msg1.html", pristine=False)
    with Store.open(tmp_path / "s.db") as store:
        assert store.put_messages([pristine]) == 1
        assert store.put_messages([rebuilt]) == 0
        assert store.get_messages(["a@x"])[0].subject == "original"
        store.put_messages([Message.from_raw(raw_mail("b@x", "html"), "u", pristine=False)])
        store.put_messages([Message.from_raw(raw_mail("b@x", "lore"), "v", pristine=True)])
        assert store.get_messages(["b@x"])[0].subject == "lore"


def test_connected_ids_follow_links_both_ways(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.put_messages(
            [
                mail("a@x", "p"),
                mail("b@x", parent="a@x"),
                mail("c@x", parent="b@x", references=("a@x", "b@x")),
                mail("other@x", "unrelated"),
            ]
        )
        assert store.connected_ids("c@x") == {"a@x", "b@x", "c@x"}
        assert store.connected_ids("a@x") == {"a@x", "b@x", "c@x"}


def test_resources_keep_validators(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.put_resource(Resource("http://h/p.html", b"<html>", '"e1"', "Thu", "a@x", 1.0))
        assert store.get_resource("http://h/p.html") == Resource(
            "http://h/p.html", b"<html>", '"e1"', "Thu", "a@x", 1.0
        )
        assert store.message_id_for_url("http://h/p.html") == "a@x"
        assert store.get_resource("http://h/other") is None


def test_a_failed_batch_writes_nothing(tmp_path: Path) -> None:
    class Exploding(Message):
        @property
        def parent_candidates(self) -> tuple[str, ...]:
            raise RuntimeError("disk on fire")

    good = mail("a@x", "p")
    bad = Exploding(**{f: getattr(mail("b@x"), f) for f in Message.__dataclass_fields__})
    with Store.open(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError):
            store.put_messages([good, bad])
        assert store.get_messages(["a@x", "b@x"]) == []


def test_offline_open_of_a_missing_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no local store"):
        Store.open(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


def test_writes_are_visible_to_a_second_connection_at_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        store.put_messages([mail("a@x", "p")])
        rows = sqlite3.connect(path).execute("SELECT message_id FROM messages").fetchall()
    assert rows == [("a@x",)]
