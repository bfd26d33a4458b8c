"""One test per hook in reviewbot/hookspecs.py, each driving real plugins through the host."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import re
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewbot import hookspecs
from reviewbot.attribution import PatchReview
from reviewbot.checkcontext import CheckContext
from reviewbot.cli import main
from reviewbot.config import load_settings
from reviewbot.errors import ConfigError
from reviewbot.extensions import JobSpec, PanelSpec, SettingSpec
from reviewbot.findings import Finding, Severity
from reviewbot.hookspecs import hookimpl
from reviewbot.identity import Person
from reviewbot.jobs import Cancelled, JobProgress
from reviewbot.pluginmanager import PluginHost
from reviewbot.progress import Progress
from reviewbot.replydraft import ReplyRequest, draft_reply
from reviewbot.replyhooks import (
    PluginTemplate,
    ReplyParagraph,
    plugin_placeholders,
    plugin_template,
    reply_paragraphs,
)
from reviewbot.replytemplate import PLACEHOLDERS
from reviewbot.runchecks import run_checks
from tests.support.checking import SEED_ID, context_for, host_with, thread_from

VPCI_V2 = "20190719144812.4455-1-roger.pau@citrix.com"
ROOT = Path(__file__).resolve().parents[1]


def _hooks() -> list[str]:
    return sorted(
        name
        for name, value in vars(hookspecs).items()
        if callable(value) and hasattr(value, f"{hookspecs.PROJECT}_spec")
    )


def test_every_hook_is_documented_with_its_signature_and_has_a_test() -> None:
    readme = (ROOT / "plugins" / "README.md").read_text()
    here = Path(__file__).read_text()
    for name in _hooks():
        arguments = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
        assert f"### {name}({arguments})" in readme, name
        assert f"def test_hook_{name}(" in here, name
        assert getattr(hookspecs, name).__doc__.count("\n") == 0, f"{name}: one-line docstring"
    assert _hooks() == [
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
    ]


# --- register_settings -------------------------------------------------------------------------


class _Settings:
    @hookimpl
    def register_settings(self, register: Callable[[SettingSpec], None]) -> None:
        register(SettingSpec("demo.limit", 3, "how many"))
        register(SettingSpec("demo.strict", False, "be strict"))
        register(SettingSpec("other.key", "x", "not ours"))

    @hookimpl
    def check_series(self, context: CheckContext) -> Iterator[Finding]:
        limit, strict = context.setting("demo.limit"), context.setting("demo.strict")
        yield Finding(Severity.INFO, f"limit={limit!r} strict={strict!r}", code="demo/settings")


def test_hook_register_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with((_Settings(), "demo"))
    specs = host.settings()
    assert [s.key for s in specs] == ["demo.limit", "demo.strict"]
    assert [(p.name, p.message) for p in host.problems] == [
        ("demo", "setting other.key must start with demo.")
    ]
    thread = thread_from("seed-gdt.mbox", SEED_ID)

    def said(**options: object) -> str:
        context = context_for(thread, host=host, **options)  # type: ignore[arg-type]
        return run_checks(host, context, ["demo"]).findings[0].message

    assert said() == "limit=3 strict=False"
    assert said(overrides=["demo.limit=7", "demo.strict=yes"]) == "limit=7 strict=True"
    monkeypatch.setenv("REVIEWBOT_DEMO_LIMIT", "9")
    assert said() == "limit=9 strict=False"
    config = tmp_path / "reviewbot.toml"
    config.write_text("[demo]\nstrict = true\n[not-loaded]\nanything = 1\n")
    settings = load_settings([], config_path=config, plugin_settings=specs)
    assert (settings.value("demo.strict"), settings.value("demo.limit")) == (True, 9)
    with pytest.raises(Exception, match=r"-c: demo.limit must be a number, not 'many'"):
        load_settings(["demo.limit=many"], plugin_settings=specs)
    with pytest.raises(Exception, match=r"-c: unknown setting 'demo.nope'"):
        load_settings(["demo.nope=1"], plugin_settings=specs)


# --- register_commands -------------------------------------------------------------------------

SHOUT_PLUGIN = """
from reviewbot.extensions import CommandSpec
from reviewbot.hookspecs import hookimpl


