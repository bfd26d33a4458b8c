"""Xen's PDX compression at 12dce7ea5a: hole set-up, pfn/pdx conversion and `virt_to_mfn`.

Sources (xen-project/xen @12dce7ea5a): `xen/common/pdx.c` (`fill_mask`, `pdx_init_mask`,
`pdx_region_mask`, `pfn_pdx_hole_setup`), `xen/include/xen/pdx.h:26-36` (`pfn_to_pdx`,
`pdx_to_pfn`), `xen/include/asm-x86/x86_64/page.h:55-76` (`pdx_to_virt`, `__virt_to_maddr`,
`__maddr_to_virt`), `xen/arch/x86/srat.c` (`srat_parse_region(s)`) and
`xen/arch/x86/setup.c` (`srat_parse_regions(s)` for the first E820 RAM range at or above 4 GiB).

Every value is an unsigned 64-bit quantity, as `unsigned long` is on x86_64.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from reviewbot_gdt_sim.layout import DIRECTMAP_VIRT_START, PAGE_SHIFT, PAGE_SIZE, XEN_VIRT_START

#: `BITS_PER_LONG` on x86_64.
BITS_PER_LONG = 64
MASK64 = (1 << BITS_PER_LONG) - 1
#: xen/include/xen/mm.h:271-273 (x86): the largest buddy order.
MAX_ORDER = 20
#: Where the 12dce7ea5a scan looks for the first zero bit: `j = MAX_ORDER-1`, then
#: `find_next_zero_bit(&mask, BITS_PER_LONG, j)`. Later Xen searches from `j + 1` = MAX_ORDER.
GUARD_SCAN_FROM = MAX_ORDER - 1
#: PML4 slots 262..510 (config.h, !CONFIG_BIGMEM): `PML4_ENTRY_BYTES * (511 - 262)`.
DIRECTMAP_SIZE = (1 << 39) * (511 - 262)
DIRECTMAP_VIRT_END = DIRECTMAP_VIRT_START + DIRECTMAP_SIZE
#: `XEN_VIRT_END - XEN_VIRT_START` (BUILD_BUG_ON in `__virt_to_maddr`).
XEN_VIRT_SIZE = 1 << 30
FOUR_GIB = 1 << 32


def fill_mask(mask: int) -> int:
    """Set every bit from the most significant set bit of `mask` down to bit 0."""
    return (1 << (mask & MASK64).bit_length()) - 1


def pdx_init_mask(base_addr: int) -> int:
    """`pdx_init_mask(base)`: all address bits below `base` (C wrap-around for base 0)."""
    return fill_mask((base_addr - 1) & MASK64)


def pdx_region_mask(base: int, length: int) -> int:
    """`pdx_region_mask(base, len)`: the address bits that vary within [base, base+len)."""
    if length <= 0:
        raise ValueError(f"empty region at {base:#x}")
    return fill_mask(base ^ (base + length - 1))


def _find_next(mask: int, start: int, bit_set: bool) -> int:
    """`find_next_bit` / `find_next_zero_bit` over one 64-bit word; 64 when none."""
    for bit in range(start, BITS_PER_LONG):
        if bool((mask >> bit) & 1) == bit_set:
            return bit
    return BITS_PER_LONG


@dataclass(frozen=True)
class PdxLayout:
    """The two parameters `pfn_pdx_hole_setup()` chooses, and the translations built on them.

    `bottom_shift` is the first compressed pfn bit, `hole_shift` the number of compressed bits.
    `identity()` reproduces Xen's initial values, used when no hole is found.
    """

    bottom_shift: int
    hole_shift: int

    def __post_init__(self) -> None:
        if not 0 <= self.bottom_shift <= BITS_PER_LONG or self.hole_shift < 0:
            raise ValueError(f"bad PDX layout {self.bottom_shift}/{self.hole_shift}")
        if self.hole_shift and self.bottom_shift + self.hole_shift > BITS_PER_LONG:
            raise ValueError("the hole must lie within 64 bits")

    @classmethod
    def identity(cls) -> PdxLayout:
        """No compression: the masks keep their initial values (~0, ~0, 0, 0, 0)."""
        return cls(bottom_shift=BITS_PER_LONG, hole_shift=0)

    @property
    def compresses(self) -> bool:
        """Whether any pfn bits are squeezed out."""
        return self.hole_shift > 0

    @cached_property
    def pfn_pdx_bottom_mask(self) -> int:
        return ((1 << self.bottom_shift) - 1) & MASK64

    @cached_property
    def ma_va_bottom_mask(self) -> int:
        return ((PAGE_SIZE << self.bottom_shift) - 1) & MASK64

    @cached_property
    def pfn_hole_mask(self) -> int:
        return (((1 << self.hole_shift) - 1) << self.bottom_shift) & MASK64

    @cached_property
    def pfn_top_mask(self) -> int:
        return ~(self.pfn_pdx_bottom_mask | self.pfn_hole_mask) & MASK64

    @cached_property
    def ma_top_mask(self) -> int:
        return (self.pfn_top_mask << PAGE_SHIFT) & MASK64

    def pfn_in_hole(self, pfn: int) -> bool:
        """`pfn & pfn_hole_mask`: such a frame is not valid (`__mfn_valid`)."""
        return bool(pfn & self.pfn_hole_mask)

    def pfn_to_pdx(self, pfn: int) -> int:
        """pdx.h: keep the bottom bits, shift the top bits down over the hole."""
        _check_u64(pfn, "pfn")
        return (pfn & self.pfn_pdx_bottom_mask) | ((pfn & self.pfn_top_mask) >> self.hole_shift)

    def pdx_to_pfn(self, pdx: int) -> int:
        """pdx.h: the inverse of `pfn_to_pdx` for frames outside the hole."""
        _check_u64(pdx, "pdx")
        return (pdx & self.pfn_pdx_bottom_mask) | ((pdx << self.hole_shift) & self.pfn_top_mask)

    def pdx_to_virt(self, pdx: int) -> int:
        """`DIRECTMAP_VIRT_START + (pdx << PAGE_SHIFT)` (x86_64/page.h)."""
        _check_u64(pdx, "pdx")
        if pdx << PAGE_SHIFT >= DIRECTMAP_SIZE:
            raise ValueError(f"pdx {pdx:#x} lies beyond the directmap")
        return DIRECTMAP_VIRT_START + (pdx << PAGE_SHIFT)

    def maddr_to_virt(self, maddr: int) -> int:
        """`__maddr_to_virt(ma)`: the directmap VA of a machine address."""
        _check_u64(maddr, "machine address")
        offset = (maddr & self.ma_va_bottom_mask) | ((maddr & self.ma_top_mask) >> self.hole_shift)
        if offset >= DIRECTMAP_SIZE:  # ASSERT(pfn_to_pdx(ma >> PAGE_SHIFT) < ...)
            raise ValueError(f"machine address {maddr:#x} lies beyond the directmap")
        return DIRECTMAP_VIRT_START + offset

    def mfn_to_virt(self, mfn: int) -> int:
        """`mfn_to_virt(mfn)` = `__maddr_to_virt(mfn << PAGE_SHIFT)`: a directmap VA."""
        return self.maddr_to_virt(mfn << PAGE_SHIFT)

    def virt_to_maddr(self, va: int, xen_phys_start: int | None = None) -> int:
        """`__virt_to_maddr(va)` as at 12dce7ea5a (x86_64/page.h:60-76).

        Directmap VAs subtract DIRECTMAP_VIRT_START; Xen-image VAs become
        `va - XEN_VIRT_START + xen_phys_start`. The decompression is then applied to both
        branches (bc2cda8c59, 2023, later exempts the Xen-image branch).
        """
        _check_u64(va, "virtual address")
        if va >= DIRECTMAP_VIRT_END:
            raise ValueError(f"{va:#x} is above DIRECTMAP_VIRT_END")
        if va >= DIRECTMAP_VIRT_START:
            offset = va - DIRECTMAP_VIRT_START
        else:
            if not XEN_VIRT_START <= va < XEN_VIRT_START + XEN_VIRT_SIZE:
                raise ValueError(f"{va:#x} is neither a directmap nor a Xen-image address")
            if xen_phys_start is None:
                raise ValueError("a Xen-image address needs xen_phys_start")
            offset = (va - XEN_VIRT_START + xen_phys_start) & MASK64
        return (offset & self.ma_va_bottom_mask) | ((offset << self.hole_shift) & self.ma_top_mask)

    def virt_to_mfn(self, va: int, xen_phys_start: int | None = None) -> int:
        """`virt_to_mfn(va)` = `__virt_to_maddr(va) >> PAGE_SHIFT`."""
        return self.virt_to_maddr(va, xen_phys_start) >> PAGE_SHIFT

    def true_mfn_of_virt(self, va: int) -> int:
        """The frame the directmap really maps at `va`: `pdx_to_pfn` of its page index."""
        if not DIRECTMAP_VIRT_START <= va < DIRECTMAP_VIRT_END:
            raise ValueError(f"{va:#x} is not a directmap address")
        return self.pdx_to_pfn((va - DIRECTMAP_VIRT_START) >> PAGE_SHIFT)


def _check_u64(value: int, what: str) -> None:
    if not 0 <= value <= MASK64:
        raise ValueError(f"{what} {value:#x} is not an unsigned 64-bit value")


def pfn_pdx_hole_setup(pfn_mask: int, *, scan_from: int = GUARD_SCAN_FROM) -> PdxLayout:
    """`pfn_pdx_hole_setup(mask)`: the widest run of zero bits between two set bits.

    The search for the first zero bit starts at `scan_from`: GUARD_SCAN_FROM (19) at
    12dce7ea5a, MAX_ORDER (20) in later Xen, 0 in the pre-guard code (no MAX_ORDER skip).
    A run of zeros above the highest set bit is not a hole. Ties keep the lowest run.
    """
    _check_u64(pfn_mask, "pfn mask")
    bottom_shift = hole_shift = 0
    j = scan_from
    while True:
        i = _find_next(pfn_mask, j, bit_set=False)
        j = _find_next(pfn_mask, i, bit_set=True)
        if j >= BITS_PER_LONG:
            break
        if j - i > hole_shift:
            hole_shift, bottom_shift = j - i, i
    if not hole_shift:
        return PdxLayout.identity()
    return PdxLayout(bottom_shift=bottom_shift, hole_shift=hole_shift)


def _first_ram_at_or_above_4g(ram: Sequence[tuple[int, int]]) -> int | None:
    """setup.c: the first page-aligned E820 RAM start >= 4 GiB (E820 is sorted)."""
    for start, end in sorted(ram):
        aligned_start = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        if aligned_start >= FOUR_GIB and aligned_start < end & ~(PAGE_SIZE - 1):
            return aligned_start
    return None


def region_address_mask(
    ram_ranges: Sequence[tuple[int, int]],
    *,
    seed_below_4g: bool = True,
    srat_regions: Sequence[tuple[int, int]] | None = None,
) -> int | None:
    """The machine-address mask `srat_parse_regions()` hands on, or None if it never runs.

    `ram_ranges` are the E820 RAM ranges, [start, end) machine addresses. `srat_regions`
    are the SRAT memory affinities (default: the RAM ranges themselves). Each region adds
    `base | pdx_region_mask(base, len)`. With `seed_below_4g`, the mask starts as
    `pdx_init_mask(first RAM start >= 4 GiB)`; when no RAM lies there Xen never calls
    `srat_parse_regions` (None). A RAM range the mask does not cover zeroes the mask.
    """
    for start, end in ram_ranges:
        if end < start or start < 0:
            raise ValueError(f"bad RAM range [{start:#x}, {end:#x})")
    mask = 0
    if seed_below_4g:
        seed = _first_ram_at_or_above_4g(ram_ranges)
        if seed is None:
            return None
        mask = pdx_init_mask(seed)
    for base, end in ram_ranges if srat_regions is None else srat_regions:
        if end > base:
            mask |= base | pdx_region_mask(base, end - base)
    for base, end in ram_ranges:
        if end > base and ~mask & pdx_region_mask(base, end - base):
            return 0
    return mask & MASK64


def hole_setup(
    ram_ranges: Sequence[tuple[int, int]],
    *,
    guard_max_order: bool = True,
    seed_below_4g: bool = True,
    srat_regions: Sequence[tuple[int, int]] | None = None,
    guard_from_max_order: bool = False,
) -> PdxLayout:
    """The PDX layout Xen picks at boot for these RAM ranges (machine addresses, [start, end)).

    `guard_max_order` off scans from bit 0, i.e. compresses even buddy-order bits (fault
    injection). With it on, the scan starts at bit MAX_ORDER-1 as at 12dce7ea5a, or at
    MAX_ORDER with `guard_from_max_order` (later Xen). See `region_address_mask` for the
    other options. Returns `PdxLayout.identity()` when Xen would not compress.
    """
    mask = region_address_mask(ram_ranges, seed_below_4g=seed_below_4g, srat_regions=srat_regions)
    if mask is None:
        return PdxLayout.identity()
    if not guard_max_order:
        scan_from = 0
    elif guard_from_max_order:
        scan_from = MAX_ORDER
    else:
        scan_from = GUARD_SCAN_FROM
    return pfn_pdx_hole_setup(mask >> PAGE_SHIFT, scan_from=scan_from)
