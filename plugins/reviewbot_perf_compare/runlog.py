"""`perf run` measurements in the local store: a header, then one entry per sample, then an end.

Each entry is written in its own transaction as it happens, so a run cut short by Ctrl-C
(or a crash) keeps every sample taken before it; such a run simply has no `end` entry, or one
that says `interrupted`.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from reviewbot.paths import store_file
from reviewbot.store import Store
from reviewbot_perf_compare.measure import RunSample

PLUGIN = "perf-compare"
COLLECTION = "runs"
COMPLETE = "complete"
INTERRUPTED = "interrupted"
FAILED = "failed"


@dataclass(frozen=True)
class StoredRun:
    """One `perf run` as the store holds it."""

    key: str
    about: str  # the thread's root Message-ID
    header: dict[str, Any]  # command, runs, warmup, base, head, tree, started, host, cpus
    samples: tuple[RunSample, ...]
    status: str  # COMPLETE, INTERRUPTED, FAILED, or "unfinished" when no end was written

    @property
    def recorded(self) -> tuple[RunSample, ...]:
        """The samples that count (warm-up runs left out)."""
        return tuple(s for s in self.samples if not s.warmup)

    def to_json(self) -> dict[str, object]:
        """The run as plain data."""
        return {
            "key": self.key,
            "about": self.about,
            "header": self.header,
            "status": self.status,
            "samples": [s.to_json() for s in self.samples],
        }


class RunLog:
    """Writes one run to the store as it goes."""

    def __init__(self, store: Store, about: str, header: dict[str, Any]) -> None:
        self._store = store
        self.about = about
        self.key = time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
        store.append_record(PLUGIN, COLLECTION, self.key, {"header": header}, about=about)

    def add(self, sample: RunSample) -> None:
        """Keep one sample."""
        self._store.append_record(
            PLUGIN, COLLECTION, self.key, {"sample": sample.to_json()}, about=self.about
        )

    def finish(self, status: str, detail: str = "") -> None:
        """Say how the run ended."""
        body = {"end": status, "detail": detail}
        self._store.append_record(PLUGIN, COLLECTION, self.key, body, about=self.about)


def stored_runs(store: Store, about: str | None = None) -> list[StoredRun]:
    """The runs kept in the store (about one thread when `about` is given), oldest first."""
    return [stored_run(store, key) for key in store.record_keys(PLUGIN, COLLECTION, about=about)]


def stored_run(store: Store, key: str) -> StoredRun:
    """One run read back from its entries (empty when the store has none under `key`)."""
    header: dict[str, Any] = {}
    samples: list[RunSample] = []
    status = "unfinished"
    entries = store.record(PLUGIN, COLLECTION, key)
    for entry in entries:
        if "header" in entry.body:
            header = dict(entry.body["header"])
        elif "sample" in entry.body:
            samples.append(RunSample.from_json(entry.body["sample"]))
        elif "end" in entry.body:
            status = str(entry.body["end"])
    owner = entries[0].about if entries else ""
    return StoredRun(key, owner, header, tuple(samples), status)


def runs_about(root: str) -> list[StoredRun]:
    """The stored runs of the thread rooted at `root`; none when there is no store yet."""
    path = store_file()
    if not path.exists():
        return []
    with Store.open(path, create=False) as store:
        return stored_runs(store, about=root)
