"""`reviewbot demo` in a real terminal (tmux), read off the screen as a person would see it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.support.tmux import tmux_pane
from tests.support.tools import require_tools

TITLE = "x86/ctxt-switch: Document and improve GDT handling"


def test_demo_opens_the_tui_and_goes_from_series_to_checks_to_reply(
    isolated_home: Path, tmp_path: Path
) -> None:
    require_tools("tmux", "tmux")
    env = {
        "REVIEWBOT_HOME": str(isolated_home),
        "REVIEWBOT_USER_NAME": "Rita Reviewer",
        "REVIEWBOT_USER_EMAIL": "rita@example.org",
        "TERM": "xterm-256color",
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
    }
    with tmux_pane([sys.executable, "-m", "reviewbot", "demo"], tmp_path, env, (100, 30)) as pane:
        series = pane.wait_for("1/1  0  2 (+2)  1 (+1)", timeout=60)  # patch 1: A, R, T
        assert TITLE in series
        assert "Andrew Cooper" in series
        assert "versions: [v1]" in series and "no trailer problems" in series
        pane.send("c")  # apply to the sample tree and run every check
        checks = pane.wait_for("Performance", timeout=90)
        assert "GDT simulator" in checks
        assert "warning (3)" in checks and "info (10)" in checks
        pane.send("P")
        perf = pane.wait_for("no spread posted", timeout=20)
        assert "elapsed" in perf
        pane.send("r")  # the review reply, drafted with the findings
        reply = pane.wait_for("Subject: Re: [PATCH] x86/ctxt-switch", timeout=60)
        assert "To: Andrew Cooper <andrew.cooper3@citrix.com>" in reply
        # typed and saved at once: the save waits for the text typed before it
        pane.send("-l", "Hi Andrew, one question below.")
        pane.send("Enter", "C-s")
        saved = pane.wait_for("--suppress-cc=self", timeout=20)  # the toast says how to send it
        assert "git send-email" in saved
        pane.send("Escape")  # back to the checks (Escape then q at once would read as alt+q)
        pane.wait_for("Findings  GDT simulator  Performance", timeout=20)
        pane.send("q")
        pane.wait_for("EXIT=0", timeout=20)
    written = sorted(p.name for p in tmp_path.glob("*.eml"))
    assert written == ["re-ctxt-switch-gdt-v1-p1-review.eml"]
    mail = (tmp_path / written[0]).read_bytes()
    assert b"From: Rita Reviewer <rita@example.org>" in mail
    assert b"\n\nHi Andrew, one question below.\n" in mail  # the body starts with it


def test_keys_typed_ahead_of_enter_pick_the_row_enter_opens(
    isolated_home: Path, tmp_path: Path
) -> None:
    """Down Down Enter arriving at once (as from a fast typist or a script) opens the third
    thread of a file holding three, not the row the cursor was on when Enter arrived."""
    require_tools("tmux", "tmux")
    mail = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
    saved = tmp_path / "saved.mbox"
    saved.write_bytes(
        b"".join(
            (mail / name).read_bytes()
            for name in ("seed-gdt.mbox", "series-vpci.mbox", "noise-docs.mbox")
        )
    )
    env = {
        "REVIEWBOT_HOME": str(isolated_home),
        "TERM": "xterm-256color",
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
    }
    command = [sys.executable, "-m", "reviewbot", "tui", str(saved)]
    with tmux_pane(command, tmp_path, env, (100, 30)) as pane:
        listed = pane.wait_for(f"file · {saved} · 3 threads", timeout=60)
        assert listed.index("docs/misc") < listed.index("x86/vpci") < listed.index("x86/ctxt")
        pane.send("Down", "Down", "Enter")
        series = pane.wait_for("versions: [v1]", timeout=60)
        assert TITLE in series
        pane.send("q")
        pane.wait_for("EXIT=0", timeout=20)
