"""Trailer names as written: misspelt ones (`Signed-of-by`) and ones in the wrong case.

A misspelt name in the commit message stays misspelt in the commit, and one in a reply is a
guess of reviewbot's (`Relase-Acked-by` read as Release-Acked-by): both are warnings. A name
in the wrong case (`Reviewed-By`) only matters in the commit message, which keeps it as
written; reviewbot writes collected trailers with the canonical name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reviewbot.attribution import Origin, Trailer
from reviewbot.findings import Finding
from reviewbot_trailers.kinds import MISSPELT_NAME, NONCANONICAL_CASE


def name_findings(
    trailers: Sequence[Trailer], sender_of: Callable[[Trailer], str], number: int
) -> list[Finding]:
    """Misspelt and wrongly cased trailer names; `sender_of` names who wrote a reply."""
    found: list[Finding] = []
    for trailer in trailers:
        written, name = trailer.written_name, trailer.name
        if trailer.near_miss and trailer.origin is Origin.EXISTING:
            message = (
                f"'{written}:' in the commit message is a misspelling of '{name}:'; correct it"
                " before committing."
            )
            found.append(MISSPELT_NAME.finding(message, number))
        elif trailer.near_miss:
            message = (
                f"'{written}:' from {sender_of(trailer)} (<{trailer.from_message}>) was read as"
                f" '{name}:'; check that this is what they meant."
            )
            found.append(MISSPELT_NAME.finding(message, number))
        elif trailer.origin is Origin.EXISTING and written != name:
            message = (
                f"'{written}:' in the commit message is in the wrong case; write '{name}:',"
                " the spelling Xen's tools and scripts expect."
            )
            found.append(NONCANONICAL_CASE.finding(message, number))
    return found
