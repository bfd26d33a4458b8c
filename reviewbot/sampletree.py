"""The bundled sample Xen-like git tree: a fast-import stream, unpacked into a new repository.

The stream (`xen-sample.fi.gz`, built by `fixtures/sample-tree/build_sample_tree.py`) holds a
short Xen-like history on which the fixtures' seed patch applies: `reviewbot demo` and the tests
apply mailed patches to it. `sample_commits` names the commits that matter for base detection
and three-way apply by their subjects (see `ROLE_SUBJECTS`).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from reviewbot.bundled import bundled
from reviewbot.errors import ReviewbotError, TreeError
from reviewbot.gitcmd import Git

STREAM_NAME = "xen-sample.fi.gz"
BRANCH = "master"

#: role -> subject of the commit that plays it (fixtures/sample-tree/README.md explains each).
ROLE_SUBJECTS: Mapping[str, str] = MappingProxyType(
    {
        "import": "tree: import the sample sources as of Xen 4.12.0",
        "base": "x86/domain: name the domain in dump_vcpu_kinds() output",
        "newest-before-seed": "README: say where to send patches",
        "after-seed": "xen/sched: name the credit2 rate limit default",
        "offset": "x86/domain: add vcpu_is_online()",
        "apply-html-base": "docs: describe pv-shim and give DOCUMENTATION all of docs/",
        "drift-3way": "x86/traps: bring the boot CPU up through cpu_init_common()",
        "master": "CODING_STYLE: say which integer types to use",
    }
)


def bundled_sample_stream() -> Path:
    """The sample tree's stream: inside the installed package, or in `fixtures/` in a checkout."""
    return bundled(STREAM_NAME, f"fixtures/sample-tree/{STREAM_NAME}", "sample tree")


def create_sample_tree(target: Path) -> Path:
    """Make `target` (absent or an empty directory) a clone-like repository of the sample tree.

    The branch `master` is checked out; the tags RELEASE-4.12.0 and RELEASE-4.13.0 are there.
    The repository uses SHA-1 whatever `init.defaultObjectFormat` says, so the blob ids match
    the `index` lines of the fixture mails. Nothing is written to the repository's config.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TreeError(
            f"{target} already exists and is not an empty directory",
            "give a new directory for the sample tree",
        )
    stream = _read_stream(bundled_sample_stream())
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TreeError(
            f"cannot create {target}: {exc.strerror}", "give a writable directory"
        ) from None
    git = Git(target)
    git.run("init", "-q", "--object-format=sha1", "-b", BRANCH, ".")
    git.run("fast-import", "--quiet", input=stream)
    git.run("reset", "-q", "--hard", BRANCH)
    return target


def sample_commits(repo: Path) -> dict[str, str]:
    """Role name -> full commit id in a repository made by `create_sample_tree`."""
    log = Git(repo).out("log", "--format=%H %s", f"refs/heads/{BRANCH}")
    by_subject: dict[str, str] = {}
    for line in log.splitlines():
        commit, _, subject = line.partition(" ")
        by_subject.setdefault(subject, commit)
    missing = [role for role, subject in ROLE_SUBJECTS.items() if subject not in by_subject]
    if missing:
        raise TreeError(
            f"{repo} is not the sample tree: no commit for {', '.join(missing)}",
            "create it with create_sample_tree()",
        )
    return {role: by_subject[subject] for role, subject in ROLE_SUBJECTS.items()}


def _read_stream(path: Path) -> bytes:
    try:
        return gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as exc:
        raise ReviewbotError(
            f"the bundled sample tree {path} cannot be read: {exc}",
            "reinstall reviewbot (pip install .)",
        ) from None
