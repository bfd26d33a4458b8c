"""Patch mail subjects: reply prefixes, list tags, `[PATCH vN n/m]` groups and the title.

A superset of what b4 and patchwork accept (see the design notes, landscape §2.1):

- Reply prefixes are peeled from the front: `Re:`, `Aw:`, `Sv:`, `Fwd:`, `Fw:`, `Antw:`,
  `Vs:`, `Odp:`, `Rif:` (any case, also `Re[2]:` / `Re^2:`) always; any other 2-3 letter word
  plus `:` only when a `[` or another reply prefix follows (`RE:`, `AW:`, `SV:`, ...).
- List tags (`[Xen-devel]`; the set is configurable) are removed wherever they sit among the
  leading reply prefixes and bracket groups, and reported in `Subject.list_tags`.
- Every other leading `[...]` group is split on `[,;\\s]+`. `PATCHvN`, `PATCH-vN`, `PATCHn/m`
  and `PATCH-foo` (likewise for `RFC`/`RESEND`) are split apart. `vN`/`vN.M` (any case) is the
  version, `n/m` or `n of m` the counter and total, `PATCH`/`RFC`/`RESEND` flags; anything
  else is kept, spelled as sent, in `Subject.prefixes`. The first version and the first
  counter win; later ones are ignored. A counter above the total raises the total
  (`[PATCH 6/5]` is 6/6). One level of brackets nested inside a group is flattened.
- A trailing `(vN)` or `[vN]` (also `vN.M`) is removed from the title and gives the version
  when no bracket group did. Brackets elsewhere in the title (`x86/[pv]: fix`) are kept.

Parsing runs on every message of large mailboxes, so all patterns are compiled once here.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from reviewbot.errors import SpecError

#: Bracket-group contents (case-insensitive) that name a mailing list rather than the patch.
DEFAULT_LIST_TAGS: frozenset[str] = frozenset({"xen-devel"})

#: Reply and forward markers recognised even when ordinary title text follows them.
_KNOWN_REPLY_WORDS = frozenset({"re", "aw", "sv", "fwd", "fw", "antw", "vs", "odp", "rif"})

# A word (letters only, so `x86:` never matches) followed by a colon; `Re[2]:` / `Re^2:` too.
_REPLY_WORD = re.compile(r"([^\W\d_]{2,4})(?:\[\d+\]|\^\d+)?[ ]?:[ ]?")
# A bracket group, allowing one level of nested brackets inside it.
_GROUP = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\][ ]?")
_TOKEN_SEPARATORS = re.compile(r"[,;\s\[\]]+")
_VERSION_TOKEN = re.compile(r"[vV](\d{1,4})(?:\.(\d{1,4}))?")
_VERSION_TEXT = re.compile(r"[vV]?(\d{1,4})(?:\.(\d{1,4}))?")
_COUNTER_TOKEN = re.compile(r"(\d{1,4})/(\d{1,4})")
_NUMBER_TOKEN = re.compile(r"\d{1,4}")
# PATCHv3, PATCH-v3, PATCH2/7, PATCH-for-4.13, RFC-PATCH, RFCv2, RESEND-PATCH, ...
_GLUED_FLAG = re.compile(
    r"(patch|rfc|resend)(?:-?([vV]\d{1,4}(?:\.\d{1,4})?)|(\d{1,4}/\d{1,4})|-(.+))",
    re.IGNORECASE,
)
_TRAILING_VERSION = re.compile(
    r"[ ]?(?:\(([vV]\d{1,4}(?:\.\d{1,4})?)\)|\[([vV]\d{1,4}(?:\.\d{1,4})?)\])$"
)

_PATCH, _RFC, _RESEND = "patch", "rfc", "resend"
_FLAGS = frozenset({_PATCH, _RFC, _RESEND})


@dataclass(frozen=True, order=True)
class Version:
    """A series revision: `v2` is Version(2), a partial re-roll `v5.1` is Version(5, 1)."""

    major: int
    minor: int = 0

    def __str__(self) -> str:
        return f"v{self.major}.{self.minor}" if self.minor else f"v{self.major}"

    @classmethod
    def parse(cls, text: str) -> Version:
        """Read `v2`, `2`, `V5.1` or `5.1`; anything else is a SpecError."""
        match = _VERSION_TEXT.fullmatch(text.strip())
        if match is None or int(match[1]) == 0:
            raise SpecError(f"{text!r} is not a patch version", "give a version like 2 or v2.1")
        return cls(int(match[1]), int(match[2] or 0))


FIRST_VERSION = Version(1)


@dataclass(frozen=True)
class Subject:
    """What a patch mail's Subject says about the patch, and the title left over."""

    raw: str  # as given, whitespace collapsed
    title: str  # without reply prefixes, list tags, leading bracket groups, trailing (vN)
    is_reply: bool
    version: Version  # Version(1) when the subject names none
    version_explicit: bool
    counter: int | None  # n of n/m
    total: int | None  # m of n/m
    rfc: bool
    resend: bool
    patch_tagged: bool  # a PATCH token was present
    prefixes: tuple[str, ...]  # other tokens of the bracket groups, spelled and ordered as sent
    list_tags: tuple[str, ...]  # mailing-list tags removed, first spelling of each
    prefixes_before_patch: int = 0  # how many of `prefixes` preceded the PATCH/RFC/RESEND token

    @property
    def is_cover(self) -> bool:
        """Patch 0/N, the cover letter."""
        return self.counter == 0

    def tag(self) -> str:
        """The canonical prefix: `[XEN PATCH v3 for-4.21 2/7]`, `[RFC PATCH v2.1 0/3]`, or "".

        Prefixes sent before PATCH stay before it, RFC and RESEND come next, then PATCH, the
        version (only when the subject gave one), the other prefixes, and `n/m` unpadded.
        """
        words = list(self.prefixes[: self.prefixes_before_patch])
        if self.rfc:
            words.append("RFC")
        if self.resend:
            words.append("RESEND")
        if self.patch_tagged:
            words.append("PATCH")
        if self.version_explicit:
            words.append(str(self.version))
        words.extend(self.prefixes[self.prefixes_before_patch :])
        if self.counter is not None:
            words.append(f"{self.counter}/{self.total}")
        return f"[{' '.join(words)}]" if words else ""


