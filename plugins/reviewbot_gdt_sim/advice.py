"""The plugin's findings about a series that touches the GDT or context-switch code.

Codes (severities are fixed):

- `gdt-sim/variant` (info): which `__context_switch` variant the series leads to, and why;
- `gdt-sim/l1e-not-cached` (warning): a patched-shaped domain.c reads a cached l1e that
  nothing caches (secondary CPUs or the BSP would write an empty PTE);
- `gdt-sim/behaviour` (info when behaviour-preserving, else warning): the scenarios T1-T23
  on base and on the series' variant;
- `gdt-sim/invariant-failed` (warning): an invariant fails on Juergen's workload;
- `gdt-sim/latent-bug-unreachable` (info): the commit message's "mfn + i" claim, weighed;
- `gdt-sim/speedup-unexplained` (warning): the modelled saving explains under 5% of the
  measured delta the thread reports;
- `gdt-sim/stray-selector` (info): the idle/HVM GDTR still exposes memory as slots 0-13 (I15).
"""

from __future__ import annotations

from collections.abc import Iterator

from reviewbot.findings import Finding, Severity
from reviewbot_gdt_sim.analysis import FAULT, HYPOTHETICAL, TRANSIENT, Comparison, Difference
from reviewbot_gdt_sim.invariants import failed_invariants
from reviewbot_gdt_sim.result import GdtResult

#: A modelled saving below this share of the measured delta is reported.
UNEXPLAINED_BELOW = 0.05
#: Violations and hazards listed in a finding's details.
SHOWN = 20
#: What each variant of gdt-model §0 is, for messages.
VARIANT_LABELS = {
    "base": "base (12dce7ea5a: write_full_gdt_ptes() calls virt_to_mfn() on every switch)",
    "patched": "patched (564d261687: the Xen slot is written from a cached per-CPU l1e)",
    "followup1": "followup1 (1464c4cdd7: a per-CPU full_gdt_loaded flag on the switch path)",
    "pre-base": "pre-base (the GDT work inline in __context_switch())",
    "unknown": "no variant the simulator knows",
}


def findings(result: GdtResult) -> Iterator[Finding]:
    """Every finding, series-wide except the commit-message claim (on its patch)."""
    if not result.relevant or result.guess is None:
        return
    guess = result.guess
    where = "the applied tree" if guess.source == "tree" else "the series' diffs"
    yield Finding(
        Severity.INFO,
        f"{where} implement{'s' if guess.source == 'tree' else ''} "
        f"{VARIANT_LABELS.get(guess.variant, guess.variant)}",
        details="\n".join(guess.evidence) or None,
        code="gdt-sim/variant",
    )
    for warning in guess.warnings:
        yield Finding(Severity.WARNING, warning, code="gdt-sim/l1e-not-cached")
    if result.behaviour is not None:
        yield _behaviour(result)
    comparison = result.comparison
    if comparison is not None:
        yield from _invariants(comparison)
        if result.measured_in_thread and comparison.variant != "base":
            yield from _speedup(comparison)
    bug = result.latent_bug
    if bug is not None:
        for patch in bug.patches:
            yield Finding(
                Severity.INFO,
                latent_bug_text(bug.shown, bug.true_frames, bug.realistic_equal),
                patch=patch,
                code="gdt-sim/latent-bug-unreachable",
            )
    if result.stray:
        yield _stray(result)


def _stray(result: GdtResult) -> Finding:
    outcomes = list(dict.fromkeys(h.outcome for h in result.stray if h.outcome))
    exposed = sorted({h.cpu for h in result.stray if not h.outcome})
    text = (
        "the stray-selector hazard I15 is still open: with an idle or HVM owner the GDTR base "
        "is the CPU's regular GDT - 0xE000, so selectors below 0xE000 (slots 0-13) read "
        "whatever memory precedes it"
    )
    if outcomes:
        text += f" (T20: a stray selector 0x10 {_either(outcomes)}, depending on that memory)"
    if exposed:
        text += f"; the workload left CPU{', CPU'.join(map(str, exposed))} exposed"
    return Finding(
        Severity.INFO,
        text,
        details="\n".join(h.line() for h in result.stray[:SHOWN]),
        code="gdt-sim/stray-selector",
    )


def _either(outcomes: list[str]) -> str:
    """`loads, raises #GP or raises #NP`."""
    said = [
        f"raises {o}" if o.startswith("#") else "loads silently" if o == "loads" else o
        for o in outcomes
    ]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]


