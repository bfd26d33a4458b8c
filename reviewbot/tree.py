"""The user's git tree: opened with checks that fail as one line, and its committer identity."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from reviewbot.errors import ConfigError, TreeError
from reviewbot.gitcmd import Git

#: Who commits when neither `apply.committer` nor git's own identity is configured.
FALLBACK_COMMITTER = ("reviewbot", "reviewbot@localhost")


@dataclass(frozen=True)
class Tree:
    """A non-bare repository: the top of the worktree the user named, and its shared git dir."""

    top: Path
    common_dir: Path

    @property
    def git(self) -> Git:
        """git commands run at the top of the user's worktree (read-only use only)."""
        return Git(self.top)


def open_tree(directory: Path) -> Tree:
    """The repository at (or above) `directory`; TreeError when it is missing, not git, or bare."""
    if not directory.exists():
        raise TreeError(
            f"{directory} does not exist", "give --tree the path of your Xen git checkout"
        )
    if not directory.is_dir():
        raise TreeError(f"{directory} is not a directory", "give --tree a git checkout")
    import git  # GitPython takes ~45 ms to import: only when a tree is opened

    try:
        repo = git.Repo(directory, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise TreeError(
            f"{directory} is not a git repository",
            "point --tree at a checkout (git clone https://xenbits.xen.org/git-http/xen.git)",
        ) from None
    try:
        if repo.bare:
            raise TreeError(
                f"{directory} is a bare repository",
                "reviewbot needs a checkout: clone it, or give --tree a worktree of it",
            )
        return Tree(Path(str(repo.working_tree_dir)).resolve(), Path(repo.common_dir).resolve())
    finally:
        repo.close()


@dataclass(frozen=True)
class Committer:
    """Who the review commits are committed by, and whether that was a fallback."""

    name: str
    email: str
    source: str  # "apply.committer", "git" or "fallback"

    def environment(self) -> dict[str, str]:
        """GIT_COMMITTER_* for git am (the author always comes from the mail)."""
        return {"GIT_COMMITTER_NAME": self.name, "GIT_COMMITTER_EMAIL": self.email}

    def note(self) -> str | None:
        """What to tell the user when git had no identity to offer."""
        if self.source != "fallback":
            return None
        return (
            f"no git identity is configured, so commits are committed by {self.name} "
            f"<{self.email}>; set user.name and user.email, or -c apply.committer='Name <email>'"
        )


def committer_for(tree: Tree, configured: str) -> Committer:
    """`apply.committer` when set, else git's identity (config or environment), else reviewbot."""
    if configured:
        name, email = parseaddr(configured)
        if not name or "@" not in email:
            raise ConfigError(
                f"apply.committer must look like 'Name <email>', not {configured!r}",
                "fix the setting",
            )
        return Committer(name, email, "apply.committer")
    ident = tree.git.run("var", "GIT_COMMITTER_IDENT", check=False)
    if ident.ok:
        name, email = parseaddr(ident.stdout.rsplit(">", 1)[0] + ">")
        if name and email:
            return Committer(name, email, "git")
    return Committer(*FALLBACK_COMMITTER, "fallback")
