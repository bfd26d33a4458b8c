"""What the simulator replays: a machine's topology and a trace of events.

A trace is a list of plain tuples so that replaying millions of them stays cheap:

- `("switch", cpu, domain, vcpu_id)`: the scheduler on `cpu` picks that vCPU
  (`context_switch(current, next)`); domain `"idle"` with vcpu_id == cpu is the CPU's idle vCPU;
- `("vmexit", cpu)`: the HVM vCPU running on `cpu` takes a VM exit (on VMX the GDTR limit
  becomes 0xFFFF);
- `("offline", cpu)` / `("online", cpu)`: CPU hot-unplug (a full switch to idle, then the
  compat GDT page is freed) and hot-plug (`cpu_smpboot_alloc`, then `load_system_tables`);
- `("resume",)`: S3 resume, `load_system_tables` on every online CPU;
- `("nmi", cpu)`: an NMI (or #MC) taken on `cpu` between switches.

A vCPU is never `current` on two CPUs at once; the generator keeps that true, the machine
checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["pv64", "pv32", "hvm"]
Event = tuple[str, ...] | tuple[str, int] | tuple[str, int, str, int]

SWITCH = "switch"
VMEXIT = "vmexit"
OFFLINE = "offline"
ONLINE = "online"
RESUME = "resume"
NMI = "nmi"
IDLE = "idle"


@dataclass(frozen=True)
class DomainSpec:
    """A guest: its name, kind, vCPU count, GDT frames per vCPU and LDT entries."""

    name: str
    kind: Kind
    vcpus: int
    gdt_frames: int = 1
    ldt_ents: int = 0


@dataclass(frozen=True)
class Topology:
    """The host: pCPUs (CPU 0 is the BSP), the guests, the CPU vendor and XPTI."""

    cpus: int
    domains: tuple[DomainSpec, ...]
    vendor: Literal["intel", "amd"] = "intel"
    xpti: bool = True


@dataclass(frozen=True)
class Parameter:
    """A workload or cost parameter: its value, and where the value comes from."""

    name: str
    value: float | int | str
    source: str
    assumed: bool = False


@dataclass(frozen=True)
class Workload:
    """A generated trace with what it models."""

    name: str
    topology: Topology
    events: list[Event] = field(repr=False)
    simulated_seconds: float
    parameters: tuple[Parameter, ...] = ()
    description: str = ""
