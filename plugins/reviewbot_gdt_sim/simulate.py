"""Replay a trace on a machine, checked or not, and collect what it did.

Checked runs install the invariant checker (I1-I9, I11-I14 after every event and at every
injection point) and step a second machine running the comparison variant in lock step for
I10 (base against patched; patched and followup1 against base). Unchecked runs only count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from reviewbot_gdt_sim import ops
from reviewbot_gdt_sim.hazards import Hazard, exposure
from reviewbot_gdt_sim.invariants import INVARIANTS, Checker, NmiView, Violation
from reviewbot_gdt_sim.layout import FIRST_RESERVED_GDT_PAGE
from reviewbot_gdt_sim.machine import Cpu, Machine, MachineConfig, TraceError, VCpu
from reviewbot_gdt_sim.trace import NMI, OFFLINE, ONLINE, RESUME, SWITCH, VMEXIT, Event

#: I10's partner for each variant.
PARTNER = {"base": "patched", "patched": "base", "followup1": "base"}
#: The classes of gdt-model §3.5, by P*4 + N*2 + S.
CLASS_NAMES = (
    "P0 N0 S0",
    "P0 N0 S1",
    "P0 N1 S0",
    "P0 N1 S1",
    "P1 N0 S0",
    "P1 N0 S1",
    "P1 N1 S0",
    "P1 N1 S1",
)
_CODES = {SWITCH: 0, VMEXIT: 1, OFFLINE: 2, ONLINE: 3, RESUME: 4, NMI: 5}
Step = tuple[int, Cpu | None, VCpu | None]


@dataclass
class RunResult:
    """What one variant did over one trace."""

    variant: str
    checked: bool
    events: int
    counts: dict[str, int]
    classes: dict[str, int]
    invariants: dict[str, str]
    violations: list[Violation] = field(default_factory=list)
    violation_count: int = 0
    hazards: list[Hazard] = field(default_factory=list)
    nmi_views: list[NmiView] = field(default_factory=list)
    machine: Machine | None = field(default=None, repr=False)
    partner: Machine | None = field(default=None, repr=False)

    @property
    def partner_counts(self) -> dict[str, int] | None:
        """The I10 partner variant's counts over the same trace (checked runs)."""
        return ops.as_dict(self.partner.counts) if self.partner is not None else None

    @property
    def switches_into_pv(self) -> int:
        """`__context_switch` calls whose next owner is a PV guest (the N1 classes)."""
        return sum(n for name, n in self.classes.items() if "N1" in name)

    @property
    def passed(self) -> bool:
        """No invariant failed."""
        return "fail" not in self.invariants.values()


def compile_trace(m: Machine, events: Sequence[Event]) -> list[Step]:
    """Resolve names once: (code, cpu, vcpu) per event; a one-line TraceError when bad."""
    steps: list[Step] = []
    ncpus = len(m.cpus)
    for index, event in enumerate(events):
        code = _CODES.get(str(event[0]))
        if code is None:
            raise TraceError(f"event {index}: unknown event {event[0]!r}")
        if code == 4:
            steps.append((4, None, None))
            continue
        cpu_id = int(event[1])
        if not 0 <= cpu_id < ncpus:
            raise TraceError(f"event {index}: no CPU{cpu_id} (the host has {ncpus})")
        vcpu = None
        if code == 0:
            if len(event) != 4:
                raise TraceError(f"event {index}: a switch needs (switch, cpu, domain, vcpu_id)")
            vcpu = m.vcpu(str(event[2]), int(event[-1]))
        steps.append((code, m.cpus[cpu_id], vcpu))
    return steps


def replay(
    m: Machine,
    steps: Sequence[Step],
    checker: Checker | None = None,
    shadow: Machine | None = None,
    shadow_steps: Sequence[Step] = (),
    first: int = 0,
) -> set[tuple[int, str, int]]:
    """Run the steps; returns the hazard keys seen (checked runs only)."""
    exposures: set[tuple[int, str, int]] = set()
    context_switch = m.context_switch
    for step, (code, cpu, vcpu) in enumerate(steps, first):
        m.step = step
        if code == 0:
            assert cpu is not None and vcpu is not None
            if not cpu.online:
                raise TraceError(f"step {step}: CPU{cpu.id} is offline")
            context_switch(cpu, vcpu)
        elif code == 1:
            assert cpu is not None
            m.vmexit(cpu)
        elif code == 2:
            assert cpu is not None
            if cpu.id == 0 or not cpu.online:
                raise TraceError(f"step {step}: CPU{cpu.id} cannot go offline")
            m.cpu_down(cpu)
        elif code == 3:
            assert cpu is not None
            if cpu.online:
                raise TraceError(f"step {step}: CPU{cpu.id} is already online")
            m.cpu_up(cpu)
        elif code == 4:
            m.resume()
        if shadow is not None:
            _shadow_step(shadow, shadow_steps[step - first], step)
        if checker is None:
            continue
        if code == 5:
            assert cpu is not None
            checker.at_point(cpu, "nmi")
        elif code in (3, 4):
            checker.check_all()
        elif cpu is not None and cpu.online:
            checker.after_event(cpu)
        if cpu is not None and shadow is not None:
            _compare(m, shadow, checker, cpu)
        for each in (cpu,) if cpu is not None else tuple(m.cpus):
            if each.online and not each.owner.domain.need_full:
                exposures.add((each.id, each.owner.name, each.gdtr_limit))
    return exposures


