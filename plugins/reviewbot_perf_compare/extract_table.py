"""Tables of averages as people post them: a header of names over rows of numbers.

    ```
              elapsed  user   system
    Unpatched  66.51  232.93  109.21
    Patched    57.00  225.47  105.47
    ```

Rows are variants and columns metrics, or the transpose (a header of variant names over rows
of metrics); the variant words decide, and rows are variants when neither side has any. Both
whitespace-aligned and `|`-separated (markdown) tables are read, with their rule lines; header
units (`elapsed [s]`, `time (ms)`), cell units (`66.51s`), spreads (`66.51 ± 0.30`,
`66.51 +/- 0.3`) and a derived `delta`/`%` row or column (its values become the figures'
`stated_change`/`stated_percent`). A table needs a header and at least two variants, each with
as many numbers as the header has columns; a line of code, a dmesg line, a date or a version
is never a row label, so diffs, logs and release lists are not tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from reviewbot_perf_compare.figures import TABLE, Figure, Variant
from reviewbot_perf_compare.metrics import (
    MINUTES_SECONDS,
    NUMBER,
    UNIT_SUFFIX,
    UNIT_WORD,
    convert,
    is_metric_name,
    lower_is_better,
    metric_named_in,
    names_software,
    normalise_unit,
    parse_number,
    parse_quantity,
    unit_named_in,
    unit_of,
    word_set,
)
from reviewbot_perf_compare.prose import (
    SampleInfo,
    derived_kind,
    describe,
    is_variant_label,
    prose_before,
    statistic_named,
)
from reviewbot_perf_compare.textparts import Found

_CELL = re.compile(
    rf"(?P<number>{MINUTES_SECONDS}|{NUMBER})(?P<suffix>{UNIT_SUFFIX})?"
    rf"(?:[ \t]*(?:±|\+/-|\+-)[ \t]*(?P<spread>{NUMBER})(?P<spread_suffix>{UNIT_SUFFIX})?)?"
    rf"(?:[ \t]+(?P<unit>{UNIT_WORD})(?=\s|\||$))?"
    r"(?:[ \t]*\((?P<paren>[^()]*)\))?"
)
_CELL_START = re.compile(r"(?:^|(?<=\s))[-+−.]?\d")
_RULE = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:[|+]\s*:?-{3,}:?\s*)*\|?\s*|\s*[-=+]{5,}\s*")
_HEADER_UNIT = re.compile(r"(?P<name>.*?)\s*[\[(]\s*(?P<unit>[^\])]+?)\s*[\])]")
_BAD_LABEL = re.compile(r"[;{}=<>\"'`\\]|^[\[(+\-#*@$]|^\(XEN\)|^\d{4}-\d\d|::")
_DATE_WORDS = word_set(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june "
    "july august september october november december mon tue wed thu fri sat sun"
)
_PERCENT = re.compile(rf"\s*(?P<number>{NUMBER})\s*%\s*")
_MAX_LABEL = 40


@dataclass(frozen=True)
class Cell:
    """One number of a table: value, unit ("" when none), spread, and a `(…%)` beside it."""

    value: float
    unit: str = ""
    stddev: float | None = None
    percent: float | None = None
    aside: float | None = None  # a plain number in parentheses after it: `66.51 (0.30)`


@dataclass(frozen=True)
class Row:
    """A label followed by numbers."""

    label: str
    cells: tuple[Cell, ...]

    def split_asides(self) -> Row | None:
        """The row with each `(0.30)` as a cell of its own; None unless every cell has one."""
        if not all(cell.aside is not None for cell in self.cells):
            return None
        cells: list[Cell] = []
        for cell in self.cells:
            cells += [replace(cell, aside=None), Cell(value=cell.aside or 0.0, unit=cell.unit)]
        return Row(label=self.label, cells=tuple(cells))


@dataclass(frozen=True)
class Column:
    """A header column: its name and the unit the header gives it."""

    name: str
    unit: str | None


def find_tables(lines: Sequence[str]) -> list[Found]:
    """Every table in `lines` (one text's lines), with one figure per metric."""
    parsed = {i: row for i, line in enumerate(lines) if line and (row := _labelled_row(line))}
    found: list[Found] = []
    done = -1
    for index in sorted(parsed):
        if index <= done:
            continue
        width = len(parsed[index].cells)
        rows: list[Row] = []
        last = index
        scan = index
        while scan < len(lines):
            candidate = parsed.get(scan)
            if candidate is None and rows and _RULE.fullmatch(lines[scan]):
                scan += 1
                continue
            if candidate is None or len(candidate.cells) != width:
                break
            rows.append(candidate)
            last = scan
            scan += 1
        header_at = index - 1
        if header_at >= 0 and _RULE.fullmatch(lines[header_at]):
            header_at -= 1
        columns: list[Column] | None = None
        if header_at >= 0:
            split = [row.split_asides() for row in rows]
            if all(row is not None for row in split):
                columns = parse_header(lines[header_at], width * 2)
                rows = [row for row in split if row is not None] if columns else rows
            columns = columns or parse_header(lines[header_at], width)
        table = _figures(columns, rows, lines, header_at) if columns else ()
        if table:
            found.append(Found(start=header_at + 1, end=last + 1, figures=table))
            done = last
    return found


def _labelled_row(line: str) -> Row | None:
    row = parse_row(line)
    return row if row is not None and _is_label(row.label) else None


def parse_row(line: str) -> Row | None:
    """A label and its numbers, or None when the line is not a row of a table."""
    text = line.strip()
    if not _may_end_in_cell(text):
        return None
    if text.startswith("|") or text.count("|") >= 2:
        return _pipe_row(text)
    for start in _CELL_START.finditer(text):
        cells = _cells_from(text, start.start())
        if cells:
            return Row(label=text[: start.start()].strip().rstrip(":").strip(), cells=cells)
    return None


def _may_end_in_cell(text: str) -> bool:
    """A cheap test that the line ends the way a cell does: a digit, `%`, `)`, `|`, or a
    number with a unit suffix or a unit word (`66.51s`, `66.51 ms`)."""
    if not text:
        return False
    last = text[-1]
    if last.isdigit() or last in "%)|":
        return True
    if not last.isalpha():
        return False
    word = text.rsplit(None, 1)[-1]
    return word[0] in "0123456789+-−." or normalise_unit(word) is not None


def parse_header(line: str, width: int) -> list[Column] | None:
    """The `width` columns a header line names (a leading label-column name is dropped)."""
    text = line.strip()
    if not text or text.endswith((":", ".", ",", ";", "?", "!")):
        return None
    splits: list[list[str]]
    if "|" in text:
        splits = [[cell.strip() for cell in text.strip("|").split("|")]]
    else:
        splits = [re.split(r"\s{2,}|\t", text), _words_with_units(text)]
    for tokens in splits:
        if len(tokens) == width + 1:
            tokens = tokens[1:]
        if len(tokens) != width or not all(_is_column_name(token) for token in tokens):
            continue
        return [_column(token) for token in tokens]
    return None


def _pipe_row(text: str) -> Row | None:
    parts = [part.strip() for part in text.strip().strip("|").split("|")]
    if len(parts) < 2:
        return None
    cells: list[Cell] = []
    for part in parts[1:]:
        found = _CELL.fullmatch(part)
        cell = _cell(found) if found else None
        if cell is None:
            return None
        cells.append(cell)
    return Row(label=parts[0].rstrip(":").strip(), cells=tuple(cells))


def _cells_from(text: str, position: int) -> tuple[Cell, ...]:
    cells: list[Cell] = []
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        found = _CELL.match(text, position)
        if not found or (found.end() < len(text) and not text[found.end()].isspace()):
            return ()
        cell = _cell(found)
        if cell is None:
            return ()
        cells.append(cell)
        position = found.end()
    return tuple(cells)


def _cell(found: re.Match[str]) -> Cell | None:
    quantity = parse_quantity(found.group("number") + (found.group("suffix") or ""))
    if quantity is None:
        return None
    unit = quantity.unit
    if found.group("unit"):
        unit = normalise_unit(found.group("unit")) or unit
    stddev: float | None = None
    if found.group("spread"):
        spread = parse_number(found.group("spread"))
        spread_suffix = found.group("spread_suffix") or ""
        if spread is not None and spread_suffix == "%" and unit != "%":
            stddev = abs(quantity.value) * spread / 100
        elif spread is not None:
            spread_unit = normalise_unit(spread_suffix) if spread_suffix else None
            converted = convert(spread, spread_unit, unit) if spread_unit and unit else spread
            stddev = converted if converted is not None else spread
    percent: float | None = None
    aside: float | None = None
    paren = found.group("paren")
    if paren is not None:
        in_paren = _PERCENT.fullmatch(paren)
        percent = parse_number(in_paren.group("number")) if in_paren else None
        aside = parse_number(paren) if in_paren is None else None
    return Cell(value=quantity.value, unit=unit, stddev=stddev, percent=percent, aside=aside)


def _is_label(label: str) -> bool:
    """A row label: has a letter, is short, and is not code, a log prefix or a date."""
    if not label or len(label) > _MAX_LABEL:
        return False
    if not any(ch.isalpha() for ch in label):
        return derived_kind(label) is not None  # a `%` row
    if _BAD_LABEL.search(label):
        return False
    first = re.split(r"[\s,.]", label.casefold(), maxsplit=1)[0]
    return first not in _DATE_WORDS


def _words_with_units(text: str) -> list[str]:
    """Header words split on spaces, with a `[s]`/`(ms)` unit kept on the word before it."""
    words: list[str] = []
    for token in text.split():
        if words and re.fullmatch(r"[\[(][^\])]*[\])]", token):
            words[-1] += " " + token
        else:
            words.append(token)
    return words


def _is_column_name(token: str) -> bool:
    if derived_kind(token):
        return True
    return any(ch.isalpha() for ch in token) and parse_quantity(token) is None


def _column(token: str) -> Column:
    found = _HEADER_UNIT.fullmatch(token)
    if found and found.group("name"):
        unit = normalise_unit(found.group("unit"))
        if unit:
            return Column(name=found.group("name").strip(), unit=unit)
    return Column(name=token.strip(), unit=None)


def _figures(
    columns: list[Column], rows: list[Row], lines: Sequence[str], header_at: int
) -> tuple[Figure, ...]:
    """The table's figures, one per metric, in the orientation the variant words show."""
    row_kinds = [derived_kind(row.label) for row in rows]
    column_kinds = [derived_kind(column.name) for column in columns]
    row_labels = [row.label for row, kind in zip(rows, row_kinds, strict=True) if not kind]
    column_labels = [c.name for c, kind in zip(columns, column_kinds, strict=True) if not kind]
    row_variants = sum(1 for label in row_labels if is_variant_label(label))
    column_variants = sum(1 for label in column_labels if is_variant_label(label))
    transposed = column_variants > row_variants
    if not row_variants and not column_variants:
        transposed = all(is_metric_name(name) for name in row_labels) and not all(
            is_metric_name(name) for name in column_labels
        )
    metrics = row_labels if transposed else column_labels
    if any(names_software(name) for name in metrics):
        return ()  # a list of versions
    has_unit = any(c.unit for c in columns) or any(cell.unit for r in rows for cell in r.cells)
    if not (row_variants or column_variants or has_unit or any(map(is_metric_name, metrics))):
        return ()  # counts of something, not a measurement
    prose = prose_before(lines, header_at)
    info = describe(prose)
    if transposed:
        series = [
            _Series(_column(row.label), row.cells, kind)
            for row, kind in zip(rows, row_kinds, strict=True)
        ]
        names = [column.name for column in columns]
        return _build(names, column_kinds, series, info, prose, header_at + 1)
    flipped = [
        _Series(column, tuple(row.cells[j] for row in rows), column_kinds[j])
        for j, column in enumerate(columns)
    ]
    names = [row.label for row in rows]
    return _build(names, row_kinds, flipped, info, prose, header_at + 1)


@dataclass(frozen=True)
class _Series:
    """One metric's cells across the variant labels (and derived entries)."""

    column: Column
    cells: tuple[Cell, ...]
    kind: str | None  # a derived series (a delta or sd row/column) is no metric


def _build(
    names: list[str],
    kinds: list[str | None],
    series: list[_Series],
    info: SampleInfo,
    prose: str,
    line: int,
) -> tuple[Figure, ...]:
    variant_at = [i for i, kind in enumerate(kinds) if kind is None]
    if len(variant_at) < 2:
        return ()
    figures: list[Figure] = []
    for entry in _with_spread_series(series):
        if entry.kind is not None:
            continue
        all_cells = _with_spread_cells(list(entry.cells), kinds)
        cells = [all_cells[i] for i in variant_at]
        metric, statistic = entry.column.name, info.statistic
        named = statistic_named(metric)
        if named is not None:  # a column `avg` or `median`: the statistic, not the metric
            metric, statistic = metric_named_in(prose) or "value", named
        explicit = entry.column.unit or next((cell.unit for cell in cells if cell.unit), None)
        explicit = explicit or (unit_named_in(prose) if named else None)
        unit, assumed = unit_of(metric, explicit)
        variants = tuple(
            Variant(
                name=names[i],
                value=_in_unit(all_cells[i].value, all_cells[i].unit, unit),
                stddev=_in_unit_or_none(all_cells[i].stddev, all_cells[i].unit, unit),
                n=info.n,
            )
            for i in variant_at
        )
        change, percent = _stated(all_cells, kinds)
        if percent is None and len(cells) == 2 and cells[1].percent is not None:
            percent = cells[1].percent
        figures.append(
            Figure(
                metric=metric,
                unit=unit,
                variants=variants,
                source=TABLE,
                lower_is_better=lower_is_better(metric, unit),
                statistic=statistic,
                line=line,
                context=prose,
                stated_change=change,
                stated_percent=percent,
                unit_assumed=assumed,
            )
        )
    return tuple(figures)


def _with_spread_series(series: list[_Series]) -> list[_Series]:
    """Metric series with a following `sd` series folded in as their cells' stddev."""
    merged: list[_Series] = []
    for entry in series:
        if entry.kind == "spread" and merged and merged[-1].kind is None:
            previous = merged[-1]
            cells = tuple(
                replace(cell, stddev=abs(spread.value))
                for cell, spread in zip(previous.cells, entry.cells, strict=True)
            )
            merged[-1] = replace(previous, cells=cells)
        else:
            merged.append(entry)
    return merged


def _with_spread_cells(cells: list[Cell], kinds: list[str | None]) -> list[Cell]:
    """Cells with the value of a following `sd` row/column as their stddev."""
    for index, kind in enumerate(kinds):
        if kind == "spread" and index > 0 and kinds[index - 1] is None:
            cells[index - 1] = replace(cells[index - 1], stddev=abs(cells[index].value))
    return cells


def _stated(cells: list[Cell], kinds: list[str | None]) -> tuple[float | None, float | None]:
    change: float | None = None
    percent: float | None = None
    for cell, kind in zip(cells, kinds, strict=True):
        if kind == "percent" or (kind == "change" and cell.unit == "%"):
            percent = cell.value if percent is None else percent
        elif kind == "change":
            change = cell.value if change is None else change
            if cell.percent is not None and percent is None:
                percent = cell.percent
    return change, percent


def _in_unit(value: float, unit: str, to_unit: str) -> float:
    if not unit or not to_unit:
        return value
    converted = convert(value, unit, to_unit)
    return value if converted is None else converted


def _in_unit_or_none(value: float | None, unit: str, to_unit: str) -> float | None:
    return None if value is None else _in_unit(value, unit, to_unit)
