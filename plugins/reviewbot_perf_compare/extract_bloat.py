"""bloat-o-meter output as a `SizeReport`, with its arithmetic checked.

    ```
    add/remove: 2/0 grow/shrink: 1/1 up/down: 320/-127 (193)
    Function                                     old     new   delta
    cpu_smpboot_callback                        1152    1456    +304
    per_cpu__gdt_table_l1e                         -       8      +8
    Total: Before=3339227, After=3339420, chg +0.01%
    ```

Any of the three parts (header, symbol table, Total line) may be missing. What does not add up
goes into the report's `notes`: the listed deltas against the header's net change, the header's
up and down against its net, the Total line's After-Before against the header, a symbol's new-old
against its delta, and the symbol counts against add/remove/grow/shrink.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from reviewbot_perf_compare.figures import SizeEntry, SizeReport
from reviewbot_perf_compare.textparts import Found

_HEADER = re.compile(
    r"\s*add/remove:\s*(?P<added>\d+)/(?P<removed>\d+)\s+grow/shrink:\s*(?P<grown>\d+)/"
    r"(?P<shrunk>\d+)\s+up/down:\s*(?P<up>-?\d+)/(?P<down>-?\d+)\s*\((?P<net>[-+]?\d+)\)\s*"
)
_TABLE_HEADER = re.compile(r"\s*(?:Function|Data|RO Data|Symbol)\s+old\s+new\s+delta\s*")
_ENTRY = re.compile(r"\s*(?P<name>\S+)\s+(?P<old>\d+|-)\s+(?P<new>\d+|-)\s+(?P<delta>[-+]?\d+)\s*")
_TOTAL = re.compile(
    r"\s*Total:\s*Before=(?P<before>\d+),\s*After=(?P<after>\d+),\s*chg\s*"
    r"(?P<percent>[-+]?\d+(?:\.\d+)?)%\s*"
)
_PERCENT_TOLERANCE = 0.006  # the Total line rounds to two decimals


def find_bloat(lines: Sequence[str]) -> list[Found]:
    """Every bloat-o-meter block of a text."""
    found: list[Found] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not ("add/remove:" in line or " old " in line or "Total:" in line):
            index += 1
            continue
        if _HEADER.fullmatch(line) or _TABLE_HEADER.fullmatch(line) or _TOTAL.fullmatch(line):
            report, end = _report(lines, index)
            found.append(Found(start=index + 1, end=end + 1, sizes=(report,)))
            index = end + 1
        else:
            index += 1
    return found


def _report(lines: Sequence[str], index: int) -> tuple[SizeReport, int]:
    header: re.Match[str] | None = None
    total: re.Match[str] | None = None
    entries: list[SizeEntry] = []
    in_table = False
    end = index
    scan = index
    while scan < len(lines):
        line = lines[scan]
        if header is None and not entries and not in_table and (h := _HEADER.fullmatch(line)):
            header = h
        elif not in_table and total is None and _TABLE_HEADER.fullmatch(line):
            in_table = True
        elif in_table and total is None and (entry := _ENTRY.fullmatch(line)):
            entries.append(_entry(entry))
        elif total is None and (t := _TOTAL.fullmatch(line)):
            total = t
            end = scan
            break
        else:
            break
        end = scan
        scan += 1
    report = SizeReport(
        entries=tuple(entries),
        added=_int(header, "added"),
        removed=_int(header, "removed"),
        grown=_int(header, "grown"),
        shrunk=_int(header, "shrunk"),
        up=_int(header, "up"),
        down=_int(header, "down"),
        net=_int(header, "net"),
        total_before=_int(total, "before"),
        total_after=_int(total, "after"),
        change_percent=float(total.group("percent")) if total else None,
        line=index + 1,
    )
    return _checked(report), end


def size_notes(report: SizeReport) -> tuple[str, ...]:
    """What in a report does not add up, as sentences."""
    notes: list[str] = []
    listed = sum(entry.delta for entry in report.entries)
    for entry in report.entries:
        if entry.old is not None and entry.new is not None and entry.new - entry.old != entry.delta:
            notes.append(
                f"{entry.name}: {entry.new} - {entry.old} is {entry.new - entry.old:+d}, "
                f"the table says {entry.delta:+d}"
            )
    if report.entries and report.net is not None and listed != report.net:
        notes.append(f"the listed deltas add up to {listed:+d}, the header says {report.net:+d}")
    if (
        report.up is not None
        and report.down is not None
        and report.net is not None
        and report.up + report.down != report.net
    ):
        notes.append(
            f"up/down {report.up}/{report.down} add up to {report.up + report.down:+d}, "
            f"the header says {report.net:+d}"
        )
    if report.entries and report.added is not None:
        counted = (
            sum(1 for e in report.entries if e.old is None),
            sum(1 for e in report.entries if e.new is None),
            sum(
                1 for e in report.entries if e.old is not None and e.new is not None and e.delta > 0
            ),
            sum(
                1 for e in report.entries if e.old is not None and e.new is not None and e.delta < 0
            ),
        )
        stated = (report.added, report.removed, report.grown, report.shrunk)
        if counted != stated:
            notes.append(
                f"the table lists {counted[0]}/{counted[1]} added/removed and "
                f"{counted[2]}/{counted[3]} grown/shrunk symbols, the header says "
                f"{stated[0]}/{stated[1]} and {stated[2]}/{stated[3]}"
            )
    if report.total_before is not None and report.total_after is not None:
        difference = report.total_after - report.total_before
        if report.net is not None and difference != report.net:
            notes.append(f"Total After-Before is {difference:+d}, the header says {report.net:+d}")
        elif report.net is None and report.entries and difference != listed:
            notes.append(
                f"Total After-Before is {difference:+d}, the listed deltas add up to {listed:+d}"
            )
        if report.change_percent is not None and report.total_before:
            percent = difference * 100 / report.total_before
            if abs(percent - report.change_percent) > _PERCENT_TOLERANCE:
                notes.append(
                    f"Total After-Before is {percent:+.2f}% of Before, "
                    f"the Total line says {report.change_percent:+.2f}%"
                )
    return tuple(notes)


def _checked(report: SizeReport) -> SizeReport:
    return replace(report, notes=size_notes(report))


def _entry(found: re.Match[str]) -> SizeEntry:
    old = found.group("old")
    new = found.group("new")
    return SizeEntry(
        name=found.group("name"),
        old=None if old == "-" else int(old),
        new=None if new == "-" else int(new),
        delta=int(found.group("delta")),
    )


def _int(found: re.Match[str] | None, group: str) -> int | None:
    return int(found.group(group)) if found else None
