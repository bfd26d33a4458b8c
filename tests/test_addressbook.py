"""Masked archive addresses back to real ones: thread, address book and git tree sources."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from reviewbot.addressbook import TRUST_ORDER, AddressBook, Resolution
from reviewbot.archive import parse_page
from reviewbot.errors import SpecError
from reviewbot.identity import Person, addresses_in, parse_person
from reviewbot.store import Store

JULY = "fixtures/archive/xen-devel/2019-07"
SITE = "https://lists.xenproject.org/archives/html/xen-devel/2019-07"


def _page_people(fixtures_dir: Path, number: int) -> tuple[Person, list[Person]]:
    """The unmasked From (X-From-R13) of a fixture page and the masked people in its body."""
    path = fixtures_dir / "archive/xen-devel/2019-07" / f"msg{number:05d}.html"
    page = parse_page(path.read_bytes(), f"{SITE}/{path.name}")
    sender = parse_person(page.from_header)
    assert sender is not None
    return sender, addresses_in(page.body_text)


def _masked(people: list[Person], local: str) -> Person:
    return next(p for p in people if p.address.split("@")[0] == local and p.masked)


# -- the fixtures' seed thread ----------------------------------------------------------------


def test_seed_thread_trailers_recover_from_the_senders(fixtures_dir: Path) -> None:
    book = AddressBook()
    bodies: list[Person] = []
    for number in range(4):  # Andrew's patch, Juergen's, Andrew's and Jan's replies
        sender, people = _page_people(fixtures_dir, number)
        book.add(sender, "thread-from")
        bodies += people

    juergen = book.resolve(_masked(bodies, "jgross"))
    assert juergen == Resolution(
        Person("Juergen Gross", "jgross@xxxxxxxx"),
        Person("Juergen Gross", "jgross@suse.com"),
        "thread-from",
        (),
    )
    assert juergen.resolved is True
    # Jan's From is "Jan Beulich" <JBeulich@suse.com>; his trailer spells the local part lower.
    jan = book.resolve(_masked(bodies, "jbeulich"))
    assert (jan.person, jan.source) == (Person("Jan Beulich", "jbeulich@suse.com"), "thread-from")
    andrew = book.resolve(_masked(bodies, "andrew.cooper3"))
    assert andrew.person == Person("Andrew Cooper", "andrew.cooper3@citrix.com")
    # Wei is only Cc'd here: nobody in this thread shows his address.
    wei = book.resolve(_masked(bodies, "wl"))
    assert (wei.person, wei.source, wei.candidates) == (None, "unresolved", ())
    assert wei.resolved is False


def test_wei_is_recovered_from_the_store_after_another_thread(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    wei_from, _ = _page_people(fixtures_dir, 18)  # Wei's ack on the vPCI series
    with Store.open(tmp_path / "s.db") as store:
        store.remember_addresses([wei_from])
    _, seed_bodies = _page_people(fixtures_dir, 0)
    with Store.open(tmp_path / "s.db") as store:
        book = AddressBook()
        book.extend(store.known_addresses(), "address-book")
    resolution = book.resolve(_masked(seed_bodies, "wl"))
    assert (resolution.person, resolution.source) == (
        Person("Wei Liu", "wl@xen.org"),
        "address-book",
    )


# -- sources, trust and ambiguity -------------------------------------------------------------


def test_trust_order_is_the_documented_one() -> None:
    assert TRUST_ORDER == (
        "thread-from",
        "thread",
        "address-book",
        "tree-maintainers",
        "tree-mailmap",
        "tree-git",
    )


@pytest.mark.parametrize("source", TRUST_ORDER)
def test_each_source_resolves_and_is_reported(source: str) -> None:
    book = AddressBook()
    book.add(Person("Andrew Cooper", "andrew.cooper3@citrix.com"), source)
    resolution = book.resolve(Person("", "andrew.cooper3@xxxxxxxxxx"))
    assert resolution == Resolution(
        Person("", "andrew.cooper3@xxxxxxxxxx"),
        Person("Andrew Cooper", "andrew.cooper3@citrix.com"),
        source,
        (),
    )


def test_a_more_trusted_source_wins_when_names_do_not_decide() -> None:
    book = AddressBook()
    book.add(Person("", "julien@arm.com"), "tree-git", weight=40)
    book.add(Person("", "julien@xen.org"), "thread")
    resolution = book.resolve(Person("", "julien@xxxxxxx"))
    assert (resolution.person, resolution.source) == (Person("", "julien@xen.org"), "thread")


def test_same_trust_two_domains_the_name_decides() -> None:
    book = AddressBook()
    book.add(Person("Wei Liu", "wl@xen.org"), "tree-git", weight=3)
    book.add(Person("Wen Lin", "wl@arm.com"), "tree-git")
    wei = book.resolve(Person("Wei Liu", "wl@xxxxxxx"))
    wen = book.resolve(Person("Wen Lin", "wl@xxxxxxx"))
    assert (wei.person, wei.source) == (Person("Wei Liu", "wl@xen.org"), "tree-git")
    assert (wen.person, wen.source) == (Person("Wen Lin", "wl@arm.com"), "tree-git")


def test_same_trust_two_domains_no_name_stays_unresolved_with_candidates() -> None:
    book = AddressBook()
    book.add(Person("Wei Liu", "wl@xen.org"), "tree-git", weight=3)
    book.add(Person("Wen Lin", "wl@arm.com"), "tree-git")
    book.add(Person("Wei Liu", "wl@xen.org.uk"), "tree-git")  # one character too long
    assert book.resolve(Person("", "wl@xxxxxxx")) == Resolution(
        Person("", "wl@xxxxxxx"),
        None,
        "unresolved",
        (Person("Wei Liu", "wl@xen.org"), Person("Wen Lin", "wl@arm.com")),
    )


def test_one_person_two_same_length_domains_stays_unresolved() -> None:
    book = AddressBook()
    book.add(Person("Julien Grall", "julien@arm.com"), "thread")
    book.add(Person("Julien Grall", "julien@xen.org"), "thread")
    resolution = book.resolve(Person("Julien Grall", "julien@xxxxxxx"))
    assert resolution.person is None
    assert {p.address for p in resolution.candidates} == {"julien@arm.com", "julien@xen.org"}


def test_a_candidate_named_otherwise_loses_to_one_named_alike() -> None:
    book = AddressBook()
    book.add(Person("Wen Lin", "wl@arm.com"), "thread")
    book.add(Person("Wei Liu", "wl@xen.org"), "address-book")
    named = book.resolve(Person("Wei Liu", "wl@xxxxxxx"))
    bare = book.resolve(Person("", "wl@xxxxxxx"))
    assert (named.person, named.source) == (Person("Wei Liu", "wl@xen.org"), "address-book")
    assert (bare.person, bare.source) == (Person("Wen Lin", "wl@arm.com"), "thread")


def test_a_lone_candidate_is_taken_even_under_another_spelling_of_the_name() -> None:
    book = AddressBook()
    book.add(Person("Andrew Cooper", "andrew.cooper3@citrix.com"), "address-book")
    resolution = book.resolve(Person("Andy Cooper", "andrew.cooper3@xxxxxxxxxx"))
    assert resolution.person == Person("Andrew Cooper", "andrew.cooper3@citrix.com")


def test_the_name_comes_from_the_most_trusted_source() -> None:
    book = AddressBook()
    book.add(Person("Roger Pau Monne", "roger.pau@citrix.com"), "thread", weight=5)
    book.add(Person("Roger Pau Monné", "roger.pau@citrix.com"), "thread-from")
    book.add(Person("", "Roger.Pau@citrix.com"), "tree-git")
    resolution = book.resolve(Person("", "roger.pau@xxxxxxxxxx"))
    assert (resolution.person, resolution.source) == (
        Person("Roger Pau Monné", "roger.pau@citrix.com"),
        "thread-from",
    )
    assert book.people() == [Person("Roger Pau Monné", "roger.pau@citrix.com")]


def test_the_masked_local_part_spelling_is_kept_and_the_name_falls_back() -> None:
    book = AddressBook()
    book.add(Person("", "jbeulich@suse.com"), "thread")
    resolution = book.resolve(Person("Jan Beulich", "JBeulich@xxxxxxxx"))
    assert resolution.person == Person("Jan Beulich", "JBeulich@suse.com")


def test_unmasked_resolves_to_itself_and_nothing_fits_is_unresolved() -> None:
    book = AddressBook()
    book.add(Person("Juergen Gross", "jgross@suse.com"), "thread-from")
    plain = Person("Jan Beulich", "jbeulich@suse.com")
    assert book.resolve(plain) == Resolution(plain, plain, "as-written", ())
    assert book.resolve(Person("", "jgross@xxxxxxxxx")) == Resolution(
        Person("", "jgross@xxxxxxxxx"), None, "unresolved", ()
    )


def test_add_ignores_masked_addresses_and_refuses_unknown_sources() -> None:
    book = AddressBook()
    book.add(Person("Juergen Gross", "jgross@xxxxxxxx"), "thread")
    book.extend([Person("Wei Liu", "wl@xxxxxxx"), Person("", "jgross@suse.com")], "thread")
    assert book.people() == [Person("", "jgross@suse.com")]
    assert len(book) == 1
    with pytest.raises(ValueError, match="unknown address source 'lore'"):
        book.add(Person("", "wl@xen.org"), "lore")


def test_merge_keeps_each_entries_trust_and_leaves_the_originals() -> None:
    thread = AddressBook()
    thread.add(Person("Wei Liu", "wl@xen.org"), "thread")
    tree = AddressBook()
    tree.add(Person("Wen Lin", "wl@arm.com"), "tree-git", weight=100)
    tree.add(Person("Juergen Gross", "jgross@suse.com"), "tree-maintainers")
    tree.add_aliases("dmkhn@proton.me", "dmukhin@ford.com")
    merged = thread.merge(tree)
    assert merged.resolve(Person("", "wl@xxxxxxx")).person == Person("Wei Liu", "wl@xen.org")
    assert merged.resolve(Person("", "jgross@xxxxxxxx")).source == "tree-maintainers"
    assert merged.aliases().same("dmkhn@proton.me", "dmukhin@ford.com") is True
    assert len(thread) == 1
    assert thread.resolve(Person("", "jgross@xxxxxxxx")).person is None


def test_aliases_from_full_names_and_given_groups() -> None:
    book = AddressBook()
    book.add(Person("Roger Pau Monné", "roger.pau@citrix.com"), "thread-from")
    book.add(Person("Roger Pau Monne", "roger.pau@cloud.com"), "tree-git")
    book.add(Person("Jan", "jan@example.org"), "thread")
    book.add(Person("Jan", "jan@example.com"), "thread")
    book.add_aliases("dmkhn@proton.me", "dmukhin@ford.com")
    aliases = book.aliases()
    assert aliases.same("roger.pau@citrix.com", "roger.pau@cloud.com") is True
    assert aliases.same("dmkhn@proton.me", "dmukhin@ford.com") is True
    assert aliases.same("jan@example.org", "jan@example.com") is False
    assert sorted(sorted(group) for group in aliases.groups()) == [
        ["dmkhn@proton.me", "dmukhin@ford.com"],
        ["roger.pau@citrix.com", "roger.pau@cloud.com"],
    ]


# -- from_tree --------------------------------------------------------------------------------

_GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Andrew Cooper",
    "GIT_AUTHOR_EMAIL": "andrew.cooper3@citrix.com",
    "GIT_COMMITTER_NAME": "Andrew Cooper",
    "GIT_COMMITTER_EMAIL": "andrew.cooper3@citrix.com",
}

MAINTAINERS = """\
Descriptions of section entries:

