"""The built-in `gdt-sim` plugin: a model of Xen's GDT handling across context switches.

It models the per-CPU regular and compat GDT frames, the per-domain GDT area, the lazy
`curr_vcpu` switch, FLUSH_VCPU_STATE, CR3 and TLBs, NMIs inside the switch, PDX compression
and CPU hot-plug, in three variants of `__context_switch()` (base 12dce7ea5a, patched
564d261687, followup1 1464c4cdd7), and checks the invariants I1-I14 (gdt-model.md). For a
series touching that code it says which variant the series leads to, whether it preserves
behaviour in the scenarios T1-T23, and how much of the speed-up the thread reports (read from
perf-compare's result) the modelled saving explains. `reviewbot gdt-sim` runs it by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewbot.extensions import CommandSpec, PanelSpec, SettingSpec
from reviewbot.hookspecs import hookimpl
from reviewbot_gdt_sim.command import GDT_COMMAND
from reviewbot_gdt_sim.settings import SETTINGS

if TYPE_CHECKING:  # the model and its result load when a hook first needs them
    from collections.abc import Callable, Iterator

    from reviewbot.attribution import PatchReview
    from reviewbot.checkcontext import CheckContext
    from reviewbot.findings import Finding
    from reviewbot_gdt_sim.result import GdtResult

#: The plugin's entry-point name.
NAME = "gdt-sim"


@hookimpl
def register_settings(register: Callable[[SettingSpec], None]) -> None:
    """Declare the clock rate, seeds and lengths, latency overrides and the bound's rate."""
    for spec in SETTINGS:
        register(spec)


@hookimpl
def register_commands(register: Callable[[CommandSpec], None]) -> None:
    """Add `reviewbot gdt-sim`."""
    register(GDT_COMMAND)


@hookimpl
def register_panels(register: Callable[[PanelSpec], None]) -> None:
    """Add the GDT simulator panel to the TUI's review screen."""
    from reviewbot_gdt_sim.panel import GDT_PANEL

    register(GDT_PANEL)


@hookimpl
def review_result(context: CheckContext) -> GdtResult:
    """A `GdtResult`: relevance, the variant, base against it, behaviour, the explained share."""
    from reviewbot_gdt_sim.result import analyse_review

    return analyse_review(context)


@hookimpl
def check_series(context: CheckContext) -> Iterator[Finding]:
    """What a reviewer should know (see `reviewbot_gdt_sim.advice`)."""
    from reviewbot_gdt_sim.advice import findings

    yield from findings(_result(context))


@hookimpl
def reply_paragraphs(context: CheckContext, kind: str, patch: PatchReview | None) -> list[str]:
    """For a review reply: behaviour, the "mfn + i" claim, and the speed-up weighed."""
    if kind != "review":
        return []
    from reviewbot_gdt_sim.paragraph import reply_paragraphs as paragraphs

    return list(paragraphs(_result(context)))


def _result(context: CheckContext) -> GdtResult:
    from reviewbot_gdt_sim.result import GdtResult, analyse_review

    result = context.result(NAME)
    return result if isinstance(result, GdtResult) else analyse_review(context)
