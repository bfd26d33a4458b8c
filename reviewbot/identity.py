"""People in mail: parse "Name <address>", spot archive-masked addresses, decide who is who.

The Xen archive (MHonArc SPAMMODE) masks every address domain with one `x` per character:
`jgross@suse.com` becomes `jgross@xxxxxxxx`. A masked address still fixes the local part and
the domain length, which is what `fits_mask` checks. Xen developers also post from one address
and sign with another, so `same_person` accepts the usual spelling variants, known aliases and
equal full names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MASKED = re.compile(r"[^\s@<>()\[\],;:\"]+@x+(?![\w-]|\.\w)")
"""An address whose domain the archive replaced by x's (`fullmatch` one, `finditer` in text)."""

_NEEDS_QUOTES = re.compile(r'[()<>@,;:\\"\[\]]')
_MAILTO_NESTED = re.compile(r"<([^<>\s]+)<mailto:[^<>\s]*>>")
_MAILTO_AFTER = re.compile(r"(@[^\s<>\[\]]+>?)\s*[<\[]mailto:[^<>\[\]\s]*[>\]]")
_MAILTO_ALONE = re.compile(r"[<\[]mailto:([^<>\[\]\s]*)[>\]]")
_FOLDED_ADDRESS = re.compile(r"\r?\n[ \t]+(?=<[^<>\s]+@|\"[^\"\n]*\"\s*<)")
_ANGLE = re.compile(r"<\s*([^<>\s@]+@[^<>\s@]+)\s*>")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_BARE = re.compile(
    r"(?<![\w.+~'/=-])"
    r"([\w+~-]+(?:[.'][\w+~-]+)*@(?:" + _LABEL + r"(?:\." + _LABEL + r")+|x+))"
    r"(?![\w-]|\.\w)"
)
_LOOSE_BARE = re.compile(r"([^\s<>()\[\],;:\"@]+@[^\s<>()\[\],;:\"@]*[^\s<>()\[\],;:\"@.])")
_TRAILING_COMMENT = re.compile(r"\(([^()]*)\)\s*$")
_COMMENT_AFTER = re.compile(r"[ \t]*\(([^()\n]*)\)")
_NAME_CUT = re.compile(r"[:;,<>()\[\]\"=*|]")
_MAX_NAME_WORDS = 6
_HEADER_WITH_IDS = re.compile(r"^\s*(message-id|in-reply-to|references|x-reference)\s*:", re.I)
_MESSAGE_ID_LOCAL = re.compile(
    r"^\d{8,}[.-]"  # git send-email: 20190704175732.5943-1-…
    r"|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"  # Thunderbird and friends: UUIDs
    r"|^[0-9A-Fa-f]{16,}$"  # GroupWise and Outlook hex ids
    r"|^\d+(?:\.\d+)+$",  # Ian's VM mailer: 23845.12345.123456.789012
)


@dataclass(frozen=True)
class Person:
    """A display name and an address as written; the name is already RFC 2047-decoded."""

    name: str
    address: str

    @property
    def masked(self) -> bool:
        """Whether the archive replaced the domain by x's."""
        return MASKED.fullmatch(self.address) is not None

    def __str__(self) -> str:
        if not self.name:
            return self.address
        name = self.name
        if _NEEDS_QUOTES.search(name):
            name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{name} <{self.address}>"


def parse_person(text: str) -> Person | None:
    """The first person in `text` ("Name <a@b>", "a@b (Name)", a bare address ...), or None.

    Everything before the first `<address>` is the name, with quotes and a trailing
    "(comment)" removed; text after the address (a "# x86" scope, "for patches 1-2") is ignored.
    """
    found = _scan(_clean(text), whole_name=True, skip_message_ids=False)
    return found[0] if found else None


