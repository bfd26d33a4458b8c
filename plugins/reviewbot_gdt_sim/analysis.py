"""The analyses the command and the check share: base against patched, measured, behaviour.

`compare_variants` replays one workload: a checked run of the variant, whose I10 partner
replays the same trace in lock step and so gives the other column's counts (two unchecked
runs without checking), then the cost table and the plausibility bound of gdt-model §6.3.
`measured_from` reads the measured delta from perf-compare's result. `behaviour_summary`
says which scenarios behave differently in base and patched, and how.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reviewbot_gdt_sim.cost import (
    Explanation,
    Latency,
    Measured,
    comparison_rows,
    explain,
)
from reviewbot_gdt_sim.invariants import failed_invariants
from reviewbot_gdt_sim.machine import MachineConfig
from reviewbot_gdt_sim.scenarios import ScenarioOutcome, ScenarioRuns
from reviewbot_gdt_sim.simulate import PARTNER, RunResult, run
from reviewbot_gdt_sim.trace import Parameter, Workload

#: A line of the comparison table: (op, reference, subject, subject - reference).
Row = tuple[str, int | float, int | float, int | float]

#: The scenarios `reviewbot check` runs on both variants (T24/T25 replay long traces).
SMALL_SCENARIOS: tuple[str, ...] = tuple(f"T{n}" for n in range(1, 24))
#: The counts that say what the CPU did (the others are bookkeeping of the code path).
OBSERVABLE = ("lgdt", "lgdt_default", "lgdt_full", "pte_writes", "cr3_writes", "lldt")

TRANSIENT = "transient"
HYPOTHETICAL = "hypothetical"
FAULT = "fault"
BEHAVIOUR = "behaviour"


def columns_of(variant: str) -> tuple[str, str]:
    """The comparison's (reference, subject) columns for a run of `variant`."""
    if variant == "base":
        return "base", "patched"
    return PARTNER[variant], variant


@dataclass(frozen=True)
class Comparison:
    """A workload replayed on two variants, costed and weighed against a measured delta."""

    variant: str
    reference: str
    subject: str
    workload: Workload
    run: RunResult
    partner: RunResult | None
    counts: Mapping[str, Mapping[str, int]]
    rows: tuple[Row, ...]
    explanation: Explanation
    latencies: tuple[Latency, ...]
    measured: Measured
    pv_switches: int

    @property
    def classes(self) -> dict[str, int]:
        """`__context_switch` calls by (P, N, S) class (the same in every variant)."""
        return dict(self.run.classes)

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """The workload's parameters, with their sources."""
        return self.workload.parameters


def compare_variants(
    workload: Workload,
    latencies: tuple[Latency, ...],
    measured: Measured,
    *,
    variant: str = "patched",
    checked: bool = True,
    faults: frozenset[str] = frozenset(),
    ghz: float = 3.0,
    bound_rate: float = 1e6,
) -> Comparison:
    """Replay `workload` on `variant` and its partner and cost both."""
    reference, subject = columns_of(variant)
    config = MachineConfig(workload.topology, variant, faults)
    result = run(config, workload.events, checked=checked)
    partner: RunResult | None = None
    other = subject if variant == reference else reference
    if result.partner_counts is not None:
        other_counts = result.partner_counts
    else:
        partner = run(
            MachineConfig(workload.topology, other, faults), workload.events, checked=False
        )
        other_counts = partner.counts
    counts = {variant: dict(result.counts), other: dict(other_counts)}
    pv_switches = result.switches_into_pv
    explanation = explain(
        counts[reference],
        counts[subject],
        pv_switches=pv_switches,
        simulated_seconds=workload.simulated_seconds,
        measured=measured,
        latencies=latencies,
        ghz=ghz,
        bound_rate=bound_rate,
    )
    return Comparison(
        variant=variant,
        reference=reference,
        subject=subject,
        workload=workload,
        run=result,
        partner=partner,
        counts=counts,
        rows=tuple(comparison_rows(counts[reference], counts[subject], latencies)),
        explanation=explanation,
        latencies=latencies,
        measured=measured,
        pv_switches=pv_switches,
    )


