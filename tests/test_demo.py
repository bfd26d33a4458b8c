"""`reviewbot demo`: the whole job on the bundled example, as a new user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_demo_fetches_the_seed_and_collects_its_trailers(isolated_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reviewbot", "demo", "-q"],
        capture_output=True,
        text=True,
        env={**os.environ, "REVIEWBOT_HOME": str(isolated_home)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(
        line.startswith("P [Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT")
        and "[A:0 R:2 T:1]" in line
        for line in lines
    )
    trailers = [line.strip() for line in lines if line.startswith("      ")]
    assert [t.split("  (")[0] for t in trailers] == [
        "Signed-off-by: Andrew Cooper <andrew.cooper3@citrix.com>",
        "+ Tested-by: Juergen Gross <jgross@suse.com>",
        "+ Reviewed-by: Juergen Gross <jgross@suse.com>",
        "+ Reviewed-by: Jan Beulich <jbeulich@suse.com>",
    ]
    assert "unmasked from the sender's From" in trailers[-1]
    assert not (isolated_home / "data").exists()  # the demo keeps its store in a scratch dir
