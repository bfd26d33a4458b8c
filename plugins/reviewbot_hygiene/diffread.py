"""A patch's diff as the new-side lines of each file: what was added, and around it.

The diff is parsed with unidiff for line numbers; the files are paired, in order, with the
`FileChange`s `reviewbot.patchbody` read from the same text (for the status and the unquoted
path). Deleted and binary files carry no new lines and are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from reviewbot.patchbody import FileChange

_ADDED, _CONTEXT, _NO_NEWLINE = "+", " ", "\\"


@dataclass(frozen=True)
class NewLine:
    """A line of the new side of a hunk: its 1-based number in the new file and its text."""

    number: int
    text: str
    added: bool


@dataclass(frozen=True)
class FileDiff:
    """One file's part of the diff.

    `hunks` holds the new-side lines (context and added) of each hunk in order.
    `no_newline_after` is the number of the added line a `\\ No newline at end of file`
    marker follows (None when there is none, or it follows a removed or context line).
    """

    path: str
    status: str
    hunks: tuple[tuple[NewLine, ...], ...]
    no_newline_after: int | None

    @property
    def added(self) -> list[NewLine]:
        """The added lines, in order."""
        return [line for hunk in self.hunks for line in hunk if line.added]

    @property
    def context(self) -> list[NewLine]:
        """The context lines, in order."""
        return [line for hunk in self.hunks for line in hunk if not line.added]


def read_diff(diff: str, changes: Sequence[FileChange]) -> list[FileDiff]:
    """The files of `diff` with new lines; [] when it does not parse (patchbody said why)."""
    if not diff or not changes:
        return []
    try:
        patched_files = list(PatchSet(diff))
    except UnidiffParseError:
        return []
    if len(patched_files) != len(changes):
        return []
    return [
        _file_diff(patched, change)
        for patched, change in zip(patched_files, changes, strict=True)
        if change.new_path is not None and not change.binary
    ]


def _file_diff(patched: PatchedFile, change: FileChange) -> FileDiff:
    hunks: list[tuple[NewLine, ...]] = []
    no_newline_after: int | None = None
    for hunk in patched:
        lines: list[NewLine] = []
        previous_added: int | None = None
        for line in hunk:
            kind = line.line_type
            if kind == _NO_NEWLINE:
                if previous_added is not None:
                    no_newline_after = previous_added
                continue
            previous_added = None
            if kind not in (_ADDED, _CONTEXT) or line.target_line_no is None:
                continue
            text = line.value[:-1] if line.value.endswith("\n") else line.value
            lines.append(NewLine(line.target_line_no, text, kind == _ADDED))
            if kind == _ADDED:
                previous_added = line.target_line_no
        hunks.append(tuple(lines))
    return FileDiff(change.path, change.status, tuple(hunks), no_newline_after)
