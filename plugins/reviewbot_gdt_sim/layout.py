"""Xen's GDT layout at 12dce7ea5a: sizes, selectors, descriptors, virtual areas, PTE flags.

Every value cites the Xen file it comes from (see the design notes in the plugin's README).
Descriptors are raw 64-bit values, as `seg_desc_t.raw` holds them.
"""

from __future__ import annotations

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
#: Descriptors per 4 KiB page (8 bytes each; asm-x86/desc.h).
DESCRIPTORS_PER_PAGE = PAGE_SIZE // 8

#: public/arch-x86/xen.h:101-103.
FIRST_RESERVED_GDT_PAGE = 14
FIRST_RESERVED_GDT_BYTE = FIRST_RESERVED_GDT_PAGE * PAGE_SIZE
FIRST_RESERVED_GDT_ENTRY = FIRST_RESERVED_GDT_BYTE // 8
#: asm-x86/desc.h:8; the hypothetical scenarios T17/T18 change it.
NR_RESERVED_GDT_PAGES = 1
#: A GDT spans at most 16 pages (limit 0xFFFF).
GDT_PAGES = 16
MAX_GDT_LIMIT = 0xFFFF


def last_reserved_gdt_byte(reserved_pages: int = NR_RESERVED_GDT_PAGES) -> int:
    """The GDTR limit Xen programs: 0xEFFF with one reserved page (desc.h:14-15)."""
    return min(MAX_GDT_LIMIT, (FIRST_RESERVED_GDT_PAGE + reserved_pages) * PAGE_SIZE - 1)


XEN_GDT_LIMIT = last_reserved_gdt_byte()

#: Indices within Xen's reserved page (desc.h:35-37).
TSS_INDEX = 8
LDT_INDEX = 10
PER_CPU_INDEX = 12


def selector(index: int, rpl: int = 0) -> int:
    """The selector of descriptor `index` of Xen's reserved page."""
    return ((FIRST_RESERVED_GDT_ENTRY + index) << 3) | rpl


TSS_SELECTOR = selector(TSS_INDEX)  # 0xE040
LDT_SELECTOR = selector(LDT_INDEX)  # 0xE050
PER_CPU_SELECTOR = selector(PER_CPU_INDEX)  # 0xE060
HYPERVISOR_CS = 0xE008
HYPERVISOR_DS32 = 0xE010

#: boot_cpu_gdt_table (boot/x86_64.S:56-66 @12dce7ea5a); TSS/LDT are written at runtime.
REGULAR_TEMPLATE: dict[int, int] = {
    1: 0x00AF9A000000FFFF,  # 0xE008 ring 0, 64-bit code
    2: 0x00CF92000000FFFF,  # 0xE010 ring 0 data
    4: 0x00CFFA000000FFFF,  # 0xE023 ring 3 32-bit code (FLAT_RING3_CS32)
    5: 0x00CFF2000000FFFF,  # 0xE02B ring 3 data (FLAT_RING3_DS32/SS32/SS64)
    6: 0x00AFFA000000FFFF,  # 0xE033 ring 3 64-bit code (FLAT_RING3_CS64)
    7: 0x00CF9A000000FFFF,  # 0xE038 ring 0 32-bit code (__HYPERVISOR_CS32)
    12: 0x0000910000000000,  # 0xE060 per-CPU marker, .a = cpu
}
#: boot_cpu_compat_gdt_table (boot/x86_64.S:71-81 @12dce7ea5a).
COMPAT_TEMPLATE: dict[int, int] = {
    1: 0x00AF9A000000FFFF,
    2: 0x00CF92000000FFFF,
    3: 0x00CFBA000000FFFF,  # 0xE019 ring 1 32-bit code (FLAT_COMPAT_RING1_CS)
    4: 0x00CFB2000000FFFF,  # 0xE021 ring 1 data (FLAT_COMPAT_RING1_DS)
    5: 0x00CFFA000000FFFF,  # 0xE02B ring 3 code (FLAT_COMPAT_RING3_CS)
    6: 0x00CFF2000000FFFF,  # 0xE033 ring 3 data (FLAT_COMPAT_RING3_DS)
    7: 0x00CF9A000000FFFF,
    12: 0x0000910000000000,
}

#: Virtual areas (asm-x86/config.h @12dce7ea5a).
PERDOMAIN_VIRT_START = 0xFFFF820000000000
PERDOMAIN_SLOT = 260
GDT_LDT_VCPU_SHIFT = 5  # 32 pages per vCPU
GDT_LDT_VCPU_VA_SHIFT = GDT_LDT_VCPU_SHIFT + PAGE_SHIFT
PAGES_PER_VCPU = 1 << GDT_LDT_VCPU_SHIFT
LDT_PAGE_OFFSET = 16
PERDOMAIN_AREA_SIZE = 1 << 30
DIRECTMAP_VIRT_START = 0xFFFF830000000000
XEN_VIRT_START = 0xFFFF82D080000000
#: Where the per-CPU TSSs live in the model (init_tss is a per-CPU variable).
TSS_AREA = 0xFFFF82D080600000
TSS_STRIDE = 0x1000


def gdt_virt_start(vcpu_id: int) -> int:
    """GDT_VIRT_START(v): the vCPU's 128 KiB window of the per-domain GDT/LDT area."""
    return PERDOMAIN_VIRT_START + (vcpu_id << GDT_LDT_VCPU_VA_SHIFT)


def ldt_virt_start(vcpu_id: int) -> int:
    """LDT_VIRT_START(v) = GDT_VIRT_START(v) + 64 KiB."""
    return gdt_virt_start(vcpu_id) + (LDT_PAGE_OFFSET << PAGE_SHIFT)


def pv_gdt_pte_index(vcpu_id: int, slot: int) -> tuple[int, int]:
    """(L1 page, entry) of slot `slot` of the vCPU's GDT in `gdt_ldt_l1tab` (domain.h:477-482)."""
    return vcpu_id >> 4, ((vcpu_id << GDT_LDT_VCPU_SHIFT) & 511) + slot


def tss_address(cpu: int) -> int:
    """The model's address of `init_tss[cpu]`."""
    return TSS_AREA + cpu * TSS_STRIDE


#: PTE flags (asm-x86/page.h, x86_64/page.h @12dce7ea5a).
PAGE_PRESENT = 0x001
PAGE_RW = 0x002
PAGE_USER = 0x004
PAGE_ACCESSED = 0x020
PAGE_DIRTY = 0x040
PAGE_GLOBAL = 0x100
PAGE_NX = 1 << 63
PAGE_HYPERVISOR_RW = PAGE_PRESENT | PAGE_RW | PAGE_ACCESSED | PAGE_DIRTY  # 0x063, plus NX
PAGE_HYPERVISOR_RO = PAGE_PRESENT | PAGE_ACCESSED | PAGE_DIRTY
PTE_MFN_MASK = 0x000FFFFFFFFFF000


def l1e_from_pfn(mfn: int, flags: int = PAGE_HYPERVISOR_RW, nx: bool = True) -> int:
    """`l1e_from_pfn(mfn, flags)`: NX goes to bit 63 when the CPU has it (`cpu_has_nx`)."""
    return (mfn << PAGE_SHIFT) | flags | (PAGE_NX if nx else 0)


def pte_mfn(pte: int) -> int | None:
    """The frame a PTE maps, or None when it is not present."""
    if not pte & PAGE_PRESENT:
        return None
    return (pte & PTE_MFN_MASK) >> PAGE_SHIFT
