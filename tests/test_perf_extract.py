"""Figure extraction of the perf-compare plugin: every format, the negatives, and whole threads."""

from __future__ import annotations

import json
import math
import time

import pytest
from reviewbot_perf_compare.extract import Extraction, extract_text, extract_thread
from reviewbot_perf_compare.figures import (
    ARROW,
    HYPERFINE,
    MEAN,
    MEDIAN,
    MINIMUM,
    MINISTAT,
    PERF_STAT,
    SINGLE,
    TABLE,
    UNKNOWN,
    Figure,
    SizeEntry,
    SizeReport,
)
from reviewbot_perf_compare.metrics import (
    lower_is_better,
    normalise_unit,
    parse_number,
    parse_quantity,
    unit_of,
)
from reviewbot_perf_compare.prose import SampleInfo, derived_kind, describe, is_variant_label
from reviewbot_perf_compare.textparts import attribution_author, split_text

from reviewbot.mailtext import body_text
from reviewbot.models import Message
from reviewbot.threads import thread_of
from tests.support.checking import FIXTURES, SEED_ID, thread_from

PERF_FIXTURES = FIXTURES / "checks" / "perf-compare"
JUERGEN_ID = "b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com"

Row = tuple[str, float, float | None, int | None]


def variants(figure: Figure) -> list[Row]:
    """(name, value, stddev, n) of each variant."""
    return [(v.name, v.value, v.stddev, v.n) for v in figure.variants]


def kinds(figure: Figure) -> tuple[str, str, bool, bool | None, str, str]:
    """metric, unit, unit_assumed, lower_is_better, statistic, source."""
    return (
        figure.metric,
        figure.unit,
        figure.unit_assumed,
        figure.lower_is_better,
        figure.statistic,
        figure.source,
    )


def only_figures(text: str) -> list[Figure]:
    figures, sizes = extract_text(text)
    assert sizes == []
    return figures


# --- the seed thread ----------------------------------------------------------------------


def test_seed_thread_gives_juergens_table_and_andrews_bloat_o_meter_once() -> None:
    thread = thread_from(FIXTURES / "mail" / "seed-gdt.mbox", SEED_ID)
    result = extract_thread(thread)

    assert [kinds(f) for f in result.figures] == [
        ("elapsed", "s", True, True, MEAN, TABLE),
        ("user", "s", True, True, MEAN, TABLE),
        ("system", "s", True, True, MEAN, TABLE),
    ]
    assert [variants(f) for f in result.figures] == [
        [("Unpatched", 66.51, None, 5), ("Patched", 57.00, None, 5)],
        [("Unpatched", 232.93, None, 5), ("Patched", 225.47, None, 5)],
        [("Unpatched", 109.21, None, 5), ("Patched", 105.47, None, 5)],
    ]
    for figure in result.figures:
        assert (figure.author, figure.message_id, figure.quoted) == (
            "Juergen Gross",
            JUERGEN_ID,
            False,
        )
        assert (figure.line, figure.block) == (30, 1)
        assert (figure.stated_change, figure.stated_percent) == (None, None)
        assert figure.context.startswith("I did a small performance test with this patch")
        assert figure.context.endswith(
            "then took the average of 5 such builds (doing a make clean in between)."
        )

    assert result.sizes == (
        SizeReport(
            entries=(
                SizeEntry("cpu_smpboot_callback", 1152, 1456, 304),
                SizeEntry("per_cpu__gdt_table_l1e", None, 8, 8),
                SizeEntry("per_cpu__compat_gdt_table_l1e", None, 8, 8),
                SizeEntry("__context_switch", 1238, 1111, -127),
            ),
            added=2,
            removed=0,
            grown=1,
            shrunk=1,
            up=320,
            down=-127,
            net=193,
            total_before=3339227,
            total_after=3339420,
            change_percent=0.01,
            line=41,
            message_id=SEED_ID,
            author="Andrew Cooper",
            quoted=False,
            notes=(),
        ),
    )


def test_seed_quotes_are_found_but_count_only_once() -> None:
    thread = thread_from(FIXTURES / "mail" / "seed-gdt.mbox", SEED_ID)
    andrew_reply = thread.messages["6e1b8f0c-2d47-4a9e-b3d1-8c5f4e2a7b19@citrix.com"]
    parts = split_text(body_text(andrew_reply))
    assert [part.depth for part in parts] == [0, 1, 2]
    quoted_figures, _ = extract_text(parts[1].text)
    assert [(f.metric, f.line) for f in quoted_figures] == [
        ("elapsed", 16),
        ("user", 16),
        ("system", 16),
    ]
    assert {parts[1].author_at(16), parts[2].author_at(3)} == {"Juergen Gross", "Andrew Cooper"}
    assert len(extract_thread(thread).figures) == 3


def test_extraction_to_json_is_plain_data() -> None:
    thread = thread_from(FIXTURES / "mail" / "seed-gdt.mbox", SEED_ID)
    document = extract_thread(thread).to_json()
    assert json.loads(json.dumps(document)) == document
    first = document["figures"][0]
    assert first["variants"] == [
        {"name": "Unpatched", "value": 66.51, "stddev": None, "n": 5, "samples": []},
        {"name": "Patched", "value": 57.0, "stddev": None, "n": 5, "samples": []},
    ]
    assert (first["metric"], first["author"], first["unit_assumed"]) == (
        "elapsed",
        "Juergen Gross",
        True,
    )
    assert document["sizes"][0]["entries"][1] == {
        "name": "per_cpu__gdt_table_l1e",
        "old": None,
        "new": 8,
        "delta": 8,
    }
    assert document["sizes"][0]["notes"] == []
    assert Extraction().to_json() == {"figures": [], "sizes": []}


# --- tables -------------------------------------------------------------------------------

