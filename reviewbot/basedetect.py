"""Which commit a mailed series is applied on, and the rule that chose it.

Rules, first that answers wins: the user's `--base REV`; the series' `base-commit:` line when
that commit is in the repository; the newest commit before the mail that holds every pre-image
blob the diffs' `index` lines name ("blob match"); the branch head.

Blob match. A commit "holds" a pre-image when the blob at its path starts with the abbreviated
id. Commits are searched in a window of committer dates ending at the mail's date, widened ×4
three times and then to all history while nothing matches. Within a window the candidates are:

- the commits `git log -m --find-object` lists (a pre-image blob appears or disappears at some
  path, compared with *each* parent, so merges and commits on merged side branches count),
  and all their parents: a commit that matches while a newer child does not is such a parent;
- the frontier: commits of the window without a newer child in it (the newest commit before the
  mail, and the tips of side branches that were merged only after the mail).

Every commit that matches and has no matching newer child is one of those, so the newest match
in the window is among them. Candidates are ranked by committer date, ties going to the
descendant (`--date-order` position). All candidates are checked in one `cat-file --batch-check`.

Git processes per call: 1 to resolve the head, 1 to resolve the blob abbreviations (+2 when one
is ambiguous, +1 for a `base-commit:` that is not there), then 3 per window (`rev-list`, `log
--find-object`, `cat-file`; 1 for a window without commits): 5 when the first window matches,
at most 17. The commits newer than the mail are walked once, in the first window's listing;
later windows start from the commits that listing shows to be their parents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reviewbot.errors import TreeError
from reviewbot.gitcmd import Git
from reviewbot.patchbody import FileChange

#: How much each widening multiplies the search window, and how many times it does before the
#: search covers all history.
WIDEN_FACTOR = 4
WIDENINGS = 3

_GITLINK = "160000"
_OBJECT_LINE = re.compile(r"([0-9a-f]{40}|[0-9a-f]{64}) (\w+) \d+")
_HEX = re.compile(r"[0-9a-f]+")
_SHORT = 12


@dataclass(frozen=True)
class PreImage:
    """A file as the series expects to find it before its first patch touches it."""

    path: str  # the file's path before the series touches it
    blob: str  # the abbreviated pre-image blob id as the `index` line writes it


@dataclass(frozen=True)
class BaseChoice:
    """The commit the series goes on, the rule that chose it, and why."""

    commit: str  # full commit id
    rule: str  # "--base" | "base-commit" | "blob-match" | "branch-head"
    detail: str  # one human sentence
    warnings: tuple[str, ...] = ()
    matched: int = 0  # pre-image blobs found at the chosen commit
    total: int = 0  # pre-image blobs the series names


def pre_images(patches: Sequence[Sequence[FileChange]]) -> list[PreImage]:
    """The pre-image of every file the series touches, from the first patch that touches it.

    Added files, gitlinks and changes without a usable blob id give none; a rename's or copy's
    pre-image is its source. A path touched again later (or first created by the series) keeps
    what its first touch said, since a later pre-image is an earlier patch's post-image.
    """
    touched: set[str] = set()
    found: list[PreImage] = []
    for files in patches:
        for change in files:
            old, blob = change.old_path, change.old_blob
            if (
                old is not None
                and old not in touched
                and change.status != "added"
                and change.old_mode != _GITLINK
                and blob
                and set(blob) != {"0"}
            ):
                found.append(PreImage(old, blob.lower()))
            touched.update(path for path in (old, change.new_path) if path)
    return found


def choose_base(
    repo: Path,
    *,
    explicit: str | None,
    base_commit: str | None,
    pre: Sequence[PreImage],
    sent_at: datetime,
    head: str = "HEAD",
    window_days: int = 30,
) -> BaseChoice:
    """The commit to apply the series on; TreeError for an unknown `--base` or an unborn head.

    `sent_at` (timezone-aware) bounds the blob search; `window_days` is its first window.
    """
    if sent_at.tzinfo is None or sent_at.utcoffset() is None:
        raise ValueError("sent_at must be timezone-aware")
    git = Git(repo)
    pre = [PreImage(p.path, p.blob.lower()) for p in pre]
    if explicit is not None:
        commit = _peel(git, explicit)
        if commit is None:
            raise TreeError(
                f"no commit {explicit} in {repo}",
                "give a branch, tag or commit id that exists there",
            )
        return _named(git, commit, "--base", f"given with --base {explicit}", pre)
    warnings: list[str] = []
    if base_commit:
        commit = _peel(git, base_commit)
        if commit is not None:
            detail = f"the series' base-commit {base_commit} is in {repo}"
            return _named(git, commit, "base-commit", detail, pre)
        warnings.append(
            f"base-commit {base_commit} is not in {repo}; fetch it "
            f"(git fetch origin {base_commit}) for an exact base"
        )
    tip = _resolve_head(git, repo, head)
    return _search(git, repo, tip, head, pre, sent_at, window_days, warnings)


# --- rules 1 and 2 ------------------------------------------------------------------------------


def _peel(git: Git, revision: str) -> str | None:
    """The commit `revision` names (tags peeled), or None when there is none."""
    result = git.run(
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{revision}^{{commit}}",
        check=False,
    )
    commit = result.stdout.strip()
    return commit if result.ok and commit else None


def _named(git: Git, commit: str, rule: str, detail: str, pre: Sequence[PreImage]) -> BaseChoice:
    """A base the user or the series named, with how many pre-images it holds."""
    matched = _count(pre, _blobs_at(git, [commit], pre)[commit]) if pre else 0
    return BaseChoice(commit, rule, detail, (), matched, len(pre))


# --- rules 3 and 4 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One commit of a window listing: committer time, parents, `--date-order` position."""

    time: int
    parents: tuple[str, ...]
    position: int


