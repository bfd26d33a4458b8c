"""The same trailer twice in what will be committed: same name, same person, same area.

People are the same by address (any spelling, a known alias, a masked address that fits) or
by full name, so a reviewer who answered v1 from one address and v2 from another is caught;
reviewbot's own de-duplication only compares addresses. Trailers without a person (Fixes,
Link...) are the same when their values are. Xen allows one reviewer several scoped tags
(`# x86`, `# arm`), so different scopes are different trailers; trailers above and below an
`Origin:` line belong to different patches and are never compared.
"""

from __future__ import annotations

from collections.abc import Sequence

from reviewbot.attribution import Origin, Trailer
from reviewbot.findings import Finding
from reviewbot.identity import Aliases, same_person
from reviewbot_trailers.kinds import DUPLICATE
from reviewbot_trailers.sections import parts, where


def duplicate_findings(trailers: Sequence[Trailer], aliases: Aliases, number: int) -> list[Finding]:
    """One finding for each trailer that repeats an earlier one (commit message first)."""
    kept: list[tuple[Trailer, int]] = []
    found: list[Finding] = []
    for trailer, part in zip(trailers, parts(trailers), strict=True):
        twin = next(
            (k for k, k_part in kept if k_part == part and _same(k, trailer, aliases)), None
        )
        if twin is None:
            kept.append((trailer, part))
            continue
        found.append(DUPLICATE.finding(_message(twin, trailer), number))
    return found


def _same(a: Trailer, b: Trailer, aliases: Aliases) -> bool:
    if a.name != b.name or _scope(a) != _scope(b):
        return False
    if a.person is not None and b.person is not None:
        return same_person(a.person, b.person, aliases)
    return a.key == b.key


def _scope(trailer: Trailer) -> str:
    """The area a trailer is limited to, normalised; "" for none or for patch numbers only."""
    if trailer.scope is None or trailer.scope_patches is not None:
        return ""
    return " ".join(trailer.scope.strip("# ").split()).casefold()


def _message(first: Trailer, again: Trailer) -> str:
    both_written = first.origin is Origin.EXISTING and again.origin is Origin.EXISTING
    if both_written and first.line() == again.line():
        return f"{again.line()} appears twice in the commit message; drop one of them."
    return (
        f"{first.line()} ({where(first)}) and {again.line()} ({where(again)}) are the same"
        f" {again.name} twice; keep only one of them."
    )