def _shadow_step(shadow: Machine, step_data: Step, step: int) -> None:
    shadow.step = step
    code, cpu, vcpu = step_data
    if code == 0:
        assert cpu is not None and vcpu is not None
        shadow.context_switch(cpu, vcpu)
    elif code == 1:
        assert cpu is not None
        shadow.vmexit(cpu)
    elif code == 2:
        assert cpu is not None
        shadow.cpu_down(cpu)
    elif code == 3:
        assert cpu is not None
        shadow.cpu_up(cpu)
    elif code == 4:
        shadow.resume()


def _compare(m: Machine, shadow: Machine, checker: Checker, cpu: Cpu) -> None:
    """I10: the same final GDTR and the same slot-14 PTE of the owner in both variants."""
    other = shadow.cpus[cpu.id]
    if (cpu.gdtr_base, cpu.gdtr_limit) != (other.gdtr_base, other.gdtr_limit):
        checker.fail(
            cpu,
            "I10",
            f"GDTR {other.gdtr_base:#x}/{other.gdtr_limit:#x} as in {shadow.variant}",
            f"GDTR {cpu.gdtr_base:#x}/{cpu.gdtr_limit:#x}",
            "after the switch",
        )
    owner = cpu.owner
    if owner.domain.need_full:
        mine = owner.slot_pte(FIRST_RESERVED_GDT_PAGE)
        theirs = shadow.vcpus[(owner.domain.name, owner.vcpu_id)].slot_pte(FIRST_RESERVED_GDT_PAGE)
        if mine != theirs:
            checker.fail(
                cpu,
                "I10",
                f"slot-14 PTE {theirs:#x} as in {shadow.variant}",
                f"slot-14 PTE {mine:#x}",
                "after the switch",
            )


def applicable(variant: str, checked: bool) -> set[str]:
    """The invariants a run of this variant checks."""
    if not checked:
        return set()
    names = set(INVARIANTS)
    if variant == "base":
        names.discard("I11")
    if variant != "followup1":
        names.discard("I12")
    return names


class Session:
    """A booted machine (with its checker and I10 partner) that plays events in instalments."""

    def __init__(
        self,
        config: MachineConfig,
        *,
        checked: bool = True,
        record_nmi: bool = False,
        compare: bool = True,
    ) -> None:
        self.config = config
        self.checked = checked
        self.compare = compare and checked
        self.m = Machine(config)
        self.checker: Checker | None = None
        self.shadow: Machine | None = None
        self.events = 0
        self._exposures: set[tuple[int, str, int]] = set()
        if checked:
            self.checker = Checker(self.m, record_nmi=record_nmi)
            self.checker.install()
            self.checker.check_all("after boot")
        if self.compare:
            self.shadow = Machine(replace(config, variant=PARTNER[config.variant]))

    def play(self, events: Sequence[Event]) -> dict[str, int]:
        """Replay more events; returns what they counted."""
        before = list(self.m.counts)
        steps = compile_trace(self.m, events)
        shadow_steps = compile_trace(self.shadow, events) if self.shadow is not None else []
        self._exposures |= replay(
            self.m, steps, self.checker, self.shadow, shadow_steps, first=self.events
        )
        self.events += len(events)
        return {
            name: after - earlier
            for name, after, earlier in zip(ops.NAMES, self.m.counts, before, strict=True)
        }

    def result(self) -> RunResult:
        """Everything so far."""
        m, checker = self.m, self.checker
        names = applicable(self.config.variant, self.checked)
        if not self.compare:
            names.discard("I10")
        invariants = (
            checker.results(names)
            if checker is not None
            else dict.fromkeys(INVARIANTS, "unchecked")
        )
        hazards: list[Hazard] = []
        for cpu_id, _owner, _limit in sorted(self._exposures):
            cpu = m.cpus[cpu_id]
            hazard = exposure(m, cpu) if cpu.online else None
            if hazard is not None and hazard not in hazards:
                hazards.append(hazard)
        return RunResult(
            variant=self.config.variant,
            checked=self.checked,
            events=self.events,
            counts=ops.as_dict(m.counts),
            classes=dict(zip(CLASS_NAMES, m.classes, strict=True)),
            invariants=invariants,
            violations=list(checker.violations) if checker else [],
            violation_count=sum(checker.failures.values()) if checker else 0,
            hazards=hazards,
            nmi_views=list(checker.nmi_views) if checker else [],
            machine=m,
            partner=self.shadow,
        )


def run(
    config: MachineConfig,
    events: Sequence[Event],
    *,
    checked: bool = True,
    record_nmi: bool = False,
    compare: bool = True,
) -> RunResult:
    """Boot a machine, replay the trace, and report counts, invariants and hazards.

    With `compare` (checked runs), the partner variant replays the same trace in lock step:
    I10 is checked and `RunResult.partner` holds its machine (and so its counts).
    """
    session = Session(config, checked=checked, record_nmi=record_nmi, compare=compare)
    session.play(events)
    return session.result()
