"""Terminal plots of a comparison, in the spirit of ministat's: of samples, or of summaries.

Every variant gets a row of its markers on a shared axis and, with two or more samples, a row
`|__M_A__|` spanning mean ± one standard deviation, with A at the mean and M at the median (A
wins when both fall in one column). The axis covers every sample and every such bar, so bars
are never cut off; its ends are printed below the frame::

    x before
    + after
    +------------------+
    |x  x   x          |
    ||__A___|          |
    |          +   +  +|
    |          |___A__||
    +------------------+
     1                6

When only each variant's mean (and perhaps its standard deviation) is known, `summary_plot`
draws one row per variant on a shared axis: the variant's marker at the mean, inside
`|___x___|` spanning mean ± one standard deviation when that is known.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: The marker of each variant, by position (repeating after the seventh).
MARKERS = ("x", "+", "*", "%", "#", "@", "O")
#: The narrowest plot drawn.
MINIMUM_WIDTH = 12

_Column = Callable[[float], int]  # a value's column inside the frame


@dataclass(frozen=True)
class _Row:
    marker: str
    name: str
    values: tuple[float, ...]
    mean: float
    median: float
    stddev: float | None


def strip_plot(
    series: Sequence[tuple[str, Sequence[float]]], width: int = 74, unit: str = ""
) -> list[str]:
    """The plot's lines, each `width` characters at most, for (variant name, samples) pairs.

    Variants without samples are left out (the others keep the marker of their position);
    non-finite samples are not drawn. No variant with samples: no lines.
    """
    if width < MINIMUM_WIDTH:
        raise ValueError(f"a plot needs at least {MINIMUM_WIDTH} columns, not {width}")
    rows = _rows(series)
    if not rows:
        return []
    low, high = _axis(rows)
    inner = width - 2
    column = _scale(low, high, inner)
    frame = "+" + "-" * inner + "+"
    lines = [f"{row.marker} {row.name}" for row in rows]
    lines.append(frame)
    for row in rows:
        cells = [" "] * inner
        for value in row.values:
            cells[column(value)] = row.marker
        lines.append("|" + "".join(cells) + "|")
        if row.stddev is not None:
            lines.append("|" + _bar(row, row.stddev, inner, column) + "|")
    lines.append(frame)
    lines.append(_axis_labels(low, high, unit, width, column))
    return lines


def summary_plot(
    variants: Sequence[tuple[str, float, float | None]], width: int = 74, unit: str = ""
) -> list[str]:
    """A plot from (variant name, mean, standard deviation or None) triples alone::

        x unpatched
        + patched
        +--------------------+
        |            |__x___||
        ||__+_|              |
        +--------------------+
         36.6 us        43 us

    Each variant gets one row: its marker at the mean, within a bar spanning mean ± sd when
    the standard deviation is known (and positive). The axis covers every mean and bar.
    Variants with a non-finite mean are left out (the others keep the marker of their
    position); none left: no lines.
    """
    if width < MINIMUM_WIDTH:
        raise ValueError(f"a plot needs at least {MINIMUM_WIDTH} columns, not {width}")
    rows = [
        (MARKERS[index % len(MARKERS)], name, mean, _spread(stddev))
        for index, (name, mean, stddev) in enumerate(variants)
        if math.isfinite(mean)
    ]
    if not rows:
        return []
    low = min(mean - (spread or 0.0) for _, _, mean, spread in rows)
    high = max(mean + (spread or 0.0) for _, _, mean, spread in rows)
    inner = width - 2
    column = _scale(low, high, inner)
    frame = "+" + "-" * inner + "+"
    lines = [f"{marker} {name}" for marker, name, _, _ in rows]
    lines.append(frame)
    for marker, _, mean, spread in rows:
        cells = [" "] * inner
        if spread is not None:
            left, right = column(mean - spread), column(mean + spread)
            for index in range(left + 1, right):
                cells[index] = "_"
            cells[left] = cells[right] = "|"
        cells[column(mean)] = marker
        lines.append("|" + "".join(cells) + "|")
    lines.append(frame)
    lines.append(_axis_labels(low, high, unit, width, column))
    return lines


def _spread(stddev: float | None) -> float | None:
    """A standard deviation worth drawing: finite and positive."""
    if stddev is None or not math.isfinite(stddev) or stddev <= 0:
        return None
    return stddev


def _scale(low: float, high: float, inner: int) -> _Column:
    """A value's column among `inner` ones, the axis running from `low` to `high`."""

    def column(value: float) -> int:
        if high == low:
            return (inner - 1) // 2
        return math.floor((value - low) / (high - low) * (inner - 1) + 0.5)

    return column


def _rows(series: Sequence[tuple[str, Sequence[float]]]) -> list[_Row]:
    rows = []
    for index, (name, samples) in enumerate(series):
        values = tuple(float(v) for v in samples if math.isfinite(v))
        if not values:
            continue
        rows.append(
            _Row(
                marker=MARKERS[index % len(MARKERS)],
                name=name,
                values=values,
                mean=statistics.fmean(values),
                median=statistics.median(values),
                stddev=statistics.stdev(values) if len(values) >= 2 else None,
            )
        )
    return rows


def _axis(rows: Sequence[_Row]) -> tuple[float, float]:
    """The axis ends: every sample and every mean ± stddev bar fits."""
    low = min(min(row.values) for row in rows)
    high = max(max(row.values) for row in rows)
    for row in rows:
        if row.stddev is not None:
            low = min(low, row.mean - row.stddev)
            high = max(high, row.mean + row.stddev)
    return low, high


def _bar(row: _Row, stddev: float, inner: int, column: _Column) -> str:
    """`|__M_A__|` from mean - stddev to mean + stddev."""
    cells = [" "] * inner
    left = column(row.mean - stddev)
    right = column(row.mean + stddev)
    for index in range(left + 1, right):
        cells[index] = "_"
    cells[left] = cells[right] = "|"
    cells[column(row.median)] = "M"
    cells[column(row.mean)] = "A"
    return "".join(cells)


def _axis_labels(low: float, high: float, unit: str, width: int, column: _Column) -> str:
    """The axis ends under the first and last column inside the frame; one label if equal."""
    low_label, high_label = _label(low, unit), _label(high, unit)
    if low == high:  # the number centred under the one column all samples are in
        start = 1 + column(low) - (len(f"{low:.6g}") - 1) // 2
        return " " * max(start, 0) + low_label
    gap = max(width - 2 - len(low_label) - len(high_label), 1)
    return " " + low_label + " " * gap + high_label


def _label(value: float, unit: str) -> str:
    text = f"{value:.6g}"
    if not unit:
        return text
    return text + unit if unit == "%" else f"{text} {unit}"
