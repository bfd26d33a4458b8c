"""What one figure can and cannot show: its changes, their significance, and what is missing.

Every variant is compared with the first (the reference). With raw samples, or a standard
deviation and N for both, the change gets Student's t at the chosen confidence exactly as
ministat computes it; with means only, the verdict is that significance cannot be judged.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewbot_perf_compare.figures import MINIMUM, Figure, Variant
from reviewbot_perf_compare.stats import Comparison, Summary, compare

SIGNIFICANT = "significant"
NOT_PROVEN = "not-proven"
UNJUDGED = "unjudged"

BETTER = "better"
WORSE = "worse"
UNCHANGED = "unchanged"

#: Below this many runs per variant a t-test has little power: say so.
FEW_RUNS = 5
#: Standard deviations further apart than this (as a variance ratio) strain Student's t.
VARIANCE_RATIO_LIMIT = 4.0
#: A stated delta may differ from the computed one by rounding: relative and absolute slack.
_STATED_RELATIVE = 0.02
_STATED_ABSOLUTE = 0.011
_MISMATCH = "perf-compare/stated-change-mismatch"


@dataclass(frozen=True)
class Note:
    """A remark about a figure, with the stable code its finding carries."""

    code: str
    text: str


@dataclass(frozen=True)
class Change:
    """One variant against the reference."""

    variant: str
    reference: str
    difference: float
    percent: float | None  # None when the reference is zero
    direction: str  # BETTER, WORSE, UNCHANGED, or "" when the metric has no better side
    verdict: str  # SIGNIFICANT, NOT_PROVEN or UNJUDGED
    comparison: Comparison | None = None


@dataclass(frozen=True)
class Judgement:
    """A figure with its changes and the notes a reviewer would add."""

    figure: Figure
    changes: tuple[Change, ...]
    notes: tuple[Note, ...] = ()

    @property
    def judged(self) -> bool:
        """True when every change could be tested for significance."""
        return bool(self.changes) and all(c.verdict != UNJUDGED for c in self.changes)


def summary_of(variant: Variant) -> Summary | None:
    """The variant's statistics when it has any spread to go on, else None."""
    if len(variant.samples) >= 2:
        return Summary.of(variant.samples)
    if variant.stddev is not None and variant.n is not None and variant.n >= 2:
        return Summary.given(variant.value, variant.stddev, variant.n)
    return None


def judge(figure: Figure, confidence: float = 95.0) -> Judgement:
    """Compare each variant of `figure` with its first one."""
    reference = figure.reference
    base = summary_of(reference)
    changes: list[Change] = []
    notes: list[Note] = []
    for other in figure.variants[1:]:
        difference = other.value - reference.value
        percent = difference * 100.0 / reference.value if reference.value else None
        summary = summary_of(other)
        comparison = None
        verdict = UNJUDGED
        if base is not None and summary is not None:
            comparison = compare(base, summary, confidence)
            verdict = SIGNIFICANT if comparison.significant else NOT_PROVEN
            notes += _spread_notes(comparison, other.name, reference.name)
        changes.append(
            Change(
                variant=other.name,
                reference=reference.name,
                difference=difference,
                percent=percent,
                direction=_direction(difference, figure.lower_is_better, verdict),
                verdict=verdict,
                comparison=comparison,
            )
        )
    notes += _stated_notes(figure, changes)
    notes += _sampling_notes(figure)
    return Judgement(figure, tuple(changes), tuple(dict.fromkeys(notes)))


def _direction(difference: float, lower_is_better: bool | None, verdict: str) -> str:
    if difference == 0 or verdict == NOT_PROVEN:
        return UNCHANGED if difference == 0 else ""
    if lower_is_better is None:
        return ""
    return BETTER if (difference < 0) == lower_is_better else WORSE


def _spread_notes(comparison: Comparison, other: str, reference: str) -> list[Note]:
    notes = []
    if comparison.variance_ratio > VARIANCE_RATIO_LIMIT:
        notes.append(
            Note(
                "perf-compare/unequal-variance",
                f"the spreads of {reference} and {other} differ by a factor of "
                f"{comparison.variance_ratio:.1f} in variance, which Student's t assumes equal; "
                f"Welch's test gives p = {comparison.welch_p_value:.3g}",
            )
        )
    return notes


def _stated_notes(figure: Figure, changes: list[Change]) -> list[Note]:
    """A delta the poster wrote that does not follow from the values given."""
    if len(changes) != 1:
        return []
    change = changes[0]
    notes = []
    stated = figure.stated_change
    if stated is not None and not _close(stated, change.difference):
        notes.append(
            Note(
                _MISMATCH,
                f"the stated change {stated:+g} does not follow from the values "
                f"({change.difference:+.4g})",
            )
        )
    stated_pct = figure.stated_percent
    if (
        stated_pct is not None
        and change.percent is not None
        and not _close(stated_pct, change.percent)
    ):
        notes.append(
            Note(
                _MISMATCH,
                f"the stated change {stated_pct:+g}% does not follow from the values "
                f"({change.percent:+.3g}%)",
            )
        )
    return notes


def _close(stated: float, computed: float) -> bool:
    slack = max(_STATED_RELATIVE * abs(computed), _STATED_ABSOLUTE)
    return abs(stated - computed) <= slack


def _sampling_notes(figure: Figure) -> list[Note]:
    notes = []
    counts = [_count(v) for v in figure.variants]
    known = [c for c in counts if c is not None]
    if known and min(known) < FEW_RUNS and any(summary_of(v) for v in figure.variants):
        notes.append(
            Note(
                "perf-compare/few-runs",
                f"only {min(known)} runs per variant, too few for a t-test to find "
                "a small difference",
            )
        )
    if figure.statistic == MINIMUM:
        notes.append(Note("perf-compare/best-of", "best-of figures hide the spread of the runs"))
    return notes


def _count(variant: Variant) -> int | None:
    return len(variant.samples) if variant.samples else variant.n
