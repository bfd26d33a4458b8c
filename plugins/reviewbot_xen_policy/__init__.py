"""Xen's check-in policy as MAINTAINERS states it: may each patch be committed, and if not, why.

Every touched file needs an Acked-by or Reviewed-by from a maintainer of the most specific
section listing it (an author who maintains it signs it off), someone other than the author
must approve, and no objection may be open. The MAINTAINERS read is the tree's at the series'
base, else the file `xen-policy.maintainers` names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewbot.extensions import SettingSpec
from reviewbot.hookspecs import hookimpl
from reviewbot_xen_policy.source import SETTING

if TYPE_CHECKING:  # MAINTAINERS parsing and the policy load when a hook first needs them
    from collections.abc import Callable, Iterator

    from reviewbot.attribution import PatchReview
    from reviewbot.checkcontext import CheckContext
    from reviewbot.findings import Finding
    from reviewbot_xen_policy.result import PolicyResult

NAME = "xen-policy"


@hookimpl
def register_settings(register: Callable[[SettingSpec], None]) -> None:
    """`xen-policy.maintainers`: the MAINTAINERS file to use when no tree is given."""
    register(
        SettingSpec(
            SETTING,
            "",
            "MAINTAINERS file to check approvals against when no --tree is given",
        )
    )


@hookimpl
def check_series(context: CheckContext) -> Iterator[Finding]:
    """Say when there is no MAINTAINERS to check against, or when it lists no sections."""
    from reviewbot_xen_policy.messages import (
        series_no_maintainers,
        series_no_sections,
        series_unreadable,
    )
    from reviewbot_xen_policy.result import PolicyResult
    from reviewbot_xen_policy.source import NoMaintainers, locate

    result = context.result(NAME)
    if isinstance(result, PolicyResult):
        if result.maintainers.sections == 0:
            yield series_no_sections(result.maintainers)
        return
    found = locate(context)
    if isinstance(found, NoMaintainers):
        if found.unreadable is not None:
            yield series_unreadable(found.unreadable, found.reason or "unreadable")
        else:
            yield series_no_maintainers()


@hookimpl
def check_patch(patch: PatchReview, context: CheckContext) -> Iterator[Finding]:
    """What the patch still needs before it can be committed (or that it is committable)."""
    from reviewbot_xen_policy.messages import patch_findings
    from reviewbot_xen_policy.result import PolicyResult

    result = context.result(NAME)
    if not isinstance(result, PolicyResult):
        return
    policy = result.patch(patch.patch.index)
    if policy is not None:
        yield from patch_findings(policy)


@hookimpl
def review_result(context: CheckContext) -> PolicyResult | None:
    """Every patch against the policy, with where MAINTAINERS came from (None without one)."""
    from reviewbot_xen_policy.review import policy_result

    return policy_result(context)
