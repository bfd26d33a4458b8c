"""A deterministic mboxrd of made-up xen-devel traffic, for throughput benchmarks.

`python3 benchmarks/gen_mbox.py [PATH] [--messages 5000] [--seed 1]` writes exactly --messages
mails (default path under /tmp, never the repository). The same seed always gives the same bytes.

What it holds, in arrival order: series with a cover letter and 2-12 patches (some without a
cover, their patches answering 1/N), re-rolls (v2, v3, a partial `v1.1` of one patch, a RESEND)
posted in the old thread or a new one with the earlier trailers carried, single patches, reviews
that quote the patch and give trailers (Reviewed-by, Acked-by with `# x86` scopes, Tested-by
with an `[on ...]` line, Release-Acked-by, `For patches 1-2:` and `for patches 1-3` scopes,
near-miss spellings, trailers mentioned in prose, quoted trailers in the author's answers),
discussion threads without patches and osstest flight reports. Patches carry well-formed
unified diffs with diffstats. Names and addresses are invented; some are non-ASCII (RFC 2047
From headers), and some bodies are quoted-printable.
"""

from __future__ import annotations

import argparse
import quopri
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime
from pathlib import Path

DEFAULT_PATH = Path("/tmp/reviewbot-bench/xen-devel-5000.mbox")
LIST = "xen-devel@lists.xenproject.org"
START = datetime(2024, 1, 8, 8, 0, tzinfo=UTC)


def words(text: str, separator: str | None = None) -> tuple[str, ...]:
    """A word list written as one string."""
    return tuple(text.split(separator))


FIRST = words("""Anna Bogdan Carla Dmitri Elena Farid Greta Hiro Ines Jonas Kasia Lars Mara Nikhil
    Olga Pavel Quentin Rosa Stefan Tomas Uma Viktor Wen Xavier Yuki Zoë Łukasz Søren Rémi
    José""")
LAST = words("""Albers Brandt Costa Dvorak Eklund Ferrari Gruber Halvorsen Ivanova Jansen Kowalski
    Lindqvist Moreau Nakamura Okafor Petrov Quinn Rossi Schmidt Tanaka Ulrich Varga Weber
    Müller Wójcik Håkansson Lefèvre Peña Novák Horváth""")
DOMAINS = words("""cloud.example.com suse.example.org arm.example.com amd.example.com
    xen.example.org     vates.example.fr epam.example.com kernel.example.org qubes.example.net""")
ZONES = [timezone(timedelta(hours=h)) for h in (0, 0, 1, 1, 2, -5, -7, 8, 5.5)]


@dataclass(frozen=True)
class Area:
    """A part of the tree: its subject prefixes, files, functions and maintainers' scope."""

    name: str
    prefixes: tuple[str, ...]
    files: tuple[str, ...]
    functions: tuple[str, ...]
    scope: str  # what an area-scoped Acked-by says after '#'


AREAS = (
    Area(
        "x86",
        words("x86/mm x86/hvm x86/vmx x86/svm x86/pv x86/cpu x86/irq"),
        words("""xen/arch/x86/mm.c xen/arch/x86/hvm/hvm.c xen/arch/x86/hvm/vmx/vmx.c
            xen/arch/x86/hvm/svm/svm.c xen/arch/x86/traps.c xen/arch/x86/domain.c
            xen/arch/x86/cpu/common.c xen/arch/x86/pv/emul-priv-op.c xen/arch/x86/irq.c
            xen/arch/x86/include/asm/processor.h"""),
        words("""hvm_set_cr0 vmx_vmexit_handler svm_do_resume do_page_fault arch_domain_create
            pv_emulate_privileged_op identify_cpu setup_irq"""),
        "x86",
    ),
    Area(
        "arm",
        ("xen/arm", "xen/arm: gic", "xen/arm: smmu", "xen/arm: p2m", "arm/vgic"),
        words("""xen/arch/arm/gic-v3.c xen/arch/arm/domain_build.c xen/arch/arm/p2m.c
            xen/arch/arm/traps.c xen/drivers/passthrough/arm/smmu-v3.c xen/arch/arm/vgic.c
            xen/arch/arm/mmu/setup.c"""),
        words("""gicv3_init construct_domU p2m_set_entry do_trap_guest_sync setup_mm
            arm_smmu_device_probe vgic_inject_irq"""),
        "arm",
    ),
    Area(
        "tools",
        words("tools/libxl libxl xl tools/xenstored tools/libs/ctrl"),
        words("""tools/libs/light/libxl_dom.c tools/libs/light/libxl_qmp.c tools/xl/xl_cmdimpl.c
            tools/libs/light/libxl_create.c tools/xenstored/core.c
            tools/libs/ctrl/xc_domain.c"""),
        words("""libxl__build_pre qmp_connect do_domain_create main_create handle_input
            xc_domain_getinfo"""),
        "tools",
    ),
    Area(
        "sched",
        ("xen/sched", "sched/credit2", "xen/cpupool"),
        ("xen/common/sched/core.c", "xen/common/sched/credit2.c", "xen/common/sched/cpupool.c"),
        ("sched_init_vcpu", "csched2_schedule", "cpupool_assign_cpu_locked", "vcpu_wake"),
        "sched",
    ),
    Area(
        "common",
        ("xen/mm", "xen/gnttab", "xen/evtchn", "xen/common", "xen/iommu"),
        words("""xen/common/page_alloc.c xen/common/memory.c xen/common/grant_table.c
            xen/common/event_channel.c xen/drivers/passthrough/iommu.c"""),
        ("alloc_heap_pages", "do_memory_op", "gnttab_map_grant_ref", "evtchn_send", "iommu_setup"),
        "common",
    ),
    Area(
        "docs",
        ("docs", "docs/misc", "CHANGELOG"),
        ("docs/misc/xen-command-line.pandoc", "docs/process/sending-patches.pandoc"),
        ("",),
        "docs",
    ),
)