TRANSPOSED = """\
Hi Roger,

I repeated the domain create/destroy loop on the Rome box with and
without the series, mean of 10 runs:

                  before          after           delta
create [ms]       812.3 ± 4.1     701.9 ± 3.8     -110.4
destroy [ms]      240.1 ± 2.2     238.7 ± 2.9       -1.4

So creation is clearly faster, destruction is in the noise.
"""


def test_transposed_table_with_spread_cells_header_units_and_a_delta_column() -> None:
    figures = only_figures(TRANSPOSED)
    assert [kinds(f) for f in figures] == [
        ("create", "ms", False, True, MEAN, TABLE),
        ("destroy", "ms", False, True, MEAN, TABLE),
    ]
    assert [variants(f) for f in figures] == [
        [("before", 812.3, 4.1, 10), ("after", 701.9, 3.8, 10)],
        [("before", 240.1, 2.2, 10), ("after", 238.7, 2.9, 10)],
    ]
    assert [(f.stated_change, f.stated_percent) for f in figures] == [(-110.4, None), (-1.4, None)]
    assert [(f.line, f.block) for f in figures] == [(6, 1), (6, 1)]
    assert figures[0].context == (
        "Hi Roger, I repeated the domain create/destroy loop on the Rome box with and "
        "without the series, mean of 10 runs:"
    )


MARKDOWN = """\
As asked on the community call, here are the build numbers as a table
(n=7, median of each):

| tree           | elapsed (s) | user (s) | sys (s) |
|----------------|------------:|---------:|--------:|
| staging        |       66.51 |   232.93 |  109.21 |
| with series    |       57.00 |   225.47 |  105.47 |
| %              |      -14.3% |    -3.2% |   -3.4% |
"""


def test_markdown_table_with_rule_line_and_a_percent_row() -> None:
    figures = only_figures(MARKDOWN)
    assert [kinds(f) for f in figures] == [
        ("elapsed", "s", False, True, MEDIAN, TABLE),
        ("user", "s", False, True, MEDIAN, TABLE),
        ("sys", "s", False, True, MEDIAN, TABLE),
    ]
    assert [variants(f) for f in figures] == [
        [("staging", 66.51, None, 7), ("with series", 57.0, None, 7)],
        [("staging", 232.93, None, 7), ("with series", 225.47, None, 7)],
        [("staging", 109.21, None, 7), ("with series", 105.47, None, 7)],
    ]
    assert [(f.stated_change, f.stated_percent) for f in figures] == [
        (None, -14.3),
        (None, -3.2),
        (None, -3.4),
    ]
    assert figures[0].line == 4


def test_markdown_delta_row_with_percentages_in_brackets() -> None:
    text = """\
Folded into the commit message as Andrew asked:

|           | elapsed [s]    | user [s]      | system [s]    |
|-----------|----------------|---------------|---------------|
| Unpatched | 66.51          | 232.93        | 109.21        |
| Patched   | 57.00          | 225.47        | 105.47        |
| Δ         | −9.51 (−14.3%) | −7.46 (−3.2%) | −3.74 (−3.4%) |
"""
    figures = only_figures(text)
    assert [(f.metric, f.unit, f.unit_assumed) for f in figures] == [
        ("elapsed", "s", False),
        ("user", "s", False),
        ("system", "s", False),
    ]
    assert [(f.stated_change, f.stated_percent) for f in figures] == [
        (-9.51, -14.3),
        (-7.46, -3.2),
        (-3.74, -3.4),
    ]
    assert [[v.name for v in f.variants] for f in figures] == [["Unpatched", "Patched"]] * 3


DELTA_ROWS = """\
Boot to login prompt on the Arm Juno board, best of 3:

              boot [ms]   shutdown [ms]
baseline      1,234.5     456
this series   1,100.2     450
diff          -134.3      -6
"""


def test_rows_are_variants_with_a_delta_row_and_thousands_commas() -> None:
    figures = only_figures(DELTA_ROWS)
    assert [kinds(f) for f in figures] == [
        ("boot", "ms", False, True, MINIMUM, TABLE),
        ("shutdown", "ms", False, True, MINIMUM, TABLE),
    ]
    assert [variants(f) for f in figures] == [
        [("baseline", 1234.5, None, 3), ("this series", 1100.2, None, 3)],
        [("baseline", 456.0, None, 3), ("this series", 450.0, None, 3)],
    ]
    assert [(f.stated_change, f.stated_percent) for f in figures] == [(-134.3, None), (-6.0, None)]


TIME_OUTPUT = """\
`time make -j16 xen` on my Skylake box, averaged over 3 runs each:

                 w/o patch        w/ patch
real             1m2.3s           1m0.1s
elapsed          66.51s           57.00s (-14.3%)
sys              109.21 +/- 0.3   105.47 +- 0.2
"""


def test_cells_with_units_minutes_and_plus_minus_and_multi_word_labels() -> None:
    figures = only_figures(TIME_OUTPUT)
    assert [kinds(f) for f in figures] == [
        ("real", "s", False, True, MEAN, TABLE),
        ("elapsed", "s", False, True, MEAN, TABLE),
        ("sys", "s", True, True, MEAN, TABLE),
    ]
    assert [variants(f) for f in figures] == [
        [("w/o patch", 62.3, None, 3), ("w/ patch", 60.1, None, 3)],
        [("w/o patch", 66.51, None, 3), ("w/ patch", 57.0, None, 3)],
        [("w/o patch", 109.21, 0.3, 3), ("w/ patch", 105.47, 0.2, 3)],
    ]
    assert [f.stated_percent for f in figures] == [None, -14.3, None]


