"""A message's text split into what its sender wrote and what it quotes, line numbers kept.

Each `TextPart` holds every line of the message text, with the lines that belong to other parts
blanked, so a line number in any part is the line number in the message (1-based). Part 0 is
the sender's own text; part N holds the lines quoted N levels deep (`>`, `> >`, `>>`, or a
mailer's `| `), with the markers stripped. A quoted line's author comes from the attribution
line that introduced its quote (`On 04.07.19 19:57, Andrew Cooper wrote:`, Jan Beulich's
`>>> On 04.07.19 at 19:57, <andrew.cooper3@citrix.com> wrote:`). Everything from a patch
mail's own diff on is blanked, and so is any diff hunk pasted or quoted elsewhere (as far as its
line counts and line prefixes go): figures live in prose, never in code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from reviewbot.mailtext import body_text
from reviewbot.models import Message
from reviewbot.patchbody import hunk_length
from reviewbot_perf_compare.figures import Figure, SizeReport
from reviewbot_perf_compare.metrics import word_set

_LINE = re.compile(r"^([ \t]*(?:>[ \t]?)*)(.*)$", re.MULTILINE)
_QUOTE_MARKS = re.compile(r"[ \t]*((?:>[ \t]?)+)")
_PIPE_QUOTE = re.compile(r"[ \t]*\|(?: |$)")
_GROUPWISE_ATTRIBUTION = re.compile(r"[ \t]*>>>[ \t]*On\s.*\bwrote:\s*$")
_ON_WROTE = re.compile(r"\s*(?:>>>\s*)?On\s+(?P<body>.+?)\s+wrote:\s*$", re.IGNORECASE)
_NAME_WROTE = re.compile(r"\s*(?P<body>[^:;]{2,120}?)\s+(?:wrote|writes|said):\s*$")
_QUOTING = re.compile(r"\s*Quoting\s+(?P<body>.+?)\s*(?:\([^)]*\))?:\s*$")
_GERMAN = re.compile(r"\s*Am\s+.+?\s+schrieb\s+(?P<body>.+?):\s*$")
_ADDRESS = re.compile(r"<?([\w.+-]+@[\w.-]+\.\w+|[\w.+-]+@x+)>?")
_DATE_WORDS = word_set(
    "mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday "
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june "
    "july august september october november december at am pm utc gmt cet cest bst est edt "
    "pst pdt ist on"
)

_NOT_NAMES = word_set("as i he she you we they who someone somebody it this that which what")
_DIFF_GIT = re.compile(r"diff --git |diff -\w")
_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_DIFF_HEADER = re.compile(
    r"(?:index [0-9a-f]+\.\.[0-9a-f]+|(?:new|deleted) file mode |--- |\+\+\+ )"
)


@dataclass(frozen=True)
class TextPart:
    """One quoting level of a message's text; lines of other levels are blank."""

    lines: tuple[str, ...]
    depth: int  # 0: the sender's own text
    authors: tuple[str, ...] = ()  # per line, who the quoted line is from ("" when unknown)

    @property
    def quoted(self) -> bool:
        """True for quoted text."""
        return self.depth > 0

    @property
    def text(self) -> str:
        """The part as text, one line per message line."""
        return "\n".join(self.lines)

    def author_at(self, line: int) -> str:
        """Who the quoted text at 1-based `line` is from ("" for own text or when unknown)."""
        if 1 <= line <= len(self.authors):
            return self.authors[line - 1]
        return ""


def message_parts(message: Message) -> list[TextPart]:
    """The own and quoted parts of a stored message's readable text."""
    return split_text(body_text(message))