VERBS = words("""fix avoid drop introduce rework simplify correct handle add remove use move rename
    harden limit check split""")
OBJECTS = [
    "the off-by-one in the table boundary check",
    "a NULL dereference on the error path",
    "unused parameters",
    "a helper for the common case",
    "the open-coded loop",
    "overflow in the size calculation",
    "locking around the list update",
    "the stale comment",
    "spurious warnings at boot",
    "the order of initialisation",
    "the leak when allocation fails",
    "an ASSERT() that can trigger",
    "the return value",
    "a command line option",
    "redundant barriers",
    "the legacy interface",
    "per-CPU state on hot-unplug",
    "the reference count on teardown",
]
QUALIFIERS = [
    *[""] * 4,
    *words(" on AMD| for PVH dom0| when the domain is dying| in the fast path", "|"),
    *words(" under the lock| with 5-level paging| for guests with many vCPUs", "|"),
]
SENTENCES = [
    "The current code assumes the value is always page aligned, which is not the case.",
    "This was found while testing with a debug build of the hypervisor.",
    "No functional change intended for the existing callers.",
    "Without this, a guest can trigger the condition by issuing the hypercall twice.",
    "Keep the behaviour as it was for the hardware domain.",
    "The check happens too late, after the state has already been modified.",
    "Move the logic into a helper so that both paths can share it.",
    "This matches what the specification says about the reserved bits.",
    "Coverity reported the issue, and it is also reachable from the toolstack.",
    "Take the opportunity to adjust the style of the surrounding code.",
    "The lock is not needed there, as the list is only modified during boot.",
    "Older versions of the compiler warn about the uninitialised variable.",
    "Architectures that do not select the option are not affected.",
    "The issue has been present since the code was introduced.",
]
COMMENTS = [
    "Why is this needed? The caller already checks the same condition.",
    "I think this wants to be unsigned int.",
    "Please use ARRAY_SIZE() here.",
    "This looks wrong to me: the lock is dropped before the list is walked.",
    "Nit: blank line missing before the return.",
    "Can this actually happen in practice? If so, the description should say how.",
    "Would it not be simpler to check this in the caller?",
    "The comment above wants updating as well.",
    "I'm not convinced this is the right layer to fix it.",
    "This needs to be BUG_ON() at most, not a silent return.",
    "Style: Xen wants blanks inside the parentheses of if().",
    "Please split the renaming into a separate patch.",
]
ANSWERS = [
    "Right, I'll fix that in the next version.",
    "Good point, will do.",
    "I don't think so: the caller only holds the lock on one of the two paths.",
    "It can, when the domain is being destroyed concurrently.",
    "Hmm, let me check and get back to you.",
    "Fine with me, I'll adjust it while committing if nothing else comes up.",
]
PROSE_TRAILERS = [
    "With the nit fixed, feel free to add my Reviewed-by.",
    "I'd be happy to give my Reviewed-by once the comment is addressed.",
    "Reviewed-by is fine from me once Jan's comment is dealt with.",
    "I can't give an Acked-by for the Arm side yet, sorry.",
]
DISCUSSION_SUBJECTS = [
    "Xen 4.19 release: feature freeze reminder",
    "[BUG] dom0 crash on boot with {area}",
    "Design session notes: {area} roadmap",
    "Question about the {area} maintainers' process",
    "Call for agenda items: community call",
    "Security support status of {area}",
    "Regression in the staging branch for {area}",
    "Proposal: drop support for old toolchains",
]
C_LINES = [
    "    if ( {v} > {c} )",
    "        return -EINVAL;",
    "    {v} = {f}({w}, {c});",
    "    spin_lock(&d->arch.{w}_lock);",
    "    spin_unlock(&d->arch.{w}_lock);",
    "    for ( i = 0; i < {c}; i++ )",
    "        {v}[i] = 0;",
    "    ASSERT({v} != NULL);",
    "    rc = {f}(d, {v});",
    "    if ( rc )",
    "        goto out;",
    "    unsigned int {v};",
    '    gprintk(XENLOG_WARNING, "{f} failed: %d\\n", rc);',
    "    return rc;",
    "    {v} &= ~{C};",
    "    {v} |= {C};",
    "    put_page({v});",
    "    xfree({v});",
    "",
]
VARIABLES = ["mfn", "gfn", "nr", "idx", "flags", "entry", "vcpu", "order", "size", "irq"]
CONSTANTS = ["PAGE_SIZE", "MAX_ORDER", "NR_IRQS", "0x10", "4", "INVALID_MFN", "BITS_PER_LONG"]