def test_sd_columns_and_parenthesised_spreads_named_by_the_header() -> None:
    text = """\
Netperf TCP_RR between two PV guests (transactions/s, mean of 5):

             trans/s   sd     latency [us]   sd
vanilla      18,204    212    54.9           0.6
patched      19,877    185    50.3           0.5

Build time in seconds:

             avg      stddev
unpatched:   66.51    (0.30)
patched:     57.00    (0.25)
"""
    figures = only_figures(text)
    assert [kinds(f) for f in figures] == [
        ("trans/s", "trans/s", False, False, MEAN, TABLE),
        ("latency", "us", False, True, MEAN, TABLE),
        ("build time", "s", False, True, MEAN, TABLE),
    ]
    assert [variants(f) for f in figures] == [
        [("vanilla", 18204.0, 212.0, 5), ("patched", 19877.0, 185.0, 5)],
        [("vanilla", 54.9, 0.6, 5), ("patched", 50.3, 0.5, 5)],
        [("unpatched", 66.51, 0.3, None), ("patched", 57.0, 0.25, None)],
    ]
    assert [f.block for f in figures] == [1, 1, 2]


def test_parenthesised_number_alone_is_no_spread() -> None:
    text = """\
Average of 4 runs, the number in brackets is the worst run:

            elapsed
old         66.51 (67.20)
new         57.00 (57.90)
"""
    figures = only_figures(text)
    assert [variants(f) for f in figures] == [[("old", 66.51, None, 4), ("new", 57.0, None, 4)]]


def test_neither_side_recognised_rows_are_variants_and_metric_rows_transpose() -> None:
    text = """\
Credit vs credit2 on the same box:

             boot time   build time
credit       12.3        66.5
credit2      11.8        64.1

And the other way around:

             credit      credit2
elapsed      66.5        64.1
user         232.9       230.0
"""
    figures = only_figures(text)
    assert [(f.metric, f.unit, f.unit_assumed, f.statistic) for f in figures] == [
        ("boot time", "", False, UNKNOWN),
        ("build time", "", False, UNKNOWN),
        ("elapsed", "s", True, UNKNOWN),
        ("user", "s", True, UNKNOWN),
    ]
    assert [variants(f) for f in figures] == [
        [("credit", 12.3, None, None), ("credit2", 11.8, None, None)],
        [("credit", 66.5, None, None), ("credit2", 64.1, None, None)],
        [("credit", 66.5, None, None), ("credit2", 64.1, None, None)],
        [("credit", 232.9, None, None), ("credit2", 230.0, None, None)],
    ]
    assert [f.block for f in figures] == [1, 1, 2, 2]


def test_throughput_table_is_higher_is_better() -> None:
    text = """\
fio randread 4k against a blkback-backed xvdb, 5 runs:

                 iops        bandwidth [MB/s]
unpatched        81,200      317.2
patched          94,650      369.7
"""
    figures = only_figures(text)
    assert [kinds(f) for f in figures] == [
        ("iops", "", False, False, UNKNOWN, TABLE),
        ("bandwidth", "MB/s", False, False, UNKNOWN, TABLE),
    ]
    assert [[v.n for v in f.variants] for f in figures] == [[5, 5], [5, 5]]


# --- X -> Y -------------------------------------------------------------------------------


def test_arrow_statements() -> None:
    text = """\
With this series on the Arm FVP:
  - elapsed: 66.51s -> 57.00s
  - build time 66.51 → 57.00 s, and throughput went from 1,234 to 1,456 ops/s
  - user 232.93 => 225.47, sys 109.21 -> 105.47
  - dom0 boot 1.2s -> 900ms
"""
    figures = only_figures(text)
    assert [kinds(f) for f in figures] == [
        ("elapsed", "s", False, True, SINGLE, ARROW),
        ("build time", "s", False, True, SINGLE, ARROW),
        ("throughput", "ops/s", False, False, SINGLE, ARROW),
        ("user", "s", True, True, SINGLE, ARROW),
        ("sys", "s", True, True, SINGLE, ARROW),
        ("dom0 boot", "s", False, True, SINGLE, ARROW),
    ]
    assert [variants(f) for f in figures] == [
        [("before", 66.51, None, None), ("after", 57.0, None, None)],
        [("before", 66.51, None, None), ("after", 57.0, None, None)],
        [("before", 1234.0, None, None), ("after", 1456.0, None, None)],
        [("before", 232.93, None, None), ("after", 225.47, None, None)],
        [("before", 109.21, None, None), ("after", 105.47, None, None)],
        [("before", 1.2, None, None), ("after", 0.9, None, None)],
    ]
    assert [(f.line, f.block) for f in figures] == [(2, 1), (3, 2), (3, 2), (4, 3), (4, 3), (5, 4)]


def test_arrow_statistic_and_count_from_the_prose() -> None:
    text = "Median of 9 runs of the hypercall loop: latency 412ns -> 380ns\n"
    (figure,) = only_figures(text)
    assert kinds(figure) == ("latency", "ns", False, True, MEDIAN, ARROW)
    assert variants(figure) == [("before", 412.0, None, 9), ("after", 380.0, None, 9)]


@pytest.mark.parametrize(
    "line",
    [
        "Bumped the minimum from Xen 4.12 -> 4.13 for this.",
        "QEMU 8.1.0 -> 8.2.0 fixed it",
        "66.51 => 57.00",
        "Scaling from 2 to 4 vcpus made no difference.",
        "    if ( v->arch.flags -> 0 ) p->count = 1 -> 2;",
        "Backported 2019-07-04 -> 2019-07-05.",
        "The series moves from 04.07.19 to 05.07.19.",
        "Rebased from 4.18.0 -> 4.19.0-rc2 and retested.",
    ],
)
def test_arrow_negatives(line: str) -> None:
    assert extract_text(line + "\n") == ([], [])


# --- perf stat ----------------------------------------------------------------------------