def split_text(text: str) -> list[TextPart]:
    """The own part first, then one part per quoting depth that occurs, shallowest first."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    depths: list[int] = []
    contents: list[str] = []
    authors: list[str] = []
    attribution: dict[int, str] = {}  # depth of the quoted text -> its author
    previous_content = ""
    for index, (prefix, rest) in enumerate(_LINE.findall(text)[: len(lines)]):
        if ">" not in prefix:
            line = prefix + rest
            if line[:1] != "|":
                depths.append(0)
                contents.append(line)
                authors.append("")
                if line.endswith((":", ": ")):
                    author = _attribution(line, previous_content)
                    if author is not None:
                        attribution = {1: author}
                previous_content = line
                continue
            depth, content = _unquote(line)
        else:
            depth, content = prefix.count(">"), rest
            if (
                depth == 3
                and _GROUPWISE_ATTRIBUTION.match(lines[index])
                and _next_depth(lines, index) == 1
            ):
                depth, content = 0, lines[index]
        author = _attribution(content, previous_content) if content.rstrip().endswith(":") else None
        if author is not None:
            for deeper in [d for d in attribution if d > depth]:
                del attribution[deeper]
            attribution[depth + 1] = author
        depths.append(depth)
        contents.append(content)
        authors.append(attribution.get(depth, "") if depth else "")
        previous_content = content
    cut = _diff_start(depths, contents)
    del depths[cut:], contents[cut:]
    _blank_hunks(depths, contents)
    parts: list[TextPart] = []
    tail = ("",) * (len(lines) - cut)
    for depth in sorted(set(depths)):
        own = tuple(c if d == depth else "" for c, d in zip(contents, depths, strict=True))
        part_authors = tuple(authors) if depth else ()
        parts.append(TextPart(lines=own + tail, depth=depth, authors=part_authors))
    if not parts or parts[0].depth != 0:
        parts.insert(0, TextPart(lines=("",) * len(lines), depth=0))
    return parts


def attribution_author(line: str) -> str | None:
    """The author an attribution line names: display name, else address, else "".

    None when the line is not an attribution line.
    """
    return _attribution(line, "")


def _next_depth(lines: list[str], index: int) -> int:
    """The quoting depth of the next non-blank line after `index` (0 at the end)."""
    for line in lines[index + 1 :]:
        if line.strip():
            return _unquote(line)[0]
    return 0


def _unquote(line: str) -> tuple[int, str]:
    """The quoting depth of a line and its text without the markers."""
    first = line.lstrip(" \t")[:1]
    if first != ">" and first != "|":
        return 0, line
    marks = _QUOTE_MARKS.match(line)
    if marks:
        return marks.group(1).count(">"), line[marks.end() :]
    pipe = _PIPE_QUOTE.match(line)
    if pipe and not line.rstrip().endswith("|"):
        return 1, line[pipe.end() :]
    return 0, line


def _attribution(content: str, previous: str) -> str | None:
    if not content.rstrip().endswith(":"):
        return None
    found = _ON_WROTE.fullmatch(content)
    if found is None and content.strip().lower() in ("wrote:", "writes:"):
        found = _ON_WROTE.fullmatch(previous.rstrip() + " " + content.strip())
    if found is None and re.search(r"\bwrote:\s*$", content):
        joined = _ON_WROTE.fullmatch(previous.rstrip() + " " + content.strip())
        if joined and previous.lstrip().startswith("On "):
            found = joined
    if found:
        return _name_after_date(found.group("body"))
    for pattern in (_QUOTING, _GERMAN, _NAME_WROTE):
        other = pattern.fullmatch(content)
        if other:
            body = other.group("body")
            if pattern is _NAME_WROTE and not _looks_like_sender(body):
                return None  # a sentence ending in "wrote:", not an attribution
            return _name_after_date(body) if pattern is _GERMAN else _plain_name(body)
    return None


def _looks_like_sender(body: str) -> bool:
    """An address, or one to four capitalised words (`Jan Beulich`), and nothing else."""
    if _ADDRESS.search(body):
        return True
    words = body.strip(" \"'").split()
    if not 1 <= len(words) <= 4 or any(word.casefold() in _NOT_NAMES for word in words):
        return False
    return all(word[:1].isupper() for word in words)


def _name_after_date(body: str) -> str:
    """`04.07.19 19:57, Andrew Cooper` -> `Andrew Cooper`; the address when no name is left."""
    address = _ADDRESS.search(body)
    before = body[: address.start()] if address else body
    before = before.strip().rstrip(",").strip()
    candidate = before.rsplit(",", 1)[-1]
    kept: list[str] = []
    for token in reversed(candidate.split()):
        if any(ch.isdigit() for ch in token) or token.strip(",.").lower() in _DATE_WORDS:
            break
        kept.insert(0, token)
    name = " ".join(kept).strip(" \"'")
    if name:
        return name
    return address.group(1) if address else ""


def _plain_name(body: str) -> str:
    address = _ADDRESS.search(body)
    name = (body[: address.start()] if address else body).strip().strip(" ,\"'")
    if name:
        return name
    return address.group(1) if address else ""


def _diff_start(depths: list[int], contents: list[str]) -> int:
    """Index of the sender's own diff (a patch mail's), or the number of lines."""
    for index, (depth, content) in enumerate(zip(depths, contents, strict=True)):
        if depth:
            continue
        if content.startswith("diff --git "):
            return index
        if (
            content.startswith("--- ")
            and index + 2 < len(contents)
            and contents[index + 1].startswith("+++ ")
            and _HUNK.match(contents[index + 2])
            and depths[index + 1] == 0
        ):
            return index
    return len(contents)


def _kinds_at_depth(
    contents: list[str], depths: list[int], start: int, depth: int
) -> Iterator[str]:
    """The first characters of the lines from `start` on, while they stay at `depth`."""
    for index in range(start, len(contents)):
        if depths[index] != depth:
            return
        yield contents[index][:1]


def _blank_hunks(depths: list[int], contents: list[str]) -> None:
    """Blank diff headers and hunks at any depth, in place.

    A hunk runs as far as its line counts and its lines' prefixes go, at the depth of its `@@`
    line (a quoted hunk is often cut short).
    """
    index = 0
    while index < len(contents):
        line = contents[index]
        first = line[:1]
        if first not in ("@", "d", "i", "n", "-", "+"):
            index += 1
            continue
        hunk = _HUNK.match(line) if first == "@" else None
        if hunk:
            depth = depths[index]
            old, new = int(hunk.group(1) or 1), int(hunk.group(2) or 1)
            contents[index] = ""
            index += 1
            taken = hunk_length(_kinds_at_depth(contents, depths, index, depth), old, new)
            for blanked in range(index, index + taken):
                contents[blanked] = ""
            index += taken
            continue
        if _DIFF_GIT.match(line) or (_DIFF_HEADER.match(line) and _near_hunk(contents, index)):
            contents[index] = ""
        index += 1


def _near_hunk(lines: list[str], index: int) -> bool:
    """True when a diff header line is followed by a hunk within a few lines."""
    return any(_HUNK.match(line) for line in lines[index + 1 : index + 5])


@dataclass(frozen=True)
class Found:
    """What one extractor found in a span of lines (1-based, inclusive) of a text."""

    start: int
    end: int
    figures: tuple[Figure, ...] = ()
    sizes: tuple[SizeReport, ...] = ()
