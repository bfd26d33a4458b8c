"""Scenarios T1-T25 of gdt-model §7, each with the outcome the spec lists, checked.

A scenario is one or more cases (a booted machine, a short trace, the faults it injects);
each case states what it expects and records what happened. Setup unless a case says
otherwise: CPUs 0-3 (0 is the BSP), A = 64-bit PV (vCPUs 0-3), B = 32-bit PV (0-1),
H = HVM (0-1). `run_scenario` runs one by name; `--inject` adds faults to every case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from reviewbot_gdt_sim.descriptors import describe
from reviewbot_gdt_sim.hazards import Hazard, classify
from reviewbot_gdt_sim.invariants import Violation, failed_invariants
from reviewbot_gdt_sim.layout import (
    FIRST_RESERVED_GDT_BYTE,
    FIRST_RESERVED_GDT_PAGE,
    XEN_VIRT_START,
    gdt_virt_start,
    pte_mfn,
)
from reviewbot_gdt_sim.machine import BOOT_GDT_OFFSET, Cpu, MachineConfig, VCpu
from reviewbot_gdt_sim.pdx import PdxLayout
from reviewbot_gdt_sim.simulate import RunResult, Session
from reviewbot_gdt_sim.trace import DomainSpec, Event, Topology

SETUP = Topology(
    cpus=4,
    domains=(
        DomainSpec("A", "pv64", 4),
        DomainSpec("B", "pv32", 2),
        DomainSpec("H", "hvm", 2),
    ),
)
#: T24's and T25's default lengths (`--switches` changes them).
RANDOM_SWITCHES = 20_000


def sw(cpu: int, domain: str, vcpu_id: int) -> Event:
    """A `switch` event."""
    return ("switch", cpu, domain, vcpu_id)


def idle(cpu: int) -> Event:
    """Switch `cpu` to its idle vCPU."""
    return ("switch", cpu, "idle", cpu)


@dataclass(frozen=True)
class Expectation:
    """One thing the spec says about a case, and whether it held."""

    what: str
    ok: bool
    actual: str

    def to_json(self) -> dict[str, object]:
        """Plain data for `--json`."""
        return {"what": self.what, "ok": self.ok, "actual": self.actual}


@dataclass
class CaseOutcome:
    """A case's run and its expectations."""

    label: str
    faults: frozenset[str]
    result: RunResult
    expectations: list[Expectation]
    hazards: list[Hazard] = field(default_factory=list)


@dataclass
class ScenarioOutcome:
    """A scenario's cases, merged for reporting."""

    name: str
    title: str
    spec: str
    variant: str
    cases: list[CaseOutcome]

    @property
    def invariants(self) -> dict[str, str]:
        """Per invariant: "fail" if any case failed it, else "pass" if any checked it."""
        merged: dict[str, str] = {}
        for case in self.cases:
            for name, state in case.result.invariants.items():
                old = merged.get(name)
                if state == "fail" or old is None or (old != "fail" and state == "pass"):
                    merged[name] = state
        return merged

    @property
    def violations(self) -> list[Violation]:
        """All cases' violations."""
        return [v for case in self.cases for v in case.result.violations]

    @property
    def hazards(self) -> list[Hazard]:
        """All cases' hazards (exposures and classified stray loads)."""
        return [h for case in self.cases for h in case.result.hazards + case.hazards]

    @property
    def counts(self) -> dict[str, int]:
        """The cases' counts, summed."""
        total: dict[str, int] = {}
        for case in self.cases:
            for name, value in case.result.counts.items():
                total[name] = total.get(name, 0) + value
        return total

    @property
    def expectations(self) -> list[Expectation]:
        """Every case's expectations, labelled."""
        return [
            replace(e, what=f"{case.label}: {e.what}") if len(self.cases) > 1 else e
            for case in self.cases
            for e in case.expectations
        ]

    @property
    def as_expected(self) -> bool:
        """Every expectation held."""
        return all(e.ok for e in self.expectations)

    def to_json(self) -> dict[str, object]:
        """Plain data for `--json`."""
        return {
            "scenario": self.name,
            "title": self.title,
            "spec": self.spec,
            "variant": self.variant,
            "as_expected": self.as_expected,
            "cases": [
                {
                    "label": case.label,
                    "faults": sorted(case.faults),
                    "invariants": case.result.invariants,
                    "expectations": [e.to_json() for e in case.expectations],
                    "violations": [v.to_json() for v in case.result.violations],
                    "nmi_views": [n.to_json() for n in case.result.nmi_views],
                }
                for case in self.cases
            ],
        }