PERF_STAT_PAIR = """\
I ran the hypercall microbenchmark under perf stat in dom0, before:

 Performance counter stats for './hcall-bench -n 1000000' (5 runs):

         12,345.67 msec task-clock                #    0.999 CPUs utilized            ( +-  0.12% )
               432      context-switches          #    0.035 K/sec                    ( +-  2.10% )
    45,678,901,234      cycles                    #    3.700 GHz                      ( +-  0.05% )
     <not counted>      branch-misses                                                 (0.00%)
    98,765,432,109      instructions              #    2.16  insn per cycle           ( +-  0.01% )

      12.357812345 +- 0.014823 seconds time elapsed  ( +-  0.12% )

with the patch:

 Performance counter stats for './hcall-bench -n 1000000' (5 runs):

         11,002.10 msec task-clock                #    0.999 CPUs utilized            ( +-  0.20% )
               430      context-switches          #    0.039 K/sec                    ( +-  1.90% )
    40,708,770,000      cycles                    #    3.700 GHz                      ( +-  0.07% )
           123,456      branch-misses             #    0.01% of all branches          ( +-  3.00% )
    96,000,000,000      instructions              #    2.36  insn per cycle           ( +-  0.01% )

      11.013000000 +- 0.022000 seconds time elapsed  ( +-  0.20% )
"""


def test_perf_stat_pair_compares_common_events_with_labels() -> None:
    figures = only_figures(PERF_STAT_PAIR)
    root5 = math.sqrt(5)
    assert [kinds(f) for f in figures] == [
        ("task-clock", "ms", False, True, MEAN, PERF_STAT),
        ("context-switches", "", False, None, MEAN, PERF_STAT),
        ("cycles", "cycles", False, True, MEAN, PERF_STAT),
        ("instructions", "", False, True, MEAN, PERF_STAT),
        ("time elapsed", "s", False, True, MEAN, PERF_STAT),
    ]
    assert [variants(f) for f in figures] == [
        [
            ("before", 12345.67, 12345.67 * 0.12 / 100 * root5, 5),
            ("with the patch", 11002.10, 11002.10 * 0.20 / 100 * root5, 5),
        ],
        [
            ("before", 432.0, 432.0 * 2.10 / 100 * root5, 5),
            ("with the patch", 430.0, 430.0 * 1.90 / 100 * root5, 5),
        ],
        [
            ("before", 45678901234.0, 45678901234.0 * 0.05 / 100 * root5, 5),
            ("with the patch", 40708770000.0, 40708770000.0 * 0.07 / 100 * root5, 5),
        ],
        [
            ("before", 98765432109.0, 98765432109.0 * 0.01 / 100 * root5, 5),
            ("with the patch", 96000000000.0, 96000000000.0 * 0.01 / 100 * root5, 5),
        ],
        [
            ("before", 12.357812345, 0.014823 * root5, 5),
            ("with the patch", 11.013, 0.022 * root5, 5),
        ],
    ]
    assert {(f.line, f.block) for f in figures} == {(3, 1)}
    assert (
        figures[0].context == "I ran the hypercall microbenchmark under perf stat in dom0, before:"
    )


def test_perf_stat_single_runs_named_by_command_then_letters() -> None:
    text = """\
 Performance counter stats for 'xl create -q guest.cfg':

          1,802.44 msec task-clock                #    0.893 CPUs utilized

       2.018311402 seconds time elapsed

       0.412000000 seconds user
       1.390000000 seconds sys


 Performance counter stats for 'xl create -q guest-pvh.cfg':

          1,356.02 msec task-clock                #    0.912 CPUs utilized

       1.486700221 seconds time elapsed

       0.398000000 seconds user
       0.958000000 seconds sys
"""
    figures = only_figures(text)
    assert [kinds(f) for f in figures] == [
        ("task-clock", "ms", False, True, SINGLE, PERF_STAT),
        ("time elapsed", "s", False, True, SINGLE, PERF_STAT),
        ("user", "s", False, True, SINGLE, PERF_STAT),
        ("sys", "s", False, True, SINGLE, PERF_STAT),
    ]
    assert variants(figures[3]) == [
        ("xl create -q guest.cfg", 1.39, None, 1),
        ("xl create -q guest-pvh.cfg", 0.958, None, 1),
    ]
    assert variants(figures[1]) == [
        ("xl create -q guest.cfg", 2.018311402, None, 1),
        ("xl create -q guest-pvh.cfg", 1.486700221, None, 1),
    ]
    same_command = text.replace("guest-pvh.cfg", "guest.cfg")
    assert [v.name for v in only_figures(same_command)[0].variants] == ["A", "B"]


def test_older_perf_stat_format_and_a_label_at_the_end_of_a_sentence() -> None:
    text = """\
Old perf on the test box, base:

 Performance counter stats for 'xl list' (10 runs):

         15.123456      task-clock (msec)         #    0.874 CPUs utilized            ( +-  1.50% )
                 3      context-switches          #    0.198 K/sec                    ( +- 10.00% )

       0.017302345 seconds time elapsed                                          ( +-  1.43% )

new:

 Performance counter stats for 'xl list' (10 runs):

         12.000000      task-clock (msec)         #    0.874 CPUs utilized            ( +-  1.00% )
                 3      context-switches          #    0.198 K/sec                    ( +- 10.00% )

       0.013700000 seconds time elapsed                                          ( +-  1.00% )
"""
    figures = only_figures(text)
    root10 = math.sqrt(10)
    assert [(f.metric, f.unit) for f in figures] == [
        ("task-clock", "ms"),
        ("context-switches", ""),
        ("time elapsed", "s"),
    ]
    assert variants(figures[0]) == [
        ("base", 15.123456, 15.123456 * 1.50 / 100 * root10, 10),
        ("new", 12.0, 12.0 * 1.00 / 100 * root10, 10),
    ]
    assert variants(figures[2]) == [
        ("base", 0.017302345, 0.017302345 * 1.43 / 100 * root10, 10),
        ("new", 0.0137, 0.0137 * 1.00 / 100 * root10, 10),
    ]