def title_key(subject: Subject) -> str:
    """The title folded for matching the same patch across revisions and replies."""
    return " ".join(subject.title.split()).casefold()


def parse_subject(text: str, *, list_tags: Collection[str] = DEFAULT_LIST_TAGS) -> Subject:
    """Parse a Subject header; never fails (a subject without prefixes is all title).

    `list_tags` are the bracket-group contents (any case) that mark a mailing-list tag.
    """
    raw = " ".join(text.split())
    list_names = (
        list_tags if list_tags is DEFAULT_LIST_TAGS else frozenset(n.casefold() for n in list_tags)
    )
    is_reply, found_tags, pos = _peel_replies_and_list_tags(raw, list_names)

    groups: list[str] = []
    while (group := _GROUP.match(raw, pos)) is not None:
        pos = group.end()
        content = group[1].strip()
        if content.casefold() in list_names:
            _add_list_tag(found_tags, content)
        else:
            groups.append(content)
    title = raw[pos:].strip()

    tokens = [
        part
        for group_text in groups
        for token in _TOKEN_SEPARATORS.split(group_text)
        if token
        for part in _unglue(token)
    ]
    version: Version | None = None
    counter: int | None = None
    total: int | None = None
    flags: set[str] = set()
    prefixes: list[str] = []
    before_patch: int | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        folded = token.casefold()
        if folded in _FLAGS:
            flags.add(folded)
            if before_patch is None:
                before_patch = len(prefixes)
        elif (found := _version_token(token)) is not None:
            if version is None:
                version = found
        elif (match := _COUNTER_TOKEN.fullmatch(token)) is not None:
            if counter is None:
                counter, total = int(match[1]), int(match[2])
        elif _is_n_of_m(tokens, index - 1):
            if counter is None:
                counter, total = int(token), int(tokens[index + 1])
            index += 2
        else:
            prefixes.append(token)

    trailing = _TRAILING_VERSION.search(title) if title.endswith((")", "]")) else None
    if trailing is not None and (found := _version_token(trailing[1] or trailing[2])) is not None:
        title = title[: trailing.start()].rstrip()
        if version is None:
            version = found
    if counter is not None and total is not None and counter > total:
        total = counter

    return Subject(
        raw=raw,
        title=title,
        is_reply=is_reply,
        version=version or FIRST_VERSION,
        version_explicit=version is not None,
        counter=counter,
        total=total,
        rfc=_RFC in flags,
        resend=_RESEND in flags,
        patch_tagged=_PATCH in flags,
        prefixes=tuple(prefixes),
        list_tags=tuple(found_tags),
        prefixes_before_patch=len(prefixes) if before_patch is None else before_patch,
    )


