"""Checks of a patch's commit message: the subject's `area: summary` form and the body.

Xen titles name the area first: `x86/ctxt-switch: Document and improve GDT handling`,
`tools/libxl: ...`, `x86/mm, xen/common: ...`, `docs: ...`, `MAINTAINERS: ...`. Titles and
body lines follow git's convention of at most 75 columns (what `git log` and mail show
without wrapping). Body lines that cannot or should not be wrapped are left alone: URLs,
logs quoted by indenting them (2 or more columns) or as Xen console lines (`(XEN) ...`),
single words, trailers and `Fixes:` lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reviewbot.trailers import find_trailers
from reviewbot_hygiene.problems import (
    EMPTY_MESSAGE,
    MESSAGE_LONG_LINE,
    SUBJECT_FORMAT,
    SUBJECT_LENGTH,
    SUBJECT_PERIOD,
    Problem,
)

MAX_SUBJECT = 75
MAX_BODY_LINE = 75

# One path-like area (`x86/ctxt-switch`, `tools/{libxc,libxl}`, `xen/*`, `CHANGELOG.md`),
# several of them separated by commas.
_SEGMENT = r"(?:[\w.*+-]|\{[^{}\s]*\})+"
_ITEM = rf"{_SEGMENT}(?:/{_SEGMENT})*"
_TITLE = re.compile(rf"{_ITEM}(?:[ \t]*,[ \t]*{_ITEM})*:[ \t]+\S.*")
_REVERT = re.compile(r'Revert ".+"')
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S")
_XEN_LOG = re.compile(r"\((?:XEN|d\d+(?:v\d+)?)\)")
_TRAILER_SHAPE = re.compile(r"(?:[A-Za-z][A-Za-z0-9-]*-by|Fixes):")
# `git am` takes these from the top of the body, before a blank line, as the mail's headers.
_IN_BODY_HEADER = re.compile(r"(?:From|Date|Subject):[ \t]")


def subject_problems(title: str) -> Iterator[Problem]:
    """The title's form, length and final period."""
    if not _TITLE.fullmatch(title) and not _REVERT.fullmatch(title):
        yield Problem(
            SUBJECT_FORMAT,
            None,
            f"the subject `{title}` is not `area: summary`; start it with the area it "
            "changes, e.g. `x86/mm: ` or `tools/libxl: `",
            "",
        )
    if len(title) > MAX_SUBJECT:
        yield Problem(
            SUBJECT_LENGTH,
            None,
            f"the subject is {len(title)} characters long; keep it within {MAX_SUBJECT} so "
            "that `git log --oneline` and mail clients show it whole",
            "",
        )
    if title.endswith(".") and not title.endswith(".."):
        yield Problem(SUBJECT_PERIOD, None, "the subject ends with a period; drop it", "")


def body_problems(message: str) -> tuple[list[Problem], int]:
    """Long body lines and a body empty but for trailers; also how many lines were checked.

    `git am`'s in-body headers (`From: Other Author <...>` and a blank line at the top) and
    the final block of trailers are not part of the text.
    """
    lines = message.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    trailers = find_trailers(message, reply=False)
    end = trailers[0].line if trailers else len(lines)
    start = _after_in_body_headers(lines, end)
    prose = lines[start:end]
    problems: list[Problem] = []
    for number, line in enumerate(prose, start + 1):
        width = len(line.expandtabs(8))
        if width > MAX_BODY_LINE and not _unwrappable(line):
            problems.append(
                Problem(
                    MESSAGE_LONG_LINE,
                    number,
                    f"line {number} of the commit message is {width} columns long; wrap "
                    f"the text within {MAX_BODY_LINE} columns",
                    f"are longer than {MAX_BODY_LINE} columns",
                    details=line,
                )
            )
    if not any(line.strip() for line in prose):
        what = "has nothing but trailers" if trailers else "is empty"
        problems.append(
            Problem(
                EMPTY_MESSAGE,
                None,
                f"the commit message {what}; say what the patch changes and why",
                "",
            )
        )
    return problems, len(prose)


def _after_in_body_headers(lines: list[str], end: int) -> int:
    """Where the message starts once `From:`/`Date:`/`Subject:` lines at its top are skipped."""
    index = 0
    while index < end and _IN_BODY_HEADER.match(lines[index]):
        index += 1
    if index and (index == end or not lines[index].strip()):
        return index
    return 0


def _unwrappable(line: str) -> bool:
    stripped = line.strip()
    return (
        line.startswith(("  ", "\t"))
        or _URL.search(line) is not None
        or _XEN_LOG.match(stripped) is not None
        or _TRAILER_SHAPE.match(line) is not None
        or " " not in stripped
    )
