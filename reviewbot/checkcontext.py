"""What a check plugin is given: the reviewed series, the tree it was applied to, the settings.

One `CheckContext` is made per `reviewbot check` run and handed to every hook of that run.
Without a tree (`check SPEC` alone) the mail is all there is: `tree`, `base` and `head` are
None and `file_at` answers None. With a tree the series has been applied (no branch is made)
and every file of the base and of each patch's commit can be read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewbot.blobs import read_texts
from reviewbot.identity import Person
from reviewbot.people import in_body_author, sender_of

if TYPE_CHECKING:  # annotations only: plugins import this module when they are loaded
    from reviewbot.addressbook import AddressBook
    from reviewbot.apply import ApplyResult
    from reviewbot.attribution import PatchReview, Review
    from reviewbot.config import Settings
    from reviewbot.series import Revision, Series
    from reviewbot.threads import Thread
    from reviewbot.tree import Tree

#: Reads another plugin's result by name (None when it has none or is not loaded).
ResultReader = Callable[[str], object | None]


def _no_results(name: str) -> object | None:
    return None


@dataclass
class CheckContext:
    """The run every hook sees. Plugins read it; only reviewbot changes it."""

    review: Review
    book: AddressBook
    settings: Settings
    tree: Tree | None = None
    apply: ApplyResult | None = None
    read_result: ResultReader = field(default=_no_results, repr=False)
    _files: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)

    @property
    def series(self) -> Series:
        """Every version the thread carries."""
        return self.review.series

    @property
    def revision(self) -> Revision:
        """The version under review."""
        return self.review.revision

    @property
    def thread(self) -> Thread:
        """The whole thread, replies included."""
        return self.review.series.thread

    @property
    def base(self) -> str | None:
        """The commit the series was applied to (None without a tree)."""
        return self.apply.base.commit if self.apply is not None else None

    @property
    def head(self) -> str | None:
        """The commit with every patch applied (None without a tree or after a conflict)."""
        if self.apply is None or not self.apply.complete:
            return None
        return self.apply.head

    def commit_of(self, number: int) -> str | None:
        """The commit patch `number` became (None when it was not applied)."""
        if self.apply is None:
            return None
        for outcome in self.apply.patches:
            if outcome.number == number and outcome.applied:
                return outcome.commit
        return None

    def patch(self, number: int) -> PatchReview | None:
        """The patch with that number in the series, with its trailers."""
        for review in self.review.patches:
            if review.patch.index == number:
                return review
        return None

    def author(self, patch: PatchReview) -> Person | None:
        """Who wrote the patch (see `patch_author`)."""
        return patch_author(patch, self.book)

    def sender(self, patch: PatchReview) -> Person | None:
        """Who mailed the patch (the mail's From, a masked address recovered when possible)."""
        person = sender_of(patch.patch.message)
        return None if person is None else self.book.best(person)

    def setting(self, key: str) -> object:
        """A setting by its dotted key (`hygiene.max_line_length`, `http.timeout`)."""
        return self.settings.value(key)

    def result(self, plugin: str) -> object | None:
        """Another plugin's structured result (its `review_result` hook), computed once."""
        return self.read_result(plugin)

    def file_at(self, commit: str | None, path: str) -> str | None:
        """The text of `path` at `commit` of the tree (None: no tree, no commit, no such file)."""
        if commit is None:
            return None
        return self.files_at(commit, [path])[path]

    def files_at(self, commit: str, paths: Iterable[str]) -> Mapping[str, str | None]:
        """Several files of one commit in one git call (None for each one that is absent)."""
        wanted = list(dict.fromkeys(paths))
        missing = [p for p in wanted if (commit, p) not in self._files]
        if missing and self.tree is not None:
            texts = read_texts(self.tree.git, {commit: missing})[commit]
            for path in missing:
                self._files[(commit, path)] = texts[path]
        return {p: self._files.get((commit, p)) for p in wanted}


def patch_author(patch: PatchReview, book: AddressBook | None) -> Person | None:
    """Who wrote the patch: git's in-body `From:` when the commit message opens with one, else
    the mail's From; a masked address recovered when `book` can."""
    person = in_body_author(patch.patch.body.message) or sender_of(patch.patch.message)
    return person if person is None or book is None else book.best(person)
