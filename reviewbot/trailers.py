"""Find trailer lines (`Reviewed-by: Name <addr> # scope`) in a commit message or a reply.

Only the line level: which lines are trailers, their canonical name, the person, the scope and
the patch numbers the scope names. Which patch a reply's trailers belong to is decided elsewhere.

Rules in short (details on `find_trailers`):

- Commit messages (`reply=False`) follow `git interpret-trailers`: the trailers are the last
  paragraph when it is made of trailer lines (`Cc:` and `[ comment ]` lines allowed inside).
  Anything from a `---` line on is ignored, and trailing paragraphs made only of `[...]` lines
  (footnotes) are skipped, as Xen commits sometimes have them after the trailers.
- Replies (`reply=True`): any unquoted line, anywhere above the signature, that starts with at
  most two spaces and `Name:` where Name ends in `-by` or is one of Fixes/Link/Backport/Origin/
  Amends/Resolves/Closes, and whose value is well formed (a person with an address, a hash, a
  URL...). Prose that merely starts with `Reviewed-by:` is not a trailer.
- Names are matched case-insensitively and written back canonically; misspellings within a
  small edit distance of a known `*-by` name are canonicalised and flagged as near misses.
- Addresses masked by the HTML archive (`jgross@xxxxxxxx`, no dot in the domain) are accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from types import MappingProxyType

from reviewbot.identity import strip_mailto

KNOWN_TRAILERS: tuple[str, ...] = (
    "Signed-off-by",
    "Reviewed-by",
    "Acked-by",
    "Tested-by",
    "Reported-by",
    "Suggested-by",
    "Requested-by",
    "Co-developed-by",
    "Assisted-by",
    "Release-Acked-by",
    "Nacked-by",
    "Fixes",
    "Link",
    "Backport",
    "Origin",
    "Amends",
    "Resolves",
    "Closes",
    "Cc",
)

PERSON_TRAILERS: frozenset[str] = frozenset(n for n in KNOWN_TRAILERS if n.endswith("-by"))

#: Non-person trailers a reply may give (Cc and metadata never count in replies).
_REPLY_VALUE_TRAILERS = frozenset(
    {"Fixes", "Link", "Backport", "Origin", "Amends", "Resolves", "Closes"}
)

_CANONICAL = MappingProxyType({n.casefold(): n for n in KNOWN_TRAILERS})
_PERSON_FOLDED: tuple[tuple[str, str], ...] = tuple(
    (n.casefold(), n) for n in KNOWN_TRAILERS if n in PERSON_TRAILERS
)

#: Leading spaces a reply's trailer line may have (mail clients and HTML conversion add one or
#: two; deeper indentation is code or text quoted by indenting).
MAX_REPLY_INDENT = 2

# --- line shapes -------------------------------------------------------------------------------

# A trailer-looking line in a commit message: `Name:` at column 0, then blank or end of line
# (so `https://...` is not a `https` trailer).
_COMMIT_LINE = re.compile(r"([A-Za-z][A-Za-z0-9-]*):(?:[ \t]+(.*?))?[ \t]*\Z")
# The same in a reply, searched over the whole text at once: at most two leading spaces.
_REPLY_CANDIDATE = re.compile(
    rf"^[ \xa0]{{0,{MAX_REPLY_INDENT}}}([A-Za-z][A-Za-z0-9-]*):"
    r"(?:[ \t\xa0]+([^\n]*?))?[ \t\xa0\r]*$",
    re.MULTILINE,
)
_QUOTED = re.compile(r"[ \t\xa0]*[>|]")
_BRACKET_LINE = re.compile(r"[ \t\xa0]*(\[[^\[\]]*\])[ \t\xa0]*\Z")
# `[1] https://...`: a footnote; a final paragraph of these does not hide the trailers above.
_BRACKET_START = re.compile(r"[ \t\xa0]*\[")
# `[jbeulich: fix typo]`, `[Upstream commit ...]`: a maintainer's note; `[1]`: a footnote mark.
# Neither is a scope.
_NOTE_BRACKET = re.compile(r"\[\s*(?:[\w.@+-]+\s*:|upstream\b|backport|\d+\s*\])", re.IGNORECASE)
_CHERRY_PICK = re.compile(r"\(cherry picked from commit [0-9a-f]+\)\Z")
_CONTINUATION = re.compile(r"[ \t]+\S")
_OUTLOOK_START = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:Original Message|Ursprüngliche Nachricht|Message d'origine)"
    r"[ \t]*-{2,}[ \t]*$|_{10,}[ \t]*\r?\n(?:From|Von|De):)",
    re.MULTILINE | re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^--[ \t]?\r?$", re.MULTILINE)
#: A bare `--` line ends the reply only when at most this many unquoted lines follow it.
_BARE_SIGNATURE_TAIL = 10

# --- values ------------------------------------------------------------------------------------

_ADDRESS = r"[A-Za-z0-9!#$%&'*+/=?^_`{}~.-]+@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*"
_BRACKETED_PERSON = re.compile(r"(?P<name>[^<>]*?)\s*<\s*(?P<address>" + _ADDRESS + r")\s*>")
_BARE_PERSON = re.compile(r"(?P<address>" + _ADDRESS + r")(?=$|[\s,;.#(\[])")
_COMMENT = re.compile(r"\([^()]*\)")
_PROSE_CHARS = re.compile(r"[:;?!]")
_NAME_IN_PARENS = re.compile(r"\(([A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){1,3})\)\Z")
_MAX_NAME_WORDS = 6
_SCOPE_STRIP = " \t\xa0,;"
_PUNCTUATION_ONLY = re.compile(r"[\s.,;:!]*\Z")

_SHA = re.compile(r"([0-9a-fA-F]{7,40})(?![0-9a-zA-Z])")
_URL = re.compile(r"<?(?:https?|ftp)://[^\s<>]+>?")
_ISSUE = re.compile(r"[\w./-]*#\d+(?!\w)")
_VERSION_LIST = re.compile(r"\d+(?:\.\d+)+\+?(?:\s*,\s*\d+(?:\.\d+)+\+?)*(?![\w.])")
_ORIGIN = re.compile(r"(\S+)\s+([0-9a-fA-F]{7,40})(?![0-9a-zA-Z])")
_ADDRESS_START = re.compile(r"\s*<?\s*" + _ADDRESS)

# --- patch numbers -----------------------------------------------------------------------------

_NUM = r"\d{1,3}(?![\w]|\.\d)"
_ITEM = rf"{_NUM}(?:\s*(?:-|–|—|\.\.|to|through|thru)\s*{_NUM}|\s*(?:/|of)\s*{_NUM})?"
_SEP = r"(?:\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+|\s*&\s*|\s*\+\s*)"
_LIST = rf"{_ITEM}(?:{_SEP}{_ITEM})*"
_PATCH_LIST = re.compile(
    rf"\bpatch(?:es)?\b\s*(?:#|nos?\.?|numbers?)?\s*(?P<list>{_LIST})", re.IGNORECASE
)
_ITEM_RE = re.compile(
    rf"(?P<lo>{_NUM})(?:\s*(?P<op>-|–|—|\.\.|to|through|thru|/|of)\s*(?P<hi>{_NUM}))?",
    re.IGNORECASE,
)
_BARE_LIST = re.compile(rf"(?:for\s+)?(?P<list>{_LIST})", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:except(?:\s+for)?|excluding|but(?:\s+not)?|not|other\s+than|apart\s+from|besides|"
    r"without)\s*(?:for\s+)?(?:the\s+)?\Z",
    re.IGNORECASE,
)
_MAX_RANGE = 200


@dataclass(frozen=True)
class TrailerLine:
    """One trailer as written, with its name canonicalised and its value taken apart."""

    name: str
    written: str
    value: str
    person_name: str | None
    address: str | None
    scope: str | None
    patches: tuple[int, ...] | None
    near_miss: bool
    known: bool
    line: int


def canonical_name(written: str) -> tuple[str, bool, bool]:
    """`(name, known, near_miss)` for a trailer name as written.

    Known names match case-insensitively (`Acked-By` -> `Acked-by`, not a near miss). A name
    within a small Damerau-Levenshtein distance of exactly one known `*-by` name (1 for names
    of up to 9 characters, else 2) is that name with `near_miss=True`: `Signed-of-by`,
    `Reveiwed-by`. Anything else is unknown and kept as written (`Tentatively-acked-by`).
    """
    folded = written.casefold()
    exact = _CANONICAL.get(folded)
    if exact is not None:
        return exact, True, False
    best: list[str] = []
    best_distance = 3
    for candidate_folded, candidate in _PERSON_FOLDED:
        limit = 1 if len(candidate_folded) <= 9 else 2
        if abs(len(candidate_folded) - len(folded)) > limit:
            continue
        distance = _edit_distance(folded, candidate_folded)
        if distance > limit:
            continue
        if distance < best_distance:
            best, best_distance = [candidate], distance
        elif distance == best_distance:
            best.append(candidate)
    if len(best) == 1:
        return best[0], True, True
    return written, False, False


def find_trailers(text: str, *, reply: bool) -> list[TrailerLine]:
    """The trailer lines of `text`, in order; `line` numbers count `\\n`-separated lines.

    `reply=False`: `text` is a patch's commit message; the trailers are its final block.
    `reply=True`: `text` is a reply's whole body (Mailman footer already removed); quoted
    lines (`>`, `|`, an Outlook `-----Original Message-----` block to the end) and everything
    after a `-- ` signature line (or a bare `--` followed by at most 10 unquoted lines) are
    skipped. A line counts only when its value is valid for its name; see the module docstring.
    """
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if reply:
        return _reply_trailers(text, lines)
    return _commit_trailers(lines)


def scope_patches(text: str) -> tuple[int, ...] | None:
    """The patch numbers a scope or a line of prose names, sorted; None when it names none.

    `for patches 1-3` -> (1, 2, 3); `patch 2/3` -> (2,); `# patches 1, 2 and 4` -> (1, 2, 4);
    a scope that is only a list also counts (`1-2,4`, `for 2-3`). A list after `except`,
    `but`, `not`, `other than`... is an exclusion and is ignored.
    """
    numbers: set[int] = set()
    found = False
    for match in _PATCH_LIST.finditer(text):
        if _NEGATION.search(text, 0, match.start()):
            continue
        found = _add_items(match.group("list"), numbers) or found
    if not found:
        bare = text.strip().strip("#[]():.").strip()
        whole = _BARE_LIST.fullmatch(bare)
        if whole is not None:
            found = _add_items(whole.group("list"), numbers)
    return tuple(sorted(numbers)) if found and numbers else None


# --- commit messages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Raw:
    """A trailer line before its value is parsed: where it is and what was written."""

    index: int
    written: str
    name: str
    known: bool
    near_miss: bool
    value: str
    bracket: str | None


def _commit_trailers(lines: list[str]) -> list[TrailerLine]:
    end = next((i for i, line in enumerate(lines) if line.rstrip() == "---"), len(lines))
    block = _last_block(lines, end)
    if block is None:
        return []
    start, stop = block
    raws: list[_Raw] = []
    trailers = others = 0
    has_known = False
    i = start
    while i < stop:
        line = lines[i]
        match = _COMMIT_LINE.match(line)
        if match is None:
            if _BRACKET_LINE.match(line) is None and _CHERRY_PICK.match(line) is None:
                others += 1
            i += 1
            continue
        written, value = match.group(1), match.group(2) or ""
        name, known, near_miss = canonical_name(written)
        trailers += 1
        has_known = has_known or name in PERSON_TRAILERS
        j = i + 1
        while j < stop and _CONTINUATION.match(lines[j]):
            value = _join(value, lines[j])
            j += 1
        if _is_person(name) and j < stop and _needs_address(value, lines[j]):
            value = _join(value, lines[j])
            j += 1
        bracket = _scope_bracket(lines, j, stop)
        raws.append(_Raw(i, written, name, known, near_miss, value, bracket))
        i = j + (bracket is not None)
    if not raws or (others and not (has_known and trailers * 3 >= others)):
        return []
    return [found for raw in raws if (found := _trailer_line(raw, require_valid=False))]


def _last_block(lines: list[str], end: int) -> tuple[int, int] | None:
    """The last paragraph before `end` not made only of `[...]` lines, as (start, stop)."""
    stop = end
    while stop > 0:
        while stop > 0 and not lines[stop - 1].strip():
            stop -= 1
        if stop == 0:
            return None
        start = stop
        while start > 0 and lines[start - 1].strip():
            start -= 1
        if all(_BRACKET_START.match(line) for line in lines[start:stop]):
            stop = start
            continue
        return start, stop
    return None


# --- replies -----------------------------------------------------------------------------------


def _reply_trailers(text: str, lines: list[str]) -> list[TrailerLine]:
    limit = _reply_end(text, lines)
    found: list[TrailerLine] = []
    line_no = 0
    position = 0
    consumed_until = -1
    for match in _REPLY_CANDIDATE.finditer(text, 0, limit):
        line_no += text.count("\n", position, match.start())
        position = match.start()
        if line_no <= consumed_until:
            continue
        written = match.group(1)
        name, known, near_miss = canonical_name(written)
        if not _reply_name(name):
            continue
        raw = _Raw(line_no, written, name, known, near_miss, match.group(2) or "", None)
        trailer, last = _reply_trailer(lines, raw)
        if trailer is not None:
            found.append(trailer)
            consumed_until = last
    return found


def _reply_name(name: str) -> bool:
    return name in _REPLY_VALUE_TRAILERS or _is_person(name)


def _is_person(name: str) -> bool:
    """Known `*-by` names, and unknown ones ending in `-by` (`Tentatively-acked-by`)."""
    return name in PERSON_TRAILERS or name.casefold().endswith("-by")


def _reply_end(text: str, lines: list[str]) -> int:
    """Offset in `text` where the reply's own text ends (Outlook quote or signature)."""
    end = len(text)
    outlook = _OUTLOOK_START.search(text)
    if outlook is not None:
        end = outlook.start()
    for match in _SIGNATURE.finditer(text, 0, end):
        if match.group(0).startswith("-- "):
            return match.start()
        after = text.count("\n", 0, match.end()) + 1
        stop = len(lines) if end == len(text) else text.count("\n", 0, end)
        tail = [line for line in lines[after:stop] if line.strip() and not _QUOTED.match(line)]
        if len(tail) <= _BARE_SIGNATURE_TAIL:
            return match.start()
    return end


