"""The gdt-sim plugin's hooks: its check and result on the seed thread, its reply, its panel."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import reviewbot_gdt_sim as gdt_plugin
import reviewbot_perf_compare as perf_plugin
from reviewbot_gdt_sim.analysis import BehaviourSummary, behaviour_summary, run_behaviour
from reviewbot_gdt_sim.result import GdtResult
from reviewbot_gdt_sim.scenarios import run_scenario
from reviewbot_gdt_sim.settings import parse_overrides

from reviewbot.checkcontext import CheckContext
from reviewbot.cli import main
from reviewbot.extensions import CommandSpec, PanelSpec, SettingSpec
from reviewbot.replyhooks import reply_paragraphs
from reviewbot.runchecks import CheckReport, run_checks
from reviewbot.sampletree import create_sample_tree
from tests.support.checking import FIXTURES, SEED_ID, brief, context_for, host_with, thread_from

NAME = "gdt-sim"
CREDIT2 = FIXTURES / "checks" / "perf-compare" / "credit2-wake.mbox"
CREDIT2_ID = "20240304090211.4711-1-lena.brandt@example.de"

VARIANT = (
    "the series' diffs implement patched (564d261687: the Xen slot is written from a cached "
    "per-CPU l1e)"
)
VARIANT_EVIDENCE = (
    "domain.c defines update_xen_slot_in_full_gdt() reading per_cpu(gdt_table_l1e), "
    "per_cpu(compat_gdt_table_l1e)\n"
    "domain.c defines no write_full_gdt_ptes()\n"
    "smpboot.c: cpu_smpboot_alloc() caches per_cpu(gdt_table_l1e), "
    "per_cpu(compat_gdt_table_l1e)\n"
    "traps.c: trap_init() caches this_cpu(gdt_table_l1e), this_cpu(compat_gdt_table_l1e) for "
    "the boot CPU"
)
BEHAVIOUR = (
    "patched is behaviour-preserving against base in every modelled scenario (T1-T23) except T5 "
    "(A.v1 -> B.v0 on CPU2), where only a transient state differs: an NMI after the default "
    "lgdt or after the CR3 switch sees C[2] in base, R[2] in patched; both pass I4; they differ "
    "otherwise only in a hypothetical configuration (T17) and under fault injection (T15, T16, "
    "T18)"
)
SPEEDUP = (
    "the modelled saving of 13.1 cycles per switch into a PV vCPU explains 0.0028% of the "
    "measured 76.1 CPU·s (9.51 s on 8 pCPUs) at the workload's rate, and at most 3.1% even at "
    "10^6 switches/s on every pCPU: ask what else differs between the builds (code layout, "
    "alignment, caches) and for the run-to-run spread"
)
STRAY = (
    "the stray-selector hazard I15 is still open: with an idle or HVM owner the GDTR base is the "
    "CPU's regular GDT - 0xE000, so selectors below 0xE000 (slots 0-13) read whatever memory "
    "precedes it (T20: a stray selector 0x10 loads silently, raises #GP or raises #NP, "
    "depending on that memory)"
)
LATENT = (
    "the commit message's \"mfn + i\" bug cannot occur with Xen's allocator: a CPU's GDT pages "
    "are one naturally aligned allocation that PDX compression never splits (its hole starts "
    "above MAX_ORDER); the model maps wrong frames only with fault injection (T18, pdx-no-guard: "
    "base maps frames [0, 1, 2, 3] of the true [0, 1, 4, 5]), and with a realistic PDX layout "
    "(T19) base and patched write the same PTE"
)
SEED_FINDINGS = [
    ("warning", "gdt-sim/speedup-unexplained", None, None, None),
    ("info", "gdt-sim/variant", None, None, None),
    ("info", "gdt-sim/behaviour", None, None, None),
    ("info", "gdt-sim/stray-selector", None, None, None),
    ("info", "gdt-sim/latent-bug-unreachable", 1, None, None),
]
SEED_PARAGRAPHS = [
    "I ran the change through a model of Xen's GDT handling across context switches (scenarios "
    "T1-T23, base against patched, every invariant checked after each switch and at each NMI "
    "injection point). It is behaviour-preserving in every modelled scenario except the "
    "transient default GDT of T5: switching from a 64-bit to a 32-bit PV vCPU, base loaded the "
    "compat GDT frame as the default GDT and patched loads the regular one; an NMI taken before "
    "the full GDT is loaded passes I4 either way, and the end states are identical. Only in a "
    "configuration Xen does not have (T17: NR_RESERVED_GDT_PAGES = 2) does patched differ, "
    "mapping just the first reserved page; with one reserved page that cannot matter.",
    "The \"mfn + i\" bug the commit message describes cannot occur with Xen's allocator: a CPU's "
    "GDT pages come from one naturally aligned allocation, which PDX compression never splits "
    "because its hole starts above MAX_ORDER. The model shows it only with fault injection "
    "(T18: the PDX guard off, base maps frames [0, 1, 2, 3] where the GDT really is at [0, 1, "
    "4, 5]), and with a realistic PDX layout (T19) base and patched write the same PTE.",
    "The modelled saving explains under 5% of the reported 14%. The patch saves 13.1 cycles "
    "(4.4 ns at 3 GHz) per switch into a PV vCPU. Against the 76.1 CPU·s the host saved (9.51 s "
    "on 8 pCPUs), that is 0.0022 CPU·s (0.0028%) at the rate of the modelled workload, and even "
    "at 10^6 switches/s on every pCPU only 2.3 CPU·s (3.1%). The speed-up must come from "
    "elsewhere (code layout, alignment, caches) or from run-to-run noise. Juergen, could you "
    "say what else differed between the two builds?",
]


def checked(
    mbox: Path | str, message_id: str, **options: object
) -> tuple[CheckReport, CheckContext]:
    """gdt-sim's check run next to perf-compare (whose result it reads), as `check` runs it."""
    host = host_with((perf_plugin, "perf-compare"), (gdt_plugin, NAME))
    context = context_for(thread_from(mbox, message_id), host=host, **options)  # type: ignore[arg-type]
    return run_checks(host, context, [NAME]), context


