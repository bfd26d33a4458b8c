"""The metric vocabulary: numbers as posted, their units, and which direction is better.

Numbers come as `66.51`, `1,234.5`, `-9.5`, `12.3ms` or `1.2k`; units as `sec`, `msec`, `µs`,
`bytes`, `KiB`, `MB/s` and so on, normalised to one spelling (`s`, `ms`, `us`, `bytes`,
`MB/s`). Whether lower is better is read from the metric's words first (`throughput`,
`elapsed`, `cache-misses`), then from its unit (a rate, a time, a size).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A number as people write it: optional sign, thousands commas, decimals, exponent.
NUMBER = r"[-+−]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+−]?\.\d+"

_UNITS: dict[str, str] = {}
for _unit, _spellings in {
    "s": ("s", "sec", "secs", "second", "seconds"),
    "ms": ("ms", "msec", "msecs", "millisecond", "milliseconds"),
    "us": ("us", "µs", "μs", "usec", "usecs", "microsecond", "microseconds"),
    "ns": ("ns", "nsec", "nsecs", "nanosecond", "nanoseconds"),
    "min": ("min", "mins", "minute", "minutes"),
    "bytes": ("b", "byte", "bytes"),
    "kB": ("kb", "kbyte", "kbytes"),
    "MB": ("mb", "mbyte", "mbytes"),
    "GB": ("gb", "gbyte", "gbytes"),
    "KiB": ("kib",),
    "MiB": ("mib",),
    "GiB": ("gib",),
    "cycles": ("cycles", "cycle", "cyc"),
    "%": ("%", "percent", "pct"),
    "iops": ("iops",),
    "fps": ("fps",),
    "ops/s": ("ops/s", "op/s", "ops/sec", "ops/second", "operations/s", "operations/sec"),
    "requests/s": ("req/s", "reqs/s", "requests/s", "requests/sec", "rps"),
    "MB/s": ("mb/s", "mbyte/s", "mbytes/s", "mb/sec"),
    "MiB/s": ("mib/s", "mib/sec"),
    "GB/s": ("gb/s", "gbyte/s", "gb/sec"),
    "GiB/s": ("gib/s", "gib/sec"),
    "kB/s": ("kb/s", "kib/s", "kb/sec"),
    "Mbit/s": ("mbit/s", "mbps", "mbits/s", "mbit/sec"),
    "Gbit/s": ("gbit/s", "gbps", "gbits/s", "gbit/sec"),
}.items():
    for _spelling in _spellings:
        _UNITS[_spelling] = _unit

#: Case matters for these: `Mb/s` is megabits, `MB/s` megabytes; `B` is bytes.
_CASED_UNITS = {"Mb/s": "Mbit/s", "Gb/s": "Gbit/s", "Kb/s": "kbit/s", "B": "bytes"}

#: A unit written as a word of its own after a number (`66.51 s`), for building patterns.
UNIT_WORD = (
    "(?i:"
    + "|".join(
        re.escape(spelling)
        for spelling in sorted({*_UNITS, *_CASED_UNITS}, key=len, reverse=True)
        if spelling not in ("b", "B")
    )
    + ")"
)
#: A suffix glued to a number (`12.3ms`, `45%`, `1.2k`, `300MB/s`); validated by parse_quantity.
UNIT_SUFFIX = r"(?:%|[A-Za-zµμ]+(?:/[A-Za-z]+)?)"

_SCALE = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}
_TIME_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0}
_SIZE_BYTES = {
    "bytes": 1.0,
    "kB": 1e3,
    "MB": 1e6,
    "GB": 1e9,
    "KiB": 1024.0,
    "MiB": 1024.0**2,
    "GiB": 1024.0**3,
}

#: The `time` command's `1m2.345s`.
MINUTES_SECONDS = r"\d+m\d+(?:\.\d+)?s"
_MINUTES_SECONDS = re.compile(r"(\d+)m(\d+(?:\.\d+)?)s")


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text` as a set (for word lists in code)."""
    return frozenset(text.split())


#: Names of software whose versions people list; never a metric.
VERSION_WORDS = word_set(
    "version versions release releases xen linux kernel gcc clang llvm binutils qemu seabios "
    "ovmf edk2 grub glibc ocaml python debian ubuntu fedora centos rhel sles opensuse alpine"
)

_QUANTITY = re.compile(rf"\s*(?P<number>{NUMBER})\s*(?P<unit>[^\d\s].*?)?\s*")

_HIGHER = re.compile(
    r"(?:^|[^a-z])(?:throughput|bandwidth|iops|ops|operations|requests|reqs|score|fps|hits"
    r"|transactions|tps|speed|per[ -]second|/s|/sec)(?:$|[^a-z])"
)
_LOWER = re.compile(
    r"(?:^|[^a-z])(?:elapsed|real|wall|wallclock|user|sys|system|time|times|runtime"
    r"|latency|latencies|duration|cycles|instructions|task-clock|cpu-clock|\w+-misses|misses"
    r"|size|rss|memory|footprint|overhead|boot|build|compile)(?:$|[^a-z])"
)
_PER_SECOND = re.compile(r"\w/s(?:ec)?$|per (?:second|sec|s)$")
_SECONDS_METRICS = frozenset({"elapsed", "real", "user", "sys", "system", "wall"})
_TIME_COLUMN = _SECONDS_METRICS | {"time", "clock", "wallclock", "cpu"}


@dataclass(frozen=True)
class Quantity:
    """A number with its normalised unit ("" when none was written)."""

    value: float
    unit: str