def _reply_trailer(lines: list[str], raw: _Raw) -> tuple[TrailerLine | None, int]:
    """The trailer starting at line `raw.index` and its last line, or None when not valid."""
    index, name, value = raw.index, raw.name, raw.value.strip()
    last = index
    if _is_person(name):
        if index + 1 < len(lines) and _needs_address(value, lines[index + 1]):
            value = _join(value, lines[index + 1])
            last += 1
    elif name in ("Fixes", "Amends"):
        while _open_subject(value) and last + 1 < len(lines) and last - index < 2:
            following = lines[last + 1]
            if not following.strip() or _QUOTED.match(following):
                break
            value = _join(value, following)
            last += 1
    bracket = _scope_bracket(lines, last + 1, len(lines))
    trailer = _trailer_line(replace(raw, value=value, bracket=bracket), require_valid=True)
    if trailer is None:
        return None, index
    return trailer, last + (bracket is not None)


# --- shared ------------------------------------------------------------------------------------


def _trailer_line(raw: _Raw, *, require_valid: bool) -> TrailerLine | None:
    """Parse `raw`'s value; with `require_valid` (replies) None when it is not well formed."""
    value = raw.value.strip()
    person_name: str | None = None
    address: str | None = None
    scope: str | None = None
    if _is_person(raw.name):
        parsed = _person_and_rest(value)
        if parsed is not None:
            person_name, address, scope = parsed
        elif require_valid:
            return None
    else:
        valid, scope = _value_scope(raw.name, value)
        if not valid and require_valid:
            return None
    if raw.bracket is not None:
        value = f"{value} {raw.bracket}" if value else raw.bracket
        scope = f"{scope} {raw.bracket}" if scope else raw.bracket
    return TrailerLine(
        name=raw.name,
        written=raw.written,
        value=value,
        person_name=person_name,
        address=address,
        scope=scope,
        patches=scope_patches(scope) if scope is not None else None,
        near_miss=raw.near_miss,
        known=raw.known,
        line=raw.index,
    )


