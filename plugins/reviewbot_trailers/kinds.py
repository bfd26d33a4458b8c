"""The kinds of finding this plugin reports: each a stable code with a fixed severity."""

from __future__ import annotations

from dataclasses import dataclass

from reviewbot.findings import Finding, Severity


@dataclass(frozen=True)
class Kind:
    """One kind of finding: its code (`trailers/<name>`) and its severity."""

    code: str
    severity: Severity

    def finding(self, message: str, patch: int, details: str | None = None) -> Finding:
        """A finding of this kind about patch number `patch` (a commit-message finding)."""
        return Finding(self.severity, message, patch=patch, details=details, code=self.code)


MISSING_AUTHOR_SIGNOFF = Kind("trailers/missing-author-signoff", Severity.ERROR)
SIGNOFF_ADDRESS_DIFFERS = Kind("trailers/signoff-address-differs", Severity.WARNING)
SIGNOFF_CHAIN = Kind("trailers/signoff-chain", Severity.WARNING)
FIXES_FORMAT = Kind("trailers/fixes-format", Severity.WARNING)
FIXES_UNKNOWN_COMMIT = Kind("trailers/fixes-unknown-commit", Severity.ERROR)
FIXES_AMBIGUOUS = Kind("trailers/fixes-ambiguous", Severity.WARNING)
FIXES_SUBJECT_MISMATCH = Kind("trailers/fixes-subject-mismatch", Severity.WARNING)
DUPLICATE = Kind("trailers/duplicate", Severity.WARNING)
GIVEN_BY_SOMEONE_ELSE = Kind("trailers/given-by-someone-else", Severity.WARNING)
MISSPELT_NAME = Kind("trailers/misspelt-name", Severity.WARNING)
NONCANONICAL_CASE = Kind("trailers/noncanonical-case", Severity.INFO)
NOT_CARRIED = Kind("trailers/not-carried", Severity.INFO)
UNRESOLVED_ADDRESS = Kind("trailers/unresolved-address", Severity.WARNING)

ALL_KINDS: tuple[Kind, ...] = (
    MISSING_AUTHOR_SIGNOFF,
    SIGNOFF_ADDRESS_DIFFERS,
    SIGNOFF_CHAIN,
    FIXES_FORMAT,
    FIXES_UNKNOWN_COMMIT,
    FIXES_AMBIGUOUS,
    FIXES_SUBJECT_MISMATCH,
    DUPLICATE,
    GIVEN_BY_SOMEONE_ELSE,
    MISSPELT_NAME,
    NONCANONICAL_CASE,
    NOT_CARRIED,
    UNRESOLVED_ADDRESS,
)
