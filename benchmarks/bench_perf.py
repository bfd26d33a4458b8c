"""What the perf-compare plugin costs: extraction, statistics, and `perf run`'s overhead per run.

Medians over --runs runs of:
- `extract_thread` on the seed thread, and on a generated 500-message thread where every reply
  quotes the whole seed patch and a quarter of them post a table of their own;
- `compare` (Student's t as ministat computes it) on 1,000 + 1,000 samples, against the real
  `ministat -A` on the same two files as a process (when it is installed);
- timing `true` with `time_command` (fork, exec of /bin/sh, wait4) against `subprocess.run`
  of the same shell command, i.e. what measuring adds to every run of `perf run`;
- `reviewbot perf seed-gdt.mbox` as a whole process.
Nothing here asserts on speed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from reviewbot_perf_compare.extract import extract_thread
from reviewbot_perf_compare.measure import BASE, Step, time_command
from reviewbot_perf_compare.stats import Summary, compare
from timing import median_seconds

from reviewbot.models import Message
from reviewbot.threads import Thread, thread_of
from tests.support.checking import FIXTURES, SEED_ID, thread_from

SEED = FIXTURES / "mail" / "seed-gdt.mbox"


def big_thread(replies: int) -> Thread:
    """The seed patch and `replies` replies quoting it, every fourth with a table of its own."""
    seed = thread_from("seed-gdt.mbox", SEED_ID)
    patch = seed.messages[SEED_ID]
    quoted = "".join(f"> {line}\n" for line in patch.email().get_content().splitlines())
    messages = [patch]
    for n in range(replies):
        table = ""
        if n % 4 == 0:
            table = (
                f"\nAverage of {3 + n % 5} runs:\n\n          elapsed  user   system\n"
                f"Unpatched  {60 + n % 7}.51  232.93  109.21\nPatched    57.{n % 90:02d}  "
                "225.47  105.47\n"
            )
        raw = (
            f"From: Reviewer {n} <r{n}@example.org>\nTo: xen-devel@lists.xenproject.org\n"
            f"Date: Fri, 5 Jul 2019 {n // 60 % 24:02d}:{n % 60:02d}:00 +0000\n"
            f"Message-ID: <reply-{n}@example.org>\nIn-Reply-To: <{SEED_ID}>\n"
            f"References: <{SEED_ID}>\nSubject: Re: {patch.subject}\n\n"
            f"On 04.07.19 19:57, Andrew Cooper wrote:\n{quoted}{table}\nThanks.\n"
        ).encode()
        messages.append(Message.from_raw(raw, "bench", pristine=True))
    return thread_of(messages, SEED_ID, "bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    seed = thread_from("seed-gdt.mbox", SEED_ID)
    big = big_thread(499)
    rows = [
        ("extract_thread, seed (4 messages)", median_seconds(lambda: extract_thread(seed), runs)),
        ("extract_thread, 500 messages", median_seconds(lambda: extract_thread(big), runs)),
    ]
    generator = random.Random(1)
    before = [generator.gauss(66.5, 0.4) for _ in range(1000)]
    after = [generator.gauss(57.0, 0.3) for _ in range(1000)]
    ours = median_seconds(lambda: compare(Summary.of(before), Summary.of(after)), runs)
    rows.append(("compare, 1,000 + 1,000 samples (in process)", ours))
    with tempfile.TemporaryDirectory() as scratch:
        a, b = Path(scratch) / "a", Path(scratch) / "b"
        a.write_text("".join(f"{x!r}\n" for x in before))
        b.write_text("".join(f"{x!r}\n" for x in after))
        if shutil.which("ministat"):
            command = ["ministat", "-A", str(a), str(b)]
            rows.append(
                (
                    "ministat -A on the same files (a process)",
                    median_seconds(lambda: subprocess.run(command, capture_output=True), runs),
                )
            )
        step = Step(BASE, 1, False)
        timed = median_seconds(lambda: time_command("true", Path(scratch), step), runs * 5)
        plain = median_seconds(
            lambda: subprocess.run(["/bin/sh", "-c", "true"], cwd=scratch, check=True), runs * 5
        )
        rows.append(("time_command('true'): one measured run", timed))
        rows.append(("subprocess.run(sh -c true): the same run unmeasured", plain))
    whole = [sys.executable, "-m", "reviewbot", "perf", str(SEED), "-q"]
    rows.append(
        (
            "reviewbot perf seed-gdt.mbox (whole process)",
            median_seconds(lambda: subprocess.run(whole, capture_output=True, check=True), runs),
        )
    )
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:9.2f} ms")
    print(f"measuring overhead per run: {(timed - plain) * 1000:+.2f} ms ({timed / plain:.2f}x)")


if __name__ == "__main__":
    main()