def _value_scope(name: str, value: str) -> tuple[bool, str | None]:
    """Whether a non-person value is well formed for `name`, and the text after it (its
    scope or `# comment`). Unknown names take any non-empty value, with no scope."""
    match: re.Match[str] | None
    rest: str | None
    if name in ("Fixes", "Amends"):
        match = _SHA.match(value)
        rest = None if match is None else _after_subject(value[match.end() :])
    else:
        if name == "Link":
            match = _URL.match(value)
        elif name in ("Closes", "Resolves"):
            match = _URL.match(value) or _ISSUE.match(value)
        elif name == "Backport":
            match = _VERSION_LIST.match(value)
        elif name == "Origin":
            match = _ORIGIN.match(value)
        else:
            return bool(value), None
        rest = None if match is None else value[match.end() :]
    if rest is None:
        return False, None
    return True, _scope_of(rest)


def _after_subject(text: str) -> str | None:
    """The text after an optional `("subject")`; None when the parenthesis never closes."""
    stripped = text.lstrip()
    if not stripped.startswith("("):
        return text
    if stripped.startswith('("'):
        close = stripped.rfind('")')
        return None if close < 0 else stripped[close + 2 :]
    depth = 0
    for position, char in enumerate(stripped):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return stripped[position + 1 :]
    return None


