"""Errors reviewbot reports to the user as one line, never as a traceback."""

from __future__ import annotations


class ReviewbotError(Exception):
    """A failure the user can act on: `message` says what is wrong, `hint` what to do."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and the hint joined into the single line the CLI prints."""
        return f"{self.message}; {self.hint}" if self.hint else self.message


class SpecError(ReviewbotError):
    """A SPEC that names no thread reviewbot can find."""


class ConfigError(ReviewbotError):
    """A malformed setting, config file or environment variable."""


class FetchError(ReviewbotError):
    """A network source failed or answered with something unusable."""


class NotFoundError(FetchError):
    """The server says the resource does not exist (404/410)."""


class ParseError(ReviewbotError):
    """Input that is not what it claims to be (not mail, not an MHonArc page, truncated)."""


class StoreError(ReviewbotError):
    """The local store cannot be opened or does not hold what was asked for."""


class TreeError(ReviewbotError):
    """A git tree reviewbot cannot work in: missing, not a repository, bare, locked, a bad ref."""


class GitFailed(ReviewbotError):
    """A git command failed in a way reviewbot did not expect."""
