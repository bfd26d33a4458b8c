"""The modelled host: CPUs, domains and vCPUs, frames, page tables, TLBs, GDTR/LDTR, boot.

State follows Xen 4.13 (gdt-model §1-§3): per CPU a regular and a compat GDT frame, per PV
domain the GDT/LDT area's L1 tables, the lazy `curr_vcpu` owner next to `current`, and
`dirty_cpu` for the FLUSH_VCPU_STATE hand-off. The variants of `__context_switch` live in
`variants.py`; this module runs everything around them (`context_switch`, `load_segments`,
boot, hot-plug, S3 resume) and answers what the CPU would read through its live GDT.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reviewbot_gdt_sim import ops
from reviewbot_gdt_sim.allocator import BuddyAllocator
from reviewbot_gdt_sim.descriptors import (
    SYS_LDT,
    SYS_TSS_AVAIL,
    SYS_TSS_BUSY,
    is_system,
    present,
    system_descriptor,
    type_field,
    with_busy,
)
from reviewbot_gdt_sim.descriptors import base as descriptor_base
from reviewbot_gdt_sim.descriptors import limit as descriptor_limit
from reviewbot_gdt_sim.faults import check_faults
from reviewbot_gdt_sim.layout import (
    COMPAT_TEMPLATE,
    DIRECTMAP_VIRT_START,
    FIRST_RESERVED_GDT_BYTE,
    FIRST_RESERVED_GDT_PAGE,
    LDT_INDEX,
    LDT_SELECTOR,
    PAGE_HYPERVISOR_RO,
    PAGE_HYPERVISOR_RW,
    PAGE_SHIFT,
    PAGE_SIZE,
    PER_CPU_INDEX,
    PERDOMAIN_AREA_SIZE,
    PERDOMAIN_VIRT_START,
    REGULAR_TEMPLATE,
    TSS_INDEX,
    XEN_VIRT_START,
    gdt_virt_start,
    l1e_from_pfn,
    last_reserved_gdt_byte,
    ldt_virt_start,
    pte_mfn,
    pv_gdt_pte_index,
    tss_address,
)
from reviewbot_gdt_sim.pdx import PdxLayout, hole_setup
from reviewbot_gdt_sim.trace import DomainSpec, Topology

CLEAN = -1
VARIANTS = ("base", "patched", "followup1")
#: Injection points inside `__context_switch`, in order (gdt-model I8).
POINTS = ("pte", "default", "cr3", "full")
#: The 8 GiB low node and 8 GiB high node of gdt-model §4.3 (machine addresses).
E820_TWO_NODES: tuple[tuple[int, int, int], ...] = (
    (1 << 20, 2 << 30, 0),
    (4 << 30, 8 << 30, 0),
    (1 << 40, (1 << 40) + (8 << 30), 1),
)
IMAGE_SIZE = 16 << 20
XEN_LOAD_PHYS = 2 << 20
XEN_PHYS_START = 0x7E000000
BOOT_GDT_OFFSET = 0x2E0000
ZERO_PAGE_NAME = "zero page"

Probe = Callable[["Cpu", str], None]


class TraceError(ValueError):
    """A trace the machine cannot replay (a vCPU on two CPUs, an offline CPU, a bad name)."""


@dataclass(frozen=True)
class MachineConfig:
    """Everything a run is built from; scenarios change one or two fields."""

    topology: Topology
    variant: str = "patched"
    faults: frozenset[str] = frozenset()
    e820: tuple[tuple[int, int, int], ...] = E820_TWO_NODES
    pdx: PdxLayout | None = None
    cpu_nodes: tuple[int, ...] = ()
    xen_load_phys: int = XEN_LOAD_PHYS
    xen_phys_start: int = XEN_PHYS_START
    reserved_pages: int = 1
    nx: bool = True
    #: (cpu, mfn): put that AP's regular GDT at this frame instead of allocating it.
    pinned_gdt: tuple[tuple[int, int], ...] = ()
    #: Guests whose vCPUs never had `set_gdt` (their guest slots stay empty).
    never_set_gdt: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown variant {self.variant!r}; pick from {', '.join(VARIANTS)}")
        check_faults(self.faults)
        if "pdx-no-guard" in self.faults and (self.pdx is None or self.reserved_pages == 1):
            raise ValueError(
                "pdx-no-guard needs its own PDX layout and a multi-page GDT; run --scenario T18"
            )


class Domain:
    """A domain: idle, PV (64- or 32-bit) or HVM, with its per-domain GDT/LDT L1 tables."""

    __slots__ = ("hvm", "is_idle", "is_pv", "kind", "l1tab", "name", "need_full", "pv32", "vcpus")

    def __init__(self, name: str, kind: str, vcpus: int) -> None:
        self.name = name
        self.kind = kind
        self.is_idle = kind == "idle"
        #: is_pv_domain(): the idle domain is PV too (common/domain.c:355-356).
        self.is_pv = kind != "hvm"
        self.pv32 = kind == "pv32"
        self.hvm = kind == "hvm"
        #: need_full_gdt(d) = is_pv_domain(d) && !is_idle_domain(d).
        self.need_full = self.is_pv and not self.is_idle
        #: gdt_ldt_l1tab: one 512-entry L1 page per 16 vCPUs (PV guests only).
        self.l1tab: list[list[int]] = (
            [[0] * 512 for _ in range((vcpus + 15) // 16)] if self.need_full else []
        )
        self.vcpus: list[VCpu] = []


class VCpu:
    """A vCPU, with the state the GDT code reads and writes."""

    __slots__ = (
        "dirty_cpu",
        "domain",
        "gdt_frames",
        "gdt_va",
        "guest_ptes",
        "host_gdtr_base",
        "l1",
        "ldt_ents",
        "ldt_va",
        "name",
        "pte0",
        "running",
        "vcpu_id",
        "vmcs_cpu",
    )

    def __init__(self, domain: Domain, vcpu_id: int, ldt_ents: int) -> None:
        self.domain = domain
        self.vcpu_id = vcpu_id
        self.name = f"I{vcpu_id}" if domain.is_idle else f"{domain.name}.v{vcpu_id}"
        self.dirty_cpu = CLEAN
        #: The CPU this vCPU is `current` on (the trace must never run it on two at once).
        self.running = CLEAN
        self.gdt_frames: list[int] = []
        #: Slots 0-13 as `pv_set_gdt` left them: what I6 expects (empty before any set_gdt).
        self.guest_ptes: list[int] = [0] * FIRST_RESERVED_GDT_PAGE
        self.ldt_ents = ldt_ents
        self.gdt_va = gdt_virt_start(vcpu_id)
        self.ldt_va = ldt_virt_start(vcpu_id)
        #: pv_gdt_ptes(v): this vCPU's L1 page and the entry of its slot 0.
        page, self.pte0 = pv_gdt_pte_index(vcpu_id, 0)
        self.l1: list[int] = domain.l1tab[page] if domain.l1tab else []
        self.vmcs_cpu = CLEAN
        self.host_gdtr_base = 0

    def slot_pte(self, slot: int) -> int:
        """The PTE of page `slot` of this vCPU's GDT/LDT window."""
        return self.l1[self.pte0 + slot] if self.l1 else 0


