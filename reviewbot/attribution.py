"""Who gave which trailer to which patch: replies walked up to the patch or cover they answer.

A reply's trailers go to the patch it answers (through any chain of replies); a trailer on a
cover letter goes to every patch of that version unless it names patches (`for patches 1-2`,
or `For patch 1:` on the line above it). A trailer given on another copy of a patch (an
earlier version, a RESEND) is carried only when that copy makes the same change (equal patch
ids); otherwise it is reported as not carried, since Xen voids a Tested-by once code changes.
Every trailer keeps where it came from, its giver is checked against the reply's sender, and
masked archive addresses are recovered from the address book.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from reviewbot.addressbook import AddressBook, Resolution
from reviewbot.identity import Aliases, Person, addresses_in, same_person
from reviewbot.mailtext import body_text
from reviewbot.models import Message
from reviewbot.people import addressees, sender_of, senders
from reviewbot.series import Patch, Revision, Series
from reviewbot.subject import Version, title_key
from reviewbot.trailers import TrailerLine, find_trailers, scope_patches

#: The approval trailers counted as A/R/T.
ACKED, REVIEWED, TESTED = "Acked-by", "Reviewed-by", "Tested-by"


class Origin(StrEnum):
    """Where a trailer of a patch comes from."""

    EXISTING = "existing"  # written in the patch itself
    NEW = "new"  # given in a reply to this patch or its cover letter
    CARRIED = "carried"  # given on another copy of the same change (older version, RESEND)


@dataclass(frozen=True)
class Trailer:
    """One trailer with its provenance: the message, sender, date and version it came from."""

    name: str
    written_name: str
    person: Person | None
    written_person: Person | None
    value: str
    scope: str | None
    scope_patches: tuple[int, ...] | None
    from_message: str
    sender: str
    date: str
    version: Version
    origin: Origin
    near_miss: bool = False
    mismatch: bool = False
    resolution: Resolution | None = None
    line_number: int | None = None

    @property
    def unresolved(self) -> bool:
        """Its address is masked and could not be recovered."""
        return self.resolution is not None and not self.resolution.resolved

    @property
    def key(self) -> tuple[str, str]:
        """What makes two trailers the same: the name and the giver's address (or value)."""
        who = self.person.address.casefold() if self.person else " ".join(self.value.split())
        return self.name.casefold(), who

    def line(self) -> str:
        """The trailer as it goes into a commit message: the address resolved, area scope kept.

        A scope that only names patches (`for patches 1-2`) has done its job by then and is left
        out; `# x86` and `[on Arm64]` stay.
        """
        if self.person is None:
            return f"{self.name}: {self.value}"
        scope = f" {self.scope}" if self.scope and self.scope_patches is None else ""
        return f"{self.name}: {self.person}{scope}"


@dataclass(frozen=True)
class PatchReview:
    """A patch of the chosen version with its trailers."""

    patch: Patch
    existing: tuple[Trailer, ...]
    collected: tuple[Trailer, ...]
    mismatches: tuple[Trailer, ...]
    not_carried: tuple[Trailer, ...]

    @property
    def trailers(self) -> tuple[Trailer, ...]:
        """Existing then collected: what the am-ready patch carries."""
        return (*self.existing, *self.collected)

    def count(self, name: str) -> int:
        """How many distinct givers gave `name` (e.g. Reviewed-by)."""
        return len({t.key for t in self.trailers if t.name == name})


@dataclass(frozen=True)
class Review:
    """The chosen version of a series and every patch's trailers."""

    series: Series
    revision: Revision
    patches: tuple[PatchReview, ...]
    unattributed: tuple[Trailer, ...]

    def all_trailers(self) -> list[Trailer]:
        """Every trailer of every patch, mismatches and not-carried ones included, no repeats."""
        seen: dict[tuple[str, str, str], Trailer] = {}
        for review in self.patches:
            for trailer in [
                *review.trailers,
                *review.mismatches,
                *review.not_carried,
            ]:
                seen.setdefault((trailer.from_message, *trailer.key), trailer)
        for trailer in self.unattributed:
            seen.setdefault((trailer.from_message, *trailer.key), trailer)
        return list(seen.values())

    @property
    def near_misses(self) -> list[Trailer]:
        """Trailers whose name was misspelt (kept under the right name)."""
        return [t for t in self.all_trailers() if t.near_miss]

    @property
    def unresolved(self) -> list[Trailer]:
        """Added trailers whose masked address could not be recovered (kept masked)."""
        applied = {(t.from_message, *t.key) for p in self.patches for t in p.trailers}
        return [
            t for t in self.all_trailers() if t.unresolved and (t.from_message, *t.key) in applied
        ]

    @property
    def mismatches(self) -> list[Trailer]:
        """Trailers given in a mail from someone else (not added)."""
        return [t for t in self.all_trailers() if t.mismatch]


def thread_address_book(series: Series, extra: AddressBook | None = None) -> AddressBook:
    """Every unmasked address the thread shows: senders first, then headers and bodies."""
    book = AddressBook()
    book.extend(senders(series.thread), "thread-from")
    # Other addresses only matter for recovering masked ones: skip them for pristine threads.
    if any(message.masked for message in series.thread.messages.values()):
        for message in series.thread.messages.values():
            book.extend(addressees(message), "thread")
            book.extend(addresses_in(body_text(message)), "thread")
    return book.merge(extra) if extra is not None else book


@dataclass(frozen=True)
class _Given:
    """Every reply trailer of a thread: by the Message-ID of each patch it applies to."""

    by_patch: dict[str, list[Trailer]]
    unattributed: tuple[Trailer, ...]


