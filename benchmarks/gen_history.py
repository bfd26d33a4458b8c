"""Git histories built with `git fast-import`, for base-detection tests and benchmarks.

Library part (used by tests/test_basedetect.py): `CommitSpec` describes one commit,
`build_repo` imports a list of them into a fresh repository and returns each subject's commit
id, `replay` yields the tree (path -> blob id) after every commit without git, and
`newest_match` is the brute-force answer base detection must give. `plan_history` makes a
deterministic, realistic history (a few hundred files under Xen-like directories, most commits
touching 1-3 files, dates spread over years with series committed in the same second, short
side branches merged back) and three series to look for in it: one matching recently, one
whose matching tree lies ~70% back in history, and one that no commit matches.

Command line: `python3 benchmarks/gen_history.py [DIR] [--commits 10000] [--seed 1]` builds
the repository once under DIR (default /tmp/reviewbot-bench) and reuses it afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reviewbot.gitcmd import Git

DEFAULT_DIR = Path("/tmp/reviewbot-bench")
START = int(datetime(2018, 1, 8, 9, 0, tzinfo=UTC).timestamp())
DAY = 86400
AREAS = (
    "xen/arch/x86",
    "xen/arch/x86/hvm",
    "xen/arch/arm",
    "xen/common",
    "xen/drivers/passthrough",
    "xen/include/xen",
    "tools/libs/ctrl",
    "tools/xl",
)
SIDE_AREA = "docs/misc"
ZONES = ("+0000", "+0100", "+0200", "-0500", "-0800", "+0800", "+0530")
PEOPLE = ("Jan Beulich", "Andrew Cooper", "Roger Pau Monne", "Julien Grall", "Juergen Gross")


@dataclass(frozen=True)
class CommitSpec:
    """One commit: its subject (unique), committer time, and the files it writes or deletes."""

    subject: str
    when: int  # committer time, seconds since the epoch
    changes: Mapping[str, bytes | None]  # path -> new content; None deletes the file
    branch: str = "main"
    start: str | None = None  # subject of the commit a (new) branch starts from
    merge: str | None = None  # subject of the commit merged as the second parent
    author: str = "A U Thor"
    author_when: int | None = None  # defaults to `when`
    tz: str = "+0000"


@dataclass(frozen=True)
class Scenario:
    """A series to find a base for: pre-images, mail date, and the commit that must be chosen."""

    name: str
    pre: tuple[tuple[str, str], ...]  # (path, abbreviated blob id)
    sent_at: int
    expected: str | None  # subject of the newest commit holding every pre-image, None for none


@dataclass(frozen=True)
class Plan:
    """A generated history and the series to look for in it."""

    specs: tuple[CommitSpec, ...]
    scenarios: tuple[Scenario, ...] = ()


def blob_id(content: bytes) -> str:
    """The SHA-1 git gives a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def fast_import_stream(specs: Sequence[CommitSpec]) -> bytes:
    """The `git fast-import` input for the commits, marks numbered from 1 in order."""
    marks = {spec.subject: index for index, spec in enumerate(specs, 1)}
    out: list[bytes] = []
    for index, spec in enumerate(specs, 1):
        email = spec.author.lower().replace(" ", ".") + "@example.org"
        message = spec.subject.encode() + b"\n"
        out += [
            f"commit refs/heads/{spec.branch}\nmark :{index}\n".encode(),
            f"author {spec.author} <{email}> {spec.author_when or spec.when} {spec.tz}\n".encode(),
            f"committer Committer <committer@example.org> {spec.when} {spec.tz}\n".encode(),
            b"data %d\n%s" % (len(message), message),
        ]
        if spec.start is not None:
            out.append(f"from :{marks[spec.start]}\n".encode())
        if spec.merge is not None:
            out.append(f"merge :{marks[spec.merge]}\n".encode())
        for path, content in spec.changes.items():
            if content is None:
                out.append(f"D {path}\n".encode())
            else:
                out.append(
                    b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(content), content)
                )
        out.append(b"\n")
    return b"".join(out)


