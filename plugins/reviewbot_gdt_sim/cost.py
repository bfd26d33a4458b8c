"""The cost model (gdt-model §6): cycles per counted operation, and what they can explain.

Every latency is a parameter with the source it comes from (§6.2); the only hard data are
the operation counts the machine takes from the code. `explain` weighs the modelled saving
of a workload against a measured wall-time change and prints §6.3's plausibility bound
instead of trying to reproduce the measured 14 % (§9).

The assumed values are chosen so that one switch into a PV vCPU saves 12-16 cycles in
PATCHED over BASE: `virt_to_mfn` (12) + `mkl1e` (4) on every such switch, less one extra
`per_cpu` read (4) when a default `lgdt` is also needed. That is inside §6.1's "about 5-20
cycles" (19 instructions and 3 loads fewer on the slot-update path).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reviewbot_gdt_sim.ops import COSTED

USER = "set by the user"
LFENCE_CYCLES = 9.3
ISPV_CYCLES = 1.0
LFENCE_SOURCE = (
    "LFENCE about 9.3 cycles fixed overhead plus front-end stall, one Intel measurement "
    "(Stack Overflow answer mirrored at https://code.i-harness.com/en/q/3193e7e; order of "
    "magnitude only, gdt-model §6.2)"
)
K8_GUIDE = (
    "AMD Software Optimization Guide for AMD64 Processors #25112 rev 3.06 (Sept 2005), "
    "App. C Table 13 (gdt-model §6.2)"
)


@dataclass(frozen=True)
class Latency:
    """Cycles one operation costs, and where the figure comes from."""

    op: str
    cycles: float
    source: str
    assumed: bool


DEFAULT_LATENCIES: tuple[Latency, ...] = (
    Latency(
        "ispv",
        ISPV_CYCLES,
        "is_pv_domain(): a load of d->guest_type and a test; evaluate_nospec() adds no LFENCE "
        "on CPUs without X86_FEATURE_SC_L1TF_VULN (gdt-model §6.1)",
        True,
    ),
    Latency("is_32bit_loads", 1.0, "one L1-hit load of d->arch.is_32bit_pv", True),
    Latency(
        "percpu_reads",
        4.0,
        "per_cpu(): a load of __per_cpu_offset[c], then a dependent load of the variable, "
        "both L1 hits (gdt-model §6.1)",
        True,
    ),
    Latency("percpu_writes", 1.0, "one store (FOLLOW-UP-1's full_gdt_loaded flag)", True),
    Latency(
        "virt_to_mfn",
        12.0,
        "a compare and branch on DIRECTMAP_VIRT_START, 3 global loads (ma_va_bottom_mask, "
        "pfn_pdx_hole_shift, ma_top_mask), AND, SHL by CL, AND, OR, >>12 (gdt-model §6.1)",
        True,
    ),
    Latency(
        "mkl1e",
        4.0,
        "l1e_from_pfn(): shift, OR 0x63, and the cpu_has_nx test (load a feature word, test, "
        "branch, BTS bit 63) (gdt-model §6.1)",
        True,
    ),
    Latency(
        "pvgp",
        4.0,
        "pv_gdt_ptes(): loads of n->domain, gdt_ldt_l1tab and l1tab[id>>4] plus ALU "
        "(gdt-model §6.1)",
        True,
    ),
    Latency("pte_writes", 1.0, "a single 8-byte store (l1e_write, write_atomic)", True),
    Latency(
        "lgdt",
        37.0,
        "LGDT m16:32 on AMD K8: 37 cycles (VectorPath), " + K8_GUIDE + "; serializing (Intel "
        "SDM Vol. 3A §8.3); no modern-core figure published",
        False,
    ),
    Latency(
        "cr3_writes",
        200.0,
        "no published per-instruction figure (gdt-model §6.2); qualitative only: Linus "
        "Torvalds, KPTI thread, Nov 2017: '99%+ of the cost is going to be that cr3 write'; "
        "indirect: FreeBSD PTI on Haswell with PCID, ~140 ns per syscall for the extra CR3 pair "
        "and trampoline (https://reviews.freebsd.org/D13985)",
        True,
    ),
    Latency("lldt", 34.0, "LLDT reg on AMD K8: 34 cycles (35 from memory), " + K8_GUIDE, False),
)


def latencies(
    overrides: Mapping[str, float] | None = None, l1tf_vulnerable: bool = False
) -> tuple[Latency, ...]:
    """The default latencies, with an LFENCE per `ispv` on an L1TF-vulnerable CPU and the
    user's overrides (source "set by the user") on top."""
    given = dict(overrides or {})
    unknown = sorted(set(given) - set(COSTED))
    if unknown:
        raise ValueError(f"unknown operation {', '.join(unknown)} (known: {', '.join(COSTED)})")
    table: list[Latency] = []
    for latency in DEFAULT_LATENCIES:
        if latency.op in given:
            value = float(given[latency.op])
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{latency.op}: cycles must be a number of 0 or more, not {value}")
            latency = Latency(latency.op, value, USER, False)
        elif latency.op == "ispv" and l1tf_vulnerable:
            latency = Latency(
                "ispv",
                ISPV_CYCLES + LFENCE_CYCLES,
                "a load and a test (1 cycle, assumed) plus the LFENCE evaluate_nospec() adds on "
                "L1TF-vulnerable CPUs: " + LFENCE_SOURCE,
                True,
            )
        table.append(latency)
    return tuple(table)


