"""Xen's check-in policy applied to one patch, over plain data (no mail, no git).

A patch can be committed when every file it touches (both paths of a rename) is approved by a
maintainer of the most specific MAINTAINERS section listing it (sections without maintainers
are passed over; on a tie any of the tied sections will do) with an Acked-by or Reviewed-by
within the approval's area scope; an author who maintains the file approves it by signing the
patch off. Someone other than the author must approve too: a Reviewed-by from anyone, or an
Acked-by from a maintainer of one of the patch's files. No objection may be open. An approval
from a maintainer of a wider section only stands in "in unusual circumstances" and is reported
as such (`wider-only`), not as approval. Reviewers (R:), Tested-by and Release-Acked-by never
approve a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from reviewbot.identity import Person
from reviewbot_xen_policy.areas import area_scope
from reviewbot_xen_policy.identities import People
from reviewbot_xen_policy.maintainers import MaintainersFile, Section
from reviewbot_xen_policy.result import (
    Approval,
    FileReview,
    FileStatus,
    Objection,
    PatchPolicy,
)

ACKED, REVIEWED, SIGNED_OFF = "Acked-by", "Reviewed-by", "Signed-off-by"
#: The file statuses that let a patch be committed.
SATISFIED = frozenset({FileStatus.APPROVED, FileStatus.AUTHOR_MAINTAINER})


@dataclass(frozen=True)
class ChangedPath:
    """A path the patch touches; `other_path` is the other side of a rename."""

    path: str
    change: str
    other_path: str | None = None


@dataclass(frozen=True)
class PatchFacts:
    """What the policy needs to know about one patch.

    `approvals`: its Acked-by and Reviewed-by trailers with a known giver, in trailer order
    (`scope` only when it is an area scope). `signed_off`: who signed the patch itself off.
    `changed_text`: its added and removed lines, for the `K:` keywords.
    """

    number: int
    subject: str
    message_id: str
    author: Person | None
    paths: tuple[ChangedPath, ...]
    approvals: tuple[Approval, ...]
    signed_off: tuple[Person, ...]
    release_acks: tuple[Approval, ...] = ()
    objections: tuple[Objection, ...] = ()
    changed_text: str = ""


@dataclass(frozen=True)
class _Listing:
    """The sections listing one path, sorted by the nesting rule."""

    titles: tuple[str, ...]
    specific: tuple[Section, ...]
    wider: tuple[Section, ...]
    orphaned: tuple[str, ...]


def evaluate(facts: PatchFacts, maintainers: MaintainersFile, people: People) -> PatchPolicy:
    """The patch against the check-in policy."""
    listings = {changed.path: _listing(maintainers, changed.path) for changed in facts.paths}
    files = tuple(
        _review_file(changed, listings[changed.path], facts, people) for changed in facts.paths
    )
    unmatched = tuple(
        a
        for a in facts.approvals
        if (area := area_scope(a.scope)) is not None
        and not any(area.covers(path, listing.titles) for path, listing in listings.items())
    )
    other = _other_approval(facts, listings, files, unmatched, people)
    listed = {title for listing in listings.values() for title in listing.titles}
    also = tuple(
        s.title for s in maintainers.concerned_by(facts.changed_text) if s.title not in listed
    )
    committable = (
        bool(files)
        and all(f.status in SATISFIED for f in files)
        and other is not None
        and not facts.objections
    )
    return PatchPolicy(
        number=facts.number,
        subject=facts.subject,
        message_id=facts.message_id,
        author=facts.author,
        committable=committable,
        files=files,
        other_approval=other,
        objections=facts.objections,
        also_concerned=tuple(dict.fromkeys(also)),
        unmatched_scopes=unmatched,
        release_acks=facts.release_acks,
    )


def _listing(maintainers: MaintainersFile, path: str) -> _Listing:
    covering = maintainers.covering(path)
    staffed = [c for c in covering if c.section.maintainers]
    top = staffed[0].specificity if staffed else None
    return _Listing(
        titles=tuple(c.section.title for c in covering),
        specific=tuple(c.section for c in staffed if c.specificity == top),
        wider=tuple(c.section for c in staffed if top is not None and c.specificity < top),
        orphaned=tuple(
            c.section.title
            for c in covering
            if not c.section.maintainers and (top is None or c.specificity > top)
        ),
    )


def _maintaining(person: Person, sections: Sequence[Section], people: People) -> Section | None:
    """The first of `sections` that `person` maintains."""
    return next((s for s in sections if people.among(person, s.maintainers)), None)


def _review_file(
    changed: ChangedPath, listing: _Listing, facts: PatchFacts, people: People
) -> FileReview:
    author = facts.author
    approved: list[Approval] = []
    wider: list[Approval] = []
    scoped_out: list[Approval] = []
    for approval in facts.approvals:
        if people.same(approval.person, author):
            continue
        section = _maintaining(approval.person, listing.specific, people)
        wider_section = _maintaining(approval.person, listing.wider, people)
        chosen = section or wider_section
        if chosen is None:
            continue
        counted = replace(approval, section=chosen.title)
        area = area_scope(approval.scope)
        if area is not None and not area.covers(changed.path, listing.titles):
            if section is not None:
                scoped_out.append(counted)
        elif section is not None:
            approved.append(counted)
        else:
            wider.append(counted)
    status = FileStatus.MISSING
    if approved:
        status = FileStatus.APPROVED
    elif (own := _author_approval(facts, listing, people)) is not None:
        status = FileStatus.AUTHOR_MAINTAINER
        approved.append(own)
    elif wider:
        status = FileStatus.WIDER_ONLY
    everyone = people.unique(m for s in listing.specific for m in s.maintainers)
    return FileReview(
        path=changed.path,
        change=changed.change,
        other_path=changed.other_path,
        sections=tuple(s.title for s in listing.specific),
        orphaned=listing.orphaned,
        wider_sections=tuple(s.title for s in listing.wider),
        maintainers=tuple(people.without(everyone, author)),
        approved_by=tuple(approved),
        wider_approved_by=tuple(wider),
        scoped_out=tuple(scoped_out),
        status=status,
    )


def _author_approval(facts: PatchFacts, listing: _Listing, people: People) -> Approval | None:
    """The author's Signed-off-by, when the author maintains the file."""
    author = facts.author
    if author is None:
        return None
    section = _maintaining(author, listing.specific, people)
    signed = next((p for p in facts.signed_off if people.same(p, author)), None)
    if section is None or signed is None:
        return None
    return Approval(signed, SIGNED_OFF, None, facts.message_id, section.title)


def _other_approval(
    facts: PatchFacts,
    listings: dict[str, _Listing],
    files: Sequence[FileReview],
    unmatched: Sequence[Approval],
    people: People,
) -> Approval | None:
    """An approval by someone other than the author, one that approved a file first; its
    `section` is a section listing the patch's files that the giver maintains (None: none)."""
    staffed = [s for listing in listings.values() for s in (*listing.specific, *listing.wider)]
    found: list[Approval] = []
    for approval in facts.approvals:
        if people.same(approval.person, facts.author) or approval in unmatched:
            continue
        section = _maintaining(approval.person, staffed, people)
        if approval.trailer == REVIEWED or section is not None:
            found.append(replace(approval, section=section.title if section else None))
    approvers = [a.person for f in files for a in f.approved_by if a.trailer != SIGNED_OFF]
    for approval in found:
        if people.among(approval.person, approvers):
            return approval
    return found[0] if found else None
