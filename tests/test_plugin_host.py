"""Loading plugins (entry points, a local directory, switches) and surviving bad ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import reviewbot
from reviewbot.findings import Finding, Severity
from reviewbot.hookspecs import hookimpl
from reviewbot.pluginmanager import PluginHost, load_plugins
from reviewbot.runchecks import run_checks, select_plugins
from tests.support.checking import SEED_ID, context_for, host_with, thread_from

ROOT = Path(__file__).resolve().parents[1]
BUILT_IN = ["gdt-sim", "hygiene", "perf-compare", "trailers", "xen-policy"]


class _Good:
    @hookimpl
    def check_patch(self) -> list[Finding]:
        return [Finding(Severity.INFO, "still here", code="good/here")]


class _Raises:
    @hookimpl
    def check_patch(self, patch: object) -> list[Finding]:
        raise KeyError("patch-number")


class _Hangs:
    def __init__(self) -> None:
        self.release = threading.Event()

    @hookimpl
    def check_series(self) -> list[Finding]:
        self.release.wait(30)
        return [Finding(Severity.INFO, "too late")]


class _Wrong:
    @hookimpl
    def check_series(self) -> object:
        return ["not a finding"]

    @hookimpl
    def check_patch(self) -> object:
        return 42


def test_a_raising_a_hanging_and_a_wrong_plugin_become_errors_and_the_rest_still_runs() -> None:
    hangs = _Hangs()
    host = host_with(
        (_Raises(), "raises"), (hangs, "hangs"), (_Wrong(), "wrong"), (_Good(), "good")
    )
    context = context_for(
        thread_from("seed-gdt.mbox", SEED_ID), host=host, overrides=["plugins.timeout=0.3"]
    )
    try:
        report = run_checks(host, context, ["raises", "hangs", "wrong", "good"])
    finally:
        hangs.release.set()
    lines = [(f.plugin, str(f.severity), f.patch, f.code, f.message) for f in report.findings]
    assert lines[0] == (
        "hangs",
        "error",
        None,
        "reviewbot/plugin-failed",
        "plugin hangs failed in check_series: did not finish within 0.3 s",
    )
    assert lines[1] == (
        "wrong",
        "error",
        None,
        "reviewbot/plugin-failed",
        "plugin wrong failed in check_series: returned 'not a finding', not a Finding",
    )
    assert lines[2][:4] == ("raises", "error", 1, "reviewbot/plugin-failed")
    assert lines[2][4].startswith(
        "plugin raises failed in check_patch: KeyError: 'patch-number' (test_plugin_host.py:"
    )
    assert lines[3] == (
        "wrong",
        "error",
        1,
        "reviewbot/plugin-failed",
        "plugin wrong failed in check_patch: returned int, not findings",
    )
    assert lines[4] == ("good", "info", 1, "good/here", "still here")
    assert len(lines) == 5


class _Misspelt:
    @hookimpl
    def chek_patch(self, patch: object) -> None:
        return None


class _BadArgument:
    @hookimpl
    def check_patch(self, patch: object, commit: str) -> None:
        return None


def test_a_misspelt_hook_or_an_unknown_argument_keeps_the_plugin_out_loudly() -> None:
    host = PluginHost()
    assert not host.register(_Misspelt(), "typo")
    assert not host.register(_BadArgument(), "bad-arg")
    assert host.register(_Good(), "good")
    assert host.names == ["good"]
    [typo, bad] = host.problems
    assert typo.name == "typo"
    assert typo.message.startswith(
        "implements unknown hook 'chek_patch' (misspelt?); reviewbot's hooks are check_patch, "
    )
    assert bad.name == "bad-arg"
    assert "commit" in bad.message and "check_patch" in bad.message
    assert not host.register(_Good(), "good")
    assert host.problems[-1].message == "a plugin named good is already loaded from registered"
    assert not host.register(_Good(), "Bad_Name")


def test_built_in_plugins_come_from_the_entry_points() -> None:
    host = load_plugins({})
    assert host.names == BUILT_IN
    for name in BUILT_IN:
        info = host.infos[name]
        assert (info.source, info.version, info.distribution) == (
            "built-in",
            reviewbot.__version__,
            "reviewbot",
        )
        assert info.module == "reviewbot_" + name.replace("-", "_")
        assert {"review_result"} <= set(info.hooks), name
        assert {"check_patch", "check_series"} & set(info.hooks), name
    assert host.problems == []


def test_load_and_block_switches() -> None:
    assert load_plugins({"REVIEWBOT_LOAD_PLUGINS": "trailers, hygiene"}).names == [
        "hygiene",
        "trailers",
    ]
    assert load_plugins({"REVIEWBOT_LOAD_PLUGINS": ""}).names == []
    assert load_plugins({"REVIEWBOT_BLOCK_PLUGINS": "xen-policy"}).names == [
        "gdt-sim",
        "hygiene",
        "perf-compare",
        "trailers",
    ]
    both = {"REVIEWBOT_LOAD_PLUGINS": "hygiene,trailers", "REVIEWBOT_BLOCK_PLUGINS": "hygiene"}
    assert load_plugins(both).names == ["trailers"]


LOCAL = """
from reviewbot.findings import Finding, Severity
from reviewbot.hookspecs import hookimpl


