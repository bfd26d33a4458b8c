"""Checks of one file's part of the diff: every added line, and the file as a whole.

Which line checks run depends on the file: trailing whitespace everywhere but in patches
kept in the tree; the long-line check in source files (`paths.is_source`); tab indentation,
keyword spacing and brace placement in C written in Xen's style.
"""

from __future__ import annotations

from collections.abc import Iterator

from reviewbot_hygiene.clex import Scanned, scan_lines
from reviewbot_hygiene.diffread import FileDiff
from reviewbot_hygiene.filestyle import FileStyle, indentation_style, modeline_style
from reviewbot_hygiene.linechecks import (
    brace_placement,
    keyword_spacing,
    long_line,
    tab_indent,
    trailing_whitespace,
)
from reviewbot_hygiene.paths import is_diff, is_source, spdx_example, uses_hash_comments
from reviewbot_hygiene.problems import MISSING_SPDX, NO_NEWLINE_AT_EOF, Problem

SPDX_TAG = "SPDX-License-Identifier:"
SPDX_LINES = 5
_C_LIKE = (".c", ".h", ".S")


def style_of_diff(file: FileDiff) -> FileStyle:
    """A file's style judged from the diff alone: a modeline in it, else its context lines."""
    declared = modeline_style("\n".join(line.text for hunk in file.hunks for line in hunk))
    if declared is not None:
        return declared
    return indentation_style(line.text for line in file.context)


def file_problems(file: FileDiff, *, xen_style: bool, max_line_length: int) -> list[Problem]:
    """Everything wrong with one file's added lines, ordered by line."""
    problems = list(_line_problems(file, xen_style, max_line_length))
    spdx = missing_spdx(file)
    if spdx is not None:
        problems.append(spdx)
    if file.no_newline_after is not None:
        problems.append(
            Problem(
                NO_NEWLINE_AT_EOF,
                file.no_newline_after,
                "the file does not end with a newline; add one after its last line",
                "lack a final newline",
            )
        )
    problems.sort(key=lambda p: p.line or 0)
    return problems


def missing_spdx(file: FileDiff) -> Problem | None:
    """A new source file without `SPDX-License-Identifier:` in its first 5 lines."""
    if file.status != "added" or not is_source(file.path):
        return None
    head = [line for line in file.added if line.number <= SPDX_LINES]
    if not head or any(SPDX_TAG in line.text for line in head):
        return None
    return Problem(
        MISSING_SPDX,
        1,
        f"new file has no {SPDX_TAG} line among its first {SPDX_LINES}; start it with one "
        f"naming its licence, e.g. `{spdx_example(file.path)}`",
        "lack an SPDX line",
    )


def _line_problems(file: FileDiff, xen_style: bool, max_line_length: int) -> Iterator[Problem]:
    whitespace = not is_diff(file.path)
    length = is_source(file.path)
    c_like = file.path.endswith(_C_LIKE)
    hash_comments = uses_hash_comments(file.path)
    for hunk in file.hunks:
        scanned: list[Scanned | None] = (
            list(scan_lines([line.text for line in hunk])) if c_like else [None] * len(hunk)
        )
        for index, line in enumerate(hunk):
            if not line.added:
                continue
            masked = scanned[index]
            if whitespace:
                yield from _present(trailing_whitespace(line))
            if xen_style and masked is not None:
                yield from _present(tab_indent(line))
                yield from _present(keyword_spacing(line, masked))
                yield from _present(brace_placement(line, masked))
            if length:
                before = scanned[index - 1] if index else None
                in_comment = before is not None and before.in_comment_after
                yield from _present(
                    long_line(
                        line, max_line_length, in_comment=in_comment, hash_comments=hash_comments
                    )
                )


def _present(problem: Problem | None) -> Iterator[Problem]:
    if problem is not None:
        yield problem
