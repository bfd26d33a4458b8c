"""Findings placed under the lines they concern: the quoted excerpts of a review reply.

A patch mail is read as sections: its commit message, then each file of its diff (the
`---`/`+++` lines, then hunks). A finding with `file` and `line` sits under the diff line that
produces that line of the new file; one with only `line` under that line of the commit
message. Each comment is preceded by the lines above it (`context` of them, never reaching
back into an earlier hunk; `[...]` marks lines skipped since the previous comment in the same
hunk) and, for a diff, by its file's and hunk's headers. Findings that name no line they can
sit under are returned for the reply's general remarks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reviewbot.findings import Finding
from reviewbot.hunks import FileDiff, parse_diff
from reviewbot.patchbody import PatchBody
from reviewbot.quoting import quote, wrap

#: Marks quoted lines left out between two comments on one hunk.
SNIP = "[...]"


@dataclass
class _Block:
    """A run of quotable lines with a header shown before its first excerpt (a hunk's @@)."""

    header: list[str]
    lines: list[str]
    new_lines: dict[int, int] = field(default_factory=dict)  # new-file line -> index in lines


@dataclass
class _Section:
    """The commit message, or one file of the diff with its hunks as blocks."""

    header: list[str]
    blocks: list[_Block]
    path: str | None  # None for the commit message


@dataclass(frozen=True)
class Excerpts:
    """The quoted text with comments under their lines, and the findings left unplaced."""

    lines: tuple[str, ...]
    placed: tuple[Finding, ...]
    unplaced: tuple[Finding, ...]


def comment_excerpts(
    body: PatchBody, findings: Sequence[Finding], *, context: int, width: int
) -> Excerpts:
    """The excerpts of `body` that `findings` comment on, each finding wrapped under its line."""
    sections = _sections(body)
    anchored: dict[tuple[int, int, int], list[Finding]] = {}
    unplaced: list[Finding] = []
    for finding in findings:
        spot = _spot(sections, finding)
        if spot is None:
            unplaced.append(finding)
        else:
            anchored.setdefault(spot, []).append(finding)
    lines: list[str] = []
    shown_section = shown_block = -1
    last_line = -1
    for spot in sorted(anchored):
        section_index, block_index, line_index = spot
        section = sections[section_index]
        block = section.blocks[block_index]
        if section_index != shown_section:
            lines += quote(section.header)
            shown_section, shown_block, last_line = section_index, -1, -1
        if block_index != shown_block:
            lines += quote(block.header)
            shown_block, last_line = block_index, -1
        start = max(last_line + 1, line_index - context, 0)
        if last_line >= 0 and start > last_line + 1:
            lines.append(SNIP)
        lines += quote(block.lines[start : line_index + 1])
        last_line = line_index
        for finding in anchored[spot]:
            lines += ["", *wrap(finding.message, width)]
        lines.append("")
    placed = tuple(f for spot in sorted(anchored) for f in anchored[spot])
    return Excerpts(tuple(lines), placed, tuple(unplaced))


def _spot(sections: list[_Section], finding: Finding) -> tuple[int, int, int] | None:
    """(section, block, line) of the line `finding` concerns, or None."""
    if finding.line is None:
        return None
    for section_index, section in enumerate(sections):
        if section.path != finding.file:
            continue
        for block_index, block in enumerate(section.blocks):
            if finding.line in block.new_lines:
                return section_index, block_index, block.new_lines[finding.line]
    return None


def _sections(body: PatchBody) -> list[_Section]:
    message = body.message.rstrip("\n").split("\n") if body.message.strip() else []
    commit = _Block([], message, {n: n - 1 for n in range(1, len(message) + 1)})
    sections = [_Section([], [commit], None)]
    sections += [_file_section(file) for file in parse_diff(body.diff)]
    return sections


def _file_section(file: FileDiff) -> _Section:
    names = [line for line in file.header if line.startswith(("--- ", "+++ "))]
    header = names or list(file.header[:1])
    blocks = []
    for hunk in file.hunks:
        block = _Block([hunk.header], [])
        new_line = hunk.new_start
        for line in hunk.lines:
            if line.kind != "-":
                block.new_lines[new_line] = len(block.lines)
                new_line += 1
            block.lines.append(line.text if line.marker_lost else line.kind + line.text)
            if not line.newline:
                block.lines.append("\\ No newline at end of file")
        blocks.append(block)
    return _Section(header, blocks, file.new_path)
