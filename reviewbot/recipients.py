"""Who a reply goes to: the author in To; the list and every other participant in Cc.

Addresses the archive masked are recovered through the address book (the thread, the store,
`--tree`'s MAINTAINERS, .mailmap and history); a person is listed once however many spellings
the thread has, and the reviewer never appears.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reviewbot.addressbook import AddressBook
from reviewbot.identity import Aliases, Person, fits_mask, same_person
from reviewbot.models import Message
from reviewbot.people import addressees, sender_of
from reviewbot.threads import Thread


@dataclass(frozen=True)
class Recipients:
    """To and Cc of a reply, and the people left out because their address stayed masked."""

    to: tuple[Person, ...]
    cc: tuple[Person, ...]
    unresolved: tuple[Person, ...] = ()

    def warnings(self) -> list[str]:
        """One line per person left out, saying how to get their address."""
        return [
            f"left {person} out of Cc: the archive masked the address and nothing recovers "
            "it; give --tree with a Xen tree (MAINTAINERS, .mailmap) or add it by hand"
            for person in self.unresolved
        ]


def reply_recipients(
    thread: Thread,
    replied: Message,
    book: AddressBook,
    me: Person,
    mailing_list: Person | None,
) -> Recipients:
    """To the sender of `replied`; Cc the list, then everyone who wrote in the thread (oldest
    post first), then everyone only addressed (in order of appearance), minus `me`."""
    aliases = book.aliases()
    chosen: list[Person] = []
    unresolved: list[Person] = []
    decided: set[str] = set()  # addresses (casefolded) already taken or turned away

    def take(people: Iterable[Person]) -> None:
        for person in people:
            if person.address.casefold() in decided:
                continue
            real = _unmasked(person, book, mailing_list)
            decided.add(person.address.casefold())
            if real is None and same_person(person, me, aliases):
                continue
            if real is None:
                if not any(same_person(person, seen, aliases) for seen in unresolved):
                    unresolved.append(person)
                continue
            if same_person(real, me, aliases):
                continue
            if not any(same_person(real, seen, aliases) for seen in chosen):
                chosen.append(real)

    author = sender_of(replied)
    messages = sorted(thread.messages.values(), key=lambda m: (m.sent_at, m.message_id))
    take([author] if author is not None else [])
    take([mailing_list] if mailing_list is not None else [])
    take(p for m in messages if (p := sender_of(m)) is not None)
    take(p for m in messages for p in addressees(m))
    return _split(chosen, author, mailing_list, unresolved, aliases)


def _split(
    chosen: list[Person],
    author: Person | None,
    mailing_list: Person | None,
    unresolved: list[Person],
    aliases: Aliases,
) -> Recipients:
    """The author in To when they are not the reviewer; else the list (else the first Cc)."""
    kept = [p for p in unresolved if not any(same_person(p, c, aliases) for c in chosen)]
    if not chosen:
        return Recipients((), (), tuple(kept))
    head = chosen[0]
    if author is not None and same_person(head, author, aliases):
        return Recipients((head,), tuple(chosen[1:]), tuple(kept))
    listed = [p for p in chosen if mailing_list is not None and same_person(p, mailing_list)]
    first = listed[0] if listed else head
    return Recipients((first,), tuple(p for p in chosen if p is not first), tuple(kept))


def _unmasked(person: Person, book: AddressBook, mailing_list: Person | None) -> Person | None:
    """`person` with a real address: as written, the list's, or recovered; None when masked."""
    if not person.masked:
        return person
    if mailing_list is not None and fits_mask(person.address, mailing_list.address):
        return Person(person.name or mailing_list.name, mailing_list.address)
    return book.unmask(person)
