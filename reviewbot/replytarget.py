"""Which mail a reply answers: a patch of the chosen version, or its cover letter."""

from __future__ import annotations

from dataclasses import dataclass

from reviewbot.attribution import PatchReview, Review
from reviewbot.errors import SpecError
from reviewbot.mailtext import body_text
from reviewbot.models import Message
from reviewbot.patchbody import PatchBody, parse_patch_body


@dataclass(frozen=True)
class ReplyTarget:
    """The mail replied to; `patch` is None for the cover letter."""

    message: Message
    patch: PatchReview | None
    body: PatchBody

    @property
    def number(self) -> int:
        """The patch's number in the series, 0 for the cover letter."""
        return 0 if self.patch is None else self.patch.patch.index


def reply_target(review: Review, kind: str, number: int | None) -> ReplyTarget:
    """Patch `number` (0: the cover letter); without one, what `kind` answers by default:
    a review the single patch, an ack or a thank-you the cover letter (else the single patch,
    and for a thank-you the first patch). SpecError when the choice is missing or ambiguous."""
    revision = review.revision
    by_number = {p.patch.index: p for p in review.patches}
    if number is None:
        number = _default_number(review, kind)
    if number == 0:
        if revision.cover is None:
            raise SpecError(
                f"{revision.title!r} {revision.version} has no cover letter",
                f"reply to a patch with --patch 1..{revision.total}",
            )
        cover = revision.cover
        return ReplyTarget(cover, None, parse_patch_body(body_text(cover)))
    if number not in by_number:
        present = ", ".join(str(n) for n in sorted(by_number)) or "none"
        raise SpecError(
            f"{revision.title!r} {revision.version} has no patch {number} (present: {present})",
            "give --patch one of those, or 0 for the cover letter",
        )
    chosen = by_number[number]
    return ReplyTarget(chosen.patch.message, chosen, chosen.patch.body)


def _default_number(review: Review, kind: str) -> int:
    revision = review.revision
    present = sorted(p.patch.index for p in review.patches)
    if kind != "review" and revision.cover is not None:
        return 0
    if len(present) == 1:
        return present[0]
    if kind == "thanks" and present:
        return present[0]
    what = "review" if kind == "review" else "acknowledge"
    raise SpecError(
        f"{revision.title!r} {revision.version} has {len(present)} patches: "
        f"which one do you want to {what}?",
        "give --patch N" + (" (0 for the cover letter)" if revision.cover is not None else ""),
    )
