"""What running the plugins costs: `reviewbot check` of the seed, in process and as a process.

Medians over --runs runs of:
- the three built-in plugins over the seed thread (mail only) through `run_checks`, each hook
  call in its own worker thread with the `plugins.timeout` guard, against the same plugins'
  hook functions called directly (the guard's overhead);
- loading the plugins (entry points, imports, check_pending) in a fresh interpreter;
- `reviewbot check seed-gdt.mbox` and `reviewbot check … --tree SAMPLE` as whole processes.
Nothing here asserts on speed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_seconds

from reviewbot.pluginmanager import load_plugins
from reviewbot.runchecks import run_checks, select_plugins
from reviewbot.sampletree import create_sample_tree
from tests.support.checking import FIXTURES, SEED_ID, context_for, thread_from

SEED = FIXTURES / "mail" / "seed-gdt.mbox"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    host = load_plugins({})
    plugins = select_plugins(host, [])
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID), host=host)

    def guarded() -> object:
        return run_checks(host, context, plugins)

    def direct() -> object:
        """The hooks each plugin implements, called in this thread without a time limit."""
        for name in plugins:
            module = host.manager.get_plugin(name)
            if hasattr(module, "review_result"):
                module.review_result(context=context)
            if hasattr(module, "check_series"):
                list(module.check_series(context=context) or ())
            if hasattr(module, "check_patch"):
                for patch in context.review.patches:
                    list(module.check_patch(patch=patch, context=context) or ())
        return None

    rows = [
        (
            f"run_checks, {len(plugins)} plugins, seed (guarded calls)",
            median_seconds(guarded, runs),
        ),
        ("the same hooks called directly", median_seconds(direct, runs)),
    ]
    load = [
        sys.executable,
        "-c",
        "from reviewbot.pluginmanager import load_plugins; load_plugins()",
    ]
    bare = [sys.executable, "-c", "import reviewbot.cli"]
    rows.append(
        (
            "import reviewbot.cli (fresh process)",
            median_seconds(lambda: subprocess.run(bare, check=True), runs),
        )
    )
    rows.append(
        (
            "+ load the plugins (fresh process)",
            median_seconds(lambda: subprocess.run(load, check=True), runs),
        )
    )
    with tempfile.TemporaryDirectory() as scratch:
        tree = create_sample_tree(Path(scratch) / "xen")
        command = [sys.executable, "-m", "reviewbot", "check", str(SEED), "-q"]

        def env_run(args: list[str]) -> None:
            done = subprocess.run(args, check=False, capture_output=True, text=True)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")

        rows.append(
            ("reviewbot check SEED (process)", median_seconds(lambda: env_run(command), runs))
        )
        with_tree = [*command, "--tree", str(tree)]
        rows.append(
            (
                "reviewbot check SEED --tree (process)",
                median_seconds(lambda: env_run(with_tree), runs),
            )
        )
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:8.1f} ms")
    print(f"guard overhead ratio: {rows[0][1] / rows[1][1]:.2f}x")


if __name__ == "__main__":
    main()
