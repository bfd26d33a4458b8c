"""Patch hygiene for Xen: whitespace, Xen's C style, line lengths, SPDX tags, commit messages.

Checks the lines each patch adds (trailing whitespace, tab indentation, `if ( x )` spacing
and brace placement in Xen-style C, long lines, a final newline, SPDX lines of new files)
and its commit message (`area: summary` subjects, their length and final period, long body
lines, a body made only of trailers). Settings: `hygiene.max_line_length`,
`hygiene.max_per_kind`, `hygiene.xen_style_paths`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewbot.extensions import SettingSpec
from reviewbot.hookspecs import hookimpl
from reviewbot_hygiene.settings import SETTINGS, HygieneSettings

if TYPE_CHECKING:  # the checks load when a hook first needs them
    from collections.abc import Callable, Iterator

    from reviewbot.attribution import PatchReview
    from reviewbot.checkcontext import CheckContext
    from reviewbot.findings import Finding

#: The plugin's entry-point name.
NAME = "hygiene"


@hookimpl
def register_settings(register: Callable[[SettingSpec], None]) -> None:
    """Declare `hygiene.max_line_length`, `hygiene.max_per_kind`, `hygiene.xen_style_paths`."""
    for spec in SETTINGS:
        register(spec)


@hookimpl
def check_patch(patch: PatchReview, context: CheckContext) -> Iterator[Finding]:
    """The hygiene findings of one patch."""
    from reviewbot_hygiene.patchcheck import check_patch_hygiene

    yield from check_patch_hygiene(patch, context, HygieneSettings.from_context(context)).findings


@hookimpl
def review_result(context: CheckContext) -> dict[str, object]:
    """Per patch: problems counted per code, files and lines checked, the C files' styles."""
    from reviewbot_hygiene.patchcheck import check_patch_hygiene

    settings = HygieneSettings.from_context(context)
    patches = [check_patch_hygiene(p, context, settings) for p in context.review.patches]
    totals: dict[str, int] = {}
    for patch in patches:
        for code, count in patch.counts.items():
            totals[code] = totals.get(code, 0) + count
    return {
        "patches": [patch.to_json() for patch in patches],
        "counts": dict(sorted(totals.items())),
    }