def test_one_perf_stat_block_is_no_comparison_and_no_table() -> None:
    single = PERF_STAT_PAIR.split("with the patch:")[0]
    assert extract_text(single) == ([], [])


# --- hyperfine ----------------------------------------------------------------------------

HYPERFINE_RUN = """\
hyperfine --warmup 3 './xen-before/xl list' './xen-after/xl list':

Benchmark 1: ./xen-before/xl list
  Time (mean ± σ):      12.3 ms ±   0.4 ms    [User: 10.1 ms, System: 2.0 ms]
  Range (min … max):    11.8 ms …  13.5 ms    210 runs

Benchmark 2: ./xen-after/xl list
  Time (mean ± σ):      10.1 ms ±   0.3 ms    [User: 8.2 ms, System: 1.9 ms]
  Range (min … max):     9.7 ms …  11.0 ms    262 runs

Summary
  './xen-after/xl list' ran
    1.22 ± 0.05 times faster than './xen-before/xl list'
"""


def test_hyperfine_new_style() -> None:
    figures = only_figures(HYPERFINE_RUN)
    assert [kinds(f) for f in figures] == [
        ("time", "ms", False, True, MEAN, HYPERFINE),
        ("user", "ms", False, True, MEAN, HYPERFINE),
        ("system", "ms", False, True, MEAN, HYPERFINE),
    ]
    assert [variants(f) for f in figures] == [
        [("./xen-before/xl list", 12.3, 0.4, 210), ("./xen-after/xl list", 10.1, 0.3, 262)],
        [("./xen-before/xl list", 10.1, None, 210), ("./xen-after/xl list", 8.2, None, 262)],
        [("./xen-before/xl list", 2.0, None, 210), ("./xen-after/xl list", 1.9, None, 262)],
    ]
    assert {(f.line, f.block) for f in figures} == {(3, 1)}


def test_hyperfine_old_style_converts_to_the_first_unit() -> None:
    text = """\
Benchmark #1: make -C xen olddefconfig
  Time (mean ± σ):      1.402 s ±  0.012 s    [User: 1.101 s, System: 0.287 s]
  Range (min … max):    1.389 s …  1.431 s    10 runs

Benchmark #2: make -C xen.new olddefconfig
  Time (mean ± σ):     987.2 ms ±   8.1 ms    [User: 801.0 ms, System: 180.3 ms]
  Range (min … max):   975.1 ms … 1001.9 ms    10 runs
"""
    time_figure, user, system = only_figures(text)
    assert [kinds(f) for f in (time_figure, user, system)] == [
        ("time", "s", False, True, MEAN, HYPERFINE),
        ("user", "s", False, True, MEAN, HYPERFINE),
        ("system", "s", False, True, MEAN, HYPERFINE),
    ]
    assert [v.name for v in time_figure.variants] == [
        "make -C xen olddefconfig",
        "make -C xen.new olddefconfig",
    ]
    assert [v.value for v in time_figure.variants] == pytest.approx([1.402, 0.9872], rel=1e-12)
    assert [v.stddev for v in time_figure.variants] == pytest.approx([0.012, 0.0081], rel=1e-12)
    assert [v.n for v in time_figure.variants] == [10, 10]
    assert [v.value for v in user.variants] == pytest.approx([1.101, 0.801], rel=1e-12)
    assert [v.value for v in system.variants] == pytest.approx([0.287, 0.1803], rel=1e-12)


def test_hyperfine_separate_runs_are_named_by_their_label_lines() -> None:
    text = """\
Before:

Benchmark 1: xl vcpu-list
  Time (mean ± σ):      41.2 ms ±   1.0 ms    [User: 30.0 ms, System: 11.0 ms]
  Range (min … max):    39.9 ms …  44.0 ms    70 runs

After:

Benchmark 1: xl vcpu-list
  Time (mean ± σ):      35.0 ms ±   0.9 ms    [User: 25.5 ms, System: 9.4 ms]
  Range (min … max):    33.8 ms …  37.1 ms    81 runs
"""
    figures = only_figures(text)
    assert [variants(f) for f in figures] == [
        [("Before", 41.2, 1.0, 70), ("After", 35.0, 0.9, 81)],
        [("Before", 30.0, None, 70), ("After", 25.5, None, 81)],
        [("Before", 11.0, None, 70), ("After", 9.4, None, 81)],
    ]


def test_hyperfine_single_runs_have_no_spread() -> None:
    text = """\
Benchmark 1: xl info
  Time (abs ≡):        41.2 ms               [User: 30.0 ms, System: 11.0 ms]

Benchmark 2: xl info -n
  Time (abs ≡):        52.9 ms               [User: 38.0 ms, System: 14.0 ms]
"""
    figures = only_figures(text)
    assert [kinds(f) for f in figures] == [
        ("time", "ms", False, True, SINGLE, HYPERFINE),
        ("user", "ms", False, True, SINGLE, HYPERFINE),
        ("system", "ms", False, True, SINGLE, HYPERFINE),
    ]
    assert variants(figures[0]) == [("xl info", 41.2, None, 1), ("xl info -n", 52.9, None, 1)]


# --- ministat -----------------------------------------------------------------------------

MINISTAT_OUTPUT = """\
Build times in seconds, 5 builds each, through ministat:

x before.txt
+ after.txt
+--------------------------------------------------------------------------+
|+                                                                        x|
|+  +  +                                                       x   x  x  x|
||_A_|                                                          |___A___| |
+--------------------------------------------------------------------------+
    N           Min           Max        Median           Avg        Stddev
x   5         66.12         67.03         66.48        66.514    0.33245301
+   5         56.71         57.33         57.01        57.002    0.24315633
Difference at 95.0% confidence
\t-9.512 +/- 0.424749
\t-14.3008% +/- 0.638586%
\t(Student's t, pooled s = 0.291271)
"""


