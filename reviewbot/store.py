"""The local store: raw messages keyed by Message-ID, the HTTP resources they came from, an
address book of every unmasked address seen, and the records plugins keep (measurements).

One SQLite file (WAL mode). Every write is its own transaction, so a crash or Ctrl-C keeps
everything written before it and nothing half-written.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewbot.errors import StoreError
from reviewbot.identity import Person
from reviewbot.models import Message

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY,
    raw BLOB NOT NULL,
    source TEXT NOT NULL,
    pristine INTEGER NOT NULL,
    fetched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    message_id TEXT NOT NULL,
    ancestor TEXT NOT NULL,
    PRIMARY KEY (message_id, ancestor)
);
CREATE INDEX IF NOT EXISTS links_by_ancestor ON links (ancestor);
CREATE TABLE IF NOT EXISTS resources (
    url TEXT PRIMARY KEY,
    body BLOB NOT NULL,
    etag TEXT,
    last_modified TEXT,
    message_id TEXT,
    fetched_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_by_message ON resources (message_id);
CREATE TABLE IF NOT EXISTS records (
    plugin TEXT NOT NULL,
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    about TEXT NOT NULL,
    body TEXT NOT NULL,
    written_at REAL NOT NULL,
    PRIMARY KEY (plugin, collection, key, seq)
);
CREATE INDEX IF NOT EXISTS records_about ON records (plugin, collection, about);
CREATE TABLE IF NOT EXISTS addresses (
    address TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL,
    seen INTEGER NOT NULL,
    last_seen REAL NOT NULL
);
"""


@dataclass(frozen=True)
class StoredRecord:
    """One entry of a plugin's record: its position, what it is about, and its JSON body."""

    seq: int
    about: str
    body: dict[str, Any]
    written_at: float


@dataclass(frozen=True)
class Resource:
    """A fetched URL's body with the validators for a conditional request."""

    url: str
    body: bytes
    etag: str | None
    last_modified: str | None
    message_id: str | None
    fetched_at: float


