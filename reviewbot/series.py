"""A thread's patch series: its versions, cover letters, patches, and what is missing.

Messages are classified from their subjects and bodies, never from their position in the
thread: a patch is a message that is not a reply and carries a diff; a cover letter is a
`0/N` message, or (when a version has none) the non-patch message its patches answer. A
version without an explicit `vN` whose patches answer a versioned cover takes that version.
A version that sends only some of its patches without a cover (`[PATCH v5.1 10/12]`, or a
`[PATCH v3 2/4]` answering v2's 2/4) is a partial re-roll: it inherits the other patches of
the version before it. Two copies of one patch in a version (a RESEND) keep the newer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from reviewbot.errors import SpecError
from reviewbot.mailtext import body_text
from reviewbot.models import Message
from reviewbot.patchbody import PatchBody, parse_patch_body
from reviewbot.patchid import patch_id
from reviewbot.subject import Subject, Version, parse_subject, title_key
from reviewbot.threads import Thread


@dataclass(frozen=True)
class Patch:
    """One patch mail: its subject, its text and what the text holds."""

    message: Message
    subject: Subject
    text: str = field(repr=False)
    body: PatchBody = field(repr=False)
    patch_id: str

    @property
    def message_id(self) -> str:
        """The patch mail's Message-ID."""
        return self.message.message_id

    @property
    def index(self) -> int:
        """Its number in the series (1 for a single patch)."""
        return self.subject.counter or 1

    @property
    def version(self) -> Version:
        """The version it was sent as."""
        return self.subject.version


@dataclass(frozen=True)
class Revision:
    """One version of the series: cover letter, patches by number, and the expected count."""

    version: Version
    cover: Message | None
    patches: dict[int, Patch]
    total: int
    inherited_from: Version | None = None
    replaced: tuple[Patch, ...] = ()

    @property
    def missing(self) -> list[int]:
        """Patch numbers 1..total that never arrived."""
        return [n for n in range(1, self.total + 1) if n not in self.patches]

    @property
    def ordered(self) -> list[Patch]:
        """The patches in series order."""
        return [self.patches[n] for n in sorted(self.patches)]

    @property
    def own_patches(self) -> list[Patch]:
        """The patches sent as this version (not inherited by a partial re-roll)."""
        return [p for p in self.ordered if p.version == self.version]

    @property
    def title(self) -> str:
        """The cover letter's title, else the first patch's."""
        if self.cover is not None:
            return parse_subject(self.cover.subject).title
        return self.ordered[0].subject.title if self.patches else ""


@dataclass(frozen=True)
class Series:
    """Every version of the series a thread carries, oldest first."""

    thread: Thread
    revisions: dict[Version, Revision]
    roles: dict[str, tuple[Version, int]]
    patches_by_id: dict[str, Patch]
    notes: tuple[str, ...] = ()

    @property
    def versions(self) -> list[Version]:
        """The versions present, oldest first."""
        return sorted(self.revisions)

    @property
    def latest(self) -> Revision:
        """The newest version."""
        return self.revisions[self.versions[-1]]

    def revision(self, version: Version | None) -> Revision:
        """The given version (the newest when None); SpecError when the thread lacks it."""
        if not self.revisions:
            raise SpecError(
                f"thread <{self.thread.root}> holds no patches",
                "give the thread of a patch or series",
            )
        if version is None:
            return self.latest
        if version not in self.revisions:
            present = ", ".join(str(v) for v in self.versions)
            raise SpecError(f"the thread has no {version}", f"pick one of: {present}")
        return self.revisions[version]

    def role_of(self, message_id: str) -> tuple[Version, int] | None:
        """(version, number) of a patch or cover letter (number 0); None for other mail."""
        return self.roles.get(message_id)

    def answered(self, message_id: str) -> str | None:
        """The patch or cover letter a reply answers: its nearest ancestor with a role."""
        node = self.thread.parents.get(message_id)
        seen: set[str] = set()
        while node is not None and node not in seen:
            if self.role_of(node) is not None:
                return node
            seen.add(node)
            node = self.thread.parents.get(node)
        return None


@dataclass
class _Bucket:
    version: Version
    covers: list[Message] = field(default_factory=list)
    patches: dict[int, list[Patch]] = field(default_factory=dict)
    totals: set[int] = field(default_factory=set)


def build_series(thread: Thread) -> Series:
    """The series in `thread` (no revisions when it holds no patches)."""
    subjects = {mid: parse_subject(m.subject) for mid, m in thread.messages.items()}
    patches = dict(_patches(thread, subjects))
    covers = {
        mid: subjects[mid]
        for mid, message in thread.messages.items()
        if mid not in patches and _is_cover(subjects[mid], message)
    }
    buckets: dict[Version, _Bucket] = {}
    notes: list[str] = []
    for patch in _with_inferred_versions(thread, patches, covers):
        bucket = buckets.setdefault(patch.version, _Bucket(patch.version))
        bucket.patches.setdefault(patch.index, []).append(patch)
        if patch.subject.total:
            bucket.totals.add(patch.subject.total)
    for mid, subject in covers.items():
        version = _cover_version(thread, mid, subject, patches)
        if version in buckets:
            buckets[version].covers.append(thread.messages[mid])
            if subject.total:
                buckets[version].totals.add(subject.total)
    for bucket in buckets.values():
        if not bucket.covers:
            naked = _naked_cover(thread, bucket, patches)
            if naked is not None:
                bucket.covers.append(naked)
    revisions = _revisions(buckets, notes)
    roles: dict[str, tuple[Version, int]] = {}
    for revision in revisions.values():
        if revision.cover is not None:
            roles.setdefault(revision.cover.message_id, (revision.version, 0))
        for patch in [*revision.own_patches, *revision.replaced]:
            roles[patch.message_id] = (patch.version, patch.index)
    all_patches = {p.message_id: p for r in revisions.values() for p in [*r.ordered, *r.replaced]}
    return Series(thread, revisions, roles, all_patches, tuple(notes))


