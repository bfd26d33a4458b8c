"""The `reviewbot perf` command: `show` (the default), `compare` and `run`.

`reviewbot perf SPEC` is short for `reviewbot perf show SPEC`. Each action's module is
imported only when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from reviewbot.cli import add_spec_options, common_options, merge_common_options
from reviewbot.extensions import CommandSpec

SHOW = "show"
_PREFIX = "action_"


class _AnyWord(dict[str, argparse.ArgumentParser]):
    """The actions by name; once `opened`, argparse's choice check lets any word by (a SPEC)."""

    opened = False

    def __contains__(self, key: object) -> bool:
        return self.opened or super().__contains__(key)


class _ShowByDefault(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Sub-actions where a first word that names no action is the SPEC of `show`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_parser_map = _AnyWord()
        self.choices = self._name_parser_map

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        words = list(values or [])
        if words and words[0] not in list(self._name_parser_map):
            words.insert(0, SHOW)
        super().__call__(parser, namespace, words, option_string)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`perf [show] SPEC`, `perf compare A B …`, `perf run SPEC --tree DIR --cmd CMD`."""
    parser.register("action", "parsers", _ShowByDefault)
    actions = parser.add_subparsers(dest="perf_action", metavar="ACTION", required=True)
    common = common_options(_PREFIX)

    show = actions.add_parser(
        SHOW,
        parents=[common],
        help="the figures a thread quotes, judged (the default action)",
        description="Extract the performance figures quoted in a thread (tables, X -> Y, "
        "perf stat, hyperfine, ministat, bloat-o-meter), judge them, and list the runs "
        "measured for it with `perf run`.",
    )
    add_spec_options(show)
    _add_common_choices(show)

    compare = actions.add_parser(
        "compare",
        parents=[common],
        help="compare files of raw samples, as ministat does",
        description="Compare files of raw samples (one number per line, # comments) with "
        "Student's t, each against the first, like ministat.",
    )
    compare.add_argument("files", nargs="+", metavar="FILE", help="sample files (2 or more)")
    compare.add_argument(
        "-C", "--column", type=int, default=1, help="the column to read (from 1; default 1)"
    )
    _add_common_choices(compare)

    run = actions.add_parser(
        "run",
        parents=[common],
        help="measure a command before and after the series",
        description="Apply the series in a temporary worktree, check out the base and the "
        "result side by side, run the command alternately in both after warm-up, and "
        "compare wall, user and system time and peak RSS. Samples are kept in the store "
        "as they are taken; the checkout is never touched.",
    )
    add_spec_options(run)
    run.add_argument("--tree", required=True, metavar="DIR", help="the git tree to apply to")
    run.add_argument("--base", metavar="REV", help="apply on REV (default: detected)")
    run.add_argument("--cmd", required=True, metavar="CMD", help="the command to measure (sh)")
    run.add_argument("-n", "--runs", type=int, metavar="N", help="runs per tree (setting)")
    run.add_argument("--warmup", type=int, metavar="K", help="warm-up rounds (setting)")
    run.add_argument(
        "-v", "--version", dest="version", metavar="N", help="the version to take (default: newest)"
    )
    _add_common_choices(run)
    names = actions._name_parser_map
    if isinstance(names, _AnyWord):
        names.opened = True


def _add_common_choices(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--confidence",
        type=float,
        metavar="PCT",
        help="confidence level: 80, 90, 95, 98, 99 or 99.5 (setting perf-compare.confidence)",
    )


def run(args: argparse.Namespace) -> int:
    """Dispatch to the action."""
    merge_common_options(args, _PREFIX)
    if args.perf_action == "compare":
        from reviewbot_perf_compare.cli_compare import run_compare

        return run_compare(args)
    if args.perf_action == "run":
        from reviewbot_perf_compare.cli_run import run_measure

        return run_measure(args)
    from reviewbot_perf_compare.cli_show import run_show

    return run_show(args)


PERF_COMMAND = CommandSpec(
    name="perf",
    help="judge a thread's performance figures, compare samples, measure a series",
    add_arguments=add_arguments,
    run=run,
    description="`reviewbot perf SPEC` shows and judges the figures a thread quotes; "
    "`perf compare A B` compares raw samples like ministat; `perf run SPEC --tree DIR "
    '--cmd "…"` measures the series against its base.',
)