def test_ministat_with_a_difference() -> None:
    (figure,) = only_figures(MINISTAT_OUTPUT)
    assert kinds(figure) == ("build time", "s", False, True, MEAN, MINISTAT)
    assert variants(figure) == [
        ("before.txt", 66.514, 0.33245301, 5),
        ("after.txt", 57.002, 0.24315633, 5),
    ]
    assert (figure.stated_change, figure.stated_percent) == (-9.512, -14.3008)
    assert (figure.line, figure.block) == (3, 1)


def test_ministat_without_a_difference_and_without_a_plot() -> None:
    text = """\
Event channel round trip, no visible change:

x a
+ b
    N           Min           Max        Median           Avg        Stddev
x   3           101           104           102     102.33333     1.5275252
+   3           100           105           103     102.66667     2.5166115
No difference proven at 95.0% confidence
"""
    (figure,) = only_figures(text)
    assert kinds(figure) == ("value", "", False, None, MEAN, MINISTAT)
    assert variants(figure) == [("a", 102.33333, 1.5275252, 3), ("b", 102.66667, 2.5166115, 3)]
    assert (figure.stated_change, figure.stated_percent) == (None, None)


# --- bloat-o-meter ------------------------------------------------------------------------


def test_bloat_o_meter_with_an_inconsistent_header() -> None:
    text = """\
The delta from this change is:

  add/remove: 1/0 grow/shrink: 1/1 up/down: 320/-127 (193)
  Function                                     old     new   delta
  cpu_smpboot_callback                        1152    1456    +300
  per_cpu__gdt_table_l1e                         -       8      +8
  __context_switch                            1238    1111    -127
  Total: Before=3339227, After=3339417, chg +0.01%
"""
    figures, sizes = extract_text(text)
    assert figures == []
    assert sizes == [
        SizeReport(
            entries=(
                SizeEntry("cpu_smpboot_callback", 1152, 1456, 300),
                SizeEntry("per_cpu__gdt_table_l1e", None, 8, 8),
                SizeEntry("__context_switch", 1238, 1111, -127),
            ),
            added=1,
            removed=0,
            grown=1,
            shrunk=1,
            up=320,
            down=-127,
            net=193,
            total_before=3339227,
            total_after=3339417,
            change_percent=0.01,
            line=3,
            notes=(
                "cpu_smpboot_callback: 1456 - 1152 is +304, the table says +300",
                "the listed deltas add up to +181, the header says +193",
                "Total After-Before is +190, the header says +193",
            ),
        )
    ]


def test_bloat_o_meter_parts_may_be_missing() -> None:
    text = """\
Only the summary line survived my mailer:
add/remove: 0/1 grow/shrink: 0/2 up/down: 0/-412 (-412)

and here the table without its header:
Function                                     old     new   delta
hvm_do_IRQ_dpci                              588     460    -128
pt_irq_destroy_bind                           -      ...
"""
    _, sizes = extract_text(text)
    assert [(s.net, s.added, s.removed, s.entries, s.total_before, s.line) for s in sizes] == [
        (-412, 0, 1, (), None, 2),
        (None, None, None, (SizeEntry("hvm_do_IRQ_dpci", 588, 460, -128),), None, 5),
    ]
    assert [s.notes for s in sizes] == [(), ()]


# --- what is not a figure -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # a diff hunk with numbers, pasted into a reply
        """\
Something like this (untested):

@@ -120,7 +120,7 @@ static int __init vpci_init(void)
-    unsigned int timeout = 1000;
+    unsigned int timeout = 2000;
     udelay(10);
 credit     100   200
 patched    120   250
""",
        # a version list
        """\
Tested on:

               old      new
gcc            9.2      10.1
binutils       2.34     2.35
""",
        """\
version   4.17   4.18
Xen       4.17   4.18
Linux     6.1    6.6
""",
        # dmesg timestamps
        """\
(XEN) [    0.000000] Xen version 4.19-unstable
[    1.234567] smpboot: CPU 1 is up 12 34
[    1.334567] smpboot: CPU 2 is up 12 34
""",
        # dates
        """\
date         runs   failures
2024-07-01   12     0
2024-07-02   14     1

flight dates:
Date         flight   jobs
Jul 01       186701   420
Jul 02       186755   421
""",
        # pointer code
        """\
    p->vcpu_id = 1->2;
    if ( d->arch.paging.mode -> 0 )
""",
        # counts, not measurements: nothing names a variant, a metric or a unit
        """\
Trailers in the series so far:

| Trailer       | Count |
|---------------|-------|
| Reviewed-by   | 12    |
| Acked-by      | 7     |
| Tested-by     | 2     |
""",
        # a table without a header, and prose that only mentions numbers
        """\
Unpatched  66.51  232.93  109.21
Patched    57.00  225.47  105.47

This was 3 times faster on 8 cpus and 2 guests.
""",
    ],
)
def test_not_figures(text: str) -> None:
    assert extract_text(text) == ([], [])


# --- prose, vocabulary, text parts --------------------------------------------------------


