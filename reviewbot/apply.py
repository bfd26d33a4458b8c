"""Apply a reviewed series to the user's tree: a new branch, made in a temporary worktree.

Every patch is tried in order of increasing help: as sent (`git am`), then as a three-way
merge from its pre-image blobs (`git am -3`), then, for a mail rebuilt from the archive's
HTML, re-anchored on the real file content (reported as degraded). The first patch that
none of these places is a conflict: nothing is left behind unless the caller keeps the
worktree for manual resolution. The user's checkout, index, stash and branches are never
touched; the only visible result is the new branch.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from reviewbot.addressbook import AddressBook
from reviewbot.am import am_message, am_subject
from reviewbot.attribution import PatchReview, Review
from reviewbot.basedetect import BaseChoice, choose_base, pre_images
from reviewbot.blobs import read_texts
from reviewbot.errors import TreeError
from reviewbot.gitcmd import Git, GitResult
from reviewbot.hunks import HunkSpot, locate_hunks, parse_diff
from reviewbot.identity import Person
from reviewbot.mail import as_bytes, write_mboxrd
from reviewbot.mailtext import body_text
from reviewbot.models import Message
from reviewbot.naming import branch_name, short_slug
from reviewbot.patchbody import INDEX_LINE, FileChange, parse_patch_body
from reviewbot.progress import Progress, SilentProgress
from reviewbot.reanchor import reanchor
from reviewbot.tree import Committer, Tree
from reviewbot.treelock import tree_lock
from reviewbot.worktree import Worktree, temporary_worktree

APPLIED = "applied"
FUZZ = "applied-with-fuzz"
CONFLICT = "conflict"
NOT_APPLIED = "not-applied"
MISSING = "missing"

_NO_BLOBS = ("lacks necessary blobs", "sha1 information is lacking")


@dataclass(frozen=True)
class ApplyRequest:
    """What the user asked for."""

    base: str | None = None
    branch: str | None = None
    keep: bool = False
    force: bool = False
    window_days: int = 30
    make_branch: bool = True  # False: apply, report the commits, and leave no branch


@dataclass(frozen=True)
class Conflict:
    """A file of a patch that could not be placed, and which of its hunks failed."""

    path: str
    hunks: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class PatchOutcome:
    """What happened to one patch of the series."""

    number: int
    subject: str
    status: str  # applied | applied-with-fuzz | conflict | not-applied | missing
    method: str = ""  # exact | offset | 3way | degraded
    commit: str | None = None
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    @property
    def applied(self) -> bool:
        """True when the patch is a commit on the branch."""
        return self.status in {APPLIED, FUZZ}


@dataclass(frozen=True)
class ApplyResult:
    """The whole run: base, branch, per-patch outcomes and what the user should know."""

    base: BaseChoice
    branch: str | None
    head: str | None
    patches: tuple[PatchOutcome, ...]
    kept: Path | None = None
    notes: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """True when every patch of the series is on the branch."""
        return bool(self.patches) and all(p.applied for p in self.patches)


@dataclass
class _Item:
    """A present patch on its way through the attempts."""

    review: PatchReview
    mail: bytes
    files: tuple[FileChange, ...]
    outcome: PatchOutcome | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.review.patch.index

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.path for f in self.files))


def default_branch(review: Review) -> str:
    """The branch `apply` makes for `review` when none is named: `review/DATE-TOPIC-vN`."""
    revision = review.revision
    return branch_name(revision.ordered[0].message.sent_at, revision.title, revision.version)


def apply_review(
    review: Review,
    book: AddressBook,
    tree: Tree,
    request: ApplyRequest,
    committer: Committer,
    progress: Progress | None = None,
) -> ApplyResult:
    """Apply the reviewed version to `tree` on a new branch and report every patch.

    `progress` sees the base chosen and the patches applied; a cancellable one that raises
    leaves no branch and no worktree behind.
    """
    steps = progress or SilentProgress()
    revision = review.revision
    if not revision.patches:
        raise TreeError("the series has no patches to apply", "pick another version with -v")
    items = [_Item(p, as_bytes(am_message(p, book)), _files_of(p)) for p in review.patches]
    name = request.branch or default_branch(review)
    notes = [n for n in [committer.note()] if n]
    steps.add_total(len(items) + 1)
    with tree_lock(tree.common_dir, f"applying {name}"):
        replaced = _check_branch(tree, name, request.force) if request.make_branch else None
        base = choose_base(
            tree.top,
            explicit=request.base,
            base_commit=_base_commit(review),
            pre=pre_images([item.files for item in items]),
            sent_at=_earliest(review),
            window_days=request.window_days,
        )
        steps.advance()
        paths = _touched_paths([change for item in items for change in item.files])
        with temporary_worktree(
            tree, base.commit, paths, committer.environment(), short_slug(revision.title)
        ) as worktree:
            session = _Session(worktree, book)
            session.run(items)
            steps.advance(len(items))
            head = worktree.git.out("rev-parse", "HEAD")
            outcomes = _outcomes(items, revision.missing, review)
            if any(o.status == CONFLICT for o in outcomes):
                keep = request.keep and request.make_branch
                kept = session.keep_for_resolution(items, name) if keep else None
                branch = name if kept else None
                return ApplyResult(
                    base, branch, head if kept else None, outcomes, kept, tuple(notes)
                )
            if not request.make_branch:
                return ApplyResult(base, None, head, outcomes, None, tuple(notes))
            _create_branch(tree, name, head, replaced, revision.title)
    return ApplyResult(base, name, head, outcomes, None, tuple(notes))


def _check_branch(tree: Tree, name: str, force: bool) -> str | None:
    """The commit the branch points at now (None when new); TreeError when it may not be used."""
    if not tree.git.run("check-ref-format", "--branch", name, check=False).ok:
        raise TreeError(f"{name!r} is not a valid branch name", "pick another with --branch")
    current = tree.git.run("rev-parse", "--verify", "--quiet", f"refs/heads/{name}", check=False)
    if not current.ok:
        return None
    if not force:
        raise TreeError(
            f"branch {name} already exists",
            "pick another name with --branch, or add --force to replace it",
        )
    listing = tree.git.out("worktree", "list", "--porcelain")
    for block in listing.split("\n\n"):
        if f"branch refs/heads/{name}" in block.splitlines():
            where = block.splitlines()[0].removeprefix("worktree ")
            raise TreeError(
                f"branch {name} is checked out in {where}",
                "switch that worktree to another branch, or pick another name with --branch",
            )
    return current.stdout.strip()


def _create_branch(tree: Tree, name: str, head: str, replaced: str | None, title: str) -> None:
    """Point the new branch at `head`, failing if someone else moved it meanwhile."""
    expected = replaced or "0" * len(head)
    message = f"reviewbot apply: {title}"
    tree.git.run("update-ref", "-m", message, f"refs/heads/{name}", head, expected)


def _base_commit(review: Review) -> str | None:
    """The `base-commit:` line of the cover letter, else of the first patch that has one."""
    cover = review.revision.cover
    if cover is not None:
        found = parse_patch_body(body_text(cover)).base_commit
        if found:
            return found
    for patch in review.revision.ordered:
        if patch.body.base_commit:
            return patch.body.base_commit
    return None


def _earliest(review: Review) -> datetime:
    """When the series was sent: its base must be older."""
    dates = [p.patch.message.sent_at for p in review.patches]
    if review.revision.cover is not None:
        dates.append(review.revision.cover.sent_at)
    return min(dates)


class _Session:
    """The attempts on one worktree, patch by patch, as few git processes as possible."""

    def __init__(self, worktree: Worktree, book: AddressBook) -> None:
        self.worktree = worktree
        self.git: Git = worktree.git
        # git am honours the skip-worktree bits on its own; matching the sparse patterns on
        # every index update would make a plain apply twice as slow on a large tree
        self.plain_git = Git(worktree.path, worktree.git.env)
        self.book = book
        self.scratch = Path(tempfile.mkdtemp(prefix="mbox-", dir=worktree.path.parent))
        self.three_way_possible = True

    def run(self, items: list[_Item]) -> None:
        """Apply every item, falling back per patch; stop at the first conflict."""
        position = 0
        while position < len(items):
            start = self._head()
            result = self._am(items[position:], three_way=False)
            done = self._commits_since(start)
            for item, commit in zip(items[position:], done, strict=False):
                item.outcome = PatchOutcome(item.number, "", APPLIED, "exact", commit)
            position += len(done)
            if result:
                break
            self.git.run("am", "--quit", check=False)
            item = items[position]
            if not self._fallbacks(item):
                conflicts = self._conflicts(item)
                item.outcome = PatchOutcome(item.number, "", CONFLICT, conflicts=conflicts)
                break
            position += 1
        self._mark_offsets(items)

    def _fallbacks(self, item: _Item) -> bool:
        """Three-way, then (rebuilt mail only) re-anchoring; True when the patch is now a commit."""
        before = self._head()
        attempt = self._am_detail([item], three_way=True)
        if attempt.ok:
            item.outcome = PatchOutcome(item.number, "", FUZZ, "3way", self._head())
            item.notes.append("applied as a three-way merge from the pre-image blobs")
            return True
        unmerged = self.git.out("diff", "--name-only", "--diff-filter=U").split()
        if unmerged:
            item.notes.append(f"three-way merge conflicts in {', '.join(unmerged)}")
        elif any(marker in attempt.stderr for marker in _NO_BLOBS):
            self.three_way_possible = False
            item.notes.append("no three-way merge: this tree lacks the patch's pre-image blobs")
        else:
            self.three_way_possible = False
            item.notes.append(f"no three-way merge: {attempt.first_error()}")
        self.git.run("am", "--abort", check=False)
        self.git.run("reset", "--quiet", "--hard", before, check=False)
        if not _rebuilt_from_html(item.review.patch.message):
            return False
        return self._degraded(item)

    def _degraded(self, item: _Item) -> bool:
        """Re-anchor a mail rebuilt from HTML on the real files and apply the repaired diff."""
        patch = item.review.patch
        current = read_texts(self.git, {"HEAD": _touched_paths(item.files)})["HEAD"]
        fixed = reanchor(_sent_diff(patch.text, patch.body.diff), current.get, self._unmask)
        if fixed.misses or not fixed.diff:
            return False
        mail = as_bytes(am_message(item.review, self.book, fixed.diff))
        if not self._am([_Item(item.review, mail, item.files)], three_way=False):
            self.git.run("am", "--abort", check=False)
            return False
        item.outcome = PatchOutcome(item.number, "", FUZZ, "degraded", self._head())
        item.notes.append("degraded: the mail was rebuilt from the archive's HTML and re-anchored")
        item.notes.extend(fixed.tolerated)
        item.notes.extend(fixed.unresolved)
        return True

    def _unmask(self, masked: str) -> str | None:
        resolved = self.book.resolve(Person("", masked)).person
        return resolved.address if resolved is not None else None

    def _conflicts(self, item: _Item) -> tuple[Conflict, ...]:
        """Which files and hunks of the patch do not fit the tree as it is after the others."""
        current = read_texts(self.git, {"HEAD": _touched_paths(item.files)})["HEAD"]
        spots = locate_hunks(item.review.patch.body.diff, current.get)
        by_path: dict[str, list[HunkSpot]] = {}
        for spot in spots:
            if spot.found is None:
                by_path.setdefault(spot.path, []).append(spot)
        conflicts = [
            Conflict(path, tuple(_hunk_label(s) for s in missed), missed[0].reason)
            for path, missed in by_path.items()
        ]
        if not conflicts:  # every hunk fits on its own, yet git refused the whole
            conflicts = [Conflict(p, (), "git am refused the patch") for p in item.paths]
        return tuple(conflicts)

    def _mark_offsets(self, items: list[_Item]) -> None:
        """Patches git applied at other lines than stated count as applied with fuzz."""
        wanted = [
            (item, f"{item.outcome.commit}~1")
            for item in items
            if item.outcome is not None and item.outcome.method == "exact"
        ]
        contents = read_texts(
            self.git, {parent: _touched_paths(item.files) for item, parent in wanted}
        )
        for item, parent in wanted:
            spots = locate_hunks(item.review.patch.body.diff, contents[parent].get)
            moved = [s for s in spots if s.found is not None and s.found != s.stated]
            if moved and item.outcome is not None:
                item.outcome = replace(item.outcome, status=FUZZ, method="offset")
                item.notes.extend(_offset_notes(moved))

    def keep_for_resolution(self, items: list[_Item], name: str) -> Path:
        """Leave an am session stopped at the conflict, on branch `name`, for the user."""
        failed = next(
            i for i, item in enumerate(items) if item.outcome and item.outcome.status == CONFLICT
        )
        self._am(items[failed:], three_way=self.three_way_possible)
        self.git.run("update-ref", f"refs/heads/{name}", self._head(), "0" * 40)
        self.git.run("symbolic-ref", "HEAD", f"refs/heads/{name}")
        self.worktree.keep = True
        return self.worktree.path

    def _am(self, items: Sequence[_Item], *, three_way: bool) -> bool:
        return self._am_detail(items, three_way=three_way).ok

    def _am_detail(self, items: Sequence[_Item], *, three_way: bool) -> GitResult:
        mbox = self.scratch / "series.mbx"
        with mbox.open("wb") as out:
            write_mboxrd([item.mail for item in items], out)
        runner = self.git if three_way else self.plain_git
        result = runner.run(
            "am",
            "--quiet",
            "--patch-format=mboxrd",
            "--no-scissors",
            "--3way" if three_way else "--no-3way",
            str(mbox),
            check=False,
        )
        return result

    def _head(self) -> str:
        return self.git.out("rev-parse", "HEAD")

    def _commits_since(self, start: str) -> list[str]:
        listing = self.git.out("rev-list", "--reverse", f"{start}..HEAD")
        return listing.split()


def _files_of(review: PatchReview) -> tuple[FileChange, ...]:
    """The files a patch changes; read leniently when its diff is too damaged to parse."""
    body = review.patch.body
    if body.files or not body.diff:
        return body.files
    changes = []
    for section in parse_diff(_sent_diff(review.patch.text, body.diff)):
        blobs = next((m for line in section.header if (m := INDEX_LINE.match(line))), None)
        changes.append(
            FileChange(
                old_path=section.old_path,
                new_path=section.new_path,
                status=section.status,
                old_mode=None,
                new_mode=None,
                similarity=None,
                binary=section.binary,
                old_blob=blobs.group(1) if blobs else None,
                new_blob=blobs.group(2) if blobs else None,
                hunks=(),
                added=0,
                removed=0,
            )
        )
    return tuple(changes)


def _sent_diff(text: str, parsed: str) -> str:
    """Everything from the diff's first line on: a damaged hunk may run past what parsed."""
    start = text.find(parsed.split("\n", 1)[0]) if parsed else -1
    return text[start:] if start >= 0 else parsed