class Cpu:
    """A physical CPU: its GDT frames, the lazy owner, GDTR/LDTR, CR3 and TLB."""

    __slots__ = (
        "booted",
        "compat_l1e",
        "compat_mfns",
        "compat_va",
        "cr3",
        "current",
        "epoch",
        "full_gdt_loaded",
        "gdt_l1e",
        "gdtr_base",
        "gdtr_limit",
        "id",
        "idle",
        "l1e_phys_start",
        "ldtr",
        "node",
        "online",
        "owner",
        "regular_mfns",
        "regular_va",
        "root_pgt_perdomain",
        "tlb",
        "vmexited",
    )

    def __init__(self, cpu: int, idle: VCpu, node: int) -> None:
        self.id = cpu
        self.idle = idle
        self.node = node
        self.online = False
        self.booted = False
        self.current = idle
        #: per_cpu(curr_vcpu): whose state the CPU holds (lazy switching).
        self.owner = idle
        self.gdtr_base = 0
        self.gdtr_limit = 0
        #: (base, limit), None for a null LDT, or a fault string when `lldt` faulted.
        self.ldtr: tuple[int, int] | str | None = None
        #: The vCPU whose page tables CR3 holds.
        self.cr3 = idle
        self.epoch = 0
        #: Cached translations of the per-domain area: page number -> (mfn, epoch).
        self.tlb: dict[int, tuple[int, int]] = {}
        self.regular_va = 0
        self.compat_va = 0
        self.regular_mfns: list[int] = []
        self.compat_mfns: list[int] = []
        self.gdt_l1e = 0
        self.compat_l1e = 0
        self.l1e_phys_start = -1
        self.full_gdt_loaded = False
        self.root_pgt_perdomain: Domain | None = None
        self.vmexited = False