@pytest.fixture(scope="module")
def seed_run() -> tuple[CheckReport, CheckContext]:
    return checked("seed-gdt.mbox", SEED_ID)


def test_hook_check_series_on_the_seed_thread(seed_run: tuple[CheckReport, CheckContext]) -> None:
    report, _ = seed_run
    assert brief(report.findings) == SEED_FINDINGS
    messages = [f.message for f in report.findings]
    assert messages == [SPEEDUP, VARIANT, BEHAVIOUR, STRAY, LATENT]
    assert report.findings[0].details == (
        "measured: Juergen Gross's elapsed 66.51 → 57.00 s (Unpatched → Patched) in "
        "<b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com>"
    )
    assert report.findings[1].details == VARIANT_EVIDENCE
    assert report.findings[2].details == (
        "T5 (transient) A.v1 -> B.v0 on CPU2: an NMI after the default lgdt or after the CR3 "
        "switch sees C[2] in base, R[2] in patched; both pass I4\n"
        "T15 (fault) CPU3 offline and online, then B.v0 on CPU3: patched fails I3, I7, I10, I11; "
        "base fails I10; step 3, CPU3, owner I3, after the switch: I11 expected "
        "compat_gdt_table_l1e[3] = 0x80000101ffffb063, found 0x80000101ffffc063\n"
        "T16 (fault) the BSP's l1e and Xen's relocation: patched fails I3, I4, I5, I7, I8, I10, "
        "I11; base fails I10; step -1, CPU0, owner I0, after boot: I11 expected gdt_table_l1e[0] "
        "= 0x800000007e2e0063, found 0x80000000004e0063\n"
        "T17 (hypothetical) NR_RESERVED_GDT_PAGES = 2 (hypothetical): patched fails I3; base "
        "fails nothing; step 0, CPU1, owner A.v0, after the switch: I3 expected slot 15 = R[1] "
        "page 1, found slot 15 = unmapped\n"
        "T18 (fault) PDX fault injection: the 'mfn + i' bug: step 0, CPU1, owner A.v0, after the "
        "switch: I3 expected slot 15 = R[1] page 1, found slot 15 = unmapped"
    )
    assert report.findings[3].details is not None
    assert (
        report.findings[3]
        .details.splitlines()[0]
        .startswith(
            "CPU2, owner H.v0: selectors 0x10 index RAM before R[2] holding a present data "
            "descriptor; loads:"
        )
    )


