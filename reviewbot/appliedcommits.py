"""Where a reviewed series landed: its commits on a branch, found by subject and author.

`reviewbot apply` makes `review/DATE-TOPIC-vN`; a committer may also have pushed the series
to `staging`. Either way each patch is the newest commit among the branch's recent history
whose subject is the patch's title, preferring one by the patch's author.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewbot.apply import default_branch
from reviewbot.attribution import Review
from reviewbot.errors import TreeError
from reviewbot.people import sender_of
from reviewbot.tree import Tree

#: How far back along the branch a series' commits are looked for.
SEARCH_DEPTH = 2000


@dataclass(frozen=True)
class AppliedCommit:
    """One patch of the series as a commit."""

    number: int
    commit: str
    subject: str

    def short(self, length: int = 12) -> str:
        """`<short hash> <subject>`."""
        return f"{self.commit[:length]} {self.subject}"


@dataclass(frozen=True)
class Landing:
    """The branch, the commits found on it in series order, and the patches not found."""

    branch: str
    commits: tuple[AppliedCommit, ...]
    missing: tuple[tuple[int, str], ...]  # (number, title)


def find_applied(tree: Tree, review: Review, branch: str | None) -> Landing:
    """The series' commits on `branch` (default: the one `apply` makes); TreeError when the
    branch does not exist or holds none of them."""
    name = branch or default_branch(review)
    verified = tree.git.run("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", check=False)
    if not verified.ok:
        hint = (
            "name the branch the series is on with --branch"
            if branch
            else f"apply the series first (reviewbot apply SPEC --tree {tree.top}) "
            "or name the branch it is on with --branch"
        )
        raise TreeError(f"{tree.top} has no branch {name}", hint)
    log = tree.git.out(
        "log", f"-n{SEARCH_DEPTH}", "--no-merges", "--format=%H%x1f%s%x1f%ae", name, "--"
    )
    history = [line.split("\x1f") for line in log.splitlines() if line.count("\x1f") == 2]
    found: list[AppliedCommit] = []
    missing: list[tuple[int, str]] = []
    used: set[str] = set()
    for patch_review in review.patches:
        patch = patch_review.patch
        author = sender_of(patch.message)
        wanted = " ".join(patch.subject.title.split())
        candidates = [
            (commit, email)
            for commit, subject, email in history
            if commit not in used and " ".join(subject.split()) == wanted
        ]
        by_author = [
            c for c in candidates if author and c[1].casefold() == author.address.casefold()
        ]
        chosen = (by_author or candidates)[:1]
        if chosen:
            used.add(chosen[0][0])
            found.append(AppliedCommit(patch.index, chosen[0][0], wanted))
        else:
            missing.append((patch.index, wanted))
    if not found:
        raise TreeError(
            f"no commit of {review.revision.title!r} is on {name}",
            "apply the series first, or name the branch it is on with --branch",
        )
    return Landing(name, tuple(found), tuple(missing))