def _given(series: Series, book: AddressBook) -> _Given:
    aliases = book.aliases()
    by_patch: dict[str, list[Trailer]] = {}
    unattributed: list[Trailer] = []
    for message in series.thread.ordered():
        if series.role_of(message.message_id) is not None:
            continue
        target = series.answered(message.message_id)
        trailers = _reply_trailers(message, book, aliases)
        if target is None:
            unattributed += trailers
            continue
        for trailer, patch_ids in _targets(series, target, trailers):
            for patch_id in patch_ids:
                by_patch.setdefault(patch_id, []).append(trailer)
    return _Given(by_patch, tuple(unattributed))


def _review(series: Series, revision: Revision, given: _Given, book: AddressBook) -> Review:
    reviews = tuple(
        _patch_review(series, patch, given.by_patch, book) for patch in revision.ordered
    )
    return Review(series, revision, reviews, given.unattributed)


def review_series(
    series: Series, version: Version | None = None, book: AddressBook | None = None
) -> Review:
    """Collect, attribute, check and resolve every trailer for one version of `series`."""
    revision = series.revision(version)
    book = book if book is not None else thread_address_book(series)
    return _review(series, revision, _given(series, book), book)


def review_versions(series: Series, book: AddressBook) -> dict[Version, Review]:
    """`review_series` for every version, the replies read once."""
    given = _given(series, book)
    return {v: _review(series, series.revisions[v], given, book) for v in series.versions}


def _reply_trailers(message: Message, book: AddressBook, aliases: Aliases) -> list[Trailer]:
    """The trailers a reply gives, each checked against its sender and resolved."""
    text = body_text(message)
    lines = text.split("\n")
    sender = sender_of(message)
    version = Version(1)
    found: list[Trailer] = []
    for line in find_trailers(text, reply=True):
        trailer = _trailer(line, message, version, Origin.NEW, book)
        scope = line.patches if line.patches is not None else _prose_scope(lines, line.line)
        if scope is not None and line.patches is None:
            trailer = replace(trailer, scope_patches=scope)
        if trailer.person is not None and sender is not None:
            written = trailer.written_person or trailer.person
            if not same_person(written, sender, aliases) and not same_person(
                trailer.person, sender, aliases
            ):
                trailer = replace(trailer, mismatch=True)
        found.append(trailer)
    return found


def _prose_scope(lines: list[str], index: int) -> tuple[int, ...] | None:
    """Patches named on the line just above a trailer, e.g. `For patches 1 and 2:`."""
    for previous in reversed(lines[max(0, index - 2) : index]):
        text = previous.strip()
        if not text:
            continue
        if text.endswith(":") and not text.startswith(">") and "patch" in text.casefold():
            return scope_patches(text)
        return None
    return None


def _written_person(line: TrailerLine) -> Person | None:
    if line.address is None:
        return None
    return Person(line.person_name or "", line.address)


def _trailer(
    line: TrailerLine, message: Message, version: Version, origin: Origin, book: AddressBook
) -> Trailer:
    written = _written_person(line)
    resolution = None
    person = written
    if written is not None and written.masked:
        resolution = book.resolve(written)
        if resolution.person is not None:
            person = Person(written.name or resolution.person.name, resolution.person.address)
    return Trailer(
        name=line.name,
        written_name=line.written,
        person=person,
        written_person=written,
        value=line.value,
        scope=line.scope,
        scope_patches=line.patches,
        from_message=message.message_id,
        sender=message.from_,
        date=message.date,
        version=version,
        origin=origin,
        near_miss=line.near_miss,
        resolution=resolution,
        line_number=line.line,
    )


def _targets(
    series: Series, target: str, trailers: list[Trailer]
) -> Iterable[tuple[Trailer, list[str]]]:
    """Each trailer with the Message-IDs of the patches it applies to."""
    role = series.role_of(target)
    assert role is not None
    version, number = role
    revision = series.revisions[version]
    for trailer in trailers:
        dated = replace(trailer, version=version)
        if dated.scope_patches is not None:
            chosen = [revision.patches[n] for n in dated.scope_patches if n in revision.patches]
            yield dated, [p.message_id for p in chosen]
        elif number == 0:
            yield dated, [p.message_id for p in revision.ordered]
        else:
            yield dated, [target]


def _patch_review(
    series: Series, patch: Patch, given: dict[str, list[Trailer]], book: AddressBook
) -> PatchReview:
    existing = tuple(
        _trailer(line, patch.message, patch.version, Origin.EXISTING, book)
        for line in find_trailers(patch.body.message, reply=False)
    )
    seen = {t.key for t in existing}
    collected: list[Trailer] = []
    mismatches: list[Trailer] = []
    not_carried: list[Trailer] = []
    for other in _copies(series, patch):
        for trailer in given.get(other.message_id, []):
            if other.message_id != patch.message_id:
                if other.patch_id != patch.patch_id:
                    if trailer.key not in seen:
                        not_carried.append(replace(trailer, origin=Origin.CARRIED))
                    continue
                trailer = replace(trailer, origin=Origin.CARRIED)
            if trailer.mismatch:
                mismatches.append(trailer)
            elif trailer.key not in seen:
                seen.add(trailer.key)
                collected.append(trailer)
    collected.sort(key=lambda t: series.thread.messages[t.from_message].sent_at)
    return PatchReview(patch, existing, tuple(collected), tuple(mismatches), tuple(not_carried))


def _copies(series: Series, patch: Patch) -> list[Patch]:
    """The patch itself, then every other copy of it in the thread (same number and title)."""
    key = title_key(patch.subject)
    others = [
        p
        for p in series.patches_by_id.values()
        if p.message_id != patch.message_id
        and (
            p.patch_id == patch.patch_id or (p.index == patch.index and title_key(p.subject) == key)
        )
    ]
    return [patch, *sorted(others, key=lambda p: p.message.sent_at)]