def test_hook_review_result_of_the_seed_thread(
    seed_run: tuple[CheckReport, CheckContext],
) -> None:
    report, _ = seed_run
    result = report.results[NAME]
    assert isinstance(result, GdtResult)
    assert result.relevant and result.measured_in_thread
    assert result.guess is not None and (result.guess.variant, result.guess.source) == (
        "patched",
        "patch",
    )
    assert [r.split(":")[0] for r in result.reasons] == [
        "xen/arch/x86/domain.c",
        "xen/arch/x86/smpboot.c",
        "xen/arch/x86/traps.c",
        "xen/include/asm-x86/desc.h",
    ]
    comparison = result.comparison
    assert comparison is not None
    assert (comparison.variant, comparison.reference, comparison.subject) == (
        "patched",
        "base",
        "patched",
    )
    assert comparison.run.events == 40000
    assert comparison.run.passed
    base, patched = comparison.counts["base"], comparison.counts["patched"]
    assert patched["virt_to_mfn"] == 0 and base["virt_to_mfn"] == comparison.pv_switches
    for same in ("lgdt", "cr3_writes", "pte_writes"):
        assert base[same] == patched[same]
    assert comparison.measured.delta_wall_s == pytest.approx(-9.51)
    assert comparison.measured.elapsed_s == 66.51
    assert comparison.measured.pcpus == 8
    behaviour = result.behaviour
    assert behaviour is not None and behaviour.preserving
    assert [(d.scenario, d.kind) for d in behaviour.differences] == [
        ("T5", "transient"),
        ("T15", "fault"),
        ("T16", "fault"),
        ("T17", "hypothetical"),
        ("T18", "fault"),
    ]
    assert behaviour.unexpected == ()
    assert result.latent_bug is not None and result.latent_bug.patches == (1,)
    document = json.loads(json.dumps(result.to_json()))
    assert document["variant"]["variant"] == "patched"
    assert document["comparison"]["comparison"]["reference"] == "base"
    assert document["comparison"]["explanation"]["bound_rate"] == 1e6
    assert document["behaviour"]["same"] == [
        f"T{n}" for n in range(1, 24) if n not in (5, 15, 16, 17, 18)
    ]


def test_hook_check_series_says_nothing_about_a_scheduler_patch() -> None:
    report, _ = checked(CREDIT2, CREDIT2_ID)
    assert report.findings == ()
    result = report.results[NAME]
    assert isinstance(result, GdtResult)
    assert not result.relevant
    assert result.to_json()["relevant"] is False
    assert result.comparison is None


def test_hook_check_series_reads_the_variant_from_the_applied_tree(tmp_path: Path) -> None:
    tree = create_sample_tree(tmp_path / "xen")
    report, context = checked("seed-gdt.mbox", SEED_ID, tree=tree)
    assert context.head is not None
    variant = [f for f in report.findings if f.code == "gdt-sim/variant"]
    assert [f.message for f in variant] == [
        "the applied tree implements patched (564d261687: the Xen slot is written from a cached "
        "per-CPU l1e)"
    ]
    result = report.results[NAME]
    assert isinstance(result, GdtResult) and result.guess is not None
    assert result.guess.source == "tree"
    assert [f.code for f in report.findings] == [code for _, code, *_ in SEED_FINDINGS]


def test_hook_check_series_warns_of_a_cached_l1e_nothing_caches(tmp_path: Path) -> None:
    # The seed patch cut down to its domain.c hunks: the slot is written from per-CPU l1e
    # values that no hunk of smpboot.c or traps.c computes.
    text = (FIXTURES / "mail" / "seed-gdt.mbox").read_text()
    first = text.split("\nFrom mboxrd@z")[0]
    head, _, rest = first.partition("\n\nwrite_full_gdt_ptes()")
    domain = rest[rest.index("diff --git a/xen/arch/x86/domain.c") :]
    domain = domain[: domain.index("diff --git a/xen/arch/x86/smpboot.c")]
    body = (
        "\n\nRead the Xen slot's PTE from a per-CPU cache.\n\n"
        "Signed-off-by: Andrew Cooper <andrew.cooper3@citrix.com>\n---\n"
        " xen/arch/x86/domain.c | 10 ++++------\n 1 file changed\n\n"
    )
    mbox = tmp_path / "domain-only.mbox"
    mbox.write_text(head + body + domain + "-- \n2.11.0\n\n")
    report, _ = checked(mbox, SEED_ID)
    warnings = [(f.code, f.message) for f in report.findings if f.code == "gdt-sim/l1e-not-cached"]
    assert warnings == [
        (
            "gdt-sim/l1e-not-cached",
            "the patch makes domain.c read per_cpu(gdt_table_l1e), per_cpu(compat_gdt_table_l1e) "
            "but smpboot.c's cpu_smpboot_alloc() does not cache it: secondary CPUs would write "
            "an empty PTE into the Xen slot of a PV vCPU's full GDT",
        ),
        (
            "gdt-sim/l1e-not-cached",
            "the patch makes domain.c read per_cpu(gdt_table_l1e), per_cpu(compat_gdt_table_l1e) "
            "but nothing caches it for the boot CPU (trap_init() in traps.c, or "
            "smp_prepare_cpus() in smpboot.c): CPU0 would write an empty PTE into the Xen slot "
            "of a PV vCPU's full GDT",
        ),
    ]
    assert not any(f.code == "gdt-sim/latent-bug-unreachable" for f in report.findings)


def test_hook_reply_paragraphs_for_a_review_of_the_seed(
    seed_run: tuple[CheckReport, CheckContext],
) -> None:
    _, context = seed_run
    host = host_with((perf_plugin, "perf-compare"), (gdt_plugin, NAME))
    paragraphs, problems = reply_paragraphs(host, context, "review", None)
    assert problems == []
    assert [p.text for p in paragraphs if p.plugin == NAME] == SEED_PARAGRAPHS
    assert gdt_plugin.reply_paragraphs(context, "ack", None) == []


