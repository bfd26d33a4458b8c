"""The store's address book: every unmasked address seen, counted, kept across runs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from reviewbot.identity import Person
from reviewbot.store import Store


def _sql(path: Path, statement: str) -> list[tuple[object, ...]]:
    """Run one statement on the store file with a connection of our own, committed."""
    with closing(sqlite3.connect(path)) as db, db:
        return db.execute(statement).fetchall()


def test_addresses_round_trip_most_seen_first(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.remember_addresses(
            [
                Person("Jan Beulich", "JBeulich@suse.com"),
                Person("Juergen Gross", "jgross@xxxxxxxx"),
                Person("Wei Liu", "wl@xen.org"),
            ]
        )
        store.remember_addresses([Person("Wei Liu", "wl@xen.org")])
    with Store.open(tmp_path / "s.db", create=False) as store:
        assert store.known_addresses() == [
            Person("Wei Liu", "wl@xen.org"),
            Person("Jan Beulich", "JBeulich@suse.com"),
        ]


def test_an_address_is_counted_case_insensitively_and_keeps_its_first_spelling(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.remember_addresses([Person("Jan Beulich", "JBeulich@suse.com")])
        store.remember_addresses([Person("", "jbeulich@suse.com")])
        assert store.known_addresses() == [Person("Jan Beulich", "JBeulich@suse.com")]
        store.remember_addresses([Person("Beulich, Jan", "jbeulich@SUSE.com")])
        assert store.known_addresses() == [Person("Beulich, Jan", "JBeulich@suse.com")]
    assert _sql(tmp_path / "s.db", "SELECT address, name, seen FROM addresses") == [
        ("JBeulich@suse.com", "Beulich, Jan", 3)
    ]


def test_last_seen_moves_forward(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        store.remember_addresses([Person("", "wl@xen.org")])
    _sql(path, "UPDATE addresses SET last_seen = 1.0")
    with Store.open(path) as store:
        store.remember_addresses([Person("", "wl@xen.org")])
    ((seen, last_seen),) = _sql(path, "SELECT seen, last_seen FROM addresses")
    assert seen == 2
    assert isinstance(last_seen, float)
    assert last_seen > 1_600_000_000.0


def test_nothing_to_remember_creates_no_store(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        assert store.known_addresses() == []
        store.remember_addresses([])
        store.remember_addresses([Person("Wei Liu", "wl@xxxxxxx")])
        assert store.known_addresses() == []
    assert not path.exists()


def test_a_failing_batch_remembers_nothing(tmp_path: Path) -> None:
    def people() -> Iterator[Person]:
        yield Person("Wei Liu", "wl@xen.org")
        raise RuntimeError("parser blew up")

    with Store.open(tmp_path / "s.db") as store:
        store.remember_addresses([Person("", "jgross@suse.com")])
        with pytest.raises(RuntimeError):
            store.remember_addresses(people())
        assert store.known_addresses() == [Person("", "jgross@suse.com")]


def test_a_store_made_before_the_address_book_gains_it(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    _sql(
        path,
        "CREATE TABLE messages (message_id TEXT PRIMARY KEY, raw BLOB NOT NULL, "
        "source TEXT NOT NULL, pristine INTEGER NOT NULL, fetched_at REAL NOT NULL)",
    )
    with Store.open(path, create=False) as store:
        assert store.known_addresses() == []
        store.remember_addresses([Person("Andrew Cooper", "andrew.cooper3@citrix.com")])
        assert store.known_addresses() == [Person("Andrew Cooper", "andrew.cooper3@citrix.com")]
