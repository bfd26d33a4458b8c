"""The plugin's result for a checked series: relevance, variant, comparison, behaviour, facts.

`analyse_review` builds it from a `CheckContext`: whether the series touches the GDT or
context-switch code, which `__context_switch` variant it leads to, Juergen's workload (a
shortened replay, `gdt-sim.check_switches`) on that variant against base with the explained
fraction of the measured delta perf-compare found, and the scenarios T1-T23 on both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewbot.checkcontext import CheckContext
from reviewbot_gdt_sim.analysis import (
    BehaviourSummary,
    Comparison,
    compare_variants,
    measured_from,
    run_behaviour,
)
from reviewbot_gdt_sim.detect import CODE_VARIANTS, VariantGuess, diff_files, relevance
from reviewbot_gdt_sim.hazards import Hazard
from reviewbot_gdt_sim.scenarios import ScenarioRuns
from reviewbot_gdt_sim.settings import SimSettings, sim_settings

#: A commit message that claims the `mfn + i` loop is broken by PDX compression.
_MFN_CLAIM = re.compile(r"mfn\s*\+\s*i\b|\bPDX\b", re.IGNORECASE)


@dataclass(frozen=True)
class LatentBug:
    """The "mfn + i" claim and what T18 (fault injected) and T19 (realistic PDX) show."""

    patches: tuple[int, ...]
    needs_fault: bool  # T18 shows the wrong frames only with the PDX guard off
    realistic_equal: bool  # T19: base and patched write the same PTE with a real PDX layout
    shown: str  # the frames T18's base maps
    true_frames: str  # the frames the GDT really occupies

    def to_json(self) -> dict[str, object]:
        """Plain data."""
        return {
            "patches": list(self.patches),
            "needs_fault": self.needs_fault,
            "realistic_equal": self.realistic_equal,
            "shown": self.shown,
            "true_frames": self.true_frames,
        }


@dataclass(frozen=True)
class GdtResult:
    """What gdt-sim found about a series."""

    relevant: bool
    reasons: tuple[str, ...] = ()
    guess: VariantGuess | None = None
    comparison: Comparison | None = None
    behaviour: BehaviourSummary | None = None
    measured_in_thread: bool = False
    latent_bug: LatentBug | None = None
    stray: tuple[Hazard, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Plain data for `check --json` and for other plugins."""
        from reviewbot_gdt_sim.render import comparison_json

        guess = self.guess
        return {
            "relevant": self.relevant,
            "reasons": list(self.reasons),
            "variant": None
            if guess is None
            else {
                "variant": guess.variant,
                "source": guess.source,
                "evidence": list(guess.evidence),
                "warnings": list(guess.warnings),
            },
            "comparison": None if self.comparison is None else comparison_json(self.comparison),
            "measured_in_thread": self.measured_in_thread,
            "behaviour": None if self.behaviour is None else self.behaviour.to_json(),
            "latent_bug": None if self.latent_bug is None else self.latent_bug.to_json(),
            "stray_selectors": [h.to_json() for h in self.stray],
        }


def analyse_review(context: CheckContext) -> GdtResult:
    """The whole analysis of a checked series (see the module docstring)."""
    files = [f for patch in context.review.patches for f in diff_files(patch)]
    touched = relevance(files)
    if not touched.relevant:
        return GdtResult(relevant=False)
    settings = sim_settings(context.settings)
    from reviewbot_gdt_sim.detect import variant_of_review

    guess = variant_of_review(context)
    if guess.variant not in CODE_VARIANTS:
        return GdtResult(True, touched.reasons, guess)
    comparison, in_thread = _compare(context, guess.variant, settings)
    runs = ScenarioRuns(settings.seed)
    behaviour = None
    if guess.variant != "base":
        behaviour = run_behaviour(guess.variant, runs=runs)
    return GdtResult(
        relevant=True,
        reasons=touched.reasons,
        guess=guess,
        comparison=comparison,
        behaviour=behaviour,
        measured_in_thread=in_thread,
        latent_bug=_latent_bug(context, runs),
        stray=_stray(comparison, runs),
    )


def _compare(context: CheckContext, variant: str, settings: SimSettings) -> tuple[Comparison, bool]:
    from reviewbot_gdt_sim.cost import SEED_MEASUREMENT, latencies
    from reviewbot_gdt_sim.workload import make_workload

    workload = make_workload("juergen", settings.seed, switches=settings.check_switches)
    measured = measured_from(context, workload.topology.cpus)
    comparison = compare_variants(
        workload,
        latencies(dict(settings.latency_overrides), settings.l1tf_vulnerable),
        measured if measured is not None else SEED_MEASUREMENT,
        variant=variant,
        ghz=settings.ghz,
        bound_rate=settings.bound_rate,
    )
    return comparison, measured is not None


def _stray(comparison: Comparison, runs: ScenarioRuns) -> tuple[Hazard, ...]:
    """I15: what the workload exposed, and T20's stray loads classified."""
    found = list(comparison.run.hazards)
    found += [h for h in runs.get("T20", comparison.variant).hazards]
    return tuple(dict.fromkeys(found))


def _latent_bug(context: CheckContext, runs: ScenarioRuns) -> LatentBug | None:
    """The claim, when a patch's commit message makes it, weighed by T18 and T19."""
    claiming = tuple(
        review.patch.index
        for review in context.review.patches
        if _MFN_CLAIM.search(review.patch.body.message)
    )
    if not claiming:
        return None
    faulted = runs.get("T18", "base")
    realistic = [runs.get("T19", v) for v in ("base", "patched")]
    needs_fault = all(case.faults for case in faulted.cases) and "fail" in (
        faulted.invariants.get("I3"),
    )
    shown = "; ".join(e.actual for e in faulted.expectations if e.what.startswith("frames"))
    true = "; ".join(e.actual for e in faulted.expectations if e.what.startswith("true frames"))
    return LatentBug(
        patches=claiming,
        needs_fault=needs_fault,
        realistic_equal=all(o.as_expected for o in realistic)
        and all("fail" not in o.invariants.values() for o in realistic),
        shown=shown,
        true_frames=true,
    )
