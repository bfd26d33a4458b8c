"""gdt-sim: the seeded trace generators (gdt-model §6.4 and §7's random traces)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from reviewbot_gdt_sim.machine import MachineConfig
from reviewbot_gdt_sim.simulate import run
from reviewbot_gdt_sim.trace import Event, Workload
from reviewbot_gdt_sim.workload import (
    SCENARIO_TOPOLOGY,
    WORKLOADS,
    juergen_topology,
    juergen_workload,
    make_workload,
    random_workload,
)


def fields(event: Event) -> tuple[Any, ...]:
    """An event's fields, whatever its kind."""
    return tuple(event)


def check_rules(workload: Workload) -> Counter[str]:
    """Replay the generator's rules independently; returns the event kinds seen.

    A vCPU is current on at most one CPU; events name existing vCPUs and online CPUs; an
    offline CPU and S3 resume leave idle; `vmexit` only while an HVM vCPU is current.
    """
    topo = workload.topology
    kinds = {d.name: d.kind for d in topo.domains}
    sizes = {d.name: d.vcpus for d in topo.domains}
    current: dict[int, tuple[str, int] | None] = dict.fromkeys(range(topo.cpus))
    online = [True] * topo.cpus
    seen: Counter[str] = Counter()
    for index, raw in enumerate(workload.events):
        event = fields(raw)
        kind = event[0]
        seen[kind] += 1
        if kind == "resume":
            assert len(event) == 1
            current = dict.fromkeys(range(topo.cpus))
            continue
        cpu = int(event[1])
        assert 0 <= cpu < topo.cpus, (index, event)
        if kind == "online":
            assert not online[cpu] and cpu != 0, (index, event)
            online[cpu] = True
            continue
        assert online[cpu], (index, event)
        if kind == "offline":
            assert cpu != 0, (index, event)
            online[cpu] = False
            current[cpu] = None
        elif kind == "vmexit":
            now = current[cpu]
            assert now is not None and kinds[now[0]] == "hvm", (index, event)
        elif kind == "switch":
            domain, vcpu_id = str(event[2]), int(event[3])
            if domain == "idle":
                assert vcpu_id == cpu, (index, event)
                current[cpu] = None
                continue
            assert 0 <= vcpu_id < sizes[domain], (index, event)
            vcpu = (domain, vcpu_id)
            others = [c for c, v in current.items() if v == vcpu and c != cpu]
            assert not others, (index, event, others)
            assert current[cpu] != vcpu, (index, event)  # every switch event is a real switch
            current[cpu] = vcpu
        else:
            assert kind == "nmi", (index, event)
    return seen


def s1_share(workload: Workload) -> tuple[int, int]:
    """(S=1 switches, all switches) between two PV vCPUs, by the state owner per CPU.

    Switching to idle is lazy (the owner stays); a vCPU switched in elsewhere is first
    flushed from the CPU lazily holding it, which then owns idle.
    """
    kinds = {d.name: d.kind for d in workload.topology.domains}
    owner: dict[int, tuple[str, int] | None] = {}
    same = total = 0
    for raw in workload.events:
        event = fields(raw)
        if event[0] != "switch" or event[2] == "idle":
            continue
        cpu, vcpu = int(event[1]), (str(event[2]), int(event[3]))
        prev = owner.get(cpu)
        if prev == vcpu:
            continue
        for other, held in owner.items():
            if held == vcpu:
                owner[other] = None
        if prev is not None and kinds[prev[0]] != "hvm" and kinds[vcpu[0]] != "hvm":
            total += 1
            same += prev[1] == vcpu[1]
        owner[cpu] = vcpu
    return same, total


# --- determinism --------------------------------------------------------------------------


def test_same_seed_same_trace() -> None:
    assert (
        make_workload("juergen", 7, switches=5000).events
        == juergen_workload(7, switches=5000).events
    )
    assert random_workload(7, 3000).events == random_workload(7, 3000).events


def test_different_seeds_differ() -> None:
    assert juergen_workload(1, switches=2000).events != juergen_workload(2, switches=2000).events
    assert random_workload(1, 2000).events != random_workload(2, 2000).events