class Store:
    """Open with `Store.open(path)`; use as a context manager to close it.

    The file is created by the first write, so a command that fails on bad input before
    storing anything leaves no store behind.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        if path.exists():
            self._connection = self._connect()

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Store:
        """Open the store at `path`; without `create` it must exist already."""
        if not create and not path.exists():
            raise StoreError(f"no local store at {path}", "fetch something without --offline first")
        return cls(path)

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"cannot open the store {self.path}: {exc}", "check REVIEWBOT_HOME and the disk"
            ) from None
        return connection

    @property
    def _db(self) -> sqlite3.Connection:
        """The connection, creating the file on first use."""
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    def _read(self, sql: str, parameters: tuple[str, ...]) -> list[tuple[Any, ...]]:
        """Rows of a query; none while the file does not exist yet."""
        if self._connection is None:
            return []
        return self._connection.execute(sql, parameters).fetchall()

    def close(self) -> None:
        """Close the database."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- messages ---------------------------------------------------------------------------

    def put_messages(self, messages: Iterable[Message]) -> int:
        """Store messages in one transaction; a rebuilt copy never replaces a pristine one.

        Returns how many rows were written or upgraded.
        """
        written = 0
        now = time.time()
        with self._transaction() as db:
            for message in messages:
                row = db.execute(
                    "SELECT pristine FROM messages WHERE message_id = ?", (message.message_id,)
                ).fetchone()
                if row is not None and row[0] and not message.pristine:
                    continue
                db.execute(
                    "INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?, ?)",
                    (message.message_id, message.raw, message.source, int(message.pristine), now),
                )
                db.executemany(
                    "INSERT OR IGNORE INTO links VALUES (?, ?)",
                    [(message.message_id, ancestor) for ancestor in message.parent_candidates],
                )
                written += 1
        return written

    def get_messages(self, message_ids: Iterable[str]) -> list[Message]:
        """The stored messages among `message_ids`."""
        found: list[Message] = []
        for mid in message_ids:
            for raw, source, pristine in self._read(
                "SELECT raw, source, pristine FROM messages WHERE message_id = ?", (mid,)
            ):
                found.append(Message.from_raw(raw, source, pristine=bool(pristine)))
        return found

    def all_messages(self) -> list[Message]:
        """Every stored message (the TUI's list of the store's threads)."""
        return [
            Message.from_raw(raw, source, pristine=bool(pristine))
            for raw, source, pristine in self._read(
                "SELECT raw, source, pristine FROM messages ORDER BY fetched_at", ()
            )
        ]

    def has_message(self, message_id: str) -> bool:
        """Whether the store holds this Message-ID."""
        return bool(self._read("SELECT 1 FROM messages WHERE message_id = ?", (message_id,)))

    def connected_ids(self, message_id: str) -> set[str]:
        """Every stored Message-ID linked to `message_id` by references, in either direction."""
        seen = {message_id}
        frontier = [message_id]
        while frontier:
            node = frontier.pop()
            rows = self._read(
                "SELECT ancestor FROM links WHERE message_id = ? "
                "UNION SELECT message_id FROM links WHERE ancestor = ?",
                (node, node),
            )
            for (linked,) in rows:
                if linked not in seen:
                    seen.add(linked)
                    frontier.append(linked)
        return {mid for mid in seen if self.has_message(mid)}

    # -- HTTP resources ---------------------------------------------------------------------

    def put_resource(self, resource: Resource) -> None:
        """Remember a fetched URL (body, validators and, for a message page, its Message-ID)."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO resources VALUES (?, ?, ?, ?, ?, ?)",
                (
                    resource.url,
                    resource.body,
                    resource.etag,
                    resource.last_modified,
                    resource.message_id,
                    resource.fetched_at,
                ),
            )

    def get_resource(self, url: str) -> Resource | None:
        """The stored copy of `url`, if any."""
        rows = self._read(
            "SELECT url, body, etag, last_modified, message_id, fetched_at FROM resources "
            "WHERE url = ?",
            (url,),
        )
        return Resource(*rows[0]) if rows else None

    def message_id_for_url(self, url: str) -> str | None:
        """The Message-ID of a stored archive page."""
        rows = self._read("SELECT message_id FROM resources WHERE url = ?", (url,))
        return str(rows[0][0]) if rows and rows[0][0] else None

    # -- address book -----------------------------------------------------------------------

    def remember_addresses(self, people: Iterable[Person]) -> None:
        """Count each unmasked address as seen once more, in one transaction.

        The address keeps its first spelling; a non-empty name replaces the one stored.
        Masked addresses are skipped, and nothing is written (no file made) when none is left.
        """
        unmasked = [person for person in people if not person.masked and "@" in person.address]
        if not unmasked:
            return
        now = time.time()
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO addresses VALUES (?, ?, 1, ?) ON CONFLICT (address) DO UPDATE SET "
                "seen = seen + 1, last_seen = excluded.last_seen, "
                "name = CASE WHEN excluded.name != '' THEN excluded.name ELSE name END",
                [(person.address, person.name, now) for person in unmasked],
            )

    def known_addresses(self) -> list[Person]:
        """Every remembered address with its latest name, the most often seen first."""
        rows = self._read(
            "SELECT name, address FROM addresses ORDER BY seen DESC, address COLLATE NOCASE", ()
        )
        return [Person(name, address) for name, address in rows]

    # -- plugin records ----------------------------------------------------------------------

    def append_record(
        self, plugin: str, collection: str, key: str, body: dict[str, Any], *, about: str = ""
    ) -> int:
        """Append one JSON entry to the record `key` in its own transaction; returns its seq.

        A record grows entry by entry (a measurement's header, then each sample), so an
        interrupted run keeps every entry written before the interruption.
        """
        text = json.dumps(body, sort_keys=True)
        with self._transaction() as db:
            row = db.execute(
                "SELECT COALESCE(MAX(seq), -1) FROM records "
                "WHERE plugin = ? AND collection = ? AND key = ?",
                (plugin, collection, key),
            ).fetchone()
            seq = int(row[0]) + 1
            db.execute(
                "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)",
                (plugin, collection, key, seq, about, text, time.time()),
            )
        return seq

    def record(self, plugin: str, collection: str, key: str) -> list[StoredRecord]:
        """Every entry of one record, in the order written."""
        rows = self._read(
            "SELECT seq, about, body, written_at FROM records "
            "WHERE plugin = ? AND collection = ? AND key = ? ORDER BY seq",
            (plugin, collection, key),
        )
        return [StoredRecord(int(s), str(a), json.loads(b), float(w)) for s, a, b, w in rows]

    def record_keys(self, plugin: str, collection: str, *, about: str | None = None) -> list[str]:
        """The keys of a plugin's records (only those about `about` when given), oldest first."""
        sql = "SELECT key, MIN(written_at) FROM records WHERE plugin = ? AND collection = ?"
        parameters: tuple[str, ...] = (plugin, collection)
        if about is not None:
            sql += " AND about = ?"
            parameters += (about,)
        rows = self._read(sql + " GROUP BY key ORDER BY MIN(written_at), key", parameters)
        return [str(key) for key, _ in rows]

    def delete_record(self, plugin: str, collection: str, key: str) -> int:
        """Remove a record with all its entries; returns how many entries went."""
        if self._connection is None:
            return 0
        with self._transaction() as db:
            cursor = db.execute(
                "DELETE FROM records WHERE plugin = ? AND collection = ? AND key = ?",
                (plugin, collection, key),
            )
        return cursor.rowcount
