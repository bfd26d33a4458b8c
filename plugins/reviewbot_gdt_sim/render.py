"""How `reviewbot gdt-sim` prints a workload run, a scenario, the lists, and their JSON.

Text stays within `WIDTH` columns: long sources and descriptions wrap under their column.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict

from reviewbot_gdt_sim.advice import percent, rate
from reviewbot_gdt_sim.analysis import Comparison
from reviewbot_gdt_sim.cost import Latency, cycles
from reviewbot_gdt_sim.faults import FAULTS
from reviewbot_gdt_sim.hazards import Hazard
from reviewbot_gdt_sim.invariants import INVARIANTS, Violation
from reviewbot_gdt_sim.scenarios import SCENARIOS, Expectation, ScenarioOutcome
from reviewbot_gdt_sim.trace import Parameter, Workload

WIDTH = 100
#: Violations printed before "… and N more".
SHOWN_VIOLATIONS = 20
COMMITS = {"base": "12dce7ea5a", "patched": "564d261687", "followup1": "1464c4cdd7"}
_INDENT = "  "


def wrapped(text: str, indent: str = _INDENT, hanging: int = 0) -> list[str]:
    """`text` wrapped to WIDTH, its continuation lines `hanging` columns further in."""
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + " " * hanging,
        break_on_hyphens=False,
        break_long_words=True,
    ) or [indent.rstrip()]


def columns(rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> list[str]:
    """Rows as aligned text: numeric columns to the right, others to the left."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(width) if numeric[i] else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def number(value: float) -> str:
    """Whole numbers with thousands separators, others with one decimal."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def signed(value: float) -> str:
    """`+1,234`, `-12.5`, `0`."""
    if value == 0:
        return "0"
    text = number(abs(value))
    return f"+{text}" if value > 0 else f"-{text}"


# --- a workload run --------------------------------------------------------------------------


def workload_lines(comparison: Comparison, faults: frozenset[str], note: str) -> list[str]:
    """The whole report of `reviewbot gdt-sim` without --scenario."""
    run = comparison.run
    workload = comparison.workload
    checked = "invariants checked" if run.checked else "invariants not checked"
    lines = wrapped(
        f"gdt-sim: {comparison.variant} ({COMMITS[comparison.variant]}) over {workload.name}: "
        f"{run.events:,} events, {workload.simulated_seconds:g} s simulated, {checked}",
        indent="",
    )
    if workload.description:
        lines += wrapped(workload.description, indent="")
    if faults:
        lines.append(f"faults injected: {', '.join(sorted(faults))}")
    lines += ["", *table_lines(comparison)]
    lines += ["", *class_lines(comparison.classes, comparison.pv_switches)]
    lines += ["", *latency_lines(comparison.latencies)]
    lines += ["", *parameter_lines(workload.parameters)]
    lines += ["", *invariant_lines(run.invariants, comparison.variant)]
    lines += ["", *violation_lines(run.violations, run.violation_count)]
    lines += ["", *hazard_lines(run.hazards)]
    lines += ["", *explanation_lines(comparison, note)]
    return lines


def table_lines(comparison: Comparison) -> list[str]:
    """Operation counts and modelled cycles, reference against subject, with the change."""
    ref, sub = comparison.reference, comparison.subject
    rows = [["operation", ref, sub, "change", "cycles/op"]]
    per_op = {latency.op: latency.cycles for latency in comparison.latencies}
    for op, before, after, change in comparison.rows:
        each = f"{per_op[op]:g}" if op in per_op else ""
        rows.append([op, number(before), number(after), signed(change), each])
    ghz = comparison.explanation.ghz
    return [
        f"Operations, {ref} against {sub} (cycles = Σ count × cycles/op, {ghz:g} GHz):",
        *(_INDENT + line for line in columns(rows, [False, True, True, True, True])),
    ]


def class_lines(classes: Mapping[str, int], pv_switches: int) -> list[str]:
    """Switches by (P, N, S) class."""
    rows = [[name, f"{count:,}"] for name, count in classes.items()]
    return [
        "__context_switch() calls by class (P/N: the previous/next owner is PV; S: same vCPU id):",
        *(_INDENT + line for line in columns(rows, [False, True])),
        f"{_INDENT}into a PV vCPU (N1): {pv_switches:,}",
    ]


def latency_lines(latencies: Sequence[Latency]) -> list[str]:
    """Every latency with its source; assumed ones marked."""
    lines = ["Latencies (cycles per operation; * = assumed, not published):"]
    width = max(len(latency.op) for latency in latencies)
    for latency in latencies:
        head = f"{latency.op:<{width}}  {latency.cycles:>5g}{'*' if latency.assumed else ' '}  "
        lines += wrapped(head + latency.source, hanging=len(head))
    return lines


def parameter_lines(parameters: Sequence[Parameter]) -> list[str]:
    """The workload's parameters with their sources; assumed ones marked."""
    lines = ["Workload parameters (* = assumed, not stated in the mail):"]
    if not parameters:
        return [*lines, f"{_INDENT}none"]
    width = max(len(p.name) for p in parameters)
    for parameter in parameters:
        name = parameter.name + ("*" if parameter.assumed else "")
        head = f"{name:<{width + 1}} = {parameter.value}: "
        lines += wrapped(head + parameter.source, hanging=width + 4)
    return lines


