"""`Fixes:` and `Amends:` trailers: their form, and with a tree the commit they name.

Xen writes them `Fixes: 67d01cdb5518 ("x86: infrastructure to allow converting ...")`: at
least 12 hex digits (`trailers.min_fixes_digits`) and the commit's subject quoted in
parentheses. With a tree, the id must name exactly one commit of it and the quoted subject
must be that commit's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from reviewbot.attribution import Trailer
from reviewbot.findings import Finding
from reviewbot.gitcmd import Git
from reviewbot_trailers.kinds import (
    FIXES_AMBIGUOUS,
    FIXES_FORMAT,
    FIXES_SUBJECT_MISMATCH,
    FIXES_UNKNOWN_COMMIT,
)

COMMIT_TRAILERS = frozenset({"Fixes", "Amends"})
#: git's shortest abbreviation: shorter ids are not looked up.
MIN_LOOKUP_DIGITS = 4
_ID = re.compile(r"([0-9a-fA-F]+)(?![0-9A-Za-z])")
_SHOWN_DIGITS = 12


@dataclass(frozen=True)
class CommitReference:
    """A `Fixes:`/`Amends:` value taken apart: the commit id and the quoted subject."""

    name: str
    value: str
    commit: str | None  # the leading hex digits, lower case
    subject: str | None  # the text inside `("...")`, whitespace collapsed

    @property
    def written(self) -> str:
        """The trailer as written, quoted for a message."""
        return f"'{self.name}: {self.value}'"


def parse_reference(name: str, value: str) -> CommitReference:
    """Read `<id> ("<subject>")` from a trailer value; missing parts are None."""
    text = value.strip()
    found = _ID.match(text)
    commit = found.group(1).casefold() if found else None
    rest = text[found.end() :].strip() if found else text
    subject = None
    if rest.startswith('("'):
        close = rest.rfind('")')
        if close > 1:
            subject = " ".join(rest[2:close].split())
    return CommitReference(name, text, commit, subject)


class Outcome(StrEnum):
    """What the tree says about an abbreviated commit id."""

    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Lookup:
    """The commit (or the commits) an id names in the tree, with their subjects."""

    outcome: Outcome
    commits: tuple[tuple[str, str], ...] = ()  # (full id, subject)


def look_up(git: Git, commit: str) -> Lookup:
    """Find the commit `commit` abbreviates (`git cat-file -e <id>^{commit}`)."""
    if git.run("cat-file", "-e", f"{commit}^{{commit}}", check=False).ok:
        logged = git.run("log", "-1", "--format=%H%x00%s", f"{commit}^{{commit}}", "--")
        full, _, subject = logged.stdout.rstrip("\n").partition("\x00")
        return Lookup(Outcome.FOUND, ((full, subject),))
    candidates = git.run("rev-parse", f"--disambiguate={commit}", check=False)
    names = candidates.stdout.split() if candidates.ok else []
    if len(names) < 2:
        return Lookup(Outcome.UNKNOWN)
    types = git.run("cat-file", "--batch-check=%(objectname) %(objecttype)", input="\n".join(names))
    commits = [line.split()[0] for line in types.stdout.splitlines() if line.endswith(" commit")]
    if len(commits) < 2:
        return Lookup(Outcome.UNKNOWN)
    logged = git.run("log", "--no-walk=unsorted", "--format=%H%x00%s", *commits, "--")
    pairs = [line.partition("\x00") for line in logged.stdout.splitlines()]
    return Lookup(Outcome.AMBIGUOUS, tuple((full, subject) for full, _, subject in pairs))


def references(trailers: Sequence[Trailer]) -> list[CommitReference]:
    """The `Fixes:` and `Amends:` trailers of a patch, taken apart, in order."""
    return [parse_reference(t.name, t.value) for t in trailers if t.name in COMMIT_TRAILERS]


def fixes_findings(
    refs: Sequence[CommitReference], git: Git | None, min_digits: int, number: int
) -> list[Finding]:
    """Form problems, then (with a tree) unknown, ambiguous and mis-quoted commits."""
    found: list[Finding] = []
    for ref in refs:
        lookup = None
        if git is not None and ref.commit is not None and len(ref.commit) >= MIN_LOOKUP_DIGITS:
            lookup = look_up(git, ref.commit)
        problems = _form_problems(ref, min_digits)
        shown = max(_SHOWN_DIGITS, min_digits)
        if problems:
            message = _form_message(ref, problems, lookup, shown)
            found.append(FIXES_FORMAT.finding(message, number))
        if lookup is not None:
            found += _tree_findings(ref, lookup, shown, number)
    return found


def _form_problems(ref: CommitReference, min_digits: int) -> list[str]:
    problems = []
    if ref.commit is None:
        problems.append("does not start with a commit id")
    elif len(ref.commit) < min_digits:
        problems.append(f"abbreviates the commit to {len(ref.commit)} hex digits")
    if ref.subject is None:
        problems.append('does not quote the commit\'s subject as ("...")')
    return problems


def _form_message(
    ref: CommitReference, problems: list[str], lookup: Lookup | None, shown: int
) -> str:
    if lookup is not None and lookup.outcome is Outcome.FOUND:
        full, subject = lookup.commits[0]
        wanted = f'{full[:shown]} ("{subject}")'
    else:
        commit = f"<the first {shown} hex digits of the commit id>"
        wanted = f'{commit} ("{ref.subject or "<its subject>"}")'
    return f"{ref.written} {' and '.join(problems)}; write '{ref.name}: {wanted}'."


def _tree_findings(ref: CommitReference, lookup: Lookup, shown: int, number: int) -> list[Finding]:
    if lookup.outcome is Outcome.UNKNOWN:
        message = (
            f"{ref.written} names commit {ref.commit}, which the tree does not have; check the"
            " id, or fetch the branch the commit is on."
        )
        return [FIXES_UNKNOWN_COMMIT.finding(message, number)]
    if lookup.outcome is Outcome.AMBIGUOUS:
        listed = "\n".join(f'{full[:shown]} ("{title}")' for full, title in lookup.commits)
        message = (
            f"{ref.written}: {ref.commit} is ambiguous, {len(lookup.commits)} commits of the"
            f" tree start with it; give the first {shown} hex digits of the right one."
        )
        return [FIXES_AMBIGUOUS.finding(message, number, details=listed)]
    full, subject = lookup.commits[0]
    if ref.subject is None or ref.subject == " ".join(subject.split()):
        return []
    message = (
        f"{ref.written} quotes a subject that is not commit {full[:shown]}'s, which is"
        f' "{subject}"; quote the real subject, or correct the id.'
    )
    return [FIXES_SUBJECT_MISMATCH.finding(message, number)]
