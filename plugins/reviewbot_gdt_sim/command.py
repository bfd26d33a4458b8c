"""The `reviewbot gdt-sim` command: replay a workload or run a scenario on a variant.

The work is done in `reviewbot_gdt_sim.cli_run`, imported only when the command runs.
"""

from __future__ import annotations

import argparse

from reviewbot.extensions import CommandSpec

EPILOG = """\
Without --scenario, the workload (default: Juergen Gross's, gdt-model §6.4) is replayed on the
variant with every invariant checked, next to the other variant over the same trace: the
operation counts and modelled cycles of base against patched, the switches by (P,N,S) class,
every latency with its source, the workload's parameters, the invariants I1-I14, violations,
the stray-selector hazard I15, and the plausibility bound of gdt-model §6.3: the fraction of a
measured delta the modelled saving explains. The measured delta comes from SPEC's thread (read
by perf-compare) when a SPEC is given, else from the seed's table.

With --scenario, the scenario's cases run with their expectations.

Exit status: 0 when every checked invariant holds, or for a scenario when its outcome is what
the spec expects (a fault-injection scenario such as T12 is as expected when the violations it
should show appear); 1 when not; 2 for bad input (unknown scenario, variant or fault, or
--switches below 1)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`gdt-sim [SPEC] [--variant V] [--scenario T] [--workload W] [--seed N] …`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument(
        "spec",
        nargs="?",
        metavar="SPEC",
        help="a thread whose measured wall-time change the modelled saving is weighed against "
        "(archive page URL, lore URL, Message-ID, mbox, maildir, .eml or format-patch "
        "directory)",
    )
    parser.add_argument(
        "--msgid", metavar="ID", help="the thread of this Message-ID when SPEC holds several"
    )
    parser.add_argument("--offline", action="store_true", help="answer from the local store only")
    parser.add_argument(
        "--variant",
        default="patched",
        metavar="V",
        help="base (12dce7ea5a), patched (564d261687, the default) or followup1 (1464c4cdd7)",
    )
    parser.add_argument("--scenario", metavar="T", help="run scenario T1-T25 instead")
    parser.add_argument(
        "--workload", default="juergen", metavar="W", help="juergen (the default) or random"
    )
    parser.add_argument(
        "--seed", type=int, metavar="N", help="seed of the trace (setting gdt-sim.seed)"
    )
    parser.add_argument(
        "--switches",
        type=int,
        metavar="N",
        help="scheduling events in the trace (setting gdt-sim.switches; default: the "
        "workload's own)",
    )
    parser.add_argument(
        "--inject",
        action="append",
        default=[],
        metavar="FAULT",
        help="inject a fault (repeatable; --list names them)",
    )
    parser.add_argument(
        "--no-check",
        dest="check",
        action="store_false",
        help="count only: no invariants (faster)",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and the faults")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    """Run the command (see `reviewbot_gdt_sim.cli_run`)."""
    from reviewbot_gdt_sim.cli_run import run_gdt_sim

    return run_gdt_sim(args)


GDT_COMMAND = CommandSpec(
    name="gdt-sim",
    help="simulate Xen's GDT handling across context switches, base against patched",
    add_arguments=add_arguments,
    run=run,
    description="Replay a workload or a scenario (T1-T25 of gdt-model §7) on a model of "
    "Xen's per-CPU GDTs and __context_switch() in three variants (base, patched, followup1), "
    "check the invariants I1-I14, report the stray-selector hazard I15, and weigh the "
    "modelled saving against a measured speed-up.",
)
