"""The hygiene plugin's settings: their declarations and the values one run uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from reviewbot.extensions import SettingSpec, SettingValue

if TYPE_CHECKING:
    from reviewbot.checkcontext import CheckContext

MAX_LINE_LENGTH = "hygiene.max_line_length"
MAX_PER_KIND = "hygiene.max_per_kind"
XEN_STYLE_PATHS = "hygiene.xen_style_paths"

DEFAULT_MAX_LINE_LENGTH = 80
DEFAULT_MAX_PER_KIND = 5
DEFAULT_XEN_STYLE_PATHS = "xen/"


def _at_least(minimum: int) -> Callable[[SettingValue], str | None]:
    def check(value: SettingValue) -> str | None:
        return None if isinstance(value, int) and value >= minimum else f"must be {minimum} or more"

    return check


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        MAX_LINE_LENGTH,
        DEFAULT_MAX_LINE_LENGTH,
        "longest added line, in columns (tabs count to the next multiple of 8), in C, "
        "assembly, Python, shell, Makefiles and Kconfig",
        validate=_at_least(1),
    ),
    SettingSpec(
        MAX_PER_KIND,
        DEFAULT_MAX_PER_KIND,
        "findings of one kind reported per file before one summary finding for the rest "
        "(0: no limit)",
        validate=_at_least(0),
    ),
    SettingSpec(
        XEN_STYLE_PATHS,
        DEFAULT_XEN_STYLE_PATHS,
        "comma-separated glob prefixes of the C files written in Xen's own style "
        "(4-space indent, `if ( x )`, braces on their own lines)",
    ),
)


@dataclass(frozen=True)
class HygieneSettings:
    """The settings of one run, checked."""

    max_line_length: int = DEFAULT_MAX_LINE_LENGTH
    max_per_kind: int = DEFAULT_MAX_PER_KIND
    xen_style_paths: tuple[str, ...] = (DEFAULT_XEN_STYLE_PATHS,)

    def is_xen_path(self, path: str) -> bool:
        """True when `path` lies under one of the Xen-style glob prefixes."""
        return any(
            fnmatchcase(path, prefix if prefix.endswith("*") else prefix + "*")
            for prefix in self.xen_style_paths
        )

    @classmethod
    def from_context(cls, context: CheckContext) -> HygieneSettings:
        """The values `context` holds (already typed and validated when settings loaded)."""
        return cls(
            max_line_length=int(str(context.setting(MAX_LINE_LENGTH))),
            max_per_kind=int(str(context.setting(MAX_PER_KIND))),
            xen_style_paths=tuple(
                p.strip() for p in str(context.setting(XEN_STYLE_PATHS)).split(",") if p.strip()
            ),
        )
