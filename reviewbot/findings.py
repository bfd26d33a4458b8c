"""What a check says about a series: a finding with its plugin, severity, place and message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters; `check` exits 1 once anything reaches `warning`."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _RANKS[self]


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Finding:
    """One thing a plugin has to say.

    `patch` is the patch's number in the series (None: the series as a whole); `file` and
    `line` place it in the patched tree (the new side of the diff, 1-based). Without `file`,
    `line` is a line of the patch's commit message (1-based, below the subject), and None when
    the finding concerns no particular line. `code` is a short stable name (`hygiene/long-line`)
    for filtering and tests. `plugin` is filled in by reviewbot from the plugin's name.
    """

    severity: Severity
    message: str
    patch: int | None = None
    file: str | None = None
    line: int | None = None
    details: str | None = None
    code: str = ""
    plugin: str = ""

    def to_json(self) -> dict[str, object]:
        """The finding as `check --json` prints it."""
        return {
            "plugin": self.plugin,
            "severity": str(self.severity),
            "code": self.code,
            "patch": self.patch,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "details": self.details,
        }


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The highest severity among `findings` (None when there are none)."""
    ranked = [f.severity for f in findings]
    return max(ranked, key=lambda s: s.rank) if ranked else None


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Series-wide first, then by patch; within a patch errors first, then by file and line.

    Findings that tie keep the order their plugins gave them in (a stable sort).
    """
    return sorted(
        findings,
        key=lambda f: (
            f.patch is not None,
            f.patch or 0,
            -f.severity.rank,
            f.file or "",
            f.line or 0,
        ),
    )
