"""hyperfine output: each benchmark's mean time, spread, run count, user and system time.

    ```
    Benchmark 1: ./xen-before/tools/xl list
      Time (mean ± σ):      12.3 ms ±   0.4 ms    [User: 10.1 ms, System: 2.0 ms]
      Range (min … max):    11.8 ms …  13.5 ms    210 runs
    ```

The older `Benchmark #1:` form, `Time (abs ≡):` for a single run, ASCII `+/-` and `...`, and
the closing `Summary … times faster than …` are understood too. A run of two or more
benchmarks makes the figures `time`, `user` and `system` with the commands as variants, in
order; separate one-benchmark runs in one text are compared with each other, named by the label
line above each (`Before:`) or else by their commands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reviewbot_perf_compare.figures import HYPERFINE, MEAN, SINGLE, Figure, Variant
from reviewbot_perf_compare.metrics import convert, lower_is_better, normalise_unit
from reviewbot_perf_compare.prose import is_variant_label, prose_before
from reviewbot_perf_compare.textparts import Found

_NUM = r"\d+(?:\.\d+)?"
_UNIT = r"(?:s|ms|µs|μs|us|ns)"
_BENCHMARK = re.compile(r"\s*Benchmark\s+#?(?P<index>\d+)(?:/\d+)?:\s*(?P<command>\S.*?)\s*")
_TIME = re.compile(
    rf"\s*Time \((?P<kind>[^)]*)\):\s*(?P<mean>{_NUM})\s*(?P<unit>{_UNIT})"
    rf"(?:\s*(?:±|\+/-|\+-)\s*(?P<sd>{_NUM})\s*(?P<sd_unit>{_UNIT}))?"
    rf"(?:\s*\[User:\s*(?P<user>{_NUM})\s*(?P<user_unit>{_UNIT}),\s*"
    rf"System:\s*(?P<system>{_NUM})\s*(?P<system_unit>{_UNIT})\])?\s*"
)
_RANGE = re.compile(
    rf"\s*Range \(min (?:…|\.\.\.) max\):\s*{_NUM}\s*{_UNIT}\s*(?:…|\.\.\.)\s*{_NUM}\s*{_UNIT}"
    r"(?:\s+(?P<runs>\d+) runs)?\s*"
)
_EXTRA = re.compile(
    r"\s*(?:Warning:|Summary|\S.* ran$|\d+(?:\.\d+)? (?:±|\+/-) |\d+(?:\.\d+)? times )"
)
_LABEL_LENGTH = 60


@dataclass(frozen=True)
class Benchmark:
    """One benchmark of a hyperfine run, times in `unit`."""

    index: int
    command: str
    unit: str
    mean: float
    stddev: float | None
    user: float | None
    system: float | None
    runs: int
    start: int  # index of the `Benchmark` line
    end: int  # index of its last line
    label: str | None


def find_hyperfine(lines: Sequence[str]) -> list[Found]:
    """The hyperfine runs of a text, each comparison as one Found."""
    benchmarks = [b for i, line in enumerate(lines) if (b := _benchmark(lines, i, line))]
    if not benchmarks:
        return []
    runs: list[list[Benchmark]] = []
    for benchmark in benchmarks:
        if runs and benchmark.index > runs[-1][-1].index:
            runs[-1].append(benchmark)
        else:
            runs.append([benchmark])
    groups = [run for run in runs if len(run) >= 2]
    singles = [run[0] for run in runs if len(run) == 1]
    if len(singles) >= 2:
        groups.append(singles)
    found = [_found(lines, group) for group in groups]
    covered = {b.start for group in groups for b in group}
    found += [Found(start=b.start + 1, end=b.end + 1) for b in benchmarks if b.start not in covered]
    return sorted(found, key=lambda f: f.start)


def _benchmark(lines: Sequence[str], index: int, line: str) -> Benchmark | None:
    if "Benchmark" not in line:
        return None
    head = _BENCHMARK.fullmatch(line)
    if not head or index + 1 >= len(lines):
        return None
    time = _TIME.fullmatch(lines[index + 1])
    if not time:
        return None
    unit = normalise_unit(time.group("unit")) or time.group("unit")
    end = index + 1
    runs = 1
    if index + 2 < len(lines) and (spread := _RANGE.fullmatch(lines[index + 2])):
        end = index + 2
        runs = int(spread.group("runs") or 1)
    scan = end + 1
    while scan < len(lines) and (not lines[scan].strip() or _EXTRA.match(lines[scan])):
        if lines[scan].strip():
            end = scan
        if lines[scan].strip() and _BENCHMARK.fullmatch(lines[scan]):
            break
        scan += 1
    return Benchmark(
        index=int(head.group("index")),
        command=head.group("command"),
        unit=unit,
        mean=float(time.group("mean")),
        stddev=_in(time.group("sd"), time.group("sd_unit"), unit),
        user=_in(time.group("user"), time.group("user_unit"), unit),
        system=_in(time.group("system"), time.group("system_unit"), unit),
        runs=runs,
        start=index,
        end=end,
        label=_label(lines, index),
    )


def _found(lines: Sequence[str], group: list[Benchmark]) -> Found:
    unit = group[0].unit
    names = _names(group)
    statistic = MEAN if min(b.runs for b in group) > 1 else SINGLE
    start = group[0].start
    prose = prose_before(lines, start - 1 if group[0].label else start)
    figures: list[Figure] = []
    for metric in ("time", "user", "system"):
        values = [_value(b, metric) for b in group]
        if any(value is None for value in values):
            continue
        variants = tuple(
            Variant(
                name=name,
                value=_to(value, b.unit, unit),
                stddev=_to(b.stddev, b.unit, unit)
                if metric == "time" and b.stddev is not None
                else None,
                n=b.runs,
            )
            for name, value, b in zip(names, values, group, strict=True)
            if value is not None
        )
        figures.append(
            Figure(
                metric=metric,
                unit=unit,
                variants=variants,
                source=HYPERFINE,
                lower_is_better=lower_is_better(metric, unit),
                statistic=statistic,
                line=start + 1,
                context=prose,
            )
        )
    return Found(start=start + 1, end=max(b.end for b in group) + 1, figures=tuple(figures))


def _value(benchmark: Benchmark, metric: str) -> float | None:
    if metric == "time":
        return benchmark.mean
    return benchmark.user if metric == "user" else benchmark.system


def _names(group: list[Benchmark]) -> list[str]:
    labels = [b.label or "" for b in group]
    if all(labels) and len(set(labels)) == len(labels):
        return labels
    commands = [b.command for b in group]
    if len(set(commands)) == len(commands):
        return commands
    return [chr(ord("A") + i) if i < 26 else f"#{i + 1}" for i in range(len(group))]


def _label(lines: Sequence[str], index: int) -> str | None:
    """A `Before:` line (or a short variant name) just above a benchmark."""
    for above in range(index - 1, max(index - 3, -1), -1):
        text = " ".join(lines[above].split())
        if not text:
            continue
        if len(text) <= _LABEL_LENGTH and text.endswith(":") and not _EXTRA.match(text):
            return text[:-1].strip() or None
        if len(text.split()) <= 4 and is_variant_label(text) and not _EXTRA.match(text):
            return text
        return None
    return None


def _in(value: str | None, unit: str | None, to_unit: str) -> float | None:
    if value is None:
        return None
    return _to(float(value), normalise_unit(unit or "") or to_unit, to_unit)


def _to(value: float, unit: str, to_unit: str) -> float:
    converted = convert(value, unit, to_unit)
    return value if converted is None else converted