@hookimpl
def check_series(context):
    yield Finding(Severity.WARNING, "local rule", code="team/rule")
"""


def test_a_local_plugin_directory(tmp_path: Path) -> None:
    (tmp_path / "team_rules.py").write_text(LOCAL)
    (tmp_path / "broken.py").write_text("import not_a_module_anywhere\n")
    (tmp_path / "notes.txt").write_text("not a plugin")
    environ = {
        "REVIEWBOT_LOAD_PLUGINS": "team-rules,broken",
        "REVIEWBOT_PLUGINS_DIR": str(tmp_path),
    }
    host = load_plugins(environ)
    assert host.names == ["team-rules"]
    info = host.infos["team-rules"]
    assert (info.source, info.version, info.hooks) == ("local", None, ("check_series",))
    [problem] = host.problems
    assert problem.name == "broken"
    assert problem.message.startswith(
        f"cannot be imported from {tmp_path / 'broken.py'}: ModuleNotFoundError: "
        "No module named 'not_a_module_anywhere'"
    )
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID))
    [finding] = run_checks(host, context, select_plugins(host, [])).findings
    assert (finding.plugin, finding.code, finding.message) == (
        "team-rules",
        "team/rule",
        "local rule",
    )


def test_select_plugins_names_the_loaded_ones_when_one_is_unknown() -> None:
    host = load_plugins({})
    assert select_plugins(host, []) == tuple(BUILT_IN)
    assert select_plugins(host, ["trailers", "trailers"]) == ("trailers",)
    with pytest.raises(Exception, match=r"no plugin named nope is loaded") as raised:
        select_plugins(host, ["nope"])
    assert "pick from: gdt-sim, hygiene, perf-compare, trailers, xen-policy" in str(
        raised.value.hint
    )  # type: ignore[attr-defined]


# --- a third-party package, installed for real -------------------------------------------------


@pytest.fixture(scope="module")
def installed_example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """plugins/examples/reviewbot-todo built into a wheel and installed into its own dir."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-build-isolation",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(ROOT / "plugins" / "examples" / "reviewbot-todo"),
        ],
        check=True,
        capture_output=True,
    )
    yield target


