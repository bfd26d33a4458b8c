"""`reviewbot apply` of a 20-patch series against plain `git am` of the same mbox at the same base.

The repository is generated once with `git fast-import`: a Xen-sized tree (6,000 files under
xen/, tools/ and docs/) with a short history; the series is 20 patches made with
`git format-patch` on top of its head (the base), each touching one or two existing files and
every fourth adding one. `git am` runs in a full checkout detached at the base (its time is
`git am` alone); `reviewbot apply` runs as a whole process (interpreter start, reading the
mbox, collecting trailers, the temporary worktree, the branch) with `--base` given, so both
apply at the same commit. Rounds alternate after a warm-up of each; the branch and the
checkout are reset between rounds. Prints the medians and the median of per-round ratios
against the aim (1.5×).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AIM = 1.5
FILES = 6000
PATCHES = 20


def git(repo: Path, *args: str, input: bytes | None = None) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], input=input, capture_output=True)
    if done.returncode:
        sys.exit(done.stderr.decode())
    return done.stdout.decode()


def generate(root: Path, seed: int = 7) -> tuple[Path, Path]:
    """The repository and the 20-patch mbox."""
    rng = random.Random(seed)
    repo = root / "xen"
    git(root, "init", "-q", "-b", "master", str(repo))
    paths = [
        f"{top}/d{n % 150:03d}/file{n:05d}.{'c' if n % 3 else 'h'}"
        for n, top in ((n, ("xen", "tools", "docs")[n % 3]) for n in range(FILES))
    ]
    stream = [b"commit refs/heads/master\nmark :1\n"]
    stream.append(b"committer Bench <bench@example.org> 1560000000 +0000\ndata 7\nimport\n")
    for path in paths:
        lines = "".join(f"/* {path} line {i} {rng.randrange(10**9)} */\n" for i in range(120))
        data = lines.encode()
        stream.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    git(repo, "fast-import", "--quiet", input=b"".join(stream))
    git(repo, "reset", "-q", "--hard", "master")
    author = root / "author"
    git(root, "clone", "-q", str(repo), str(author))
    for number in range(1, PATCHES + 1):
        for path in rng.sample(paths, rng.choice((1, 2))):
            target = author / path
            lines = target.read_text().splitlines(keepends=True)
            at = rng.randrange(10, 110)
            lines[at] = f"/* changed by patch {number} */\n"
            target.write_text("".join(lines))
        if number % 4 == 0:
            (author / f"xen/new/patch{number}.c").parent.mkdir(exist_ok=True)
            (author / f"xen/new/patch{number}.c").write_text(f"int patch{number};\n")
        git(author, "add", "-A")
        git(
            author,
            "-c",
            "user.name=Series Author",
            "-c",
            "user.email=author@example.org",
            "commit",
            "-q",
            "-m",
            f"xen/bench: change number {number}\n\nSigned-off-by: Series Author "
            "<author@example.org>",
        )
    mbox = root / "series.mbox"
    mbox.write_text(git(author, "format-patch", "--thread", "--stdout", f"-{PATCHES}"))
    return repo, mbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-apply-") as scratch:
        root = Path(scratch)
        repo, mbox = generate(root)
        base = git(repo, "rev-parse", "HEAD").strip()
        plain = root / "plain"
        git(root, "clone", "-q", str(repo), str(plain))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "REVIEWBOT_HOME": str(root / "home"),
            "GIT_CONFIG_GLOBAL": str(root / "gitconfig"),
        }
        (root / "gitconfig").write_text(
            "[user]\n\tname = Bench\n\temail = bench@example.org\n[gc]\n\tauto = 0\n"
        )

        def run_am() -> float:
            git(plain, "checkout", "-q", "--detach", base)
            started = time.perf_counter()
            done = subprocess.run(
                ["git", "-C", str(plain), "am", "-q", str(mbox)], env=env, capture_output=True
            )
            elapsed = time.perf_counter() - started
            if done.returncode:
                sys.exit(done.stderr.decode())
            return elapsed

        def run_apply() -> float:
            subprocess.run(
                ["git", "-C", str(repo), "branch", "-q", "-D", "bench"], capture_output=True
            )
            started = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "reviewbot",
                    "apply",
                    str(mbox),
                    "--tree",
                    str(repo),
                    "--base",
                    base,
                    "--branch",
                    "bench",
                    "-q",
                ],
                env=env,
                capture_output=True,
            )
            elapsed = time.perf_counter() - started
            if done.returncode:
                sys.exit(done.stdout.decode() + done.stderr.decode())
            return elapsed

        run_am(), run_apply()
        am_times, apply_times, ratios = [], [], []
        for _ in range(args.rounds):
            a = run_am()
            b = run_apply()
            am_times.append(a)
            apply_times.append(b)
            ratios.append(b / a)
        commits = git(repo, "rev-list", "--count", f"{base}..bench").strip()
        print(f"tree: {FILES} files; series: {PATCHES} patches ({commits} commits on the branch)")
        print(
            f"git am (alone, full checkout)   median {statistics.median(am_times) * 1000:7.0f} ms"
        )
        print(
            "reviewbot apply (whole process) median "
            f"{statistics.median(apply_times) * 1000:7.0f} ms"
        )
        ratio = statistics.median(ratios)
        verdict = "meets" if ratio <= AIM else "MISSES"
        print(f"median ratio {ratio:.2f}x ({verdict} the aim of {AIM}x)")


if __name__ == "__main__":
    main()
