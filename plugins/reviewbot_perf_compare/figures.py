"""The figures a thread quotes, normalised: one metric measured under two or more variants.

Every extractor (tables, `X -> Y`, perf stat, hyperfine, ministat, raw samples, `perf run`)
produces `Figure`s; bloat-o-meter output, which lists sizes rather than measurements, becomes
a `SizeReport`. The first variant of a figure is the reference ("before"): changes are
computed against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# Where a figure came from.
TABLE = "table"
ARROW = "arrow"
PERF_STAT = "perf-stat"
HYPERFINE = "hyperfine"
MINISTAT = "ministat"
SAMPLES = "samples"
MEASURED = "measured"

# What a variant's `value` is.
MEAN = "mean"
MEDIAN = "median"
MINIMUM = "min"
SINGLE = "single"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Variant:
    """One variant's value: a mean (or `Figure.statistic`), with spread and samples when known."""

    name: str
    value: float
    stddev: float | None = None
    n: int | None = None
    samples: tuple[float, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A metric (`elapsed`, `task-clock`) under each variant, as posted or measured."""

    metric: str
    unit: str  # "s", "ms", "us", "ns", "cycles", "bytes", "%", "ops/s", ... or "" when not said
    variants: tuple[Variant, ...]
    source: str  # TABLE, ARROW, PERF_STAT, HYPERFINE, MINISTAT, SAMPLES or MEASURED
    lower_is_better: bool | None = None  # None: the metric does not say
    statistic: str = UNKNOWN  # MEAN, MEDIAN, MINIMUM, SINGLE or UNKNOWN
    line: int = 0  # 1-based line of the block in the text it was found in (0: not from text)
    block: int = 0  # figures from the same table or output block share this number
    context: str = ""  # the prose just before the block (what was measured, how often)
    stated_change: float | None = None  # a delta the poster wrote (delta row, ministat's line)
    stated_percent: float | None = None
    message_id: str = ""  # filled in by the thread-level extraction
    author: str = ""  # display name of who posted it
    quoted: bool = False  # only seen quoted (its original message is not in the thread)
    unit_assumed: bool = False  # the unit was inferred from the metric (`elapsed` -> s)

    @property
    def reference(self) -> Variant:
        """The first variant, which changes are measured against."""
        return self.variants[0]

    def attributed(self, message_id: str, author: str, *, quoted: bool = False) -> Figure:
        """The same figure with its provenance filled in."""
        return replace(self, message_id=message_id, author=author, quoted=quoted)

    def fingerprint(self) -> tuple[str, tuple[float, ...]]:
        """What makes two postings the same figure: the metric and the values, in order."""
        return (self.metric.casefold(), tuple(round(v.value, 9) for v in self.variants))


@dataclass(frozen=True)
class SizeEntry:
    """One symbol of a bloat-o-meter table; `old`/`new` are None for an added/removed symbol."""

    name: str
    old: int | None
    new: int | None
    delta: int


@dataclass(frozen=True)
class SizeReport:
    """A bloat-o-meter block: its header counts, its symbols and its totals, each when present."""

    entries: tuple[SizeEntry, ...] = ()
    added: int | None = None
    removed: int | None = None
    grown: int | None = None
    shrunk: int | None = None
    up: int | None = None
    down: int | None = None  # negative, as printed
    net: int | None = None
    total_before: int | None = None
    total_after: int | None = None
    change_percent: float | None = None  # the `chg +0.01%` of the Total line
    line: int = 0
    message_id: str = ""
    author: str = ""
    quoted: bool = False
    notes: tuple[str, ...] = field(default=())

    def attributed(self, message_id: str, author: str, *, quoted: bool = False) -> SizeReport:
        """The same report with its provenance filled in."""
        return replace(self, message_id=message_id, author=author, quoted=quoted)

    def fingerprint(self) -> tuple[object, ...]:
        """What makes two postings the same report."""
        return (self.net, self.total_before, self.total_after, self.entries)