def invariant_lines(invariants: Mapping[str, str], variant: str) -> list[str]:
    """I1-I14: pass, fail, n/a or unchecked, with what each says."""
    lines = [f"Invariants ({variant}):"]
    for name, description in INVARIANTS.items():
        state = invariants.get(name, "n/a")
        head = f"{name:<4}{state:<10}"
        lines += wrapped(head + description, hanging=len(head))
    return lines


def violation_lines(violations: Sequence[Violation], count: int) -> list[str]:
    """The first violations, and how many there were."""
    if not count and not violations:
        return ["Violations: none"]
    total = max(count, len(violations))
    lines = [f"Violations: {total}" + (f" (the first {SHOWN_VIOLATIONS})" if total > 20 else "")]
    for violation in violations[:SHOWN_VIOLATIONS]:
        lines += wrapped(violation.line(), hanging=2)
    return lines


def hazard_lines(hazards: Sequence[Hazard]) -> list[str]:
    """I15: the stray-selector hazard (reported, never pass/fail)."""
    if not hazards:
        return ["Stray-selector hazard (I15): none seen"]
    lines = [f"Stray-selector hazard (I15), reported, not pass/fail: {len(hazards)}"]
    for hazard in hazards:
        lines += wrapped(hazard.line(), hanging=2)
    return lines


def explanation_lines(comparison: Comparison, note: str) -> list[str]:
    """gdt-model §6.3: the saving per switch, the explained fraction and the bound."""
    e = comparison.explanation
    measured = comparison.measured
    lines = ["Plausibility (gdt-model §6.3):"]
    lines += wrapped(
        f"measured: {measured.delta_wall_s:+.2f} s of {measured.elapsed_s:.2f} s elapsed on "
        f"{measured.pcpus} pCPUs = {e.measured_delta_cpu_s:.1f} CPU·s ({measured.source})",
        hanging=2,
    )
    lines += wrapped(f"({note})", hanging=1)
    per_switch = e.saving_cycles_per_pv_switch
    if per_switch is None:
        return [*lines, f"{_INDENT}no switch into a PV vCPU: nothing to weigh"]
    lines.append(
        f"{_INDENT}modelled saving per switch into a PV vCPU: {per_switch:.2f} cycles "
        f"({per_switch / e.ghz:.2f} ns at {e.ghz:g} GHz)"
    )
    if not e.measured_faster:
        return [*lines, f"{_INDENT}the measurement shows no speed-up to explain"]
    lines.append(
        f"{_INDENT}at the workload's rate: {e.modelled_saving_cpu_s:.2g} CPU·s = explained "
        f"fraction {percent(e.explained_fraction or 0.0)}"
    )
    lines.append(
        f"{_INDENT}bound at {rate(e.bound_rate)} switches/s on every pCPU: "
        f"{e.bound_cpu_s or 0.0:.2f} CPU·s = {percent(e.bound_fraction or 0.0)}"
    )
    return lines


def workload_json(
    comparison: Comparison, latencies: Sequence[Latency], faults: frozenset[str], note: str
) -> dict[str, object]:
    """The issue's shape (variant, scenario, invariants, violations, hazards, counts, cycles,
    explained_fraction) and the rest of the run."""
    run = comparison.run
    return {
        "variant": comparison.variant,
        "scenario": None,
        "invariants": dict(run.invariants),
        "violations": [v.to_json() for v in run.violations],
        "hazards": [h.to_json() for h in run.hazards],
        "counts": dict(run.counts),
        "cycles": cycles(run.counts, latencies),
        "explained_fraction": comparison.explanation.explained_fraction,
        "violation_count": run.violation_count,
        "passed": run.passed,
        "faults": sorted(faults),
        "measured_note": note,
        **comparison_json(comparison),
    }


def comparison_json(comparison: Comparison) -> dict[str, object]:
    """The workload, classes, the comparison table, latencies and the explanation."""
    ref, sub = comparison.reference, comparison.subject
    return {
        "workload": workload_json_of(comparison.workload, comparison.run.events),
        "classes": comparison.classes,
        "comparison": {
            "reference": ref,
            "subject": sub,
            "counts": {name: dict(counts) for name, counts in comparison.counts.items()},
            "rows": [
                {"op": op, ref: before, sub: after, "change": change}
                for op, before, after, change in comparison.rows
            ],
            "pv_switches": comparison.pv_switches,
        },
        "latencies": [asdict(latency) for latency in comparison.latencies],
        "explanation": asdict(comparison.explanation),
        "measured": asdict(comparison.measured),
        "checked_invariants": dict(comparison.run.invariants),
    }