def _open_subject(value: str) -> bool:
    """True for `sha ("subject that` (a wrapped Fixes/Amends value)."""
    match = _SHA.match(value)
    return match is not None and _after_subject(value[match.end() :]) is None


def _person_and_rest(value: str) -> tuple[str, str, str | None] | None:
    cleaned = strip_mailto(value)
    bracketed = _BRACKETED_PERSON.match(cleaned)
    if bracketed is not None:
        name = _clean_name(bracketed.group("name"))
        if name is None:
            return None
        return name, bracketed.group("address"), _scope_of(cleaned[bracketed.end() :])
    bare = _BARE_PERSON.match(cleaned)
    if bare is None or not _plausible_domain(bare.group("address")):
        return None
    rest = cleaned[bare.end() :].strip()
    named = _NAME_IN_PARENS.match(rest)
    if named is not None:
        return named.group(1), bare.group("address"), None
    return "", bare.group("address"), _scope_of(rest)


def _person_of(value: str) -> tuple[str, str] | None:
    """`(name, address)` of a trailer value such as `Name <addr> # scope`; None when none.

    Accepts masked addresses (`jgross@xxxxxxxx`), `Name (comment) <addr>`, a bare `addr`,
    `"Last, First" <addr>` and the `<mailto:addr>` left in converted HTML mail. The name is
    "" when only an address is written.
    """
    parsed = _person_and_rest(value)
    return None if parsed is None else (parsed[0], parsed[1])


