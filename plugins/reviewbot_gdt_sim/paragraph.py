"""The paragraphs a review reply can use: behaviour, the "mfn + i" claim, the speed-up."""

from __future__ import annotations

from collections.abc import Iterator

from reviewbot_gdt_sim.advice import UNEXPLAINED_BELOW, percent, rate, unexplained
from reviewbot_gdt_sim.analysis import FAULT, HYPOTHETICAL, TRANSIENT, BehaviourSummary
from reviewbot_gdt_sim.result import GdtResult


def reply_paragraphs(result: GdtResult) -> Iterator[str]:
    """Up to three paragraphs; none when the series does not touch the modelled code."""
    if not result.relevant or result.comparison is None:
        return
    if result.behaviour is not None:
        yield _behaviour(result.behaviour)
    bug = result.latent_bug
    if bug is not None and bug.needs_fault:
        yield (
            'The "mfn + i" bug the commit message describes cannot occur with Xen\'s allocator: '
            "a CPU's GDT pages come from one naturally aligned allocation, which PDX compression "
            "never splits because its hole starts above MAX_ORDER. The model shows it only with "
            f"fault injection (T18: the PDX guard off, base maps frames {bug.shown} where the GDT "
            f"really is at {bug.true_frames})"
            + (
                ", and with a realistic PDX layout (T19) base and patched write the same PTE."
                if bug.realistic_equal
                else "."
            )
        )
    if result.measured_in_thread and result.comparison.variant != "base":
        text = _speedup(result)
        if text:
            yield text


def _behaviour(summary: BehaviourSummary) -> str:
    first, last = summary.scenarios[0], summary.scenarios[-1]
    if not summary.preserving:
        kinds = (TRANSIENT, HYPOTHETICAL, FAULT)
        changed = [d.scenario for d in summary.differences if d.kind not in kinds]
        return (
            f"I ran the change through a model of Xen's GDT handling across context switches "
            f"(scenarios {first}-{last} of base and {summary.subject}): it behaves differently "
            f"in {', '.join(changed)}. Is that intended?"
        )
    text = (
        "I ran the change through a model of Xen's GDT handling across context switches "
        f"(scenarios {first}-{last}, {summary.reference} against {summary.subject}, every "
        "invariant checked after each switch and at each NMI injection point). It is "
        "behaviour-preserving in every modelled scenario"
    )
    transient = summary.of_kind(TRANSIENT)
    if transient:
        text += " except " + " and ".join(
            f"the transient default GDT of {d.scenario}" for d in transient
        )
        text += _t5_sentence(summary)
    else:
        text += "."
    hypothetical = summary.of_kind(HYPOTHETICAL)
    if hypothetical:
        names = ", ".join(d.scenario for d in hypothetical)
        text += (
            f" Only in a configuration Xen does not have ({names}: NR_RESERVED_GDT_PAGES = 2) "
            f"does {summary.subject} differ, mapping just the first reserved page; with one "
            "reserved page that cannot matter."
        )
    return text


def _t5_sentence(summary: BehaviourSummary) -> str:
    """`: switching … base loaded the compat frame …; both pass I4.`."""
    for difference in summary.of_kind(TRANSIENT):
        if difference.scenario == "T5":
            return (
                f": switching from a 64-bit to a 32-bit PV vCPU, {summary.reference} loaded the "
                f"compat GDT frame as the default GDT and {summary.subject} loads the regular "
                "one; an NMI taken before the full GDT is loaded passes I4 either way, and the "
                "end states are identical."
            )
    return "; every invariant holds either way."


def _speedup(result: GdtResult) -> str:
    comparison = result.comparison
    assert comparison is not None
    e = comparison.explanation
    measured = comparison.measured
    per_switch = e.saving_cycles_per_pv_switch or 0.0
    if not e.measured_faster:
        return ""
    if not unexplained(comparison):
        return (
            f"The modelled saving ({per_switch:.1f} cycles per switch into a PV vCPU) explains "
            f"{percent(e.explained_fraction or 0.0)} of the measured change at the workload's "
            "rate."
        )
    reported = abs(measured.delta_wall_s) / measured.elapsed_s if measured.elapsed_s else 0.0
    nanoseconds = per_switch / e.ghz
    explained = percent(e.explained_fraction or 0.0)
    bound = percent(e.bound_fraction or 0.0)
    host = f"{abs(measured.delta_wall_s):.2f} s on {measured.pcpus} pCPUs"
    return (
        f"The modelled saving explains under {UNEXPLAINED_BELOW * 100:g}% of the reported "
        f"{percent(reported)}. The patch saves {per_switch:.1f} cycles ({nanoseconds:.1f} ns at "
        f"{e.ghz:g} GHz) per switch into a PV vCPU. Against the "
        f"{abs(e.measured_delta_cpu_s):.1f} CPU·s the host saved ({host}), that is "
        f"{abs(e.modelled_saving_cpu_s):.2g} CPU·s ({explained}) at the rate of the modelled "
        f"workload, and even at {rate(e.bound_rate)} switches/s on every pCPU only "
        f"{abs(e.bound_cpu_s or 0.0):.1f} CPU·s ({bound}). The speed-up must come from "
        "elsewhere (code layout, alignment, caches) or from run-to-run noise. "
        f"{_asking(measured.by)} say what else differed between the two builds?"
    )


def _asking(measurer: str) -> str:
    """`Juergen, could you` when the figures' author is known, else `Could you`."""
    return f"{measurer.split()[0]}, could you" if measurer.strip() else "Could you"
