"""The perf-compare plugin: its hooks on the seed thread, its findings, `reviewbot perf`, panel."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
import reviewbot_perf_compare as perf_plugin
from reviewbot_perf_compare.judge import SIGNIFICANT, UNJUDGED
from reviewbot_perf_compare.measure import BASE, SERIES, RunSample
from reviewbot_perf_compare.result import PerfResult
from reviewbot_perf_compare.runlog import COMPLETE, RunLog

from reviewbot.checkcontext import CheckContext
from reviewbot.cli import main
from reviewbot.extensions import CommandSpec, PanelSpec, SettingSpec
from reviewbot.paths import store_file
from reviewbot.replyhooks import reply_paragraphs
from reviewbot.store import Store
from tests.support.checking import FIXTURES, SEED_ID, brief, check, host_with, thread_from
from tests.support.tools import require_tools

SEED = str(FIXTURES / "mail" / "seed-gdt.mbox")
CREDIT2 = FIXTURES / "checks" / "perf-compare" / "credit2-wake.mbox"
NAME = "perf-compare"

NO_VARIANCE = (
    "Juergen Gross's table gives means of 5 runs without any variance (elapsed -9.51 s, "
    "-14.3%; user -7.46 s, -3.2%; system -3.74 s, -3.4%), so significance cannot be judged: "
    "ask for the raw samples or standard deviations, the machine and the configuration"
)
WALL_VS_CPU = (
    "Juergen Gross's table: elapsed improves by 14.3% while CPU time (user+system) improves "
    "by only 3.3% (on average 5.14 → 5.81 CPUs busy): about the same work took less time, so "
    "the difference lies in waiting or parallelism (other load, I/O, scheduling) rather than "
    "in cheaper code; ask how idle the machine was and how much the runs vary"
)
SIZES = (
    "Andrew Cooper's bloat-o-meter output: +193 bytes in total (+0.01%); "
    "cpu_smpboot_callback +304 (+26.4%), __context_switch -127 (-10.3%) and "
    "per_cpu__gdt_table_l1e +8 (new)"
)
SEED_PARAGRAPHS = [
    "Juergen Gross's table (means of 5 runs) shows elapsed 66.51 → 57.00 s (-9.51 s, -14.3%), "
    "user 232.93 → 225.47 s (-7.46 s, -3.2%) and system 109.21 → 105.47 s (-3.74 s, -3.4%). "
    "Without the spread of each figure it is not possible to tell whether these differences "
    "are real or run-to-run noise. Juergen, could you post the raw timings of every run (or at "
    "least their standard deviations), and the machine and configuration they were measured on?",
    "Elapsed improves by 14.3% while CPU time (user+system) improves by only 3.3% (on average "
    "5.14 → 5.81 CPUs busy), so about the same work was done in less time. That points at "
    "waiting or parallelism rather than cheaper code: was the machine otherwise idle, and how "
    "much do the runs vary?",
]

#: A reply posting ministat output whose stated difference the table does not bear out, and
#: bloat-o-meter output whose header does not match its own table.
_MISMATCH_THREAD = """\
From rita@example.org Mon Mar  2 10:00:00 2026
From: Rita Reviewer <rita@example.org>
To: xen-devel@lists.xenproject.org
Date: Mon, 2 Mar 2026 10:00:00 +0000
Message-ID: <patch-1@example.org>
Subject: [PATCH] xen/sched: trim the wake path

Make the wake path shorter.

Signed-off-by: Rita Reviewer <rita@example.org>
---
The delta:

add/remove: 0/0 grow/shrink: 0/2 up/down: 0/-90 (-90)
Function                                     old     new   delta
sched_wake                                  1000     960     -40
sched_sleep                                  800     780     -20
Total: Before=1800, After=1740, chg -3.33%

 xen/common/sched/core.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/xen/common/sched/core.c b/xen/common/sched/core.c
index 1111111..2222222 100644
--- a/xen/common/sched/core.c
+++ b/xen/common/sched/core.c
@@ -1,3 +1,3 @@
 int a;
