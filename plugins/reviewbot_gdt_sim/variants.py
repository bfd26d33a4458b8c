"""The three `__context_switch()` bodies: base (12dce7ea5a), patched (564d261687), followup1.

Each is a line-by-line model of the GDT part of the C function (gdt-model §3.2-§3.4), with
every source-level operation of §6.1 counted, and the injection points of I8 offered to
`machine.probe` (after the PTE write, the default `lgdt`, the CR3 write, the full `lgdt`).
The prologue and epilogue are shared. `p` is the state owner (`curr_vcpu`), `n` is `current`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reviewbot_gdt_sim import ops
from reviewbot_gdt_sim.layout import FIRST_RESERVED_GDT_BYTE, FIRST_RESERVED_GDT_PAGE

if TYPE_CHECKING:
    from reviewbot_gdt_sim.machine import Cpu, Machine, VCpu

CLEAN = -1
_SLOT = FIRST_RESERVED_GDT_PAGE
_DEFAULT_OFFSET = FIRST_RESERVED_GDT_BYTE
ISPV, IS32, PCPU, PCPU_W = ops.ISPV, ops.IS_32BIT_LOADS, ops.PERCPU_READS, ops.PERCPU_WRITES
V2M, MKL1E, PVGP, PTE = ops.VIRT_TO_MFN, ops.MKL1E, ops.PVGP, ops.PTE_WRITES
LGDT, LGDT_DEFAULT, LGDT_FULL = ops.LGDT, ops.LGDT_DEFAULT, ops.LGDT_FULL


def _prologue(m: Machine, cpu: Cpu, n: VCpu) -> None:
    """Mark n dirty here and run `nd->arch.ctxt_switch->to(n)` (XPTI slot, VMCS host GDTR)."""
    n.dirty_cpu = cpu.id
    if not n.domain.is_idle:
        m.ctxt_switch_to(cpu, n)


def _epilogue(cpu: Cpu, p: VCpu, n: VCpu) -> None:
    """p's state is no longer loaded anywhere; n owns the CPU's state."""
    p.dirty_cpu = CLEAN
    cpu.owner = n


def switch_base(m: Machine, cpu: Cpu) -> None:
    """BASE: the frame is chosen by nd's flavour on every switch, `virt_to_mfn` each time."""
    p, n = cpu.owner, cpu.current
    pd, nd = p.domain, n.domain
    counts, probe = m.counts, m.probe
    _prologue(m, cpu, n)
    # G := is_pv_32bit_domain(nd) ? compat : regular, evaluated unconditionally (1721-1722).
    counts[ISPV] += 1
    if nd.is_pv:
        counts[IS32] += 1
    counts[PCPU] += 1
    table = cpu.compat_va if nd.pv32 and "flavour-mismatch" not in m.faults else cpu.regular_va
    counts[ISPV] += 1
    full_next = nd.need_full
    if full_next:  # write_full_gdt_ptes(G, n)
        counts[PVGP] += 1
        counts[V2M] += 1
        mfn = m.virt_to_mfn(table)
        l1, entry, flags = n.l1, n.pte0 + _SLOT, m.pte_flags
        for i in range(m.reserved_pages):
            counts[MKL1E] += 1
            counts[PTE] += 1
            l1[entry + i] = (mfn + i) << 12 | flags
        if probe is not None:
            probe(cpu, "pte")
    full_prev = pd.need_full
    if _needs_default(m, p, n, full_prev, full_next):
        counts[LGDT] += 1
        counts[LGDT_DEFAULT] += 1
        m.lgdt(cpu, table - _DEFAULT_OFFSET)  # load_default_gdt(G, cpu)
        if probe is not None:
            probe(cpu, "default")
    _switch_cr3_then_full(m, cpu, p, n, full_prev, full_next)


def _needs_default(m: Machine, p: VCpu, n: VCpu, full_prev: bool, full_next: bool) -> bool:
    """`need_full_gdt(pd) && (p->vcpu_id != n->vcpu_id || !need_full_gdt(nd))`, counted.

    The same condition in base and patched; the `no-default-lgdt` fault makes it false.
    """
    counts = m.counts
    counts[ISPV] += 1
    if not full_prev:
        return False
    same_id = p.vcpu_id == n.vcpu_id
    if same_id:
        counts[ISPV] += 1
    return (not same_id or not full_next) and "no-default-lgdt" not in m.faults


