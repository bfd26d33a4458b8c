"""`reviewbot gdt-sim`: scenarios, workloads, faults, --list, --json and bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reviewbot.cli import main
from tests.support.checking import FIXTURES

SEED = str(FIXTURES / "mail" / "seed-gdt.mbox")
#: The keys the issue names for `--json`.
SHAPE = {
    "variant",
    "scenario",
    "invariants",
    "violations",
    "hazards",
    "counts",
    "cycles",
    "explained_fraction",
}
INVARIANT_NAMES = [f"I{n}" for n in range(1, 15)]


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["gdt-sim", *argv, "--json"])
    captured = capsys.readouterr()
    assert captured.err == ""
    return code, json.loads(captured.out)


def test_t5_json_shows_the_default_gdt_base_loads_and_patched_does_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    views = {}
    for variant in ("base", "patched"):
        code, document = run_json(capsys, "--scenario", "T5", "--variant", variant)
        assert code == 0
        assert set(document) >= SHAPE
        assert (document["variant"], document["scenario"]) == (variant, "T5")
        assert document["as_expected"] is True
        assert list(document["invariants"]) == INVARIANT_NAMES
        assert document["violations"] == [] and document["hazards"] == []
        assert document["explained_fraction"] is None
        counts = document["counts"]
        assert isinstance(counts, dict)
        assert (counts["lgdt"], counts["lgdt_default"], counts["lgdt_full"]) == (3, 1, 2)
        assert counts["virt_to_mfn"] == (2 if variant == "base" else 0)
        (case,) = document["cases"]
        views[variant] = {
            (v["step"], v["point"]): (v["frames"], v["passes"]) for v in case["nmi_views"]
        }
    assert views["base"][(1, "default")] == (["C[2]"], True)
    assert views["patched"][(1, "default")] == (["R[2]"], True)
    assert views["base"][(1, "full")] == views["patched"][(1, "full")] == (["C[2]"], True)
    differing = sorted(k for k in views["base"] if views["base"][k] != views["patched"][k])
    assert differing == [(1, "cr3"), (1, "default")]


def test_a_random_workload_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json(capsys, "--workload", "random", "--switches", "2000")
    assert code == 0
    assert set(document) >= SHAPE
    assert (document["variant"], document["scenario"]) == ("patched", None)
    invariants = document["invariants"]
    assert isinstance(invariants, dict) and list(invariants) == INVARIANT_NAMES
    assert set(invariants.values()) == {"pass", "n/a"}
    assert [name for name, state in invariants.items() if state == "n/a"] == ["I12"]
    assert document["violations"] == []
    workload = document["workload"]
    assert isinstance(workload, dict)
    assert (workload["name"], workload["cpus"]) == ("random", 4)
    parameters = {p["name"]: p["value"] for p in workload["parameters"]}
    assert parameters["switches"] == 2000
    assert workload["events"] > 2000  # VM exits, NMIs, hot-plug and resume come on top
    comparison = document["comparison"]
    assert isinstance(comparison, dict)
    assert (comparison["reference"], comparison["subject"]) == ("base", "patched")
    counts = comparison["counts"]
    assert counts["patched"] == document["counts"]
    assert counts["patched"]["virt_to_mfn"] == 0
    assert counts["base"]["virt_to_mfn"] == comparison["pv_switches"] > 0
    assert counts["base"]["lgdt"] == counts["patched"]["lgdt"]
    rows = {row["op"]: row for row in comparison["rows"]}
    assert rows["cycles"]["patched"] == document["cycles"]
    assert rows["cycles"]["change"] < 0
    fraction = document["explained_fraction"]
    assert isinstance(fraction, float) and 0 < fraction < 0.05
    explanation = document["explanation"]
    assert isinstance(explanation, dict) and explanation["explained_fraction"] == fraction
    assert document["measured"] == {
        "delta_wall_s": -9.51,
        "elapsed_s": 66.51,
        "pcpus": 4,
        "source": "Juergen Gross's table in the seed thread",
        "by": "Juergen Gross",
    }
    assert sum(document["classes"].values()) == document["counts"]["full_switches"]


def test_an_injected_fault_scenario_is_as_expected_when_it_breaks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, document = run_json(capsys, "--inject", "no-flush-handshake", "--scenario", "T12")
    assert code == 0
    assert document["as_expected"] is True
    invariants = document["invariants"]
    assert isinstance(invariants, dict)
    assert [n for n, state in invariants.items() if state == "fail"] == ["I3", "I4", "I7"]
    violations = document["violations"]
    assert isinstance(violations, list) and {v["invariant"] for v in violations} == {
        "I3",
        "I4",
        "I7",
    }
    assert document["cases"][0]["faults"] == ["no-flush-handshake"]


def test_a_fault_in_a_workload_fails_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json(
        capsys, "--workload", "random", "--switches", "2000", "--inject", "no-tlb-flush"
    )
    assert code == 1
    assert document["invariants"]["I13"] == "fail"
    assert document["faults"] == ["no-tlb-flush"]
    assert document["violation_count"] >= len(document["violations"]) > 0


def test_the_workload_report_in_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gdt-sim", "--switches", "4000", "--variant", "base"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "gdt-sim: base (12dce7ea5a) over juergen: 4,000 events, 0.5 s simulated, invariants checked"
    )
    assert "Operations, base against patched (cycles = Σ count × cycles/op, 3 GHz):" in out
    assert any(line.startswith("  operation ") and line.split()[1:3] == ["base", "patched"]
               for line in out)  # fmt: skip
    assert "Invariants (base):" in out
    assert "  I11 n/a       the cached l1e match virt_to_mfn of the tables, are non-zero, and " \
        "postdate" in out  # fmt: skip
    assert "Violations: none" in out
    assert "  (no SPEC given: the measured delta is the seed's table)" in out
    assert max(len(line) for line in out) <= 100
    assert any(line.startswith("  lgdt               37   LGDT m16:32 on AMD K8") for line in out)


def test_a_spec_supplies_the_measured_delta(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json(capsys, SEED, "-q", "--switches", "2000")
    assert code == 0
    assert document["measured"] == {
        "delta_wall_s": pytest.approx(-9.51),
        "elapsed_s": 66.51,
        "pcpus": 8,
        "source": "Juergen Gross's elapsed 66.51 → 57.00 s (Unpatched → Patched) in "
        "<b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com>",
        "by": "Juergen Gross",
    }
    assert document["measured_note"] == "the measured delta is the thread's (read by perf-compare)"


def test_no_check_counts_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json(capsys, "--workload", "random", "--switches", "500", "--no-check")
    assert code == 0
    assert set(document["invariants"].values()) == {"unchecked"}
    counts = document["comparison"]["counts"]
    assert counts["base"]["lgdt"] == counts["patched"]["lgdt"]


def test_list_names_the_scenarios_and_the_faults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gdt-sim", "--list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "Scenarios (gdt-model §7; --scenario NAME):",
        "  T1   boot: CPU2 after cpu_init",
        "  T2   I1 -> A.v0 on CPU1",
    ]
    assert "  T12  T11 without the flush hand-off [injects no-flush-handshake]" in out
    assert "Faults (--inject FAULT):" in out
    assert (
        "  no-default-lgdt     never load the default GDT before the CR3 switch: the 2005 NMI "
        "race (T13)" in out
    )
    assert out[-2:] == [
        "Variants (--variant): base (12dce7ea5a), patched (564d261687), followup1 (1464c4cdd7)",
        "Workloads (--workload): juergen (gdt-model §6.4), random",
    ]
    code, document = run_json(capsys, "--list")
    assert code == 0
    assert [s["name"] for s in document["scenarios"]] == [f"T{n}" for n in range(1, 26)]
    assert "no-flush-handshake" in document["faults"]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["--scenario", "T26"],
            "unknown scenario 'T26'; pick from: T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, "
            "T12, T13, T14, T15, T16, T17, T18, T19, T20, T21, T22, T23, T24, T25",
        ),
        (["--variant", "v2"], "unknown variant 'v2'; pick from: base, patched, followup1"),
        (
            ["--inject", "no-flush", "--scenario", "T12"],
            "unknown fault no-flush; pick from: early-bsp-l1e, flavour-mismatch, "
            "no-default-lgdt, no-flush-handshake, no-tlb-flush, no-xpti-copy, pdx-no-guard, "
            "stale-l1e-cache, zero-bsp-l1e",
        ),
        (["--switches", "0"], "--switches 0 is below 1; e.g. --switches 2000"),
        (
            ["--scenario", "T3", "--inject", "pdx-no-guard"],
            "--inject pdx-no-guard needs a multi-page GDT and its own PDX layout; "
            "run it as --scenario T18",
        ),
        (["--workload", "idle"], "unknown workload 'idle'; pick from: juergen, random"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    assert main(["gdt-sim", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"reviewbot: error: {error}\n"
