"""The operations the model counts, by index into a flat list (cheap to bump per switch).

The costed ones are the source-level operations of gdt-model §6.1; the others are switch
counts. The names are the keys of `counts` in `--json` and of the cost model's latencies.
"""

from __future__ import annotations

from collections.abc import Sequence

ISPV = 0  # is_pv_domain() (evaluate_nospec: an LFENCE on L1TF-vulnerable CPUs)
IS_32BIT_LOADS = 1  # loads of d->arch.is_32bit_pv
PERCPU_READS = 2  # per_cpu() reads
PERCPU_WRITES = 3  # per_cpu() stores (FOLLOW-UP-1's flag)
VIRT_TO_MFN = 4
MKL1E = 5  # l1e_from_pfn(), with its cpu_has_nx test
PVGP = 6  # pv_gdt_ptes()
PTE_WRITES = 7
LGDT = 8
CR3_WRITES = 9  # write_ptbase()
LLDT = 10
SWITCHES = 11  # context_switch() calls
FULL_SWITCHES = 12  # __context_switch() calls
LAZY_SWITCHES = 13  # context_switch() that skipped __context_switch()
FLUSH_IPIS = 14  # FLUSH_VCPU_STATE hand-offs
LGDT_DEFAULT = 15
LGDT_FULL = 16

NAMES: tuple[str, ...] = (
    "ispv",
    "is_32bit_loads",
    "percpu_reads",
    "percpu_writes",
    "virt_to_mfn",
    "mkl1e",
    "pvgp",
    "pte_writes",
    "lgdt",
    "cr3_writes",
    "lldt",
    "switches",
    "full_switches",
    "lazy_switches",
    "flush_ipis",
    "lgdt_default",
    "lgdt_full",
)
#: The operations that cost cycles (the rest are counts of switches).
COSTED: tuple[str, ...] = NAMES[: LLDT + 1]


def zero() -> list[int]:
    """A fresh counter list."""
    return [0] * len(NAMES)


def as_dict(counts: Sequence[int]) -> dict[str, int]:
    """The counters by name."""
    return dict(zip(NAMES, counts, strict=True))
