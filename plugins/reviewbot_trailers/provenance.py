"""Trailers reviewbot does not add, or adds with a masked address, and why.

- given by someone else: a reply's trailer naming another person than the reply's sender
  (not added); skipped when that person's own trailer is added anyway;
- not carried: a trailer given on another copy of the patch (an older version, a RESEND)
  whose change differs (Xen voids a Tested-by once the code logic changes);
- unresolved: an added trailer whose address the archive masked and reviewbot could not
  recover.
"""

from __future__ import annotations

from collections.abc import Callable

from reviewbot.attribution import PatchReview, Trailer
from reviewbot.findings import Finding
from reviewbot_trailers.authorship import short_name
from reviewbot_trailers.kinds import GIVEN_BY_SOMEONE_ELSE, NOT_CARRIED, UNRESOLVED_ADDRESS
from reviewbot_trailers.sections import where


def given_by_someone_else(
    review: PatchReview, sender_of: Callable[[Trailer], str], number: int
) -> list[Finding]:
    """The reply trailers that name someone other than the reply's sender."""
    added = {trailer.key for trailer in review.trailers}
    found: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    for trailer in review.mismatches:
        if trailer.key in added or (trailer.from_message, *trailer.key) in seen:
            continue
        seen.add((trailer.from_message, *trailer.key))
        named = short_name(trailer.person) if trailer.person is not None else trailer.value
        message = (
            f"{trailer.line()} was written by {sender_of(trailer)} in"
            f" <{trailer.from_message}>, not by {named}, so it is not added; ask {named} to"
            " give it on the list, or add it by hand if they agreed elsewhere."
        )
        found.append(GIVEN_BY_SOMEONE_ELSE.finding(message, number))
    return found


def not_carried(review: PatchReview, number: int) -> list[Finding]:
    """Trailers given on a copy of the patch that makes a different change."""
    version = review.patch.version
    found: list[Finding] = []
    for trailer in review.not_carried:
        named = short_name(trailer.person) if trailer.person is not None else "its giver"
        message = (
            f"{trailer.line()} was given on {trailer.version} (<{trailer.from_message}>),"
            f" whose change differs from this {version}, so it is not carried; ask {named}"
            f" whether it still holds for {version}."
        )
        found.append(NOT_CARRIED.finding(message, number))
    return found


def unresolved(review: PatchReview, have_tree: bool, number: int) -> list[Finding]:
    """Added trailers that keep an address the archive masked."""
    found: list[Finding] = []
    for trailer in review.trailers:
        if not trailer.unresolved or trailer.resolution is None:
            continue
        candidates = trailer.resolution.candidates
        fits = f" (it fits {' and '.join(str(p) for p in candidates)})" if candidates else ""
        advice = (
            "write the real address by hand"
            if have_tree
            else "rerun with --tree DIR on a Xen checkout (its MAINTAINERS, .mailmap and"
            " history hold most addresses), or write the real address by hand"
        )
        message = (
            f"{trailer.line()} ({where(trailer)}) has an address the archive masked that could"
            f" not be recovered{fits}; {advice}."
        )
        found.append(UNRESOLVED_ADDRESS.finding(message, number))
    return found