# --- the measured delta ----------------------------------------------------------------------


def measured_from(source: object, pcpus: int) -> Measured | None:
    """The measured wall-time change perf-compare found (a CheckContext's or a PerfResult).

    delta = the change in the figure's statistic (negative: faster), elapsed = the
    reference variant's value; None when there is no wall-time figure.
    """
    read = getattr(source, "result", None)
    result = read("perf-compare") if callable(read) else source
    wall_time = getattr(result, "wall_time", None)
    judgement = wall_time() if callable(wall_time) else None
    if judgement is None or not judgement.changes:
        return None
    figure, change = judgement.figure, judgement.changes[0]
    reference = next((v for v in figure.variants if v.name == change.reference), None)
    if reference is None:
        return None
    after = next((v for v in figure.variants if v.name == change.variant), None)
    values = f"{reference.value:.2f} → {after.value:.2f}" if after is not None else ""
    who = f"{figure.author}'s " if figure.author else ""
    where = f" in <{figure.message_id}>" if figure.message_id else ""
    unit = f" {figure.unit}" if figure.unit else ""
    return Measured(
        delta_wall_s=float(change.difference),
        elapsed_s=float(reference.value),
        pcpus=pcpus,
        source=f"{who}{figure.metric} {values}{unit} ({change.reference} → {change.variant})"
        f"{where}",
        by=figure.author or "",
    )


# --- behaviour: which scenarios differ between two variants -------------------------------


@dataclass(frozen=True)
class Difference:
    """A scenario the two variants play differently, and how."""

    scenario: str
    title: str
    kind: str  # TRANSIENT, HYPOTHETICAL, FAULT or BEHAVIOUR
    reference_failed: tuple[str, ...]
    subject_failed: tuple[str, ...]
    details: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """Plain data."""
        return {
            "scenario": self.scenario,
            "title": self.title,
            "kind": self.kind,
            "reference_failed": list(self.reference_failed),
            "subject_failed": list(self.subject_failed),
            "details": list(self.details),
        }


@dataclass(frozen=True)
class BehaviourSummary:
    """Scenarios run on two variants: which behave alike, which differ."""

    reference: str
    subject: str
    scenarios: tuple[str, ...]
    differences: tuple[Difference, ...] = field(default=())
    unexpected: tuple[str, ...] = ()  # scenarios whose outcome is not what the spec says

    @property
    def same(self) -> tuple[str, ...]:
        """The scenarios the variants play identically."""
        differing = {d.scenario for d in self.differences}
        return tuple(name for name in self.scenarios if name not in differing)

    def of_kind(self, kind: str) -> tuple[Difference, ...]:
        """The differences of one kind."""
        return tuple(d for d in self.differences if d.kind == kind)

    @property
    def preserving(self) -> bool:
        """No scenario of Xen's real configuration, without injected faults, behaves
        differently beyond a transient state that passes every invariant."""
        return not self.of_kind(BEHAVIOUR)

    def to_json(self) -> dict[str, object]:
        """Plain data."""
        return {
            "reference": self.reference,
            "subject": self.subject,
            "scenarios": list(self.scenarios),
            "same": list(self.same),
            "differences": [d.to_json() for d in self.differences],
            "unexpected": list(self.unexpected),
            "preserving": self.preserving,
        }


def run_behaviour(
    subject: str = "patched",
    reference: str = "base",
    names: Sequence[str] = SMALL_SCENARIOS,
    seed: int = 1,
    runs: ScenarioRuns | None = None,
) -> BehaviourSummary:
    """Run the scenarios on both variants (through `runs`, which keeps them) and summarise."""
    runs = runs or ScenarioRuns(seed)
    outcomes = {name: {v: runs.get(name, v) for v in (reference, subject)} for name in names}
    return behaviour_summary(outcomes, reference, subject)