def _patches(thread: Thread, subjects: dict[str, Subject]) -> Iterator[tuple[str, Patch]]:
    for mid, message in thread.messages.items():
        subject = subjects[mid]
        if subject.is_reply or not message.is_patch:
            continue
        text = body_text(message)
        body = parse_patch_body(text)
        if not body.has_diff:
            continue
        yield mid, Patch(message, subject, text, body, patch_id(body.diff))


def _is_cover(subject: Subject, message: Message) -> bool:
    return not subject.is_reply and subject.counter == 0 and not message.is_patch


def _with_inferred_versions(
    thread: Thread, patches: dict[str, Patch], covers: dict[str, Subject]
) -> list[Patch]:
    """Patches whose subject has no `vN` take the version of the cover or patch they answer."""
    fixed: list[Patch] = []
    for mid, patch in patches.items():
        if not patch.subject.version_explicit:
            parent = thread.parents.get(mid)
            source = covers.get(parent) if parent else None
            if source is None and parent in patches:
                source = patches[parent].subject
            if source is not None and source.version_explicit:
                patch = replace(patch, subject=replace(patch.subject, version=source.version))
        fixed.append(patch)
    return fixed


def _cover_version(
    thread: Thread, cover_id: str, subject: Subject, patches: dict[str, Patch]
) -> Version:
    """A cover's version: its own, or (when it has no `vN`) that of the patches answering it."""
    if subject.version_explicit:
        return subject.version
    answering = [
        patches[m.message_id] for m in thread.children(cover_id) if m.message_id in patches
    ]
    return answering[0].version if answering else subject.version


def _naked_cover(thread: Thread, bucket: _Bucket, patches: dict[str, Patch]) -> Message | None:
    """The non-patch, non-reply message all of a version's patches answer, if any."""
    parents = {
        thread.parents.get(p.message_id) for copies in bucket.patches.values() for p in copies
    }
    if len(parents) != 1:
        return None
    (parent,) = parents
    if parent is None or parent in patches:
        return None
    subject = parse_subject(thread.messages[parent].subject)
    if subject.is_reply or thread.messages[parent].is_patch:
        return None
    return thread.messages[parent]


def _revisions(buckets: dict[Version, _Bucket], notes: list[str]) -> dict[Version, Revision]:
    revisions: dict[Version, Revision] = {}
    for version in sorted(buckets):
        bucket = buckets[version]
        chosen: dict[int, Patch] = {}
        replaced: list[Patch] = []
        for index, copies in sorted(bucket.patches.items()):
            ordered = sorted(copies, key=lambda p: (p.message.sent_at, p.message_id))
            chosen[index] = ordered[-1]
            replaced += ordered[:-1]
            if len(ordered) > 1:
                same = len({p.patch_id for p in ordered}) == 1
                notes.append(
                    f"{version} patch {index} was sent {len(ordered)} times"
                    f"{'' if same else ' with different changes'}; using the newest copy "
                    f"<{ordered[-1].message_id}>"
                )
        total = max([*bucket.totals, *chosen, 1])
        cover = sorted(bucket.covers, key=lambda m: m.sent_at)[-1] if bucket.covers else None
        base = _reroll_base(revisions, version, chosen, total, cover)
        inherited_from = None
        if base is not None:
            inherited_from = base.version
            chosen = {**base.patches, **chosen}
            cover = base.cover
            notes.append(
                f"{version} re-sends patch{'es' if len(bucket.patches) > 1 else ''} "
                f"{', '.join(str(n) for n in sorted(bucket.patches))} of {base.version}; "
                f"the other patches are taken from {base.version}"
            )
        revisions[version] = Revision(
            version, cover, chosen, total, inherited_from, tuple(replaced)
        )
    return revisions


def _reroll_base(
    earlier: dict[Version, Revision],
    version: Version,
    patches: dict[int, Patch],
    total: int,
    cover: Message | None,
) -> Revision | None:
    """The version a partial re-roll completes: the newest earlier one of the same length."""
    if cover is not None or len(patches) >= total or not earlier:
        return None
    candidates = [r for v, r in earlier.items() if r.total == total and v < version]
    if not candidates:
        return None
    base = max(candidates, key=lambda r: r.version)
    same_titles = all(
        index not in base.patches
        or title_key(base.patches[index].subject) == title_key(patch.subject)
        for index, patch in patches.items()
    )
    return base if same_titles or version.minor else None
