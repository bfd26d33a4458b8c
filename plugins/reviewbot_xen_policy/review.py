"""From a check run to the policy result: each patch's files, trailers and objections gathered
from the context, then judged by `policy.evaluate` against the run's MAINTAINERS."""

from __future__ import annotations

from reviewbot.attribution import PatchReview
from reviewbot.checkcontext import CheckContext
from reviewbot.identity import Person
from reviewbot.models import Message
from reviewbot.patchbody import FileChange
from reviewbot.people import sender_of
from reviewbot_xen_policy.areas import area_scope
from reviewbot_xen_policy.identities import People
from reviewbot_xen_policy.maintainers import parse_maintainers
from reviewbot_xen_policy.objections import nak_replies
from reviewbot_xen_policy.policy import (
    ACKED,
    REVIEWED,
    SIGNED_OFF,
    ChangedPath,
    PatchFacts,
    evaluate,
)
from reviewbot_xen_policy.result import (
    Approval,
    MaintainersOrigin,
    Objection,
    PolicyResult,
)
from reviewbot_xen_policy.source import NoMaintainers, locate

NACKED, RELEASE_ACKED = "Nacked-by", "Release-Acked-by"


def policy_result(context: CheckContext) -> PolicyResult | None:
    """The whole series against the check-in policy; None when there is no MAINTAINERS."""
    found = locate(context)
    if isinstance(found, NoMaintainers):
        return None
    maintainers = parse_maintainers(found.text)
    origin = MaintainersOrigin(found.kind, found.location, found.commit, len(maintainers.sections))
    if not maintainers.sections:
        return PolicyResult(origin, ())
    people = People(context.book.aliases())
    patches = tuple(
        evaluate(patch_facts(context, review), maintainers, people)
        for review in context.review.patches
    )
    return PolicyResult(origin, patches)


def patch_facts(context: CheckContext, review: PatchReview) -> PatchFacts:
    """What the policy needs about one patch, read from the run."""
    patch = review.patch
    return PatchFacts(
        number=patch.index,
        subject=patch.subject.title,
        message_id=patch.message_id,
        author=context.author(review),
        paths=tuple(p for change in patch.body.files for p in changed_paths(change)),
        approvals=approvals(review, ACKED, REVIEWED),
        signed_off=tuple(
            t.person for t in review.existing if t.name == SIGNED_OFF and t.person is not None
        ),
        release_acks=approvals(review, RELEASE_ACKED),
        objections=objections(context, review),
        changed_text=changed_lines(patch.body.diff),
    )


def changed_paths(change: FileChange) -> list[ChangedPath]:
    """The paths a file change touches: both sides of a rename, the new one of a copy."""
    if change.status == "renamed" and change.old_path and change.new_path:
        return [
            ChangedPath(change.old_path, "rename-old", change.new_path),
            ChangedPath(change.new_path, "rename-new", change.old_path),
        ]
    return [ChangedPath(change.path, change.status)]


def changed_lines(diff: str) -> str:
    """The added and removed lines of a diff (file headers left out), one per line."""
    return "\n".join(
        line[1:]
        for line in diff.split("\n")
        if line[:1] in ("+", "-") and not line.startswith(("+++ ", "--- "))
    )


def objections(context: CheckContext, review: PatchReview) -> tuple[Objection, ...]:
    """Nacked-by trailers, then bare NAK lines in replies to the patch or its cover letter."""
    found = [
        Objection(t.person, NACKED, t.from_message, f"{t.name}: {t.value}")
        for t in review.trailers
        if t.name == NACKED
    ]
    targets = {review.patch.message_id}
    if context.revision.cover is not None:
        targets.add(context.revision.cover.message_id)
    for nak in nak_replies(context.series, frozenset(targets)):
        if any(o.message_id == nak.message.message_id for o in found):
            continue
        found.append(
            Objection(_sender(context, nak.message), "NAK", nak.message.message_id, nak.text)
        )
    return tuple(found)


def _sender(context: CheckContext, message: Message) -> Person | None:
    person = sender_of(message)
    if person is None or not person.masked:
        return person
    return context.book.resolve(person).person or person


def approvals(review: PatchReview, *names: str) -> tuple[Approval, ...]:
    """The patch's trailers of those names with a known giver, in order; only area scopes kept."""
    found: list[Approval] = []
    for trailer in review.trailers:
        if trailer.person is None or trailer.name not in names:
            continue
        area = area_scope(trailer.scope, trailer.scope_patches)
        scope = str(area) if area is not None else None
        found.append(Approval(trailer.person, trailer.name, scope, trailer.from_message))
    return tuple(found)
