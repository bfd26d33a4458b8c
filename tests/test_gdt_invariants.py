"""Every invariant checker of the GDT model fires on a deliberately broken model.

Each test boots a healthy machine, checks that the invariant holds, then breaks one thing
(a fault injection, or a write into the modelled state) and checks that exactly that
invariant reports, with the step, CPU, owner, expected and actual values.
"""

from __future__ import annotations

import pytest
from reviewbot_gdt_sim.descriptors import system_descriptor
from reviewbot_gdt_sim.invariants import INVARIANTS, Checker
from reviewbot_gdt_sim.layout import FIRST_RESERVED_GDT_PAGE, l1e_from_pfn
from reviewbot_gdt_sim.machine import Machine, MachineConfig, TraceError
from reviewbot_gdt_sim.scenarios import SETUP, sw
from reviewbot_gdt_sim.simulate import Session, run
from reviewbot_gdt_sim.trace import DomainSpec, Topology


def session(variant: str = "patched", **config: object) -> Session:
    return Session(MachineConfig(SETUP, variant, **config))  # type: ignore[arg-type]


def failed(s: Session) -> set[str]:
    assert s.checker is not None
    return {name for name, count in s.checker.failures.items() if count}


def recheck(s: Session, cpu: int) -> set[str]:
    assert s.checker is not None
    s.checker.check_cpu(s.m.cpus[cpu])
    return failed(s)


def test_a_healthy_machine_passes_every_invariant_on_every_variant() -> None:
    events = [sw(1, "A", 0), sw(1, "B", 0), sw(2, "A", 1), sw(2, "B", 1), sw(0, "H", 0)]
    for variant in ("base", "patched", "followup1"):
        result = run(MachineConfig(SETUP, variant), events)
        assert result.violation_count == 0
        assert set(result.invariants.values()) <= {"pass", "n/a"}


def test_i1_fires_on_a_wrong_limit() -> None:
    s = session()
    s.play([sw(1, "A", 0)])
    s.m.cpus[1].gdtr_limit = 0xFFFF  # only an HVM owner after a VMX exit may have this
    assert recheck(s, 1) == {"I1"}
    assert s.checker is not None
    v = s.checker.violations[0]
    assert (v.cpu, v.vcpu, v.invariant, v.expected, v.actual) == (
        1,
        "A.v0",
        "I1",
        "limit 0xefff",
        "limit 0xffff",
    )


def test_i1_accepts_the_vmx_exit_limit_but_not_on_svm() -> None:
    intel = session()
    intel.play([sw(3, "H", 0), ("vmexit", 3)])
    assert intel.m.cpus[3].gdtr_limit == 0xFFFF
    assert failed(intel) == set()
    amd = Session(MachineConfig(Topology(4, SETUP.domains, vendor="amd")))
    amd.play([sw(3, "H", 0), ("vmexit", 3)])
    assert amd.m.cpus[3].gdtr_limit == 0xEFFF  # SVM leaves the GDTR alone
    amd.m.cpus[3].gdtr_limit = 0xFFFF
    assert recheck(amd, 3) == {"I1"}


def test_i2_fires_on_a_wrong_base() -> None:
    s = session()
    s.play([sw(1, "H", 0)])
    s.m.cpus[1].gdtr_base += 0x1000
    assert "I2" in recheck(s, 1)


def test_i3_fires_on_the_wrong_flavour() -> None:
    s = session()
    s.play([sw(1, "B", 0)])
    assert failed(s) == set()
    s.m.inject("flavour-mismatch")
    s.play([sw(1, "A", 0), sw(1, "B", 0)])
    assert {"I3", "I5"} <= failed(s)


def test_i4_fires_on_a_wrong_per_cpu_marker_cs_and_tss() -> None:
    s = session()
    s.play([sw(1, "A", 0)])
    frame = s.m.memory[s.m.cpus[1].regular_mfns[0]]
    frame[12] = 0x0000910000000000 | 2
    assert recheck(s, 1) == {"I4"}
    assert s.checker is not None
    assert s.checker.violations[-1].actual.startswith("LSL(0xE060) = 2 via R[1]")
    frame[12] = 0x0000910000000000 | 1
    frame[1] = 0x00CF9A000000FFFF  # 32-bit code in the 64-bit CS slot
    s.checker.failures["I4"] = 0
    assert recheck(s, 1) == {"I4"}
    frame[1] = 0x00AF9A000000FFFF
    frame[8], frame[9] = system_descriptor(0xFFFF82D080603000, 0x67, 0xB)
    s.checker.failures["I4"] = 0
    assert recheck(s, 1) == {"I4"}
    assert "TSS at 0xffff82d080603000" in s.checker.violations[-1].actual


def test_i5_fires_on_a_broken_flat_selector() -> None:
    s = session()
    s.play([sw(1, "A", 0)])
    s.m.memory[s.m.cpus[1].regular_mfns[0]][6] = 0x00CFF2000000FFFF  # 0xE033 made data
    assert recheck(s, 1) == {"I5"}
    assert s.checker is not None
    assert s.checker.violations[-1].actual == "0xe033 = DPL3 data via R[1]"