class Case:
    """A booted machine for one case, with helpers to state expectations."""

    def __init__(
        self,
        label: str,
        variant: str,
        faults: frozenset[str],
        *,
        topology: Topology = SETUP,
        record_nmi: bool = False,
        **config: object,
    ) -> None:
        self.label = label
        self.faults = faults
        machine_config = MachineConfig(topology, variant, faults, **config)  # type: ignore[arg-type]
        self.session = Session(machine_config, record_nmi=record_nmi)
        self.m = self.session.m
        self.variant = variant
        self.expectations: list[Expectation] = []
        self.hazards: list[Hazard] = []
        self.last_classes = [0] * 8

    # ---- running and looking ---------------------------------------------------------

    def play(self, *events: Event) -> dict[str, int]:
        """Replay events; what they counted (and, in `last_classes`, which classes)."""
        before = list(self.m.classes)
        counts = self.session.play(events)
        self.last_classes = [a - b for a, b in zip(self.m.classes, before, strict=True)]
        return counts

    def inject(self, fault: str) -> None:
        """Break the next steps (in the machine and its I10 partner alike)."""
        self.m.inject(fault)
        if self.session.shadow is not None:
            self.session.shadow.inject(fault)
        self.faults = self.faults | {fault}

    def cpu(self, cpu: int) -> Cpu:
        """A CPU of the machine."""
        return self.m.cpus[cpu]

    def vcpu(self, name: str) -> VCpu:
        """`A.v0` or `I1`."""
        if name.startswith("I"):
            return self.m.vcpu("idle", int(name[1:]))
        domain, vcpu_id = name.split(".v")
        return self.m.vcpu(domain, int(vcpu_id))

    def slot(self, name: str, slot: int = FIRST_RESERVED_GDT_PAGE) -> str:
        """The frame a vCPU's GDT page `slot` maps, by name."""
        return self.m.frame_name(self.m.slot_frame(self.vcpu(name), slot))

    def live(self, cpu: int, page: int = 0) -> str:
        """The frame(s) slot 14 (+page) of the CPU's live GDT reads, by name."""
        c = self.cpu(cpu)
        frames = self.m.frames_at(c, c.gdtr_base + FIRST_RESERVED_GDT_BYTE + page * 4096)
        return " or ".join(self.m.frame_name(f) for f in frames)

    def lsl(self, cpu: int) -> str:
        """LSL(0xE060) through the live GDT (several values if the TLB disagrees)."""
        from reviewbot_gdt_sim.descriptors import limit

        values = self.m.descriptors(self.cpu(cpu), 0xE060)
        return " or ".join("fault" if v is None else str(limit(v)) for v in values)

    def selector(self, cpu: int, selector: int) -> str:
        """What `selector` reads through the live GDT, described."""
        values = self.m.descriptors(self.cpu(cpu), selector)
        return " or ".join("fault" if v is None else describe(v) for v in values)

    def regular_base(self, cpu: int) -> int:
        """VA(R[c]) - 0xE000."""
        return self.cpu(cpu).regular_va - FIRST_RESERVED_GDT_BYTE

    def failed(self, invariant: str) -> bool:
        """Whether the invariant failed so far in this case."""
        checker = self.session.checker
        return checker is not None and checker.failures[invariant] > 0

    # ---- stating expectations --------------------------------------------------------

    def expect(self, what: str, ok: bool, actual: object) -> None:
        """Record an expectation."""
        self.expectations.append(Expectation(what, bool(ok), str(actual)))

    def equal(self, what: str, actual: object, expected: object) -> None:
        """Expect `what` to equal `expected`."""
        shown = f"{expected:#x}" if isinstance(expected, int) and expected > 4096 else expected
        got = f"{actual:#x}" if isinstance(actual, int) and actual > 4096 else actual
        self.expect(f"{what} = {shown}", actual == expected, got)

    def counted(self, counts: dict[str, int], **expected: int) -> None:
        """Expect exact operation counts."""
        for name, value in expected.items():
            self.equal(name.replace("_", " "), counts.get(name, 0), value)

    def holds(self, *invariants: str) -> None:
        """Expect the invariants to have held throughout."""
        for name in invariants:
            self.expect(
                f"{name} holds", not self.failed(name), "fails" if self.failed(name) else "holds"
            )

    def breaks(self, *invariants: str) -> None:
        """Expect the invariants to be violated (fault injection)."""
        for name in invariants:
            self.expect(
                f"{name} is violated",
                self.failed(name),
                "violated" if self.failed(name) else "holds",
            )

    def all_hold(self, *, but: str = "") -> None:
        """Expect no invariant to fail (`but` one that the partner variant's fault breaks)."""
        failed = failed_invariants(self.session.result().invariants, but)
        what = "every invariant holds" + (f" but {but}" if but else "")
        self.expect(what, not failed, ", ".join(failed) or "all hold")

    def outcome(self) -> CaseOutcome:
        """The finished case."""
        return CaseOutcome(
            self.label, self.faults, self.session.result(), self.expectations, self.hazards
        )


Play = Callable[[str, frozenset[str], int, "int | None"], list[CaseOutcome]]


@dataclass(frozen=True)
class Scenario:
    """A named scenario: what it is, what the spec expects, how to play it."""

    name: str
    title: str
    spec: str
    play: Play
    faults: tuple[str, ...] = ()


# ---- T1-T10: single switches ---------------------------------------------------------------


