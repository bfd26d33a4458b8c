"""The built-in `perf-compare` plugin: read the figures a thread quotes, judge them, measure.

It extracts performance figures from the thread (tables of means like the seed's, `X -> Y`
statements, perf stat, hyperfine and ministat output, bloat-o-meter size reports), says what
they can and cannot show (Student's t exactly as ministat computes it when there is spread,
"significance cannot be judged" when there are only means, wall time out of proportion to
CPU time), and measures the series itself with `reviewbot perf run` (in the TUI: the
`perf-run` job). Its result (`context.result("perf-compare")`, a `PerfResult`) is what other
plugins read; the GDT simulator weighs its modelled saving against `PerfResult.wall_time()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewbot.extensions import CommandSpec, JobSpec, PanelSpec, SettingSpec
from reviewbot.hookspecs import hookimpl
from reviewbot_perf_compare.command import PERF_COMMAND
from reviewbot_perf_compare.settings import SETTINGS

if TYPE_CHECKING:  # the extractors and the judging load when a hook first needs them
    from collections.abc import Callable, Iterator

    from reviewbot.attribution import PatchReview
    from reviewbot.checkcontext import CheckContext
    from reviewbot.findings import Finding
    from reviewbot_perf_compare.result import PerfResult

#: The plugin's entry-point name.
NAME = "perf-compare"


@hookimpl
def register_settings(register: Callable[[SettingSpec], None]) -> None:
    """Declare the confidence level, `perf run`'s runs and warm-up, and the wall/CPU ratio."""
    for spec in SETTINGS:
        register(spec)


@hookimpl
def register_commands(register: Callable[[CommandSpec], None]) -> None:
    """Add `reviewbot perf` (show, compare, run)."""
    register(PERF_COMMAND)


@hookimpl
def register_panels(register: Callable[[PanelSpec], None]) -> None:
    """Add the Performance panel to the TUI's review screen."""
    from reviewbot_perf_compare.panel import PERF_PANEL

    register(PERF_PANEL)


@hookimpl
def register_jobs(register: Callable[[JobSpec], None]) -> None:
    """Offer `perf-run` in the TUI: measure a command in the base and the applied series."""
    from reviewbot_perf_compare.job import PERF_JOB

    register(PERF_JOB)


@hookimpl
def review_result(context: CheckContext) -> PerfResult:
    """The thread's figures judged, its size reports, concerns, and the runs measured for it."""
    from reviewbot_perf_compare.result import analyse_thread

    return analyse_thread(context.thread, context.settings)


@hookimpl
def check_series(context: CheckContext) -> Iterator[Finding]:
    """What a reviewer should say about the figures (see `reviewbot_perf_compare.advice`)."""
    from reviewbot_perf_compare.advice import findings

    yield from findings(_result(context))


@hookimpl
def reply_paragraphs(context: CheckContext, kind: str, patch: PatchReview | None) -> list[str]:
    """For a review reply: the deltas, what they show and what to ask for."""
    if kind != "review":
        return []
    from reviewbot_perf_compare.paragraph import reply_paragraphs as paragraphs

    return list(paragraphs(_result(context)))


def _result(context: CheckContext) -> PerfResult:
    from reviewbot_perf_compare.result import PerfResult

    result = context.result(NAME)
    return result if isinstance(result, PerfResult) else review_result(context)