@hookimpl
def register_commands(register):
    def arguments(parser):
        parser.add_argument("word")
        parser.add_argument("--times", type=int, default=1)

    def run(args):
        print(" ".join([args.word.upper()] * args.times))
        return 3

    register(CommandSpec("shout", "print a word loudly", arguments, run))
    register(CommandSpec("fetch", "steal a built-in name", arguments, run))
"""


def test_hook_register_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "loud.py").write_text(SHOUT_PLUGIN)
    monkeypatch.setenv("REVIEWBOT_PLUGINS_DIR", str(tmp_path))
    assert main(["shout", "hello", "--times", "2"]) == 3
    out, err = capsys.readouterr()
    assert out == "HELLO HELLO\n"
    assert err == "reviewbot: plugin loud: command 'fetch' is already taken\n"
    with pytest.raises(SystemExit):
        main(["--help"])
    assert re.search(r"shout\s+print a word loudly \[plugin loud\]", capsys.readouterr().out)


# --- register_panels ---------------------------------------------------------------------------


class _Panels:
    @hookimpl
    def register_panels(self, register: Callable[[PanelSpec], None]) -> None:
        def build(context: CheckContext, result: object | None) -> object:
            from textual.widgets import Static

            return Static(f"{len(context.review.patches)} patch, result {result!r}", id="size")

        register(PanelSpec("size", "Size", build, where="patch"))  # type: ignore[arg-type]

    @hookimpl
    def review_result(self) -> dict[str, int]:
        return {"answer": 42}


def test_hook_register_panels() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    host = host_with((_Panels(), "panels"))
    [(plugin, panel)] = host.panels()
    assert (plugin, panel.id, panel.title, panel.where) == ("panels", "size", "Size", "patch")
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID), host=host)
    report = run_checks(host, context, ["panels"])
    widget = panel.build(context, report.results["panels"])

    class Shell(App[None]):
        def compose(self) -> ComposeResult:
            yield widget

    async def shown() -> str:
        app = Shell()
        async with app.run_test(size=(60, 10)) as pilot:
            await pilot.pause()
            return str(app.query_one("#size", Static).render())

    assert asyncio.run(shown()) == "1 patch, result {'answer': 42}"
    with pytest.raises(ValueError, match="panel place 'sidebar'"):
        PanelSpec("x", "X", panel.build, where="sidebar")


# --- register_jobs -----------------------------------------------------------------------------


def _count_files(context: CheckContext, answer: str, progress: Progress) -> str:
    """A job: the files each patch touches, one step per patch, whose path holds `answer`."""
    patches = context.review.patches
    progress.add_total(len(patches))
    found = []
    for patch in patches:
        found += [f.path for f in patch.patch.body.files if answer in f.path]
        progress.advance()
    return f"{len(found)} file(s) under {answer}: {', '.join(found)}"


class _Jobs:
    @hookimpl
    def register_jobs(self, register: Callable[[JobSpec], None]) -> None:
        register(JobSpec("count-files", "Count files", _count_files, prompt="path part"))
        register(JobSpec("never", "Never offered", _count_files, applies=lambda c: False))


class _MoreJobs:
    @hookimpl
    def register_jobs(self, register: Callable[[object], None]) -> None:
        register(JobSpec("count-files", "Count files again", _count_files))
        register("not a job")
        register(JobSpec("other", "Other", _count_files, rechecks=False))


class _BadJob:
    @hookimpl
    def register_jobs(self, register: Callable[[JobSpec], None]) -> None:
        register(JobSpec("Count Files", "Bad id", _count_files))


def test_hook_register_jobs() -> None:
    host = host_with((_Jobs(), "jobs"), (_MoreJobs(), "more"), (_BadJob(), "bad"))
    found = host.jobs()
    assert [(plugin, job.id, job.title, job.rechecks) for plugin, job in found] == [
        ("jobs", "count-files", "Count files", True),
        ("jobs", "never", "Never offered", True),
        ("more", "other", "Other", False),
    ]
    problems = [(p.name, p.message) for p in host.problems]
    assert problems[:2] == [
        ("more", "job 'count-files' is already taken"),
        ("more", "register_jobs registered 'not a job', not a JobSpec"),
    ]
    assert problems[2][0] == "bad"
    assert problems[2][1].startswith(
        "register_jobs failed: ValueError: job id 'Count Files' must be lower-case letters and "
        "dashes (extensions.py:"
    )
    assert len(problems) == 3
    with pytest.raises(ValueError, match="job id 'perf_run' must be lower-case"):
        JobSpec("perf_run", "x", _count_files)

    # Running one as the TUI does: steps reported, the summary returned, cancel obeyed.
    context = context_for(thread_from("series-vpci.mbox", VPCI_V2), host=host)
    job = found[0][1]
    assert (job.prompt, job.default) == ("path part", "")
    assert [j.id for _, j in found if j.applies is None or j.applies(context)] == [
        "count-files",
        "other",
    ]
    seen: list[tuple[int, int]] = []
    summary = job.run(context, "vpci", JobProgress(lambda done, total: seen.append((done, total))))
    assert summary == (
        "3 file(s) under vpci: xen/drivers/vpci/msix.c, xen/drivers/vpci/msix.c, "
        "xen/drivers/vpci/msix.c"
    )
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    progress = JobProgress(lambda done, total: progress.cancel() if done == 1 else None)
    with pytest.raises(Cancelled):
        job.run(context, "vpci", progress)
    assert (progress.done, progress.total) == (1, 3)


# --- check_series and check_patch --------------------------------------------------------------


class _SeriesChecker:
    @hookimpl
    def check_series(self, context: CheckContext) -> list[Finding]:
        revision = context.revision
        return [
            Finding(
                Severity.WARNING,
                f"{revision.version} has {len(revision.patches)} of {revision.total} patches",
                code="demo/series",
            )
        ]


def test_hook_check_series() -> None:
    host = host_with((_SeriesChecker(), "series-check"))
    context = context_for(thread_from("series-vpci.mbox", VPCI_V2), host=host)
    report = run_checks(host, context, ["series-check"])
    assert [(f.plugin, f.severity, f.patch, f.message) for f in report.findings] == [
        ("series-check", Severity.WARNING, None, "v2.1 has 3 of 3 patches")
    ]


class _PatchChecker:
    @hookimpl
    def check_patch(self, patch: PatchReview) -> Iterator[Finding]:  # context left out
        for change in patch.patch.body.files:
            yield Finding(Severity.INFO, f"touches {change.path}", file=change.path)


def test_hook_check_patch() -> None:
    host = host_with((_PatchChecker(), "touch"))
    context = context_for(thread_from("series-vpci.mbox", VPCI_V2), host=host)
    report = run_checks(host, context, ["touch"])
    assert [(f.patch, f.file, f.plugin) for f in report.findings] == [
        (1, "xen/drivers/vpci/msix.c", "touch"),
        (2, "xen/arch/x86/hvm/vmsi.c", "touch"),
        (2, "xen/drivers/vpci/msix.c", "touch"),
        (3, "xen/drivers/vpci/msix.c", "touch"),
    ]


# --- review_result -----------------------------------------------------------------------------


class _Counter:
    calls = 0

    @hookimpl
    def review_result(self, context: CheckContext) -> dict[str, object]:
        _Counter.calls += 1
        return {"patches": [p.patch.index for p in context.review.patches]}


class _Reader:
    @hookimpl
    def check_series(self, context: CheckContext) -> Iterator[Finding]:
        yield Finding(Severity.INFO, f"counter says {context.result('counter')}")
        yield Finding(Severity.INFO, f"missing says {context.result('nobody')}")


class _Loop:
    def __init__(self, other: str) -> None:
        self.other = other

    @hookimpl
    def review_result(self, context: CheckContext) -> object:
        return {"other": context.result(self.other)}


def test_hook_review_result() -> None:
    _Counter.calls = 0
    host = host_with((_Reader(), "reader"), (_Counter(), "counter"))
    context = context_for(thread_from("series-vpci.mbox", VPCI_V2), host=host)
    report = run_checks(host, context, ["reader", "counter"])
    assert [f.message for f in report.findings] == [
        "counter says {'patches': [1, 2, 3]}",
        "missing says None",
    ]
    assert report.results == {"counter": {"patches": [1, 2, 3]}}
    assert _Counter.calls == 1  # read by `reader`, then reused for the report

    looped = host_with((_Loop("b"), "a"), (_Loop("a"), "b"))
    report = run_checks(looped, context_for(thread_from("seed-gdt.mbox", SEED_ID)), ["a", "b"])
    assert [(f.plugin, f.code, f.message) for f in report.findings] == [
        (
            "a",
            "reviewbot/plugin-failed",
            "plugin a failed in review_result: results depend on each other: a -> b -> a",
        )
    ]


# --- reply_paragraphs --------------------------------------------------------------------------


class _Replier:
    def __init__(self, text: str) -> None:
        self.text = text

    @hookimpl
    def reply_paragraphs(self, kind: str, patch: PatchReview | None) -> list[str] | None:
        if kind != "review":
            return None
        where = f"patch {patch.patch.index}" if patch is not None else "the cover letter"
        return [f"{self.text} on {where}.", "  "]


class _BrokenReplier:
    @hookimpl
    def reply_paragraphs(self) -> str:
        raise RuntimeError("no words")


def test_hook_reply_paragraphs() -> None:
    host = PluginHost()
    host.register(_Replier("Looks right"), "first")
    host.register(_BrokenReplier(), "broken")
    host.register(_Replier("Figures checked"), "second")
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID), host=host)
    patch = context.review.patches[0]
    paragraphs, problems = reply_paragraphs(host, context, "review", patch)
    assert paragraphs == [
        ReplyParagraph("first", "Looks right on patch 1."),
        ReplyParagraph("second", "Figures checked on patch 1."),
    ]
    assert len(problems) == 1
    assert problems[0].startswith(
        "plugin broken failed in reply_paragraphs: RuntimeError: no words (test_plugin_hooks.py:"
    )
    assert reply_paragraphs(host, context, "thanks", None)[0] == []
    with pytest.raises(ValueError, match="reply kind 'rant'"):
        reply_paragraphs(host, context, "rant", None)


# --- reply_template ----------------------------------------------------------------------------

RITA = Person("Rita Reviewer", "rita@example.org")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
SEED_QUOTE = (
    "On Thu, 04 Jul 2019 18:57:32 +0100, Andrew Cooper wrote:\n"
    "> write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn() and iterating\n"
    "> with (mfn + i) is wrong, because of PDX compression.  The context switch path\n"
    "> only functions correctly because NR_RESERVED_GDT_PAGES is 1.\n"
)


def _plugin_lines(warnings: tuple[str, ...]) -> list[str]:
    """A draft's warnings about plugins (its other notes left out)."""
    return [line for line in warnings if line.startswith("plugin ")]