def workload_json_of(workload: Workload, events: int) -> dict[str, object]:
    """A workload without its trace."""
    return {
        "name": workload.name,
        "events": events,
        "simulated_seconds": workload.simulated_seconds,
        "cpus": workload.topology.cpus,
        "domains": [asdict(d) for d in workload.topology.domains],
        "description": workload.description,
        "parameters": [asdict(p) for p in workload.parameters],
    }


# --- a scenario --------------------------------------------------------------------------------


def scenario_lines(outcome: ScenarioOutcome, latencies: Sequence[Latency]) -> list[str]:
    """Title, spec, each case's expectations, invariants, violations, hazards and counts."""
    lines = wrapped(
        f"{outcome.name}: {outcome.title} ({outcome.variant}, {COMMITS[outcome.variant]})",
        indent="",
    )
    lines += wrapped(f"spec: {outcome.spec}", indent="", hanging=6)
    for case in outcome.cases:
        faults = f" [faults: {', '.join(sorted(case.faults))}]" if case.faults else ""
        lines += ["", *wrapped(f"case: {case.label}{faults}", indent="")]
        for expectation in case.expectations:
            lines += wrapped(expectation_text(expectation), hanging=2)
    verdict = "as the spec expects" if outcome.as_expected else "NOT as the spec expects"
    lines += ["", f"outcome: {verdict}"]
    lines += ["", *invariant_lines(outcome.invariants, outcome.variant)]
    violations = outcome.violations
    count = sum(case.result.violation_count for case in outcome.cases)
    lines += ["", *violation_lines(violations, count)]
    lines += ["", *hazard_lines(outcome.hazards)]
    counts = outcome.counts
    shown = ", ".join(f"{name} {value:,}" for name, value in counts.items() if value)
    lines += ["", "Counts:", *wrapped(shown or "nothing counted")]
    lines.append(f"{_INDENT}modelled cycles: {number(cycles(counts, latencies))}")
    return lines


def expectation_text(expectation: Expectation) -> str:
    """`✓ lgdt = 2`, `✗ lgdt = 2: 3`, `✓ LSL on CPU1 can read 2: 1 or 2`."""
    mark = "✓" if expectation.ok else "✗"
    if expectation.ok and expectation.what.endswith(f"= {expectation.actual}"):
        return f"{mark} {expectation.what}"
    return f"{mark} {expectation.what}: {expectation.actual}"


def scenario_json(outcome: ScenarioOutcome, latencies: Sequence[Latency]) -> dict[str, object]:
    """The issue's shape plus the scenario's title, spec, expectations and cases."""
    document = outcome.to_json()
    return {
        "variant": outcome.variant,
        "scenario": outcome.name,
        "invariants": outcome.invariants,
        "violations": [v.to_json() for v in outcome.violations],
        "hazards": [h.to_json() for h in outcome.hazards],
        "counts": outcome.counts,
        "cycles": cycles(outcome.counts, latencies),
        "explained_fraction": None,
        "title": outcome.title,
        "spec": outcome.spec,
        "expectations": [e.to_json() for e in outcome.expectations],
        "as_expected": outcome.as_expected,
        "cases": document["cases"],
        "latencies": [asdict(latency) for latency in latencies],
    }


# --- --list -----------------------------------------------------------------------------------


def list_lines() -> list[str]:
    """Scenarios (name, title, faults they inject), faults, variants and workloads."""
    lines = ["Scenarios (gdt-model §7; --scenario NAME):"]
    for scenario in SCENARIOS.values():
        faults = f" [injects {', '.join(scenario.faults)}]" if scenario.faults else ""
        lines += wrapped(f"{scenario.name:<5}{scenario.title}{faults}", hanging=5)
    lines += ["", "Faults (--inject FAULT):"]
    width = max(len(name) for name in FAULTS)
    for name, description in FAULTS.items():
        lines += wrapped(f"{name:<{width}}  {description}", hanging=width + 2)
    lines += [
        "",
        "Variants (--variant): "
        + ", ".join(f"{name} ({commit})" for name, commit in COMMITS.items()),
        "Workloads (--workload): juergen (gdt-model §6.4), random",
    ]
    return lines


def list_json() -> dict[str, object]:
    """`--list --json`."""
    return {
        "scenarios": [
            {"name": s.name, "title": s.title, "spec": s.spec, "faults": list(s.faults)}
            for s in SCENARIOS.values()
        ],
        "faults": dict(FAULTS),
        "variants": dict(COMMITS),
        "workloads": ["juergen", "random"],
    }


def joined(items: Iterable[str]) -> str:
    """`a, b and c`."""
    listed = list(items)
    if len(listed) < 2:
        return "".join(listed)
    return ", ".join(listed[:-1]) + " and " + listed[-1]