def _switch_cr3_then_full(
    m: Machine, cpu: Cpu, p: VCpu, n: VCpu, full_prev: bool, full_next: bool
) -> None:
    """`write_ptbase(n)`, then `load_full_gdt(n)` when needed (the same in base and patched)."""
    counts, probe = m.counts, m.probe
    m.write_ptbase(cpu, n)
    if probe is not None:
        probe(cpu, "cr3")
    counts[ISPV] += 1
    if full_next:
        same_id = p.vcpu_id == n.vcpu_id
        if same_id:
            counts[ISPV] += 1
        if not same_id or not full_prev:
            counts[LGDT] += 1
            counts[LGDT_FULL] += 1
            m.lgdt(cpu, n.gdt_va)
            if probe is not None:
                probe(cpu, "full")
    _epilogue(cpu, p, n)


def _update_xen_slot(m: Machine, cpu: Cpu, n: VCpu) -> None:
    """`update_xen_slot_in_full_gdt(n, cpu)`: one store of the cached l1e."""
    counts = m.counts
    counts[ISPV] += 1  # is_pv_32bit_vcpu(n)
    counts[IS32] += 1
    counts[PCPU] += 1
    counts[PVGP] += 1
    counts[PTE] += 1
    compat = n.domain.pv32 and "flavour-mismatch" not in m.faults
    n.l1[n.pte0 + _SLOT] = cpu.compat_l1e if compat else cpu.gdt_l1e


def switch_patched(m: Machine, cpu: Cpu) -> None:
    """PATCHED: the cached l1e for slot 14; the default GDT is always the regular frame."""
    p, n = cpu.owner, cpu.current
    pd, nd = p.domain, n.domain
    counts, probe = m.counts, m.probe
    _prologue(m, cpu, n)
    counts[ISPV] += 1
    full_next = nd.need_full
    if full_next:
        _update_xen_slot(m, cpu, n)
        if probe is not None:
            probe(cpu, "pte")
    full_prev = pd.need_full
    if _needs_default(m, p, n, full_prev, full_next):
        counts[PCPU] += 1
        counts[LGDT] += 1
        counts[LGDT_DEFAULT] += 1
        m.lgdt(cpu, cpu.regular_va - _DEFAULT_OFFSET)  # load_default_gdt(cpu)
        if probe is not None:
            probe(cpu, "default")
    _switch_cr3_then_full(m, cpu, p, n, full_prev, full_next)


def switch_followup1(m: Machine, cpu: Cpu) -> None:
    """FOLLOW-UP-1: a per-CPU `full_gdt_loaded` flag replaces the two condition pairs."""
    p, n = cpu.owner, cpu.current
    nd = n.domain
    counts, probe = m.counts, m.probe
    _prologue(m, cpu, n)
    counts[ISPV] += 1
    full_next = nd.need_full
    if full_next:
        _update_xen_slot(m, cpu, n)
        if probe is not None:
            probe(cpu, "pte")
    counts[PCPU] += 1
    if cpu.full_gdt_loaded:
        same_id = p.vcpu_id == n.vcpu_id
        if same_id:
            counts[ISPV] += 1
        if (not same_id or not full_next) and "no-default-lgdt" not in m.faults:
            counts[PCPU] += 1
            counts[LGDT] += 1
            counts[LGDT_DEFAULT] += 1
            m.lgdt(cpu, cpu.regular_va - _DEFAULT_OFFSET)
            counts[PCPU_W] += 1
            cpu.full_gdt_loaded = False
            if probe is not None:
                probe(cpu, "default")
    m.write_ptbase(cpu, n)
    if probe is not None:
        probe(cpu, "cr3")
    counts[ISPV] += 1
    if full_next:
        counts[PCPU] += 1
        if not cpu.full_gdt_loaded:
            counts[LGDT] += 1
            counts[LGDT_FULL] += 1
            m.lgdt(cpu, n.gdt_va)
            counts[PCPU_W] += 1
            cpu.full_gdt_loaded = True
            if probe is not None:
                probe(cpu, "full")
    _epilogue(cpu, p, n)


SWITCHES: dict[str, Callable[[Machine, Cpu], None]] = {
    "base": switch_base,
    "patched": switch_patched,
    "followup1": switch_followup1,
}