@pytest.mark.parametrize(
    ("prose", "expected"),
    [
        ("then took the average of 5 such builds", SampleInfo(5, MEAN)),
        ("mean of 10 runs:", SampleInfo(10, MEAN)),
        ("Results (n=10):", SampleInfo(10, UNKNOWN)),
        ("N = 12, avg:", SampleInfo(12, MEAN)),
        ("I did 10 runs each", SampleInfo(10, UNKNOWN)),
        ("over 10 iterations", SampleInfo(10, UNKNOWN)),
        ("the test was repeated 10 times", SampleInfo(10, UNKNOWN)),
        ("median of 7", SampleInfo(7, MEDIAN)),
        ("best of 3", SampleInfo(3, MINIMUM)),
        ("minimum of three runs", SampleInfo(3, MINIMUM)),
        ("the average", SampleInfo(None, MEAN)),
        ("avg wall clock", SampleInfo(None, MEAN)),
        ("I mean, it is 3 times faster", SampleInfo(None, UNKNOWN)),
        ("Numbers from my box:", SampleInfo(None, UNKNOWN)),
    ],
)
def test_describe_prose(prose: str, expected: SampleInfo) -> None:
    assert describe(prose) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Unpatched", True),
        ("Patched (v2)", True),
        ("w/o patch", True),
        ("w/ patch", True),
        ("with series", True),
        ("this series", True),
        ("baseline", True),
        ("v3", True),
        ("B", True),
        ("elapsed", False),
        ("task-clock", False),
        ("boot time", False),
    ],
)
def test_variant_labels(label: str, expected: bool) -> None:
    assert is_variant_label(label) is expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("delta", "change"),
        ("diff", "change"),
        ("Difference", "change"),
        ("change", "change"),
        ("%", "percent"),
        ("delta %", "percent"),
        ("sd", "spread"),
        ("stddev", "spread"),
        ("speedup", "other"),
        ("patched", None),
        ("user", None),
    ],
)
def test_derived_labels(label: str, expected: str | None) -> None:
    assert derived_kind(label) == expected


@pytest.mark.parametrize(
    ("metric", "unit", "expected"),
    [
        ("elapsed", None, ("s", True)),
        ("real", None, ("s", True)),
        ("user", None, ("s", True)),
        ("sys", None, ("s", True)),
        ("system", None, ("s", True)),
        ("wall", None, ("s", True)),
        ("elapsed", "msec", ("ms", False)),
        ("latency", "µs", ("us", False)),
        ("latency", "usec", ("us", False)),
        ("size", "bytes", ("bytes", False)),
        ("size", "B", ("bytes", False)),
        ("memory", "KiB", ("KiB", False)),
        ("cycles", None, ("cycles", False)),
        ("throughput", None, ("", False)),
        ("time", None, ("", False)),
    ],
)
def test_unit_of(metric: str, unit: str | None, expected: tuple[str, bool]) -> None:
    assert unit_of(metric, unit) == expected


@pytest.mark.parametrize(
    ("metric", "unit", "expected"),
    [
        ("elapsed", "s", True),
        ("task-clock", "ms", True),
        ("cache-misses", "", True),
        ("instructions", "", True),
        ("rss", "KiB", True),
        ("throughput", "MB/s", False),
        ("bandwidth", "", False),
        ("iops", "", False),
        ("requests per second", "", False),
        ("score", "", False),
        ("fps", "", False),
        ("hits", "", False),
        ("copy", "GB/s", False),
        ("frobs", "ms", True),
        ("frobs", "", None),
        ("context-switches", "", None),
    ],
)
def test_lower_is_better(metric: str, unit: str, expected: bool | None) -> None:
    assert lower_is_better(metric, unit) is expected


def test_numbers_and_units() -> None:
    assert [parse_number(t) for t in ("66.51", "1,234.5", "-9.5", "+304", "4.12.0", "12ms")] == [
        66.51,
        1234.5,
        -9.5,
        304.0,
        None,
        None,
    ]
    quantities = [parse_quantity(t) for t in ("12.3ms", "66.51 s", "1.2k", "45%", "1m2.5s")]
    assert [(q.value, q.unit) if q else None for q in quantities] == [
        (12.3, "ms"),
        (66.51, "s"),
        (1200.0, ""),
        (45.0, "%"),
        (62.5, "s"),
    ]
    assert parse_quantity("8vcpus") is None
    assert [normalise_unit(u) for u in ("sec", "seconds", "msec", "usec", "µs", "bytes")] == [
        "s",
        "s",
        "ms",
        "us",
        "us",
        "bytes",
    ]
    assert [normalise_unit(u) for u in ("MB/s", "Mb/s", "ops/sec", "KiB", "parsecs")] == [
        "MB/s",
        "Mbit/s",
        "ops/s",
        "KiB",
        None,
    ]


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("On 04.07.19 19:57, Andrew Cooper wrote:", "Andrew Cooper"),
        (
            ">>> On 04.07.19 at 19:57, <andrew.cooper3@citrix.com> wrote:",
            "andrew.cooper3@citrix.com",
        ),
        ("On 05/07/2019 08:51, Juergen Gross wrote:", "Juergen Gross"),
        (
            "On Thu, 4 Jul 2019 18:57:32 +0100 Andrew Cooper <a.c@example.com> wrote:",
            "Andrew Cooper",
        ),
        ("On Thu, Jul 04, 2019 at 06:57:32PM +0100, Andrew Cooper wrote:", "Andrew Cooper"),
        ("Jan Beulich <jbeulich@suse.com> wrote:", "Jan Beulich"),
        ("Quoting Andrew Cooper (2019-07-04 19:57:32):", "Andrew Cooper"),
        ("Am 04.07.19 um 19:57 schrieb Juergen Gross:", "Juergen Gross"),
        ("As I wrote:", None),
        ("Here are the numbers:", None),
    ],
)
def test_attribution_lines(line: str, author: str | None) -> None:
    assert attribution_author(line) == author


def test_split_text_keeps_line_numbers_and_nested_authors() -> None:
    text = """\
>>> On 12.03.24 at 10:15, <ada.maintainer@example.org> wrote:
> On 12.03.24 09:41, Carl Tester wrote:
>> With v3 applied:
> > second style of nesting
| pipe-quoted line
| a | markdown | row |

Own text.
"""
    own, first, second = split_text(text)
    assert (own.depth, first.depth, second.depth) == (0, 1, 2)
    assert own.lines == (
        ">>> On 12.03.24 at 10:15, <ada.maintainer@example.org> wrote:",
        "",
        "",
        "",
        "",
        "| a | markdown | row |",
        "",
        "Own text.",
    )
    assert first.lines[1] == "On 12.03.24 09:41, Carl Tester wrote:"
    assert first.lines[4] == "pipe-quoted line"
    assert second.lines[2:4] == ("With v3 applied:", "second style of nesting")
    assert first.author_at(2) == "ada.maintainer@example.org"
    assert second.author_at(3) == "Carl Tester"
    assert own.author_at(8) == ""


