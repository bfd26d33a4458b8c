"""The plugin's findings: what a patch still needs before it can be committed, in words.

Codes (severity fixed per code):
- `xen-policy/missing-approval` (error, per file): nobody who counts approved the file.
- `xen-policy/wider-approval-only` (warning, per file): only wider sections' maintainers did.
- `xen-policy/needs-other-approval` (error): nobody but the author approved the patch.
- `xen-policy/objection` (error, per objection): a Nacked-by or a NAK reply is open.
- `xen-policy/scope-matches-nothing` (warning): an area-scoped approval names none of its files.
- `xen-policy/committable` (info): the patch can go in, and on whose approval.
Series-wide: `xen-policy/no-maintainers` (info), `xen-policy/maintainers-unreadable` (error),
`xen-policy/no-maintainers-sections` (warning).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from reviewbot.findings import Finding, Severity
from reviewbot.identity import Person
from reviewbot_xen_policy.policy import ACKED, SIGNED_OFF
from reviewbot_xen_policy.result import (
    Approval,
    FileReview,
    FileStatus,
    MaintainersOrigin,
    Objection,
    PatchPolicy,
)
from reviewbot_xen_policy.source import SETTING

PREFIX = "xen-policy/"
MISSING_APPROVAL = PREFIX + "missing-approval"
WIDER_ONLY = PREFIX + "wider-approval-only"
NEEDS_OTHER = PREFIX + "needs-other-approval"
OBJECTION = PREFIX + "objection"
SCOPE_NOTHING = PREFIX + "scope-matches-nothing"
COMMITTABLE = PREFIX + "committable"
NO_MAINTAINERS = PREFIX + "no-maintainers"
UNREADABLE = PREFIX + "maintainers-unreadable"
NO_SECTIONS = PREFIX + "no-maintainers-sections"


def patch_findings(policy: PatchPolicy) -> Iterator[Finding]:
    """Everything to say about one patch (its number set on each finding)."""
    number = policy.number
    for review in policy.files:
        if review.status is FileStatus.MISSING:
            yield Finding(
                Severity.ERROR,
                missing_message(review, policy.author),
                patch=number,
                file=review.path,
                code=MISSING_APPROVAL,
            )
        elif review.status is FileStatus.WIDER_ONLY:
            yield Finding(
                Severity.WARNING,
                wider_message(review),
                patch=number,
                file=review.path,
                code=WIDER_ONLY,
            )
    if policy.other_approval is None:
        yield Finding(Severity.ERROR, needs_other_message(policy), patch=number, code=NEEDS_OTHER)
    for objection in policy.objections:
        yield Finding(
            Severity.ERROR,
            objection_message(objection),
            patch=number,
            details=objection.text,
            code=OBJECTION,
        )
    for approval in policy.unmatched_scopes:
        yield Finding(Severity.WARNING, scope_message(approval), patch=number, code=SCOPE_NOTHING)
    if policy.committable:
        yield Finding(Severity.INFO, committable_message(policy), patch=number, code=COMMITTABLE)


# --- one message per kind -----------------------------------------------------------------------


def missing_message(review: FileReview, author: Person | None) -> str:
    """`xen/arch/x86/domain.c needs an Acked-by or Reviewed-by from a maintainer of X86
    ARCHITECTURE: Jan Beulich or Andrew Cooper`, with what else is worth knowing."""
    path = file_label(review)
    if not review.sections:
        return (
            f"{path} has no maintainer: no MAINTAINERS section with an M: entry lists it, "
            "so nobody can approve it; list it in a section (THE REST usually takes everything)"
        )
    text = f"{path} needs an Acked-by or Reviewed-by from a maintainer of {sections_label(review)}"
    if review.maintainers:
        text += f": {either(names(review.maintainers))}"
    elif author is not None:
        text += (
            f", and its only maintainer is the author, {name(author)}, who has not signed it off"
        )
    for approval in review.scoped_out:
        text += (
            f"; {name(approval.person)}'s {approval.trailer} is scoped to "
            f'"{approval.scope}", which does not cover it'
        )
    return text


def wider_message(review: FileReview) -> str:
    """Approved only by maintainers of wider sections: fine only in unusual circumstances."""
    givers = both(
        f"{name(a.person)} ({a.trailer}, {a.section})" for a in _unique(review.wider_approved_by)
    )
    who = f" ({either(names(review.maintainers))})" if review.maintainers else ""
    return (
        f"{file_label(review)} is approved only from wider sections, by {givers}: "
        f"it needs a maintainer of {sections_label(review)}{who}"
        " unless they are unavailable or not responding"
    )


def needs_other_message(policy: PatchPolicy) -> str:
    """Nobody other than the author approved the patch."""
    author = f"the author, {name(policy.author)}," if policy.author else "the author"
    return (
        f"nobody other than {author} has approved this patch: it needs a Reviewed-by from "
        "someone else or an Acked-by from another maintainer of its files"
    )


def objection_message(objection: Objection) -> str:
    """Someone objected (Nacked-by or NAK) and it still stands."""
    who = name(objection.person) if objection.person else "someone"
    how = "a Nacked-by" if objection.kind == "Nacked-by" else "a NAK"
    return (
        f"{who} objected with {how} in <{objection.message_id}>: "
        "the objection must be settled before the patch is committed"
    )


def scope_message(approval: Approval) -> str:
    """An area-scoped approval naming none of the patch's files."""
    return (
        f'{name(approval.person)}\'s {approval.trailer} is scoped to "{approval.scope}", '
        "which matches none of this patch's files, so it approves nothing here: "
        "check which part it was meant for"
    )


