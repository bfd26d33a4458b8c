"""gdt-sim: PDX compression (design §4) and the aligned buddy allocator of machine frames."""

from __future__ import annotations

import random

import pytest
from reviewbot_gdt_sim.allocator import BuddyAllocator, OutOfFrames, pages_of, zone_of
from reviewbot_gdt_sim.layout import DIRECTMAP_VIRT_START, XEN_VIRT_START, l1e_from_pfn
from reviewbot_gdt_sim.pdx import (
    MAX_ORDER,
    PdxLayout,
    fill_mask,
    hole_setup,
    pdx_init_mask,
    pdx_region_mask,
    pfn_pdx_hole_setup,
    region_address_mask,
)

KIB, MIB, GIB, TIB = 1 << 10, 1 << 20, 1 << 30, 1 << 40
#: Design §4.3: E820 RAM of the two-node machine (machine addresses).
E820 = [(1 * MIB, 2 * GIB), (4 * GIB, 8 * GIB), (1 * TIB, 1 * TIB + 8 * GIB)]
SRAT = [(0, 8 * GIB), (1 * TIB, 1 * TIB + 8 * GIB)]
#: The same RAM in frames, with nodes.
FRAMES = [(0x100, 0x80000, 0), (0x100000, 0x200000, 0), (0x10000000, 0x10200000, 1)]
TWO_NODE = PdxLayout(bottom_shift=21, hole_shift=7)


# --- masks and hole set-up -------------------------------------------------------------


def test_mask_helpers_match_pdx_c() -> None:
    assert fill_mask(0x100) == 0x1FF
    assert fill_mask(0) == 0
    assert pdx_init_mask(4 * GIB) == 0xFFFF_FFFF
    assert pdx_init_mask(0) == (1 << 64) - 1  # base - 1 wraps in C
    assert pdx_region_mask(1 * TIB, 8 * GIB) == 0x1_FFFF_FFFF
    assert pdx_region_mask(1 * MIB, 2 * GIB - 1 * MIB) == 0x7FFF_FFFF


def test_two_node_layout_from_e820() -> None:
    assert region_address_mask(E820) == 0x101_FFFF_FFFF
    assert hole_setup(E820) == TWO_NODE


def test_two_node_layout_from_srat_with_e820_check() -> None:
    assert region_address_mask(E820, srat_regions=SRAT) == 0x101_FFFF_FFFF
    assert hole_setup(E820, srat_regions=SRAT) == TWO_NODE


def test_ram_not_covered_by_srat_disables_compression() -> None:
    # Node 1 has 16 GiB of RAM but SRAT says 8 GiB: bit 33 moves in RAM, not in the mask.
    e820 = [*E820[:2], (1 * TIB, 1 * TIB + 16 * GIB)]
    assert region_address_mask(e820, srat_regions=SRAT) == 0
    assert hole_setup(e820, srat_regions=SRAT) == PdxLayout.identity()
    assert hole_setup(e820) == PdxLayout(bottom_shift=22, hole_shift=6)
    # Only moving bits are checked: a missing SRAT entry with the same size passes, and
    # without bit 40 there is no hole.
    assert region_address_mask(E820, srat_regions=SRAT[:1]) == 0x1_FFFF_FFFF
    assert hole_setup(E820, srat_regions=SRAT[:1]) == PdxLayout.identity()


def test_no_ram_above_4g_means_no_compression() -> None:
    # setup.c only calls srat_parse_regions() for the first RAM range at or above 4 GiB.
    assert region_address_mask([(1 * MIB, 2 * GIB)]) is None
    assert hole_setup([(1 * MIB, 2 * GIB)]) == PdxLayout.identity()


def test_two_node_masks() -> None:
    assert TWO_NODE.pfn_pdx_bottom_mask == 0x1FFFFF
    assert TWO_NODE.ma_va_bottom_mask == 0x1_FFFF_FFFF
    assert TWO_NODE.pfn_hole_mask == 0xFE00000
    assert TWO_NODE.pfn_top_mask == 0xFFFF_FFFF_F000_0000
    assert TWO_NODE.ma_top_mask == 0xFFFF_FF00_0000_0000


