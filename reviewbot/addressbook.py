"""Recover the real addresses behind the archive's masked ones (`jgross@xxxxxxxx`).

An `AddressBook` collects every unmasked address seen, each with the source it came from:
the thread's own From headers, the rest of the thread, the local store's address book, and a
git tree's MAINTAINERS, .mailmap and history. A masked address resolves to the known address
with the same local part and domain length, preferring trusted sources and matching names;
when two people fit equally well it stays unresolved and lists them.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reviewbot.errors import SpecError
from reviewbot.identity import MASKED, Aliases, Person, fits_mask, name_key, parse_person

TRUST_ORDER: tuple[str, ...] = (
    "thread-from",
    "thread",
    "address-book",
    "tree-maintainers",
    "tree-mailmap",
    "tree-git",
)
"""Sources of addresses, most trusted first."""

_MAINTAINER_LINE = re.compile(r"^[MR]:\s*(\S.*)$", re.MULTILINE)
_MAILMAP_PART = re.compile(r"([^<>]*)<([^<>]*)>")
_TRAILER_LINE = re.compile(r"^([\w-]+-by)\s*:\s*(\S.*)$", re.IGNORECASE | re.MULTILINE)
_RECORD = "\x1e"
_FIELD = "\x00"
_LOG_FORMAT = "%x1e%an%x00%ae%x00%cn%x00%ce%x00%(trailers:only,unfold)"


@dataclass(frozen=True)
class Resolution:
    """What a (possibly masked) person resolved to, and from which source."""

    masked: Person
    person: Person | None
    source: str
    candidates: tuple[Person, ...] = ()

    @property
    def resolved(self) -> bool:
        """Whether a single real address was found."""
        return self.person is not None


@dataclass(frozen=True)
class _Fit:
    """How well one known address fits a masked person; lower `rank` is better."""

    key: str
    trust: int
    name_matches: bool
    contradicted: bool
    count: int

    @property
    def rank(self) -> tuple[bool, int, bool]:
        return (self.contradicted, self.trust, not self.name_matches)


class AddressBook:
    """Unmasked addresses with the names and sources they were seen with."""

    def __init__(self) -> None:
        self._spellings: dict[str, Counter[str]] = {}
        self._by_local: dict[str, set[str]] = {}
        self._seen: dict[str, Counter[tuple[int, str]]] = {}
        self._alias_groups: list[tuple[str, ...]] = []

    def __len__(self) -> int:
        return len(self._seen)

    def add(self, person: Person, source: str, *, weight: int = 1) -> None:
        """Record `person` as seen in `source` (one of TRUST_ORDER); masked ones are ignored."""
        if source not in TRUST_ORDER:
            raise ValueError(f"unknown address source {source!r}; use one of {TRUST_ORDER}")
        if person.masked or "@" not in person.address:
            return
        key = person.address.casefold()
        self._spellings.setdefault(key, Counter())[person.address] += weight
        self._by_local.setdefault(key.rpartition("@")[0], set()).add(key)
        self._seen.setdefault(key, Counter())[TRUST_ORDER.index(source), person.name] += weight

    def extend(self, people: Iterable[Person], source: str) -> None:
        """`add` each of `people` once."""
        for person in people:
            self.add(person, source)

    def add_aliases(self, *addresses: str) -> None:
        """Record that `addresses` are one person's (a .mailmap line, a config entry)."""
        if len(addresses) > 1:
            self._alias_groups.append(tuple(addresses))

    def people(self) -> list[Person]:
        """Every known address in its most common spelling with its most trusted name."""
        return [self._person(key) for key in self._seen]

    def resolve(self, masked: Person) -> Resolution:
        """The real person behind `masked`; an unmasked person resolves to itself."""
        if not masked.masked:
            return Resolution(masked, masked, "as-written")
        wanted = name_key(masked.name)
        local = masked.address.rpartition("@")[0].casefold()
        fits = [
            self._fit(key, wanted)
            for key in self._by_local.get(local, ())
            if fits_mask(masked.address, key)
        ]
        if not fits:
            return Resolution(masked, None, "unresolved")
        fits.sort(key=lambda fit: (fit.rank, -fit.count, fit.key))
        best = [fit for fit in fits if fit.rank == fits[0].rank]
        if len(best) > 1:
            candidates = tuple(self._person(fit.key) for fit in fits)
            return Resolution(masked, None, "unresolved", candidates)
        chosen = self._person(best[0].key)
        domain = chosen.address.rpartition("@")[2]
        person = Person(chosen.name or masked.name, f"{masked.address.rpartition('@')[0]}@{domain}")
        return Resolution(masked, person, TRUST_ORDER[best[0].trust])

    def unmask(self, person: Person) -> Person | None:
        """`person` with the real address (the name as written, else the known one); None when
        the address is masked and nothing recovers it."""
        if not person.masked:
            return person
        resolved = self.resolve(person).person
        return None if resolved is None else Person(person.name or resolved.name, resolved.address)

    def best(self, person: Person) -> Person:
        """`person` with the real address when the book recovers it, else as written."""
        return self.unmask(person) or person

    def unmask_text(self, text: str) -> str:
        """Masked addresses in free text replaced where the book recovers them."""

        def recovered(match: re.Match[str]) -> str:
            person = self.resolve(Person("", match.group(0))).person
            return person.address if person is not None else match.group(0)

        return MASKED.sub(recovered, text)

    def aliases(self) -> Aliases:
        """Addresses known to be one person's: equal full names (two words at least) and the
        groups given to `add_aliases` (from .mailmap and configuration)."""
        by_name: dict[str, set[str]] = {}
        for key, seen in self._seen.items():
            for _, name in seen:
                name_id = name_key(name)
                if len(name_id.split()) >= 2:
                    by_name.setdefault(name_id, set()).add(key)
        return Aliases([*self._alias_groups, *by_name.values()])

    def merge(self, other: AddressBook) -> AddressBook:
        """A new book holding both books' entries, each with its own sources."""
        merged = AddressBook()
        for book in (self, other):
            for key, spellings in book._spellings.items():
                merged._spellings.setdefault(key, Counter()).update(spellings)
            for local, keys in book._by_local.items():
                merged._by_local.setdefault(local, set()).update(keys)
            for key, seen in book._seen.items():
                merged._seen.setdefault(key, Counter()).update(seen)
            merged._alias_groups.extend(book._alias_groups)
        return merged

    @classmethod
    def from_tree(cls, tree: Path, *, max_commits: int = 20000) -> AddressBook:
        """Addresses from a git tree: MAINTAINERS M:/R: lines, .mailmap, and the authors,
        committers and *-by trailers of the last `max_commits` commits."""
        top = _work_tree(tree)
        book = cls()
        maintainers = top / "MAINTAINERS"
        if maintainers.is_file():
            for match in _MAINTAINER_LINE.finditer(_read_text(maintainers)):
                person = parse_person(match.group(1))
                if person is not None:
                    book.add(person, "tree-maintainers")
        mailmap = top / ".mailmap"
        if mailmap.is_file():
            for people in _mailmap_lines(_read_text(mailmap)):
                book.extend(people, "tree-mailmap")
                book.add_aliases(*dict.fromkeys(p.address for p in people))
        book.extend(_git_people(top, max_commits), "tree-git")
        return book

    # -- internals --------------------------------------------------------------------------

    def _fit(self, key: str, wanted: str) -> _Fit:
        seen = self._seen[key]
        names = {name_key(name) for _, name in seen if name.strip()}
        matches = bool(wanted) and wanted in names
        contradicted = bool(wanted and names) and not any(_compatible(wanted, n) for n in names)
        trust = min(rank for rank, _ in seen)
        return _Fit(key, trust, matches, contradicted, sum(seen.values()))

    def _person(self, key: str) -> Person:
        """The entry's most common spelling with its best name (most trusted, then commonest)."""
        address = self._spellings[key].most_common(1)[0][0]
        named = [(rank, -count, name) for (rank, name), count in self._seen[key].items() if name]
        return Person(min(named)[2] if named else "", address)


