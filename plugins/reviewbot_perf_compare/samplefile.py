"""Files of raw samples, read the way ministat reads them.

One sample per line, taken from a whitespace-separated field (`column`, 1-based, default 1, as
`ministat -C`). As in ministat, blank lines are skipped, a field starting with `#` starts a
comment (a line whose chosen field lies in or after a comment is skipped), and so is a line
with fewer fields than `column`. A number is what C's strtod accepts in full (decimal, with an
exponent, or hexadecimal like 0x1p3), except that infinities and NaN, which ministat would
take, are refused. A data set needs at least 3 numbers, as in ministat.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from reviewbot.errors import ConfigError, ParseError

#: ministat refuses data sets with fewer numbers.
MINIMUM_SAMPLES = 3

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEXADECIMAL = re.compile(
    r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
)
_NON_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan(?:\([0-9A-Za-z_]*\))?)", re.IGNORECASE)
_SHOWN = 40  # characters of a bad field quoted in a message


def parse_number(field: str) -> float | None:
    """The finite number `field` spells in full, or None."""
    if _DECIMAL.fullmatch(field):
        value = float(field)
    elif _HEXADECIMAL.fullmatch(field):
        value = float.fromhex(field)
    else:
        return None
    return value if math.isfinite(value) else None


def parse_samples(text: str, source: str, column: int = 1) -> tuple[float, ...]:
    """The samples in `text`; `source` names it in error messages (a file name)."""
    if column < 1:
        raise ConfigError(f"column {column} is not a column", "columns count from 1")
    samples: list[float] = []
    for number, line in enumerate(text.split("\n"), start=1):
        field = _chosen_field(line, column)
        if field is None:
            continue
        value = parse_number(field)
        if value is None:
            raise ParseError(_bad_field_message(source, number, field), _bad_field_hint(column))
        samples.append(value)
    if len(samples) < MINIMUM_SAMPLES:
        found = f"{len(samples)} number" + ("" if len(samples) == 1 else "s")
        raise ParseError(
            f"{source} must contain at least {MINIMUM_SAMPLES} numbers, found {found}",
            "give every variant three or more runs, one number per line",
        )
    return tuple(samples)


def read_samples(path: Path | str, column: int = 1) -> tuple[float, ...]:
    """The samples in the file at `path` (see the module docstring for the format)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ParseError(
            f"cannot read sample file {path}: {reason}", "check the file name"
        ) from None
    return parse_samples(data.decode("utf-8", errors="replace"), str(path), column)


def _chosen_field(line: str, column: int) -> str | None:
    """Field `column` of `line`, or None when the line has none (blank, comment, too short)."""
    fields = line.split()
    for field in fields[:column]:
        if field.startswith("#"):
            return None
    return fields[column - 1] if len(fields) >= column else None


def _bad_field_message(source: str, number: int, field: str) -> str:
    shown = field if len(field) <= _SHOWN else field[:_SHOWN] + "…"
    what = "a finite number" if _NON_FINITE.fullmatch(field) else "a number"
    return f"{source} line {number}: {shown!r} is not {what}"


def _bad_field_hint(column: int) -> str:
    where = "one number per line" if column == 1 else f"a number in field {column} of each line"
    return f"a sample file holds {where}; lines starting with # are comments"