-int b;
+int c;
 int d;
--
2.43.0

From olaf@example.org Mon Mar  2 11:00:00 2026
From: Olaf Tester <olaf@example.org>
To: Rita Reviewer <rita@example.org>
Cc: xen-devel@lists.xenproject.org
Date: Mon, 2 Mar 2026 11:00:00 +0000
Message-ID: <reply-1@example.org>
In-Reply-To: <patch-1@example.org>
References: <patch-1@example.org>
Subject: Re: [PATCH] xen/sched: trim the wake path

I timed the wake microbenchmark ten times on each:

x before.txt
+ after.txt
    N           Min           Max        Median           Avg        Stddev
x  10          20.1          21.4          20.7         20.72    0.41311822
+  10          20.0          21.5          20.6         20.65    0.47434165
No difference proven at 95.0% confidence

Tested-by: Olaf Tester <olaf@example.org>
"""


@pytest.fixture
def seed_result() -> PerfResult:
    _, context = check(perf_plugin, NAME, thread_from("seed-gdt.mbox", SEED_ID))
    result = context.result(NAME)
    assert isinstance(result, PerfResult)
    return result


def test_hook_review_result_of_the_seed_thread(seed_result: PerfResult) -> None:
    figures = [
        (
            j.figure.metric,
            j.figure.unit,
            j.figure.author,
            [(v.name, v.value, v.n) for v in j.figure.variants],
            round(j.changes[0].difference, 2),
            round(j.changes[0].percent or 0, 1),
            j.changes[0].direction,
            j.changes[0].verdict,
        )
        for j in seed_result.judgements
    ]
    assert figures == [
        ("elapsed", "s", "Juergen Gross", [("Unpatched", 66.51, 5), ("Patched", 57.0, 5)],
         -9.51, -14.3, "better", UNJUDGED),
        ("user", "s", "Juergen Gross", [("Unpatched", 232.93, 5), ("Patched", 225.47, 5)],
         -7.46, -3.2, "better", UNJUDGED),
        ("system", "s", "Juergen Gross", [("Unpatched", 109.21, 5), ("Patched", 105.47, 5)],
         -3.74, -3.4, "better", UNJUDGED),
    ]  # fmt: skip
    wall = seed_result.wall_time()
    assert wall is not None and wall.figure.metric == "elapsed"
    (size,) = seed_result.sizes
    assert (size.author, size.net, size.total_before, size.total_after) == (
        "Andrew Cooper", 193, 3339227, 3339420,
    )  # fmt: skip
    assert {e.name: e.delta for e in size.entries}["__context_switch"] == -127
    (concern,) = seed_result.concerns
    assert (round(concern.wall_percent, 1), round(concern.cpu_percent, 1)) == (-14.3, -3.3)
    assert (round(concern.busy_before, 2), round(concern.busy_after, 2)) == (5.14, 5.81)
    document = json.loads(json.dumps(seed_result.to_json()))
    assert document["wall_time"]["metric"] == "elapsed"
    assert document["wall_time"]["changes"][0]["verdict"] == "unjudged"
    assert document["sizes"][0]["net"] == 193
    assert document["concerns"][0]["message"] == WALL_VS_CPU.removeprefix("Juergen Gross's table: ")


def test_hook_check_series_on_the_seed_thread() -> None:
    report, _ = check(perf_plugin, NAME, thread_from("seed-gdt.mbox", SEED_ID))
    assert brief(report.findings) == [
        ("warning", "perf-compare/no-variance", None, None, None),
        ("warning", "perf-compare/wall-vs-cpu", None, None, None),
        ("info", "perf-compare/size-change", None, None, None),
    ]
    assert [f.message for f in report.findings] == [NO_VARIANCE, WALL_VS_CPU, SIZES]
    assert report.findings[0].details == (
        "elapsed 66.51 → 57.00 s: -9.51 s (-14.3%)\n"
        "user 232.93 → 225.47 s: -7.46 s (-3.2%)\n"
        "system 109.21 → 105.47 s: -3.74 s (-3.4%)"
    )


def test_hook_check_series_tests_figures_with_spread() -> None:
    report, _ = check(perf_plugin, NAME, thread_from(CREDIT2, _credit2_root()))
    significant = [f for f in report.findings if f.code == "perf-compare/significant"]
    assert [f.message for f in significant] == [
        "Ben Reviewer's wake latency unpatched → patched: -4.3 ± 0.997 us (-10.3% ± 2.4%), "
        "better, significant at 95%"
    ]
    single = [f.message for f in report.findings if "single runs" in f.message]
    assert single == [
        "Lena Brandt's figures come from single runs (dom0 boot time -0.4 s, -3.3%), so "
        "significance cannot be judged: ask for several runs of each, their raw timings, the "
        "machine and the configuration"
    ]


def test_hook_check_series_reports_what_does_not_add_up(tmp_path: Path) -> None:
    mbox = tmp_path / "mismatch.mbox"
    mbox.write_text(_MISMATCH_THREAD)
    report, _ = check(perf_plugin, NAME, thread_from(mbox, "patch-1@example.org"))
    assert brief(report.findings) == [
        ("warning", "perf-compare/size-inconsistent", None, None, None),
        ("warning", "perf-compare/size-inconsistent", None, None, None),
        ("info", "perf-compare/no-difference-proven", None, None, None),
        ("info", "perf-compare/size-change", None, None, None),
    ]
    assert [f.message for f in report.findings] == [
        "Rita Reviewer's bloat-o-meter output does not add up: the listed deltas add up to "
        "-60, the header says -90",
        "Rita Reviewer's bloat-o-meter output does not add up: Total After-Before is -60, the "
        "header says -90",
        "Olaf Tester's value before.txt → after.txt: -0.07 ± 0.418 (-0.3% ± 2.0%), "
        "no difference proven at 95%",
        "Rita Reviewer's bloat-o-meter output: -60 bytes in total (-3.33%); sched_wake -40 "
        "(-4.0%) and sched_sleep -20 (-2.5%)",
    ]


def test_hook_reply_paragraphs_for_a_review_of_the_seed() -> None:
    host = host_with((perf_plugin, NAME))
    _, context = check(perf_plugin, NAME, thread_from("seed-gdt.mbox", SEED_ID))
    paragraphs, problems = reply_paragraphs(host, context, "review", None)
    assert problems == []
    assert [p.text for p in paragraphs] == SEED_PARAGRAPHS
    assert {p.plugin for p in paragraphs} == {NAME}
    assert reply_paragraphs(host, context, "ack", None) == ([], [])


def test_hook_register_settings_declares_and_checks_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    declared: list[SettingSpec] = []
    perf_plugin.register_settings(declared.append)
    assert {s.key: s.default for s in declared} == {
        "perf-compare.confidence": 95.0,
        "perf-compare.runs": 10,
        "perf-compare.warmup": 1,
        "perf-compare.wall_cpu_ratio": 2.0,
    }
    assert main(["perf", SEED, "-q", "-c", "perf-compare.confidence=97"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reviewbot: error: -c: perf-compare.confidence must be one of 80, 90,")
    # A wider ratio keeps the seed's wall/CPU gap (14.3% against 3.3%) from being flagged.
    assert main(["perf", SEED, "-q", "--json", "-c", "perf-compare.wall_cpu_ratio=5"]) == 0
    assert json.loads(capsys.readouterr().out)["concerns"] == []


def test_hook_register_commands_gives_perf_show(capsys: pytest.CaptureFixture[str]) -> None:
    registered: list[CommandSpec] = []
    perf_plugin.register_commands(registered.append)
    assert [c.name for c in registered] == ["perf"]
    assert main(["perf", SEED, "-q"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[:10] == [
        "[Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT handling",
        "",
        "Juergen Gross: table, means of 5 runs",
        "  metric   unit  Unpatched  Patched          change  verdict",
        "  elapsed  s?        66.51    57.00  -9.51 (-14.3%)  better on the means; "
        "significance cannot be judged",
        "  user     s?       232.93   225.47   -7.46 (-3.2%)  better on the means; "
        "significance cannot be judged",
        "  system   s?       109.21   105.47   -3.74 (-3.4%)  better on the means; "
        "significance cannot be judged",
        "  - no variance given: significance cannot be judged; ask for the raw samples or "
        "standard deviations, the machine and the configuration",
        "  (a unit with ? is assumed from the metric's name)",
        "",
    ]
    assert "  __context_switch                  1238     1111   -127  -10.3%" in shown
    assert main(["perf", "show", SEED, "-q"]) == 0
    assert capsys.readouterr().out.splitlines() == shown


def test_perf_show_json_has_result_findings_and_paragraphs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["perf", SEED, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [f["metric"] for f in document["figures"]] == ["elapsed", "user", "system"]
    assert [f["code"] for f in document["findings"]] == [
        "perf-compare/no-variance",
        "perf-compare/wall-vs-cpu",
        "perf-compare/size-change",
    ]
    assert document["paragraphs"] == SEED_PARAGRAPHS
    assert document["runs"] == []


def test_a_stored_run_joins_the_checks_and_the_reply() -> None:
    with Store.open(store_file()) as store:
        log = RunLog(store, SEED_ID, {"command": "make -j8 xen", "warmup": 1})
        walls = {BASE: [10.0, 10.2, 9.9, 10.1], SERIES: [9.0, 9.1, 8.9, 9.2]}
        for index in range(4):
            for variant in (BASE, SERIES):
                wall = walls[variant][index]
                log.add(RunSample(variant, index + 1, wall, wall * 5, 1.0, 1000))
        log.finish(COMPLETE)
    report, context = check(perf_plugin, NAME, thread_from("seed-gdt.mbox", SEED_ID))
    measured = [f for f in report.findings if f.code == "perf-compare/measured"]
    assert [f.message for f in measured] == [
        f"measured `make -j8 xen` (4 runs per tree, run {log.key}): wall -1.00 ± 0.223 s "
        "(-10.0% ± 2.2%), better, significant at 95%"
    ]
    result = context.result(NAME)
    assert isinstance(result, PerfResult)
    (run,) = result.runs
    assert [j.changes[0].verdict for j in run.judgements] == [SIGNIFICANT] * 2 + ["not-proven"] * 2
    host = host_with((perf_plugin, NAME))
    paragraphs, _ = reply_paragraphs(host, context, "review", None)
    assert paragraphs[-1].text == (
        "I ran `make -j8 xen` 4 times in each tree, alternating between them: wall 10.05 → "
        "9.05 s (-1.00 ± 0.223 s, -10.0% ± 2.2%) and user 50.25 → 45.25 s (-5.00 ± 1.12 s, "
        "-10.0% ± 2.2%), significant at 95%. No difference is proven for system and max RSS."
    )


def test_hook_register_panels_builds_a_table_of_the_figures(seed_result: PerfResult) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Static

    panels: list[PanelSpec] = []
    perf_plugin.register_panels(panels.append)
    (panel,) = panels
    assert (panel.id, panel.title, panel.where) == ("perf-compare", "Performance", "review")
    _, context = check(perf_plugin, NAME, thread_from("seed-gdt.mbox", SEED_ID))
    assert panel.applies is not None and panel.applies(context)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield panel.build(context, seed_result)

    async def look() -> tuple[list[list[str]], str]:
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            table = app.query_one("#perf-compare-figures", DataTable)
            rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
            notes = str(app.query_one("#perf-compare-notes", Static).render())
            return rows, notes

    rows, notes = asyncio.run(look())
    assert rows == [
        ["Juergen Gross", "elapsed", "66.51 → 57.00 s", "-9.51 s (-14.3%)",
         "better on the means; significance cannot be judged"],
        ["Juergen Gross", "user", "232.93 → 225.47 s", "-7.46 s (-3.2%)",
         "better on the means; significance cannot be judged"],
        ["Juergen Gross", "system", "109.21 → 105.47 s", "-3.74 s (-3.4%)",
         "better on the means; significance cannot be judged"],
    ]  # fmt: skip
    assert "no variance given" in notes
    assert "elapsed improves by 14.3% while CPU time" in notes


def test_perf_compare_agrees_with_ministat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_tools("ministat", "ministat")
    before = tmp_path / "before.txt"
    after = tmp_path / "after.txt"
    before.write_text("# elapsed, seconds\n66.42\n66.61\n66.38\n66.70\n66.44\n")
    after.write_text("57.10\n56.88\n57.02\n57.11\n56.89\n")
    assert main(["perf", "compare", str(before), str(after), "--json"]) == 0
    (comparison,) = json.loads(capsys.readouterr().out)["comparisons"]
    printed = subprocess.run(
        ["ministat", "-A", str(before), str(after)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    at = printed.index("Difference at 95.0% confidence")
    difference, _, error = printed[at + 1].split()
    percent, _, percent_error = printed[at + 2].replace("%", "").split()
    pooled = printed[at + 3].split("pooled s = ")[1].rstrip(")")
    assert f"{comparison['difference']:.4g}" == f"{float(difference):.4g}"
    assert f"{comparison['error']:.4g}" == f"{float(error):.4g}"
    assert f"{comparison['percent']:.4g}" == f"{float(percent):.4g}"
    assert f"{comparison['percent_error']:.4g}" == f"{float(percent_error):.4g}"
    assert f"{comparison['pooled_stddev']:.4g}" == f"{float(pooled):.4g}"
    assert comparison["summary"] == (
        "Difference at 95.0% confidence: -9.51 +/- 0.182, -14.30% +/- 0.27%"
    )


def test_perf_compare_prints_statistics_verdicts_and_a_plot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").write_text("1\n2\n3\n")
    (tmp_path / "b").write_text("2\n3\n4\n")
    assert main(["perf", "compare", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    lines = capsys.readouterr().out.splitlines()
    name_a, name_b = str(tmp_path / "a"), str(tmp_path / "b")
    assert lines[0].split() == ["file", "N", "Min", "Max", "Median", "Avg", "Stddev"]
    assert lines[1].split() == ["x", name_a, "3", "1", "3", "2", "2", "1"]
    assert lines[2].split() == ["+", name_b, "3", "2", "4", "3", "3", "1"]
    assert lines[3] == f"{name_b} against {name_a}: No difference proven at 95.0% confidence"
    assert lines[4].startswith("  (Student's t, pooled s = 1, df = 4, p = 0.288)")
    assert any(line.startswith("+-") for line in lines[5:])


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["only.txt"], "perf compare needs two or more sample files"),
        (["only.txt", "missing.txt"], "cannot read sample file"),
        (["only.txt", "short.txt"], "must contain at least 3 numbers"),
    ],
)
def test_perf_compare_refuses_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: list[str], message: str
) -> None:
    (tmp_path / "only.txt").write_text("1\n2\n3\n")
    (tmp_path / "short.txt").write_text("1\n2\n")
    assert main(["perf", "compare", *(str(tmp_path / f) for f in files)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reviewbot: error: ")
    assert message in err
    assert err.count("\n") == 1


def _credit2_root() -> str:
    text = CREDIT2.read_text()
    first = next(line for line in text.splitlines() if line.lower().startswith("message-id:"))
    return first.split(":", 1)[1].strip().strip("<>")


#: The seed's figures give means only: each plot shows them as points and says why no bars.
SEED_PLOT = [
    "elapsed: Juergen Gross, means of 5 runs",
    "x Unpatched",
    "+ Patched",
    "+" + "-" * 62 + "+",
    "|" + " " * 61 + "x|",
    "|+" + " " * 61 + "|",
    "+" + "-" * 62 + "+",
    " 57 s" + " " * 51 + "66.51 s",
    "no spread posted: cannot draw error bars",
    "",
    "user: Juergen Gross, means of 5 runs",
    "x Unpatched",
    "+ Patched",
    "+" + "-" * 62 + "+",
    "|" + " " * 61 + "x|",
    "|+" + " " * 61 + "|",
    "+" + "-" * 62 + "+",
    " 225.47 s" + " " * 46 + "232.93 s",
    "no spread posted: cannot draw error bars",
    "",
    "system: Juergen Gross, means of 5 runs",
    "x Unpatched",
    "+ Patched",
    "+" + "-" * 62 + "+",
    "|" + " " * 61 + "x|",
    "|+" + " " * 61 + "|",
    "+" + "-" * 62 + "+",
    " 105.47 s" + " " * 46 + "109.21 s",
    "no spread posted: cannot draw error bars",
]


def _panel_texts(context: CheckContext, result: object | None) -> dict[str, str]:
    """The panel built in an app: the plot's, notes' and details' texts by widget id."""
    from reviewbot_perf_compare.panel import PERF_PANEL
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield PERF_PANEL.build(context, result)

    async def look() -> dict[str, str]:
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            return {
                name: str(app.query_one(f"#perf-compare-{name}", Static).render())
                for name in ("plot", "notes", "details")
            }

    return asyncio.run(look())