def test_hook_register_settings_declares_and_checks_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    declared: list[SettingSpec] = []
    gdt_plugin.register_settings(declared.append)
    assert {s.key: s.default for s in declared} == {
        "gdt-sim.ghz": 3.0,
        "gdt-sim.seed": 1,
        "gdt-sim.switches": 0,
        "gdt-sim.l1tf_vulnerable": False,
        "gdt-sim.latency_overrides": "",
        "gdt-sim.bound_rate": 1e6,
        "gdt-sim.check_switches": 40000,
    }
    assert parse_overrides("lgdt=60, cr3_writes=300") == {"lgdt": 60.0, "cr3_writes": 300.0}
    assert main(["gdt-sim", "--list", "-c", "gdt-sim.latency_overrides=lgdtt=60"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "reviewbot: error: -c: gdt-sim.latency_overrides unknown operation 'lgdtt'"
    ) or err.startswith("reviewbot: error: -c: gdt-sim.latency_overrides")
    assert "unknown operation 'lgdtt'; known: ispv, is_32bit_loads" in err
    assert len(err.splitlines()) == 1
    assert main(["gdt-sim", "--scenario", "T7", "--json", "-c", "gdt-sim.latency_overrides="
                 "lgdt=60"]) == 0  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    lgdt = [entry for entry in document["latencies"] if entry["op"] == "lgdt"]
    assert lgdt == [{"op": "lgdt", "cycles": 60.0, "source": "set by the user", "assumed": False}]


def test_hook_register_commands_adds_gdt_sim(capsys: pytest.CaptureFixture[str]) -> None:
    registered: list[CommandSpec] = []
    gdt_plugin.register_commands(registered.append)
    assert [c.name for c in registered] == ["gdt-sim"]
    assert main(["gdt-sim", "--scenario", "T2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == [
        "T2: I1 -> A.v0 on CPU1 (patched, 564d261687)",
        "spec: (0,1): one PTE write (slot 14 = R[1]), no default load, CR3, full lgdt at "
        "0xFFFF820000000000;",
        "      lgdt = 1.",
        "",
    ]


def test_hook_register_panels_builds_the_comparison_table(
    seed_run: tuple[CheckReport, CheckContext],
) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Static

    report, context = seed_run
    result = report.results[NAME]
    panels: list[PanelSpec] = []
    gdt_plugin.register_panels(panels.append)
    (panel,) = panels
    assert (panel.id, panel.title, panel.where) == ("gdt-sim", "GDT simulator", "review")
    assert panel.applies is not None and panel.applies(context)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield panel.build(context, result)

    async def look() -> tuple[list[list[str]], str]:
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            table = app.query_one("#gdt-sim-comparison", DataTable)
            rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
            notes = str(app.query_one("#gdt-sim-notes", Static).render())
            return rows, notes

    rows, notes = asyncio.run(look())
    assert isinstance(result, GdtResult) and result.comparison is not None
    counts = result.comparison.counts
    assert [row[0] for row in rows] == [
        "ispv", "is_32bit_loads", "percpu_reads", "percpu_writes", "virt_to_mfn", "mkl1e",
        "pvgp", "pte_writes", "lgdt", "cr3_writes", "lldt", "cycles",
    ]  # fmt: skip
    virt_to_mfn = rows[4]
    assert virt_to_mfn == [
        "virt_to_mfn",
        f"{counts['base']['virt_to_mfn']:,}",
        "0",
        f"-{counts['base']['virt_to_mfn']:,}",
    ]
    assert rows[8][3] == "0"  # lgdt: unchanged
    assert "bound at 10^6 switches/s on every pCPU: 2.32 CPU·s = 3.1%" in notes
    assert "warning: the modelled saving of 13.1 cycles" in notes


# --- the behaviour summary ------------------------------------------------------------------------


def test_behaviour_summary_flags_a_real_difference() -> None:
    # T17 (two reserved pages) played as if it were Xen's configuration: patched fails I3.
    outcomes = {
        "T5": {v: run_scenario("T5", v) for v in ("base", "patched")},
        "T17": {v: run_scenario("T17", v) for v in ("base", "patched")},
    }
    for outcome in outcomes["T17"].values():
        for case in outcome.cases:
            assert case.result.machine is not None
            case.result.machine.config = type(case.result.machine.config)(
                case.result.machine.config.topology, outcome.variant
            )
    summary = behaviour_summary(outcomes)
    assert [(d.scenario, d.kind) for d in summary.differences] == [
        ("T5", "transient"),
        ("T17", "behaviour"),
    ]
    assert not summary.preserving
    same: BehaviourSummary = run_behaviour(names=("T2", "T3"))
    assert (same.same, same.differences, same.preserving) == (("T2", "T3"), (), True)
