"""Every fixture thread against its hand-written oracle (`fixtures/expected/*.json`).

The oracles were written from the mails by a person, not from reviewbot's output. Each thread
is checked twice: from its mailbox (pristine copies) and from the archive's HTML pages alone
(masked addresses, quotes rebuilt from blockquotes), where every address must be recovered
except the ones the oracle lists as unrecoverable from the archive.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reviewbot.am import am_subject
from reviewbot.attribution import Review, Trailer, review_series
from reviewbot.identity import Person
from reviewbot.series import build_series
from reviewbot.threads import Thread
from tests.support.corpus import FIXTURES, archive_thread, mailbox_thread

ORACLES = sorted((FIXTURES / "expected").glob("*.json"))


def oracle(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def masked(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local}@{'x' * len(domain)}"


def shown(trailer: Trailer) -> str:
    """The value without the scope, the way the oracle writes it."""
    if trailer.person is not None:
        return str(trailer.person)
    value = trailer.value
    if trailer.scope and value.endswith(trailer.scope):
        value = value[: -len(trailer.scope)].rstrip()
    return value


def expected_trailers(patch: dict[str, Any], unresolved: set[str]) -> list[list[Any]]:
    """The oracle's rows; an address it marks unrecoverable from the archive stays masked."""
    rows = []
    for name, value, scope, source, kind in patch["trailers"]:
        address = value.rpartition("<")[2].rstrip(">")
        if "@" in address and masked(address) in unresolved:
            value = value.replace(address, masked(address))
        rows.append([name, value, scope, source, kind])
    return rows


def actual_trailers(review: Review) -> dict[int, list[list[Any]]]:
    return {
        p.patch.index: [
            [t.name, shown(t), t.scope, t.from_message, t.origin.value] for t in p.trailers
        ]
        for p in review.patches
    }


def load(case: dict[str, Any], source: str) -> Thread:
    if source == "mailbox":
        return mailbox_thread(case["mbox"], case["msgid"])
    return archive_thread(case["msgid"])


@pytest.mark.parametrize("source", ["mailbox", "archive"])
@pytest.mark.parametrize("path", ORACLES, ids=[p.stem for p in ORACLES])
def test_series_and_trailers_match_the_oracle(path: Path, source: str) -> None:
    case = oracle(path)
    series = build_series(load(case, source))
    review = review_series(series)
    assert [str(v) for v in series.versions] == case["versions"]
    assert str(review.revision.version) == case["default_version"]
    cover = review.revision.cover
    assert (cover.message_id if cover else None) == case["cover"]
    assert review.revision.total == case["total"]
    assert review.revision.missing == case["missing"]
    assert [(p.patch.index, p.patch.message_id) for p in review.patches] == [
        (p["index"], p["message_id"]) for p in case["patches"]
    ]
    assert [am_subject(p.patch.subject) for p in review.patches] == [
        p["subject"] for p in case["patches"]
    ]
    unresolved = set(case["unresolved_from_archive"]) if source == "archive" else set()
    assert actual_trailers(review) == {
        p["index"]: expected_trailers(p, unresolved) for p in case["patches"]
    }
    assert sorted([t.written_name, t.name, t.from_message] for t in review.near_misses) == sorted(
        case["near_misses"]
    )
    assert sorted(
        [t.name, shown(t), t.from_message, t.sender] for t in review.mismatches
    ) == sorted(
        [name, value if source == "mailbox" else masked_value(value), msg, sender]
        for name, value, msg, sender in case["mismatches"]
    )
    assert sorted({t.person.address for t in review.unresolved if t.person}) == sorted(unresolved)


def masked_value(value: str) -> str:
    """A person as the archive shows it when nothing in it reveals the address."""
    name, _, rest = value.partition(" <")
    return f"{name} <{masked(rest.rstrip('>'))}>"


def test_a_tree_resolves_what_the_archive_cannot(tmp_path: Path) -> None:
    import subprocess

    from reviewbot.addressbook import AddressBook
    from reviewbot.attribution import thread_address_book

    tree = tmp_path / "xen"
    tree.mkdir()
    (tree / "MAINTAINERS").write_text(
        "ARM (W/ VIRTUALISATION EXTENSIONS) ARCHITECTURE\n"
        "M:\tStefano Stabellini <stefano.stabellini@xilinx.com>\n"
        "S:\tSupported\nF:\txen/arch/arm/\n"
    )
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    case = oracle(FIXTURES / "expected" / "series-edge-e1.json")
    series = build_series(archive_thread(case["msgid"]))
    book = thread_address_book(series, AddressBook.from_tree(tree))
    review = review_series(series, None, book)
    assert review.unresolved == []
    acks = [t for p in review.patches for t in p.trailers if t.name == "Acked-by"]
    stefano = next(t for t in acks if t.person and t.person.name == "Stefano Stabellini")
    assert stefano.person == Person("Stefano Stabellini", "stefano.stabellini@xilinx.com")
    assert stefano.resolution is not None and stefano.resolution.source == "tree-maintainers"
