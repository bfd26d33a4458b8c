"""One-line before/after statements: `elapsed: 66.51s -> 57.00s`, `went from 1,234 to 1,456 ops/s`.

The metric is the words before the first number (filler such as "went", "from", "the" dropped);
a statement with neither a metric word nor a unit is skipped, and so are versions
(`4.12 -> 4.13`, `4.12.0`), dates, pointer code (`p->vcpu`, `1->2` inside code) and
bloat-o-meter lines. `from X to Y` also needs a unit or a metric the vocabulary knows, since
"from 2 to 4 vcpus" is a setting, not a result. Each statement is a figure of its own, with the
variants "before" and "after".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reviewbot_perf_compare.figures import ARROW, SINGLE, UNKNOWN, Figure, Variant
from reviewbot_perf_compare.metrics import (
    NUMBER,
    UNIT_SUFFIX,
    UNIT_WORD,
    convert,
    is_metric_name,
    lower_is_better,
    names_software,
    normalise_unit,
    parse_quantity,
    unit_of,
    word_set,
)
from reviewbot_perf_compare.prose import describe, prose_before
from reviewbot_perf_compare.textparts import Found


def _operand(name: str, *, left: bool) -> str:
    """A number with an optional glued suffix or unit word, as named groups `name…`."""
    boundary = r"(?<![\w.\-/:])" if left else ""
    return (
        rf"{boundary}(?P<{name}>{NUMBER})(?P<{name}_suffix>{UNIT_SUFFIX})?"
        rf"(?:[ \t]+(?P<{name}_unit>{UNIT_WORD})(?![\w/]))?"
    )


_AFTER = r"(?![\w/:]|\.\d|-\d)"
_ARROW = re.compile(
    _operand("a", left=True)
    + r"[ \t]*(?:->|-->|→|=>|⇒|⟶)[ \t]*"
    + _operand("b", left=False)
    + _AFTER
)
_FROM_TO = re.compile(
    r"\bfrom[ \t]+"
    + _operand("a", left=True)
    + r"[ \t]+to[ \t]+"
    + _operand("b", left=False)
    + _AFTER
)
_CODE = re.compile(
    r"[;{}]|==|[A-Za-z_\])]->[A-Za-z_(]|^\s*[#@]|^\s*(?:\[\s*\d|\(XEN\)|add/remove:|Total: Before=)"
)
_WORD = re.compile(r"[A-Za-z][\w\-/]*|\d[\w.,]*")
_FILLER = word_set(
    "a an the this that these my our with without patch patched series change changes it we i "
    "went goes go going gone from to improved improves improve improvement is was are were be "
    "has have had changed dropped drops drop reduced reduces reduce increased increases "
    "increase decreased decreases decrease rose rises fell falls by and of in on for at as "
    "see saw get got gets overall down up roughly about approx approximately around average "
    "averaged avg mean median before after now here there which so then also just only "
    "typically usually measured results result numbers number e.g. ie i.e. eg while when "
    "slightly significantly"
)
_VERSION_WORDS = word_set("rc tag bump bumped upgrade upgraded update updated")
_MAX_METRIC_WORDS = 4
_HINT = re.compile(r"->|→|=>|⇒|⟶|\bfrom\b.*\bto\b")


def find_arrows(lines: Sequence[str]) -> list[Found]:
    """Every `X -> Y` statement in `lines`, one figure each."""
    found: list[Found] = []
    for index in [i for i, line in enumerate(lines) if line and _HINT.search(line)]:
        line = lines[index]
        if _CODE.search(line):
            continue
        figures: list[Figure] = []
        matches = sorted(
            [*_ARROW.finditer(line), *_FROM_TO.finditer(line)], key=lambda m: m.start()
        )
        previous_end = 0
        for match in matches:
            if match.start() < previous_end:
                continue
            figure = _figure(match, line[previous_end : match.start()], lines, index)
            previous_end = match.end()
            if figure is not None:
                figures.append(figure)
        if figures:
            found.append(Found(start=index + 1, end=index + 1, figures=tuple(figures)))
    return found


def metric_words(segment: str) -> str:
    """The metric a statement's lead-in names: the words of its last clause before any number,
    filler dropped (`On a 2-socket box, dom0 boot time:` -> `dom0 boot time`)."""
    segment = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", segment)
    clauses = [c for c in re.split(r"[,;:(]|\s-\s|\.\s", segment) if re.search(r"[A-Za-z]", c)]
    words = _WORD.findall(clauses[-1] if clauses else segment)
    first_number = next((i for i, word in enumerate(words) if word[0].isdigit()), len(words))
    kept = [w for w in words[:first_number] if w.casefold().strip(".") not in _FILLER]
    if not kept and first_number < len(words):
        last_number = max(i for i, word in enumerate(words) if word[0].isdigit())
        kept = [w for w in words[last_number + 1 :] if w.casefold() not in _FILLER]
    return " ".join(kept[-_MAX_METRIC_WORDS:])


def _figure(match: re.Match[str], segment: str, lines: Sequence[str], index: int) -> Figure | None:
    before = _operand_value(match, "a")
    after = _operand_value(match, "b")
    if before is None or after is None:
        return None
    metric = metric_words(segment)
    if names_software(metric) or any(w.casefold() in _VERSION_WORDS for w in metric.split()):
        return None
    written = before[1] or after[1]
    if not metric and not written:
        return None
    if match.re is _FROM_TO and not written and not is_metric_name(metric):
        return None
    unit, assumed = unit_of(metric, written or None)
    before_value = _converted(before, unit)
    after_value = _converted(after, unit)
    prose = prose_before(lines, index)
    info = describe(prose + " " + segment)
    statistic = info.statistic if info.statistic != UNKNOWN else SINGLE
    return Figure(
        metric=metric or _generic_metric(unit),
        unit=unit,
        variants=(
            Variant(name="before", value=before_value, n=info.n),
            Variant(name="after", value=after_value, n=info.n),
        ),
        source=ARROW,
        lower_is_better=lower_is_better(metric, unit),
        statistic=statistic,
        line=index + 1,
        context=prose,
        unit_assumed=assumed,
    )


def _generic_metric(unit: str) -> str:
    """A name for a statement that gives only a unit (`66.51s -> 57.00s`)."""
    if convert(1.0, unit, "s") is not None:
        return "time"
    if convert(1.0, unit, "bytes") is not None:
        return "size"
    return "value"


def _operand_value(match: re.Match[str], name: str) -> tuple[float, str] | None:
    quantity = parse_quantity(match.group(name) + (match.group(f"{name}_suffix") or ""))
    if quantity is None:
        return None
    unit = quantity.unit
    word = match.group(f"{name}_unit")
    if word:
        unit = normalise_unit(word) or unit
    return quantity.value, unit


def _converted(operand: tuple[float, str], unit: str) -> float:
    value, written = operand
    if not written or not unit or written == unit:
        return value
    converted = convert(value, written, unit)
    return value if converted is None else converted
