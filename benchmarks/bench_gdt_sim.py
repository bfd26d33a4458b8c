"""How fast the GDT simulator replays context switches, per variant, checked and unchecked.

The process is pinned to one core. A trace of Juergen's workload (gdt-model §6.4) is generated
once; each measurement boots a fresh machine and replays the whole trace:

- unchecked: only the model and its operation counters;
- checked: invariants I1-I9 and I11-I14 after every event and I8 at every injection point,
  plus the I10 partner variant replayed in lock step (so two machines per switch).

Reported: median switch events per second over --runs runs (boot and trace compilation
excluded), against the aims of 300,000 unchecked and 50,000 checked. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from reviewbot_gdt_sim.machine import MachineConfig
from reviewbot_gdt_sim.simulate import Session
from reviewbot_gdt_sim.workload import make_workload

AIMS = {False: 300_000, True: 50_000}


def rate(config: MachineConfig, events: list, checked: bool) -> float:  # type: ignore[type-arg]
    """Switch events per second for one replay (boot excluded)."""
    session = Session(config, checked=checked)
    from reviewbot_gdt_sim.simulate import compile_trace, replay

    steps = compile_trace(session.m, events)
    shadow_steps = compile_trace(session.shadow, events) if session.shadow else []
    switches = sum(1 for e in events if e[0] == "switch")
    start = time.perf_counter()
    replay(session.m, steps, session.checker, session.shadow, shadow_steps)
    elapsed = time.perf_counter() - start
    assert session.checker is None or not any(session.checker.failures.values())
    return switches / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    workload = make_workload("juergen", args.seed, switches=args.switches)
    events = list(workload.events)
    print(f"trace: {workload.name}, {args.switches:,} switch events, {len(events):,} events")
    print(f"{'variant':<10} {'checks':<10} {'median switches/s':>18} {'aim':>10} {'ratio':>7}")
    for variant in ("base", "patched", "followup1"):
        config = MachineConfig(workload.topology, variant)
        for checked in (False, True):
            rates = [rate(config, events, checked) for _ in range(args.runs)]
            median = statistics.median(rates)
            aim = AIMS[checked]
            label = "on" if checked else "off"
            print(f"{variant:<10} {label:<10} {median:>18,.0f} {aim:>10,} {median / aim:>6.2f}×")


if __name__ == "__main__":
    main()