LatencyTable = Mapping[str, Latency] | Iterable[Latency]


def by_op(table: LatencyTable) -> dict[str, Latency]:
    """The latencies by operation name (a mapping is taken as it is)."""
    if isinstance(table, Mapping):
        return dict(table)
    return {latency.op: latency for latency in table}


def cycles(counts: Mapping[str, int], table: LatencyTable) -> float:
    """Σ count × cycles over the costed operations (a missing count is 0; switch counts and
    other names are not costed)."""
    return sum(counts.get(op, 0) * latency.cycles for op, latency in by_op(table).items())


@dataclass(frozen=True)
class Measured:
    """A measured wall-time change: delta (negative: the patch is faster) and the reference
    run's elapsed time, on a host with `pcpus` pCPUs."""

    delta_wall_s: float
    elapsed_s: float
    pcpus: int
    source: str
    by: str = ""  # who measured it, when known


#: gdt-model §6.3: elapsed 66.51 s → 57.00 s on an 8-CPU host.
SEED_MEASUREMENT = Measured(
    delta_wall_s=-9.51,
    elapsed_s=66.51,
    pcpus=8,
    source="Juergen Gross's table in the seed thread",
    by="Juergen Gross",
)


@dataclass(frozen=True)
class Explanation:
    """How much of a measured change the modelled cycles can account for (gdt-model §6.3).

    `saving_cycles` is BASE's cycles less PATCHED's over the whole workload;
    `saving_cycles_per_pv_switch` divides it by the switches into a PV vCPU (all of the
    saving is charged to them, which can only overstate the bound), None without any.
    `explained_fraction` and `bound_fraction` are None when the measurement shows no saving
    to explain (the patch measured no faster: `measured_delta_cpu_s` is then the size of the
    slowdown, or 0). `bound_cpu_s` is None without switches into PV.
    """

    saving_cycles: float
    saving_cycles_per_pv_switch: float | None
    modelled_saving_cpu_s: float
    measured_delta_cpu_s: float
    measured_faster: bool
    explained_fraction: float | None
    bound_rate: float
    bound_cpu_s: float | None
    bound_fraction: float | None
    ghz: float


def explain(
    base_counts: Mapping[str, int],
    patched_counts: Mapping[str, int],
    *,
    pv_switches: int,
    simulated_seconds: float,
    measured: Measured,
    latencies: LatencyTable,
    ghz: float = 3.0,
    bound_rate: float = 1e6,
) -> Explanation:
    """The modelled saving of a workload against a measured change, and §6.3's bound.

    modelled = Δcycles / (ghz·1e9) × elapsed / simulated_seconds (the workload scaled to the
    measured run's length); measured = pcpus × |Δwall| (host capacity, §6.3); bound = pcpus
    × elapsed × bound_rate × (saving per PV switch / ghz) ns.
    """
    if not simulated_seconds > 0:
        raise ValueError(f"simulated_seconds must be above 0, not {simulated_seconds}")
    if not ghz > 0:
        raise ValueError(f"ghz must be above 0, not {ghz}")
    if pv_switches < 0:
        raise ValueError(f"pv_switches must be 0 or more, not {pv_switches}")
    saving = cycles(base_counts, latencies) - cycles(patched_counts, latencies)
    per_switch = saving / pv_switches if pv_switches else None
    modelled = saving / (ghz * 1e9) * measured.elapsed_s / simulated_seconds
    measured_cpu_s = measured.pcpus * abs(measured.delta_wall_s)
    faster = measured.delta_wall_s < 0
    bound = (
        measured.pcpus * measured.elapsed_s * bound_rate * (per_switch / ghz) / 1e9
        if per_switch is not None
        else None
    )
    return Explanation(
        saving_cycles=saving,
        saving_cycles_per_pv_switch=per_switch,
        modelled_saving_cpu_s=modelled,
        measured_delta_cpu_s=measured_cpu_s,
        measured_faster=faster,
        explained_fraction=modelled / measured_cpu_s if faster else None,
        bound_rate=bound_rate,
        bound_cpu_s=bound,
        bound_fraction=bound / measured_cpu_s if faster and bound is not None else None,
        ghz=ghz,
    )


def comparison_rows(
    base_counts: Mapping[str, int],
    patched_counts: Mapping[str, int],
    table: LatencyTable,
) -> list[tuple[str, int | float, int | float, int | float]]:
    """(op, base, patched, patched − base) per costed operation, then the modelled cycles."""
    rows: list[tuple[str, int | float, int | float, int | float]] = []
    for op in by_op(table):
        base, patched = base_counts.get(op, 0), patched_counts.get(op, 0)
        rows.append((op, base, patched, patched - base))
    base_cycles, patched_cycles = cycles(base_counts, table), cycles(patched_counts, table)
    rows.append(("cycles", base_cycles, patched_cycles, patched_cycles - base_cycles))
    return rows
