"""How figures and changes read in findings, tables and replies: "-9.51 s (-14.3%)"."""

from __future__ import annotations

import math
from collections.abc import Iterable

from reviewbot_perf_compare.figures import MEASURED, SAMPLES, SINGLE, Figure
from reviewbot_perf_compare.judge import NOT_PROVEN, SIGNIFICANT, Change, Judgement
from reviewbot_perf_compare.stats import significant_digits

_MAX_DECIMALS = 6
_MEASURED_DIGITS = 4


def decimals(figure: Figure) -> int:
    """Decimals to show the figure's values and changes with: as posted, or 4 digits if measured."""
    values = [abs(v.value) for v in figure.variants]
    if figure.source in {MEASURED, SAMPLES}:
        largest = max(values, default=0.0)
        if largest == 0:
            return 0
        return max(0, _MEASURED_DIGITS - 1 - math.floor(math.log10(largest)))
    return min(max((_decimals_written(v) for v in values), default=0), _MAX_DECIMALS)


def _decimals_written(value: float) -> int:
    text = f"{value:.{_MAX_DECIMALS}f}".rstrip("0")
    return len(text.partition(".")[2])


def value_text(value: float, places: int) -> str:
    """A value with `places` decimals."""
    return f"{value:.{places}f}"


def with_unit(text: str, unit: str) -> str:
    """`text` followed by its unit, if any ("%" sticks to the number)."""
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def change_text(change: Change, figure: Figure, *, unit: bool = True, bracket: bool = True) -> str:
    """`-9.51 s (-14.3%)` (`-9.51 s, -14.3%` without `bracket`), with the interval if tested."""
    places = decimals(figure)
    shown = with_unit(f"{change.difference:+.{places}f}", figure.unit if unit else "")
    comparison = change.comparison
    if comparison is not None:
        shown = with_unit(
            f"{change.difference:+.{places}f} ± {significant_digits(comparison.error)}",
            figure.unit if unit else "",
        )
    if change.percent is None:
        return shown
    percent = f"{change.percent:+.1f}%"
    if comparison is not None and comparison.percent_error is not None:
        percent = f"{change.percent:+.1f}% ± {significant_digits(comparison.percent_error, 2)}%"
    return f"{shown} ({percent})" if bracket else f"{shown}, {percent}"


def verdict_text(change: Change, confidence: float) -> str:
    """What the change shows: better/worse and whether that is proven."""
    if change.verdict == SIGNIFICANT:
        side = f"{change.direction}, " if change.direction else ""
        return f"{side}significant at {confidence:g}%"
    if change.verdict == NOT_PROVEN:
        return f"no difference proven at {confidence:g}%"
    side = f"{change.direction} on the means; " if change.direction else ""
    return f"{side}significance cannot be judged"


def values_text(figure: Figure) -> str:
    """`66.51 → 57.00 s`: every variant's value in order, with the unit."""
    places = decimals(figure)
    return with_unit(" → ".join(value_text(v.value, places) for v in figure.variants), figure.unit)


def figure_line(judgement: Judgement) -> str:
    """`elapsed 66.51 → 57.00 s: -9.51 s (-14.3%)` for a two-variant figure."""
    figure = judgement.figure
    changes = ", ".join(change_text(c, figure) for c in judgement.changes)
    return f"{figure.metric} {values_text(figure)}: {changes}"


def joined(parts: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = list(parts)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def runs_phrase(figure: Figure) -> str:
    """`means of 5 runs`, `5 runs`, `single runs`, or "" when nothing is known."""
    counts = {v.n for v in figure.variants if v.n}
    count = counts.pop() if len(counts) == 1 else None
    name = _STATISTIC_NAMES.get(figure.statistic, "")
    if name == "single runs" or count is None:
        return name
    return f"{name} of {count} runs" if name else f"{count} runs"


_STATISTIC_NAMES = {"mean": "means", "median": "medians", "min": "best", "single": "single runs"}


def what_to_ask(figure: Figure) -> str:
    """What a poster of means only should add: samples or spread, N if unknown, the setup."""
    if figure.statistic == SINGLE:
        return "several runs of each, their raw timings, the machine and the configuration"
    runs = "" if figure.reference.n else "the number of runs, "
    return f"the raw samples or standard deviations, {runs}the machine and the configuration"