def _rebuilt_from_html(message: Message) -> bool:
    """A mail reviewbot rebuilt from an archive page (not one with only made-up headers)."""
    return not message.pristine and message.source.startswith(("http://", "https://"))


def _touched_paths(files: Sequence[FileChange]) -> list[str]:
    """Every path a patch reads or writes (a new file's path must be free)."""
    return list(dict.fromkeys(p for f in files for p in (f.old_path, f.new_path) if p))


def _hunk_label(spot: HunkSpot) -> str:
    return f"hunk {spot.number}/{spot.count} {spot.header}"


def _offset_notes(moved: list[HunkSpot]) -> list[str]:
    notes = []
    for spot in moved:
        assert spot.found is not None
        delta = spot.found - spot.stated
        direction = "later" if delta > 0 else "earlier"
        notes.append(
            f"{spot.path}: hunk {spot.number}/{spot.count} applied at line {spot.found}, "
            f"{abs(delta)} line{'s' if abs(delta) != 1 else ''} {direction} than stated"
        )
    return notes


def _outcomes(items: list[_Item], missing: list[int], review: Review) -> tuple[PatchOutcome, ...]:
    """Every patch of the version, present or not, in series order, with subjects and files."""
    by_number: dict[int, PatchOutcome] = {}
    blocked = False
    for item in items:
        outcome = item.outcome or PatchOutcome(item.number, "", NOT_APPLIED)
        if blocked:
            outcome = PatchOutcome(item.number, "", NOT_APPLIED)
        notes = tuple(item.notes) if not blocked else ("not tried: an earlier patch conflicts",)
        by_number[item.number] = PatchOutcome(
            item.number,
            am_subject(item.review.patch.subject),
            outcome.status,
            outcome.method,
            outcome.commit,
            item.paths,
            notes,
            outcome.conflicts,
        )
        blocked = blocked or outcome.status == CONFLICT
    for number in missing:
        by_number[number] = PatchOutcome(
            number, f"patch {number}/{review.revision.total}", MISSING, notes=("never sent",)
        )
    return tuple(by_number[n] for n in sorted(by_number))
