"""Scenarios T1-T25 of the GDT model, each with the outcome gdt-model §7 lists.

Every scenario runs on base, patched and followup1 and must come out as the spec says
(`as_expected`); the tests below also read the decisive facts straight from the runs, so a
scenario whose own expectations were wrong would still be caught.
"""

from __future__ import annotations

import pytest
from reviewbot_gdt_sim.scenarios import SCENARIOS, ScenarioOutcome, run_scenario

VARIANTS = ("base", "patched", "followup1")
SMALL = [name for name in SCENARIOS if name not in ("T24", "T25")]


def failed(outcome: ScenarioOutcome) -> set[str]:
    return {name for name, state in outcome.invariants.items() if state == "fail"}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", SMALL)
def test_scenario_comes_out_as_the_spec_says(name: str, variant: str) -> None:
    outcome = run_scenario(name, variant)
    bad = [f"{e.what}: {e.actual}" for e in outcome.expectations if not e.ok]
    assert bad == []
    assert outcome.as_expected
    assert outcome.expectations


def test_there_are_25_scenarios_with_titles_and_spec_text() -> None:
    assert list(SCENARIOS) == [f"T{i}" for i in range(1, 26)]
    assert all(s.title and s.spec for s in SCENARIOS.values())


def test_t5_only_the_transient_default_gdt_differs() -> None:
    base, patched = run_scenario("T5", "base"), run_scenario("T5", "patched")
    views = {}
    for outcome in (base, patched):
        result = outcome.cases[0].result
        views[outcome.variant] = [(v.point, v.frames) for v in result.nmi_views if v.step == 1]
        assert all(v.passes for v in result.nmi_views)
        assert failed(outcome) == set()
    # Before the PTE write A.v1's full GDT is live (R[2]); the default GDT is a directmap
    # address, so it survives the CR3 switch; the full lgdt then shows B.v0's slot 14.
    assert views["base"] == [
        ("pte", ("R[2]",)),
        ("default", ("C[2]",)),
        ("cr3", ("C[2]",)),
        ("full", ("C[2]",)),
    ]
    assert views["patched"] == [
        ("pte", ("R[2]",)),
        ("default", ("R[2]",)),
        ("cr3", ("R[2]",)),
        ("full", ("C[2]",)),
    ]
    end = [(o.cases[0].result.machine.cpus[2].gdtr_base) for o in (base, patched)]  # type: ignore[union-attr]
    assert end == [0xFFFF820000000000, 0xFFFF820000000000]


@pytest.mark.parametrize("variant", VARIANTS)
def test_fault_scenarios_show_their_violations(variant: str) -> None:
    assert {"I4", "I7"} <= failed(run_scenario("T12", variant))
    assert {"I7", "I8"} <= failed(run_scenario("T13", variant))
    assert {"I3", "I5"} <= failed(run_scenario("T21", variant))
    assert "I3" in failed(run_scenario("T18", variant))
    t22 = run_scenario("T22", variant)
    assert [failed_case(c) for c in t22.cases] == [set(), {"I3", "I5", "I9"}]


def failed_case(case: object) -> set[str]:
    result = case.result  # type: ignore[attr-defined]
    return {name for name, state in result.invariants.items() if state == "fail"}


def test_t15_and_t16_break_patched_and_leave_base_alone() -> None:
    t15 = {v: run_scenario("T15", v) for v in VARIANTS}
    assert [failed_case(c) for c in t15["patched"].cases] == [set(), {"I3", "I7", "I10", "I11"}]
    assert [failed_case(c) for c in t15["base"].cases] == [set(), {"I10"}]
    t16 = run_scenario("T16", "patched")
    assert [sorted(failed_case(c)) for c in t16.cases] == [
        [],
        ["I10", "I11", "I3", "I4", "I7", "I8"],
        ["I10", "I11", "I3", "I4", "I5", "I7", "I8"],
    ]
    assert [failed_case(c) for c in run_scenario("T16", "base").cases] == [set(), {"I10"}, {"I10"}]


def test_t17_two_reserved_pages_break_patched_only() -> None:
    assert failed(run_scenario("T17", "base")) == set()
    # I10 compares slot 14 and the GDTR only, and those agree; slot 15 is I3's business.
    assert failed(run_scenario("T17", "patched")) == {"I3"}


def test_t18_base_maps_wrong_frames_under_pdx_fault_injection() -> None:
    base = run_scenario("T18", "base")
    machine = base.cases[0].result.machine
    assert machine is not None
    vcpu = machine.vcpu("A", 0)
    assert [machine.slot_frame(vcpu, 14 + i) for i in range(4)] == [0, 1, 2, 3]
    assert machine.cpus[1].regular_mfns == [0, 1, 4, 5]


def test_t20_classifies_each_stray_load() -> None:
    outcome = run_scenario("T20", "patched")
    assert [h.outcome for h in outcome.cases[0].hazards] == ["loads", "#GP", "#NP", "loads", "#GP"]
    assert (
        outcome.cases[0]
        .hazards[2]
        .detail.endswith("the descriptor's type is loadable but it is not present")
    )


def test_unknown_scenario_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scenario 'T99'; pick from T1-T25"):
        run_scenario("T99")


def test_inject_adds_a_fault_to_a_healthy_scenario() -> None:
    outcome = run_scenario("T3", "patched", inject=frozenset({"flavour-mismatch"}))
    assert not outcome.as_expected
    assert {"I3", "I5"} <= failed(outcome)


@pytest.mark.parametrize("variant", VARIANTS)
def test_t24_followup1_matches_patched_over_a_random_trace_with_resume(variant: str) -> None:
    outcome = run_scenario("T24", variant, switches=4000)
    assert outcome.as_expected, [e for e in outcome.expectations if not e.ok]
    assert outcome.invariants["I12"] == "pass"
    assert any(e.what == "the trace includes S3 resume" and e.ok for e in outcome.expectations)


@pytest.mark.parametrize("variant", ("base", "patched"))
def test_t25_juergen_workload_holds_and_counts_agree(variant: str) -> None:
    outcome = run_scenario("T25", variant, switches=20_000)
    assert outcome.as_expected, [e for e in outcome.expectations if not e.ok]
    result = outcome.cases[0].result
    mine, partner = result.counts, result.partner_counts
    assert partner is not None
    base, patched = (mine, partner) if variant == "base" else (partner, mine)
    assert base["lgdt"] == patched["lgdt"] and base["cr3_writes"] == patched["cr3_writes"]
    assert patched["virt_to_mfn"] == patched["mkl1e"] == 0
    into_pv = sum(n for name, n in result.classes.items() if "N1" in name)
    assert base["virt_to_mfn"] == into_pv > 0
