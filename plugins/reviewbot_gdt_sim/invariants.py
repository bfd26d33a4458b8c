"""Invariants I1-I14 of gdt-model §5, checked after every event and at every injection point.

Every check is keyed on the state owner (`curr_vcpu`), never on `current`. A violation names
the trace step, the CPU, the owner, the invariant, and what was expected and found. I10
(base and patched agree) needs a second machine and is checked by the runner (`simulate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reviewbot_gdt_sim.descriptors import base as descriptor_base
from reviewbot_gdt_sim.descriptors import (
    describe,
    dpl,
    is_code,
    is_hypervisor_code,
    is_long_mode,
    is_system,
)
from reviewbot_gdt_sim.descriptors import limit as descriptor_limit
from reviewbot_gdt_sim.layout import (
    FIRST_RESERVED_GDT_BYTE,
    FIRST_RESERVED_GDT_PAGE,
    PAGE_SIZE,
    PER_CPU_INDEX,
    TSS_INDEX,
    l1e_from_pfn,
    tss_address,
)
from reviewbot_gdt_sim.machine import Cpu, Machine, VCpu

INVARIANTS: dict[str, str] = {
    "I1": "GDTR limit is 0xEFFF (0xFFFF only after a VMX exit, until the next lgdt)",
    "I2": "GDTR base is the owner's GDT_VIRT_START, or this CPU's regular table - 0xE000",
    "I3": "slot 14 maps this CPU's frame of the owner's flavour (C[c] for 32-bit PV, else R[c])",
    "I4": "through the live GDT: LSL(0xE060) is the CPU, 0xE008 is 64-bit ring-0 code, the TSS "
    "is this CPU's",
    "I5": "the PV owner's flat selectors resolve to the right code and data descriptors",
    "I6": "guest slots 0-13 are as set_gdt left them and page 15 is empty",
    "I7": "no CPU runs on another CPU's GDT frame; a vCPU's slot 14 is rewritten only after its "
    "old CPU let go",
    "I8": "at every injection point an NMI finds a mapped Xen page that passes I4",
    "I9": "after load_segments the LDTR is the vCPU's LDT",
    "I10": "base and patched leave the same slot-14 PTEs and the same final GDTR",
    "I11": "the cached l1e match virt_to_mfn of the tables, are non-zero, and postdate relocation",
    "I12": "FOLLOW-UP-1's full_gdt_loaded equals need_full_gdt(owner) at every switch",
    "I13": "no TLB entry cached before a CR3 switch is used after it",
    "I14": "a PV owner under XPTI has its per-domain L3 in the CPU's root page table",
}
#: Flat selectors of PV guests and what each must resolve to: (is_code, long, dpl).
PV64_SELECTORS = {0xE033: (True, True, 3), 0xE02B: (False, False, 3), 0xE023: (True, False, 3)}
PV32_SELECTORS = {
    0xE019: (True, False, 1),
    0xE021: (False, False, 1),
    0xE02B: (True, False, 3),
    0xE033: (False, False, 3),
}
POINT_NAMES = {
    "pte": "after the slot-14 PTE write",
    "default": "after the default lgdt",
    "cr3": "after the CR3 switch",
    "full": "after the full lgdt",
    "nmi": "at an NMI between switches",
}
#: I4's hypervisor CS test as one mask: P, DPL, S, code and L bits.
_CS_MASK = 1 << 47 | 3 << 45 | 1 << 44 | 1 << 43 | 1 << 53
_CS_WANTED = 1 << 47 | 1 << 44 | 1 << 43 | 1 << 53
#: Keep this many violations in full; the rest are only counted.
KEEP = 200


@dataclass(frozen=True)
class Violation:
    """One failed invariant, where and when."""

    step: int
    cpu: int
    vcpu: str
    invariant: str
    expected: str
    actual: str
    point: str = "after the switch"

    def to_json(self) -> dict[str, object]:
        """Plain data for `--json`."""
        return {
            "step": self.step,
            "cpu": self.cpu,
            "vcpu": self.vcpu,
            "invariant": self.invariant,
            "expected": self.expected,
            "actual": self.actual,
            "point": self.point,
        }

    def line(self) -> str:
        """One line for people."""
        return (
            f"step {self.step}, CPU{self.cpu}, owner {self.vcpu}, {self.point}: {self.invariant} "
            f"expected {self.expected}, found {self.actual}"
        )


@dataclass(frozen=True)
class NmiView:
    """What an NMI taken at an injection point would find through the live GDT."""

    step: int
    cpu: int
    point: str
    base: int
    frames: tuple[str, ...]
    lsl: tuple[int | None, ...]
    passes: bool

    def to_json(self) -> dict[str, object]:
        """Plain data for `--json`."""
        return {
            "step": self.step,
            "cpu": self.cpu,
            "point": self.point,
            "gdtr_base": f"{self.base:#x}",
            "frames": list(self.frames),
            "lsl": list(self.lsl),
            "passes": self.passes,
        }


class Checker:
    """Runs the invariants over a machine; keeps violations and what NMIs would see."""

    def __init__(self, machine: Machine, *, record_nmi: bool = False) -> None:
        self.m = machine
        self.record_nmi = record_nmi
        self.failures: dict[str, int] = dict.fromkeys(INVARIANTS, 0)
        self.violations: list[Violation] = []
        self.nmi_views: list[NmiView] = []
        self._stale_seen = 0
        self._cached_l1e = machine.variant != "base"
        self._followup = machine.variant == "followup1"
        self._xpti = machine.topology.xpti
        self._tss = [tss_address(cpu.id) for cpu in machine.cpus]

    def install(self) -> None:
        """Hook the injection points and `load_segments` of the machine."""
        self.m.probe = self.at_point
        self.m.after_segments = self.after_segments

    # ---- recording ----------------------------------------------------------------------

    def fail(self, cpu: Cpu, invariant: str, expected: str, actual: str, point: str) -> None:
        """Record a violation."""
        self.failures[invariant] += 1
        if len(self.violations) < KEEP:
            self.violations.append(
                Violation(self.m.step, cpu.id, cpu.owner.name, invariant, expected, actual, point)
            )

    # ---- entry points -------------------------------------------------------------------

    def at_point(self, cpu: Cpu, point: str) -> None:
        """I8 (and I7's hand-off rule after a PTE write) at an injection point."""
        where = POINT_NAMES[point]
        if point == "pte":
            self._handoff(cpu, where)
        frames = self.m.frames_at(cpu, cpu.gdtr_base + FIRST_RESERVED_GDT_BYTE)
        views = self._probe(cpu, where, "I8", frames)
        self._foreign(cpu, frames, where)
        if self.record_nmi:
            m = self.m
            frames = m.frames_at(cpu, cpu.gdtr_base + FIRST_RESERVED_GDT_BYTE)
            self.nmi_views.append(
                NmiView(
                    m.step,
                    cpu.id,
                    point,
                    cpu.gdtr_base,
                    tuple(m.frame_name(f) for f in frames),
                    tuple(views),
                    all(v == cpu.id for v in views),
                )
            )

    def after_segments(self, cpu: Cpu, vcpu: VCpu) -> None:
        """I9 after `load_segments(n)`."""
        ents = vcpu.ldt_ents
        if ents:
            expected = (vcpu.ldt_va, ents * 8 - 1)
            if cpu.ldtr != expected:
                self.fail(
                    cpu,
                    "I9",
                    f"LDTR base {expected[0]:#x} limit {expected[1]}",
                    _ldtr_text(cpu.ldtr),
                    "after load_segments",
                )

    def after_event(self, cpu: Cpu) -> None:
        """Everything after an event on `cpu`, plus the CPUs its PTE writes could reach."""
        m = self.m
        self.check_cpu(cpu)
        flushed = m.last_flush_cpu
        if flushed >= 0 and flushed != cpu.id:
            self.check_cpu(m.cpus[flushed])
        owner = cpu.owner
        domain = owner.domain
        if domain.need_full:
            # The switch wrote only the owner's slot-14 PTE: other CPUs on the same page
            # tables and the same GDT window are the ones it can reach.
            window = owner.gdt_va
            for other in m.cpus:
                if (
                    other is not cpu
                    and other.gdtr_base == window
                    and other.online
                    and other.cr3.domain is domain
                ):
                    where = "after a switch on another CPU"
                    frames = m.frames_at(other, other.gdtr_base + FIRST_RESERVED_GDT_BYTE)
                    self._slot14(other, where, frames)
                    self._probe(other, where, "I4", frames)
        if len(m.stale_tlb_uses) > self._stale_seen:
            for step, cpu_id, va, mfn in m.stale_tlb_uses[self._stale_seen :]:
                self.failures["I13"] += 1
                if len(self.violations) < KEEP:
                    self.violations.append(
                        Violation(
                            step,
                            cpu_id,
                            m.cpus[cpu_id].owner.name,
                            "I13",
                            "no translation used across a CR3 switch",
                            f"VA {va:#x} still translated to {m.frame_name(mfn)} from the TLB",
                        )
                    )
            self._stale_seen = len(m.stale_tlb_uses)

    def check_all(self, point: str = "after the switch") -> None:
        """Every online CPU (after boot, hot-plug and resume)."""
        for cpu in self.m.cpus:
            if cpu.online:
                self.check_cpu(cpu, point)

    def check_cpu(self, cpu: Cpu, point: str = "after the switch") -> None:
        """I1-I7, I11, I12, I14 for one CPU."""
        m = self.m
        owner = cpu.owner
        domain = owner.domain
        # I1
        limit = cpu.gdtr_limit
        # A VMX exit leaves the limit at 0xFFFF until Xen next runs lgdt, which switching to
        # idle or to another HVM vCPU never does: any non-PV owner may inherit it.
        if limit != m.gdt_limit and not (
            limit == 0xFFFF
            and cpu.vmexited
            and not domain.need_full
            and m.topology.vendor == "intel"
        ):
            self.fail(cpu, "I1", f"limit {m.gdt_limit:#x}", f"limit {limit:#x}", point)
        # I2
        expected_base = (
            owner.gdt_va if domain.need_full else cpu.regular_va - FIRST_RESERVED_GDT_BYTE
        )
        if cpu.gdtr_base != expected_base:
            self.fail(cpu, "I2", f"base {expected_base:#x}", f"base {cpu.gdtr_base:#x}", point)
        frames = m.frames_at(cpu, cpu.gdtr_base + FIRST_RESERVED_GDT_BYTE)
        self._slot14(cpu, point, frames)
        self._probe(cpu, point, "I4", frames)
        if domain.need_full:
            self._flat_selectors(cpu, point, frames)
            self._guest_slots(cpu, owner, point)
            if self._xpti and cpu.root_pgt_perdomain is not domain:
                found = cpu.root_pgt_perdomain
                self.fail(
                    cpu,
                    "I14",
                    f"root_pgt[260] = {domain.name}'s per-domain L3",
                    f"{found.name}'s" if found else "empty",
                    point,
                )
        self._dirty_vcpus(cpu, point)
        if self._cached_l1e:
            self._l1e_cache(cpu, point)
        if self._followup and cpu.full_gdt_loaded != domain.need_full:
            self.fail(
                cpu,
                "I12",
                f"full_gdt_loaded = {domain.need_full}",
                f"full_gdt_loaded = {cpu.full_gdt_loaded}",
                point,
            )

    # ---- the checks -----------------------------------------------------------------

    def _probe(
        self,
        cpu: Cpu,
        point: str,
        invariant: str,
        frames: tuple[int | None, ...] | None = None,
    ) -> list[int | None]:
        """I4 (or I8 at an injection point): LSL, the hypervisor CS and the TSS; LSL values."""
        m = self.m
        if cpu.gdtr_limit < FIRST_RESERVED_GDT_BYTE + PAGE_SIZE - 1:
            self.fail(cpu, invariant, "Xen's page within the limit", "limit too small", point)
            return [None]
        if frames is None:
            frames = m.frames_at(cpu, cpu.gdtr_base + FIRST_RESERVED_GDT_BYTE)
        lsl_values: list[int | None] = []
        memory = m.memory
        cpu_id = cpu.id
        tss_wanted = self._tss[cpu_id]
        for mfn in frames:
            content = memory.get(mfn) if mfn is not None else None
            if content is not None:
                # The common case, decided in one expression: marker, CS and TSS all right.
                marker = content.get(PER_CPU_INDEX, 0)
                low = content.get(TSS_INDEX, 0)
                if (
                    (marker & 0xFFFF | marker >> 32 & 0xF0000) == cpu_id
                    and not marker >> 55 & 1
                    and marker
                    and content.get(1, 0) & _CS_MASK == _CS_WANTED
                    and (low >> 16 & 0xFFFFFF | low >> 32 & 0xFF000000)
                    | (content.get(TSS_INDEX + 1, 0) & 0xFFFFFFFF) << 32
                    == tss_wanted
                ):
                    lsl_values.append(cpu_id)
                    continue
            if content is None:
                lsl_values.append(None)
                what = "unmapped (#PF, then a triple fault)" if mfn is None else "not a GDT page"
                self.fail(cpu, invariant, "Xen's GDT page at 0xE000", what, point)
                continue
            marker = content.get(PER_CPU_INDEX, 0)
            lsl = descriptor_limit(marker) if marker else None
            lsl_values.append(lsl)
            if lsl != cpu.id:
                self.fail(
                    cpu,
                    invariant,
                    f"LSL(0xE060) = {cpu.id}",
                    f"LSL(0xE060) = {lsl} via {m.frame_name(mfn)}",
                    point,
                )
            if not is_hypervisor_code(content.get(1, 0)):
                self.fail(
                    cpu,
                    invariant,
                    "0xE008 = DPL0 64-bit code",
                    f"0xE008 = {describe(content.get(1, 0))}",
                    point,
                )
            tss = descriptor_base(content.get(TSS_INDEX, 0), content.get(TSS_INDEX + 1, 0))
            if tss != tss_address(cpu.id):
                self.fail(
                    cpu,
                    invariant,
                    f"TSS at {tss_address(cpu.id):#x} (CPU{cpu.id})",
                    f"TSS at {tss:#x} via {m.frame_name(mfn)}",
                    point,
                )
        return lsl_values

    def _slot14(self, cpu: Cpu, point: str, frames: tuple[int | None, ...] | None = None) -> None:
        """I3 (flavour and ownership of the Xen pages) and I7 (no other CPU's frame)."""
        m = self.m
        owner = cpu.owner
        expected_frames = cpu.compat_mfns if owner.domain.pv32 else cpu.regular_mfns
        base = cpu.gdtr_base + FIRST_RESERVED_GDT_BYTE
        for page, expected in enumerate(expected_frames):
            if page or frames is None:
                frames = m.frames_at(cpu, base + page * PAGE_SIZE)
            if len(frames) == 1 and frames[0] == expected:
                continue
            for mfn in frames:
                if mfn != expected:
                    where = "slot 14" if page == 0 else f"slot {FIRST_RESERVED_GDT_PAGE + page}"
                    self.fail(
                        cpu,
                        "I3",
                        f"{where} = {m.frame_name(expected)}",
                        f"{where} = {m.frame_name(mfn)}",
                        point,
                    )
            self._foreign(cpu, frames, point)

    def _foreign(self, cpu: Cpu, frames: tuple[int | None, ...], point: str) -> None:
        """I7: none of the frames is another CPU's GDT frame."""
        m = self.m
        for mfn in frames:
            holder = m.gdt_frame_cpu.get(mfn) if mfn is not None else None
            if holder is not None and holder[0] != cpu.id:
                self.fail(
                    cpu,
                    "I7",
                    f"a frame of CPU{cpu.id}",
                    f"{m.frame_name(mfn)}, CPU{holder[0]}'s {holder[1]} frame",
                    point,
                )

    def _handoff(self, cpu: Cpu, point: str) -> None:
        """I7: slot 14 of n was rewritten while another CPU still runs on n's full GDT."""
        vcpu = cpu.current
        for other in self.m.cpus:
            if other is not cpu and other.owner is vcpu and other.gdtr_base == vcpu.gdt_va:
                self.fail(
                    cpu,
                    "I7",
                    f"CPU{other.id} has left {vcpu.name}'s GDT (FLUSH_VCPU_STATE done)",
                    f"CPU{other.id} still runs on it",
                    point,
                )

    def _dirty_vcpus(self, cpu: Cpu, point: str) -> None:
        """I7: every PV vCPU whose state this CPU holds maps one of this CPU's frames."""
        m = self.m
        for vcpu in m.pv_vcpus:
            if vcpu.dirty_cpu == cpu.id:
                mfn = m.slot_frame(vcpu, FIRST_RESERVED_GDT_PAGE)
                holder = m.gdt_frame_cpu.get(mfn) if mfn is not None else None
                if holder is None or holder[0] != cpu.id:
                    self.fail(
                        cpu,
                        "I7",
                        f"slot 14 of {vcpu.name} (dirty on CPU{cpu.id}) = a frame of CPU{cpu.id}",
                        m.frame_name(mfn),
                        point,
                    )

    def _flat_selectors(self, cpu: Cpu, point: str, frames: tuple[int | None, ...]) -> None:
        """I5: the guest's flat selectors through slot 14."""
        m = self.m
        wanted = PV32_SELECTORS if cpu.owner.domain.pv32 else PV64_SELECTORS
        for mfn in frames:
            content = m.memory.get(mfn) if mfn is not None else None
            if content is None:
                self.fail(cpu, "I5", "flat selectors readable", "slot 14 unmapped", point)
                continue
            for sel, (code, long_mode, ring) in wanted.items():
                raw = content.get((sel >> 3) & 511, 0)
                if (
                    raw == 0
                    or is_system(raw)
                    or is_code(raw) != code
                    or is_long_mode(raw) != long_mode
                    or dpl(raw) != ring
                ):
                    self.fail(
                        cpu,
                        "I5",
                        f"{sel:#06x} = {_flat_text(code, long_mode, ring)}",
                        f"{sel:#06x} = {describe(raw)} via {m.frame_name(mfn)}",
                        point,
                    )

    def _guest_slots(self, cpu: Cpu, owner: VCpu, point: str) -> None:
        """I6: slots 0-13 untouched since set_gdt, page 15 empty."""
        start = owner.pte0
        if owner.l1[start : start + FIRST_RESERVED_GDT_PAGE] != owner.guest_ptes:
            self.fail(
                cpu, "I6", f"slots 0-13 of {owner.name} as set_gdt left them", "changed", point
            )
        if self.m.reserved_pages == 1 and owner.l1[start + FIRST_RESERVED_GDT_PAGE + 1]:
            self.fail(cpu, "I6", f"page 15 of {owner.name} empty", "mapped", point)

    def _l1e_cache(self, cpu: Cpu, point: str) -> None:
        """I11: the cached l1e agree with the tables, are non-zero, and postdate relocation."""
        m = self.m
        for name, cached, va in (
            ("gdt_table_l1e", cpu.gdt_l1e, cpu.regular_va),
            ("compat_gdt_table_l1e", cpu.compat_l1e, cpu.compat_va),
        ):
            if not va:
                continue
            expected = l1e_from_pfn(m.virt_to_mfn(va), nx=m.nx)
            if cached != expected:
                self.fail(
                    cpu,
                    "I11",
                    f"{name}[{cpu.id}] = {expected:#x}",
                    f"{cached:#x}" + (" (never computed)" if cached == 0 else ""),
                    point,
                )
        if cpu.id == 0 and cpu.l1e_phys_start not in (-1, m.xen_phys_start):
            self.fail(
                cpu,
                "I11",
                f"computed after relocation (xen_phys_start {m.xen_phys_start:#x})",
                f"computed with xen_phys_start {cpu.l1e_phys_start:#x}",
                point,
            )

    def results(self, applicable: set[str]) -> dict[str, str]:
        """ "pass"/"fail" per invariant, "n/a" where the variant has nothing to check."""
        return {
            name: ("n/a" if name not in applicable else "fail" if count else "pass")
            for name, count in self.failures.items()
        }


def failed_invariants(states: Mapping[str, str], but: str = "") -> tuple[str, ...]:
    """The invariants marked "fail", in order (I1 first), leaving out `but`."""
    return tuple(
        sorted(
            (name for name, state in states.items() if state == "fail" and name != but),
            key=lambda name: int(name[1:]),
        )
    )


def _flat_text(code: bool, long_mode: bool, ring: int) -> str:
    if not code:
        return f"DPL{ring} data"
    return f"DPL{ring} {'64-bit' if long_mode else '32-bit'} code"


def _ldtr_text(ldtr: tuple[int, int] | str | None) -> str:
    if ldtr is None:
        return "a null LDT"
    if isinstance(ldtr, str):
        return f"lldt faulted ({ldtr})"
    return f"LDTR base {ldtr[0]:#x} limit {ldtr[1]}"