class _Templater:
    def __init__(self, name: str) -> None:
        self.name = name

    @hookimpl
    def reply_template(self, kind: str, patch: PatchReview | None) -> str | None:
        if kind != "review":
            return None
        where = f"patch {patch.patch.index}" if patch is not None else "the cover letter"
        return f"$attribution\n$quoted\n\nTemplate of {self.name} for {where}.\n\n$signature\n"


class _BrokenTemplater:
    @hookimpl
    def reply_template(self) -> str:
        raise RuntimeError("no template")


class _NumberTemplater:
    @hookimpl
    def reply_template(self) -> object:
        return 42


class _UnknownTemplater:
    @hookimpl
    def reply_template(self) -> str:
        return "$quoted\n$nowhere\n"


def test_hook_reply_template(tmp_path: Path) -> None:
    host = PluginHost()
    host.register(_BrokenTemplater(), "broken")
    host.register(_NumberTemplater(), "number")
    host.register(_Templater("first"), "first")
    host.register(_Templater("second"), "second")
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID), host=host)
    patch = context.review.patches[0]
    given, problems = plugin_template(host, context, "review", patch)
    assert given == PluginTemplate(
        "first", "$attribution\n$quoted\n\nTemplate of first for patch 1.\n\n$signature\n"
    )
    assert len(problems) == 2
    assert problems[0].startswith(
        "plugin broken failed in reply_template: RuntimeError: no template (test_plugin_hooks.py:"
    )
    assert problems[1] == "plugin number gave int, not a template"
    assert plugin_template(host, context, "ack", None)[0] is None  # nobody has one for acks

    # draft_reply fills the first plugin's template and passes the problems on.
    draft = draft_reply(host, context, ReplyRequest(), RITA, now=NOW)
    assert draft.body == SEED_QUOTE + "\nTemplate of first for patch 1.\n\nRita\n"
    assert draft.template_origin == "plugin first"
    assert _plugin_lines(draft.warnings) == problems

    # --template and the reply.template_review setting win over any plugin.
    mine = tmp_path / "mine.txt"
    mine.write_text("$attribution\n$quoted\n\nMine, $author_first_name.\n\n$signature\n")
    draft = draft_reply(host, context, ReplyRequest(template=mine), RITA, now=NOW)
    assert draft.body == SEED_QUOTE + "\nMine, Andrew.\n\nRita\n"
    assert (draft.template_origin, _plugin_lines(draft.warnings)) == (str(mine), [])
    configured = context_for(
        thread_from("seed-gdt.mbox", SEED_ID),
        host=host,
        overrides=[f"reply.template_review={mine}"],
    )
    draft = draft_reply(host, configured, ReplyRequest(), RITA, now=NOW)
    assert draft.body == SEED_QUOTE + "\nMine, Andrew.\n\nRita\n"
    assert (draft.template_origin, _plugin_lines(draft.warnings)) == (str(mine), [])

    # A plugin's template naming an unknown placeholder is refused like the user's own.
    host.unregister("first")
    host.unregister("second")
    host.register(_UnknownTemplater(), "careless")
    with pytest.raises(ConfigError) as caught:
        draft_reply(host, context, ReplyRequest(), RITA, now=NOW)
    assert caught.value.message == (
        "the reply template from plugin careless uses unknown placeholder $nowhere"
    )


