"""I15, the stray-selector hazard: what a selector below 0xE000 reads when no guest GDT is live.

For an idle or HVM owner the GDTR base is `VA(R[c]) - 0xE000`, so slots 0-13 are whatever
memory precedes the CPU's regular frame: directmap pages for APs, Xen `.data` for the BSP,
and with the VMX limit of 0xFFFF the page after it too. Reported, never pass/fail.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewbot_gdt_sim.descriptors import describe, segment_load
from reviewbot_gdt_sim.layout import (
    DIRECTMAP_VIRT_START,
    FIRST_RESERVED_GDT_BYTE,
    FIRST_RESERVED_GDT_PAGE,
    PAGE_SHIFT,
)
from reviewbot_gdt_sim.machine import Cpu, Machine


@dataclass(frozen=True)
class Hazard:
    """A CPU exposing non-GDT memory as descriptors, or one stray load classified."""

    cpu: int
    owner: str
    selectors: str
    memory: str
    outcome: str = ""
    detail: str = ""

    def to_json(self) -> dict[str, object]:
        """Plain data for `--json`."""
        return {
            "invariant": "I15",
            "cpu": self.cpu,
            "owner": self.owner,
            "selectors": self.selectors,
            "memory": self.memory,
            "outcome": self.outcome,
            "detail": self.detail,
        }

    def line(self) -> str:
        """One line for people."""
        text = f"CPU{self.cpu}, owner {self.owner}: selectors {self.selectors} index {self.memory}"
        if self.outcome:
            text += f"; {self.outcome}: {self.detail}"
        return text


def exposure(m: Machine, cpu: Cpu) -> Hazard | None:
    """The hazard of a non-PV owner (None when the owner is a PV guest with its own GDT)."""
    owner = cpu.owner
    if owner.domain.need_full:
        return None
    if cpu.regular_va >= DIRECTMAP_VIRT_START:
        first = m.pdx.pfn_to_pdx(cpu.regular_mfns[0]) - FIRST_RESERVED_GDT_PAGE
        frame = m.frame_name(cpu.regular_mfns[0])
        memory = (
            f"the {FIRST_RESERVED_GDT_PAGE} directmap pages before {frame} "
            f"(pdx {first:#x}-{first + FIRST_RESERVED_GDT_PAGE - 1:#x}): any RAM, guest pages "
            "included"
        )
    else:
        memory = "Xen .data before boot_cpu_gdt_table (the BSP's table is in the Xen image)"
    selectors = "0x0008-0xdff8"
    if cpu.gdtr_limit == 0xFFFF:
        selectors += " and 0xf000-0xfff8"
        memory += ", and the page after it (the VMX exit limit 0xFFFF)"
    return Hazard(cpu.id, owner.name, selectors, memory)


def classify(m: Machine, cpu: Cpu, selector: int) -> Hazard:
    """What `mov %ax, %ds` of `selector` does on `cpu` now: loads, #GP or #NP."""
    offset = selector & ~7
    va = cpu.gdtr_base + offset
    mfns = m.frames_at(cpu, va)
    mfn = mfns[-1]
    where = m.frame_name(mfn)
    if offset > cpu.gdtr_limit:
        return Hazard(cpu.id, cpu.owner.name, f"{selector:#x}", where, "#GP", "beyond the limit")
    raw = m.read_descriptor(mfn, va)
    if mfn is None:
        return Hazard(cpu.id, cpu.owner.name, f"{selector:#x}", where, "#PF", "unmapped")
    if raw is None:
        return Hazard(
            cpu.id,
            cpu.owner.name,
            f"{selector:#x}",
            where,
            "unknown",
            "whatever that page holds decides: a present data or readable code descriptor loads "
            "silently, a system or execute-only one gives #GP, a not-present one #NP",
        )
    load = segment_load(raw)
    page = (va - cpu.gdtr_base) >> PAGE_SHIFT
    context = (
        f"slot {page} of the live GDT at {va:#x}, in {where}: {raw:#018x} ({describe(raw)}); "
        f"{load.reason}"
    )
    if page >= FIRST_RESERVED_GDT_BYTE >> PAGE_SHIFT:
        context += " (Xen's own page)"
    return Hazard(cpu.id, cpu.owner.name, f"{selector:#x}", where, load.outcome, context)