def _compatible(a: str, b: str) -> bool:
    """Whether two name keys may name the same person ("wei" and "wei liu" may)."""
    words_a, words_b = set(a.split()), set(b.split())
    return words_a <= words_b or words_b <= words_a


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def _mailmap_lines(text: str) -> Iterator[list[Person]]:
    """The people on each .mailmap line; a line with two addresses names one person twice."""
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        parts = [(name.strip(), email.strip()) for name, email in _MAILMAP_PART.findall(line)]
        if len(parts) == 1 and parts[0][1]:
            yield [Person(*parts[0])]
        elif len(parts) >= 2:
            (proper_name, proper_email), (commit_name, commit_email) = parts[:2]
            people = [Person(proper_name, proper_email)] if proper_email else []
            if commit_email:
                people.append(Person(commit_name or proper_name, commit_email))
            if people:
                yield people


def _git(top: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(top), "-c", "log.showSignature=false", *args],
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise SpecError(f"cannot run git: {exc}", "install git to use --tree") from None


def _work_tree(tree: Path) -> Path:
    """The top directory of the git checkout `tree` is in; SpecError when there is none."""
    if not tree.is_dir():
        raise SpecError(f"--tree {tree}: no such directory", "give the path of a Xen checkout")
    done = _git(tree, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise SpecError(
            f"--tree {tree}: not a git checkout",
            "give the path of a clone of xen.git, or run `git init` there first",
        )
    return Path(done.stdout.decode("utf-8", errors="replace").strip())


def _git_people(top: Path, max_commits: int) -> Iterator[Person]:
    """Authors, committers and *-by trailer people of the newest commits."""
    if max_commits <= 0 or _git(top, "rev-parse", "--verify", "-q", "HEAD").returncode != 0:
        return  # an empty repository has no history yet
    done = _git(top, "log", f"--max-count={max_commits}", "--no-color", f"--format={_LOG_FORMAT}")
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip()
        raise SpecError(f"git log failed in {top}: {message}", "check the tree with `git log`")
    for record in done.stdout.decode("utf-8", errors="replace").split(_RECORD)[1:]:
        fields = record.split(_FIELD)
        if len(fields) < 5:
            continue
        author_name, author_email, committer_name, committer_email, trailers = fields[:5]
        yield Person(author_name.strip(), author_email.strip())
        yield Person(committer_name.strip(), committer_email.strip())
        for match in _TRAILER_LINE.finditer(trailers):
            person = parse_person(match.group(2))
            if person is not None:
                yield person
