"""`reviewbot perf compare A B … [--json]`: files of raw samples compared like ministat."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from reviewbot.config import load_settings
from reviewbot.errors import SpecError
from reviewbot.pluginmanager import current_host
from reviewbot_perf_compare.render import compare_lines
from reviewbot_perf_compare.samplefile import read_samples
from reviewbot_perf_compare.settings import chosen_confidence
from reviewbot_perf_compare.stats import Summary, compare, ministat_text


def run_compare(args: argparse.Namespace) -> int:
    """Read every file, compare each with the first, print the table, verdicts and plot."""
    if len(args.files) < 2:
        raise SpecError("perf compare needs two or more sample files", "e.g. before.txt after.txt")
    if args.column < 1:
        raise SpecError(f"--column {args.column} is not a column", "columns count from 1")
    settings = load_settings(args.overrides, plugin_settings=current_host().settings())
    confidence = chosen_confidence(args, settings)
    samples = [read_samples(Path(name), args.column) for name in args.files]
    summaries = [Summary.of(s) for s in samples]
    comparisons = [compare(summaries[0], other, confidence) for other in summaries[1:]]
    if args.json:
        document = {
            "confidence": confidence,
            "files": [
                {"file": name, "samples": list(s), **asdict(summary)}
                for name, s, summary in zip(args.files, samples, summaries, strict=True)
            ],
            "comparisons": [
                {
                    "reference": args.files[0],
                    "file": name,
                    "summary": ministat_text(comparison),
                    **_comparison_json(comparison),
                }
                for name, comparison in zip(args.files[1:], comparisons, strict=True)
            ],
        }
        print(json.dumps(document, indent=2))
    else:
        print("\n".join(compare_lines(args.files, summaries, comparisons, samples)))
    return 0


def _comparison_json(comparison: object) -> dict[str, object]:
    data = asdict(comparison)  # type: ignore[call-overload]
    data.pop("reference", None)
    data.pop("other", None)
    return dict(data)
