"""Signed-off-by checks: the author's sign-off, its address, and the order of the chain.

The author must sign off (the Developer's Certificate of Origin); an S-o-b the author gave in
a reply counts, since reviewbot adds it. The chain is judged on the commit message: the
author signs off first (a co-developer's `Co-developed-by` + `Signed-off-by` pair may come
before), every `Co-developed-by: X` is followed at once by X's sign-off, and a patch sent on
someone else's behalf (in-body From) ends with the sender's sign-off. Within an imported
patch's `Origin:` split, the author-first rule applies to the part holding the author's
sign-off. Someone signing off twice is a duplicate, reported by the duplicates check.
"""

from __future__ import annotations

from collections.abc import Sequence

from reviewbot.attribution import Trailer
from reviewbot.findings import Finding
from reviewbot.identity import Aliases, Person
from reviewbot_trailers.authorship import Authorship, Match, match_person, short_name, who
from reviewbot_trailers.kinds import MISSING_AUTHOR_SIGNOFF, SIGNOFF_ADDRESS_DIFFERS, SIGNOFF_CHAIN
from reviewbot_trailers.sections import parts

SIGNED_OFF = "Signed-off-by"
CO_DEVELOPED = "Co-developed-by"


def author_signoff_findings(
    existing: Sequence[Trailer],
    collected: Sequence[Trailer],
    people: Authorship,
    aliases: Aliases,
    number: int,
) -> list[Finding]:
    """A missing author sign-off, or one that matches the author by name only."""
    author = people.author
    if author is None:
        return []
    matches = [
        (trailer.person, match)
        for trailer in (*existing, *collected)
        if trailer.name == SIGNED_OFF
        and trailer.person is not None
        and (match := match_person(trailer.person, author, aliases)) is not None
    ]
    if not matches:
        message = (
            f"The commit message has no Signed-off-by from the author {who(author)}; ask them"
            " to add their sign-off (the Developer's Certificate of Origin) before it is"
            " committed."
        )
        return [MISSING_AUTHOR_SIGNOFF.finding(message, number)]
    if all(match is Match.NAME for _, match in matches):
        signed = matches[0][0]
        message = (
            f"{short_name(author)} signed off as {signed.address} but the patch's author"
            f" address is {author.address}; ask which one the commit should carry and make"
            " the author and the Signed-off-by agree."
        )
        return [SIGNOFF_ADDRESS_DIFFERS.finding(message, number)]
    return []


def chain_findings(
    existing: Sequence[Trailer], people: Authorship, aliases: Aliases, number: int
) -> list[Finding]:
    """One finding per problem in the order of the commit message's sign-offs."""
    trailers = list(existing)
    problems = [
        *_co_developer_problems(trailers, aliases),
        *_author_first_problems(trailers, people.author, aliases),
        *_sender_last_problems(trailers, people, aliases),
    ]
    return [SIGNOFF_CHAIN.finding(message, number) for message in problems]


def _signed(trailer: Trailer) -> Person | None:
    return trailer.person if trailer.name == SIGNED_OFF else None


def _co_developer_problems(trailers: list[Trailer], aliases: Aliases) -> list[str]:
    problems = []
    for index, trailer in enumerate(trailers):
        if trailer.name != CO_DEVELOPED or trailer.person is None:
            continue
        following = _signed(trailers[index + 1]) if index + 1 < len(trailers) else None
        if following is None or match_person(following, trailer.person, aliases) is None:
            name = short_name(trailer.person)
            problems.append(
                f"Co-developed-by: {who(trailer.person)} is not immediately followed by"
                f" {name}'s Signed-off-by; every co-developer signs off on the line right"
                " after their Co-developed-by."
            )
    return problems


def _is_co_developer_signoff(trailers: list[Trailer], index: int, aliases: Aliases) -> bool:
    signer = _signed(trailers[index])
    if index == 0 or signer is None:
        return False
    before = trailers[index - 1]
    return (
        before.name == CO_DEVELOPED
        and before.person is not None
        and match_person(signer, before.person, aliases) is not None
    )


def _author_first_problems(
    trailers: list[Trailer], author: Person | None, aliases: Aliases
) -> list[str]:
    if author is None:
        return []
    signoffs = [i for i, t in enumerate(trailers) if _signed(t) is not None]
    first = next(
        (i for i in signoffs if match_person(_person(trailers, i), author, aliases) is not None),
        None,
    )
    if first is None:
        return []
    part = parts(trailers)
    earlier = [
        i
        for i in signoffs
        if i < first
        and part[i] == part[first]
        and not _is_co_developer_signoff(trailers, i, aliases)
    ]
    if not earlier:
        return []
    signer = _person(trailers, earlier[0])
    return [
        f"The first Signed-off-by is {short_name(signer)}'s, not the author"
        f" {short_name(author)}'s; the author signs off first, then everyone who handled the"
        " patch after them."
    ]


def _sender_last_problems(
    trailers: list[Trailer], people: Authorship, aliases: Aliases
) -> list[str]:
    sender, author = people.sender, people.author
    if not people.on_behalf or sender is None or author is None:
        return []
    signoffs = [i for i, t in enumerate(trailers) if _signed(t) is not None]
    by_sender = [
        i for i in signoffs if match_person(_person(trailers, i), sender, aliases) is not None
    ]
    if not by_sender:
        return [
            f"{who(sender)} sent {short_name(author)}'s patch without signing off; whoever"
            " sends someone else's patch adds their own Signed-off-by, last."
        ]
    if signoffs[-1] not in by_sender:
        last = _person(trailers, signoffs[-1])
        return [
            f"{who(sender)} sent {short_name(author)}'s patch but the last Signed-off-by is"
            f" {short_name(last)}'s; move the sender's Signed-off-by to the end."
        ]
    return []


def _person(trailers: list[Trailer], index: int) -> Person:
    person = trailers[index].person
    assert person is not None
    return person
