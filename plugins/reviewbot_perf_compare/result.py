"""The plugin's result: the thread's figures judged, its size reports, concerns, measured runs.

Other plugins read it with `context.result("perf-compare")`; `wall_time()` gives the
headline measured change (the GDT simulator weighs its modelled saving against it).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from reviewbot.config import Settings
from reviewbot.threads import Thread
from reviewbot_perf_compare.concerns import WALL_METRICS, Concern, wall_versus_cpu
from reviewbot_perf_compare.extract import extract_thread
from reviewbot_perf_compare.figures import MEAN, MEASURED, Figure, SizeReport, Variant
from reviewbot_perf_compare.judge import Judgement, judge
from reviewbot_perf_compare.measure import VARIANTS, RunSample
from reviewbot_perf_compare.runlog import StoredRun, runs_about
from reviewbot_perf_compare.settings import CONFIDENCE, WALL_CPU_RATIO, number

#: The figures a measured run yields: metric (a `RunSample` field, or peak RSS) and unit.
RUN_METRICS = (("wall", "s"), ("user", "s"), ("system", "s"), ("max RSS", "KiB"))


@dataclass(frozen=True)
class MeasuredRun:
    """A `perf run` from the store, with its figures judged."""

    run: StoredRun
    judgements: tuple[Judgement, ...]

    @classmethod
    def of(cls, run: StoredRun, confidence: float) -> MeasuredRun:
        """The run with its wall, user, system and RSS figures judged."""
        return cls(run, tuple(judge(f, confidence) for f in run_figures(run)))


@dataclass(frozen=True)
class PerfResult:
    """Everything the plugin found about a thread's performance claims."""

    judgements: tuple[Judgement, ...]
    sizes: tuple[SizeReport, ...]
    concerns: tuple[Concern, ...]
    runs: tuple[MeasuredRun, ...]
    confidence: float

    @property
    def figures(self) -> tuple[Figure, ...]:
        """The figures posted in the thread."""
        return tuple(j.figure for j in self.judgements)

    @property
    def empty(self) -> bool:
        """True when the thread quotes nothing and nothing was measured."""
        return not (self.judgements or self.sizes or self.runs)

    def wall_time(self) -> Judgement | None:
        """The thread's headline wall-clock figure (elapsed, real, wall time), if any."""
        for judgement in self.judgements:
            if judgement.figure.metric.casefold() in WALL_METRICS and judgement.changes:
                return judgement
        return None

    def to_json(self) -> dict[str, object]:
        """Plain data for `--json` and for other plugins."""
        wall = self.wall_time()
        return {
            "confidence": self.confidence,
            "figures": [judgement_json(j) for j in self.judgements],
            "sizes": [asdict(s) for s in self.sizes],
            "concerns": [{**asdict(c), "message": c.message} for c in self.concerns],
            "runs": [
                {**m.run.to_json(), "figures": [judgement_json(j) for j in m.judgements]}
                for m in self.runs
            ],
            "wall_time": judgement_json(wall) if wall is not None else None,
        }


def analyse(
    thread: Thread | None,
    runs: Sequence[StoredRun] = (),
    confidence: float = 95.0,
    wall_cpu_ratio: float = 2.0,
) -> PerfResult:
    """Extract the thread's figures, judge them and the stored runs, and find concerns."""
    judgements: tuple[Judgement, ...] = ()
    sizes: tuple[SizeReport, ...] = ()
    if thread is not None:
        extraction = extract_thread(thread)
        judgements = tuple(judge(f, confidence) for f in extraction.figures)
        sizes = extraction.sizes
    measured = tuple(MeasuredRun.of(run, confidence) for run in runs)
    return PerfResult(
        judgements=judgements,
        sizes=sizes,
        concerns=tuple(wall_versus_cpu(judgements, wall_cpu_ratio)),
        runs=measured,
        confidence=confidence,
    )


def analyse_thread(
    thread: Thread, settings: Settings, confidence: float | None = None
) -> PerfResult:
    """`analyse` with the runs the store keeps for the thread and the plugin's settings."""
    return analyse(
        thread,
        runs_about(thread.root),
        confidence=number(settings, CONFIDENCE) if confidence is None else confidence,
        wall_cpu_ratio=number(settings, WALL_CPU_RATIO),
    )


def run_figures(run: StoredRun) -> list[Figure]:
    """Wall, user and system time and peak RSS of a run, base against series."""
    figures = []
    for block, (metric, unit) in enumerate(RUN_METRICS):
        variants = []
        for name in VARIANTS:
            samples = tuple(_reading(s, metric) for s in run.recorded if s.variant == name)
            if not samples:
                break
            variants.append(
                Variant(name, statistics.fmean(samples), n=len(samples), samples=samples)
            )
        else:
            figures.append(
                Figure(
                    metric=metric,
                    unit=unit,
                    variants=tuple(variants),
                    source=MEASURED,
                    lower_is_better=True,
                    statistic=MEAN,
                    block=block,
                    context=str(run.header.get("command", "")),
                    message_id=run.key,
                )
            )
    return figures


def _reading(sample: RunSample, metric: str) -> float:
    if metric == "max RSS":
        return float(sample.max_rss_kib)
    return float(getattr(sample, metric))


def judgement_json(judgement: Judgement) -> dict[str, object]:
    """A judged figure as plain data."""
    figure = judgement.figure
    return {
        **asdict(figure),
        "changes": [
            {
                "variant": c.variant,
                "reference": c.reference,
                "difference": c.difference,
                "percent": c.percent,
                "direction": c.direction,
                "verdict": c.verdict,
                "comparison": asdict(c.comparison) if c.comparison is not None else None,
            }
            for c in judgement.changes
        ],
        "notes": [asdict(n) for n in judgement.notes],
    }