def _reviewbot(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(site), **env}
    return subprocess.run(
        [sys.executable, "-m", "reviewbot", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=site,
        check=False,
    )


TODO_PATCH = """\
From: Jane Doe <jane@example.org>
To: xen-devel@lists.xenproject.org
Date: Mon, 1 Jul 2019 10:00:00 +0000
Subject: [PATCH] xen/common: add a helper
Message-ID: <todo-1@example.org>

Add a helper.

Signed-off-by: Jane Doe <jane@example.org>
---
 xen/common/helper.c | 3 +++
 1 file changed, 3 insertions(+)

diff --git a/xen/common/helper.c b/xen/common/helper.c
index 1111111..2222222 100644
--- a/xen/common/helper.c
+++ b/xen/common/helper.c
@@ -10,2 +10,5 @@ int helper(void)
 {
+    /* TODO: handle errors */
+    int rc = 0;
+    /* FIXME later */
     return 0;
"""


def test_the_example_package_is_found_through_its_entry_point(
    installed_example: Path, tmp_path: Path
) -> None:
    assert (installed_example / "reviewbot_todo-0.2.0.dist-info" / "entry_points.txt").exists()
    listed = _reviewbot(installed_example, "plugins", "--json")
    assert listed.returncode == 0, listed.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert list(plugins) == [*BUILT_IN, "todo"]
    assert plugins["todo"] == {
        "name": "todo",
        "version": "0.2.0",
        "source": "package",
        "distribution": "reviewbot-todo",
        "module": "reviewbot_todo",
        "hooks": [
            "check_patch",
            "check_series",
            "register_commands",
            "register_jobs",
            "register_panels",
            "register_settings",
            "reply_paragraphs",
            "reply_placeholders",
            "reply_template",
            "review_result",
        ],
    }
    mbox = tmp_path / "todo.mbox"
    mbox.write_text("From jane@example.org Mon Jul  1 10:00:00 2019\n" + TODO_PATCH)
    checked = _reviewbot(installed_example, "check", str(mbox), "--plugin", "todo", "--json")
    assert checked.returncode == 0, checked.stderr
    document = json.loads(checked.stdout)
    assert [(f["code"], f["line"], f["message"]) for f in document["findings"]] == [
        ("todo/marker", 11, "adds a TODO marker: /* TODO: handle errors */"),
        ("todo/marker", 13, "adds a FIXME marker: /* FIXME later */"),
    ]
    assert document["results"]["todo"]["words"] == ["TODO", "FIXME", "XXX"]
    own = _reviewbot(installed_example, "todo", str(mbox), "-c", "todo.words=FIXME")
    assert own.stdout.splitlines() == [
        "1: xen/common/helper.c:13: FIXME: /* FIXME later */",
        "1 marker(s)",
    ]
    blocked = _reviewbot(installed_example, "plugins", REVIEWBOT_BLOCK_PLUGINS="todo")
    assert "todo" not in blocked.stdout
    assert blocked.stdout.splitlines()[0].startswith("gdt-sim ")


def test_plugins_lists_failures_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "typo.py").write_text(
        "from reviewbot.hookspecs import hookimpl\n\n@hookimpl\ndef chek_patch(patch):\n    pass\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "reviewbot", "plugins"],
        capture_output=True,
        text=True,
        env={**os.environ, "REVIEWBOT_PLUGINS_DIR": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [*BUILT_IN, "typo"]
    assert lines[-1].startswith("typo          failed: implements unknown hook 'chek_patch'")
    assert result.stderr.startswith("reviewbot: plugin typo: implements unknown hook 'chek_patch'")


def test_commands_that_run_no_plugin_do_not_load_any(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from reviewbot.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "names = [m for m in sys.modules if m.startswith('reviewbot_') and '.' not in m]\n"
        "print(sorted(names), code)\n"
    )
    seed = str(ROOT / "fixtures" / "mail" / "seed-gdt.mbox")

    def loaded(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False
        )
        return done.stdout.splitlines()[-1]

    assert loaded("-c", "http.timeout=3", "fetch", seed, "-q", "--offline") == "[] 0"
    assert loaded("check", seed, "--plugin", "trailers", "-q") == (
        "['reviewbot_gdt_sim', 'reviewbot_hygiene', 'reviewbot_perf_compare', "
        "'reviewbot_trailers', 'reviewbot_xen_policy'] 0"
    )
