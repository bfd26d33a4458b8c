"""A 60-message thread from a loopback archive that delays every response by 50 ms.

The bound is ceil(60 / 8) x 50 ms = 400 ms (8 requests in flight); the aim is within 1.3x.
Needs Debian's mhonarc to build the archive.
"""

from __future__ import annotations

import io
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewbot.config import load_settings  # noqa: E402
from reviewbot.fetch import fetch  # noqa: E402
from reviewbot.mail import write_mboxrd  # noqa: E402
from reviewbot.progress import SilentProgress  # noqa: E402
from reviewbot.spec import parse_spec  # noqa: E402
from reviewbot.store import Store  # noqa: E402
from tests.support.faulty_server import FaultyServer  # noqa: E402

MESSAGES = 60
PATCHES = 10
DELAY = 0.05
RUNS = 7


def thread_mbox() -> bytes:
    """A cover letter, 10 patches and 49 replies spread over them, one July 2019 day."""
    rng = random.Random(60)
    start = datetime(2019, 7, 10, 9, 0, tzinfo=UTC)
    ids: list[str] = []
    raws: list[bytes] = []
    for n in range(MESSAGES):
        mid = f"bench.{n}@example.org"
        if n == 0:
            subject, parent = f"[PATCH 0/{PATCHES}] x86: benchmark series", None
        elif n <= PATCHES:
            subject, parent = f"[PATCH {n}/{PATCHES}] x86: step {n}", ids[0]
        else:
            parent = ids[rng.randrange(1, n)]
            subject = "Re: " + next(s for s, i in zip(subjects, ids, strict=True) if i == parent)
        head = [
            f"From: Dev {n % 7} <dev{n % 7}@example.org>",
            f"Subject: {subject}",
            f"Date: {format_datetime(start + timedelta(minutes=n))}",
            f"Message-ID: <{mid}>",
        ]
        if parent:
            head += [f"In-Reply-To: <{parent}>", f"References: <{ids[0]}> <{parent}>"]
        raws.append(("\n".join(head) + f"\n\nMessage {n} of the benchmark thread.\n").encode())
        ids.append(mid)
        subjects.append(subject.removeprefix("Re: ") if n > PATCHES else subject)
    out = io.BytesIO()
    write_mboxrd(raws, out)
    return out.getvalue()


subjects: list[str] = []


def build_archive(directory: Path) -> Path:
    month = directory / "xen-devel" / "2019-07"
    month.mkdir(parents=True)
    mbox = directory / "thread.mbox"
    mbox.write_bytes(thread_mbox())
    rc = ROOT / "fixtures" / "mhonarc" / "xen-archive.rc"
    subprocess.run(
        ["mhonarc", "-quiet", "-rcfile", str(rc), "-outdir", str(month), str(mbox)], check=True
    )
    return directory


def main() -> None:
    """Fetch the thread RUNS times into fresh stores and compare the median with the bound."""
    if shutil.which("mhonarc") is None:
        sys.exit("needs mhonarc (apt-get install mhonarc)")
    bound = math.ceil(MESSAGES / 8) * DELAY
    settings = load_settings(["lore_url="])
    times: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        archive = build_archive(Path(scratch) / "archive")
        # The server runs in its own process, as a real one would: it must not share our GIL.
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(archive)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None and server.stdin is not None
        base = server.stdout.readline().strip()
        url = f"{base}/archives/html/xen-devel/2019-07/msg00030.html"
        try:
            for run in range(RUNS):
                with Store.open(Path(scratch) / f"store{run}.sqlite3") as store:
                    began = time.perf_counter()
                    result = fetch(parse_spec(url), settings, store, SilentProgress())
                    times.append(time.perf_counter() - began)
                assert len(result.thread.messages) == MESSAGES, len(result.thread.messages)
        finally:
            server.stdin.close()
            stats = server.stdout.read().split()
            server.wait()
    requests, in_flight = int(stats[0]) // RUNS, int(stats[1])
    median = statistics.median(times)
    print(
        f"{MESSAGES}-message thread, {DELAY * 1000:.0f} ms per response, {RUNS} runs: "
        f"median {median * 1000:.0f} ms (min {min(times) * 1000:.0f} ms); "
        f"bound ceil(60/8) x 50 ms = {bound * 1000:.0f} ms; ratio {median / bound:.2f} "
        f"(aim <= 1.3); {requests} requests per fetch, at most {in_flight} in flight"
    )


def serve(archive: Path) -> None:
    """Child process: serve `archive` with the delay until stdin closes; print the counts."""
    with FaultyServer() as server:
        server.mount("/archives/html/", archive)
        server.delay = DELAY
        print(server.base_url, flush=True)
        sys.stdin.read()
        print(len(server.log), server.max_in_flight, flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(Path(sys.argv[2]))
    else:
        main()