def build_repo(repo: Path, specs: Sequence[CommitSpec]) -> dict[str, str]:
    """A new repository at `repo` holding the commits (HEAD on `main`); subject -> commit id."""
    repo.mkdir(parents=True, exist_ok=True)
    git = Git(repo)
    git.run("init", "--quiet", "--initial-branch=main")
    marks = repo / ".git" / "reviewbot-marks"
    # glibc's default trimming makes fast-import call brk() ~30 times per commit, which some
    # sandboxes make slow; a top pad keeps the heap (5x faster there, harmless elsewhere).
    importer = Git(repo, env={"MALLOC_TOP_PAD_": str(64 << 20)})
    importer.run(
        "fast-import", "--quiet", f"--export-marks={marks}", input=fast_import_stream(specs)
    )
    ids: dict[str, str] = {}
    for line in marks.read_text().splitlines():
        mark, commit = line.split()
        ids[specs[int(mark[1:]) - 1].subject] = commit
    marks.unlink()
    return ids


def replay(specs: Iterable[CommitSpec]) -> Iterator[tuple[CommitSpec, dict[str, str]]]:
    """Each commit with its tree (path -> blob id) right after it; the dict is reused, copy it."""
    specs = list(specs)
    needed = {spec.start for spec in specs if spec.start is not None}
    saved: dict[str, dict[str, str]] = {}
    trees: dict[str, dict[str, str]] = {}
    for spec in specs:
        if spec.start is not None:
            trees[spec.branch] = dict(saved[spec.start])
        tree = trees.setdefault(spec.branch, {})
        for path, content in spec.changes.items():
            if content is None:
                tree.pop(path, None)
            else:
                tree[path] = blob_id(content)
        if spec.subject in needed:
            saved[spec.subject] = dict(tree)
        yield spec, tree


def newest_match(
    specs: Sequence[CommitSpec], pre: Sequence[tuple[str, str]], sent_at: int
) -> str | None:
    """Brute force: the newest commit (ties: the later one) by `sent_at` holding every pre-image.

    Assumes every commit is reachable from the last one on `main` and that commits with equal
    times are in one line of descent (as `plan_history` makes them).
    """
    return _newest_matches(specs, {"": pre}, sent_at_by_name={"": sent_at})[""]


def _newest_matches(
    specs: Sequence[CommitSpec],
    pres: Mapping[str, Sequence[tuple[str, str]]],
    sent_at_by_name: Mapping[str, int],
) -> dict[str, str | None]:
    best: dict[str, tuple[int, int, str] | None] = dict.fromkeys(pres)
    for order, (spec, tree) in enumerate(replay(specs)):
        for name, pre in pres.items():
            if spec.when > sent_at_by_name[name]:
                continue
            if all(tree.get(path, "").startswith(blob) for path, blob in pre):
                key = (spec.when, order, spec.subject)
                current = best[name]
                if current is None or key > current:
                    best[name] = key
    return {name: (value[2] if value else None) for name, value in best.items()}


def _content(path: str, revision: int, rng: random.Random) -> bytes:
    lines = [f"/* {path}: generated revision {revision} */"]
    lines += [f"static int value_{i} = {rng.randrange(1 << 20)};" for i in range(rng.randint(3, 8))]
    return ("\n".join(lines) + "\n").encode()