def test_identity_layout_has_xens_initial_masks() -> None:
    ident = PdxLayout.identity()
    all_ones = (1 << 64) - 1
    assert (ident.pfn_pdx_bottom_mask, ident.ma_va_bottom_mask) == (all_ones, all_ones)
    assert (ident.pfn_hole_mask, ident.pfn_top_mask, ident.ma_top_mask) == (0, 0, 0)
    assert not ident.compresses
    for mfn in (0, 0x1FFFFF, 0x10000123):
        assert ident.pfn_to_pdx(mfn) == mfn
        assert ident.virt_to_mfn(ident.mfn_to_virt(mfn)) == mfn
    assert ident.mfn_to_virt(0x10000123) == DIRECTMAP_VIRT_START + 0x10000123000


def test_hole_scan_picks_the_widest_run_between_set_bits() -> None:
    # Bits 0-20, 24, 40: runs 21-23 (3) and 25-39 (15); zeros above bit 40 are no hole.
    assert pfn_pdx_hole_setup((1 << 21) - 1 | 1 << 24 | 1 << 40) == PdxLayout(25, 15)
    assert pfn_pdx_hole_setup((1 << 21) - 1) == PdxLayout.identity()


# --- translations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mfn", "pdx", "va"),
    [
        (0x1FFFFE, 0x1FFFFE, 0xFFFF8301FFFFE000),
        (0x1FFFFF, 0x1FFFFF, 0xFFFF8301FFFFF000),
        (0x10000000, 0x200000, 0xFFFF830200000000),
        (0x10000123, 0x200123, 0xFFFF830200123000),
    ],
)
def test_translation_table(mfn: int, pdx: int, va: int) -> None:
    assert TWO_NODE.pfn_to_pdx(mfn) == pdx
    assert TWO_NODE.pdx_to_pfn(pdx) == mfn
    assert TWO_NODE.pdx_to_virt(pdx) == va
    assert TWO_NODE.mfn_to_virt(mfn) == va
    assert TWO_NODE.virt_to_mfn(va) == mfn


def test_slot14_pte_of_an_ap_gdt_on_node_1() -> None:
    mfn = TWO_NODE.virt_to_mfn(0xFFFF830200123000)
    assert l1e_from_pfn(mfn) == 0x8000010000123063


def test_straddling_two_page_object() -> None:
    va = 0xFFFF8301FFFFF000
    assert TWO_NODE.virt_to_mfn(va) + 1 == 0x200000
    assert TWO_NODE.virt_to_mfn(va + 0x1000) == 0x10000000
    assert TWO_NODE.true_mfn_of_virt(va + 0x1000) == 0x10000000
    assert TWO_NODE.pfn_in_hole(0x200000)


def test_contrived_layout_breaks_mfn_plus_i() -> None:
    bad = PdxLayout(bottom_shift=1, hole_shift=1)
    assert [bad.pdx_to_pfn(x) for x in range(4)] == [0, 1, 4, 5]
    va = bad.pdx_to_virt(0)
    base = bad.virt_to_mfn(va)
    assert base == 0
    assert [base + i for i in range(4)] == [0, 1, 2, 3]
    assert [bad.true_mfn_of_virt(va + i * 0x1000) for i in range(4)] == [0, 1, 4, 5]


def test_guard_off_lets_the_hole_land_below_max_order() -> None:
    ranges = [(0, 8 * KIB), (16 * KIB, 24 * KIB)]  # pfn mask 0b101
    layout = hole_setup(ranges, guard_max_order=False, seed_below_4g=False)
    assert layout == PdxLayout(bottom_shift=1, hole_shift=1)
    assert hole_setup(ranges, guard_max_order=True, seed_below_4g=False) == PdxLayout.identity()


def test_guard_on_keeps_the_hole_at_or_above_max_order() -> None:
    # pfn bits 0-18 and 22: without the 4 GiB seed the 12dce7ea5a scan (from bit 19)
    # compresses bit 19; later Xen (from bit 20) does not; the seed covers bits 0-21.
    ranges = [(0, 2 * GIB), (16 * GIB, 18 * GIB)]
    assert hole_setup(ranges, guard_max_order=False, seed_below_4g=False) == PdxLayout(19, 3)
    assert hole_setup(ranges, seed_below_4g=False) == PdxLayout(19, 3)
    assert hole_setup(ranges, seed_below_4g=False, guard_from_max_order=True) == PdxLayout(20, 2)
    assert hole_setup(ranges) == PdxLayout.identity()
    assert hole_setup(E820, guard_max_order=False).bottom_shift == 21