# --- lengths ------------------------------------------------------------------------------


def test_exact_switch_counts() -> None:
    juergen = juergen_workload(3, switches=12345)
    assert Counter(e[0] for e in juergen.events) == {"switch": 12345}
    assert juergen.simulated_seconds == pytest.approx(12345 / 8000)
    kinds = Counter(e[0] for e in random_workload(3, 3000).events)
    assert kinds["switch"] == 3000
    assert set(kinds) <= {"switch", "vmexit", "nmi", "offline", "online", "resume"}
    assert random_workload(3, 0).events == []


def test_seconds_give_pcpus_times_rate_times_seconds_switches() -> None:
    workload = juergen_workload(5, seconds=2.5, rate_per_pcpu=400.0)
    assert len(workload.events) == 8 * 400 * 2.5 == 8000
    assert workload.simulated_seconds == 2.5
    assert juergen_workload(5, seconds=0.0).events == []
    # The default: gdt-model §7 T25's 60 s at 1000 events/s on each of 8 pCPUs.
    start = time.perf_counter()
    default = make_workload("juergen", 1)
    elapsed = time.perf_counter() - start
    assert len(default.events) == 480_000
    assert default.simulated_seconds == 60.0
    assert elapsed < 4.0  # about 0.4 s on the development machine


def test_make_workload_default_lengths() -> None:
    assert Counter(e[0] for e in make_workload("random", 1).events)["switch"] == 20_000
    assert len(make_workload("juergen", 1, switches=0, seconds=0.5).events) == 4000


# --- rules --------------------------------------------------------------------------------


def test_random_trace_keeps_the_rules_and_has_every_event_kind() -> None:
    workload = random_workload(11, 20_000)
    seen = check_rules(workload)
    assert seen["switch"] == 20_000
    assert all(seen[kind] > 0 for kind in ("vmexit", "nmi", "offline", "online", "resume"))
    assert workload.topology == SCENARIO_TOPOLOGY
    assert [(d.name, d.kind, d.vcpus, d.ldt_ents) for d in workload.topology.domains] == [
        ("A", "pv64", 4, 0),
        ("B", "pv32", 2, 16),
        ("H", "hvm", 2, 0),
    ]


def test_juergen_trace_keeps_the_rules_over_60_seconds() -> None:
    seen = check_rules(make_workload("juergen", 2))
    assert seen == {"switch": 480_000}


def test_juergen_variant_with_hvm_and_pv32() -> None:
    workload = juergen_workload(4, switches=20_000, with_hvm_and_pv32=True)
    seen = check_rules(workload)
    assert seen["switch"] == 20_000
    assert seen["vmexit"] > 0
    assert [(d.name, d.kind, d.vcpus) for d in workload.topology.domains] == [
        ("dom0", "pv64", 8),
        ("domA", "pv64", 1),
        ("domB", "pv64", 1),
        ("domH", "hvm", 2),
        ("dom32", "pv32", 2),
    ]
    switched = {str(fields(e)[2]) for e in workload.events if e[0] == "switch"}
    # 14 vCPUs on 8 pCPUs: something always waits, so no pCPU goes idle.
    assert switched == {"dom0", "domA", "domB", "domH", "dom32"}
    # Every switch away from an HVM vCPU comes right after its VM exit.
    current: dict[int, str] = {}
    previous: tuple[Any, ...] | None = None
    for raw in workload.events:
        event = fields(raw)
        if event[0] == "switch":
            if current.get(int(event[1])) == "domH":
                assert previous == ("vmexit", event[1])
            current[int(event[1])] = str(event[2])
        previous = event


def test_juergen_topology() -> None:
    topology = juergen_topology()
    assert topology.cpus == 8
    assert [(d.name, d.kind, d.vcpus) for d in topology.domains] == [
        ("dom0", "pv64", 8),
        ("domA", "pv64", 1),
        ("domB", "pv64", 1),
    ]