def plan_history(
    commits: int = 10_000, files: int = 300, seed: int = 1, years: float = 6.0
) -> Plan:
    """A deterministic history of `commits` commits and three series to find bases for."""
    rng = random.Random(seed)
    side_count = max(4, files // 10)
    main_paths = [f"{AREAS[i % len(AREAS)]}/file{i:03d}.c" for i in range(files - side_count)]
    side_paths = [f"{SIDE_AREA}/doc{i:03d}.txt" for i in range(side_count)]
    revisions: dict[str, list[bytes]] = {}
    mean_gap = years * 365 * DAY / commits / 0.75  # a quarter of the commits share a time
    clock = START

    def write(path: str) -> bytes:
        history = revisions.setdefault(path, [])
        if len(history) > 2 and rng.random() < 0.02:
            content = history[rng.randrange(len(history) - 1)]  # a revert to an older text
        else:
            content = _content(path, len(history), rng)
        history.append(content)
        return content

    def tick() -> int:
        nonlocal clock
        clock += max(1, int(rng.expovariate(1 / mean_gap)))
        return clock

    everything = [*main_paths, *side_paths]
    specs = [CommitSpec("Initial import", clock, {p: write(p) for p in everything})]
    series_left, series_time = 0, 0
    branch, fork, target, done, branches = "", "", 0, 0, 0
    while len(specs) < commits:
        index, remaining = len(specs), commits - len(specs)
        person, zone = rng.choice(PEOPLE), rng.choice(ZONES)
        if branch and not series_left:
            force = remaining <= target - done + 1
            if done == target and (force or rng.random() < 0.2):
                side_changes: dict[str, bytes | None] = {}
                for spec in specs:
                    if spec.branch == branch:
                        side_changes.update(spec.changes)
                subject = f"Merge branch '{branch}' ({index:05d})"
                tip = _last_on(specs, branch)
                specs.append(
                    CommitSpec(subject, tick(), side_changes, merge=tip, author=person, tz=zone)
                )
                branch = ""
                continue
            if done < target and (force or rng.random() < 0.3):
                paths = rng.sample(side_paths, rng.randint(1, 2))
                names = ", ".join(p.rsplit("/", 1)[1] for p in paths)
                specs.append(
                    CommitSpec(
                        f"docs: update {names} ({index:05d})",
                        tick(),
                        {p: write(p) for p in paths},
                        branch=branch,
                        start=fork if done == 0 else None,
                        author=person,
                        tz=zone,
                    )
                )
                done += 1
                continue
        if not branch and not series_left and remaining > 12 and rng.random() < 1 / 150:
            branches += 1
            branch, fork, target, done = f"docs-{branches}", _last_on(specs, "main"), 0, 0
            target = rng.randint(1, 4)
        if not series_left and rng.random() < 0.08:
            series_left, series_time = rng.randint(2, 8), tick()
        if series_left:
            series_left -= 1
            when = series_time
        else:
            when = tick()
        touched = rng.sample(main_paths, rng.choice((1, 1, 1, 2, 2, 3, 4)))
        area = touched[0].rsplit("/", 2)[-2]
        specs.append(
            CommitSpec(
                f"{area}: change {touched[0].rsplit('/', 1)[1]} ({index:05d})",
                when,
                {p: write(p) for p in touched},
                author=person,
                author_when=when - rng.randrange(30 * DAY),
                tz=zone,
            )
        )
    return Plan(tuple(specs), _scenarios(specs, main_paths, side_paths, rng))


def _last_on(specs: Sequence[CommitSpec], branch: str) -> str:
    for spec in reversed(specs):
        if spec.branch == branch:
            return spec.subject
    raise ValueError(f"no commit on {branch}")


_LENGTHS = (7, 10, 12, 40)


def _scenarios(
    specs: Sequence[CommitSpec],
    main_paths: Sequence[str],
    side_paths: Sequence[str],
    rng: random.Random,
) -> tuple[Scenario, ...]:
    """Series matching recently, ~70% back (the search must widen), and nowhere."""
    count = len(specs)
    main_orders = [i for i, spec in enumerate(specs) if spec.branch == "main"]

    def main_at(fraction: float) -> int:
        wanted = int(count * fraction)
        return next(i for i in main_orders if i >= wanted)

    recent, deep, early, late = main_at(0.995), main_at(0.3), main_at(0.2), main_at(0.8)
    trees = {
        order: dict(tree)
        for order, (_, tree) in enumerate(replay(specs))
        if order in {recent, deep, early, late}
    }
    last = specs[-1].when
    sent = {"recent": specs[recent].when + 60, "deep": last + DAY, "none": last + DAY}
    options: dict[str, list[tuple[tuple[str, str], ...]]] = {"recent": [], "deep": [], "none": []}
    for _ in range(12):
        paths = [*rng.sample(main_paths, 3), rng.choice(side_paths)]
        options["recent"].append(_abbreviated(trees[recent], paths))
        options["deep"].append(_abbreviated(trees[deep], rng.sample(main_paths, 4)))
        first, second, third = rng.sample(main_paths, 3)
        mixed = (
            _abbreviated(trees[early], [first])
            + _abbreviated(trees[late], [second])
            + _abbreviated(trees[early], [third])
        )
        options["none"].append(mixed)
    names = {f"{kind}/{n}": pre for kind, pres in options.items() for n, pre in enumerate(pres)}
    found = _newest_matches(specs, names, {name: sent[name.split("/")[0]] for name in names})
    when = {spec.subject: spec.when for spec in specs}

    def fits(kind: str, subject: str | None) -> bool:
        if kind == "recent":  # inside the first 30-day window
            return subject is not None and when[subject] > sent["recent"] - 20 * DAY
        if kind == "deep":  # in the older half of history: the search has to widen
            return subject is not None and when[subject] < (specs[0].when + last) // 2
        return subject is None

    scenarios = []
    for kind in ("recent", "deep", "none"):
        name = next(n for n in names if n.startswith(kind + "/") and fits(kind, found[n]))
        scenarios.append(Scenario(kind, names[name], sent[kind], found[name]))
    return tuple(scenarios)


def _abbreviated(tree: Mapping[str, str], paths: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return tuple((path, tree[path][: _LENGTHS[n % len(_LENGTHS)]]) for n, path in enumerate(paths))


# --- the cached benchmark repository ------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """A generated repository on disk and its series, expected answers as commit ids."""

    repo: Path
    commits: int
    scenarios: tuple[Scenario, ...]  # `expected` holds the commit id here, not the subject


def ensure_history(directory: Path, commits: int = 10_000, seed: int = 1) -> Built:
    """The repository for (commits, seed) under `directory`, generated on first use."""
    root = directory / f"history-{commits}-s{seed}"
    manifest = root / "scenarios.json"
    if not manifest.exists():
        plan = plan_history(commits=commits, seed=seed)
        repo = root / "repo"
        if repo.exists():
            raise SystemExit(f"{repo} exists without {manifest}: remove {root} and rerun")
        ids = build_repo(repo, plan.specs)
        data = {
            "commits": len(plan.specs),
            "scenarios": [
                {
                    "name": s.name,
                    "pre": [list(p) for p in s.pre],
                    "sent_at": s.sent_at,
                    "expected": ids[s.expected] if s.expected else None,
                    "expected_subject": s.expected,
                }
                for s in plan.scenarios
            ],
        }
        manifest.write_text(json.dumps(data, indent=1) + "\n")
    data = json.loads(manifest.read_text())
    scenarios = tuple(
        Scenario(s["name"], tuple((p, b) for p, b in s["pre"]), s["sent_at"], s["expected"])
        for s in data["scenarios"]
    )
    return Built(root / "repo", data["commits"], scenarios)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    built = ensure_history(args.directory, args.commits, args.seed)
    print(f"{built.repo}: {built.commits} commits")
    for s in built.scenarios:
        sent = datetime.fromtimestamp(s.sent_at, UTC).strftime("%Y-%m-%d %H:%M")
        print(f"  {s.name:7} mail {sent} UTC, {len(s.pre)} pre-images, expect {s.expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