def _peel_replies_and_list_tags(
    raw: str, list_names: Collection[str]
) -> tuple[bool, list[str], int]:
    """Skip leading reply prefixes and list tags: (is a reply, list tags, where the rest starts).

    An unknown 2-3 letter word with a colon only counts when a `[`, a known reply word or a
    list tag eventually follows it; otherwise parsing resumes before it (`mm: fix`).
    """
    is_reply = False
    found_tags: list[str] = []
    confirmed = pos = 0
    pending = False  # unknown words seen since `confirmed`, not yet shown to be reply prefixes
    while True:
        word = _REPLY_WORD.match(raw, pos)
        if word is not None:
            folded = word[1].casefold()
            if folded in _KNOWN_REPLY_WORDS:
                is_reply = True
                pending = False
                confirmed = pos = word.end()
                continue
            if len(folded) <= 3:
                pending = True
                pos = word.end()
                continue
            break
        group = _GROUP.match(raw, pos)
        if group is not None and group[1].strip().casefold() in list_names:
            is_reply = is_reply or pending
            pending = False
            _add_list_tag(found_tags, group[1].strip())
            confirmed = pos = group.end()
            continue
        break
    if pending and raw.startswith("[", pos):
        return True, found_tags, pos
    return is_reply, found_tags, confirmed


def _add_list_tag(found: list[str], tag: str) -> None:
    if all(tag.casefold() != seen.casefold() for seen in found):
        found.append(tag)


def _version_token(token: str) -> Version | None:
    """`vN` / `vN.M` in any case as a Version; None for anything else, `v0` included."""
    match = _VERSION_TOKEN.fullmatch(token)
    if match is None or int(match[1]) == 0:
        return None
    return Version(int(match[1]), int(match[2] or 0))


def _unglue(token: str) -> list[str]:
    """Split `PATCHv3`, `PATCH-for-4.13`, `RFC-PATCH`, ... into their tokens."""
    match = _GLUED_FLAG.fullmatch(token)
    if match is None:
        return [token]
    rest = match[2] or match[3]
    if rest is not None:
        return [match[1], rest]
    return [match[1], *_unglue(match[4])]


def _is_n_of_m(tokens: list[str], index: int) -> bool:
    """Whether tokens[index:index + 3] read `n of m` (the Mercurial form)."""
    return (
        index + 2 < len(tokens)
        and _NUMBER_TOKEN.fullmatch(tokens[index]) is not None
        and tokens[index + 1].casefold() == "of"
        and _NUMBER_TOKEN.fullmatch(tokens[index + 2]) is not None
    )


def reply_subject(subject: str, *, list_tags: Collection[str] = DEFAULT_LIST_TAGS) -> str:
    """The Subject of a reply: one `Re: ` before the subject, without earlier reply prefixes
    (`Re:`, `AW:`, `Re[2]:` …) and list tags (the list adds its own tag again)."""
    raw = " ".join(subject.split())
    names = (
        list_tags if list_tags is DEFAULT_LIST_TAGS else frozenset(n.casefold() for n in list_tags)
    )
    _, _, start = _peel_replies_and_list_tags(raw, names)
    rest = raw[start:].strip()
    return f"Re: {rest}" if rest else "Re:"