def normalise_unit(text: str) -> str | None:
    """The canonical spelling of a unit (`sec` -> `s`, `µs` -> `us`); None when unknown."""
    word = text.strip().strip("[]()").strip()
    if not word:
        return None
    if word in _CASED_UNITS:
        return _CASED_UNITS[word]
    folded = word.casefold()
    if folded in _UNITS:
        return _UNITS[folded]
    for suffix in ("/second", "/sec"):
        if folded.endswith(suffix):
            return normalise_unit(word[: -len(suffix)] + "/s")
    return None


def parse_number(text: str) -> float | None:
    """`66.51`, `1,234.5`, `-9.5`, `+304` as a float; None when `text` is not just a number."""
    cleaned = text.strip().replace("−", "-")
    if not re.fullmatch(NUMBER, cleaned):
        return None
    return float(cleaned.replace(",", ""))


def parse_quantity(text: str) -> Quantity | None:
    """A number with an optional unit: `12.3ms`, `66.51 s`, `1.2k` (x1000), `45%`, `1m2.3s`.

    A lone `k`/`K`/`M`/`G` suffix scales the number and leaves no unit; any other suffix must be
    a known unit. None when the text is something else.
    """
    minutes = _MINUTES_SECONDS.fullmatch(text.strip())
    if minutes:
        return Quantity(int(minutes.group(1)) * 60 + float(minutes.group(2)), "s")
    found = _QUANTITY.fullmatch(text)
    if not found:
        return None
    value = parse_number(found.group("number"))
    if value is None:
        return None
    suffix = found.group("unit") or ""
    if not suffix:
        return Quantity(value, "")
    if suffix in _SCALE:
        return Quantity(value * _SCALE[suffix], "")
    unit = normalise_unit(suffix)
    if unit is None:
        return None
    return Quantity(value, unit)


def convert(value: float, unit: str, to_unit: str) -> float | None:
    """`value` in `unit` expressed in `to_unit` (times and sizes); None when they do not mix."""
    if unit == to_unit:
        return value
    for table in (_TIME_SECONDS, _SIZE_BYTES):
        if unit in table and to_unit in table:
            return value * table[unit] / table[to_unit]
    return None


def is_rate(unit: str) -> bool:
    """True for units of something per time (`MB/s`, `ops/s`, `iops`)."""
    return unit.endswith("/s") or unit in ("iops", "fps")


def unit_of(metric: str, explicit_unit: str | None) -> tuple[str, bool]:
    """The figure's unit and whether it was assumed from the metric's name.

    A written unit wins (normalised; an unknown one is kept as written). Without one, the
    `time` command's columns (`elapsed`, `real`, `user`, `sys`, `system`, `wall`) are seconds,
    assumed; cycle counts are `cycles`; anything else has no unit.
    """
    if explicit_unit:
        return normalise_unit(explicit_unit) or explicit_unit.strip(), False
    words = _words(metric)
    if any(w in _SECONDS_METRICS for w in words) and all(w in _TIME_COLUMN for w in words):
        return "s", True
    if words and (words[-1] == "cycles" or words[-1].endswith("-cycles")):
        return "cycles", False
    if words and _PER_SECOND.search(words[-1]):
        return words[-1].replace("/sec", "/s"), False  # `switches/s`
    return "", False


def lower_is_better(metric: str, unit: str) -> bool | None:
    """True for time-like metrics, False for throughput-like ones, None when neither shows."""
    name = " ".join(_words(metric))
    if "miss" in name:
        return True
    if _PER_SECOND.search(name):
        return False
    if _HIGHER.search(name):
        return False
    if _LOWER.search(name):
        return True
    if is_rate(unit):
        return False
    if unit in _TIME_SECONDS or unit in _SIZE_BYTES or unit == "cycles":
        return True
    return None


def names_software(text: str) -> bool:
    """True when a label names software (`gcc`, `Xen`, `version`): a version list, no metric."""
    return any(word in VERSION_WORDS for word in _words(text))


def is_metric_name(text: str) -> bool:
    """True when the words name something the vocabulary knows the direction of."""
    return lower_is_better(text, "") is not None


_PROSE_METRICS = re.compile(
    r"\b((?:boot|build|compile|run|wall[- ]?clock|response|context[- ]switch|migration)\s+"
    r"(?:times?|latency|latencies)|elapsed|latency|throughput|bandwidth|iops|runtime|duration)\b",
    re.IGNORECASE,
)


def metric_named_in(prose: str) -> str | None:
    """The metric a sentence names (`build time`, `latency`), lower-cased; None when none."""
    found = _PROSE_METRICS.search(prose)
    if not found:
        return None
    words = found.group(1).lower().replace("-", " ").split()
    singular = {"times": "time", "latencies": "latency"}
    return " ".join(singular.get(word, word) for word in words)


_PROSE_UNIT = re.compile(
    r"\bin\s+(seconds|secs?|milliseconds|msecs?|ms|microseconds|usecs?|us|µs|nanoseconds|ns"
    r"|bytes|cycles)\b|[\[(](s|sec|ms|msec|us|usec|µs|ns)[\])]",
    re.IGNORECASE,
)


def unit_named_in(prose: str) -> str | None:
    """A unit a sentence states (`in seconds`, `(ms)`), normalised; None when none."""
    found = _PROSE_UNIT.search(prose)
    if not found:
        return None
    return normalise_unit(found.group(1) or found.group(2))


def _words(metric: str) -> list[str]:
    return [w for w in re.split(r"[\s_:,()\[\]]+", metric.casefold()) if w]
