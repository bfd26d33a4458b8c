"""ministat output: the legend, the plot, the `N Min Max Median Avg Stddev` table and the verdict.

    ```
    x before.txt
    + after.txt
    +--------------------------------------------------------------------------+
    | +  +                                                          x x x      |
    |  |_A_|                                                         |_A_|     |
    +--------------------------------------------------------------------------+
        N           Min           Max        Median           Avg        Stddev
    x   5         66.12         67.03         66.48        66.514    0.33245301
    +   5         56.71         57.33         57.01        57.002    0.24315633
    Difference at 95.0% confidence
            -9.512 +/- 0.424749
            -14.3008% +/- 0.638586%
            (Student's t, pooled s = 0.291271)
    ```

One figure per table: the variants are the legend's file names (the row symbols when there is
no legend), each with its Avg, Stddev and N. The first `Difference at` lines become the
figure's `stated_change` and `stated_percent`; `No difference proven` leaves them None. The
metric is "value" unless the prose before names one (`build time`, `latency`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reviewbot_perf_compare.figures import MEAN, MINISTAT, Figure, Variant
from reviewbot_perf_compare.metrics import (
    NUMBER,
    lower_is_better,
    metric_named_in,
    parse_number,
    unit_named_in,
    unit_of,
)
from reviewbot_perf_compare.prose import prose_before
from reviewbot_perf_compare.textparts import Found

_SYMBOLS = "x+*%#@O"
_HEADER = re.compile(r"\s*N\s+Min\s+Max\s+Median\s+Avg\s+Stddev\s*")
_ROW = re.compile(
    rf"\s*(?P<symbol>[{re.escape(_SYMBOLS)}])\s+(?P<n>\d+)"
    rf"\s+(?P<min>{NUMBER})\s+(?P<max>{NUMBER})\s+(?P<median>{NUMBER})"
    rf"\s+(?P<avg>{NUMBER})\s+(?P<stddev>{NUMBER})\s*"
)
_LEGEND = re.compile(rf"\s*(?P<symbol>[{re.escape(_SYMBOLS)}])\s+(?P<name>\S.*?)\s*")
_BOX = re.compile(r"\s*(?:\+-{3,}\+?|\|.*\|)\s*")
_DIFFERENCE = re.compile(r"\s*Difference at (?P<confidence>[\d.]+)% confidence\s*")
_NO_DIFFERENCE = re.compile(r"\s*No difference proven at [\d.]+% confidence\s*")
_CHANGE = re.compile(rf"\s*(?P<value>{NUMBER})\s*\+/-\s*(?P<interval>{NUMBER})\s*")
_PERCENT = re.compile(rf"\s*(?P<value>{NUMBER})%\s*\+/-\s*(?P<interval>{NUMBER})%\s*")
_STUDENT = re.compile(r"\s*\(Student's t, pooled s = .*\)\s*")


def find_ministat(lines: Sequence[str]) -> list[Found]:
    """Every ministat table of a text, one figure each."""
    found: list[Found] = []
    for index, line in enumerate(lines):
        if "Stddev" in line and _HEADER.fullmatch(line):
            table = _table(lines, index)
            if table is not None:
                found.append(table)
    return found


def _table(lines: Sequence[str], header: int) -> Found | None:
    start, legend = _legend(lines, header)
    rows: list[re.Match[str]] = []
    change: float | None = None
    percent: float | None = None
    verdicts = 0
    end = header
    scan = header + 1
    while scan < len(lines):
        line = lines[scan]
        row = _ROW.fullmatch(line)
        if row:
            rows.append(row)
        elif _DIFFERENCE.fullmatch(line) or _NO_DIFFERENCE.fullmatch(line):
            verdicts += 1
        elif (stated := _PERCENT.fullmatch(line)) and verdicts == 1:
            percent = percent if percent is not None else parse_number(stated.group("value"))
        elif (stated := _CHANGE.fullmatch(line)) and verdicts == 1:
            change = change if change is not None else parse_number(stated.group("value"))
        elif not (_PERCENT.fullmatch(line) or _CHANGE.fullmatch(line) or _STUDENT.fullmatch(line)):
            break
        end = scan
        scan += 1
    if len(rows) < 2:
        return Found(start=start + 1, end=end + 1) if rows else None
    prose = prose_before(lines, start)
    metric = metric_named_in(prose) or "value"
    unit, assumed = unit_of(metric, unit_named_in(prose))
    variants = tuple(
        Variant(
            name=legend.get(row.group("symbol"), row.group("symbol")),
            value=float(row.group("avg")),
            stddev=float(row.group("stddev")),
            n=int(row.group("n")),
        )
        for row in rows
    )
    figure = Figure(
        metric=metric,
        unit=unit,
        variants=variants,
        source=MINISTAT,
        lower_is_better=lower_is_better(metric, unit),
        statistic=MEAN,
        line=start + 1,
        context=prose,
        stated_change=change,
        stated_percent=percent,
        unit_assumed=assumed,
    )
    return Found(start=start + 1, end=end + 1, figures=(figure,))


def _legend(lines: Sequence[str], header: int) -> tuple[int, dict[str, str]]:
    """Where the output starts (legend, else plot, else header) and the legend's names."""
    index = header - 1
    while index >= 0 and _BOX.fullmatch(lines[index]):
        index -= 1
    legend: dict[str, str] = {}
    start = index + 1
    while index >= 0 and (entry := _LEGEND.fullmatch(lines[index])):
        if entry.group("symbol") in legend:
            break
        legend[entry.group("symbol")] = entry.group("name")
        start = index
        index -= 1
    return start, legend
