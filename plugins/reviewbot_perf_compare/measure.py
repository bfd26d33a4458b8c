"""Run a command alternately in two trees, recording each run's wall, CPU time and peak RSS.

The command runs through `/bin/sh -c` in its own session, so Ctrl-C reaches reviewbot only:
the running child is then killed with its whole process group and the interruption goes on
to the caller, which keeps every sample reported so far. Resource use comes from `wait4`,
which covers the command and every descendant it waited for.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from reviewbot.errors import ReviewbotError
from reviewbot.progress import Progress

BASE = "base"
SERIES = "series"
VARIANTS = (BASE, SERIES)
_STDERR_TAIL = 3


class CommandFailed(ReviewbotError):
    """The measured command exited non-zero: the figures would measure a failure."""


@dataclass(frozen=True)
class RunSample:
    """One run of the command: in which tree, which run it was, and what it cost."""

    variant: str
    index: int  # 1-based among the variant's recorded runs; warm-up runs count separately
    wall: float  # seconds
    user: float  # seconds of user CPU time, descendants included
    system: float  # seconds of system CPU time
    max_rss_kib: int  # peak resident set size of the largest process, KiB
    warmup: bool = False

    def to_json(self) -> dict[str, object]:
        """The sample as a plain dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> RunSample:
        """A sample read back from the store."""
        return cls(
            variant=str(data["variant"]),
            index=_int(data["index"]),
            wall=_float(data["wall"]),
            user=_float(data["user"]),
            system=_float(data["system"]),
            max_rss_kib=_int(data["max_rss_kib"]),
            warmup=bool(data.get("warmup", False)),
        )


@dataclass(frozen=True)
class Step:
    """One planned run."""

    variant: str
    index: int
    warmup: bool


def plan(runs: int, warmup: int, variants: Sequence[str] = VARIANTS) -> list[Step]:
    """`warmup` rounds, then `runs` rounds, each round running every variant once, in order."""
    steps = [Step(v, i, True) for i in range(1, warmup + 1) for v in variants]
    steps += [Step(v, i, False) for i in range(1, runs + 1) for v in variants]
    return steps


def measure(
    steps: Sequence[Step],
    trees: Mapping[str, Path],
    command: str,
    on_sample: Callable[[RunSample], None],
    progress: Progress,
    env: Mapping[str, str] | None = None,
) -> list[RunSample]:
    """Run every step in its variant's tree; `on_sample` sees each sample as it is taken."""
    progress.add_total(len(steps))
    taken: list[RunSample] = []
    for step in steps:
        sample = time_command(command, trees[step.variant], step, env)
        on_sample(sample)
        taken.append(sample)
        progress.advance()
    return taken


def time_command(
    command: str, cwd: Path, step: Step, env: Mapping[str, str] | None = None
) -> RunSample:
    """Run `command` once in `cwd` and measure it; CommandFailed on a non-zero exit."""
    environment = {**os.environ, **(env or {}), "REVIEWBOT_PERF_VARIANT": step.variant}
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            ["/bin/sh", "-c", command],
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
        try:
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:
            _kill_group(child)
            raise
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-_STDERR_TAIL:]
            said = f": {' | '.join(tail)}" if tail else ""
            raise CommandFailed(
                f"the command exited with status {child.returncode} in the {step.variant} "
                f"tree{said}",
                "fix the command (it runs with /bin/sh -c at the top of each tree)",
            )
    return RunSample(
        variant=step.variant,
        index=step.index,
        wall=wall,
        user=usage.ru_utime,
        system=usage.ru_stime,
        max_rss_kib=int(usage.ru_maxrss),
        warmup=step.warmup,
    )


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    """Stop the child and everything it started, and reap it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            break
        try:
            child.wait(timeout=2)
            return
        except subprocess.TimeoutExpired:
            continue


def _float(value: object) -> float:
    if isinstance(value, int | float):
        return float(value)
    raise ValueError(f"not a number: {value!r}")


def _int(value: object) -> int:
    if isinstance(value, int):
        return value
    raise ValueError(f"not a whole number: {value!r}")
