"""Segment descriptors as the CPU reads them: fields, the TSS/LDT encodings, LSL, segment loads.

Only what the invariants and the stray-selector hazard need (Intel SDM Vol. 3A §3.4.5, §7.2.3,
the LSL and MOV Sreg instruction pages).
"""

from __future__ import annotations

from dataclasses import dataclass

#: System descriptor types (S = 0).
SYS_LDT = 0x2
SYS_TSS_AVAIL = 0x9
SYS_TSS_BUSY = 0xB
#: The per-CPU marker's access byte is 0x91: P=1, DPL 0, S=1, type 1, i.e. a read-only data
#: segment (accessed), not a system descriptor; LSL reads its limit either way.
#: System types LSL accepts (SDM "LSL"): TSS16/LDT/TSS16 busy/TSS avail/TSS busy.
LSL_SYSTEM_TYPES = frozenset({0x1, 0x2, 0x3, 0x9, 0xB})


def present(raw: int) -> bool:
    """The P bit."""
    return bool(raw >> 47 & 1)


def dpl(raw: int) -> int:
    """The descriptor privilege level."""
    return raw >> 45 & 3


def is_system(raw: int) -> bool:
    """S = 0: a system descriptor (TSS, LDT, gates)."""
    return not raw >> 44 & 1


def type_field(raw: int) -> int:
    """The 4-bit type."""
    return raw >> 40 & 0xF


def is_code(raw: int) -> bool:
    """A code segment (S = 1, type bit 3)."""
    return not is_system(raw) and bool(raw >> 43 & 1)


def is_long_mode(raw: int) -> bool:
    """The L bit: 64-bit code."""
    return bool(raw >> 53 & 1)


def limit(raw: int) -> int:
    """The byte-granular or page-granular limit as LSL returns it."""
    value = (raw & 0xFFFF) | (raw >> 32 & 0xF0000)
    if raw >> 55 & 1:
        value = value << 12 | 0xFFF
    return value


def base(raw: int, high: int = 0) -> int:
    """The base address; `high` is the second quadword of a 16-byte system descriptor."""
    low = (raw >> 16 & 0xFFFFFF) | (raw >> 32 & 0xFF000000)
    return low | (high & 0xFFFFFFFF) << 32


def system_descriptor(base_address: int, limit_value: int, kind: int) -> tuple[int, int]:
    """The two quadwords of a 16-byte TSS/LDT descriptor, present, DPL 0 (`_set_tssldt_desc`)."""
    low = (
        (limit_value & 0xFFFF)
        | (base_address & 0xFFFFFF) << 16
        | (kind | 0x80) << 40
        | (limit_value >> 16 & 0xF) << 48
        | (base_address >> 24 & 0xFF) << 56
    )
    return low, base_address >> 32 & 0xFFFFFFFF


def with_busy(raw: int) -> int:
    """The same TSS descriptor with the busy bit set (what LTR does)."""
    return raw | 0x2 << 40


def is_hypervisor_code(raw: int) -> bool:
    """I4's test of 0xE008: present, 64-bit, DPL 0 code."""
    return present(raw) and is_code(raw) and is_long_mode(raw) and dpl(raw) == 0


@dataclass(frozen=True)
class SegmentLoad:
    """What `mov %ax, %ds` of a selector does at CPL 0: loads silently, or faults."""

    outcome: str  # "loads", "#GP" or "#NP"
    reason: str


def segment_load(raw: int) -> SegmentLoad:
    """Classify a data-segment load (DS/ES/FS/GS) of this descriptor at CPL 0, RPL 0.

    The type check comes before the present check (SDM Vol. 3A, #GP and #NP): a system
    descriptor or execute-only code faults with #GP even when not present.
    """
    if is_system(raw):
        return SegmentLoad("#GP", "a system descriptor (S=0) cannot be loaded into a data register")
    if is_code(raw) and not raw >> 41 & 1:
        return SegmentLoad("#GP", "execute-only code cannot be loaded into a data register")
    if not present(raw):
        return SegmentLoad("#NP", "the descriptor's type is loadable but it is not present")
    kind = "readable code" if is_code(raw) else "data"
    return SegmentLoad("loads", f"a present {kind} descriptor: the load succeeds silently")


def describe(raw: int) -> str:
    """A short human description: `DPL3 64-bit code`, `DPL1 data`, `LDT`, `null`."""
    if raw == 0:
        return "null"
    if is_system(raw):
        names = {SYS_LDT: "LDT", SYS_TSS_AVAIL: "TSS", SYS_TSS_BUSY: "TSS (busy)", 1: "marker"}
        return names.get(type_field(raw), f"system type {type_field(raw):#x}")
    if is_code(raw):
        width = "64-bit" if is_long_mode(raw) else "32-bit"
        return f"DPL{dpl(raw)} {width} code"
    return f"DPL{dpl(raw)} data"
