"""The faults `--inject` can put into the model, each a deliberate departure from Xen.

A fault applies to every variant alike, so that base and patched stay comparable.
"""

from __future__ import annotations

#: name -> what it breaks, and the scenario that shows it.
FAULTS: dict[str, str] = {
    "no-flush-handshake": "skip the synchronous FLUSH_VCPU_STATE before switching in a vCPU "
    "whose state another CPU still holds (T12)",
    "no-default-lgdt": "never load the default GDT before the CR3 switch: the 2005 NMI race (T13)",
    "stale-l1e-cache": "compute the cached slot-14 l1e only at a CPU's first boot, not when it "
    "comes back online (T15)",
    "early-bsp-l1e": "cache the BSP's l1e before Xen relocates itself (T16)",
    "zero-bsp-l1e": "never cache the BSP's l1e, leaving it 0 (T16's variant)",
    "pdx-no-guard": "let the PDX hole start below MAX_ORDER (bottom_shift 1, hole_shift 1) with "
    "a 4-page GDT: scenario T18 only",
    "flavour-mismatch": "map the regular GDT frame into slot 14 of 32-bit PV vCPUs (T21, T22)",
    "no-tlb-flush": "keep non-global TLB entries across write_ptbase (breaks I13)",
    "no-xpti-copy": "do not copy the per-domain L4 slot into the XPTI root page table (breaks I14)",
}


def check_faults(names: frozenset[str]) -> None:
    """Refuse an unknown fault name with the list of known ones."""
    unknown = sorted(names - FAULTS.keys())
    if unknown:
        raise ValueError(
            f"unknown fault {', '.join(unknown)}; known faults: {', '.join(sorted(FAULTS))}"
        )
