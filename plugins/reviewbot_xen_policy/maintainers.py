"""Xen's MAINTAINERS file: its sections, and which of them cover a path or a patch's text.

The file is free text (how to submit patches, the legend of the tags, the check-in policy),
then the sections, THE REST last. A section is a title line at column 0 followed at once by
tag lines at column 0 (`M:\tName <address>`, a tab or spaces after the colon) and ends at the
first line that is not one. The legend's own `\tM: Maintainer: ...` lines are indented, so the
preamble never reads as sections. Tags: M (maintainer), R (designated reviewer), L (list),
S (status), W (web page), T (tree), F (files), X (files left out), N (path regex), K (content
regex), V (format version). Pure text in, data out: no git, no file system.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reviewbot.identity import Person, parse_person
from reviewbot_xen_policy.patterns import FilePattern, file_pattern

TAGS = "MRLSWTFXNKV"
_TAG_LINE = re.compile(rf"([{TAGS}]):(?:[ \t]+(.*?))?[ \t]*\Z")
#: The specificity of a section matched through its `N:` regex (get_maintainer.pl's choice):
#: above THE REST's wildcards, below any pattern naming a directory.
NAME_REGEX_SPECIFICITY = 0


@dataclass(frozen=True)
class Entry:
    """One tag line of a section as written, with its line number (1-based)."""

    tag: str
    value: str
    line: int


@dataclass(frozen=True)
class Section:
    """A MAINTAINERS section: its title, where it starts, and its entries taken apart."""

    title: str
    line: int
    entries: tuple[Entry, ...]
    maintainers: tuple[Person, ...]
    reviewers: tuple[Person, ...]
    files: tuple[FilePattern, ...]
    excludes: tuple[FilePattern, ...]
    name_regexes: tuple[re.Pattern[str], ...] = field(repr=False)
    keyword_regexes: tuple[re.Pattern[str], ...] = field(repr=False)

    def values(self, tag: str) -> tuple[str, ...]:
        """The values of every `tag:` line, in order."""
        return tuple(e.value for e in self.entries if e.tag == tag)

    @property
    def status(self) -> str | None:
        """The `S:` value (Supported, Maintained, Odd Fixes, Orphan, Obsolete), if any."""
        found = self.values("S")
        return found[0] if found else None

    @property
    def orphaned(self) -> bool:
        """Whether nobody maintains it (no `M:` line; reviewers do not count)."""
        return not self.maintainers

    def specificity_for(self, path: str) -> int | None:
        """How specifically the section lists `path`; None when it does not (X: wins over F:)."""
        if any(pattern.matches(path) for pattern in self.excludes):
            return None
        found = [p.specificity for p in self.files if p.matches(path)]
        if any(regex.search(path) for regex in self.name_regexes):
            found.append(NAME_REGEX_SPECIFICITY)
        return max(found) if found else None

    def concerns_text(self, text: str) -> bool:
        """Whether one of its `K:` regexes is found in `text`."""
        return any(regex.search(text) for regex in self.keyword_regexes)


@dataclass(frozen=True)
class Coverage:
    """A section listing a path, and how specifically."""

    section: Section
    specificity: int


@dataclass(frozen=True)
class MaintainersFile:
    """The parsed file: its sections in order and the entries that could not be used."""

    sections: tuple[Section, ...]
    problems: tuple[str, ...] = ()

    def covering(self, path: str) -> list[Coverage]:
        """Every section listing `path`, most specific first (file order among equals)."""
        found = [
            Coverage(section, specificity)
            for section in self.sections
            if (specificity := section.specificity_for(path)) is not None
        ]
        return sorted(found, key=lambda c: -c.specificity)

    def concerned_by(self, text: str) -> list[Section]:
        """The sections whose `K:` regexes match `text` (a patch's changed lines)."""
        return [section for section in self.sections if section.concerns_text(text)]

    def section(self, title: str) -> Section | None:
        """The section with that title (exactly as written), if any."""
        return next((s for s in self.sections if s.title == title), None)


def parse_maintainers(text: str) -> MaintainersFile:
    """Read a MAINTAINERS file; never raises (unusable entries go to `problems`)."""
    lines = text.splitlines()
    sections: list[Section] = []
    problems: list[str] = []
    index = 0
    while index < len(lines):
        title = lines[index]
        if _is_title(title) and index + 1 < len(lines) and _tag(lines[index + 1]) is not None:
            start = index
            entries: list[Entry] = []
            index += 1
            while index < len(lines) and (tag := _tag(lines[index])) is not None:
                if tag[1]:
                    entries.append(Entry(tag[0], tag[1], index + 1))
                index += 1
            sections.append(_section(title.strip(), start + 1, entries, problems))
        else:
            index += 1
    return MaintainersFile(tuple(sections), tuple(problems))


def _is_title(line: str) -> bool:
    return bool(line.strip()) and not line[0].isspace() and _tag(line) is None


def _tag(line: str) -> tuple[str, str] | None:
    match = _TAG_LINE.match(line)
    return None if match is None else (match.group(1), match.group(2) or "")


def _section(title: str, line: int, entries: list[Entry], problems: list[str]) -> Section:
    def people(tag: str) -> tuple[Person, ...]:
        found: list[Person] = []
        for entry in _of(entries, tag):
            person = parse_person(entry.value)
            if person is None or "@" not in person.address:
                problems.append(f"line {entry.line}: {tag}: {entry.value!r} has no address")
            else:
                found.append(person)
        return tuple(found)

    def regexes(tag: str) -> tuple[re.Pattern[str], ...]:
        compiled: list[re.Pattern[str]] = []
        for entry in _of(entries, tag):
            try:
                compiled.append(re.compile(entry.value))
            except re.error as exc:
                problems.append(f"line {entry.line}: {tag}: {entry.value!r} is not a regex: {exc}")
        return tuple(compiled)

    return Section(
        title=title,
        line=line,
        entries=tuple(entries),
        maintainers=people("M"),
        reviewers=people("R"),
        files=tuple(file_pattern(e.value) for e in _of(entries, "F")),
        excludes=tuple(file_pattern(e.value) for e in _of(entries, "X")),
        name_regexes=regexes("N"),
        keyword_regexes=regexes("K"),
    )


def _of(entries: Iterable[Entry], tag: str) -> list[Entry]:
    return [e for e in entries if e.tag == tag]
