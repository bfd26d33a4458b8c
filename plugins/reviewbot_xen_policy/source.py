"""Which MAINTAINERS the policy is checked against.

With a tree, the file as it stands at the commit the series was applied to (the policy before
the series: a series adding its author as a maintainer does not approve itself). Otherwise the
file the setting `xen-policy.maintainers` names. Otherwise none, and the plugin says how to
give one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewbot.checkcontext import CheckContext

SETTING = "xen-policy.maintainers"
FILE_NAME = "MAINTAINERS"


@dataclass(frozen=True)
class MaintainersText:
    """The text of a MAINTAINERS file and where it was read."""

    text: str
    kind: str  # "tree" or "setting"
    location: str
    commit: str | None = None


@dataclass(frozen=True)
class NoMaintainers:
    """Why there is no MAINTAINERS to check against (`unreadable`: a path that failed)."""

    unreadable: str | None = None
    reason: str | None = None


def locate(context: CheckContext) -> MaintainersText | NoMaintainers:
    """The MAINTAINERS of this run: the tree's at the base commit, else the setting's file."""
    base = context.base
    text = context.file_at(base, FILE_NAME)
    if base is not None and text is not None:
        return MaintainersText(text, "tree", f"{FILE_NAME} at {base[:12]}", base)
    configured = str(context.setting(SETTING) or "").strip()
    if not configured:
        return NoMaintainers()
    path = Path(configured).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return NoMaintainers(configured, exc.strerror or type(exc).__name__)
    return MaintainersText(data.decode("utf-8", errors="replace"), "setting", str(path))