@dataclass(frozen=True)
class _Blobs:
    """The pre-image abbreviations resolved to full blob ids, and those that were not."""

    full: dict[str, tuple[str, ...]]  # abbreviation -> full ids it may stand for
    unknown: tuple[PreImage, ...]
    warnings: tuple[str, ...]


def _resolve_head(git: Git, repo: Path, head: str) -> str:
    """The commit `head` names; TreeError naming an unborn branch."""
    commit = _peel(git, head)
    if commit is not None:
        return commit
    branch = git.run("symbolic-ref", "--quiet", head, check=False).stdout.strip()
    if branch:
        raise TreeError(
            f"{repo} has no commits yet ({branch.removeprefix('refs/heads/')} is unborn)",
            "commit or fetch something there first, or give --base",
        )
    raise TreeError(
        f"no commit {head} in {repo}", "give a branch, tag or commit id that exists there"
    )


def _search(
    git: Git,
    repo: Path,
    tip: str,
    head: str,
    pre: list[PreImage],
    sent_at: datetime,
    window_days: int,
    warnings: list[str],
) -> BaseChoice:
    """Rule 3, falling back to rule 4 with the reason."""
    when = sent_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    total = len(pre)
    blobs_named = f"{_all(total)} pre-image {_plural(total, 'blob')}"

    def fallback(why: str, at_tip: dict[str, str] | None = None) -> BaseChoice:
        if at_tip is None:
            at_tip = _blobs_at(git, [tip], pre)[tip] if pre else {}
        detail = f"{why}; using {head} ({_short(tip)})"
        return BaseChoice(tip, "branch-head", detail, tuple(warnings), _count(pre, at_tip), total)

    if not pre:
        return fallback(
            "the series names no pre-image blobs (it only adds files or has no index lines)"
        )
    blobs = _resolve_blobs(git, pre)
    warnings.extend(blobs.warnings)
    if blobs.unknown:
        names = ", ".join(f"{p.path} {p.blob}" for p in blobs.unknown[:3])
        more = f" and {len(blobs.unknown) - 3} more" if len(blobs.unknown) > 3 else ""
        return fallback(
            f"{len(blobs.unknown)} of {total} pre-image blobs are not in {repo} ({names}{more})"
        )
    windows: list[int | None] = [None]
    if window_days >= 1:
        windows = [window_days * WIDEN_FACTOR**step for step in range(WIDENINGS + 1)] + [None]
    found = _newest_holding(git, tip, pre, blobs, int(sent_at.timestamp()), windows)
    if found.commit is not None:
        searched = _searched(windows[: found.windows])
        detail = f"newest commit before {when} holding {blobs_named} ({searched})"
        return BaseChoice(found.commit, "blob-match", detail, tuple(warnings), total, total)
    if found.windows == 0:
        return fallback(f"every commit of {head} is newer than the mail ({when})", found.at_tip)
    best = found.best
    partial = f"; best: {_short(best[0])} with {best[1]} of {total}" if best else ""
    return fallback(
        f"no commit before {when} holds {blobs_named} (searched all history){partial}",
        found.at_tip,
    )


