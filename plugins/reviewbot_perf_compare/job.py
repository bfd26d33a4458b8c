"""The TUI job `perf-run`: `reviewbot perf run` on the checked series, with progress and cancel.

It measures the command the user types in the base and in the applied series exactly as
`reviewbot perf run` does (`cli_run.measure_series`: the same worktrees, the same run kept in
the store), with the plugin's runs and warm-up settings. Each sample is one progress step; a
cancel stops the job once the sample being taken is kept, and the run stays in the store as
interrupted. The summary is one line about the wall time, in the plugin's wording.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewbot.errors import ConfigError, SpecError
from reviewbot.extensions import JobSpec
from reviewbot.jobs import Cancelled, JobProgress
from reviewbot_perf_compare.settings import CONFIDENCE, RUNS, WARMUP

if TYPE_CHECKING:  # the measuring and the judging load when the job runs
    from reviewbot.checkcontext import CheckContext
    from reviewbot.progress import Progress
    from reviewbot_perf_compare.result import MeasuredRun

JOB_ID = "perf-run"
#: What the prompt offers: a clean build of the hypervisor, the usual thing to time.
DEFAULT_COMMAND = 'make -s -C xen clean && make -s -C xen -j"$(nproc)"'


def applies(context: CheckContext) -> bool:
    """The series was applied to a tree, every patch of it."""
    return context.tree is not None and context.head is not None


def run_perf_job(context: CheckContext, answer: str, progress: Progress) -> str:
    """Measure `answer` in the base and the series, keep the run, and sum it up in a line.

    SpecError for an empty command; the `CommandFailed` of a command that fails (the run is
    kept as failed); `Cancelled` once a cancelled job has kept its samples as an interrupted
    run.
    """
    from reviewbot_perf_compare.cli_run import measure_series
    from reviewbot_perf_compare.result import MeasuredRun
    from reviewbot_perf_compare.runlog import INTERRUPTED

    command = answer.strip()
    if not command:
        raise SpecError(
            "no command to time", 'type the command to run in both trees, e.g. "make -C xen"'
        )
    runs, warmup = _whole(context, RUNS), _whole(context, WARMUP)
    watched = _StopsBetweenSamples(progress) if isinstance(progress, JobProgress) else progress
    run = measure_series(context, command, runs, warmup, watched)
    if run.status == INTERRUPTED:
        raise Cancelled(
            f"the {len(run.samples)} samples taken are kept in the store as run {run.key}"
        )
    confidence = _number(context, CONFIDENCE)
    return summary_line(MeasuredRun.of(run, confidence), confidence)


def summary_line(measured: MeasuredRun, confidence: float) -> str:
    """`wall: base 1.230 ± 0.0201 s, series 1.100 ± 0.0312 s (n=10): -0.130 ± 0.0234 s
    (-10.6% ± 1.9%), better, significant at 95%` (one line)."""
    from reviewbot_perf_compare.stats import Summary, significant_digits
    from reviewbot_perf_compare.wording import change_text, decimals, verdict_text, with_unit

    if not measured.judgements:
        return f"run {measured.run.key}: not enough samples to compare"
    judgement = measured.judgements[0]
    figure = judgement.figure
    places = decimals(figure)
    values = []
    for variant in figure.variants:
        spread = Summary.of(variant.samples).stddev if variant.samples else None
        shown = f"{variant.value:.{places}f}"
        if spread is not None:
            shown += f" ± {significant_digits(spread)}"
        values.append(f"{variant.name} {with_unit(shown, figure.unit)}")
    counts = sorted({len(v.samples) for v in figure.variants})
    changes = "; ".join(
        f"{change_text(c, figure)}, {verdict_text(c, confidence)}" for c in judgement.changes
    )
    count = "/".join(str(c) for c in counts)
    return f"{figure.metric}: {', '.join(values)} (n={count}): {changes}"


class _StopsBetweenSamples:
    """A job's progress that also stops the job right after a step when it was cancelled.

    `measure` reports a sample just after keeping it and then starts the next one: a cancel
    that arrives with the report (or while the report's callback runs) would otherwise only
    be noticed after one more sample.
    """

    def __init__(self, progress: JobProgress) -> None:
        self._progress = progress

    def add_total(self, count: int) -> None:
        """More steps became known."""
        self._progress.add_total(count)

    def advance(self, count: int = 1) -> None:
        """Steps finished; Cancelled if the job was cancelled meanwhile."""
        self._progress.advance(count)
        self._progress.check()

    def close(self) -> None:
        """Nothing to remove."""
        self._progress.close()


def _whole(context: CheckContext, key: str) -> int:
    value = context.setting(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key} is {value!r}, not a whole number", f"set it with -c {key}=N")
    return value


def _number(context: CheckContext, key: str) -> float:
    value = context.setting(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{key} is {value!r}, not a number", f"set it with -c {key}=NUMBER")
    return float(value)


PERF_JOB = JobSpec(
    id=JOB_ID,
    title="Benchmark base against the series",
    run=run_perf_job,
    prompt="command to time in both trees (runs ×N each, N = perf-compare.runs)",
    default=DEFAULT_COMMAND,
    rechecks=True,
    applies=applies,
)
