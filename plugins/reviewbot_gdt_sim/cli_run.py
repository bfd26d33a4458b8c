"""`reviewbot gdt-sim`: check the options, run a workload or a scenario, print it (or JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace

from reviewbot.cli import report_plugin_problems
from reviewbot.config import load_settings
from reviewbot.errors import ConfigError
from reviewbot.pluginmanager import current_host
from reviewbot_gdt_sim.cost import SEED_MEASUREMENT, Measured, latencies
from reviewbot_gdt_sim.faults import FAULTS
from reviewbot_gdt_sim.machine import VARIANTS
from reviewbot_gdt_sim.scenarios import SCENARIOS, run_scenario
from reviewbot_gdt_sim.settings import SimSettings, sim_settings

WORKLOAD_NAMES = ("juergen", "random")


@dataclass(frozen=True)
class Choices:
    """The checked options of one run."""

    variant: str
    scenario: str | None
    workload: str
    seed: int
    switches: int | None
    faults: frozenset[str]
    checked: bool


def choices(args: argparse.Namespace, settings: SimSettings) -> Choices:
    """The options, checked: one-line errors (exit 2) naming the valid values."""
    variant = str(args.variant).lower()
    if variant not in VARIANTS:
        raise ConfigError(f"unknown variant {args.variant!r}", f"pick from: {', '.join(VARIANTS)}")
    scenario = None
    if args.scenario is not None:
        scenario = str(args.scenario).upper()
        if scenario not in SCENARIOS:
            raise ConfigError(
                f"unknown scenario {args.scenario!r}", f"pick from: {', '.join(SCENARIOS)}"
            )
    workload = str(args.workload).lower()
    if workload not in WORKLOAD_NAMES:
        raise ConfigError(
            f"unknown workload {args.workload!r}", f"pick from: {', '.join(WORKLOAD_NAMES)}"
        )
    unknown = sorted(set(args.inject) - FAULTS.keys())
    if unknown:
        raise ConfigError(
            f"unknown fault {', '.join(unknown)}", f"pick from: {', '.join(sorted(FAULTS))}"
        )
    if "pdx-no-guard" in args.inject and scenario != "T18":
        raise ConfigError(
            "--inject pdx-no-guard needs a multi-page GDT and its own PDX layout",
            "run it as --scenario T18",
        )
    if args.switches is not None and args.switches < 1:
        raise ConfigError(f"--switches {args.switches} is below 1", "e.g. --switches 2000")
    if args.seed is not None and args.seed < 0:
        raise ConfigError(f"--seed {args.seed} is negative", "e.g. --seed 1")
    switches = args.switches if args.switches is not None else settings.switches or None
    return Choices(
        variant=variant,
        scenario=scenario,
        workload=workload,
        seed=args.seed if args.seed is not None else settings.seed,
        switches=switches,
        faults=frozenset(args.inject),
        checked=bool(args.check),
    )


def run_gdt_sim(args: argparse.Namespace) -> int:
    """List, run a scenario, or replay a workload; the exit status says whether all held."""
    from reviewbot_gdt_sim import render

    host = current_host()
    loaded = load_settings(args.overrides, plugin_settings=host.settings())
    report_plugin_problems(host)
    settings = sim_settings(loaded)
    chosen = choices(args, settings)
    if args.list:
        if args.json:
            print(json.dumps(render.list_json(), indent=2, ensure_ascii=False))
        else:
            print("\n".join(render.list_lines()))
        return 0
    costs = latencies(dict(settings.latency_overrides), settings.l1tf_vulnerable)
    if chosen.scenario is not None:
        outcome = run_scenario(
            chosen.scenario, chosen.variant, chosen.faults, chosen.seed, chosen.switches
        )
        if args.json:
            document = render.scenario_json(outcome, costs)
            print(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            print("\n".join(render.scenario_lines(outcome, costs)))
        return 0 if outcome.as_expected else 1
    from reviewbot_gdt_sim.analysis import compare_variants
    from reviewbot_gdt_sim.workload import make_workload

    workload = make_workload(chosen.workload, chosen.seed, switches=chosen.switches)
    measured, note = _measured(args, loaded, workload.topology.cpus)
    comparison = compare_variants(
        workload,
        costs,
        measured,
        variant=chosen.variant,
        checked=chosen.checked,
        faults=chosen.faults,
        ghz=settings.ghz,
        bound_rate=settings.bound_rate,
    )
    if args.json:
        document = render.workload_json(comparison, costs, chosen.faults, note)
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print("\n".join(render.workload_lines(comparison, chosen.faults, note)))
    return 0 if comparison.run.passed else 1


def _measured(args: argparse.Namespace, loaded: object, pcpus: int) -> tuple[Measured, str]:
    """The measured delta: SPEC's thread's wall time via perf-compare, else the seed's table."""
    seed = replace(SEED_MEASUREMENT, pcpus=pcpus)
    if args.spec is None:
        return seed, "no SPEC given: the measured delta is the seed's table"
    from reviewbot_perf_compare.result import analyse_thread

    from reviewbot.commands.thread import fetch_thread
    from reviewbot.config import Settings
    from reviewbot_gdt_sim.analysis import measured_from

    assert isinstance(loaded, Settings)
    fetched, _ = fetch_thread(args)
    for warning in fetched.warnings:
        print(f"reviewbot: warning: {warning}", file=sys.stderr)
    found = measured_from(analyse_thread(fetched.thread, loaded), pcpus)
    if found is None:
        return seed, "the thread quotes no wall-time figure: the measured delta is the seed's table"
    return found, "the measured delta is the thread's (read by perf-compare)"