def test_a_patch_mail_counts_only_up_to_its_diff() -> None:
    thread = thread_from(
        PERF_FIXTURES / "credit2-wake.mbox", "20240304090211.4711-1-lena.brandt@example.de"
    )
    patch = thread.messages["20240304090211.4711-1-lena.brandt@example.de"]
    (own,) = split_text(body_text(patch))
    text = body_text(patch)
    diff_line = text.split("\n").index(
        "diff --git a/xen/common/sched/credit2.c b/xen/common/sched/credit2.c"
    )
    assert all(line == "" for line in own.lines[diff_line:])
    assert own.lines[diff_line - 2] == " 1 file changed, 2 insertions(+), 2 deletions(-)"
    assert len(own.lines) == len(text.rstrip("\n").split("\n"))


# --- threads ------------------------------------------------------------------------------


def test_thread_counts_a_figure_once_for_its_earliest_poster() -> None:
    thread = thread_from(
        PERF_FIXTURES / "credit2-wake.mbox", "20240304090211.4711-1-lena.brandt@example.de"
    )
    result = extract_thread(thread)
    ben = "8e2f1c7a-55d1-4c0b-9a3e-2b7d4f6e1a90@example.org"
    v2 = "20240306153155.9120-1-lena.brandt@example.de"
    assert [(f.metric, f.unit, f.author, f.message_id, f.quoted) for f in result.figures] == [
        ("wake latency", "us", "Ben Reviewer", ben, False),
        ("switches/s", "switches/s", "Ben Reviewer", ben, False),
        # folded into v2 (16:31) before Lena's reply (16:40) repeated it: v2 posted it first
        ("dom0 boot time", "s", "Lena Brandt", v2, False),
    ]
    assert [variants(f) for f in result.figures] == [
        [("unpatched", 41.8, 1.2, 10), ("patched", 37.5, 0.9, 10)],
        [("unpatched", 182310.0, None, 10), ("patched", 190774.0, None, 10)],
        [("before", 12.3, None, None), ("after", 11.9, None, None)],
    ]
    assert [(f.lower_is_better, f.statistic, f.source) for f in result.figures] == [
        (True, MEAN, TABLE),
        (False, MEAN, TABLE),
        (True, SINGLE, ARROW),
    ]
    assert [(s.net, s.author, s.message_id, s.quoted, s.notes) for s in result.sizes] == [
        (-48, "Lena Brandt", "20240304090211.4711-1-lena.brandt@example.de", False, ()),
    ]
    assert result.sizes[0].entries == (
        SizeEntry("csched2_unit_insert", 412, 460, 48),
        SizeEntry("csched2_unit_wake", 988, 892, -96),
    )


def test_figure_seen_only_quoted_is_attributed_through_the_attribution_line() -> None:
    ada = "5f0c2d9e-1b7a-4c3e-8d6f-0a1b2c3d4e5f@example.org"
    thread = thread_from(PERF_FIXTURES / "quoted-only.mbox", ada)
    assert len(thread.messages) == 2
    result = extract_thread(thread)
    assert [kinds(f) for f in result.figures] == [
        ("rdtsc", "ns", False, True, MEDIAN, TABLE),
        ("vmexit", "ns", False, True, MEDIAN, TABLE),
    ]
    assert [variants(f) for f in result.figures] == [
        [("staging", 612.0, None, 7), ("staging+v3", 598.0, None, 7)],
        [("staging", 1804.0, None, 7), ("staging+v3", 1377.0, None, 7)],
    ]
    assert {(f.author, f.message_id, f.quoted) for f in result.figures} == {
        ("Carl Tester", ada, True)
    }
    assert result.sizes == ()


def test_large_thread_is_fast() -> None:
    seed = thread_from(FIXTURES / "mail" / "seed-gdt.mbox", SEED_ID)
    reply = seed.messages[JUERGEN_ID].raw.split(b"\n\n", 1)[1]
    messages = [seed.messages[SEED_ID]]
    parent = SEED_ID
    for i in range(499):
        message_id = f"reply-{i}@example.org"
        headers = (
            f"From: Reviewer {i % 7} <reviewer{i % 7}@example.org>\n"
            f"Date: Fri, 5 Jul 2019 {10 + i // 60:02d}:{i % 60:02d}:00 +0200\n"
            f"Message-ID: <{message_id}>\nIn-Reply-To: <{parent}>\n"
            f"References: <{SEED_ID}> <{parent}>\n"
            "Subject: Re: [PATCH] x86/ctxt-switch: Document and improve GDT handling\n"
            "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
        )
        messages.append(Message.from_raw(headers.encode() + reply, "test", pristine=True))
        parent = message_id if i % 3 else SEED_ID
    thread = thread_of(messages, SEED_ID, "test")
    for message in messages:
        body_text(message)  # the core's cached parse is not what is measured
    started = time.perf_counter()
    result = extract_thread(thread)
    elapsed = time.perf_counter() - started
    assert [(f.metric, f.message_id) for f in result.figures] == [
        ("elapsed", "reply-0@example.org"),
        ("user", "reply-0@example.org"),
        ("system", "reply-0@example.org"),
    ]
    assert len(result.sizes) == 1
    assert elapsed < 1.5, f"{elapsed:.2f} s for 500 messages of 230 lines (typically 0.5 s)"
