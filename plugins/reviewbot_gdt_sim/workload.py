"""Seeded trace generators: a random mix of every event, and Juergen's workload (gdt-model §6.4).

Both are deterministic for a seed (`random.Random(seed)`) and keep the rules the machine
checks: a vCPU is `current` on at most one CPU, the idle vCPU of CPU c is `("idle", c)`, an
offline CPU gets no events until it is online again (its `current` becomes idle), S3 resume
leaves every online CPU on its idle vCPU, and `vmexit` only happens while an HVM vCPU runs.
Every number a workload rests on is a `Parameter` with its source; `assumed=True` marks the
ones the seed mail does not state.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Literal

from reviewbot_gdt_sim.trace import (
    IDLE,
    NMI,
    OFFLINE,
    ONLINE,
    RESUME,
    SWITCH,
    VMEXIT,
    DomainSpec,
    Event,
    Parameter,
    Topology,
    Workload,
)

WORKLOADS = ("juergen", "random")

#: gdt-model §7's set-up: CPUs 0-3, A = PV64 (4 vCPUs), B = PV32 (2, with an LDT), H = HVM (2).
SCENARIO_TOPOLOGY = Topology(
    cpus=4,
    domains=(
        DomainSpec("A", "pv64", 4),
        DomainSpec("B", "pv32", 2, ldt_ents=16),
        DomainSpec("H", "hvm", 2),
    ),
)
#: `make_workload("random", …)` without a length.
DEFAULT_RANDOM_SWITCHES = 20_000
#: The random trace has no clock; its switches are spread at this rate to give it a length.
RANDOM_RATE_PER_PCPU = 1000.0

# Per event of the random trace: the chance of each kind that is not a switch.
RANDOM_RESUME = 0.0005
RANDOM_HOTPLUG = 0.002
RANDOM_NMI = 0.02
RANDOM_VMEXIT = 0.05
RANDOM_IDLE = 0.25

# Juergen's workload (gdt-model §6.4).
JUERGEN_PCPUS = 8
JUERGEN_DOM0_VCPUS = 8
JUERGEN_SECONDS = 60.0  # gdt-model §7 T25
JUERGEN_BLOCK = 0.25
JUERGEN_WAKE = 0.25
JUERGEN_EVENT_SHARE = 0.5
EXTRA_VCPUS = 2  # of each of the HVM and PV32 guests of the variant

CREDIT2_RATELIMIT = (
    "credit2's default rate limit of 1 ms (sched_ratelimit_us = SCHED_DEFAULT_RATELIMIT_US = "
    "1000: xen/common/schedule.c and xen/include/xen/sched-if.h, 2019) lets a pCPU preempt at "
    "most ~1000 times a second; blocking and wake-ups are not rate-limited"
)
SEED_MAIL = "seed mail (gdt-model §6.3)"
USER = "chosen by the user"

_DOM0, _MINIOS, _GUEST, _HVM = 0, 1, 2, 3


# --- the random workload -------------------------------------------------------------------


def random_workload(seed: int, switches: int, topology: Topology | None = None) -> Workload:
    """`switches` random scheduling decisions on `topology` (gdt-model §7's set-up by default),
    with VM exits, NMIs, CPU hot-unplug/plug and S3 resume sprinkled in."""
    if switches < 0:
        raise ValueError(f"switches must be 0 or more, not {switches}")
    topo = SCENARIO_TOPOLOGY if topology is None else topology
    guests = [(d.name, i, d.kind == "hvm") for d in topo.domains for i in range(d.vcpus)]
    if not guests and switches:
        raise ValueError("the topology has no guest vCPUs to schedule")
    ncpus = topo.cpus
    rng = random.Random(seed)
    rand = rng.random
    idle_events = [(SWITCH, c, IDLE, c) for c in range(ncpus)]
    current: list[int] = [-1] * ncpus  # index into guests, -1 = idle
    running = [False] * len(guests)
    online = [True] * ncpus
    events: list[Event] = []
    emitted = 0
    while emitted < switches:
        roll = rand()
        if roll < RANDOM_RESUME:
            events.append((RESUME,))
            for c in range(ncpus):
                _leave(current, running, c)
            continue
        if roll < RANDOM_RESUME + RANDOM_HOTPLUG and ncpus > 1:
            _hotplug(rng, events, online, current, running)
            continue
        up = [c for c in range(ncpus) if online[c]]
        cpu = up[int(rand() * len(up))]
        if roll < RANDOM_RESUME + RANDOM_HOTPLUG + RANDOM_NMI:
            events.append((NMI, cpu))
            continue
        cur = current[cpu]
        hvm_current = cur >= 0 and guests[cur][2]
        if hvm_current and roll < RANDOM_RESUME + RANDOM_HOTPLUG + RANDOM_NMI + RANDOM_VMEXIT:
            events.append((VMEXIT, cpu))
            continue
        waiting = [g for g in range(len(guests)) if not running[g]]
        if cur >= 0 and (not waiting or rand() < RANDOM_IDLE):
            nxt = -1
        elif waiting:
            nxt = waiting[int(rand() * len(waiting))]
        else:
            continue  # idle, and every vCPU runs elsewhere: nothing to switch to
        if hvm_current and rand() < 0.5:
            events.append((VMEXIT, cpu))  # the exit that brought the scheduler in
        _leave(current, running, cpu)
        if nxt < 0:
            events.append(idle_events[cpu])
        else:
            name, vcpu_id, _ = guests[nxt]
            events.append((SWITCH, cpu, name, vcpu_id))
            current[cpu] = nxt
            running[nxt] = True
        emitted += 1
    return Workload(
        name="random",
        topology=topo,
        events=events,
        simulated_seconds=switches / (ncpus * RANDOM_RATE_PER_PCPU),
        parameters=_random_parameters(seed, switches, topo, topology is None),
        description=(
            "random scheduling: each switch picks an online CPU and a vCPU not current "
            "elsewhere, or the CPU's idle vCPU (lazy idle, migrations); VM exits, NMIs, "
            "CPU offline/online and S3 resume sprinkled in"
        ),
    )


def _leave(current: list[int], running: list[bool], cpu: int) -> None:
    """The vCPU current on `cpu` stops being current there (the CPU runs idle)."""
    cur = current[cpu]
    if cur >= 0:
        running[cur] = False
        current[cpu] = -1


def _hotplug(
    rng: random.Random,
    events: list[Event],
    online: list[bool],
    current: list[int],
    running: list[bool],
) -> None:
    """Offline an online AP, or online an offline one (CPU 0, the BSP, stays online)."""
    down = [c for c in range(1, len(online)) if not online[c]]
    up = [c for c in range(1, len(online)) if online[c]]
    if down and (not up or rng.random() < 0.5):
        cpu = rng.choice(down)
        events.append((ONLINE, cpu))
        online[cpu] = True
    else:
        cpu = rng.choice(up)
        events.append((OFFLINE, cpu))
        online[cpu] = False
        _leave(current, running, cpu)


def _random_parameters(
    seed: int, switches: int, topology: Topology, default_topology: bool
) -> tuple[Parameter, ...]:
    where = "gdt-model §7 set-up" if default_topology else "given by the caller"
    guests = ", ".join(
        f"{d.name} {d.kind} ×{d.vcpus}" + (f" ({d.ldt_ents} LDT entries)" if d.ldt_ents else "")
        for d in topology.domains
    )
    return (
        Parameter("seed", seed, USER),
        Parameter("switches", switches, USER),
        Parameter("topology", f"CPUs 0-{topology.cpus - 1}; {guests}", where),
        Parameter("idle_probability", RANDOM_IDLE, "test workload", assumed=True),
        Parameter("nmi_per_event", RANDOM_NMI, "test workload", assumed=True),
        Parameter("vmexit_per_event", RANDOM_VMEXIT, "test workload", assumed=True),
        Parameter("hotplug_per_event", RANDOM_HOTPLUG, "test workload", assumed=True),
        Parameter("resume_per_event", RANDOM_RESUME, "test workload", assumed=True),
        Parameter(
            "rate_per_pcpu",
            RANDOM_RATE_PER_PCPU,
            "gives the random trace a length in seconds: " + CREDIT2_RATELIMIT,
            assumed=True,
        ),
    )


# --- Juergen's workload --------------------------------------------------------------------


def juergen_topology(with_hvm_and_pv32: bool = False) -> Topology:
    """8 pCPUs; dom0 PV64 with 8 vCPUs; domA and domB (MiniOS, PV64, 1 vCPU); optionally an
    HVM guest and a PV32 guest with 2 vCPUs each."""
    domains = [
        DomainSpec("dom0", "pv64", JUERGEN_DOM0_VCPUS),
        DomainSpec("domA", "pv64", 1),
        DomainSpec("domB", "pv64", 1),
    ]
    if with_hvm_and_pv32:
        domains += [
            DomainSpec("domH", "hvm", EXTRA_VCPUS),
            DomainSpec("dom32", "pv32", EXTRA_VCPUS, ldt_ents=16),
        ]
    return Topology(cpus=JUERGEN_PCPUS, domains=tuple(domains))


def juergen_workload(
    seed: int,
    *,
    seconds: float | None = None,
    switches: int | None = None,
    bind: Literal["0", "spread"] = "0",
    rate_per_pcpu: float = 1000.0,
    with_hvm_and_pv32: bool = False,
    block_probability: float = JUERGEN_BLOCK,
    wake_probability: float = JUERGEN_WAKE,
    event_share: float = JUERGEN_EVENT_SHARE,
) -> Workload:
    """Juergen's benchmark as a trace (gdt-model §6.4).

    Every scheduling event is one `switch` event on a pCPU drawn at random, so the trace has
    exactly `switches` of them, or round(8 × rate_per_pcpu × seconds) (60 s by default). On
    its pCPU the event is:

    - a MiniOS vCPU running: it notifies dom0's target vCPU (v0 with bind="0", v0..v7 in turn
      with "spread"); a target that is not running wakes and preempts the MiniOS vCPU there
      (a migration when it last ran elsewhere); a running target just takes the event, and the
      MiniOS vCPU is preempted by a waiting vCPU (no switch when none waits);
    - a dom0 vCPU running: it blocks for I/O with `block_probability` (or when nothing else
      waits), and the CPU takes a waiting vCPU or goes idle (lazily); otherwise a waiting
      vCPU preempts it (no switch when none waits);
    - idle: a waiting vCPU runs, or a blocked dom0 vCPU's I/O completes and it runs;
    - a dom0 vCPU an event woke from blocked: it has handled the event and blocks again, and
      the MiniOS vCPU it preempted resumes there (bind="0": MiniOS.v0 <-> dom0.v0, S=1);
    - the variant's HVM and PV32 vCPUs are always runnable and preempted like MiniOS; every
      deschedule of an HVM vCPU follows a `vmexit`.

    Waiting vCPUs share one runqueue and the next one is drawn at random; before each event
    one blocked dom0 vCPU's I/O completes with `wake_probability`; with `event_share` the
    event lands on a pCPU running MiniOS or an event handler.
    """
    if seconds is not None and switches is not None:
        raise ValueError("give seconds or switches, not both")
    if bind not in ("0", "spread"):
        raise ValueError(f"bind must be '0' or 'spread', not {bind!r}")
    if not rate_per_pcpu > 0:
        raise ValueError(f"rate_per_pcpu must be above 0, not {rate_per_pcpu}")
    for name, p in (
        ("block_probability", block_probability),
        ("wake_probability", wake_probability),
        ("event_share", event_share),
    ):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, not {p}")
    if switches is None:
        simulated = JUERGEN_SECONDS if seconds is None else float(seconds)
        if simulated < 0:
            raise ValueError(f"seconds must be 0 or more, not {simulated}")
        total = round(JUERGEN_PCPUS * rate_per_pcpu * simulated)
    else:
        if switches < 0:
            raise ValueError(f"switches must be 0 or more, not {switches}")
        total = switches
        simulated = switches / (JUERGEN_PCPUS * rate_per_pcpu)
    topology = juergen_topology(with_hvm_and_pv32)
    events = _juergen_events(
        seed, topology, total, bind, block_probability, wake_probability, event_share
    )
    length = (
        "gdt-model §7 T25 (60 s)"
        if seconds is None and switches is None
        else USER
        if switches is None
        else "switches / (pcpus × rate_per_pcpu)"
    )
    parameters = _juergen_parameters(
        seed, simulated, total, bind, rate_per_pcpu, with_hvm_and_pv32, length
    )
    parameters += (
        Parameter("block_probability", block_probability, "make -j8 I/O waits", assumed=True),
        Parameter(
            "wake_probability",
            wake_probability,
            "dom0 I/O completions; 0.25 leaves ~0.65 of 8 pCPUs idle on average, near the "
            "seed's dom0 load of 5.14-5.81 CPUs plus 2 busy MiniOS loops",
            assumed=True,
        ),
        Parameter(
            "event_share",
            event_share,
            "share of scheduling events drawn on a pCPU running MiniOS or an event handler: "
            "MiniOS notifies again as soon as it runs, make's vCPUs run whole slices",
            assumed=True,
        ),
    )
    return Workload(
        name="juergen",
        topology=topology,
        events=events,
        simulated_seconds=simulated,
        parameters=parameters,
        description=(
            "Juergen's benchmark (gdt-model §6.4): dom0 (8 vCPUs) builds with make -j8 while "
            f"two single-vCPU MiniOS domains busy-loop sending events to dom0 (bind={bind})"
            + ("; plus an HVM and a PV32 guest" if with_hvm_and_pv32 else "")
        ),
    )


def _juergen_events(
    seed: int,
    topology: Topology,
    total: int,
    bind: str,
    block_p: float,
    wake_p: float,
    event_p: float,
) -> list[Event]:
    """The hot loop: plain lists, one shared tuple per (CPU, vCPU) switch."""
    vcpus = [(d.name, i) for d in topology.domains for i in range(d.vcpus)]
    role_of = {"dom0": _DOM0, "domA": _MINIOS, "domB": _MINIOS, "domH": _HVM}
    roles = [role_of.get(name, _GUEST) for name, _ in vcpus] + [-1]  # [n]: idle
    ncpus = topology.cpus
    n = len(vcpus)
    switch_to = [
        [(SWITCH, c, name, vid) for name, vid in vcpus] + [(SWITCH, c, IDLE, c)]
        for c in range(ncpus)
    ]
    vmexits = [(VMEXIT, c) for c in range(ncpus)]
    rand = random.Random(seed).random
    current = [n] * ncpus  # n = idle
    running = [False] * n
    runq = [v for v in range(n) if roles[v] != _DOM0]  # waiting vCPUs; dom0 starts blocked
    blocked = [v for v in range(n) if roles[v] == _DOM0]
    spread = bind == "spread"
    target = 0  # dom0.v0 has index 0
    # Per CPU: the dom0 vCPU an event woke there from blocked, and the MiniOS vCPU it preempted.
    handler = [-1] * ncpus
    hot = [False] * ncpus  # running MiniOS or an event handler
    preempted = [-1] * ncpus
    events: list[Event] = []
    append = events.append
    emitted = 0
    while emitted < total:
        if blocked and rand() < wake_p:
            i = int(rand() * len(blocked))
            blocked[i], blocked[-1] = blocked[-1], blocked[i]
            runq.append(blocked.pop())
        cpu = int(rand() * ncpus)
        if rand() < event_p:
            # The MiniOS <-> event-handler cycle: MiniOS notifies at once after it resumes, so
            # its pCPU reschedules more often than one running make (several tries, no list).
            for _ in range(3):
                if hot[cpu]:
                    break
                cpu = int(rand() * ncpus)
        cur = current[cpu]
        woke = -1
        if cur == n:  # idle: a waiting vCPU, else an I/O completion
            queue = runq if runq else blocked
            if not queue:
                continue
            i = int(rand() * len(queue))
            queue[i], queue[-1] = queue[-1], queue[i]
            nxt = queue.pop()
        else:
            role = roles[cur]
            nxt = -1
            if role == _MINIOS:
                t = target
                if spread:
                    target = (target + 1) % JUERGEN_DOM0_VCPUS
                if not running[t]:  # the notification wakes t, which preempts MiniOS
                    if t in blocked:
                        blocked.remove(t)
                        woke = t
                    else:
                        runq.remove(t)
                    nxt = t
            if handler[cpu] == cur:
                # The woken vCPU has handled the event and blocks again; the MiniOS vCPU it
                # preempted resumes if nothing took it meanwhile.
                blocks = True
                back = preempted[cpu]
                if not running[back]:
                    runq.remove(back)
                    nxt = back
            else:
                blocks = role == _DOM0 and (not runq or rand() < block_p)
            if nxt < 0:  # a waiting vCPU takes over (idle when a blocking vCPU leaves none)
                if runq:
                    i = int(rand() * len(runq))
                    runq[i], runq[-1] = runq[-1], runq[i]
                    nxt = runq.pop()
                elif blocks:
                    nxt = n
                else:
                    continue  # nothing waits: the scheduler keeps `cur` running
            if role == _HVM:
                append(vmexits[cpu])  # Xen only schedules after a VM exit
            (blocked if blocks else runq).append(cur)
            running[cur] = False
        handler[cpu] = woke
        preempted[cpu] = cur
        hot[cpu] = woke >= 0 or roles[nxt] == _MINIOS
        append(switch_to[cpu][nxt])
        current[cpu] = nxt
        if nxt != n:
            running[nxt] = True
        emitted += 1
    return events


def _juergen_parameters(
    seed: int,
    seconds: float,
    total: int,
    bind: str,
    rate: float,
    extra: bool,
    length: str,
) -> tuple[Parameter, ...]:
    stated: tuple[Parameter, ...] = (
        Parameter("pcpus", JUERGEN_PCPUS, SEED_MAIL + ": an 8-CPU host"),
        Parameter("bsp", 0, "gdt-model §6.4: CPU0 is the BSP (Xen-image GDT VAs)"),
        Parameter("minios_domains", 2, SEED_MAIL + ": 2 MiniOS domains"),
        Parameter("minios_vcpus", 1, SEED_MAIL + ": 1 vCPU each"),
        Parameter("minios_loop", "busy loop sending events to dom0", SEED_MAIL),
        Parameter("dom0_load", "make -j 8 of the hypervisor", SEED_MAIL),
        Parameter(
            "scheduler",
            "credit2",
            "the default at the time: xen/common/Kconfig:264-265 @12dce7ea5a (gdt-model §6.4)",
        ),
    )
    assumed: tuple[Parameter, ...] = (
        Parameter("dom0_kind", "pv64", "gdt-model §6.4", assumed=True),
        Parameter("dom0_vcpus", JUERGEN_DOM0_VCPUS, "gdt-model §6.4 (ids 0-7)", assumed=True),
        Parameter("minios_kind", "pv64", "gdt-model §6.4: MiniOS runs PV", assumed=True),
        Parameter(
            "bind",
            bind,
            "gdt-model §6.4: which dom0 vCPU the events wake is not in the mail "
            "('spread': v0..v7 in turn)",
            assumed=True,
        ),
        Parameter(
            "rate_per_pcpu", rate, "scheduling events/s per pCPU: " + CREDIT2_RATELIMIT, True
        ),
        Parameter(
            "simulated_seconds",
            seconds,
            length,
            assumed=length != USER,
        ),
        Parameter(
            "switch_events",
            total,
            USER if length.startswith("switches") else "round(pcpus × rate_per_pcpu × seconds)",
            assumed=not length.startswith("switches"),
        ),
        Parameter(
            "runqueue",
            "one, shared by all pCPUs; the next vCPU drawn at random among the waiting",
            "credit2 picks by credit; the draw stands in for it",
            assumed=True,
        ),
        Parameter("seed", seed, USER),
    )
    if extra:
        assumed += (
            Parameter(
                "extra_guests",
                f"domH hvm ×{EXTRA_VCPUS}, dom32 pv32 ×{EXTRA_VCPUS} (16 LDT entries), "
                "always runnable",
                "gdt-model §6.4 variant (non-PV and compat paths); sizes assumed",
                assumed=True,
            ),
        )
    return stated + assumed


# --- by name ---------------------------------------------------------------------------------


def make_workload(
    name: str,
    seed: int,
    switches: int | None = None,
    seconds: float | None = None,
    **options: Any,
) -> Workload:
    """A workload by name; `switches` of 0 or None means the workload's default length."""
    makers: dict[str, Callable[..., Workload]] = {
        "juergen": juergen_workload,
        "random": random_workload,
    }
    if name not in makers:
        raise ValueError(f"unknown workload {name!r} (known: {', '.join(WORKLOADS)})")
    if name == "random":
        if seconds is not None:
            raise ValueError("the random workload has no clock: give switches, not seconds")
        return random_workload(seed, switches or DEFAULT_RANDOM_SWITCHES, **options)
    return juergen_workload(seed, switches=switches or None, seconds=seconds, **options)
