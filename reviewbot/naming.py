"""Names reviewbot derives from a series: the am mbox file and the review branch."""

from __future__ import annotations

import re
from datetime import datetime

from reviewbot.subject import Version

#: Words that say little about what a series is about; dropped from short slugs.
_FILLER_WORDS = """
a an the and or but of to for in on at by with from into onto as is are be this that it
its via per when while not no only also more less some all any new old add adds added
document documents documented documentation improve improves improved improvement
handling handle handles fix fixes fixed fixup use uses make makes update updates remove
removes drop drops introduce introduces rework refactor clean cleanup tidy minor small
various misc further
"""
_FILLER = frozenset(_FILLER_WORDS.split())
#: Leading area components that name an architecture or subtree, not the topic.
_AREA_PREFIXES = frozenset({"x86", "arm", "arm32", "arm64", "xen", "tools", "common", "docs"})
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def title_slug(title: str, limit: int = 48) -> str:
    """Every word of the title, lower-cased and hyphenated, cut at a word near `limit`."""
    return _join(re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", title).casefold()), limit)


def short_slug(title: str, limit: int = 32) -> str:
    """`x86/ctxt-switch: Document and improve GDT handling` -> `ctxt-switch-gdt`.

    The area loses architecture prefixes; the summary loses filler words; a title made only
    of filler keeps all its words.
    """
    area, colon, summary = re.sub(r"['’]", "", title).partition(": ")
    if not colon:
        area, summary = "", title
    area_parts = [p for p in area.casefold().split("/") if p]
    while len(area_parts) > 1 and area_parts[0] in _AREA_PREFIXES:
        area_parts.pop(0)
    area_words = [w for part in area_parts for w in _WORD.findall(part)]
    summary_words = [w for w in _WORD.findall(summary.casefold()) if w not in _FILLER]
    if not summary_words:
        summary_words = _WORD.findall(summary.casefold())
    words = [*area_words, *(w for w in summary_words if w not in area_words)]
    return _join(words, limit) or title_slug(title, limit)


def _join(words: list[str], limit: int) -> str:
    slug = ""
    for word in words:
        if slug and len(slug) + len(word) > limit:
            break
        slug = f"{slug}-{word}" if slug else word[:limit]
    return slug


def mbox_name(sent: datetime, title: str, version: Version) -> str:
    """`2019-07-04-x86-ctxt-switch-document-and-improve-gdt-handling-v1.mbx`."""
    return f"{sent.strftime('%Y-%m-%d')}-{title_slug(title) or 'series'}-{version}.mbx"


def branch_name(sent: datetime, title: str, version: Version) -> str:
    """`review/2019-07-04-ctxt-switch-gdt-v1`."""
    return f"review/{sent.strftime('%Y-%m-%d')}-{short_slug(title) or 'series'}-{version}"
