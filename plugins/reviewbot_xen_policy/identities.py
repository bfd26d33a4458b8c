"""Who is who: a trailer's giver against MAINTAINERS entries and the patch's author.

Xen people sign with one address and are listed with another (`JBeulich@suse.com` and
`jbeulich@suse.com`, an old employer's address): two people are one when their addresses are
equal give or take case, `+tag` and subdomains, when the address book knows the addresses as
one person's (.mailmap, configuration, equal names), or when their full names are equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from reviewbot.identity import Aliases, Person, same_person


@dataclass(frozen=True)
class People:
    """Compares people with the run's aliases."""

    aliases: Aliases = field(default_factory=Aliases)

    def same(self, a: Person, b: Person | None) -> bool:
        """Whether `a` and `b` are one person (False when `b` is unknown)."""
        return b is not None and same_person(a, b, self.aliases)

    def among(self, person: Person, group: Iterable[Person]) -> bool:
        """Whether `person` is one of `group`."""
        return any(self.same(person, member) for member in group)

    def unique(self, group: Iterable[Person]) -> list[Person]:
        """`group` in order without repeats of one person (the first spelling kept)."""
        kept: list[Person] = []
        for person in group:
            if not self.among(person, kept):
                kept.append(person)
        return kept

    def without(self, group: Sequence[Person], person: Person | None) -> list[Person]:
        """`group` without `person` (nothing removed when `person` is unknown)."""
        return [member for member in group if person is None or not self.same(member, person)]
