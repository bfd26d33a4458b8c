"""Inconsistencies between figures of one table: wall time moving far more than CPU time.

A build that finishes 14% sooner while burning only 3% less CPU did about the same work: the
saving is in waiting or in parallelism, which a change to a hot path rarely explains on its
own. The check pairs a wall-clock figure (elapsed, real, wall) with the CPU figures of the
same block (user and system, or task-clock / CPU time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reviewbot_perf_compare.judge import Judgement

WALL_METRICS = frozenset({"elapsed", "real", "wall", "wall time", "wall-clock", "time elapsed"})
CPU_PARTS = frozenset({"user", "sys", "system"})
CPU_TOTALS = frozenset({"cpu", "cpu time", "task-clock"})
#: Flag when the wall-time change is more than this many times the CPU-time change ...
DEFAULT_RATIO = 2.0
#: ... and they differ by at least this many percentage points.
_MIN_GAP_POINTS = 2.0


@dataclass(frozen=True)
class Concern:
    """A table whose wall-clock change is out of proportion to its CPU-time change."""

    message_id: str
    author: str
    wall_metric: str
    cpu_metrics: tuple[str, ...]
    wall_percent: float
    cpu_percent: float
    busy_before: float  # CPU seconds per wall second: how many CPUs were busy on average
    busy_after: float
    code: str = "perf-compare/wall-vs-cpu"

    def _comparison(self) -> str:
        moved = "improves" if self.wall_percent < 0 else "worsens"
        cpu = "+".join(self.cpu_metrics)
        if self.wall_percent * self.cpu_percent > 0:
            verb = "improves" if self.cpu_percent < 0 else "worsens"
            other = f"{verb} by only {abs(self.cpu_percent):.1f}%"
        else:
            other = f"changes by {self.cpu_percent:+.1f}%"
        return (
            f"{self.wall_metric} {moved} by {abs(self.wall_percent):.1f}% while CPU time "
            f"({cpu}) {other} (on average {self.busy_before:.2f} → {self.busy_after:.2f} "
            "CPUs busy)"
        )

    @property
    def message(self) -> str:
        """The finding: what is inconsistent and what to ask."""
        return (
            f"{self._comparison()}: about the same work took less time, so the difference "
            "lies in waiting or parallelism (other load, I/O, scheduling) rather than in "
            "cheaper code; ask how idle the machine was and how much the runs vary"
        )

    @property
    def question(self) -> str:
        """The same point as a reply puts it to the poster."""
        return (
            f"{self._comparison()[0].upper()}{self._comparison()[1:]}, so about the same "
            "work was done in less time. That points at waiting or parallelism rather than "
            "cheaper code: was the machine otherwise idle, and how much do the runs vary?"
        )


def wall_versus_cpu(judgements: Sequence[Judgement], ratio: float = DEFAULT_RATIO) -> list[Concern]:
    """Blocks where the wall-clock change is out of proportion to the CPU-time change."""
    blocks: dict[tuple[str, int], list[Judgement]] = {}
    for judgement in judgements:
        figure = judgement.figure
        if len(figure.variants) == 2:
            blocks.setdefault((figure.message_id, figure.block), []).append(judgement)
    concerns = []
    for group in blocks.values():
        concern = _block_concern(group, ratio)
        if concern is not None:
            concerns.append(concern)
    return concerns


def _block_concern(group: list[Judgement], ratio: float) -> Concern | None:
    by_metric = {j.figure.metric.casefold(): j for j in group}
    wall = next((by_metric[m] for m in by_metric if m in WALL_METRICS), None)
    parts = [by_metric[m] for m in by_metric if m in CPU_PARTS]
    if not parts:
        parts = [by_metric[m] for m in by_metric if m in CPU_TOTALS]
    if wall is None or not parts:
        return None
    wall_before, wall_after = (v.value for v in wall.figure.variants)
    cpu_before = sum(p.figure.variants[0].value for p in parts)
    cpu_after = sum(p.figure.variants[1].value for p in parts)
    if not wall_before or not cpu_before or not wall_after:
        return None
    wall_pct = (wall_after - wall_before) * 100.0 / wall_before
    cpu_pct = (cpu_after - cpu_before) * 100.0 / cpu_before
    out_of_proportion = abs(wall_pct) > ratio * abs(cpu_pct) or (wall_pct * cpu_pct < 0)
    if not out_of_proportion or abs(wall_pct - cpu_pct) < _MIN_GAP_POINTS:
        return None
    return Concern(
        message_id=wall.figure.message_id,
        author=wall.figure.author,
        wall_metric=wall.figure.metric,
        cpu_metrics=tuple(p.figure.metric for p in parts),
        wall_percent=wall_pct,
        cpu_percent=cpu_pct,
        busy_before=cpu_before / wall_before,
        busy_after=cpu_after / wall_after,
    )
