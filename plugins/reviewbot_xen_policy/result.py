"""What the xen-policy plugin found out, per patch: the data its findings, replies and panels read.

Everything is a frozen dataclass of strings, numbers, `Person`s and tuples, so reviewbot turns
it into JSON as it is (`check --json` under `results["xen-policy"]`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reviewbot.identity import Person


class FileStatus(StrEnum):
    """Where a touched file stands with its maintainers."""

    APPROVED = "approved"  # a maintainer of its most specific section, not the author, approved
    AUTHOR_MAINTAINER = "author-maintainer"  # the author maintains it and signed the patch off
    MISSING = "missing"  # nobody who counts approved it
    WIDER_ONLY = "wider-only"  # only maintainers of wider sections approved it


@dataclass(frozen=True)
class Approval:
    """A trailer that approves: who, which trailer, its area scope, the mail it came in.

    `section` is the MAINTAINERS section through which it counts: for a file, the section of
    that file its giver maintains; for the patch's other approval, a section listing one of its
    files that the giver maintains (None for a reviewer who maintains none of them); None for
    release acks and scopes matching nothing.
    """

    person: Person
    trailer: str
    scope: str | None = None
    message_id: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class FileReview:
    """One path the patch touches (a rename gives two: its old and its new path).

    `sections`: the most specific sections with a maintainer listing it (several on a tie:
    a maintainer of any of them suffices). `orphaned`: more specific sections without one,
    passed over. `maintainers`: who could approve it (their M: entries, the author left out).
    `scoped_out`: approvals by those maintainers whose area scope leaves this file out.
    """

    path: str
    change: str
    other_path: str | None
    sections: tuple[str, ...]
    orphaned: tuple[str, ...]
    wider_sections: tuple[str, ...]
    maintainers: tuple[Person, ...]
    approved_by: tuple[Approval, ...]
    wider_approved_by: tuple[Approval, ...]
    scoped_out: tuple[Approval, ...]
    status: FileStatus


@dataclass(frozen=True)
class Objection:
    """An open objection: a `Nacked-by:` trailer or a bare NAK line in a reply."""

    person: Person | None
    kind: str  # "Nacked-by" or "NAK"
    message_id: str
    text: str


@dataclass(frozen=True)
class PatchPolicy:
    """One patch against the check-in policy."""

    number: int
    subject: str
    message_id: str
    author: Person | None
    committable: bool
    files: tuple[FileReview, ...]
    other_approval: Approval | None
    objections: tuple[Objection, ...]
    also_concerned: tuple[str, ...]
    unmatched_scopes: tuple[Approval, ...]
    release_acks: tuple[Approval, ...]


@dataclass(frozen=True)
class MaintainersOrigin:
    """Where the MAINTAINERS file came from.

    `kind` is "tree" (the file at the commit the series was applied to, `commit`) or
    "setting" (the file `xen-policy.maintainers` names, `location`).
    """

    kind: str
    location: str
    commit: str | None
    sections: int


@dataclass(frozen=True)
class PolicyResult:
    """The plugin's result: the MAINTAINERS it read and every patch of the series."""

    maintainers: MaintainersOrigin
    patches: tuple[PatchPolicy, ...]

    def patch(self, number: int) -> PatchPolicy | None:
        """The patch with that number, if the series has it."""
        return next((p for p in self.patches if p.number == number), None)