\tM: Mail patches to: FullName <address@domain>
\tR: Designated reviewer: FullName <address@domain>

THE REST
M:\tAndrew Cooper <andrew.cooper3@citrix.com>
M:\tJan Beulich <jbeulich@suse.com>
R:\tRoger Pau Monné <roger.pau@citrix.com>
L:\txen-devel@lists.xenproject.org
S:\tSupported
"""

MAILMAP = """\
# Proper names for old commits
Juergen Gross <jgross@suse.com>
<wl@xen.org> <wei.liu2@citrix.com>
Denis Mukhin <dmukhin@ford.com> <dmkhn@proton.me>
Jan Beulich <jbeulich@suse.com> JBeulich <JBeulich@novell.com>
"""


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env={**os.environ, **_GIT_ENV, **(env or {})},
    )


@pytest.fixture
def xen_tree(tmp_path: Path) -> Path:
    repo = tmp_path / "xen"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "staging")
    (repo / "MAINTAINERS").write_text(MAINTAINERS)
    (repo / ".mailmap").write_text(MAILMAP)
    _git(repo, "add", ".")
    _git(
        repo,
        "commit",
        "-qm",
        "docs: the old way\n\nSigned-off-by: Tim Deegan <tim@xen.org>",
    )
    (repo / "domain.c").write_text("int x;\n")
    _git(repo, "add", ".")
    _git(
        repo,
        "commit",
        "-qm",
        "x86/domain: fix it\n\nBecause.\n\n"
        "Signed-off-by: Denis Mukhin <dmukhin@ford.com>\n"
        "Reviewed-by: Stefano Stabellini <sstabellini@kernel.org>\n"
        "Acked-by: Wei Liu <wl@xen.org> # x86\n"
        "Release-Acked-by: Juergen Gross <jgross@suse.com>\n"
        'Fixes: 0123456789ab ("x86: something")\n',
        env={
            "GIT_AUTHOR_NAME": "Denis Mukhin",
            "GIT_AUTHOR_EMAIL": "dmkhn@proton.me",
            "GIT_COMMITTER_NAME": "Stefano Stabellini",
            "GIT_COMMITTER_EMAIL": "sstabellini@kernel.org",
        },
    )
    return repo


def test_from_tree_reads_maintainers_mailmap_and_history(xen_tree: Path) -> None:
    book = AddressBook.from_tree(xen_tree)
    found = {
        masked: (r.person, r.source)
        for masked in (
            "roger.pau@xxxxxxxxxx",
            "jbeulich@xxxxxxxx",
            "wei.liu2@xxxxxxxxxx",
            "JBeulich@xxxxxxxxxx",
            "dmkhn@xxxxxxxxx",
            "sstabellini@xxxxxxxxxx",
            "tim@xxxxxxx",
            "address@xxxxxx",
        )
        for r in [book.resolve(Person("", masked))]
    }
    assert found == {
        "roger.pau@xxxxxxxxxx": (
            Person("Roger Pau Monné", "roger.pau@citrix.com"),
            "tree-maintainers",
        ),
        "jbeulich@xxxxxxxx": (Person("Jan Beulich", "jbeulich@suse.com"), "tree-maintainers"),
        "wei.liu2@xxxxxxxxxx": (Person("", "wei.liu2@citrix.com"), "tree-mailmap"),
        "JBeulich@xxxxxxxxxx": (Person("JBeulich", "JBeulich@novell.com"), "tree-mailmap"),
        "dmkhn@xxxxxxxxx": (Person("Denis Mukhin", "dmkhn@proton.me"), "tree-mailmap"),
        "sstabellini@xxxxxxxxxx": (
            Person("Stefano Stabellini", "sstabellini@kernel.org"),
            "tree-git",
        ),
        "tim@xxxxxxx": (Person("Tim Deegan", "tim@xen.org"), "tree-git"),
        "address@xxxxxx": (None, "unresolved"),  # the indented MAINTAINERS help text
    }
    # Trailers name wl@xen.org; .mailmap's bare form already knew it, so the most trusted wins.
    assert book.resolve(Person("Wei Liu", "wl@xxxxxxx")).person == Person("Wei Liu", "wl@xen.org")
    aliases = book.aliases()
    assert aliases.same("dmkhn@proton.me", "dmukhin@ford.com") is True
    assert aliases.same("wl@xen.org", "wei.liu2@citrix.com") is True
    assert aliases.same("jbeulich@suse.com", "JBeulich@novell.com") is True
    assert aliases.same("jgross@suse.com", "wl@xen.org") is False


def test_from_tree_reads_only_the_newest_commits(xen_tree: Path) -> None:
    book = AddressBook.from_tree(xen_tree, max_commits=1)
    assert book.resolve(Person("", "tim@xxxxxxx")).person is None
    assert book.resolve(Person("", "sstabellini@xxxxxxxxxx")).person == Person(
        "Stefano Stabellini", "sstabellini@kernel.org"
    )
    without_history = AddressBook.from_tree(xen_tree, max_commits=0)
    assert without_history.resolve(Person("", "sstabellini@xxxxxxxxxx")).person is None


def test_from_tree_without_maintainers_or_commits(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    _git(repo, "init", "-q")
    assert len(AddressBook.from_tree(repo)) == 0
    (repo / "README").write_text("xen\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "start")
    assert AddressBook.from_tree(repo).people() == [
        Person("Andrew Cooper", "andrew.cooper3@citrix.com")
    ]


def test_from_tree_of_a_subdirectory_reads_the_top(xen_tree: Path) -> None:
    (xen_tree / "xen").mkdir()
    book = AddressBook.from_tree(xen_tree / "xen")
    assert book.resolve(Person("", "jbeulich@xxxxxxxx")).source == "tree-maintainers"


def test_from_tree_refuses_a_missing_dir_and_a_plain_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(SpecError, match="no such directory") as missing:
        AddressBook.from_tree(tmp_path / "absent")
    assert missing.value.hint == "give the path of a Xen checkout"
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "MAINTAINERS").write_text(MAINTAINERS)
    with pytest.raises(SpecError, match="not a git checkout") as not_git:
        AddressBook.from_tree(plain)
    assert "git init" in not_git.value.hint
