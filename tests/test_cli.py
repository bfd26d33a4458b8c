"""The command line: one-line errors, exit codes, no traceback, nothing written on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewbot import __version__
from reviewbot.cli import main
from tests.support.mails import raw_mail


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewbot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("what-is-this", "cannot tell what 'what-is-this' is"),
        ("./missing/thread.mbox", "no such file or directory"),
        ("<not an id>", "invalid Message-ID"),
        ("ftp://example.org/x", "unsupported URL scheme 'ftp'"),
        ("https://example.org/some/page", "unrecognised URL"),
    ],
)
def test_bad_specs_get_one_line_and_exit_2(spec: str, fragment: str) -> None:
    done = _run("fetch", spec)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reviewbot: error: ")
    assert fragment in lines[0]
    assert "Traceback" not in done.stderr


def test_a_file_that_is_not_mail_leaves_no_store(tmp_path: Path, isolated_home: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting notes\n")
    done = _run("fetch", str(notes))
    assert done.returncode == 2 and "is not mail" in done.stderr
    assert not (isolated_home / "data" / "store.sqlite3").exists()


def test_offline_without_a_store_says_what_to_do(isolated_home: Path) -> None:
    done = _run("fetch", "--offline", "<a@example.com>")
    assert done.returncode == 2
    assert "no local store" in done.stderr and "without --offline" in done.stderr


def test_local_thread_to_json_and_mbox_then_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box = tmp_path / "t.mbox"
    box.write_bytes(
        b"From x Thu Jan  1 00:00:00 1970\n"
        + raw_mail("a@x", "[PATCH] p")
        + b"\nFrom x Thu Jan  1 00:00:00 1970\n"
        + raw_mail("b@x", "Re: [PATCH] p", parent="a@x")
    )
    out = tmp_path / "copy.mbox"
    assert main(["fetch", str(box), "--json", "-o", str(out)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["root"] == "a@x"
    assert [m["message_id"] for m in document["messages"]] == ["a@x", "b@x"]
    assert document["messages"][1]["in_reply_to"] == "a@x"
    assert document["messages"][0]["source"] == str(box)
    assert document["messages"][0]["pristine"] is True
    assert out.read_bytes().count(b"From mboxrd@z") == 2
    assert main(["fetch", "--offline", "b@x"]) == 0
    tree = capsys.readouterr().out
    assert "[PATCH] p" in tree and "Re: [PATCH] p" in tree


def test_output_into_a_missing_directory_is_refused_before_fetching(tmp_path: Path) -> None:
    box = tmp_path / "t.mbox"
    box.write_bytes(b"From x Thu Jan  1 00:00:00 1970\n" + raw_mail("a@x", "p"))
    done = _run("fetch", str(box), "-o", str(tmp_path / "nope" / "out.mbox"))
    assert done.returncode == 2 and "no directory" in done.stderr


def test_settings_errors_are_one_line() -> None:
    done = _run("-c", "http.timeout=soon", "fetch", "a@example.com")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "reviewbot: error: -c: http.timeout must be a number, not 'soon'; "
        "fix the value of http.timeout"
    )


def test_help_and_fetch_never_import_textual(tmp_path: Path) -> None:
    box = tmp_path / "t.mbox"
    box.write_bytes(b"From x Thu Jan  1 00:00:00 1970\n" + raw_mail("a@x", "p"))
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['reviewbot', 'fetch', '-q', sys.argv[1]]\n"
        "try:\n    runpy.run_module('reviewbot', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('textual' in sys.modules, 'rich' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(box)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "False False"


def test_the_core_imports_without_textual() -> None:
    probe = (
        "import sys\n"
        "import reviewbot.fetch, reviewbot.crawl, reviewbot.http, reviewbot.lore\n"
        "import reviewbot.archive.page, reviewbot.archive.rebuild, reviewbot.archive.index\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_version_loads_no_plugin() -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['reviewbot', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('reviewbot', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('reviewbot_')))\n"
    )
    for args in (["--version"], ["-c", "http.timeout=3", "-q", "--version"]):
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True
        )
        assert done.stdout.splitlines() == [f"reviewbot {__version__}", "[]"], args
        assert done.stderr == ""


#: Per built-in plugin, a module of its implementation that registering it must not import.
_HEAVY = {
    "reviewbot_gdt_sim": "reviewbot_gdt_sim.result",
    "reviewbot_hygiene": "reviewbot_hygiene.patchcheck",
    "reviewbot_perf_compare": "reviewbot_perf_compare.result",
    "reviewbot_trailers": "reviewbot_trailers.checks",
    "reviewbot_xen_policy": "reviewbot_xen_policy.review",
}


@pytest.mark.parametrize("package", sorted(_HEAVY))
def test_loading_a_built_in_plugin_imports_none_of_its_checks(package: str) -> None:
    probe = (
        "import importlib, sys\n"
        "plugin = importlib.import_module(sys.argv[1])\n"
        "for hook in ('register_settings', 'register_commands', 'register_panels',\n"
        "             'register_jobs'):\n"
        "    getattr(plugin, hook, lambda register: None)(lambda item: None)\n"
        "print(sorted(m for m in sys.argv[2:] if m in sys.modules))\n"
    )
    heavy = ["git", "reviewbot.attribution", "reviewbot.checkcontext", _HEAVY[package]]
    done = subprocess.run(
        [sys.executable, "-c", probe, package, *heavy], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_options_before_and_after_the_command_add_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["-c", "http.timeout=3", "config", "-c", "http.retries=1"]) == 0
    shown = capsys.readouterr().out
    assert "http.timeout = 3.0" in shown and "http.retries = 1" in shown
