"""Running git in one repository through GitPython: text in and out, failures as one line.

Every command gets the same defensive settings: no automatic gc in the user's repository, no
signing prompts, no hooks of the user's (they belong to their own workflow, not a review
branch), and no `am.threeWay` or `apply.whitespace` preference that would change what an
apply attempt means. Settings go on the command line (`-c`), so nothing is written to the
repository's config.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reviewbot.errors import GitFailed

#: `-c` settings for every command reviewbot runs.
SAFE_CONFIG = (
    "gc.auto=0",
    "maintenance.auto=false",
    "commit.gpgSign=false",
    "core.hooksPath=/dev/null",
    "am.threeWay=false",
    "am.keepcr=false",
    "am.messageId=false",
    "apply.whitespace=nowarn",
    "advice.detachedHead=false",
)


@dataclass(frozen=True)
class GitResult:
    """What one git command did."""

    status: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """True when git exited with 0."""
        return self.status == 0

    def first_error(self) -> str:
        """The first meaningful line git wrote to stderr (or stdout), for a one-line report."""
        for line in (*self.stderr.splitlines(), *self.stdout.splitlines()):
            text = line.strip()
            if text and not text.startswith(("hint:", "warning:")):
                return text.removeprefix("error: ").removeprefix("fatal: ")
        return f"exit status {self.status}"


class Git:
    """git commands run in `directory` (a worktree or a git dir)."""

    def __init__(
        self,
        directory: Path,
        env: Mapping[str, str] | None = None,
        config: tuple[str, ...] = (),
    ) -> None:
        self.directory = directory
        self.env = dict(env or {})
        self.config = config
        import git  # GitPython takes ~45 ms to import: only when git is first run

        self._git = git.Git(str(directory))

    def run(self, *args: str, input: str | bytes | None = None, check: bool = True) -> GitResult:
        """Run `git ARGS`; raise GitFailed on a non-zero exit when `check`."""
        status, out, err = self.run_bytes(*args, input=input)
        result = GitResult(status, _text(out), _text(err))
        if check and not result.ok:
            raise GitFailed(
                f"git {_subcommand(args)} failed in {self.directory}: {result.first_error()}",
                "rerun with -d for details, or report it as a reviewbot bug",
            )
        return result

    def run_bytes(self, *args: str, input: str | bytes | None = None) -> tuple[int, bytes, bytes]:
        """Run `git ARGS` and return (status, stdout, stderr) as bytes, whatever the status."""
        command = ["git"]
        for setting in (*SAFE_CONFIG, *self.config):
            command += ["-c", setting]
        command += list(args)
        with tempfile.TemporaryFile() as stdin:
            if input is not None:
                stdin.write(input.encode() if isinstance(input, str) else input)
                stdin.seek(0)
            status, out, err = self._git.execute(
                command,
                istream=stdin,
                with_extended_output=True,
                with_exceptions=False,
                stdout_as_string=False,
                strip_newline_in_stdout=False,
                env=self.env or None,
            )
        return int(status), _bytes(out), _bytes(err)

    def out(self, *args: str, input: str | bytes | None = None) -> str:
        """The stdout of a command that must succeed, without its final newline."""
        return self.run(*args, input=input).stdout.removesuffix("\n")


def _subcommand(args: tuple[str, ...]) -> str:
    """The subcommand's name in `-c key=value … name …`."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in {"-c", "-C"}:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return " ".join(args)


def _bytes(data: object) -> bytes:
    if isinstance(data, bytes):
        return data
    return str(data or "").encode()


def _text(data: object) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return str(data or "")