def _clean_name(raw: str) -> str | None:
    """The display name without quotes and comments; None when it reads like prose.

    Prose: `:;?!`, more than six words, or a comma in more than three words (an unquoted
    `Last, First` is fine).
    """
    name = raw.strip()
    for attempt in range(2):
        if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
            return name[1:-1].replace('\\"', '"').strip()
        if attempt == 0:
            name = " ".join(_COMMENT.sub(" ", name).split())
    words = len(name.split())
    if _PROSE_CHARS.search(name) or words > _MAX_NAME_WORDS or ("," in name and words > 3):
        return None
    return name


def _plausible_domain(address: str) -> bool:
    """A bare address needs a dotted domain, or one MHonArc masked to all `x`s."""
    domain = address.rpartition("@")[2]
    return "." in domain or set(domain) == {"x"}


def _scope_of(rest: str) -> str | None:
    scope = rest.strip(_SCOPE_STRIP)
    if not scope or _PUNCTUATION_ONLY.match(scope):
        return None
    return scope


def _needs_address(value: str, following: str) -> bool:
    """True when a person value lacks its address and `following` starts with it."""
    return (
        "@" not in value
        and bool(value.strip())
        and _QUOTED.match(following) is None
        and _ADDRESS_START.match(following) is not None
    )


def _scope_bracket(lines: list[str], index: int, stop: int) -> str | None:
    """A `[...]` alone on `lines[index]` (a scope for the trailer above), else None."""
    if index >= stop:
        return None
    match = _BRACKET_LINE.match(lines[index])
    if match is None or _NOTE_BRACKET.match(match.group(1)):
        return None
    return match.group(1)


def _join(value: str, following: str) -> str:
    following = following.strip()
    return f"{value.rstrip()} {following}" if value.strip() else following


def _add_items(text: str, numbers: set[int]) -> bool:
    """Add the numbers of a list like `1-3, 5 and 7/9` to `numbers`; False when none fit."""
    added = False
    for item in _ITEM_RE.finditer(text):
        low = int(item.group("lo"))
        op = (item.group("op") or "").casefold()
        if op and op not in ("/", "of"):
            high = int(item.group("hi"))
            if high < low or high - low > _MAX_RANGE:
                continue
            numbers.update(range(low, high + 1))
        else:
            numbers.add(low)
        added = True
    return added


def _edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment Damerau-Levenshtein distance (a swap of neighbours costs 1)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        previous2, previous = previous, current
    return previous[-1]
