"""Where a trailer sits: the commit message or a reply, and which part of an `Origin:` split.

Xen keeps an imported patch's own trailers above its `Origin:` line and adds its own below
it, so sign-off order and duplicates are judged within each part, not across the line.
"""

from __future__ import annotations

from collections.abc import Sequence

from reviewbot.attribution import Origin, Trailer

ORIGIN = "Origin"


def parts(trailers: Sequence[Trailer]) -> list[int]:
    """For each trailer, how many `Origin:` lines of the commit message come before it.

    Give the commit message's trailers first: trailers from replies follow them and so go
    with its last part (they are added below it).
    """
    seen = 0
    numbers: list[int] = []
    for trailer in trailers:
        numbers.append(seen)
        if trailer.origin is Origin.EXISTING and trailer.name == ORIGIN:
            seen += 1
    return numbers


def where(trailer: Trailer) -> str:
    """`in the commit message`, or `from <message-id>` for a trailer given in a reply."""
    if trailer.origin is Origin.EXISTING:
        return "in the commit message"
    return f"from <{trailer.from_message}>"
