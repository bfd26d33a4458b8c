"""What the prose around a block of figures says: how often it was measured, and which statistic.

"took the average of 5 such builds" means five samples and a mean; "median of 7 runs" a median;
"best of 3" a minimum. The prose is the few lines of the same text just before the block, up to
the previous block of data. The variant words (`patched`, `before`, `baseline`, `w/o patch`,
`v2`) let the table reader tell variant labels from metric names; `derived_kind` recognises the
`delta` and `%` rows posters add under a table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reviewbot_perf_compare.figures import MEAN, MEDIAN, MINIMUM, UNKNOWN

#: Words and phrases that name a variant rather than a metric.
VARIANT_WORDS: tuple[str, ...] = (
    "unpatched",
    "patched",
    "before",
    "after",
    "base",
    "baseline",
    "new",
    "old",
    "orig",
    "original",
    "vanilla",
    "master",
    "staging",
    "with",
    "without",
    "w/",
    "w/o",
    "v1",
    "v2",  # and any vN
    "A",
    "B",  # single capital letters as the whole label
    "stock",
    "reference",
    "ref",
    "current",
    "upstream",
    "unmodified",
    "this series",
    "with series",
)

#: What a line already read by another extractor is replaced with: it ends prose, matches nothing.
HIDDEN_LINE = "\x00"

#: How many lines before a block count as its prose.
PROSE_LINES = 8

_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
}
_COUNT = r"(\d+|" + "|".join(_NUMBER_WORDS) + r")"
_STAT_WORD = r"(average|averaged|avg|mean|median|best|minimum|min|fastest|lowest)"
_STAT_OF_N = re.compile(
    rf"\b{_STAT_WORD}\s+(?:value\s+)?(?:of|over|across|from)\s+(?:the\s+)?(?:last\s+)?"
    rf"(?:all\s+)?{_COUNT}\b",
    re.IGNORECASE,
)
_N_EQUALS = re.compile(r"(?<![\w.])n\s*=\s*(\d+)\b", re.IGNORECASE)
_N_THINGS = re.compile(
    rf"\b{_COUNT}\s+(?:such\s+|consecutive\s+|separate\s+|independent\s+|full\s+|clean\s+)?"
    r"(?:runs|iterations|repetitions|reps|samples|measurements|trials|builds|boots|passes)\b",
    re.IGNORECASE,
)
_N_TIMES = re.compile(
    r"\b(?:repeated|repeating|ran|run|running|executed|measured|performed|did|done|built"
    rf"|booted)\s+(?:[a-z]+\s+){{0,3}}?{_COUNT}\s+times\b",
    re.IGNORECASE,
)
_STAT_ALONE = re.compile(r"\b(average|averaged|averages|avg|mean|median)\b", re.IGNORECASE)
_NOT_STATISTIC_BEFORE = frozenset(
    {"i", "to", "you", "we", "does", "do", "not", "doesn't", "don't", "would", "could", "might"}
    | {"may", "will", "which", "that", "this", "it", "they", "also"}
)
_STATISTICS = {
    "average": MEAN,
    "averaged": MEAN,
    "averages": MEAN,
    "avg": MEAN,
    "mean": MEAN,
    "median": MEDIAN,
    "best": MINIMUM,
    "minimum": MINIMUM,
    "min": MINIMUM,
    "fastest": MINIMUM,
    "lowest": MINIMUM,
}

_VARIANT = re.compile(
    r"(?<![\w/])(?:un)?patched(?![\w/])|(?<![\w/])(?:before|after|base|baseline|new|old|orig"
    r"|original|vanilla|master|staging|with|without|stock|reference|ref|current|upstream"
    r"|unmodified|(?:this|the)\s+series|v\d+(?:\.\d+)?)(?![\w/])|(?<![\w/])w/o?(?![\w/])",
    re.IGNORECASE,
)
_LETTER_LABEL = re.compile(r"[A-D]")

_CHANGE_WORDS = frozenset({"delta", "diff", "difference", "change", "δ", "Δ".casefold()})
_PERCENT_WORDS = frozenset({"%", "pct", "percent", "percentage", "relative", "rel"})
_DERIVED_FILLER = frozenset({"abs", "absolute", "in"})
_OTHER_DERIVED = frozenset({"speedup", "speed-up", "ratio", "improvement", "gain", "factor"})
_SPREAD = frozenset(
    {"sd", "stddev", "stdev", "std", "std dev", "std.dev", "std. dev", "σ", "sigma", "±", "+-"}
    | {"+/-", "deviation", "standard deviation", "dev"}
)

_DATA_START = re.compile(
    r"\s*(?:Performance counter stats|Benchmark #?\d|add/remove:|Total: Before=|Function\s+old"
    r"|N\s+Min\s+Max|Difference at|No difference proven|\(Student's t|\+-{3,}|\|"
    r"|Time \(|Range \(|Summary\s*$|\S.* ran\s*$|.* times (?:faster|slower) than"
    r"|\d[\d,.]*\s+(?:msec\s+|seconds\s+)?[\w-]+\s+#|.*seconds time elapsed)"
)
_NUMERIC_TOKEN = re.compile(r"[-+±(]*\.?\d")


@dataclass(frozen=True)
class SampleInfo:
    """How many samples each value summarises and which statistic it is, when the prose says."""

    n: int | None = None
    statistic: str = UNKNOWN


def describe(prose: str) -> SampleInfo:
    """The sample count and statistic the prose states; the mention nearest its end wins."""
    text = " ".join(prose.split())
    counts: list[tuple[int, int]] = []  # (position, n)
    statistics: list[tuple[int, str]] = []
    for found in _STAT_OF_N.finditer(text):
        statistics.append((found.start(), _STATISTICS[found.group(1).lower()]))
        counts.append((found.start(), _count(found.group(2))))
    for pattern in (_N_EQUALS, _N_THINGS, _N_TIMES):
        for found in pattern.finditer(text):
            counts.append((found.start(), _count(found.group(1))))
    for found in _STAT_ALONE.finditer(text):
        before = text[: found.start()].split()
        if before and before[-1].lower() in _NOT_STATISTIC_BEFORE:
            continue
        statistics.append((found.start(), _STATISTICS[found.group(1).lower()]))
    n = max(counts)[1] if counts else None
    statistic = max(statistics)[1] if statistics else UNKNOWN
    return SampleInfo(n=n if n and n > 0 else None, statistic=statistic)


def statistic_named(label: str) -> str | None:
    """The statistic a column label is (`avg`, `Mean`, `median`, `min`); None otherwise."""
    folded = label.strip().strip(":").casefold()
    statistic = _STATISTICS.get(folded)
    return statistic if statistic is not None and folded != "best" else None


def is_variant_label(label: str) -> bool:
    """True when a row or column label names a variant (`Patched`, `w/o patch`, `v2`, `B`)."""
    stripped = label.strip().strip(":")
    if _LETTER_LABEL.fullmatch(stripped):
        return True
    return _VARIANT.search(stripped) is not None


def derived_kind(label: str) -> str | None:
    """`change` for a delta row, `percent` for a `%` row, `spread` for a standard deviation
    column (`sd`, `stddev`, `±`), `other` for speedups and ratios; else None."""
    folded = label.strip().strip(":").casefold()
    if " ".join(folded.strip("()[]").split()) in _SPREAD:
        return "spread"
    words = re.findall(r"[a-zδ%-]+", folded)
    if not words:
        return None
    if words[0] in _OTHER_DERIVED:
        return "other"
    known = _CHANGE_WORDS | _PERCENT_WORDS | _DERIVED_FILLER
    if not all(word in known for word in words):
        return None
    if any(word in _PERCENT_WORDS for word in words):
        return "percent"
    return "change" if any(word in _CHANGE_WORDS for word in words) else None


def looks_like_data(line: str) -> bool:
    """True for a line of figures or tool output rather than prose (where prose stops)."""
    if line == HIDDEN_LINE:
        return True
    if _DATA_START.match(line):
        return True
    tokens = line.split()
    numeric = sum(1 for token in tokens if _NUMERIC_TOKEN.match(token))
    return numeric >= 2 and numeric * 2 >= len(tokens)


def prose_before(lines: Sequence[str], start: int, limit: int = PROSE_LINES) -> str:
    """The prose of up to `limit` lines before `lines[start]`, stopping at data; one line."""
    taken: list[str] = []
    index = start - 1
    while index >= 0 and start - index <= limit:
        line = lines[index]
        if line.strip() and looks_like_data(line):
            break
        taken.append(line.strip())
        index -= 1
    return " ".join(" ".join(reversed(taken)).split())


def _count(text: str) -> int:
    lowered = text.lower()
    return _NUMBER_WORDS[lowered] if lowered in _NUMBER_WORDS else int(lowered)