def _behaviour(result: GdtResult) -> Finding:
    summary = result.behaviour
    assert summary is not None
    first, last = summary.scenarios[0], summary.scenarios[-1]
    details = "\n".join(difference_line(d) for d in summary.differences) or None
    if summary.preserving:
        transient = summary.of_kind(TRANSIENT)
        text = (
            f"{summary.subject} is behaviour-preserving against {summary.reference} in every "
            f"modelled scenario ({first}-{last})"
        )
        if transient:
            text += " except " + "; ".join(
                f"{d.scenario} ({d.title}), where only a transient state differs"
                + (f": {d.details[0]}" if d.details else "")
                for d in transient
            )
        others = [d.scenario for d in summary.of_kind(HYPOTHETICAL)]
        faulted = [d.scenario for d in summary.of_kind(FAULT)]
        if others or faulted:
            parts = []
            if others:
                parts.append(f"in a hypothetical configuration ({', '.join(others)})")
            if faulted:
                parts.append(f"under fault injection ({', '.join(faulted)})")
            text += "; they differ otherwise only " + " and ".join(parts)
        return Finding(Severity.INFO, text, details=details, code="gdt-sim/behaviour")
    changed = [d for d in summary.differences if d.kind not in (TRANSIENT, HYPOTHETICAL, FAULT)]
    return Finding(
        Severity.WARNING,
        f"{summary.subject} behaves differently from {summary.reference} in "
        f"{', '.join(d.scenario for d in changed)}: {difference_line(changed[0])}; check that "
        "the change is intended",
        details=details,
        code="gdt-sim/behaviour",
    )


def difference_line(difference: Difference) -> str:
    """`T5 (transient) A.v1 -> B.v0 on CPU2: an NMI … `."""
    said = "; ".join(difference.details) or "different outcomes"
    return f"{difference.scenario} ({difference.kind}) {difference.title}: {said}"


def _invariants(comparison: Comparison) -> Iterator[Finding]:
    run = comparison.run
    failed = failed_invariants(run.invariants)
    if not failed:
        return
    first = run.violations[0].line() if run.violations else "no violation kept"
    yield Finding(
        Severity.WARNING,
        f"{', '.join(failed)} fail{'s' if len(failed) == 1 else ''} when "
        f"{comparison.workload.name}'s workload ({run.events} events) is replayed on the "
        f"{comparison.variant} variant ({run.violation_count} violations): {first}",
        details="\n".join(v.line() for v in run.violations[:SHOWN]),
        code="gdt-sim/invariant-failed",
    )


def _speedup(comparison: Comparison) -> Iterator[Finding]:
    if not unexplained(comparison):
        return
    yield Finding(
        Severity.WARNING,
        speedup_text(comparison) + ": ask what else differs between the builds (code layout, "
        "alignment, caches) and for the run-to-run spread",
        details=f"measured: {comparison.measured.source}",
        code="gdt-sim/speedup-unexplained",
    )


def unexplained(comparison: Comparison) -> bool:
    """The measurement shows a speed-up and the model explains under 5% of it, even at the
    bound's rate."""
    e = comparison.explanation
    fractions = [f for f in (e.explained_fraction, e.bound_fraction) if f is not None]
    return e.measured_faster and bool(fractions) and max(fractions) < UNEXPLAINED_BELOW


def speedup_text(comparison: Comparison) -> str:
    """How much of the measured delta the modelled saving explains, with the numbers."""
    e = comparison.explanation
    measured = comparison.measured
    return (
        f"the modelled saving of {e.saving_cycles_per_pv_switch or 0.0:.1f} cycles per switch "
        f"into a PV vCPU explains {percent(e.explained_fraction or 0.0)} of the measured "
        f"{abs(e.measured_delta_cpu_s):.1f} CPU·s ({abs(measured.delta_wall_s):.2f} s on "
        f"{measured.pcpus} pCPUs) at the workload's rate, and at most "
        f"{percent(e.bound_fraction or 0.0)} even at {rate(e.bound_rate)} switches/s on every pCPU"
    )


def latent_bug_text(shown: str, true_frames: str, realistic_equal: bool) -> str:
    """The finding on the commit message's claim."""
    text = (
        "the commit message's \"mfn + i\" bug cannot occur with Xen's allocator: a CPU's GDT "
        "pages are one naturally aligned allocation that PDX compression never splits (its hole "
        "starts above MAX_ORDER); the model maps wrong frames only with fault injection (T18, "
        f"pdx-no-guard: base maps frames {shown} of the true {true_frames})"
    )
    if realistic_equal:
        text += ", and with a realistic PDX layout (T19) base and patched write the same PTE"
    return text


def percent(fraction: float) -> str:
    """A fraction as a percentage with two significant figures (`0.0025%`, `3.0%`, `12%`)."""
    value = fraction * 100
    if value == 0:
        return "0%"
    if abs(value) >= 10:
        return f"{value:.0f}%"
    return f"{value:#.2g}%"


def rate(value: float) -> str:
    """`10^6` for powers of ten, else the number."""
    exponent = len(str(int(value))) - 1 if value >= 1 else 0
    if value >= 10 and value == 10**exponent:
        return f"10^{exponent}"
    return f"{value:g}"
