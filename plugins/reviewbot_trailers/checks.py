"""Every check of one patch, in one place: what `check_patch` and `review_result` share."""

from __future__ import annotations

from reviewbot.attribution import PatchReview, Trailer
from reviewbot.checkcontext import CheckContext
from reviewbot.errors import ConfigError
from reviewbot.findings import Finding
from reviewbot.people import sender_of
from reviewbot_trailers.authorship import Authorship, authorship, who
from reviewbot_trailers.duplicates import duplicate_findings
from reviewbot_trailers.fixes import fixes_findings, references
from reviewbot_trailers.names import name_findings
from reviewbot_trailers.provenance import given_by_someone_else, not_carried, unresolved
from reviewbot_trailers.settings import DEFAULT_MIN_FIXES_DIGITS, MIN_FIXES_DIGITS
from reviewbot_trailers.signoff import author_signoff_findings, chain_findings

__all__ = [
    "DEFAULT_MIN_FIXES_DIGITS",
    "MIN_FIXES_DIGITS",
    "min_fixes_digits",
    "patch_findings",
    "people_of",
]
_DIGIT_RANGE = range(4, 41)


def min_fixes_digits(context: CheckContext) -> int:
    """The `trailers.min_fixes_digits` setting, checked (4 to 40)."""
    value = context.setting(MIN_FIXES_DIGITS)
    if not isinstance(value, int) or isinstance(value, bool) or value not in _DIGIT_RANGE:
        raise ConfigError(
            f"{MIN_FIXES_DIGITS} must be a whole number from 4 to 40, not {value!r}",
            f"set it to {DEFAULT_MIN_FIXES_DIGITS}, the default",
        )
    return value


def people_of(review: PatchReview, context: CheckContext) -> Authorship:
    """The patch's author (in-body From first) and the person who mailed it."""
    return authorship(
        context.sender(review), review.patch.body.message, context.book, context.book.aliases()
    )


def patch_findings(review: PatchReview, context: CheckContext) -> list[Finding]:
    """Everything this plugin says about one patch."""
    number = review.patch.index
    aliases = context.book.aliases()
    people = people_of(review, context)
    git = context.tree.git if context.tree is not None else None

    def sender(trailer: Trailer) -> str:
        message = context.thread.messages.get(trailer.from_message)
        person = sender_of(message) if message is not None else None
        return who(person) if person is not None else trailer.sender

    return [
        *author_signoff_findings(review.existing, review.collected, people, aliases, number),
        *chain_findings(review.existing, people, aliases, number),
        *fixes_findings(references(review.trailers), git, min_fixes_digits(context), number),
        *duplicate_findings(review.trailers, aliases, number),
        *given_by_someone_else(review, sender, number),
        *name_findings(review.trailers, sender, number),
        *not_carried(review, number),
        *unresolved(review, context.tree is not None, number),
    ]
