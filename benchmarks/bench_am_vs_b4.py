"""`reviewbot am` against `b4 am` as whole processes on the same local thread (aim: ≤ 0.5× b4).

Both run offline from the fixture mailbox, from this interpreter's own scripts (no version
manager shim in front of either), with HOME, the XDG directories and git's global config pointed
at a scratch directory. Runs alternate (reviewbot, b4, reviewbot, ...) so drift hits both alike.
When the aim is missed (or with `--profile`) it then shows where reviewbot's time goes: start-up
against imports against the command itself, `-X importtime` summed by package, and cProfile of
the command after its imports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

MAIL = Path(__file__).resolve().parent.parent / "fixtures" / "mail"
THREADS = (
    ("seed-gdt.mbox", "20190704175732.5943-1-andrew.cooper3@citrix.com"),
    ("series-vpci.mbox", "20190715102537.32081-1-roger.pau@citrix.com"),
)
ROUNDS = 15
AIM = 0.5


def script(name: str) -> list[str]:
    """A console script run by this interpreter directly, else whatever PATH has."""
    path = Path(sysconfig.get_path("scripts")) / name
    if path.is_file():
        return [sys.executable, str(path)]
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed: pip install -e '.[test]'")
    return [found]


def scratch_environ(root: Path) -> dict[str, str]:
    """Nothing of the user's configuration, cache or store reaches either tool."""
    for name in ("home", "cache", "config", "data", "reviewbot"):
        (root / name).mkdir()
    gitconfig = root / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Bench\n\temail = bench@example.org\n")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "XDG_"))}
    environ.update(
        HOME=str(root / "home"),
        XDG_CACHE_HOME=str(root / "cache"),
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_DATA_HOME=str(root / "data"),
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        REVIEWBOT_HOME=str(root / "reviewbot"),
        REVIEWBOT_LORE_URL="",
    )
    return environ


def commands(mbox: str, msgid: str, root: Path) -> tuple[list[str], list[str]]:
    ours = [*script("reviewbot"), "am", str(MAIL / mbox), "--msgid", msgid]
    ours += ["-o", str(root / "reviewbot.mbx"), "-q"]
    theirs = [*script("b4"), "--offline-mode", "am", "-m", str(MAIL / mbox)]
    theirs += ["-o", str(root / "b4-out"), msgid]
    return ours, theirs


def timed(command: list[str], environ: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=environ, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{command[1]} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed


def measure(mbox: str, msgid: str, rounds: int) -> tuple[list[float], list[float]]:
    """Alternating runs, after one warm-up run of each (page cache, .pyc files)."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        environ = scratch_environ(root)
        ours, theirs = commands(mbox, msgid, root)
        timed(ours, environ, root)
        timed(theirs, environ, root)
        our_times, their_times = [], []
        for _ in range(rounds):
            our_times.append(timed(ours, environ, root))
            their_times.append(timed(theirs, environ, root))
    return our_times, their_times


# Run in a fresh interpreter: the time to import what `reviewbot am` needs, then the command.
_SPLIT = """
import contextlib, io, sys, time
began = time.perf_counter()
import reviewbot.cli, reviewbot.commands.am
imported = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    reviewbot.cli.main(sys.argv[1:])
done = time.perf_counter()
print(f"{(imported - began) * 1000:.1f} {(done - imported) * 1000:.1f}")
"""

# The same, with the command (not the imports) under cProfile.
_PROFILE = """
import contextlib, cProfile, io, pstats, sys
import reviewbot.cli, reviewbot.commands.am
profiler = cProfile.Profile()
with contextlib.redirect_stdout(io.StringIO()):
    profiler.runcall(reviewbot.cli.main, sys.argv[1:])
stats = pstats.Stats(profiler)
stats.sort_stats("cumulative").print_stats(r"reviewbot/|email/(parser|headerregistry)", 22)
"""


def profile(mbox: str, msgid: str) -> None:
    """Where `reviewbot am` spends its time: start-up, imports (by package), the command."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        environ = scratch_environ(root)
        args = ["am", str(MAIL / mbox), "--msgid", msgid, "-o", str(root / "p.mbx"), "-q"]

        def python(*options: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, *options],
                env=environ,
                cwd=root,
                capture_output=True,
                text=True,
                check=False,
            )

        print(f"\n== reviewbot am {mbox}: where the time goes (medians of 5 fresh processes)")
        bare = statistics.median(
            timed([sys.executable, "-c", "pass"], environ, root) for _ in range(5)
        )
        splits = [python("-c", _SPLIT, *args).stdout.split() for _ in range(5)]
        imports = statistics.median(float(s[0]) for s in splits)
        command = statistics.median(float(s[1]) for s in splits)
        print(f"  python -c pass (interpreter and site): {bare * 1000:6.1f} ms")
        print(f"  import reviewbot.cli + commands.am:    {imports:6.1f} ms")
        print(f"  the command itself (cli.main):         {command:6.1f} ms")

        trace = python("-X", "importtime", "-m", "reviewbot", *args).stderr
        by_package: dict[str, int] = {}
        for line in trace.splitlines():
            if not line.startswith("import time:") or "[us]" in line:
                continue
            own, _, name = line.removeprefix("import time:").split("|")
            module = name.strip()
            key = module if module.startswith("reviewbot") else module.split(".")[0]
            by_package[key] = by_package.get(key, 0) + int(own)
        total = sum(by_package.values())
        print(
            f"  -X importtime: {total / 1000:.0f} ms of imports in all; most self time by package:"
        )
        for key, microseconds in sorted(by_package.items(), key=lambda item: -item[1])[:14]:
            print(f"    {microseconds / 1000:6.1f} ms  {key}")
        chains = [
            line for line in trace.splitlines() if line.rstrip().endswith((" bs4", " asyncio"))
        ]
        for line in chains:
            _, cumulative, name = line.removeprefix("import time:").split("|")
            print(f"    {int(cumulative) / 1000:6.1f} ms  {name.strip()} with what it imports")

        print("  cProfile of the command (imports done before), by cumulative time:")
        report = python("-c", _PROFILE, *args).stdout
        rows = [line for line in report.splitlines() if line.strip()]
        start = next((i for i, line in enumerate(rows) if "ncalls" in line), 0)
        for line in rows[start:]:
            print("    " + line.replace(str(Path(__file__).resolve().parent.parent) + "/", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument(
        "--profile", action="store_true", help="show where reviewbot's time goes even if fast"
    )
    options = parser.parse_args()
    rows = []
    for mbox, msgid in THREADS:
        our_times, their_times = measure(mbox, msgid, options.rounds)
        ratios = [ours / theirs for ours, theirs in zip(our_times, their_times, strict=True)]
        rows.append(
            (
                mbox,
                statistics.median(our_times),
                statistics.median(their_times),
                statistics.median(ratios),
            )
        )
    rounds = options.rounds
    print(f"reviewbot am vs b4 am, whole processes, {rounds} alternating rounds each (medians)")
    print(f"{'thread':<20} {'reviewbot':>10} {'b4':>10} {'ratio':>7}  aim ≤ {AIM:.2f}")
    for mbox, ours, theirs, ratio in rows:
        verdict = "met" if ratio <= AIM else "missed"
        print(
            f"{mbox:<20} {ours * 1000:>7.0f} ms {theirs * 1000:>7.0f} ms {ratio:>7.2f}  {verdict}"
        )
    if options.profile or any(ratio > AIM for *_, ratio in rows):
        for mbox, msgid in THREADS:
            profile(mbox, msgid)


if __name__ == "__main__":
    main()