def test_the_panel_plots_the_seeds_means_without_error_bars(seed_result: PerfResult) -> None:
    _, context = check(perf_plugin, NAME, thread_from("seed-gdt.mbox", SEED_ID))
    texts = _panel_texts(context, seed_result)
    assert texts["plot"].splitlines() == SEED_PLOT
    assert texts["details"].startswith("Andrew Cooper: bloat-o-meter output\n")


def test_the_panel_plots_a_stored_runs_samples() -> None:
    with Store.open(store_file()) as store:
        log = RunLog(store, SEED_ID, {"command": "make -j8 xen", "warmup": 1})
        walls = {BASE: [10.0, 10.2, 9.9, 10.1], SERIES: [9.0, 9.1, 8.9, 9.2]}
        for index in range(4):
            for variant in (BASE, SERIES):
                wall = walls[variant][index]
                log.add(RunSample(variant, index + 1, wall, wall * 5, 1.0, 1000))
        log.finish(COMPLETE)
    _, context = check(perf_plugin, NAME, thread_from("seed-gdt.mbox", SEED_ID))
    texts = _panel_texts(context, context.result(NAME))
    plot = texts["plot"].splitlines()
    assert plot[: len(SEED_PLOT)] == SEED_PLOT
    assert plot[len(SEED_PLOT) :] == [
        "",
        f"measured run {log.key} (complete): `make -j8 xen`",
        "wall samples:",
        "x base",
        "+ series",
        "+" + "-" * 62 + "+",
        "|" + " " * 47 + "x    x   x    x|",
        "|" + " " * 48 + "|_____A_____| |",
        "|+    +   +    +" + " " * 47 + "|",
        "| |_____A_____|" + " " * 48 + "|",
        "+" + "-" * 62 + "+",
        " 8.9 s" + " " * 51 + "10.2 s",
    ]
    # The run's table stays in the details; its plot is only in the plot widget.
    details = texts["details"].splitlines()
    start = details.index(f"measured run {log.key} (complete): `make -j8 xen`")
    assert details[start + 2].split() == ["metric", "unit", "base", "series", "change", "verdict"]
    assert [line.split()[0] for line in details[start + 3 :]] == ["wall", "user", "system", "max"]


def test_the_panel_plots_posted_spread_as_bars_of_mean_and_sd() -> None:
    from reviewbot_perf_compare.panel import plot_lines

    _, context = check(perf_plugin, NAME, thread_from(CREDIT2, _credit2_root()))
    result = context.result(NAME)
    assert isinstance(result, PerfResult)
    assert plot_lines(result, width=40)[:8] == [
        "wake latency: Ben Reviewer, means of 10 runs",
        "x unpatched",
        "+ patched",
        "+" + "-" * 38 + "+",
        "|" + " " * 23 + "|______x______||",
        "||____+____|" + " " * 27 + "|",
        "+" + "-" * 38 + "+",
        " 36.6 us" + " " * 26 + "43 us",
    ]