def test_i6_fires_when_a_guest_slot_or_page_15_changes() -> None:
    s = session()
    s.play([sw(1, "A", 0)])
    vcpu = s.m.vcpu("A", 0)
    vcpu.l1[vcpu.pte0 + 3] = l1e_from_pfn(0x1234)
    assert recheck(s, 1) == {"I6"}
    vcpu.l1[vcpu.pte0 + 3] = vcpu.guest_ptes[3]
    vcpu.l1[vcpu.pte0 + FIRST_RESERVED_GDT_PAGE + 1] = l1e_from_pfn(0x1234)
    assert s.checker is not None
    s.checker.failures["I6"] = 0
    assert recheck(s, 1) == {"I6"}


def test_i7_fires_without_the_flush_handshake() -> None:
    s = session()
    s.play([sw(1, "A", 0), ("switch", 1, "idle", 1)])
    s.m.inject("no-flush-handshake")
    s.shadow.inject("no-flush-handshake")  # type: ignore[union-attr]
    s.play([sw(2, "A", 0)])
    assert "I7" in failed(s)
    assert s.checker is not None
    first = next(v for v in s.checker.violations if v.invariant == "I7")
    assert first.line() == (
        "step 2, CPU2, owner I2, after the slot-14 PTE write: I7 expected CPU1 has left "
        "A.v0's GDT (FLUSH_VCPU_STATE done), found CPU1 still runs on it"
    )


def test_i8_fires_without_the_default_lgdt() -> None:
    s = session()
    s.play([sw(2, "A", 1)])
    s.m.inject("no-default-lgdt")
    s.play([sw(2, "B", 0)])
    assert s.checker is not None
    points = {v.point for v in s.checker.violations if v.invariant == "I8"}
    assert points == {"after the CR3 switch"}


def test_i9_fires_when_lldt_reads_the_wrong_frame() -> None:
    topology = SETUP.__class__(4, (SETUP.domains[0], DomainSpec("B", "pv32", 2, ldt_ents=16)))
    s = Session(MachineConfig(topology, "patched"))
    s.play([sw(1, "B", 0)])
    assert failed(s) == set()
    assert s.m.cpus[1].ldtr == (0xFFFF820000010000, 127)
    s.m.inject("flavour-mismatch")
    s.play([sw(1, "A", 0), sw(1, "B", 0)])
    assert "I9" in failed(s)
    assert s.m.cpus[1].ldtr == "#GP"


def test_i10_fires_when_the_variants_diverge() -> None:
    s = session("base")
    s.play([sw(1, "B", 0)])
    s.m.inject("flavour-mismatch")  # the base machine only; its patched partner is healthy
    s.play([sw(1, "A", 0), sw(2, "B", 1)])
    assert "I10" in failed(s)
    assert s.checker is not None
    v = next(v for v in s.checker.violations if v.invariant == "I10")
    assert v.expected.endswith("as in patched")


def test_i11_fires_on_a_stale_or_missing_cache() -> None:
    s = session()
    s.m.cpus[2].compat_l1e = l1e_from_pfn(0x1234)
    assert recheck(s, 2) == {"I11"}
    zero = session(faults=frozenset({"zero-bsp-l1e"}))
    assert "I11" in failed(zero)  # checked after boot: the BSP's l1e was never computed


def test_i12_fires_on_a_wrong_followup1_flag() -> None:
    s = session("followup1")
    s.play([sw(1, "A", 0)])
    assert s.m.cpus[1].full_gdt_loaded is True
    s.m.cpus[1].full_gdt_loaded = False
    assert recheck(s, 1) == {"I12"}


def test_i13_fires_when_the_tlb_survives_a_cr3_switch() -> None:
    s = session(faults=frozenset({"no-tlb-flush"}))
    s.play([sw(1, "A", 0), sw(1, "B", 0)])
    assert {"I13", "I3"} <= failed(s)
    assert s.checker is not None
    v = next(v for v in s.checker.violations if v.invariant == "I13")
    assert v.actual.startswith("VA 0xffff82000000e000 still translated to R[1] from the TLB")


def test_i14_fires_without_the_xpti_copy() -> None:
    s = session(faults=frozenset({"no-xpti-copy"}))
    s.play([sw(1, "A", 0)])
    assert failed(s) == {"I14"}


def test_every_invariant_has_a_firing_test() -> None:
    names = {name.split("_")[1].upper() for name in globals() if name.startswith("test_i")}
    assert set(INVARIANTS) <= names


def test_a_vcpu_cannot_run_on_two_cpus() -> None:
    with pytest.raises(TraceError, match=r"A\.v0 is already running on CPU1"):
        run(MachineConfig(SETUP), [sw(1, "A", 0), sw(2, "A", 0)])
    with pytest.raises(TraceError, match=r"no vCPU A\.v9"):
        run(MachineConfig(SETUP), [sw(1, "A", 9)])


def test_unknown_faults_and_variants_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault nope; known faults: early-bsp-l1e"):
        MachineConfig(SETUP, faults=frozenset({"nope"}))
    with pytest.raises(ValueError, match="unknown variant 'v2'"):
        MachineConfig(SETUP, variant="v2")


def test_checker_without_install_sees_no_injection_points() -> None:
    m = Machine(MachineConfig(SETUP))
    checker = Checker(m)
    m.context_switch(m.cpus[1], m.vcpu("A", 0))
    assert checker.failures == dict.fromkeys(INVARIANTS, 0)