@dataclass(frozen=True)
class Person:
    name: str
    address: str
    zone: timezone

    def header(self) -> str:
        """The From/Cc form, RFC 2047 encoded when the name is not ASCII."""
        if self.name.isascii():
            return f"{self.name} <{self.address}>"
        return f"{Header(self.name, 'utf-8').encode()} <{self.address}>"

    def trailer(self) -> str:
        return f"{self.name} <{self.address}>"

    @property
    def first(self) -> str:
        return self.name.split()[0]


@dataclass
class Mail:
    """One message before it is written; `parent` threads it."""

    sender: Person
    date: datetime
    subject: str
    message_id: str
    body: str
    parent: Mail | None = None
    cc: tuple[Person, ...] = ()
    patch_mail: bool = False
    order: int = 0

    @property
    def references(self) -> list[str]:
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node.message_id)
            node = node.parent
        return chain[::-1]


@dataclass(frozen=True)
class Posted:
    """One version as sent: its cover letter (if any) and its patches in order."""

    cover: Mail | None
    patches: list[Mail]

    @property
    def first(self) -> Mail:
        return self.cover or self.patches[0]

    @property
    def mails(self) -> list[Mail]:
        return [*([self.cover] if self.cover else []), *self.patches]


@dataclass
class Patch:
    """A patch as its author keeps it between versions."""

    area: Area
    title: str
    message: str
    diff: str
    stat: str
    trailers: list[str] = field(default_factory=list)


