"""Who wrote a patch and who sent it, and whether a trailer names one of them.

The author is the mail's From, unless the commit message starts with git's in-body `From:`
line (a patch sent on someone else's behalf): then that line names the author and the mail's
From is the sender, whose sign-off must close the chain. Masked archive addresses are
recovered from the address book when possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reviewbot.addressbook import AddressBook
from reviewbot.identity import Aliases, Person, name_key, same_person
from reviewbot.people import in_body_author


class Match(StrEnum):
    """How a trailer's person was found to be someone."""

    ADDRESS = "address"  # the same address give or take spelling, or a known alias
    NAME = "name"  # only the full name agrees


@dataclass(frozen=True)
class Authorship:
    """The patch's author and the person who mailed it (the same person unless in-body From)."""

    author: Person | None
    sender: Person | None
    on_behalf: bool  # an in-body From names someone other than the sender


def authorship(
    sender: Person | None, message: str, book: AddressBook, aliases: Aliases
) -> Authorship:
    """The author and sender of a patch whose mail came from `sender` (already unmasked)."""
    written = in_body_author(message)
    if written is None:
        return Authorship(sender, sender, on_behalf=False)
    if written.masked:
        resolved = book.resolve(written).person
        if resolved is not None:
            written = Person(written.name or resolved.name, resolved.address)
    on_behalf = sender is not None and not same_person(written, sender, aliases)
    return Authorship(written, sender, on_behalf)


def match_person(a: Person, b: Person, aliases: Aliases) -> Match | None:
    """Whether `a` and `b` are one person: by address (spelling, alias, mask) or by full name."""
    if same_person(Person("", a.address), Person("", b.address), aliases):
        return Match.ADDRESS
    key = name_key(a.name)
    if len(key.split()) >= 2 and key == name_key(b.name):
        return Match.NAME
    return None


def who(person: Person) -> str:
    """`Name <address>`, or the bare address."""
    return str(person)


def short_name(person: Person) -> str:
    """The name, or the address when there is none."""
    return person.name or person.address