def t1(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("boot", variant, inject)
    cpu = c.cpu(2)
    c.equal("owner of CPU2", cpu.owner.name, "I2")
    c.equal("GDTR base", cpu.gdtr_base, c.regular_base(2))
    c.equal("GDTR limit", cpu.gdtr_limit, 0xEFFF)
    c.equal("LSL(0xE060)", c.lsl(2), "2")
    if variant == "base":
        c.equal("cached l1e (none in base)", (cpu.gdt_l1e, cpu.compat_l1e), (0, 0))
    else:
        regular, compat = pte_mfn(cpu.gdt_l1e), pte_mfn(cpu.compat_l1e)
        c.equal("gdt_table_l1e[2] maps", c.m.frame_name(regular), "R[2]")
        c.equal("compat_gdt_table_l1e[2] maps", c.m.frame_name(compat), "C[2]")
    c.all_hold()
    return [c.outcome()]


def t2(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("I1 -> A.v0 on CPU1", variant, inject)
    counts = c.play(sw(1, "A", 0))
    c.equal("class", _class_of(c), "P0 N1")
    c.counted(counts, pte_writes=1, lgdt_default=0, cr3_writes=1, lgdt_full=1, lgdt=1)
    c.equal("slot 14 of A.v0", c.slot("A.v0"), "R[1]")
    c.equal("GDTR base", c.cpu(1).gdtr_base, 0xFFFF820000000000)
    c.all_hold()
    return [c.outcome()]


def t3(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("A.v0 -> B.v0 on CPU1", variant, inject)
    c.play(sw(1, "A", 0))
    counts = c.play(sw(1, "B", 0))
    c.equal("class", _class_of(c), "P1 N1 S1")
    c.counted(counts, pte_writes=1, lgdt=0)
    c.equal("slot 14 of B.v0", c.slot("B.v0"), "C[1]")
    c.equal("GDTR base", c.cpu(1).gdtr_base, 0xFFFF820000000000)
    c.equal("live slot 14", c.live(1), "C[1]")
    c.equal("selector 0xE019", c.selector(1, 0xE019), "DPL1 32-bit code")
    c.equal("LSL(0xE060)", c.lsl(1), "1")
    c.all_hold()
    return [c.outcome()]


def t4(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("B.v0 -> A.v0 on CPU1", variant, inject)
    c.play(sw(1, "A", 0), sw(1, "B", 0))
    before = c.vcpu("A.v0").slot_pte(FIRST_RESERVED_GDT_PAGE)
    counts = c.play(sw(1, "A", 0))
    c.counted(counts, pte_writes=1, lgdt=0)
    after = c.vcpu("A.v0").slot_pte(FIRST_RESERVED_GDT_PAGE)
    c.equal("slot 14 of A.v0", c.slot("A.v0"), "R[1]")
    c.equal("the rewritten PTE equals the old one", after, before)
    c.all_hold()
    return [c.outcome()]


def t5(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("A.v1 -> B.v0 on CPU2", variant, inject, record_nmi=True)
    c.play(sw(2, "A", 1))
    first_view = len(c.session.checker.nmi_views) if c.session.checker else 0
    counts = c.play(sw(2, "B", 0))
    c.equal("class", _class_of(c), "P1 N1 S0")
    c.equal("slot 14 of B.v0", c.slot("B.v0"), "C[2]")
    c.counted(counts, lgdt=2, lgdt_default=1, lgdt_full=1)
    views = {v.point: v for v in c.outcome().result.nmi_views[first_view:]}
    default = views.get("default")
    expected_frame = "C[2]" if variant == "base" else "R[2]"
    expected_base = (
        c.cpu(2).compat_va if variant == "base" else c.cpu(2).regular_va
    ) - FIRST_RESERVED_GDT_BYTE
    c.equal(
        "an NMI after the default lgdt sees",
        default.frames[0] if default else "no default lgdt",
        expected_frame,
    )
    c.equal("default GDTR base", default.base if default else 0, expected_base)
    c.expect(
        "every NMI view passes I4",
        all(v.passes for v in views.values()),
        ", ".join(f"{p}: {'ok' if v.passes else 'fails'}" for p, v in views.items()),
    )
    c.equal("final GDTR base", c.cpu(2).gdtr_base, gdt_virt_start(0))
    c.all_hold()
    return [c.outcome()]


def t6(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("B.v1 -> H.v0 on CPU0", variant, inject)
    c.play(sw(0, "B", 1))
    counts = c.play(sw(0, "H", 0))
    c.equal("class", _class_of(c), "P1 N0")
    c.counted(counts, pte_writes=0, lgdt=1, lgdt_default=1)
    c.equal(
        "GDTR base (boot_cpu_gdt_table - 0xE000, a Xen-image VA)",
        c.cpu(0).gdtr_base,
        XEN_VIRT_START + BOOT_GDT_OFFSET - FIRST_RESERVED_GDT_BYTE,
    )
    c.all_hold()
    return [c.outcome()]


def t7(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("H.v0 -> H.v1 on CPU0", variant, inject)
    c.play(sw(0, "H", 0))
    counts = c.play(sw(0, "H", 1))
    c.equal("class", _class_of(c), "P0 N0")
    c.counted(counts, pte_writes=0, lgdt=0)
    c.all_hold()
    return [c.outcome()]


def t8(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("H.v0 after a VM exit -> A.v3 on CPU3", variant, inject)
    c.play(sw(3, "H", 0), ("vmexit", 3))
    c.equal("GDTR limit after the VM exit", c.cpu(3).gdtr_limit, 0xFFFF)
    c.holds("I1")
    counts = c.play(sw(3, "A", 3))
    c.equal("class", _class_of(c), "P0 N1")
    c.counted(counts, pte_writes=1, lgdt=1, lgdt_full=1)
    c.equal("slot 14 of A.v3", c.slot("A.v3"), "R[3]")
    c.equal("GDTR base", c.cpu(3).gdtr_base, 0xFFFF820000060000)
    c.equal("GDTR limit", c.cpu(3).gdtr_limit, 0xEFFF)
    c.all_hold()
    return [c.outcome()]


def t9(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("lazy idle on CPU1", variant, inject)
    c.play(sw(1, "A", 0))
    counts = c.play(idle(1))
    c.equal("owner while idle", c.cpu(1).owner.name, "A.v0")
    c.equal("LSL while idle", c.lsl(1), "1")
    counts2 = c.play(sw(1, "A", 0))
    total = {k: counts[k] + counts2[k] for k in counts}
    c.counted(total, full_switches=0, lgdt=0, pte_writes=0, lazy_switches=2)
    c.equal("owner after A.v0 returns", c.cpu(1).owner.name, "A.v0")
    c.play(idle(1))
    counts = c.play(sw(1, "A", 1))
    c.equal("then I1 -> A.v1 switches from", "A.v0 (the owner)", "A.v0 (the owner)")
    c.equal("class", _class_of(c), "P1 N1 S0")
    c.counted(counts, full_switches=1, lgdt=2)
    c.all_hold()
    return [c.outcome()]


def t10(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("B.v0 -> I2 on CPU2", variant, inject)
    c.play(sw(2, "B", 0))
    counts = c.play(idle(2))
    c.counted(counts, full_switches=0, lazy_switches=1)
    cpu = c.cpu(2)
    c.equal("owner", cpu.owner.name, "B.v0")
    c.equal("current", cpu.current.name, "I2")
    live = c.live(2)
    c.equal("live slot 14", live, "C[2]")
    c.expect(
        "a checker keyed on current (idle => regular) would report a violation",
        live != "R[2]",
        f"live frame {live}, current {cpu.current.name}",
    )
    c.holds("I3")
    c.all_hold()
    return [c.outcome()]


# ---- T11-T16: migration, NMIs, hot-plug, boot order ---------------------------------


def t11(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("A.v0 migrates from CPU1 to CPU2", variant, inject)
    c.play(sw(1, "A", 0), idle(1))
    c.equal("A.v0 lazily held by", c.cpu(1).owner.name, "A.v0")
    counts = c.play(sw(2, "A", 0))
    c.counted(counts, flush_ipis=1, full_switches=2, lgdt_default=1, lgdt_full=1)
    c.equal("CPU1 GDTR base after the flush", c.cpu(1).gdtr_base, c.regular_base(1))
    c.equal("CPU1 CR3 after the flush", c.cpu(1).cr3.name, "I1")
    c.equal("slot 14 of A.v0", c.slot("A.v0"), "R[2]")
    c.equal("CPU2 GDTR base", c.cpu(2).gdtr_base, gdt_virt_start(0))
    c.holds("I7")
    c.all_hold()
    return [c.outcome()]


def t12(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("T11 without FLUSH_VCPU_STATE", variant, inject)
    c.play(sw(1, "A", 0), idle(1))
    c.equal("CPU1's TLB holds slot 14 of A.v0 as", c.live(1), "R[1]")
    c.inject("no-flush-handshake")
    counts = c.play(sw(2, "A", 0))
    c.counted(counts, flush_ipis=0)
    c.equal("CPU1 still owned by", c.cpu(1).owner.name, "A.v0")
    c.equal("CPU1's slot 14 (TLB or page walk)", c.live(1), "R[1] or R[2]")
    c.expect("LSL on CPU1 can read 2", "2" in c.lsl(1).split(" or "), c.lsl(1))
    c.breaks("I7", "I4")
    return [c.outcome()]


def t13(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    never = Case("B.v1 never ran", variant, inject)
    never.play(sw(2, "A", 1))
    never.inject("no-default-lgdt")
    never.play(sw(2, "B", 0))
    never.breaks("I8")
    never.expect(
        "an NMI after the CR3 switch finds slot 14 unmapped (#PF, then a triple fault)",
        any(
            "unmapped" in v.actual and v.invariant == "I8"
            for v in never.session.result().violations
        ),
        "; ".join(v.actual for v in never.session.result().violations if v.invariant == "I8")[:200],
    )
    elsewhere = Case("B.v1 last ran on CPU3", variant, inject)
    elsewhere.play(sw(3, "B", 1), sw(3, "H", 0), sw(2, "A", 1))
    elsewhere.inject("no-default-lgdt")
    elsewhere.play(sw(2, "B", 0))
    elsewhere.breaks("I8", "I7")
    found = [
        v.actual
        for v in elsewhere.session.result().violations
        if v.invariant == "I8" and "LSL" in v.expected
    ]
    elsewhere.expect(
        "LSL on CPU2 reads 3 after the CR3 switch", any("= 3" in a for a in found), found[:1]
    )
    return [never.outcome(), elsewhere.outcome()]


def t14(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("A.v0 -> B.v0 on CPU1, NMIs at every point", variant, inject, record_nmi=True)
    c.play(sw(1, "A", 0))
    first_view = len(c.session.checker.nmi_views) if c.session.checker else 0
    c.play(sw(1, "B", 0))
    views = {v.point: v for v in c.outcome().result.nmi_views[first_view:]}
    c.equal(
        "NMI before the CR3 switch sees", views["pte"].frames[0] if "pte" in views else "", "R[1]"
    )
    c.equal(
        "NMI after the CR3 switch sees", views["cr3"].frames[0] if "cr3" in views else "", "C[1]"
    )
    c.expect("every NMI passes I4/I8", all(v.passes for v in views.values()), len(views))
    c.holds("I4", "I8")
    c.all_hold()
    return [c.outcome()]


def t15(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    outcomes = []
    for label, faults in (
        ("as Xen does", inject),
        ("the l1e cached only at first boot", inject | {"stale-l1e-cache"}),
    ):
        c = Case(label, variant, faults)
        c.play(sw(3, "B", 0), sw(3, "H", 0))
        old = c.cpu(3).compat_mfns[0]
        c.play(("offline", 3), ("online", 3))
        new = c.cpu(3).compat_mfns[0]
        c.expect("the compat page is re-allocated elsewhere", new != old, f"{old:#x} -> {new:#x}")
        c.play(sw(3, "B", 0))
        if "stale-l1e-cache" in faults and variant != "base":
            c.equal("slot 14 of B.v0", c.slot("B.v0"), "C[3] (freed)")
            c.breaks("I3", "I11")
        else:
            c.equal("slot 14 of B.v0", c.slot("B.v0"), "C'[3]")
            c.all_hold(but="I10" if "stale-l1e-cache" in faults else "")
        outcomes.append(c.outcome())
    return outcomes


def t16(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    outcomes = []
    for label, faults in (
        ("the real order: relocation, then trap_init", inject),
        ("the BSP's l1e cached before relocation", inject | {"early-bsp-l1e"}),
        ("the BSP's l1e never cached", inject | {"zero-bsp-l1e"}),
    ):
        c = Case(label, variant, faults)
        c.play(sw(0, "A", 0))
        if variant == "base" or not faults & {"early-bsp-l1e", "zero-bsp-l1e"}:
            c.equal("slot 14 of A.v0", c.slot("A.v0"), "R[0]")
            c.all_hold(but="I10" if faults & {"early-bsp-l1e", "zero-bsp-l1e"} else "")
        elif "early-bsp-l1e" in faults:
            c.equal("slot 14 of A.v0", c.slot("A.v0"), "R[0] before relocation")
            c.equal("TSS descriptor through it", c.selector(0, 0xE040), "null")
            c.breaks("I3", "I4", "I11")
        else:
            c.equal("slot 14 of A.v0", c.slot("A.v0"), "unmapped")
            c.breaks("I4", "I11")
            c.expect(
                "FOLLOW-UP-2's ASSERT(gdt_l1e) would fire",
                c.cpu(0).gdt_l1e == 0,
                f"gdt_table_l1e[0] = {c.cpu(0).gdt_l1e:#x}",
            )
        outcomes.append(c.outcome())
    return outcomes


# ---- T17-T19: PDX and the "mfn + i" loop ------------------------------------------------


def t17(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("NR_RESERVED_GDT_PAGES = 2", variant, inject, reserved_pages=2)
    c.play(sw(1, "A", 0))
    c.equal("slot 14 of A.v0", c.slot("A.v0"), "R[1] page 0")
    if variant == "base":
        c.equal("slot 15 of A.v0", c.slot("A.v0", 15), "R[1] page 1")
        c.equal("a descriptor at 0xF008", c.selector(1, 0xF008), "null")
        c.all_hold()
    else:
        c.equal("slot 15 of A.v0", c.slot("A.v0", 15), "unmapped")
        c.equal("a descriptor at 0xF008", c.selector(1, 0xF008), "fault")
        c.breaks("I3")
    return [c.outcome()]


def t18(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    topology = Topology(cpus=2, domains=(DomainSpec("A", "pv64", 1),))
    c = Case(
        "guard off, bottom_shift 1, hole_shift 1, a 4-page GDT at pdx 0",
        variant,
        inject | {"pdx-no-guard"},
        topology=topology,
        reserved_pages=4,
        pdx=PdxLayout(bottom_shift=1, hole_shift=1),
        pinned_gdt=((1, 0),),
    )
    cpu = c.cpu(1)
    c.equal("true frames of CPU1's GDT", cpu.regular_mfns, [0, 1, 4, 5])
    c.equal("virt_to_mfn of its first page", c.m.virt_to_mfn(cpu.regular_va), 0)
    c.play(sw(1, "A", 0))
    mapped = [c.m.slot_frame(c.vcpu("A.v0"), 14 + i) for i in range(4)]
    if variant == "base":
        c.equal("frames base maps in slots 14-17", mapped, [0, 1, 2, 3])
    else:
        c.equal("frames patched maps in slots 14-17", mapped, [0, None, None, None])
    c.breaks("I3")
    return [c.outcome()]


def t19(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case(
        "realistic PDX, CPU3's GDT at mfn 0x10000123",
        variant,
        inject,
        pinned_gdt=((3, 0x10000123),),
    )
    c.equal(
        "PDX layout (bottom_shift, hole_shift)", (c.m.pdx.bottom_shift, c.m.pdx.hole_shift), (21, 7)
    )
    c.play(sw(3, "A", 0))
    c.equal("slot-14 PTE of A.v0", c.vcpu("A.v0").slot_pte(14), 0x8000010000123063)
    c.all_hold()
    return [c.outcome()]


# ---- T20-T23: stray selectors, flavours, LDT, offline ------------------------------------


def t20(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("stray selector 0x10", variant, inject)
    c.play(sw(2, "H", 0))
    cpu = c.cpu(2)
    frame = c.m.static_frame(cpu.gdtr_base + 0x10)
    pdx = c.m.pdx.pfn_to_pdx(frame)
    c.equal(
        "0x10 reads the directmap page 14 before R[2]",
        pdx,
        c.m.pdx.pfn_to_pdx(cpu.regular_mfns[0]) - 14,
    )
    outcomes = {}
    for what, raw in (
        ("a present data descriptor", 0x00CF92000000FFFF),
        ("zeroes", 0),
        ("a not-present data descriptor", 0x00CF12000000FFFF),
    ):
        c.m.memory[frame] = {2: raw}
        c.m.frame_names[frame] = f"RAM before R[2] holding {what}"
        hazard = classify(c.m, cpu, 0x10)
        c.hazards.append(hazard)
        outcomes[what] = hazard.outcome
    c.equal(
        "mov $0x10, %ds with H.v0 the owner",
        outcomes,
        {
            "a present data descriptor": "loads",
            "zeroes": "#GP",
            "a not-present data descriptor": "#NP",
        },
    )
    c.play(sw(2, "A", 0))
    guest = classify(c.m, cpu, 0x10)
    zero = classify(c.m, cpu, 0x1010)
    c.hazards.extend([guest, zero])
    c.equal("with A.v0 the owner, 0x10 reads", guest.memory, "A.v0 GDT frame 0")
    c.equal("... and loads its guest-controlled descriptor", guest.outcome, "loads")
    c.equal(
        "0x1010 reads the zero page and faults", (zero.memory, zero.outcome), ("zero page", "#GP")
    )
    return [c.outcome()]


def t21(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("slot 14 of B.v0 = R[1]", variant, inject | {"flavour-mismatch"})
    c.play(sw(1, "B", 0))
    c.equal("slot 14 of B.v0", c.slot("B.v0"), "R[1]")
    c.equal("0xE019 (FLAT_COMPAT_RING1_CS)", c.selector(1, 0xE019), "null")
    c.equal("0xE02B (FLAT_COMPAT_RING3_CS)", c.selector(1, 0xE02B), "DPL3 data")
    c.breaks("I5", "I3")
    return [c.outcome()]


def t22(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    topology = replace(
        SETUP,
        domains=(
            DomainSpec("A", "pv64", 4),
            DomainSpec("B", "pv32", 2, ldt_ents=16),
            DomainSpec("H", "hvm", 2),
        ),
    )
    outcomes = []
    for label, faults in (
        ("as Xen does", inject),
        ("with T21's flavour mismatch", inject | {"flavour-mismatch"}),
    ):
        c = Case(label, variant, faults, topology=topology)
        counts = c.play(sw(1, "B", 0))
        c.counted(counts, lldt=1)
        ldt = c.m.memory[c.cpu(1).compat_mfns[0]].get(10, 0)
        c.equal("load_LDT wrote C[1]'s LDT slot", describe(ldt), "LDT")
        if "flavour-mismatch" in faults:
            c.equal("lldt through R[1]", c.cpu(1).ldtr, "#GP")
            c.breaks("I9")
        else:
            c.equal("LDTR", c.cpu(1).ldtr, (0xFFFF820000010000, 127))
            c.all_hold()
        outcomes.append(c.outcome())
    return outcomes


def t23(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    c = Case("A.v0 -> idle as CPU2 goes offline", variant, inject)
    c.play(sw(2, "A", 0))
    counts = c.play(("offline", 2))
    c.counted(counts, full_switches=1, lazy_switches=0, lgdt_default=1, lgdt_full=0)
    c.equal("class", _class_of(c), "P1 N0")
    c.equal("GDTR base", c.cpu(2).gdtr_base, c.regular_base(2))
    c.equal("CR3", c.cpu(2).cr3.name, "I2")
    c.all_hold()
    return [c.outcome()]


# ---- T24-T25: workloads ---------------------------------------------------------------------


def t24(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    from reviewbot_gdt_sim.simulate import run
    from reviewbot_gdt_sim.workload import make_workload

    workload = make_workload("random", seed, switches=switches or RANDOM_SWITCHES)
    c = Case(f"followup1 over {workload.name}", "followup1", inject, topology=workload.topology)
    c.play(*workload.events)
    resumes = sum(1 for e in workload.events if e[0] == "resume")
    c.expect("the trace includes S3 resume", resumes > 0, f"{resumes} resumes")
    c.holds("I12")
    patched = run(
        MachineConfig(workload.topology, "patched", inject), workload.events, checked=False
    )
    mine = c.m.counts
    from reviewbot_gdt_sim import ops

    c.equal("lgdt count, followup1 against patched", mine[ops.LGDT], patched.counts["lgdt"])
    c.all_hold()
    return [c.outcome()]


def t25(variant: str, inject: frozenset[str], seed: int, switches: int | None) -> list[CaseOutcome]:
    from reviewbot_gdt_sim.workload import make_workload

    workload = make_workload("juergen", seed, switches=switches)
    c = Case(f"{variant} over {workload.name}", variant, inject, topology=workload.topology)
    c.play(*workload.events)
    c.all_hold()
    result = c.session.result()
    partner = result.partner_counts or {}
    mine = result.counts
    for name in ("lgdt", "cr3_writes", "pte_writes"):
        c.equal(f"{name} equal in {variant} and its partner", mine[name], partner.get(name))
    base, patched = (mine, partner) if variant == "base" else (partner, mine)
    c.equal(
        "base's virt_to_mfn count (one per switch into PV)",
        base.get("virt_to_mfn"),
        result.switches_into_pv,
    )
    c.equal("patched's virt_to_mfn count", patched.get("virt_to_mfn"), 0)
    return [c.outcome()]


def _class_of(c: Case) -> str:
    """The (P, N, S) class of the `__context_switch` the last `play` made."""
    changed = [i for i, n in enumerate(c.last_classes) if n]
    if len(changed) != 1 or c.last_classes[changed[0]] != 1:
        return f"{sum(c.last_classes)} switches in {len(changed)} classes"
    p, n, s = changed[0] >> 2 & 1, changed[0] >> 1 & 1, changed[0] & 1
    return f"P{p} N{n} S{s}" if p and n else f"P{p} N{n}"


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "T1",
            "boot: CPU2 after cpu_init",
            "Owner I2, GDTR = (VA(R[2])-0xE000, 0xEFFF), LSL = 2; patched has both l1e cached.",
            t1,
        ),
        Scenario(
            "T2",
            "I1 -> A.v0 on CPU1",
            "(0,1): one PTE write (slot 14 = R[1]), no default load, CR3, full lgdt at "
            "0xFFFF820000000000; lgdt = 1.",
            t2,
        ),
        Scenario(
            "T3",
            "A.v0 -> B.v0 on CPU1",
            "(1,1,S=1): slot 14 of B.v0 = C[1], no lgdt; 0xE019 is DPL1 code; LSL = 1.",
            t3,
        ),
        Scenario(
            "T4",
            "B.v0 -> A.v0 on CPU1",
            "Slot 14 of A.v0 rewritten to R[1] (the same value); lgdt = 0.",
            t4,
        ),
        Scenario(
            "T5",
            "A.v1 -> B.v0 on CPU2",
            "(1,1,S=0): default lgdt is C[2] in base, R[2] in patched; both pass I4; lgdt = 2; "
            "end states equal.",
            t5,
        ),
        Scenario(
            "T6",
            "B.v1 -> H.v0 on CPU0",
            "(1,0): default lgdt at boot_cpu_gdt_table - 0xE000 (Xen image) in both; no PTE "
            "write; lgdt = 1.",
            t6,
        ),
        Scenario("T7", "H.v0 -> H.v1 on CPU0", "(0,0): no GDT work.", t7),
        Scenario(
            "T8",
            "H.v0 after a VM exit -> A.v3 on CPU3",
            "(0,1): slot 14 of A.v3 = R[3]; full lgdt base 0xFFFF820000060000, limit 0xEFFF; I1 "
            "accepts 0xFFFF before.",
            t8,
        ),
        Scenario(
            "T9",
            "lazy idle: A.v0 -> I1 -> A.v0, then A.v1",
            "No __context_switch, lgdt or PTE write; owner A.v0, LSL = 1; then A.v0 -> A.v1 (S=0) "
            "lgdt = 2.",
            t9,
        ),
        Scenario(
            "T10",
            "lazy idle on 32-bit PV: B.v0 -> I2",
            "Idle runs on C[2] (owner B.v0): a current-keyed checker would fail; the owner-keyed "
            "I3 passes.",
            t10,
        ),
        Scenario(
            "T11",
            "migration of A.v0 from CPU1 to CPU2",
            "FLUSH_VCPU_STATE first: CPU1 loads R[1] and switches to idle CR3; then CPU2 writes "
            "slot 14 = R[2]; I7 holds.",
            t11,
        ),
        Scenario(
            "T12",
            "T11 without the flush hand-off",
            "CPU1 still runs on A.v0's GDT when CPU2 rewrites slot 14: LSL on CPU1 = 2 (or 1 from "
            "a stale TLB entry): I7/I4 fail.",
            t12,
            ("no-flush-handshake",),
        ),
        Scenario(
            "T13",
            "T5 without the default lgdt",
            "After CR3 the GDTR points into B.v1's window: unmapped (#PF, triple fault) or C[3] "
            "with LSL = 3: I8/I7 fail.",
            t13,
            ("no-default-lgdt",),
        ),
        Scenario(
            "T14",
            "T3 with NMIs at every point",
            "Before CR3 an NMI resolves R[1], after it C[1]; all pass I4/I8.",
            t14,
        ),
        Scenario(
            "T15",
            "CPU3 offline and online, then B.v0 on CPU3",
            "The compat page moves to C'[3]; patched recomputes its l1e; with the l1e cached only "
            "at first boot, slot 14 maps the freed C[3] (I3/I11); base is immune.",
            t15,
            ("stale-l1e-cache",),
        ),
        Scenario(
            "T16",
            "the BSP's l1e and Xen's relocation",
            "The real order passes; caching before relocation maps the stale copy without the TSS "
            "(I3/I4/I11); a zero l1e faults, which FOLLOW-UP-2's ASSERT catches.",
            t16,
            ("early-bsp-l1e", "zero-bsp-l1e"),
        ),
        Scenario(
            "T17",
            "NR_RESERVED_GDT_PAGES = 2 (hypothetical)",
            "Base maps slots 14 and 15 correctly; patched maps only slot 14, so 0xF000-0xFFFF "
            "faults: patched is wrong, base right.",
            t17,
        ),
        Scenario(
            "T18",
            "PDX fault injection: the 'mfn + i' bug",
            "Guard off, bottom_shift 1, hole_shift 1, 4-page GDT at pdx 0: base maps 0,1,2,3 "
            "(true 0,1,4,5); patched maps page 0 only.",
            t18,
            ("pdx-no-guard",),
        ),
        Scenario(
            "T19",
            "realistic PDX, a GDT at mfn 0x10000123",
            "Both versions write PTE 0x8000010000123063 (I10).",
            t19,
        ),
        Scenario(
            "T20",
            "stray selector 0x10",
            "With H.v0 the owner, 0x10 reads the directmap page 14 before R[2]: loads, #GP or #NP "
            "by content; with A.v0, A's guest GDT or the zero page (#GP).",
            t20,
        ),
        Scenario(
            "T21",
            "flavour mismatch: slot 14 of B.v0 = R[1]",
            "0xE019 hits the null slot, 0xE02B is data not code: I5 fails.",
            t21,
            ("flavour-mismatch",),
        ),
        Scenario(
            "T22",
            "LDT of B.v0 (16 entries) on CPU1",
            "load_LDT writes C[1], lldt reads it through slot 14: LDTR 0xFFFF820000010000/127 "
            "(I9); with T21's fault lldt reads R[1] and I9 fails.",
            t22,
        ),
        Scenario(
            "T23",
            "A.v0 -> idle as CPU2 goes offline",
            "Not lazy: a full (1,0) switch, default lgdt R[2], CR3 to idle.",
            t23,
        ),
        Scenario(
            "T24",
            "FOLLOW-UP-1 over random traces with S3 resume",
            "load_system_tables resets the flag; I12 holds; lgdt counts equal patched's.",
            t24,
        ),
        Scenario(
            "T25",
            "Juergen's workload, 60 s simulated",
            "All invariants hold in both; equal lgdt/CR3/PTE counts; patched does no virt_to_mfn "
            "(base: one per switch into PV).",
            t25,
        ),
    )
}


class ScenarioRuns:
    """Scenario outcomes by (name, variant), each run once (scenarios are deterministic)."""

    def __init__(self, seed: int = 1) -> None:
        self.seed = seed
        self._done: dict[tuple[str, str], ScenarioOutcome] = {}

    def get(self, name: str, variant: str) -> ScenarioOutcome:
        """The outcome of `name` on `variant`, run on first use."""
        key = (name, variant)
        if key not in self._done:
            self._done[key] = run_scenario(name, variant, seed=self.seed)
        return self._done[key]


def run_scenario(
    name: str,
    variant: str = "patched",
    inject: frozenset[str] = frozenset(),
    seed: int = 1,
    switches: int | None = None,
) -> ScenarioOutcome:
    """Run scenario `name` (T1-T25) on `variant`, with extra faults injected."""
    scenario = SCENARIOS.get(name.upper())
    if scenario is None:
        raise ValueError(f"unknown scenario {name!r}; pick from T1-T{len(SCENARIOS)}")
    cases = scenario.play(variant, frozenset(inject), seed, switches)
    return ScenarioOutcome(scenario.name, scenario.title, scenario.spec, variant, cases)