class Generator:
    """Everything random goes through `self.rng`, so one seed gives one mailbox."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people = self._people(70)
        self.maintainers = {area.name: self.rng.sample(self.people[:20], 3) for area in AREAS}
        self.release_manager = self.people[20]
        self.osstest = Person("osstest service owner", "osstest-admin@xen.example.org", ZONES[0])
        self.clock = START
        self.sequence = 0
        self.flight_number = 184000

    def _people(self, count: int) -> list[Person]:
        found: list[Person] = []
        seen: set[str] = set()
        while len(found) < count:
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            local = re.sub(r"[^a-z]", "", _ascii(first).lower()) + "." + _ascii(last).lower()
            if local in seen:
                continue
            seen.add(local)
            address = f"{local}@{self.rng.choice(DOMAINS)}"
            found.append(Person(f"{first} {last}", address, self.rng.choice(ZONES)))
        return found

    # -- text -------------------------------------------------------------------------------

    def paragraph(self, sentences: int) -> str:
        text = " ".join(self.rng.sample(SENTENCES, sentences))
        return _wrap(text)

    def title(self, area: Area) -> str:
        prefix = self.rng.choice(area.prefixes)
        verb, thing = self.rng.choice(VERBS), self.rng.choice(OBJECTS)
        return f"{prefix}: {verb} {thing}{self.rng.choice(QUALIFIERS)}"

    def code_line(self) -> str:
        template = self.rng.choice(C_LINES)
        return template.format(
            v=self.rng.choice(VARIABLES),
            w=self.rng.choice(VARIABLES),
            c=self.rng.choice(CONSTANTS),
            C=self.rng.choice(CONSTANTS).upper(),
            f=self.rng.choice(AREAS[0].functions + AREAS[4].functions),
        )

    def file_diff(self, area: Area, path: str) -> tuple[str, int, int]:
        """`diff --git` for one file with 1-3 hunks whose line counts add up."""
        old_blob, new_blob = self._hex(10), self._hex(10)
        lines = [
            f"diff --git a/{path} b/{path}",
            f"index {old_blob}..{new_blob} 100644",
            f"--- a/{path}",
            f"+++ b/{path}",
        ]
        start, delta, added, removed = self.rng.randint(10, 200), 0, 0, 0
        for _ in range(self.rng.randint(1, 3)):
            before = [self.code_line() for _ in range(3)]
            minus = [self.code_line() for _ in range(self.rng.randint(0, 4))]
            plus = [self.code_line() for _ in range(self.rng.randint(1, 6))]
            after = [self.code_line() for _ in range(3)]
            old_count = len(before) + len(minus) + len(after)
            new_count = len(before) + len(plus) + len(after)
            function = self.rng.choice(area.functions)
            heading = f" {function}(" + "struct domain *d)" if function else ""
            lines.append(f"@@ -{start},{old_count} +{start + delta},{new_count} @@{heading}")
            lines += [f" {line}" for line in before]
            lines += [f"-{line}" for line in minus]
            lines += [f"+{line}" for line in plus]
            lines += [f" {line}" for line in after]
            delta += len(plus) - len(minus)
            added, removed = added + len(plus), removed + len(minus)
            start += old_count + self.rng.randint(15, 120)
        return "\n".join(lines), added, removed

    def patch(self, area: Area, title: str | None = None) -> Patch:
        files = self.rng.sample(area.files, self.rng.randint(1, min(3, len(area.files))))
        diffs, stat_lines, total_added, total_removed = [], [], 0, 0
        width = max(len(path) for path in files)
        for path in files:
            diff, added, removed = self.file_diff(area, path)
            diffs.append(diff)
            stat_lines.append(
                f" {path:<{width}} | {added + removed:>2} {'+' * added}{'-' * removed}"
            )
            total_added, total_removed = total_added + added, total_removed + removed
        summary = f" {len(files)} file{'s' if len(files) > 1 else ''} changed"
        summary += f", {total_added} insertion{'s' if total_added != 1 else ''}(+)"
        if total_removed:
            summary += f", {total_removed} deletion{'s' if total_removed != 1 else ''}(-)"
        message = "\n\n".join(self.paragraph(self.rng.randint(1, 3)) for _ in range(2))
        return Patch(
            area,
            title or self.title(area),
            message,
            "\n".join(diffs),
            "\n".join([*stat_lines, summary]),
        )

    def _hex(self, length: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(length))

    # -- mails ------------------------------------------------------------------------------

    def later(self, after: datetime, low_minutes: float, high_minutes: float) -> datetime:
        return after + timedelta(minutes=self.rng.uniform(low_minutes, high_minutes))

    def mail(
        self,
        sender: Person,
        date: datetime,
        subject: str,
        body: str,
        *,
        message_id: str | None = None,
        parent: Mail | None = None,
        cc: tuple[Person, ...] = (),
        patch_mail: bool = False,
    ) -> Mail:
        self.sequence += 1
        return Mail(
            sender,
            date,
            subject,
            message_id or self._reply_id(sender, date),
            body,
            parent,
            cc,
            patch_mail,
            self.sequence,
        )

    def send_email_id(self, when: datetime, number: int, author: Person) -> str:
        """`20240108080000.12345-2-name@host`, as git send-email makes them."""
        return f"{when:%Y%m%d%H%M%S}.{self.rng.randint(1000, 99999)}-{number}-{author.address}"

    def _reply_id(self, sender: Person, date: datetime) -> str:
        domain = sender.address.partition("@")[2]
        shape = self.rng.random()
        if shape < 0.4:
            parts = [self._hex(n) for n in (8, 4, 4, 4, 12)]
            return f"{'-'.join(parts)}@{domain}"
        if shape < 0.7:
            return f"{date:%Y%m%d%H%M%S}.{self._hex(16)}@{domain}"
        return f"{self._hex(24).upper()}@{domain}"

    def patch_body(self, patch: Patch, author: Person, notes: str) -> str:
        trailers = "\n".join([f"Signed-off-by: {author.trailer()}", *patch.trailers])
        parts = [patch.message, "", trailers, "---"]
        if notes:
            parts += [notes, ""]
        parts += [patch.stat, "", patch.diff, "-- ", "2.43.0", ""]
        return "\n".join(parts)

    def cover_body(self, author: Person, patches: list[Patch], notes: str) -> str:
        shortlog = "\n".join(f"  {p.title}" for p in patches)
        files = sum(p.stat.count("\n") for p in patches)
        added = sum(p.diff.count("\n+") for p in patches)
        removed = sum(p.diff.count("\n-") for p in patches)
        parts = [
            self.paragraph(self.rng.randint(2, 4)),
            "",
            self.paragraph(self.rng.randint(1, 3)),
            "",
        ]
        if notes:
            parts += [notes, ""]
        parts += [
            f"{author.name} ({len(patches)}):",
            shortlog,
            "",
            f" {files} files changed, {added} insertions(+), {removed} deletions(-)",
            "",
            f"base-commit: {self._hex(40)}",
            "-- ",
            "2.43.0",
            "",
        ]
        return "\n".join(parts)

    def series(self) -> list[Mail]:
        """One series story: v1, maybe v2 and v3 (and a v1.1 or RESEND), with their reviews."""
        area = self.rng.choice(AREAS)
        author = self.rng.choice(self.people)
        patches = [
            self.patch(area if self.rng.random() < 0.7 else self.rng.choice(AREAS))
            for _ in range(self.rng.randint(2, 12))
        ]
        topic = self.title(area)
        tags = self.rng.choice([("PATCH",), ("PATCH",), ("XEN", "PATCH"), ("RFC", "PATCH")])
        release = self.rng.random() < 0.15
        with_cover = self.rng.random() < 0.85
        mails: list[Mail] = []
        when = self.clock
        parent: Mail | None = None
        for version in range(1, self.rng.choice([1, 1, 2, 2, 3]) + 1):
            posted = self.post_series(
                author, topic, patches, (tags, version, release), when, parent, with_cover
            )
            mails += posted.mails
            reviews, given = self.review(posted, patches, when, release)
            mails += reviews
            when = max([m.date for m in reviews], default=when)
            if version == 1 and self.rng.random() < 0.1:
                mails += self.partial_reroll(author, posted, patches, when)
            when += timedelta(days=self.rng.uniform(1, 10))
            self.carry(patches, given)
            self.evolve(patches, area)
            parent = posted.first if self.rng.random() < 0.5 else None
            tags = tuple(t for t in tags if t != "RFC")
        self.clock = self.later(self.clock, 20, 240)
        return mails

    def post_series(
        self,
        author: Person,
        topic: str,
        patches: list[Patch],
        how: tuple[tuple[str, ...], int, bool],
        when: datetime,
        parent: Mail | None,
        with_cover: bool,
    ) -> Posted:
        """git send-email of one version: cover (0/N) and patches answering it, or 1/N."""
        tags, version, release = how
        stamp = when.astimezone(author.zone)
        pid, count = self.rng.randint(1000, 99999), len(patches)
        words = [*tags, *([f"v{version}"] if version > 1 else []), *(["for-4.19"] * release)]
        cc = tuple(self.rng.sample(self.maintainers[patches[0].area.name], 2))
        notes = ""
        if version > 1:
            notes = (
                f"Changes in v{version}:\n - {self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)}"
            )
        cover: Mail | None = None
        number = 1
        if with_cover:
            cover = self.mail(
                author,
                stamp,
                f"[{' '.join(words)} 0/{count}] {topic}",
                self.cover_body(author, patches, notes),
                message_id=f"{when:%Y%m%d%H%M%S}.{pid}-1-{author.address}",
                parent=parent,
                cc=cc,
                patch_mail=True,
            )
            number = 2
        sent: list[Mail] = []
        for index, patch in enumerate(patches, 1):
            counter = f"{index}/{count}"
            if cover is None and self.rng.random() < 0.05:
                counter = f"{index} of {count}"
            answering = cover or (sent[0] if sent else parent)
            sent.append(
                self.mail(
                    author,
                    stamp + timedelta(seconds=index),
                    f"[{' '.join(words)} {counter}] {patch.title}",
                    self.patch_body(patch, author, notes if cover is None and index == 1 else ""),
                    message_id=f"{when:%Y%m%d%H%M%S}.{pid}-{number}-{author.address}",
                    parent=answering,
                    cc=cc,
                    patch_mail=True,
                )
            )
            number += 1
        return Posted(cover, sent)

    def trailer_for(self, reviewer: Person, area: Area, release: bool) -> list[str]:
        """What one reviewer writes at the end of a review, as lines."""
        name = "Reviewed-by"
        if release and reviewer is self.release_manager:
            name = "Release-Acked-by"
        elif reviewer in self.maintainers[area.name] and self.rng.random() < 0.5:
            name = "Acked-by"
        elif self.rng.random() < 0.1:
            name = "Tested-by"
        if self.rng.random() < 0.02:
            name = self.rng.choice(["Reviewd-by", "Acked-By", "Release-Acked-By", "Tested-By"])
        line = f"{name}: {reviewer.trailer()}"
        if name.startswith("Acked") and self.rng.random() < 0.5:
            line += f" # {area.scope}"
        lines = [line]
        if name.startswith("Tested") and self.rng.random() < 0.5:
            lines.append(self.rng.choice(["[on Arm64, Juno r2]", "[on AMD EPYC]", "[PVH dom0]"]))
        return lines

    def review(
        self, posted: Posted, patches: list[Patch], when: datetime, release: bool
    ) -> tuple[list[Mail], dict[int, list[str]]]:
        """Reviews of a posted version; returns them and the trailers each patch got."""
        mails: list[Mail] = []
        given: dict[int, list[str]] = {}
        reviewers = self.rng.sample(self.people[:30], self.rng.randint(1, 4))
        if release:
            reviewers.append(self.release_manager)
        for reviewer in reviewers:
            if posted.cover is not None and self.rng.random() < 0.3:
                upto = self.rng.randint(1, len(patches))
                trailer = self.trailer_for(reviewer, patches[0].area, release)
                closing = [f"For patches 1-{upto}:", *trailer]
                if upto == len(patches):
                    closing[0] = "For the whole series:"
                elif self.rng.random() < 0.3:
                    closing = [f"{trailer[0]} for patches 1-{upto}", *trailer[1:]]
                body = self.quote_reply(posted.cover, closing)
                mails.append(self.reply(reviewer, posted.cover, body, when))
                for index in range(upto):
                    given.setdefault(index, []).append(trailer[0])
                continue
            for index, target in enumerate(posted.patches):
                if self.rng.random() > 0.45:
                    continue
                if self.rng.random() < 0.4:
                    body = self.quote_reply(target, [], comments=True)
                    comment = self.reply(reviewer, target, body, when)
                    mails.append(comment)
                    if self.rng.random() < 0.6:
                        mails.append(self.answer(target.sender, comment))
                    continue
                lines = self.trailer_for(reviewer, patches[index].area, release)
                if self.rng.random() < 0.12:
                    lines = [self.rng.choice(PROSE_TRAILERS)]
                else:
                    given.setdefault(index, []).append(lines[0])
                body = self.quote_reply(target, lines, comments=self.rng.random() < 0.5)
                review = self.reply(reviewer, target, body, when)
                mails.append(review)
                if self.rng.random() < 0.25:
                    mails.append(self.answer(target.sender, review))
        return mails, given

    def quote_reply(self, target: Mail, closing: list[str], comments: bool = False) -> str:
        """Attribution line, quoted pieces of the target with comments, then `closing`."""
        lines = [f"On {target.date:%d.%m.%Y %H:%M}, {target.sender.name} wrote:"]
        source = target.body.split("\n")
        for _ in range(self.rng.randint(1, 3)):
            start = self.rng.randrange(max(1, len(source) - 6))
            chunk = source[start : start + self.rng.randint(2, 6)]
            lines += [f"> {line}".rstrip() for line in chunk]
            lines.append("")
            if comments:
                lines += [_wrap(self.rng.choice(COMMENTS)), ""]
        lines += [*closing, "", self.rng.choice(["Jan", "Thanks.", "Roger.", "Julien", ""])]
        return "\n".join(lines).strip() + "\n"

    def reply(self, sender: Person, target: Mail, body: str, when: datetime) -> Mail:
        date = self.later(max(when, target.date), 30, 60 * 24 * 4).astimezone(sender.zone)
        subject = target.subject if target.subject.startswith("Re: ") else f"Re: {target.subject}"
        return self.mail(sender, date, subject, body, parent=target, cc=(target.sender,))

    def answer(self, author: Person, review: Mail) -> Mail:
        """The author answering a review: quotes all of it, trailers included, then replies."""
        quoted = [f"> {line}".rstrip() for line in review.body.rstrip("\n").split("\n")]
        body = "\n".join(
            [
                f"On {review.date:%d/%m/%Y %H:%M}, {review.sender.name} wrote:",
                *quoted,
                "",
                self.rng.choice(ANSWERS),
                "",
            ]
        )
        return self.reply(author, review, body, review.date)

    def partial_reroll(
        self, author: Person, posted: Posted, patches: list[Patch], when: datetime
    ) -> list[Mail]:
        """`[PATCH v1.1 n/N]` (changed) or `[PATCH RESEND n/N]` answering one posted patch."""
        index = self.rng.randrange(len(posted.patches))
        target, patch = posted.patches[index], patches[index]
        counter = f"{index + 1}/{len(patches)}"
        if self.rng.random() < 0.5:
            patch = self.patch(patch.area, patch.title)
            subject, body = (
                f"[PATCH v1.1 {counter}] {patch.title}",
                self.patch_body(patch, author, ""),
            )
        else:
            subject, body = f"[PATCH RESEND {counter}] {patch.title}", target.body
        stamp = self.later(when, 60, 600).astimezone(author.zone)
        message_id = f"{stamp:%Y%m%d%H%M%S}.{self.rng.randint(1000, 99999)}-1-{author.address}"
        mail = self.mail(
            author, stamp, subject, body, message_id=message_id, parent=target, patch_mail=True
        )
        reviewer = self.rng.choice(self.people[:30])
        closing = self.trailer_for(reviewer, patch.area, False)
        return [mail, self.reply(reviewer, mail, self.quote_reply(mail, closing), stamp)]

    @staticmethod
    def carry(patches: list[Patch], given: dict[int, list[str]]) -> None:
        """The author adds the trailers a version got to the next one."""
        for index, trailers in given.items():
            for trailer in trailers:
                if index < len(patches) and trailer not in patches[index].trailers:
                    patches[index].trailers.append(trailer)

    def evolve(self, patches: list[Patch], area: Area) -> None:
        """Between versions: some patches change (their Tested-by goes), one may be added."""
        for index, patch in enumerate(patches):
            if self.rng.random() < 0.3:
                fresh = self.patch(patch.area, patch.title)
                kept = [t for t in patch.trailers if not t.startswith("Tested")]
                patches[index] = Patch(
                    patch.area, patch.title, fresh.message, fresh.diff, fresh.stat, kept
                )
        if self.rng.random() < 0.2 and len(patches) < 12:
            patches.append(self.patch(area))

    def single(self) -> list[Mail]:
        """A single patch, perhaps re-rolled as a reply to the first posting."""
        area = self.rng.choice(AREAS)
        author = self.rng.choice(self.people)
        patches = [self.patch(area)]
        release = self.rng.random() < 0.1
        mails: list[Mail] = []
        parent: Mail | None = None
        when = self.clock
        for version in range(1, self.rng.choice([1, 1, 1, 2, 2, 3]) + 1):
            words = ["PATCH", *([f"v{version}"] if version > 1 else []), *["for-4.19"] * release]
            notes = f"v{version}:\n - {self.rng.choice(COMMENTS)}" if version > 1 else ""
            posted = self.mail(
                author,
                when.astimezone(author.zone),
                f"[{' '.join(words)}] {patches[0].title}",
                self.patch_body(patches[0], author, notes),
                message_id=self.send_email_id(when, 1, author),
                parent=parent,
                cc=tuple(self.rng.sample(self.maintainers[area.name], 2)),
                patch_mail=True,
            )
            mails.append(posted)
            reviews, given = self.review(Posted(None, [posted]), patches, when, release)
            mails += reviews
            when = max([m.date for m in reviews], default=when)
            when += timedelta(days=self.rng.uniform(1, 6))
            self.carry(patches, given)
            self.evolve(patches, area)
            del patches[1:]
            parent = posted if self.rng.random() < 0.6 else None
        self.clock = self.later(self.clock, 15, 180)
        return mails

    def discussion(self) -> list[Mail]:
        """A thread without patches: a question or announcement and a few answers."""
        area = self.rng.choice(AREAS)
        subject = self.rng.choice(DISCUSSION_SUBJECTS).format(area=area.name)
        starter = self.rng.choice(self.people)
        body = "\n\n".join(
            self.paragraph(self.rng.randint(2, 4)) for _ in range(self.rng.randint(1, 3))
        )
        first = self.mail(
            starter,
            self.clock.astimezone(starter.zone),
            subject,
            body + "\n\nThanks,\n" + starter.first + "\n",
        )
        mails = [first]
        for _ in range(self.rng.randint(0, 7)):
            target = self.rng.choice(mails)
            sender = self.rng.choice(self.people)
            text = self.quote_reply(target, [self.paragraph(self.rng.randint(1, 2))])
            mails.append(self.reply(sender, target, text, target.date))
        self.clock = self.later(self.clock, 10, 300)
        return mails

    def flight(self) -> list[Mail]:
        """An osstest flight report: long, tabular, no trailers, rarely answered."""
        self.flight_number += self.rng.randint(1, 9)
        baseline = self.flight_number - self.rng.randint(3, 30)
        branch = self.rng.choice(
            ["xen-unstable", "xen-4.18-testing", "linux-linus", "qemu-mainline"]
        )
        verdict = self.rng.choice(["regressions - FAIL", "tolerable FAIL", "all pass - PUSHED"])
        rows = [
            f" test-{self.rng.choice(['amd64', 'arm64', 'armhf', 'i386'])}-"
            f"{self.rng.choice(['xl', 'libvirt', 'qemuu-debianhvm', 'pvshim', 'xl-credit2'])}"
            f"{' ' * 8}{self.rng.randint(7, 22)} guest-start  fail REGR. vs. {baseline}"
            for _ in range(self.rng.randint(5, 40))
        ]
        body = "\n".join(
            [
                f"flight {self.flight_number} {branch} real [real]",
                f"http://logs.test-lab.xen.example.org/osstest/logs/{self.flight_number}/",
                "",
                "Regressions :-(",
                "",
                "Tests which did not succeed and are blocking,",
                "including tests which could not be run:",
                *rows,
                "",
                "version targeted for testing:",
                f" {branch.split('-')[0]:<20} {self._hex(40)}",
                "",
            ]
        )
        mail = self.mail(
            self.osstest, self.clock, f"[{branch} test] {self.flight_number}: {verdict}", body
        )
        self.clock = self.later(self.clock, 30, 200)
        return [mail]

    def threads(self) -> Iterator[list[Mail]]:
        while True:
            roll = self.rng.random()
            if roll < 0.38:
                yield self.series()
            elif roll < 0.70:
                yield self.single()
            elif roll < 0.86:
                yield self.discussion()
            else:
                yield self.flight()


def _ascii(text: str) -> str:
    table = str.maketrans("ëŁłøéèñáóúüåöäíý", "eLloeenaouuaoaiy")
    return text.translate(table)


def _wrap(text: str, width: int = 72) -> str:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return "\n".join(lines)


def render(mail: Mail, rng: random.Random) -> bytes:
    """One mail with list headers, its body 8bit or quoted-printable."""
    headers = [
        f"Received: from mx.lists.xenproject.org ([192.0.2.{rng.randint(1, 254)}])",
        f"\tby lists.xenproject.org with esmtp; {format_datetime(mail.date.astimezone(UTC))}",
        f"From: {mail.sender.header()}",
        f"To: {LIST}",
    ]
    if mail.cc:
        headers.append("Cc: " + ",\n\t".join(p.header() for p in mail.cc))
    headers += [
        f"Subject: {mail.subject}",
        f"Date: {format_datetime(mail.date)}",
        f"Message-ID: <{mail.message_id}>",
    ]
    if mail.parent is not None:
        references = mail.references
        headers.append(f"In-Reply-To: <{mail.parent.message_id}>")
        headers.append("References: " + "\n ".join(f"<{r}>" for r in references))
    if mail.patch_mail:
        headers.append("X-Mailer: git-send-email 2.43.0")
    body = mail.body if mail.body.endswith("\n") else mail.body + "\n"
    quoted = not mail.patch_mail and rng.random() < 0.2
    headers += [
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="UTF-8"',
        f"Content-Transfer-Encoding: {'quoted-printable' if quoted else '8bit'}",
        "List-Id: Xen developer discussion <xen-devel.lists.xenproject.org>",
        "List-Post: <mailto:xen-devel@lists.xenproject.org>",
        "Precedence: list",
        'Sender: "Xen-devel" <xen-devel-bounces@lists.xenproject.org>',
    ]
    encoded = body.encode()
    if quoted:
        encoded = quopri.encodestring(encoded)
    return ("\n".join(headers) + "\n\n").encode() + encoded


_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)


def generate(messages: int, seed: int) -> tuple[list[bytes], dict[str, int]]:
    """`messages` raw mails in arrival order, and counts of what they hold."""
    generator = Generator(seed)
    collected: list[Mail] = []
    counts = {"threads": 0, "patch mails": 0}
    for thread in generator.threads():
        counts["threads"] += 1
        collected += thread
        if len(collected) >= messages:
            break
    collected.sort(key=lambda m: (m.date.astimezone(UTC), m.order))
    kept = collected[:messages]
    counts["patch mails"] = sum(1 for m in kept if m.patch_mail)
    render_rng = random.Random(seed + 1)
    return [render(mail, render_rng) for mail in kept], counts


def write_mboxrd(raws: list[bytes], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for raw in raws:
            out.write(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n")
            out.write(_FROM_LINE.sub(rb">\1", raw))
            out.write(b"\n")
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    raws, counts = generate(options.messages, options.seed)
    size = write_mboxrd(raws, options.path)
    print(
        f"wrote {len(raws)} messages ({counts['patch mails']} patches and covers, "
        f"from {counts['threads']} thread stories) to {options.path}, {size / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