def addresses_in(text: str) -> list[Person]:
    """Every person named in free text or a header value (several for To/Cc), masked included.

    Each appears once, in order of first appearance; an address also given with a name is
    not repeated without one. Message-IDs (References lines, git send-email style ids) are
    skipped.
    """
    people = _scan(_clean(text), whole_name=False, skip_message_ids=True)
    unique = list(dict.fromkeys(people))
    named = {p.address.casefold() for p in unique if p.name}
    return [p for p in unique if p.name or p.address.casefold() not in named]


def fits_mask(masked: str, candidate: str) -> bool:
    """Whether the unmasked `candidate` could be what the archive turned into `masked`."""
    if MASKED.fullmatch(masked) is None or MASKED.fullmatch(candidate) is not None:
        return False
    local, _, xs = masked.rpartition("@")
    candidate_local, at, domain = candidate.rpartition("@")
    return bool(at) and candidate_local.casefold() == local.casefold() and len(domain) == len(xs)


def name_key(name: str) -> str:
    """A name reduced for comparison: no accents, no case, "Last, First" → "first last"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"\([^()]*\)", " ", text).replace('"', " ")
    if "," in text:
        last, _, first = text.partition(",")
        text = f"{first} {last}"
    return " ".join(text.split())


class Aliases:
    """Groups of addresses known to be one person (from .mailmap, same-name evidence, config)."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        self._parent: dict[str, str] = {}
        for group in groups:
            self.add(*group)

    def _root(self, address: str) -> str:
        key = address.casefold()
        while self._parent.get(key, key) != key:
            key = self._parent[key]
        return key

    def add(self, *addresses: str) -> None:
        """Record that all `addresses` belong to one person."""
        roots = [self._root(address) for address in addresses]
        for address in addresses:
            self._parent.setdefault(address.casefold(), address.casefold())
        for root in roots[1:]:
            if root != roots[0]:
                self._parent[root] = roots[0]

    def same(self, a: str, b: str) -> bool:
        """Whether `a` and `b` are the same address or recorded as one person's."""
        return a.casefold() == b.casefold() or self._root(a) == self._root(b)

    def members(self, address: str) -> frozenset[str]:
        """Every known address of the person using `address` (casefolded), itself included."""
        root = self._root(address)
        return frozenset(
            {address.casefold()} | {key for key in self._parent if self._root(key) == root}
        )

    def groups(self) -> list[frozenset[str]]:
        """The groups with more than one address, each casefolded."""
        grouped: dict[str, set[str]] = {}
        for key in self._parent:
            grouped.setdefault(self._root(key), set()).add(key)
        return [frozenset(group) for group in grouped.values() if len(group) > 1]


def same_person(a: Person, b: Person, aliases: Aliases | None = None) -> bool:
    """Whether `a` and `b` are one person: same address give or take spelling, an alias, a
    masked address that fits the other's, or equal full names (two words at least)."""
    if _same_address(a.address, b.address):
        return True
    if aliases is not None and aliases.same(a.address, b.address):
        return True
    for masked, other in ((a, b), (b, a)):
        if masked.masked and not other.masked:
            known = aliases.members(other.address) if aliases is not None else frozenset()
            if any(fits_mask(masked.address, address) for address in {other.address, *known}):
                return True
    key_a, key_b = name_key(a.name), name_key(b.name)
    return key_a == key_b and len(key_a.split()) >= 2


def _same_address(a: str, b: str) -> bool:
    local_a, _, domain_a = a.casefold().rpartition("@")
    local_b, _, domain_b = b.casefold().rpartition("@")
    if (local_a, domain_a) == (local_b, domain_b):
        return True
    if local_a.partition("+")[0] != local_b.partition("+")[0] or not domain_a or not domain_b:
        return False
    return (
        domain_a == domain_b
        or domain_a.endswith("." + domain_b)
        or domain_b.endswith("." + domain_a)
    )


# -- scanning ----------------------------------------------------------------------------------