class Machine:
    """A booted host running one variant of `__context_switch`."""

    def __init__(self, config: MachineConfig) -> None:
        from reviewbot_gdt_sim.variants import SWITCHES

        self.config = config
        self.variant = config.variant
        self.faults = config.faults
        self.topology = topology = config.topology
        self.reserved_pages = config.reserved_pages
        self.gdt_limit = last_reserved_gdt_byte(config.reserved_pages)
        self.gdt_order = max(0, (config.reserved_pages - 1).bit_length())
        self.pdx = config.pdx or hole_setup([(start, end) for start, end, _ in config.e820])
        self.nx = config.nx
        self.pte_flags = PAGE_HYPERVISOR_RW | (1 << 63 if config.nx else 0)
        self.counts = ops.zero()
        #: __context_switch() calls by (P, N, S) class, indexed P*4 + N*2 + S.
        self.classes = [0] * 8
        self.step = -1
        self.probe: Probe | None = None
        self.after_segments: Callable[[Cpu, VCpu], None] | None = None
        self.switch_body = SWITCHES[config.variant]
        self.memory: dict[int, dict[int, int]] = {}
        self.frame_names: dict[int, str] = {}
        #: frame -> (cpu, "regular" | "compat") for every live per-CPU GDT frame.
        self.gdt_frame_cpu: dict[int, tuple[int, str]] = {}
        self.freed: set[int] = set()
        self.stale_tlb_uses: list[tuple[int, int, int, int]] = []
        self.lldt_faults: list[tuple[int, int, str]] = []
        self.last_flush_cpu = CLEAN
        self.xen_phys_start = config.xen_load_phys
        #: Translations of the static (global) mappings, by page; reset when Xen relocates.
        self._static: dict[int, int] = {}
        self.allocator = BuddyAllocator(self._free_ranges())
        self.zero_mfn = self.allocator.alloc(0, 0)
        self._name(self.zero_mfn, ZERO_PAGE_NAME, {})
        idle = Domain("idle", "idle", topology.cpus)
        self.idle_domain = idle
        nodes = config.cpu_nodes or tuple(
            0 if cpu < (topology.cpus + 1) // 2 else 1 for cpu in range(topology.cpus)
        )
        self.cpus: list[Cpu] = []
        for cpu_id in range(topology.cpus):
            vcpu = VCpu(idle, cpu_id, 0)
            idle.vcpus.append(vcpu)
            self.cpus.append(Cpu(cpu_id, vcpu, nodes[cpu_id] if cpu_id < len(nodes) else 0))
        self.domains: dict[str, Domain] = {"idle": idle}
        self.vcpus: dict[tuple[str, int], VCpu] = {("idle", c): v for c, v in enumerate(idle.vcpus)}
        self._boot_bsp()
        for cpu in self.cpus[1:]:
            self.cpu_up(cpu)
        for spec in topology.domains:
            self._create_domain(spec)
        self.pv_vcpus = [v for v in self.vcpus.values() if v.domain.need_full]

    # ---- frames and translation -------------------------------------------------------

    def _free_ranges(self) -> list[tuple[int, int, int]]:
        """RAM the allocator may hand out: the E820 ranges minus Xen's image, old and new."""
        holes = [
            (self.config.xen_load_phys >> PAGE_SHIFT, (self.config.xen_load_phys + IMAGE_SIZE)),
            (self.config.xen_phys_start >> PAGE_SHIFT, (self.config.xen_phys_start + IMAGE_SIZE)),
        ]
        holes = [(start, end >> PAGE_SHIFT) for start, end in holes]
        ranges: list[tuple[int, int, int]] = []
        for start, end, node in self.config.e820:
            pieces = [(start >> PAGE_SHIFT, end >> PAGE_SHIFT)]
            for hole_start, hole_end in holes:
                cut: list[tuple[int, int]] = []
                for first, last in pieces:
                    if hole_end <= first or hole_start >= last:
                        cut.append((first, last))
                        continue
                    if first < hole_start:
                        cut.append((first, hole_start))
                    if hole_end < last:
                        cut.append((hole_end, last))
                pieces = cut
            ranges.extend((first, last, node) for first, last in pieces if last > first)
        return ranges

    def _name(self, mfn: int, name: str, content: dict[int, int]) -> None:
        self.memory[mfn] = content
        self.frame_names[mfn] = name

    def frame_name(self, mfn: int | None) -> str:
        """`R[2]`, `C[3]`, `A.v0 GDT frame 0`, `zero page`, `mfn 0x1234`, or `unmapped`."""
        if mfn is None:
            return "unmapped"
        name = self.frame_names.get(mfn, f"mfn {mfn:#x}")
        return f"{name} (freed)" if mfn in self.freed else name

    def static_frame(self, va: int) -> int:
        """The frame behind a directmap or Xen-image VA (global mappings, never flushed)."""
        page = va >> PAGE_SHIFT
        mfn = self._static.get(page)
        if mfn is None:
            if va >= DIRECTMAP_VIRT_START:
                mfn = self.pdx.pdx_to_pfn((va - DIRECTMAP_VIRT_START) >> PAGE_SHIFT)
            else:
                mfn = (va - XEN_VIRT_START + self.xen_phys_start) >> PAGE_SHIFT
            self._static[page] = mfn
        return mfn

    def virt_to_mfn(self, va: int) -> int:
        """Xen's `virt_to_mfn()` (PDX decompression on both branches, as at 12dce7ea5a)."""
        return self.pdx.virt_to_mfn(va, self.xen_phys_start)

    def frames_at(self, cpu: Cpu, va: int) -> tuple[int | None, ...]:
        """The frame(s) `va` may translate to on `cpu`: the TLB's and the page walk's.

        Usually one; two when a cached translation disagrees with the page tables (another
        CPU rewrote the PTE and this CPU has not switched CR3 since: either may be used).
        """
        offset = va - PERDOMAIN_VIRT_START
        if not 0 <= offset < PERDOMAIN_AREA_SIZE:
            return (self.static_frame(va),)
        page = offset >> PAGE_SHIFT
        domain = cpu.cr3.domain
        walked: int | None = None
        if domain.need_full and page >> 9 < len(domain.l1tab):
            walked = pte_mfn(domain.l1tab[page >> 9][page & 511])
        cached = cpu.tlb.get(page)
        if cached is None:
            if walked is not None:
                cpu.tlb[page] = (walked, cpu.epoch)
            return (walked,)
        mfn, epoch = cached
        if epoch != cpu.epoch:
            self.stale_tlb_uses.append((self.step, cpu.id, va, mfn))
        return (mfn,) if mfn == walked else (mfn, walked)

    def read_descriptor(self, mfn: int | None, va: int) -> int | None:
        """The descriptor at `va` in frame `mfn`; None when unmapped or not a known frame."""
        if mfn is None:
            return None
        content = self.memory.get(mfn)
        if content is None:
            return None
        return content.get((va & (PAGE_SIZE - 1)) >> 3, 0)

    def descriptors(self, cpu: Cpu, selector: int) -> tuple[int | None, ...]:
        """What the CPU may read for `selector` through its live GDT (one per possible frame).

        None stands for a fault: beyond the limit, not mapped (#PF), or unknown memory.
        """
        offset = selector & ~7
        if offset + 7 > cpu.gdtr_limit:
            return (None,)
        va = cpu.gdtr_base + offset
        return tuple(self.read_descriptor(mfn, va) for mfn in self.frames_at(cpu, va))

    def _write_static(self, va: int, index: int, raw: int) -> None:
        mfn = self.static_frame(va)
        self.memory.setdefault(mfn, {})[index] = raw

    # ---- boot, hot-plug, resume ------------------------------------------------------

    def _boot_bsp(self) -> None:
        """BSP: boot tables in the image, relocation, `trap_init`, `load_system_tables`."""
        bsp = self.cpus[0]
        pages = self.reserved_pages
        bsp.regular_va = XEN_VIRT_START + BOOT_GDT_OFFSET
        bsp.compat_va = bsp.regular_va + pages * PAGE_SIZE
        self._fill_tables(bsp, "before relocation")
        if "early-bsp-l1e" in self.faults:
            self._cache_l1e(bsp)
        old_frames = {mfn: dict(self.memory[mfn]) for mfn in bsp.regular_mfns + bsp.compat_mfns}
        self.xen_phys_start = self.config.xen_phys_start  # setup.c:1068: Xen relocates
        self._static.clear()
        for old_mfn, content in old_frames.items():
            self.gdt_frame_cpu.pop(old_mfn, None)
            new_mfn = self.static_frame(
                XEN_VIRT_START + ((old_mfn << PAGE_SHIFT) - self.config.xen_load_phys)
            )
            name = self.frame_names[old_mfn].replace(" before relocation", "")
            self._name(new_mfn, name, content)
        bsp.regular_mfns = [self.static_frame(bsp.regular_va + i * PAGE_SIZE) for i in range(pages)]
        bsp.compat_mfns = [self.static_frame(bsp.compat_va + i * PAGE_SIZE) for i in range(pages)]
        for mfn in bsp.regular_mfns:
            self.gdt_frame_cpu[mfn] = (0, "regular")
        for mfn in bsp.compat_mfns:
            self.gdt_frame_cpu[mfn] = (0, "compat")
        if self.variant != "base" and not self.faults & {"early-bsp-l1e", "zero-bsp-l1e"}:
            self._cache_l1e(bsp)  # trap_init(), setup.c:1628
        self.load_system_tables(bsp)
        bsp.online = True
        bsp.booted = True

    def _fill_tables(self, cpu: Cpu, suffix: str = "", reallocated: bool = False) -> None:
        """Copy the boot templates into the CPU's frames and set the per-CPU marker."""
        pages = self.reserved_pages
        cpu.regular_mfns = [self.static_frame(cpu.regular_va + i * PAGE_SIZE) for i in range(pages)]
        cpu.compat_mfns = [self.static_frame(cpu.compat_va + i * PAGE_SIZE) for i in range(pages)]
        for flavour, template, mfns in (
            ("R", REGULAR_TEMPLATE, cpu.regular_mfns),
            ("C", COMPAT_TEMPLATE, cpu.compat_mfns),
        ):
            for i, mfn in enumerate(mfns):
                content = dict(template) if i == 0 else {}
                if i == 0:
                    content[PER_CPU_INDEX] |= cpu.id  # .a = cpu (smpboot.c:990,996)
                page = f"[{cpu.id}]" if pages == 1 else f"[{cpu.id}] page {i}"
                prime = "'" if reallocated and flavour == "C" else ""
                name = f"{flavour}{prime}{page}{' ' + suffix if suffix else ''}"
                self._name(mfn, name, content)
                self.freed.discard(mfn)
                self.gdt_frame_cpu[mfn] = (cpu.id, "regular" if flavour == "R" else "compat")

    def _cache_l1e(self, cpu: Cpu) -> None:
        """PATCHED: `gdt_table_l1e`/`compat_gdt_table_l1e` from `virt_to_mfn` of the tables."""
        cpu.gdt_l1e = l1e_from_pfn(self.virt_to_mfn(cpu.regular_va), nx=self.nx)
        cpu.compat_l1e = l1e_from_pfn(self.virt_to_mfn(cpu.compat_va), nx=self.nx)
        cpu.l1e_phys_start = self.xen_phys_start

    def cpu_up(self, cpu: Cpu) -> None:
        """CPU_UP_PREPARE (`cpu_smpboot_alloc`), then the AP's `load_system_tables`."""
        pinned = dict(self.config.pinned_gdt)
        if not cpu.regular_va:  # parked CPUs keep their regular page
            mfn = pinned.get(cpu.id)
            if mfn is None:
                mfn = self.allocator.alloc(self.gdt_order, cpu.node)
            cpu.regular_va = self.pdx.mfn_to_virt(mfn)
        booted_before = cpu.booted
        # A re-plugged CPU's compat page may land anywhere; model the case that matters, a
        # frame other than the one it freed (allocator.py explains why `avoid` is needed).
        compat = self.allocator.alloc(self.gdt_order, cpu.node, avoid=self._freed_compat(cpu))
        cpu.compat_va = self.pdx.mfn_to_virt(compat)
        cpu.booted = True
        self._fill_tables(cpu, reallocated=booted_before)
        if self.variant != "base" and not (booted_before and "stale-l1e-cache" in self.faults):
            self._cache_l1e(cpu)
        self.load_system_tables(cpu)
        cpu.online = True

    def _freed_compat(self, cpu: Cpu) -> tuple[int, ...]:
        return tuple(cpu.compat_mfns) if cpu.booted else ()

    def inject(self, fault: str) -> None:
        """Add a fault from now on (a scenario breaks one step, not its set-up)."""
        check_faults(frozenset({fault}))
        self.faults = self.faults | {fault}

    def load_system_tables(self, cpu: Cpu) -> None:
        """TSS into both tables, `lgdt` of the regular table, `ltr`; FOLLOW-UP-1 flag reset."""
        low, high = system_descriptor(tss_address(cpu.id), 0x67, SYS_TSS_AVAIL)
        self._write_static(cpu.regular_va, TSS_INDEX, low)
        self._write_static(cpu.regular_va, TSS_INDEX + 1, high)
        busy_low, _ = system_descriptor(tss_address(cpu.id), 0x67, SYS_TSS_BUSY)
        self._write_static(cpu.compat_va, TSS_INDEX, busy_low)
        self._write_static(cpu.compat_va, TSS_INDEX + 1, high)
        self.lgdt(cpu, cpu.regular_va - FIRST_RESERVED_GDT_BYTE)
        self._write_static(cpu.regular_va, TSS_INDEX, with_busy(low))  # ltr sets B
        cpu.full_gdt_loaded = False
        cpu.current.running = CLEAN
        cpu.owner = cpu.current = cpu.cr3 = cpu.idle
        cpu.idle.running = cpu.id
        cpu.tlb.clear()
        cpu.epoch += 1
        cpu.ldtr = None

    def cpu_down(self, cpu: Cpu) -> None:
        """Offline: a full switch to idle (not lazy), then `cpu_smpboot_free(cpu, false)`."""
        cpu.online = False
        if cpu.current is not cpu.idle:
            self.context_switch(cpu, cpu.idle)
        elif cpu.owner is not cpu.idle:
            self.flush_lazy_state(cpu)
        self.allocator.free(cpu.compat_mfns[0], self.gdt_order)
        for mfn in cpu.compat_mfns:
            self.freed.add(mfn)
            self.gdt_frame_cpu.pop(mfn, None)
        cpu.compat_va = 0

    def resume(self) -> None:
        """S3 resume: domains were paused (lazy state flushed), APs re-plugged, tables reloaded."""
        for cpu in self.cpus:
            if cpu.online and cpu.owner is not cpu.idle:
                cpu.current.running = CLEAN
                cpu.current = cpu.idle
                cpu.idle.running = cpu.id
                self.flush_lazy_state(cpu)
        aps = [cpu for cpu in self.cpus[1:] if cpu.online]
        for cpu in aps:
            self.cpu_down(cpu)
        self.load_system_tables(self.cpus[0])
        for cpu in aps:
            self.cpu_up(cpu)

    def _create_domain(self, spec: DomainSpec) -> None:
        """A guest; PV vCPUs get `gdt_frames` guest frames through `pv_set_gdt`."""
        domain = Domain(spec.name, spec.kind, spec.vcpus)
        self.domains[spec.name] = domain
        for vcpu_id in range(spec.vcpus):
            vcpu = VCpu(domain, vcpu_id, spec.ldt_ents if domain.need_full else 0)
            domain.vcpus.append(vcpu)
            self.vcpus[(spec.name, vcpu_id)] = vcpu
            if domain.need_full and spec.name not in self.config.never_set_gdt:
                self.set_gdt(vcpu, spec.gdt_frames)

    def set_gdt(self, vcpu: VCpu, frames: int) -> None:
        """`pv_set_gdt`: the zero page read-only in all 14 guest slots, then the guest frames."""
        l1, pte0 = vcpu.l1, vcpu.pte0
        for slot in range(FIRST_RESERVED_GDT_PAGE):
            l1[pte0 + slot] = l1e_from_pfn(self.zero_mfn, PAGE_HYPERVISOR_RO, nx=self.nx)
        vcpu.gdt_frames = []
        for index in range(frames):
            mfn = self.allocator.alloc(0, 0)
            # Guest-controlled content: a DPL1 data segment in entry 2, as a guest kernel might.
            self._name(mfn, f"{vcpu.name} GDT frame {index}", {2: 0x00CFB2000000FFFF})
            vcpu.gdt_frames.append(mfn)
            l1[pte0 + index] = l1e_from_pfn(mfn, PAGE_HYPERVISOR_RW, nx=self.nx)
        vcpu.guest_ptes = l1[pte0 : pte0 + FIRST_RESERVED_GDT_PAGE]

    # ---- switching ----------------------------------------------------------------------

    def lgdt(self, cpu: Cpu, base: int) -> None:
        """`lgdt` with Xen's limit (LAST_RESERVED_GDT_BYTE)."""
        cpu.gdtr_base = base
        cpu.gdtr_limit = self.gdt_limit
        cpu.vmexited = False

    def write_ptbase(self, cpu: Cpu, vcpu: VCpu) -> None:
        """CR3 switch: every non-global TLB entry is flushed (flushtlb.c:104-180)."""
        self.counts[ops.CR3_WRITES] += 1
        cpu.cr3 = vcpu
        cpu.epoch += 1
        if "no-tlb-flush" not in self.faults:
            cpu.tlb.clear()

    def ctxt_switch_to(self, cpu: Cpu, vcpu: VCpu) -> None:
        """`nd->arch.ctxt_switch->to(n)`: the XPTI root slot for PV, the VMCS host GDTR for VMX."""
        domain = vcpu.domain
        if domain.need_full:
            if self.topology.xpti and "no-xpti-copy" not in self.faults:
                cpu.root_pgt_perdomain = domain
        elif domain.hvm and vcpu.vmcs_cpu != cpu.id:
            # vmx_do_resume(): the VMCS moved here, so vmx_set_host_env() rewrites HOST_GDTR_BASE.
            vcpu.vmcs_cpu = cpu.id
            vcpu.host_gdtr_base = cpu.regular_va - FIRST_RESERVED_GDT_BYTE

    def flush_lazy_state(self, cpu: Cpu) -> None:
        """`__sync_local_execstate()` on `cpu`: the lazily held state goes, idle takes over."""
        self.counts[ops.FULL_SWITCHES] += 1
        self._count_class(cpu.owner, cpu.current)
        self.switch_body(self, cpu)

    def _count_class(self, owner: VCpu, nxt: VCpu) -> None:
        """The (P, N, S) class of gdt-model §3.5, as P*4 + N*2 + S."""
        index = owner.domain.need_full * 4 + nxt.domain.need_full * 2
        self.classes[index + (owner.vcpu_id == nxt.vcpu_id)] += 1

    def context_switch(self, cpu: Cpu, nxt: VCpu) -> None:
        """`context_switch(prev, next)` on `cpu` (domain.c:1752-1844)."""
        prev = cpu.current
        if nxt is prev:
            return  # the scheduler kept it running: no context_switch()
        if nxt.running != CLEAN:
            raise TraceError(
                f"step {self.step}: {nxt.name} is already running on CPU{nxt.running}; "
                f"it cannot be switched in on CPU{cpu.id}"
            )
        counts = self.counts
        counts[ops.SWITCHES] += 1
        dirty = nxt.dirty_cpu
        self.last_flush_cpu = CLEAN
        if dirty != CLEAN and dirty != cpu.id and "no-flush-handshake" not in self.faults:
            counts[ops.FLUSH_IPIS] += 1
            self.last_flush_cpu = dirty
            self.flush_lazy_state(self.cpus[dirty])  # synchronous: we wait for it
        prev.running = CLEAN
        nxt.running = cpu.id
        cpu.current = nxt
        if cpu.owner is nxt or (nxt.domain.is_idle and cpu.online):
            counts[ops.LAZY_SWITCHES] += 1
            return
        counts[ops.FULL_SWITCHES] += 1
        self._count_class(cpu.owner, nxt)
        self.switch_body(self, cpu)
        if nxt.domain.need_full:
            self.load_segments(cpu, nxt)

    def load_segments(self, cpu: Cpu, vcpu: VCpu) -> None:
        """The LDT part of `load_segments(n)`: `load_LDT`, or `svm_load_segs` on AMD for PV64."""
        ents = vcpu.ldt_ents
        if ents == 0:
            cpu.ldtr = None
        else:
            low, high = system_descriptor(vcpu.ldt_va, ents * 8 - 1, SYS_LDT)
            if self.topology.vendor == "amd" and not vcpu.domain.pv32:
                # svm_load_segs(): regular table's LDT slot, LDTR loaded by VMLOAD, no lldt.
                self._write_static(cpu.regular_va, LDT_INDEX, low)
                self._write_static(cpu.regular_va, LDT_INDEX + 1, high)
                cpu.ldtr = (vcpu.ldt_va, ents * 8 - 1)
            else:
                table = cpu.compat_va if vcpu.domain.pv32 else cpu.regular_va
                self._write_static(table, LDT_INDEX, low)
                self._write_static(table, LDT_INDEX + 1, high)
                self.counts[ops.LLDT] += 1
                cpu.ldtr = self.lldt(cpu)
        if self.after_segments is not None:
            self.after_segments(cpu, vcpu)

    def lldt(self, cpu: Cpu) -> tuple[int, int] | str:
        """`lldt 0xE050` through the live GDT: the LDTR, or the fault it takes."""
        views = self.descriptors(cpu, LDT_SELECTOR)
        raw = views[-1]
        if raw is None:
            self.lldt_faults.append((self.step, cpu.id, "#PF"))
            return "#PF"
        if not is_system(raw) or type_field(raw) != SYS_LDT:
            self.lldt_faults.append((self.step, cpu.id, "#GP"))
            return "#GP"
        if not present(raw):
            return "#NP"
        va = cpu.gdtr_base + (LDT_SELECTOR & ~7) + 8
        high = 0
        for mfn in self.frames_at(cpu, va)[-1:]:
            high = self.read_descriptor(mfn, va) or 0
        return descriptor_base(raw, high), descriptor_limit(raw)

    def vmexit(self, cpu: Cpu) -> None:
        """A VM exit of the running HVM vCPU: on VMX the GDTR limit becomes 0xFFFF."""
        vcpu = cpu.current
        if vcpu.domain.hvm and cpu.owner is vcpu and self.topology.vendor == "intel":
            cpu.gdtr_base = vcpu.host_gdtr_base
            cpu.gdtr_limit = 0xFFFF
            cpu.vmexited = True

    def vcpu(self, domain: str, vcpu_id: int) -> VCpu:
        """The vCPU by domain name and id (`idle`, cpu for idle vCPUs)."""
        try:
            return self.vcpus[(domain, vcpu_id)]
        except KeyError:
            raise TraceError(f"no vCPU {domain}.v{vcpu_id} in this topology") from None

    def slot_frame(self, vcpu: VCpu, slot: int) -> int | None:
        """The frame a PV vCPU's GDT page `slot` maps (None when empty)."""
        return pte_mfn(vcpu.slot_pte(slot))