@dataclass(frozen=True)
class _Found:
    """What the window search found: the match, or the best partial one."""

    commit: str | None  # the newest commit holding every pre-image
    windows: int  # windows searched (0: no commit is older than the mail)
    best: tuple[str, int] | None  # the commit holding the most pre-images, and how many
    at_tip: dict[str, str] | None  # the blobs at the head's pre-image paths, when checked


def _newest_holding(
    git: Git,
    tip: str,
    pre: Sequence[PreImage],
    blobs: _Blobs,
    stamp: int,
    windows: Sequence[int | None],
) -> _Found:
    """Search each window in turn until one holds a commit with every pre-image blob."""
    full_ids = sorted({full for ids in blobs.full.values() for full in ids})
    paths = sorted({p.path for p in pre if "\n" not in p.path})
    starts: list[str] = []
    best: tuple[str, int] | None = None
    at_tip: dict[str, str] | None = None
    for stage, days in enumerate(windows):
        since = None if days is None else stamp - days * 86400
        if stage == 0:
            # Commits newer than the mail are walked only here; later windows start below them.
            rows = _list_commits(git, [tip], since, None)
            newer = {c for c, row in rows.items() if row.time > stamp}
            starts = sorted({p for c in newer for p in rows[c].parents if p not in newer})
            if tip not in newer:
                starts.append(tip)
            rows = {c: row for c, row in rows.items() if c not in newer}
            if not starts:
                return _Found(None, 0, None, None)
        else:
            rows = _list_commits(git, starts, since, stamp)
        if not rows:
            continue
        candidates = _candidates(rows, _find_object(git, starts, full_ids, paths, since, stamp))
        checked = _blobs_at(git, [*candidates, tip], pre)
        at_tip = checked[tip]
        scored = sorted(
            ((_count(pre, checked[c]), c) for c in candidates),
            key=lambda item: (item[0], rows[item[1]].time, -rows[item[1]].position),
            reverse=True,
        )
        if scored and scored[0][0] == len(pre):
            return _Found(scored[0][1], stage + 1, None, at_tip)
        if scored and scored[0][0] and (best is None or scored[0][0] > best[1]):
            best = (scored[0][1], scored[0][0])
        if _complete(rows, starts):
            break
    return _Found(None, len(windows), best, at_tip)


def _resolve_blobs(git: Git, pre: Sequence[PreImage]) -> _Blobs:
    """Full ids for the abbreviations (blobs preferred); ambiguous ones expand to every blob."""
    abbrevs = sorted({p.blob for p in pre})
    usable = [a for a in abbrevs if len(a) >= 4 and _HEX.fullmatch(a)]
    lines = _batch_check(git, usable, ("-c", "core.disambiguate=blob")) if usable else []
    full: dict[str, tuple[str, ...]] = {}
    ambiguous: list[str] = []
    for abbrev, line in zip(usable, lines, strict=True):
        found = _OBJECT_LINE.fullmatch(line)
        if found and found.group(2) == "blob":
            full[abbrev] = (found.group(1),)
        elif line.endswith(" ambiguous"):
            ambiguous.append(abbrev)
    warnings: list[str] = []
    if ambiguous:
        listed = git.run("rev-parse", *(f"--disambiguate={a}" for a in ambiguous), check=False)
        ids = sorted(set(listed.stdout.split()))
        kinds = _batch_check(git, ids, ()) if ids else []
        blob_ids = [i for i, k in zip(ids, kinds, strict=True) if k.split(" ")[1:2] == ["blob"]]
        for abbrev in ambiguous:
            matches = tuple(i for i in blob_ids if i.startswith(abbrev))
            if matches:
                full[abbrev] = matches
                paths = ", ".join(sorted({p.path for p in pre if p.blob == abbrev}))
                warnings.append(
                    f"pre-image blob {abbrev} ({paths}) is ambiguous: {len(matches)} blobs "
                    "start with it; any of them counts as a match"
                )
    unknown = tuple(p for p in pre if p.blob not in full)
    return _Blobs(full, unknown, tuple(warnings))