def strip_mailto(text: str) -> str:
    """Undo the `mailto:` junk of mail converted from HTML.

    `Name <a@b<mailto:a@b>>` and `a@b <mailto:a@b>` lose the echo, `<mailto:a@b>` and
    `[mailto:a@b]` become `<a@b>`.
    """
    if "mailto:" not in text:
        return text
    text = _MAILTO_NESTED.sub(r"<\1>", text)
    text = _MAILTO_AFTER.sub(r"\1", text)
    return _MAILTO_ALONE.sub(r"<\1>", text)


def _clean(text: str) -> str:
    """HTML-mail junk and folded header lines undone."""
    return _FOLDED_ADDRESS.sub(" ", strip_mailto(text))


def _scan(text: str, *, whole_name: bool, skip_message_ids: bool) -> list[Person]:
    found: list[tuple[int, Person]] = []
    taken: list[tuple[int, int]] = []
    for match in _ANGLE.finditer(text):
        taken.append(match.span())
        address = match.group(1)
        if skip_message_ids and _is_message_id(text, match.start(), address):
            continue
        prefix = text[: match.start()]
        if not whole_name:
            prefix = prefix[prefix.rfind("\n") + 1 :]
        name = _whole_name(prefix) if whole_name else _name_before(prefix)
        found.append((match.start(), _person(name, address)))
    for match in (_LOOSE_BARE if whole_name else _BARE).finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        address = match.group(1)
        if skip_message_ids and _is_message_id(text, match.start(), address):
            continue
        comment = _COMMENT_AFTER.match(text, match.end())
        found.append((match.start(), _person(comment.group(1) if comment else "", address)))
    return [person for _, person in sorted(found, key=lambda item: item[0])]


def _person(name: str, address: str) -> Person:
    name = " ".join(name.split())
    if "@" in name:
        name = ""
    return Person(name, address)


def _whole_name(prefix: str) -> str:
    """The display name of a lone "Name <address>": all of it, unquoted, comment dropped."""
    name = prefix.strip()
    if name.startswith('"') and name.endswith('"') and len(name) >= 2:
        return _unquote(name[1:-1])
    comment = _TRAILING_COMMENT.search(name)
    if comment and name[: comment.start()].strip():
        name = name[: comment.start()]
    elif comment:
        name = comment.group(1)
    return name.strip().strip('"')


def _name_before(prefix: str) -> str:
    """The display name just before an `<address>` in running text or a list of addresses."""
    prefix = prefix.rstrip()
    if prefix.endswith('"'):
        opening = _opening_quote(prefix)
        if opening is not None:
            return _unquote(prefix[opening + 1 : -1])
    comment = _TRAILING_COMMENT.search(prefix)
    if comment and prefix[: comment.start()].strip():
        prefix = prefix[: comment.start()]
    cut = max((m.end() for m in _NAME_CUT.finditer(prefix)), default=0)
    words: list[str] = []
    for word in reversed(prefix[cut:].split()):
        if any(c.isdigit() for c in word) or "@" in word or len(words) == _MAX_NAME_WORDS:
            break
        words.append(word)
    return " ".join(reversed(words))


def _opening_quote(text: str) -> int | None:
    """Where the quoted string that ends `text` starts, honouring backslash escapes."""
    position = len(text) - 2
    while position >= 0:
        if text[position] == '"':
            backslashes = len(text[:position]) - len(text[:position].rstrip("\\"))
            if backslashes % 2 == 0:
                return position
        position -= 1
    return None


def _unquote(quoted: str) -> str:
    return re.sub(r"\\(.)", r"\1", quoted)


def _is_message_id(text: str, position: int, address: str) -> bool:
    line = text[text.rfind("\n", 0, position) + 1 : position]
    if _HEADER_WITH_IDS.match(line):
        return True
    local, _, domain = address.rpartition("@")
    if "." not in domain and MASKED.fullmatch(address) is None:
        return True  # Mutt's 20190709142044.dlwvq4hz6kmzsacx@debian, user@localhost
    return _MESSAGE_ID_LOCAL.search(local) is not None