def test_xen_image_branch() -> None:
    xen_phys_start = 0x7F600000  # relocated below 4 GiB
    for layout in (TWO_NODE, PdxLayout.identity()):
        for off in (0, 0x3000, 0x1FF000):
            va = XEN_VIRT_START + off
            assert layout.virt_to_mfn(va, xen_phys_start) == (off + xen_phys_start) >> 12
    with pytest.raises(ValueError, match="xen_phys_start"):
        TWO_NODE.virt_to_mfn(XEN_VIRT_START)
    with pytest.raises(ValueError, match="neither"):
        TWO_NODE.virt_to_mfn(XEN_VIRT_START - 0x1000, 0)


def test_xen_image_branch_is_decompressed_too() -> None:
    # At 12dce7ea5a the image branch is decompressed: a hole below 4 GiB would corrupt it.
    low_hole = PdxLayout(bottom_shift=19, hole_shift=3)
    assert low_hole.virt_to_maddr(XEN_VIRT_START, 0xC0000000) == 0x4_4000_0000


# --- allocator -------------------------------------------------------------------------


def test_pages_of_and_zone() -> None:
    assert pages_of(0x1FFFFE, 1) == [0x1FFFFE, 0x1FFFFF]
    assert pages_of(8, 2) == [8, 9, 10, 11]
    assert (zone_of(0), zone_of(1), zone_of(0x100000)) == (1, 1, 21)


def test_fresh_memory_is_used_from_the_top_down() -> None:
    alloc = BuddyAllocator([(16, 32, 0)])
    assert [alloc.alloc() for _ in range(5)] == [31, 30, 29, 28, 27]
    assert alloc.allocated() == frozenset({27, 28, 29, 30, 31})
    assert alloc.is_free(26) and not alloc.is_free(27)


def test_freed_frames_queue_at_the_tail() -> None:
    alloc = BuddyAllocator([(16, 32, 0)])
    assert [alloc.alloc() for _ in range(3)] == [31, 30, 29]
    alloc.free(31)
    assert alloc.is_free(31)
    assert alloc.alloc() == 28  # 28 was queued before 31
    assert alloc.alloc() == 31


def test_avoid_gives_a_different_frame() -> None:
    alloc = BuddyAllocator([(16, 32, 0)])
    first = alloc.alloc()
    alloc.free(first)  # merges back into the whole [16, 32) chunk
    assert alloc.free_chunks() == {16: (4, 0)}
    assert alloc.alloc(avoid={first}) == 30
    assert alloc.alloc(avoid={31, 29}) == 28
    assert alloc.alloc(1, avoid=range(24, 32)) == 22
    assert alloc.alloc() == 29  # the spare left by the previous split, at the list head
    assert alloc.allocated() == frozenset({22, 23, 28, 29, 30})


def test_free_merges_buddies() -> None:
    alloc = BuddyAllocator([(16, 32, 0)])
    frames = [alloc.alloc() for _ in range(16)]
    assert sorted(frames) == list(range(16, 32))
    with pytest.raises(OutOfFrames):
        alloc.alloc()
    for mfn in frames:
        alloc.free(mfn)
    assert alloc.free_chunks() == {16: (4, 0)}
    assert alloc.alloc(4) == 16


def test_free_rejects_unknown_chunks() -> None:
    alloc = BuddyAllocator([(16, 32, 0)])
    mfn = alloc.alloc(1)
    with pytest.raises(ValueError, match="not an allocated chunk"):
        alloc.free(mfn, 0)
    alloc.free(mfn, 1)
    with pytest.raises(ValueError, match="not an allocated chunk"):
        alloc.free(mfn, 1)


def test_initial_chunks_are_aligned_and_maximal() -> None:
    alloc = BuddyAllocator([(3, 20, 0), (20, 24, 0), (24, 32, 1)])
    assert alloc.free_chunks() == {
        3: (0, 0),
        4: (2, 0),
        8: (3, 0),
        16: (3, 0),  # [16, 20) and [20, 24) are joined on node 0
        24: (3, 1),
    }


def test_node_preference_fallback_and_exhaustion() -> None:
    alloc = BuddyAllocator([(16, 32, 0), (64, 80, 1)])
    assert alloc.alloc(0, node=1) == 79
    assert alloc.alloc(4, node=0) == 16
    assert alloc.node_of(78) == 1
    assert alloc.alloc(0, node=0) == 78  # node 0 is full: fall back to node 1
    with pytest.raises(OutOfFrames):
        alloc.alloc(0, node=0, exact_node=True)
    with pytest.raises(OutOfFrames):
        alloc.alloc(4)
    assert alloc.free_frame_count() == 14
    while alloc.free_frame_count():
        alloc.alloc()
    with pytest.raises(OutOfFrames, match="order 0"):
        alloc.alloc()