# --- reply_placeholders ------------------------------------------------------------------------


class _Placeholders:
    def __init__(self, values: object) -> None:
        self.values = values

    @hookimpl
    def reply_placeholders(self, kind: str, patch: PatchReview | None) -> object:
        if callable(self.values):
            return self.values(kind, patch)
        return self.values


class _BrokenPlaceholders:
    @hookimpl
    def reply_placeholders(self, context: CheckContext) -> Mapping[str, str]:
        raise ValueError("no values")


class _CITemplater:
    @hookimpl
    def reply_template(self) -> str:
        return "$attribution\n$quoted\n\nCI: $ci_status ($flight, $kind).\n\n$signature\n"


def test_hook_reply_placeholders(tmp_path: Path) -> None:
    host = PluginHost()
    host.register(
        _Placeholders(
            lambda kind, patch: {
                "ci_status": f"passed for patch {patch.patch.index}" if patch else "passed",
                "quoted": "a built-in name",
                "bad-name": "not a name",
                "kind": "shadowing",
            }
        ),
        "ci",
    )
    host.register(_BrokenPlaceholders(), "broken")
    host.register(_Placeholders(["not", "a", "mapping"]), "listy")
    host.register(_Placeholders(None), "silent")
    host.register(_Placeholders({"ci_status": "failed", "flight": 12345}), "later")
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID), host=host)
    patch = context.review.patches[0]
    values, problems = plugin_placeholders(host, context, "review", patch, reserved=PLACEHOLDERS)
    assert values == {"ci_status": "passed for patch 1", "flight": "12345"}  # the first wins
    assert problems[:3] == [
        "plugin ci may not define the placeholder $quoted",
        "plugin ci may not define the placeholder $bad-name",
        "plugin ci may not define the placeholder $kind",
    ]
    assert problems[3].startswith(
        "plugin broken failed in reply_placeholders: ValueError: no values (test_plugin_hooks.py:"
    )
    assert problems[4:] == [
        "plugin listy gave list, not a mapping",
        "plugin later defines $ci_status, which an earlier plugin defined: skipped",
    ]
    assert plugin_placeholders(host, context, "ack", None, reserved=())[0] == {
        "ci_status": "passed",
        "quoted": "a built-in name",  # reserved only by the caller
        "kind": "shadowing",
        "flight": "12345",
    }

    # draft_reply: a plugin's placeholder in a plugin's template and in the user's own; the
    # built-in $quoted and $kind are not shadowed.
    host.register(_CITemplater(), "ci-template")
    draft = draft_reply(host, context, ReplyRequest(), RITA, now=NOW)
    assert draft.body == SEED_QUOTE + "\nCI: passed for patch 1 (12345, review).\n\nRita\n"
    assert draft.template_origin == "plugin ci-template"
    assert _plugin_lines(draft.warnings) == problems
    mine = tmp_path / "mine.txt"
    mine.write_text("$quoted\n\n$$ flight $flight: $ci_status\n")
    draft = draft_reply(host, context, ReplyRequest(template=mine), RITA, now=NOW)
    assert draft.body == SEED_QUOTE.partition("\n")[2] + "\n$ flight 12345: passed for patch 1\n"

    # Without the plugins, their names are unknown placeholders again.
    with pytest.raises(ConfigError, match=r"uses unknown placeholders \$ci_status, \$flight$"):
        draft_reply(PluginHost(), context, ReplyRequest(template=mine), RITA, now=NOW)