def test_traces_replay_on_the_machine() -> None:
    """The machine accepts both traces; its (P,N,S) classes match the owner-based count."""
    for workload in (random_workload(2, 4000), juergen_workload(2, switches=10_000)):
        result = run(MachineConfig(workload.topology, "patched"), workload.events, checked=False)
        assert result.counts["switches"] >= sum(1 for e in workload.events if e[0] == "switch")
    juergen = juergen_workload(2, switches=10_000)
    result = run(MachineConfig(juergen.topology, "base"), juergen.events, checked=False)
    same, total = s1_share(juergen)
    assert result.classes["P1 N1 S1"] == same
    assert result.classes["P1 N1 S1"] + result.classes["P1 N1 S0"] == total
    assert result.counts["switches"] == 10_000
    assert result.counts["flush_ipis"] > 0  # migrations of lazily held vCPUs
    assert result.counts["lazy_switches"] > 0


# --- bind ---------------------------------------------------------------------------------


def test_bind_0_gives_more_s1_switches_than_spread() -> None:
    bound = s1_share(juergen_workload(1, switches=40_000, bind="0"))
    spread = s1_share(juergen_workload(1, switches=40_000, bind="spread"))
    assert bound == (8222, 35740)  # 23.0 %
    assert spread == (4706, 35702)  # 13.2 %; MiniOS A <-> B is S=1 too
    assert bound[0] / bound[1] > 1.5 * spread[0] / spread[1]


def test_bind_0_concentrates_minios_switches_on_dom0_v0() -> None:
    def with_minios(workload: Workload) -> Counter[int]:
        """dom0 vCPU ids switched in right after a MiniOS vCPU on the same CPU."""
        last: dict[int, str] = {}
        ids: Counter[int] = Counter()
        for raw in workload.events:
            event = fields(raw)
            if event[0] != "switch" or event[2] == "idle":
                continue
            cpu = int(event[1])
            if event[2] == "dom0" and last.get(cpu) in ("domA", "domB"):
                ids[int(event[3])] += 1
            last[cpu] = str(event[2])
        return ids

    bound = with_minios(juergen_workload(1, switches=40_000, bind="0"))
    spread = with_minios(juergen_workload(1, switches=40_000, bind="spread"))
    assert bound[0] > 3 * max(bound[i] for i in range(1, 8))
    assert spread[0] < 1.5 * min(spread[i] for i in range(1, 8))


# --- parameters and errors ----------------------------------------------------------------


def test_parameters_carry_sources() -> None:
    workload = juergen_workload(9, switches=800, bind="spread")
    params = {p.name: p for p in workload.parameters}
    assert all(p.source for p in workload.parameters)
    for stated in ("pcpus", "minios_domains", "minios_vcpus", "dom0_load", "scheduler"):
        assert params[stated].assumed is False
    assert params["pcpus"].value == 8
    assert params["scheduler"].source.startswith("the default at the time: xen/common/Kconfig")
    assert "@12dce7ea5a" in params["scheduler"].source
    for assumed in ("dom0_kind", "dom0_vcpus", "bind", "rate_per_pcpu", "block_probability"):
        assert params[assumed].assumed is True
    assert params["bind"].value == "spread"
    assert "sched_ratelimit_us" in params["rate_per_pcpu"].source
    assert params["simulated_seconds"].value == 0.1
    assert params["switch_events"].value == 800
    default = {p.name: p for p in juergen_workload(9, seconds=0.01).parameters}
    assert default["simulated_seconds"].source == "chosen by the user"
    assert default["switch_events"].value == 80
    assert {p.name for p in random_workload(1, 10).parameters} >= {"seed", "switches", "topology"}


def test_unknown_workload_and_bad_options() -> None:
    with pytest.raises(ValueError, match=r"^unknown workload 'nope' \(known: juergen, random\)$"):
        make_workload("nope", 1)
    assert WORKLOADS == ("juergen", "random")
    with pytest.raises(ValueError, match="not both"):
        juergen_workload(1, seconds=1.0, switches=10)
    with pytest.raises(ValueError, match="bind must be"):
        juergen_workload(1, switches=10, bind="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no clock"):
        make_workload("random", 1, seconds=1.0)
    with pytest.raises(ValueError, match="block_probability"):
        juergen_workload(1, switches=10, block_probability=1.5)
