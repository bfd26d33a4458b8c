"""The built-in `trailers` plugin: sign-offs, Fixes/Amends, duplicates and trailer provenance.

Per patch it checks the author's Signed-off-by and the order of the sign-off chain, the form
of `Fixes:`/`Amends:` and (with a tree) the commits they name, trailers given twice, given in
someone else's name, misspelt or wrongly cased, not carried from another version, or left
with a masked address. Its result lists every patch's trailers as they will be committed.
Xen's approval policy (who may ack what) is the xen-policy plugin's job, not this one's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewbot.extensions import SettingSpec
from reviewbot.hookspecs import hookimpl
from reviewbot_trailers.settings import DEFAULT_MIN_FIXES_DIGITS, MIN_FIXES_DIGITS

if TYPE_CHECKING:  # the checks load when a hook first needs them
    from collections.abc import Callable, Iterator

    from reviewbot.attribution import PatchReview
    from reviewbot.checkcontext import CheckContext
    from reviewbot.findings import Finding
    from reviewbot_trailers.result import TrailersResult

NAME = "trailers"


@hookimpl
def register_settings(register: Callable[[SettingSpec], None]) -> None:
    """Declare `trailers.min_fixes_digits`."""
    register(
        SettingSpec(
            MIN_FIXES_DIGITS,
            DEFAULT_MIN_FIXES_DIGITS,
            "fewest hex digits of the commit id in a Fixes: or Amends: trailer (4 to 40)",
            validate=_digits,
        )
    )


@hookimpl
def check_patch(patch: PatchReview, context: CheckContext) -> Iterator[Finding]:
    """The findings about one patch's trailers (worked out once, with the result)."""
    from reviewbot_trailers.checks import patch_findings
    from reviewbot_trailers.result import TrailersResult

    result = context.result(NAME)
    if isinstance(result, TrailersResult):
        yield from result.findings.get(patch.patch.index, ())
    else:  # called outside a check run, where no result is kept
        yield from patch_findings(patch, context)


@hookimpl
def review_result(context: CheckContext) -> TrailersResult:
    """Every patch's trailers as they will be committed, their A/R/T counts and problems."""
    from reviewbot_trailers.result import review_result as trailers_result

    return trailers_result(context)


def _digits(value: object) -> str | None:
    """`trailers.min_fixes_digits` must be a whole number from 4 to 40."""
    fits = isinstance(value, int) and not isinstance(value, bool) and 4 <= value <= 40
    return None if fits else "must be a whole number from 4 to 40"