def test_a_placeholder_an_earlier_plugin_defined_is_reported() -> None:
    host = host_with(
        (_Placeholders({"ci_status": "passed"}), "ci"),
        (_Placeholders({"ci_status": "failed"}), "later"),
    )
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID), host=host)
    values, problems = plugin_placeholders(host, context, "review", None, reserved=PLACEHOLDERS)
    assert values == {"ci_status": "passed"}
    assert problems == ["plugin later defines $ci_status, which an earlier plugin defined: skipped"]


def test_example_plugin_module_uses_every_hook() -> None:
    source = (ROOT / "plugins/examples/reviewbot-todo/reviewbot_todo/__init__.py").read_text()
    used = sorted(set(re.findall(r"@hookimpl\ndef (\w+)\(", source)))
    assert used == _hooks()


_MARKED_PATCH = """\
From jane@example.org Mon Jul  1 10:00:00 2019
From: Jane Doe <jane@example.org>
To: xen-devel@lists.xenproject.org
Date: Mon, 1 Jul 2019 10:00:00 +0000
Subject: [PATCH] xen/common: add a helper
Message-ID: <todo-1@example.org>

Add a helper.

Signed-off-by: Jane Doe <jane@example.org>
---
 xen/common/helper.c | 4 ++++
 1 file changed, 4 insertions(+)

diff --git a/xen/common/helper.c b/xen/common/helper.c
index 1111111..2222222 100644
--- a/xen/common/helper.c
+++ b/xen/common/helper.c
@@ -10,2 +10,6 @@ int helper(void)
 {
+    /* TODO: handle errors */
+    int rc = 0;
+    /* FIXME later */
+    /* TODO: and this */
     return 0;
"""


def test_the_example_plugins_job_counts_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location(
        "example_todo", ROOT / "plugins/examples/reviewbot-todo/reviewbot_todo/__init__.py"
    )
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "example_todo", example)  # its dataclass needs it there
    spec.loader.exec_module(example)
    host = host_with((example, "todo"))
    [(plugin, job)] = host.jobs()
    assert (plugin, job.id, job.title, job.prompt, job.rechecks) == (
        "todo",
        "todo-count",
        "Count the markers",
        None,
        False,
    )
    mbox = tmp_path / "todo.mbox"
    mbox.write_text(_MARKED_PATCH)
    context = context_for(thread_from(mbox, "todo-1@example.org"), host=host)
    seen: list[tuple[int, int]] = []
    summary = job.run(context, "", JobProgress(lambda done, total: seen.append((done, total))))
    assert summary == "3 marker(s) in 1 patch(es): 2 TODO, 1 FIXME"
    assert seen == [(0, 1), (1, 1)]


def test_the_hookspecs_are_typed_and_unimplemented() -> None:
    for name in _hooks():
        function = getattr(hookspecs, name)
        assert textwrap.dedent(inspect.getsource(function)).rstrip().endswith('"""'), name
        assert "return" in inspect.get_annotations(function), name