def test_highest_zone_first() -> None:
    alloc = BuddyAllocator([(0x100, 0x200, 0), (0x100000, 0x100010, 0)])
    assert alloc.alloc() == 0x10000F
    assert alloc.alloc(4) == 0x1F0


def test_no_cross_node_merge() -> None:
    alloc = BuddyAllocator([(0, 1, 0), (1, 2, 1)])
    assert alloc.free_chunks() == {0: (0, 0), 1: (0, 1)}
    with pytest.raises(OutOfFrames):
        alloc.alloc(1)
    assert (alloc.alloc(node=0), alloc.alloc(node=1)) == (0, 1)
    alloc.free(0)
    alloc.free(1)
    assert alloc.free_chunks() == {0: (0, 0), 1: (0, 1)}


def _run(seed: int) -> list[int]:
    rng = random.Random(seed)
    alloc = BuddyAllocator(FRAMES)
    live: list[tuple[int, int]] = []
    out: list[int] = []
    for _ in range(300):
        if live and rng.random() < 0.3:
            mfn, order = live.pop(rng.randrange(len(live)))
            alloc.free(mfn, order)
        else:
            order = rng.randrange(4)
            mfn = alloc.alloc(order, rng.choice([0, 1, None]))
            live.append((mfn, order))
            out.append(mfn)
    return out


def test_allocator_is_deterministic() -> None:
    assert _run(7) == _run(7)
    assert _run(7) != _run(8)


def test_order_1_chunks_never_straddle_the_hole() -> None:
    # Only the pair 0x1FFFFF / 0x10000000 is VA-adjacent across the hole; it never pairs.
    alloc = BuddyAllocator([(0x1FFFF5, 0x200000, 0), (0x10000000, 0x1000000B, 1)])
    pairs = []
    while True:
        try:
            pairs.append(alloc.alloc(1))
        except OutOfFrames:
            break
    assert pairs
    assert all(mfn % 2 == 0 and TWO_NODE.pfn_to_pdx(mfn) % 2 == 0 for mfn in pairs)
    assert 0x1FFFFE in pairs and 0x1FFFFF not in pairs
    assert sorted(alloc.free_chunks()) == [0x1FFFF5, 0x1000000A]
    with pytest.raises(OutOfFrames):
        alloc.alloc(1)


def test_va_adjacent_singles_across_the_hole_never_form_a_pair() -> None:
    alloc = BuddyAllocator([(0x1FFFFF, 0x200000, 0), (0x10000000, 0x10000001, 0)])
    va = TWO_NODE.mfn_to_virt(0x1FFFFF)
    assert TWO_NODE.mfn_to_virt(0x10000000) == va + 0x1000
    with pytest.raises(OutOfFrames):
        alloc.alloc(1)
    assert sorted([alloc.alloc(), alloc.alloc()]) == [0x1FFFFF, 0x10000000]


def test_mfn_plus_i_holds_for_every_chunk_in_the_two_node_layout() -> None:
    rng = random.Random(20190704)
    alloc = BuddyAllocator(FRAMES)
    live: list[tuple[int, int]] = []
    checked = 0
    for _ in range(2000):
        if live and rng.random() < 0.25:
            alloc.free(*live.pop(rng.randrange(len(live))))
            continue
        order = rng.choice([0, 0, 0, 1, 1, 2, 3, 5, 9, MAX_ORDER])
        try:
            mfn = alloc.alloc(order, rng.choice([0, 1, None]))
        except OutOfFrames:
            continue
        live.append((mfn, order))
        assert mfn % (1 << order) == 0
        assert TWO_NODE.pfn_to_pdx(mfn) % (1 << order) == 0
        va = TWO_NODE.mfn_to_virt(mfn)
        base = TWO_NODE.virt_to_mfn(va)
        frames = pages_of(mfn, order)
        step = max(1, len(frames) // 64)  # sample big chunks, always incl. first and last
        for i in [*range(0, len(frames), step), len(frames) - 1]:
            assert base + i == frames[i] == TWO_NODE.true_mfn_of_virt(va + (i << 12))
        checked += 1
    assert checked > 1000