def committable_message(policy: PatchPolicy) -> str:
    """`committable: X86 ARCHITECTURE approved by Jan Beulich (Reviewed-by); reviewed by
    someone other than the author` (the other approver named when not named before)."""
    by_sections: dict[tuple[str, ...], list[Approval]] = {}
    for review in policy.files:
        by_sections.setdefault(review.sections, []).extend(review.approved_by)
    by_approvers: dict[str, list[str]] = {}
    for sections, given in by_sections.items():
        approvers = both(approver(a) for a in _unique(given))
        by_approvers.setdefault(approvers, []).append(" or ".join(sections))
    parts = [f"{both(labels)} approved by {who}" for who, labels in by_approvers.items()]
    other = policy.other_approval
    if other is not None:
        verb = "acked" if other.trailer == ACKED else "reviewed"
        text = f"{verb} by someone other than the author"
        named = {a.person for given in by_sections.values() for a in given}
        if other.person not in named:
            role = "" if other.section else ", not a maintainer"
            text += f": {name(other.person)} ({_trailer(other)}{role})"
        parts.append(text)
    return "committable: " + "; ".join(parts)


def series_no_maintainers() -> Finding:
    """No tree and no `xen-policy.maintainers`: nothing to check against."""
    return Finding(
        Severity.INFO,
        "no MAINTAINERS to check against: give --tree DIR or -c xen-policy.maintainers=PATH",
        code=NO_MAINTAINERS,
    )


def series_unreadable(path: str, reason: str) -> Finding:
    """The configured MAINTAINERS cannot be read."""
    return Finding(
        Severity.ERROR,
        f"cannot read the MAINTAINERS file {path} that {SETTING} names ({reason}): "
        f"give the path of a Xen MAINTAINERS file, or --tree DIR",
        code=UNREADABLE,
    )


def series_no_sections(origin: MaintainersOrigin) -> Finding:
    """A MAINTAINERS without sections (a wrong file?)."""
    return Finding(
        Severity.WARNING,
        f"{origin.location} has no maintainer sections, so no approval can be checked: "
        "is it Xen's MAINTAINERS file?",
        code=NO_SECTIONS,
    )


# --- words -----------------------------------------------------------------------------------


def name(person: Person | None) -> str:
    """A person's name, else their address."""
    if person is None:
        return "unknown"
    return person.name or person.address


def names(people: Sequence[Person]) -> list[str]:
    """Each person's name."""
    return [name(p) for p in people]


def either(words: Sequence[str]) -> str:
    """`A`, `A or B`, `A, B or C`."""
    return _join(list(words), "or")


def both(words: Iterable[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    return _join(list(words), "and")


def _join(words: list[str], last: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def file_label(review: FileReview) -> str:
    """The path, with the other side of a rename."""
    if review.change == "rename-old":
        return f"{review.path} (renamed to {review.other_path})"
    if review.change == "rename-new":
        return f"{review.path} (renamed from {review.other_path})"
    return review.path


def sections_label(review: FileReview) -> str:
    """`X86 ARCHITECTURE`, a tie as `A or B (either suffices)`, passed-over orphans noted."""
    label = either(review.sections)
    if len(review.sections) > 1:
        label += " (either suffices)"
    if review.orphaned:
        have = "has" if len(review.orphaned) == 1 else "have"
        label += f" ({both(review.orphaned)}, more specific, {have} no maintainer)"
    return label


def approver(approval: Approval) -> str:
    """`Jan Beulich (Acked-by # x86)`; `the author Andrew Cooper, a maintainer (Signed-off-by)`."""
    if approval.trailer == SIGNED_OFF:
        return f"the author {name(approval.person)}, a maintainer (Signed-off-by)"
    return f"{name(approval.person)} ({_trailer(approval)})"


def _trailer(approval: Approval) -> str:
    return f"{approval.trailer} {approval.scope}" if approval.scope else approval.trailer


def _unique(approvals: Sequence[Approval]) -> list[Approval]:
    seen: set[tuple[Person, str]] = set()
    kept: list[Approval] = []
    for approval in approvals:
        key = (approval.person, approval.trailer)
        if key not in seen:
            seen.add(key)
            kept.append(approval)
    return kept
