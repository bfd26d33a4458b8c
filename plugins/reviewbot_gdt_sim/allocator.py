"""A buddy allocator of machine frames shaped like Xen's heap allocator (page_alloc.c).

What it keeps from Xen @12dce7ea5a (`alloc_heap_pages`, `get_free_buddy`, `free_heap_pages`):

- every chunk of 2^order frames starts at an MFN that is a multiple of 2^order;
- free lists per (node, zone, order), zone = `flsl(mfn) ?: 1` of the chunk's first frame;
- allocation tries the requested node first (then the other nodes in cyclic order), on each
  node the highest zone first, and in each zone the smallest order with a free chunk;
- a larger chunk is split by putting its lower halves back (at the list heads, as clean
  pages) and handing out the top piece, so a fresh node is used from the top down;
- freeing merges with a free buddy of the same order on the same node, up to MAX_ORDER.

Determinism and re-use: alloc takes the head of a free list, split remainders go to the
head, and freed chunks go to the *tail* (Xen frees xenheap pages as "needs scrubbing", which
it queues at the tail). So a frame just freed is handed out again only when nothing else of
that order is free in the zone (and a freed frame that merged with its buddy is handed out
again only after the merged chunk is split). For a guaranteed different frame, pass `avoid=`.
Not modelled: scrubbing, MEMF_bits/DMA zone limits, xenheap_bits, reservations, page 0.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field

from reviewbot_gdt_sim.pdx import MAX_ORDER


class OutOfFrames(MemoryError):
    """No free chunk satisfies the request (`alloc_heap_pages` returns NULL)."""


def pages_of(mfn: int, order: int = 0) -> list[int]:
    """The frames of the chunk of 2^order pages starting at `mfn`."""
    return list(range(mfn, mfn + (1 << order)))


def zone_of(mfn: int) -> int:
    """`page_to_zone()` for a domheap page: `flsl(mfn) ?: 1`."""
    return mfn.bit_length() or 1


@dataclass
class _FreeList:
    """A doubly linked list of chunk starts with O(1) push, pop and removal."""

    head: int | None = None
    tail: int | None = None
    nxt: dict[int, int | None] = field(default_factory=dict)
    prv: dict[int, int | None] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.nxt)

    def __iter__(self) -> Iterator[int]:
        cur = self.head
        while cur is not None:
            yield cur
            cur = self.nxt[cur]

    def push_front(self, mfn: int) -> None:
        self.nxt[mfn], self.prv[mfn] = self.head, None
        if self.head is None:
            self.tail = mfn
        else:
            self.prv[self.head] = mfn
        self.head = mfn

    def push_back(self, mfn: int) -> None:
        self.nxt[mfn], self.prv[mfn] = None, self.tail
        if self.tail is None:
            self.head = mfn
        else:
            self.nxt[self.tail] = mfn
        self.tail = mfn

    def remove(self, mfn: int) -> None:
        before, after = self.prv.pop(mfn), self.nxt.pop(mfn)
        if before is None:
            self.head = after
        else:
            self.nxt[before] = after
        if after is None:
            self.tail = before
        else:
            self.prv[after] = before


@dataclass(frozen=True)
class _Range:
    start: int
    end: int
    node: int


def _coalesce(ranges: Sequence[tuple[int, int, int]]) -> list[_Range]:
    """Sort the ranges and join adjacent ones of the same node; reject overlaps."""
    out: list[_Range] = []
    for start, end, node in sorted(ranges):
        if start < 0 or end < start or node < 0:
            raise ValueError(f"bad frame range [{start:#x}, {end:#x}) node {node}")
        if start == end:
            continue
        if out and start < out[-1].end:
            raise ValueError(f"frame range at {start:#x} overlaps another")
        if out and start == out[-1].end and node == out[-1].node:
            out[-1] = _Range(out[-1].start, end, node)
        else:
            out.append(_Range(start, end, node))
    return out


def _aligned_chunks(start: int, end: int) -> Iterator[tuple[int, int]]:
    """The maximal naturally aligned chunks (mfn, order <= MAX_ORDER) covering [start, end)."""
    mfn = start
    while mfn < end:
        order = MAX_ORDER
        while order and (mfn & ((1 << order) - 1) or mfn + (1 << order) > end):
            order -= 1
        yield mfn, order
        mfn += 1 << order


class BuddyAllocator:
    """Machine frames of RAM ranges `(first_mfn, end_mfn_exclusive, node)`, handed out in
    naturally aligned chunks of 2^order frames. Same calls, same answers."""

    def __init__(self, ranges: Sequence[tuple[int, int, int]]) -> None:
        self._ranges = _coalesce(ranges)
        self._starts = [r.start for r in self._ranges]
        self.nodes: tuple[int, ...] = tuple(sorted({r.node for r in self._ranges}))
        self._zones: dict[int, list[int]] = {}
        for r in self._ranges:
            zones = set(self._zones.get(r.node, []))
            zones.update(range(zone_of(r.start), zone_of(r.end - 1) + 1))
            self._zones[r.node] = sorted(zones, reverse=True)
        self._lists: dict[tuple[int, int, int], _FreeList] = {}
        #: free chunk start -> (order, node)
        self._free: dict[int, tuple[int, int]] = {}
        #: allocated chunk start -> order
        self._allocated: dict[int, int] = {}
        # Xen frees boot memory page by page with merging and adds each chunk at its list
        # head, so the highest-addressed chunk of each list ends up first.
        chunks = [
            (mfn, order, r.node)
            for r in self._ranges
            for mfn, order in _aligned_chunks(r.start, r.end)
        ]
        for mfn, order, node in chunks:
            self._list(node, mfn, order).push_front(mfn)
            self._free[mfn] = (order, node)

    def _list(self, node: int, mfn: int, order: int) -> _FreeList:
        key = (node, zone_of(mfn), order)
        found = self._lists.get(key)
        if found is None:
            found = self._lists[key] = _FreeList()
        return found

    def node_of(self, mfn: int) -> int:
        """The node of a RAM frame; ValueError for a frame outside every range."""
        at = bisect.bisect_right(self._starts, mfn) - 1
        if at < 0 or mfn >= self._ranges[at].end:
            raise ValueError(f"mfn {mfn:#x} is not RAM")
        return self._ranges[at].node

    def _node_order(self, node: int | None, exact_node: bool) -> list[int]:
        if node is None:
            return list(self.nodes)
        if node not in self.nodes:
            return [] if exact_node else list(self.nodes)
        if exact_node:
            return [node]
        at = self.nodes.index(node)
        return list(self.nodes[at:] + self.nodes[:at])

    def alloc(
        self,
        order: int = 0,
        node: int | None = None,
        *,
        avoid: Collection[int] = (),
        exact_node: bool = False,
    ) -> int:
        """Allocate 2^order frames and return the first MFN.

        `node` is tried first (None: nodes in ascending order), then the others cyclically
        unless `exact_node` (MEMF_exact_node). No frame of `avoid` is handed out: a free chunk
        holding one is split around it (its highest clear piece is taken). Raises OutOfFrames
        when nothing fits.
        """
        if not 0 <= order <= MAX_ORDER:
            raise ValueError(f"order {order} outside 0..{MAX_ORDER}")
        avoided = sorted(set(avoid))
        for candidate_node in self._node_order(node, exact_node):
            for zone in self._zones[candidate_node]:
                for have in range(order, MAX_ORDER + 1):
                    free_list = self._lists.get((candidate_node, zone, have))
                    if not free_list:
                        continue
                    for mfn in free_list:
                        target = _top_piece(avoided, mfn, have, order)
                        if target is not None:
                            return self._take(free_list, mfn, have, target, order)
        wanted = "any node" if node is None else f"node {node}"
        raise OutOfFrames(f"no free chunk of order {order} on {wanted}")

    def _take(self, free_list: _FreeList, mfn: int, have: int, target: int, order: int) -> int:
        """Split chunk (mfn, have) down to (target, order), freeing the other halves at the
        list heads; Xen's split is the case where the target is the top piece."""
        free_list.remove(mfn)
        _, node = self._free.pop(mfn)
        while have > order:
            have -= 1
            low, high = mfn, mfn + (1 << have)
            mfn, spare = (high, low) if target >= high else (low, high)
            self._list(node, spare, have).push_front(spare)
            self._free[spare] = (have, node)
        self._allocated[mfn] = order
        return mfn

    def free(self, mfn: int, order: int = 0) -> None:
        """Free a chunk exactly as allocated; merge it with free buddies; queue it at the tail."""
        if self._allocated.get(mfn) != order:
            raise ValueError(f"mfn {mfn:#x} order {order} is not an allocated chunk")
        del self._allocated[mfn]
        node = self.node_of(mfn)
        while order < MAX_ORDER:
            buddy = mfn ^ (1 << order)
            if self._free.get(buddy) != (order, node):
                break
            self._list(node, buddy, order).remove(buddy)
            del self._free[buddy]
            mfn = min(mfn, buddy)
            order += 1
        self._list(node, mfn, order).push_back(mfn)
        self._free[mfn] = (order, node)

    def is_free(self, mfn: int) -> bool:
        """Whether frame `mfn` lies in a free chunk."""
        for order in range(MAX_ORDER + 1):
            start = mfn & ~((1 << order) - 1)
            if self._free.get(start, (-1, -1))[0] == order:
                return True
        return False

    def allocated(self) -> frozenset[int]:
        """Every allocated frame."""
        return frozenset(
            m for start, order in self._allocated.items() for m in pages_of(start, order)
        )

    def free_chunks(self) -> dict[int, tuple[int, int]]:
        """The free chunks: first MFN -> (order, node)."""
        return dict(self._free)

    def free_frame_count(self, node: int | None = None) -> int:
        """How many frames are free (on `node`, or in total)."""
        return sum(1 << o for o, n in self._free.values() if node is None or n == node)


def _overlaps(avoided: Sequence[int], mfn: int, order: int) -> bool:
    """Whether any frame of the sorted `avoided` lies in [mfn, mfn + 2^order)."""
    at = bisect.bisect_left(avoided, mfn)
    return at < len(avoided) and avoided[at] < mfn + (1 << order)


def _top_piece(avoided: Sequence[int], mfn: int, have: int, order: int) -> int | None:
    """The highest aligned 2^order piece of chunk (mfn, have) clear of `avoided`, if any."""
    piece = mfn + (1 << have) - (1 << order)
    while piece >= mfn:  # at most len(avoided) + 1 steps
        if not _overlaps(avoided, piece, order):
            return piece
        piece -= 1 << order
    return None
