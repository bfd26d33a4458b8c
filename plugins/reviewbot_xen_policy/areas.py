"""Area-scoped approvals: `Acked-by: Jan Beulich <jbeulich@suse.com> # x86` covers x86 files only.

A scope is split into areas at commas, semicolons, `&`, `+` and the word "and"
(`# x86, mm` is two areas). Each area is its words (letters and digits; `x86-specific` is
`x86` and `specific`) without filler words ("for the x86 parts" is `x86`). An area covers a file
when each of its words is a whole word of one of the titles of the sections listing the file
(`X86 ARCHITECTURE`) or of the file's path (`xen/arch/x86/mm/p2m.c`: xen, arch, x86, mm, p2m,
c); a scope covers a file when one of its areas does. A scope without any area word is no area
scope, and neither is one that only names patches (`for patches 1-2`): those cover all files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

FILLER_WORDS = frozenset(
    {
        "a",
        "all",
        "and",
        "bit",
        "bits",
        "change",
        "changes",
        "code",
        "for",
        "in",
        "of",
        "only",
        "part",
        "parts",
        "piece",
        "pieces",
        "side",
        "specific",
        "the",
        "to",
    }
)
_AREA_SEPARATORS = re.compile(r"[,;&+]|\band\b", re.IGNORECASE)
_WORD = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class AreaScope:
    """The areas an approval is limited to, each a tuple of words that must all match."""

    text: str
    areas: tuple[tuple[str, ...], ...]

    def covers(self, path: str, section_titles: Iterable[str]) -> bool:
        """Whether one of the areas names the file (its path or a section listing it)."""
        known = words_of(path)
        for title in section_titles:
            known |= words_of(title)
        return any(all(word in known for word in area) for area in self.areas)

    def __str__(self) -> str:
        return self.text


def area_scope(scope: str | None, patches: tuple[int, ...] | None = None) -> AreaScope | None:
    """The area scope of a trailer (its `scope` text and `scope_patches`), None when it has none."""
    if scope is None or patches is not None:
        return None
    areas: list[tuple[str, ...]] = []
    for part in _AREA_SEPARATORS.split(scope):
        words = tuple(w for w in _WORD.findall(part.casefold()) if w not in FILLER_WORDS)
        if words and words not in areas:
            areas.append(words)
    return AreaScope(scope.strip(), tuple(areas)) if areas else None


def words_of(text: str) -> set[str]:
    """The whole words of a path or a section title, lower case."""
    return set(_WORD.findall(text.casefold()))