def behaviour_summary(
    outcomes: Mapping[str, Mapping[str, ScenarioOutcome]],
    reference: str = "base",
    subject: str = "patched",
) -> BehaviourSummary:
    """Per scenario played on both variants: alike, or how they differ."""
    compared: list[str] = []
    differences: list[Difference] = []
    unexpected: list[str] = []
    for name, by_variant in outcomes.items():
        if reference not in by_variant or subject not in by_variant:
            continue
        compared.append(name)
        ref, sub = by_variant[reference], by_variant[subject]
        unexpected += [f"{name} ({o.variant})" for o in (ref, sub) if not o.as_expected]
        difference = _difference(ref, sub)
        if difference is not None:
            differences.append(difference)
    return BehaviourSummary(
        reference, subject, tuple(compared), tuple(differences), tuple(unexpected)
    )


def _failed(outcome: ScenarioOutcome) -> tuple[str, ...]:
    return failed_invariants(outcome.invariants)


def _nmi_views(outcome: ScenarioOutcome) -> list[tuple[int, int, str, tuple[str, ...], bool]]:
    return [
        (index, view.step, view.point, view.frames, view.passes)
        for index, case in enumerate(outcome.cases)
        for view in case.result.nmi_views
    ]


def _violations(outcome: ScenarioOutcome) -> list[tuple[str, str, str]]:
    return sorted((v.invariant, v.point, v.actual) for v in outcome.violations)


def _observed(outcome: ScenarioOutcome) -> list[dict[str, int]]:
    return [
        {name: case.result.counts.get(name, 0) for name in OBSERVABLE} for case in outcome.cases
    ]


def _difference(ref: ScenarioOutcome, sub: ScenarioOutcome) -> Difference | None:
    failed_ref, failed_sub = _failed(ref), _failed(sub)
    views_ref, views_sub = _nmi_views(ref), _nmi_views(sub)
    same_state = (
        failed_ref == failed_sub
        and _violations(ref) == _violations(sub)
        and _observed(ref) == _observed(sub)
    )
    if same_state and views_ref == views_sub:
        return None
    details = _view_details(ref, sub)
    if failed_ref != failed_sub:
        details.append(
            f"{sub.variant} fails {_names(failed_sub)}; {ref.variant} fails {_names(failed_ref)}"
        )
    first = next(iter(sub.violations or ref.violations), None)
    if first is not None and not same_state:
        details.append(first.line())
    if any(case.faults for case in (*ref.cases, *sub.cases)):
        kind = FAULT
    elif any(_hypothetical(case.result) for case in (*ref.cases, *sub.cases)):
        kind = HYPOTHETICAL
    elif same_state and all(v[-1] for v in views_ref + views_sub):
        kind = TRANSIENT
    else:
        kind = BEHAVIOUR
    return Difference(ref.name, ref.title, kind, failed_ref, failed_sub, tuple(details))


def _hypothetical(result: RunResult) -> bool:
    """A configuration Xen never had (more than one reserved GDT page)."""
    machine = result.machine
    return machine is not None and machine.config.reserved_pages != 1


def _view_details(ref: ScenarioOutcome, sub: ScenarioOutcome) -> list[str]:
    """`an NMI after the default lgdt or after the CR3 switch sees C[2] in base, R[2] in
    patched; both pass I4`: one line per pair of differing views."""
    from reviewbot_gdt_sim.invariants import POINT_NAMES

    subject_views = {(i, s, p): (f, ok) for i, s, p, f, ok in _nmi_views(sub)}
    points: dict[tuple[tuple[str, ...], tuple[str, ...], bool], list[str]] = {}
    for index, step, point, frames, passes in _nmi_views(ref):
        other = subject_views.get((index, step, point))
        if other is None or other[0] == frames:
            continue
        key = (frames, other[0], passes and other[1])
        name = POINT_NAMES.get(point, point)
        if name not in points.setdefault(key, []):
            points[key].append(name)
    return [
        f"an NMI {' or '.join(names)} sees {' or '.join(mine)} in {ref.variant}, "
        f"{' or '.join(theirs)} in {sub.variant}; "
        + ("both pass I4" if passing else "not both pass I4")
        for (mine, theirs, passing), names in points.items()
    ]


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "nothing"
