"""Finding codes, their fixed severities, and problems turned into capped findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reviewbot.findings import Finding, Severity

TRAILING_WHITESPACE = "hygiene/trailing-whitespace"
TAB_INDENT = "hygiene/tab-indent"
KEYWORD_SPACING = "hygiene/keyword-spacing"
BRACE_PLACEMENT = "hygiene/brace-placement"
LONG_LINE = "hygiene/long-line"
MISSING_SPDX = "hygiene/missing-spdx"
NO_NEWLINE_AT_EOF = "hygiene/no-newline-at-eof"
SUBJECT_FORMAT = "hygiene/subject-format"
SUBJECT_LENGTH = "hygiene/subject-length"
SUBJECT_PERIOD = "hygiene/subject-period"
MESSAGE_LONG_LINE = "hygiene/message-long-line"
EMPTY_MESSAGE = "hygiene/empty-message"

#: Every code the plugin reports, with its severity (fixed per kind of finding).
SEVERITIES: dict[str, Severity] = {
    TRAILING_WHITESPACE: Severity.WARNING,
    TAB_INDENT: Severity.WARNING,
    KEYWORD_SPACING: Severity.WARNING,
    BRACE_PLACEMENT: Severity.WARNING,
    LONG_LINE: Severity.WARNING,
    MISSING_SPDX: Severity.WARNING,
    NO_NEWLINE_AT_EOF: Severity.WARNING,
    SUBJECT_FORMAT: Severity.WARNING,
    SUBJECT_LENGTH: Severity.INFO,
    SUBJECT_PERIOD: Severity.INFO,
    MESSAGE_LONG_LINE: Severity.INFO,
    EMPTY_MESSAGE: Severity.INFO,
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong: its code, the line (new-file or commit-message body), what to say.

    `more` is how the summary of the problems left out finishes its sentence, e.g. "end in
    whitespace" for "… and 7 more lines in this file end in whitespace".
    """

    code: str
    line: int | None
    message: str
    more: str
    details: str | None = None


def capped(
    problems: Iterable[Problem], file: str | None, limit: int, *, place: str = "in this file"
) -> list[Finding]:
    """Findings for `problems` of one file: at most `limit` per code, then one for the rest.

    `limit` 0 means no limit. The summary finding has the code of what it sums up, sits on
    the first line left out, and lists every line left out in its details.
    """
    by_code: dict[str, list[Problem]] = {}
    for problem in problems:
        by_code.setdefault(problem.code, []).append(problem)
    findings: list[Finding] = []
    for code, group in by_code.items():
        shown = group if limit == 0 else group[:limit]
        findings += [_finding(p, file) for p in shown]
        rest = group[len(shown) :]
        if rest:
            lines = [p.line for p in rest if p.line is not None]
            findings.append(
                Finding(
                    SEVERITIES[code],
                    f"… and {len(rest)} more lines {place} {rest[0].more}",
                    file=file,
                    line=rest[0].line,
                    details="lines " + ", ".join(str(n) for n in lines) if lines else None,
                    code=code,
                )
            )
    return findings


def _finding(problem: Problem, file: str | None) -> Finding:
    return Finding(
        SEVERITIES[problem.code],
        problem.message,
        file=file,
        line=problem.line,
        details=problem.details,
        code=problem.code,
    )