def _list_commits(
    git: Git, starts: Sequence[str], since: int | None, until: int | None
) -> dict[str, _Row]:
    """Commits reachable from `starts` with committer dates in [since, until], newest first."""
    if not starts:
        return {}
    args = [
        "rev-list",
        "--date-order",
        "--timestamp",
        "--parents",
        *_dates(since, until),
        "--stdin",
    ]
    out = git.run(*args, input="".join(f"{s}\n" for s in starts)).stdout
    rows: dict[str, _Row] = {}
    for position, line in enumerate(out.splitlines()):
        time, commit, *parents = line.split()
        rows[commit] = _Row(int(time), tuple(parents), position)
    return rows


def _find_object(
    git: Git,
    starts: Sequence[str],
    blobs: Sequence[str],
    paths: Sequence[str],
    since: int | None,
    until: int,
) -> set[str]:
    """Commits in the window where a blob appears or disappears at a pre-image path.

    Compared with every parent (`-m`, separately); `--find-object` already turns off history
    simplification, so limiting the diffs to the paths hides no side branch.
    """
    if not starts or not blobs:
        return set()
    pathspecs = [f":(top,literal){path}" for path in paths]
    result = git.run(
        "-c",
        "log.diffMerges=separate",
        "log",
        "-m",
        "--no-patch",
        "--no-renames",
        "--no-show-signature",
        "--format=%H",
        *_dates(since, until),
        *(f"--find-object={blob}" for blob in blobs),
        "--stdin",
        input="".join(f"{line}\n" for line in (*starts, "--", *pathspecs)),
    )
    return set(result.stdout.split())


def _candidates(rows: dict[str, _Row], hits: Iterable[str]) -> list[str]:
    """The window's commits that may be its newest match (see the module docstring)."""
    has_newer_child: set[str] = set()
    for row in rows.values():
        for parent in row.parents:
            if parent in rows and rows[parent].time <= row.time:
                has_newer_child.add(parent)
    chosen = {c for c in rows if c not in has_newer_child}
    for hit in hits:
        if hit in rows:
            chosen.add(hit)
            chosen.update(p for p in rows[hit].parents if p in rows)
    return sorted(chosen, key=lambda c: rows[c].position)


def _complete(rows: dict[str, _Row], starts: Sequence[str]) -> bool:
    """True when the window already holds every commit a wider one could add."""
    if not rows:
        return False
    return all(s in rows for s in starts) and all(
        p in rows for row in rows.values() for p in row.parents
    )


def _blobs_at(
    git: Git, commits: Sequence[str], pre: Sequence[PreImage]
) -> dict[str, dict[str, str]]:
    """For each commit, the full blob id at each pre-image path ("" when none), in one process."""
    paths = sorted({p.path for p in pre if "\n" not in p.path})
    unique = list(dict.fromkeys(commits))
    queries = [f"{commit}:{path}" for commit in unique for path in paths]
    lines = _batch_check(git, queries, ()) if queries else []
    found: dict[str, dict[str, str]] = {c: {} for c in unique}
    for query, line in zip(queries, lines, strict=True):
        commit, _, path = query.partition(":")
        match = _OBJECT_LINE.fullmatch(line)
        found[commit][path] = match.group(1) if match and match.group(2) == "blob" else ""
    return found


def _batch_check(git: Git, names: Sequence[str], config: Sequence[str]) -> list[str]:
    """One `cat-file --batch-check` answer line per name."""
    out = git.run(*config, "cat-file", "--batch-check", input="".join(f"{n}\n" for n in names))
    lines = out.stdout.splitlines()
    if len(lines) != len(names):
        raise TreeError(
            f"git cat-file answered {len(lines)} lines for {len(names)} objects in {git.directory}",
            "report it as a reviewbot bug",
        )
    return lines


def _count(pre: Sequence[PreImage], blobs: dict[str, str]) -> int:
    """How many pre-images the blobs at one commit hold."""
    return sum(1 for p in pre if (blob := blobs.get(p.path)) and blob.startswith(p.blob))


def _dates(since: int | None, until: int | None) -> list[str]:
    bounds = [] if since is None else [f"--since=@{since} +0000"]
    return bounds + ([] if until is None else [f"--until=@{until} +0000"])


def _searched(windows: Sequence[int | None]) -> str:
    first, last = windows[0], windows[-1]
    if first is None:
        return "searched all history"
    wider = "" if len(windows) == 1 else f", widened to {last or 'all history'}"
    return f"searched {first} days{wider}"


def _all(count: int) -> str:
    return "the" if count == 1 else f"all {count}"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _short(commit: str) -> str:
    return commit[:_SHORT]
