"""perf-compare's statistics: the t distribution, ministat's comparison, sample files, the plot.

The reference is the real ministat (Debian package ministat 20150715): its critical values,
its comparisons of seeded random data sets at every confidence level, and the sample files it
refuses.
"""

from __future__ import annotations

import math
import random
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from reviewbot_perf_compare.plot import strip_plot
from reviewbot_perf_compare.samplefile import parse_samples, read_samples
from reviewbot_perf_compare.stats import (
    CONFIDENCE_LEVELS,
    Summary,
    compare,
    confidence_level,
    ministat_text,
    significant_digits,
)
from reviewbot_perf_compare.tdist import (
    critical_value,
    normal_quantile,
    t_cdf,
    t_quantile,
    t_two_sided_p,
    textbook_critical_value,
)

from reviewbot.errors import ConfigError, ParseError
from tests.support.tools import require_tools

EXAMPLE_A = (66.1, 66.5, 67.2, 66.3)
EXAMPLE_B = (57.0, 56.7, 57.3, 57.1)


def same4(ours: float, theirs: float) -> bool:
    """Agreement to four significant digits, as a relative tolerance of 5e-5.

    ministat prints its comparison with %g (6 significant digits) and its table with up to 8,
    so its printed numbers are off the exact ones by at most 5e-6 relative: 5e-5 leaves ten
    times that, and still catches a wrong critical value (one unit in its third decimal is
    >= 3e-4 relative). Comparing `f"{a:.4g}"` strings instead would fail at random on values
    that merely straddle a rounding boundary of the fourth digit (1.23449999 vs 1.23450).
    """
    return math.isclose(ours, theirs, rel_tol=5e-5)


def write_samples(path: Path, values: Sequence[float]) -> Path:
    """One value per line, in full precision (repr round-trips through strtod)."""
    path.write_text("".join(f"{value!r}\n" for value in values))
    return path


def run_ministat(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["ministat", *map(str, arguments)], capture_output=True, text=True, check=False
    )


@dataclass(frozen=True)
class MinistatRow:
    n: int
    minimum: float
    maximum: float
    median: float
    mean: float
    stddev: float


@dataclass(frozen=True)
class MinistatDifference:
    difference: float
    error: float
    percent: float
    percent_error: float
    pooled_stddev: float


def parse_ministat(output: str) -> tuple[list[MinistatRow], list[MinistatDifference | None]]:
    """`ministat -A` output: its statistics rows and, per compared file, its difference."""
    rows: list[MinistatRow] = []
    differences: list[MinistatDifference | None] = []
    lines = output.splitlines()
    for index, line in enumerate(lines):
        fields = line.split()
        if len(fields) == 7 and fields[0] in "x+*%#@O" and fields[1].isdigit():
            numbers = [float(field) for field in fields[2:]]
            rows.append(MinistatRow(int(fields[1]), *numbers))
        elif line.startswith("No difference proven"):
            differences.append(None)
        elif line.startswith("Difference at"):
            absolute, relative, pooled = lines[index + 1 : index + 4]
            difference, error = absolute.split("+/-")
            percent, percent_error = relative.replace("%", "").split("+/-")
            differences.append(
                MinistatDifference(
                    float(difference),
                    float(error),
                    float(percent),
                    float(percent_error),
                    float(pooled.split("=")[1].rstrip(")")),
                )
            )
    return rows, differences


# --- the t distribution -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("confidence", "df", "expected"),
    [
        (95.0, 1, 12.706),
        (95.0, 10, 2.228),
        (95.0, 30, 2.042),
        (95.0, 100, 1.984),
        (95.0, 101, 1.960),
        (95.0, 10_000, 1.960),
        (80.0, 1, 3.078),
        (90.0, 5, 2.015),
        (98.0, 20, 2.528),
        (99.0, 2, 9.925),
        (99.0, 60, 2.660),
        (80.0, 101, 1.282),
        (90.0, 101, 1.645),
        (98.0, 101, 2.326),
        (99.0, 101, 2.576),
    ],
)
def test_critical_values_are_the_textbook_ones(confidence: float, df: int, expected: float) -> None:
    assert critical_value(confidence, df) == expected
    assert textbook_critical_value(confidence, df) == expected


def test_ministat_995_column_holds_998_values() -> None:
    # The true 99.5% values...
    assert textbook_critical_value(99.5, 1) == 127.321
    assert textbook_critical_value(99.5, 4) == 5.598
    assert textbook_critical_value(99.5, 101) == 2.807
    # ...are not what ministat uses: its column is the two-sided 99.8% one (see tdist.py),
    assert critical_value(99.5, 1) == 318.309
    assert critical_value(99.5, 4) == 7.173
    assert critical_value(99.5, 101) == 3.090
    assert [critical_value(99.5, df) for df in range(13, 101)] == [
        textbook_critical_value(99.8, df) for df in range(13, 101)
    ]
    # with six entries a little off even from those.
    assert [critical_value(99.5, df) for df in range(7, 13)] == [
        4.782,
        4.499,
        4.296,
        4.143,
        4.024,
        3.929,
    ]
    assert [textbook_critical_value(99.8, df) for df in range(7, 13)] == [
        4.785,
        4.501,
        4.297,
        4.144,
        4.025,
        3.930,
    ]


def test_critical_value_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        critical_value(95.0, 0)
    with pytest.raises(ValueError, match="percentage"):
        critical_value(100.0, 5)


def test_t_distribution_closed_forms() -> None:
    # df 1 is Cauchy: cdf = 1/2 + atan(t)/pi; df 2: cdf = 1/2 + t / (2 sqrt(2 + t^2)).
    for t in (-30.0, -2.5, -1.0, 0.0, 0.3, 1.0, 7.0):
        assert math.isclose(t_cdf(t, 1), 0.5 + math.atan(t) / math.pi, rel_tol=1e-12)
        assert math.isclose(t_cdf(t, 2), 0.5 + t / (2 * math.sqrt(2 + t * t)), rel_tol=1e-12)
    assert math.isclose(t_quantile(0.75, 1), 1.0, rel_tol=1e-12)
    assert math.isclose(t_quantile(0.25, 1), -1.0, rel_tol=1e-12)
    # df 2: quantile = (2p - 1) sqrt(2 / (4p(1 - p))).
    assert math.isclose(t_quantile(0.9, 2), 0.8 * math.sqrt(2 / (4 * 0.9 * 0.1)), rel_tol=1e-12)
    assert math.isclose(normal_quantile(0.975), 1.959963984540054, rel_tol=1e-12)
    assert math.isclose(t_quantile(0.975, math.inf), 1.959963984540054, rel_tol=1e-12)
    assert t_two_sided_p(0.0, 7) == 1.0
    # Far tails keep their precision: P(T > 1e4) for df 1 is about 1 / (pi 1e4).
    assert math.isclose(1 - t_cdf(-1e4, 1), 1 - 1 / (math.pi * 1e4), rel_tol=1e-12)
    assert math.isclose(t_cdf(-1e4, 1), math.atan(1e-4) / math.pi, rel_tol=1e-9)


def test_t_distribution_reference_values() -> None:
    # Reference values from mpmath's betainc at 30 digits (and SciPy's stats.t, which agrees).
    assert math.isclose(t_two_sided_p(2.228, 10), 0.0500117718171113654, rel_tol=1e-12)
    assert math.isclose(
        t_two_sided_p(-35.181163791356845, 6), 3.51503094888105732e-08, rel_tol=1e-11
    )
    assert math.isclose(t_two_sided_p(3.0, 1e9), 0.00269979612973791567, rel_tol=1e-8)
    assert math.isclose(t_quantile(0.995, 3), 5.840909309733355, rel_tol=1e-12)
    assert math.isclose(t_quantile(0.975, 2.5), 3.5746548420036817, rel_tol=1e-12)


def test_critical_values_match_ministat_for_every_df(tmp_path: Path) -> None:
    """ministat's `+/-` reveals its table when the pooled standard error is exactly 1.

    The reference has 3 values of variance 1/2; every other file gets the variance that makes
    pooled variance * (1/n1 + 1/n2) == 1, so ministat prints the critical value itself. Its
    limit of 7 files per run gives six comparisons per run.
    """
    require_tools("ministat", "ministat")
    reference = write_samples(tmp_path / "reference", [-math.sqrt(0.5), 0.0, math.sqrt(0.5)])
    others: list[tuple[int, Path]] = []
    for n2 in [*range(3, 101), 150, 1000]:
        df = 3 + n2 - 2
        variance = (df * 3 * n2 / (3 + n2) - 2 * 0.5) / (n2 - 1)
        c = math.sqrt(variance * (n2 - 1) / 2)
        values = [1000.0 - c, 1000.0 + c] + [1000.0] * (n2 - 2)
        others.append((df, write_samples(tmp_path / f"n{n2}", values)))
    checked = 0
    for level in CONFIDENCE_LEVELS:
        for start in range(0, len(others), 6):
            group = others[start : start + 6]
            result = run_ministat("-A", "-c", f"{level:g}", reference, *(p for _, p in group))
            assert result.returncode == 0, result.stderr
            _, differences = parse_ministat(result.stdout)
            printed = [d.error if d else None for d in differences]
            assert printed == [critical_value(level, df) for df, _ in group], (level, group)
            checked += len(group)
    assert checked == 6 * 100


# --- compare against ministat -----------------------------------------------------------


@dataclass(frozen=True)
class Case:
    seed: int
    n1: int
    mean1: float
    sd1: float
    n2: int
    mean2: float
    sd2: float
    decimals: int
    # ministat's verdict at 80, 90, 95, 98, 99 and 99.5%: D (difference) or "-" (none proven)
    verdicts: str

    def samples(self) -> tuple[list[float], list[float]]:
        rng = random.Random(self.seed)
        a = [round(rng.gauss(self.mean1, self.sd1), self.decimals) for _ in range(self.n1)]
        b = [round(rng.gauss(self.mean2, self.sd2), self.decimals) for _ in range(self.n2)]
        return a, b


CASES = [
    Case(1, 3, 10.0, 1.0, 3, 14.0, 1.0, 3, "DDDD--"),
    Case(2, 5, 100.0, 5.0, 8, 101.0, 5.0, 2, "DDDD--"),
    Case(3, 10, 2.5, 0.05, 10, 2.55, 0.2, 4, "------"),
    Case(4, 60, 1000.0, 30.0, 45, 990.0, 30.0, 1, "D-----"),
    Case(5, 20, 1.5e6, 1e3, 7, 1.501e6, 3e3, 0, "DD----"),
    Case(6, 4, 0.0021, 0.0002, 30, 0.0024, 0.0003, 6, "DDDD--"),
    Case(7, 12, 50.0, 4.0, 12, 53.0, 4.0, 2, "------"),
    Case(8, 60, 7.0, 1.0, 60, 7.5, 1.2, 3, "D-----"),
    Case(9, 6, -40.0, 2.0, 9, -43.0, 2.0, 2, "DDDDDD"),
    Case(10, 3, 5.0, 0.5, 60, 5.2, 0.5, 2, "DD----"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"seed{case.seed}")
def test_compare_matches_ministat(case: Case, tmp_path: Path) -> None:
    require_tools("ministat", "ministat")
    a, b = case.samples()
    file_a = write_samples(tmp_path / "a", a)
    file_b = write_samples(tmp_path / "b", b)
    reference, other = Summary.of(a), Summary.of(b)
    verdicts = ""
    for level in CONFIDENCE_LEVELS:
        result = run_ministat("-A", "-c", f"{level:g}", file_a, file_b)
        assert result.returncode == 0, result.stderr
        rows, differences = parse_ministat(result.stdout)
        for ours, theirs, values in zip((reference, other), rows, (a, b), strict=True):
            assert ours.n == theirs.n == len(values)
            assert ours.minimum == theirs.minimum == min(values)
            assert ours.maximum == theirs.maximum == max(values)
            assert same4(ours.mean, theirs.mean)
            assert ours.stddev is not None
            assert same4(ours.stddev, theirs.stddev)
            # ministat's median is the upper middle value.
            assert theirs.median == sorted(values)[len(values) // 2]
        comparison = compare(reference, other, level)
        assert comparison.df == case.n1 + case.n2 - 2
        (printed,) = differences
        assert comparison.significant == (printed is not None)
        verdicts += "D" if comparison.significant else "-"
        if printed is None:
            assert abs(comparison.difference) <= comparison.error
            assert ministat_text(comparison) == f"No difference proven at {level:.1f}% confidence"
            continue
        assert same4(comparison.difference, printed.difference)
        assert same4(comparison.error, printed.error)
        assert comparison.percent is not None
        assert comparison.percent_error is not None
        assert same4(comparison.percent, printed.percent)
        # ministat's `+/-` percentage takes the sign of the reference mean; ours is a width.
        assert same4(comparison.percent_error, abs(printed.percent_error))
        assert same4(comparison.pooled_stddev, printed.pooled_stddev)
        assert ministat_text(comparison).startswith(f"Difference at {level:.1f}% confidence: ")
    assert verdicts == case.verdicts


def test_cases_cover_what_they_claim() -> None:
    verdicts = "".join(case.verdicts for case in CASES)
    assert "D" in verdicts and "-" in verdicts
    assert any(case.n1 != case.n2 for case in CASES)
    assert any(case.n1 + case.n2 - 2 > 100 for case in CASES)
    assert min(min(c.n1, c.n2) for c in CASES) == 3
    assert max(max(c.n1, c.n2) for c in CASES) == 60
    assert len(CASES) >= 8


def test_ministat_example() -> None:
    comparison = compare(Summary.of(EXAMPLE_A), Summary.of(EXAMPLE_B))
    # What ministat prints for these (see test_ministat_example_output).
    assert same4(comparison.difference, -9.5)
    assert same4(comparison.error, 0.660766)
    assert comparison.percent is not None
    assert same4(comparison.percent, -14.2803)
    assert comparison.percent_error is not None
    assert same4(comparison.percent_error, 0.993259)
    assert same4(comparison.pooled_stddev, 0.381881)
    assert comparison.df == 6
    assert comparison.confidence == 95.0
    assert comparison.significant
    assert math.isclose(comparison.t_statistic, -35.18116379135685, rel_tol=1e-12)
    assert math.isclose(comparison.p_value, 3.515030948881e-08, rel_tol=1e-9)
    # Welch: t = -35.18..., df = 4.523; SciPy's ttest_ind(equal_var=False) gives this p.
    assert math.isclose(comparison.welch_p_value, 1.085374577091e-06, rel_tol=1e-8)
    assert math.isclose(comparison.variance_ratio, 0.22916666666666666 / 0.0625, rel_tol=1e-12)
    assert ministat_text(comparison) == (
        "Difference at 95.0% confidence: -9.50 +/- 0.661, -14.28% +/- 0.99%"
    )
    at_995 = compare(Summary.of(EXAMPLE_A), Summary.of(EXAMPLE_B), 99.5)
    assert same4(at_995.error, 1.40632)  # ministat -c 99.5 (its 99.8% value, 7.173 * se)
    assert ministat_text(at_995) == (
        "Difference at 99.5% confidence: -9.50 +/- 1.41, -14.28% +/- 2.11%"
    )


def test_ministat_example_output(tmp_path: Path) -> None:
    require_tools("ministat", "ministat")
    result = run_ministat(
        "-A", write_samples(tmp_path / "a", EXAMPLE_A), write_samples(tmp_path / "b", EXAMPLE_B)
    )
    assert result.stdout.splitlines()[-4:] == [
        "Difference at 95.0% confidence",
        "\t-9.5 +/- 0.660766",
        "\t-14.2803% +/- 0.993259%",
        "\t(Student's t, pooled s = 0.381881)",
    ]


def test_ministat_text_no_difference_and_zero_reference() -> None:
    same = compare(Summary.of([1.0, 2.0, 3.0]), Summary.of([1.5, 2.5, 3.5]))
    assert not same.significant
    assert ministat_text(same) == "No difference proven at 95.0% confidence"
    assert ministat_text(compare(Summary.of([1.0, 2.0, 3.0]), Summary.of([1.5, 2.5, 3.5]), 80)) == (
        "No difference proven at 80.0% confidence"
    )
    # ministat: "5 +/- 2.26659" and "inf% +/- inf%"; the percentages are left out.
    zero = compare(Summary.of([-1.0, 0.0, 1.0]), Summary.of([4.0, 5.0, 6.0]))
    assert zero.percent is None and zero.percent_error is None
    assert same4(zero.error, 2.26659)
    assert ministat_text(zero) == "Difference at 95.0% confidence: 5.00 +/- 2.27"


def test_zero_spread() -> None:
    # ministat: "1 +/- 0", "20% +/- 0%", pooled s = 0, a difference.
    constant = compare(Summary.of([5.0, 5.0, 5.0]), Summary.of([6.0, 6.0, 6.0]))
    assert (constant.difference, constant.error, constant.pooled_stddev) == (1.0, 0.0, 0.0)
    assert constant.significant
    assert (constant.t_statistic, constant.p_value, constant.welch_p_value) == (math.inf, 0.0, 0.0)
    assert constant.variance_ratio == 1.0
    assert ministat_text(constant) == "Difference at 95.0% confidence: 1.00 +/- 0, 20.00% +/- 0.00%"
    # ministat: "No difference proven".
    identical = compare(Summary.of([5.0, 5.0, 5.0]), Summary.of([5.0, 5.0, 5.0]))
    assert not identical.significant
    assert (identical.t_statistic, identical.p_value, identical.welch_p_value) == (0.0, 1.0, 1.0)
    one_flat = compare(Summary.of([5.0, 5.0, 5.0]), Summary.of([5.0, 6.0, 7.0]))
    assert one_flat.variance_ratio == math.inf


def test_summary() -> None:
    summary = Summary.of(EXAMPLE_A)
    assert (summary.n, summary.minimum, summary.maximum) == (4, 66.1, 67.2)
    assert summary.median == pytest.approx(66.4, abs=1e-12)  # ministat prints 66.5
    assert summary.mean == pytest.approx(66.525, abs=1e-12)
    assert summary.stddev == pytest.approx(0.47871355387817, rel=1e-12)
    assert Summary.of([3.0]) == Summary(1, 3.0, 3.0, 3.0, 3.0, None)
    assert Summary.given(10.0, 0.5, 7) == Summary(7, None, None, None, 10.0, 0.5)
    # ministat's one-pass variance prints 0 here; the exact one is 1.
    assert Summary.of([1e9 + 1, 1e9 + 2, 1e9 + 3]).stddev == 1.0
    with pytest.raises(ValueError, match="no samples"):
        Summary.of([])
    with pytest.raises(ValueError, match="not negative"):
        Summary.given(1.0, -0.1, 3)


def test_compare_given_summaries_matches_raw_samples() -> None:
    raw = compare(Summary.of(EXAMPLE_A), Summary.of(EXAMPLE_B), 90.0)
    a, b = Summary.of(EXAMPLE_A), Summary.of(EXAMPLE_B)
    assert a.stddev is not None and b.stddev is not None
    given = compare(Summary.given(a.mean, a.stddev, 4), Summary.given(b.mean, b.stddev, 4), 90.0)
    assert given.error == raw.error
    assert given.p_value == raw.p_value


def test_compare_needs_two_values_each() -> None:
    with pytest.raises(ValueError, match="at least 2 values"):
        compare(Summary.of([1.0]), Summary.of([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="at least 2 values"):
        compare(Summary.of([1.0, 2.0]), Summary.given(1.0, 0.0, 1))


def test_confidence_level_validation() -> None:
    assert CONFIDENCE_LEVELS == (80.0, 90.0, 95.0, 98.0, 99.0, 99.5)
    assert confidence_level(95) == 95.0
    assert confidence_level("99.5%") == 99.5
    assert confidence_level(" 80 ") == 80.0
    with pytest.raises(ConfigError) as error:
        confidence_level(97)
    assert error.value.one_line() == (
        "confidence level 97 is not one ministat offers; "
        "use one of 80, 90, 95, 98, 99, 99.5 (percent)"
    )
    with pytest.raises(ConfigError):
        confidence_level("high")


def test_significant_digits() -> None:
    assert [
        significant_digits(value)
        for value in (-9.5, 0.66076, 9.996, 123456.0, 0.000123456, 0.0, 1e-20, 5e20)
    ] == ["-9.50", "0.661", "10.0", "123000", "0.000123", "0", "1e-20", "5e+20"]


# --- sample files -----------------------------------------------------------------------


def test_sample_file_comments_blanks_and_columns(tmp_path: Path) -> None:
    text = (
        "# elapsed seconds\n"
        "1.5 run1\n"
        "\n"
        "   2.5\trun2   \r\n"
        "  # indented comment\n"
        "3e0 run3 # trailing comment\n"
        "0x1p2\n"
    )
    path = tmp_path / "after.txt"
    path.write_text(text)
    assert read_samples(path) == (1.5, 2.5, 3.0, 4.0)
    table = tmp_path / "table.txt"
    table.write_text("# n time\n1 10.5\n2 11\n3\n4 # 99\n5 12.5 extra\n6 +13\n")
    # Lines without a second field, or whose second field is commented out, are skipped.
    assert read_samples(table, column=2) == (10.5, 11.0, 12.5, 13.0)
    assert parse_samples("a 1\nb 2\nc 3\n", "inline", 2) == (1.0, 2.0, 3.0)


def test_sample_files_read_like_ministat(tmp_path: Path) -> None:
    require_tools("ministat", "ministat")
    path = tmp_path / "table.txt"
    path.write_text("# n time\n1 10.5\n2 11\n3\n4 # 99\n5 12.5 extra\n6 +13\n\n7 .5\n")
    result = run_ministat("-n", "-C", "2", path)
    assert result.returncode == 0
    (row,), _ = parse_ministat(result.stdout)
    samples = read_samples(path, column=2)
    assert samples == (10.5, 11.0, 12.5, 13.0, 0.5)
    assert row.n == len(samples)
    assert same4(Summary.of(samples).mean, row.mean)


BAD_LINES = [
    ("1\n2\n3\nabc\n", "line 4: 'abc' is not a number", 4),
    ("1\n12abc\n3\n4\n", "line 2: '12abc' is not a number", 2),
    ("1,5\n2\n3\n", "line 1: '1,5' is not a number", 1),
    ("1\n2\n1_0\n", "line 3: '1_0' is not a number", 3),
    ("1e\n2\n3\n", "line 1: '1e' is not a number", 1),
    ("1\n2\n\u0661\n", "line 3: '\u0661' is not a number", 3),
]


@pytest.mark.parametrize(("text", "message", "line"), BAD_LINES)
def test_bad_lines(text: str, message: str, line: int, tmp_path: Path) -> None:
    path = tmp_path / "after.txt"
    path.write_text(text)
    with pytest.raises(ParseError) as error:
        read_samples(path)
    assert error.value.message == f"{path} {message}"
    assert (
        error.value.hint
        == "a sample file holds one number per line; lines starting with # are comments"
    )
    with pytest.raises(ParseError) as error:
        parse_samples(text, "after.txt")
    assert error.value.message == f"after.txt {message}"


@pytest.mark.parametrize(("text", "message", "line"), BAD_LINES)
def test_ministat_rejects_the_same_lines(
    text: str, message: str, line: int, tmp_path: Path
) -> None:
    require_tools("ministat", "ministat")
    path = tmp_path / "after.txt"
    path.write_text(text)
    result = run_ministat("-n", path)
    assert result.returncode == 2
    assert result.stderr == f"ministat: Invalid data on line {line} in {path}\n"


def test_non_finite_numbers_are_refused() -> None:
    # ministat takes these (and prints nan/inf statistics); they are no samples.
    for field in ("inf", "-Infinity", "nan", "1e999"):
        with pytest.raises(ParseError) as error:
            parse_samples(f"1\n2\n{field}\n", "s.txt")
        what = "a number" if field == "1e999" else "a finite number"
        assert error.value.message == f"s.txt line 3: {field!r} is not {what}"


def test_bad_field_of_another_column() -> None:
    with pytest.raises(ParseError) as error:
        parse_samples("1 2\n3 x\n", "s.txt", column=2)
    assert error.value.one_line() == (
        "s.txt line 2: 'x' is not a number; a sample file holds a number in field 2 of each "
        "line; lines starting with # are comments"
    )
    with pytest.raises(ConfigError, match="column 0 is not a column"):
        parse_samples("1\n2\n3\n", "s.txt", column=0)


TOO_FEW = [
    ("", "0 numbers"),
    ("# only\n\n", "0 numbers"),
    ("1\n", "1 number"),
    ("1\n# 2\n3\n", "2 numbers"),
]


@pytest.mark.parametrize(("text", "found"), TOO_FEW)
def test_too_few_numbers(text: str, found: str, tmp_path: Path) -> None:
    path = tmp_path / "before.txt"
    path.write_text(text)
    with pytest.raises(ParseError) as error:
        read_samples(path)
    assert error.value.message == f"{path} must contain at least 3 numbers, found {found}"
    assert error.value.hint == "give every variant three or more runs, one number per line"


@pytest.mark.parametrize(("text", "found"), TOO_FEW)
def test_ministat_wants_three_numbers_too(text: str, found: str, tmp_path: Path) -> None:
    require_tools("ministat", "ministat")
    path = tmp_path / "before.txt"
    path.write_text(text)
    result = run_ministat("-n", path)
    assert result.returncode == 2
    assert result.stderr == f"Dataset {path} must contain at least 3 data points\n"


def test_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(ParseError) as error:
        read_samples(missing)
    assert error.value.one_line() == (
        f"cannot read sample file {missing}: No such file or directory; check the file name"
    )
    with pytest.raises(ParseError) as error:
        read_samples(tmp_path)
    assert error.value.message == f"cannot read sample file {tmp_path}: Is a directory"
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00\n1\n2\n3\n")
    with pytest.raises(ParseError) as error:
        read_samples(binary)
    assert error.value.message == f"{binary} line 1: '\ufffd\ufffd\\x00' is not a number"


def test_ministat_cannot_open_a_missing_file(tmp_path: Path) -> None:
    require_tools("ministat", "ministat")
    missing = tmp_path / "missing.txt"
    result = run_ministat("-n", missing)
    assert result.returncode == 1
    assert result.stderr == f"ministat: Cannot open {missing}: No such file or directory\n"


# --- the plot ---------------------------------------------------------------------------


def test_strip_plot_two_variants() -> None:
    assert strip_plot([("before", [1.0, 2.0, 3.0]), ("after", [4.0, 5.0, 6.0])], width=20) == [
        "x before",
        "+ after",
        "+------------------+",
        "|x  x   x          |",
        "||__A___|          |",
        "|          +   +  +|",
        "|          |___A__||",
        "+------------------+",
        " 1                6",
    ]


def test_strip_plot_median_bar_and_unit() -> None:
    # Mean 4, median 2, stddev sqrt(19): the axis stretches down to mean - stddev.
    assert strip_plot([("run", [1.0, 2.0, 9.0])], width=24, unit="ms") == [
        "x run",
        "+----------------------+",
        "|   x x               x|",
        "||____M____A_________| |",
        "+----------------------+",
        " -0.358899 ms      9 ms",
    ]


def test_strip_plot_zero_range_and_missing_variants() -> None:
    # All values equal: everything in the middle column, one axis label under it. The variant
    # without samples is left out; the others keep the marker of their position.
    assert strip_plot([("a", [5.0, 5.0, 5.0]), ("none", []), ("c", [5.0])], width=16, unit="%") == [
        "x a",
        "* c",
        "+--------------+",
        "|      x       |",
        "|      A       |",
        "|      *       |",
        "+--------------+",
        "       5%",
    ]


def test_strip_plot_one_variant() -> None:
    assert strip_plot([("only", [3.0])], width=14) == [
        "x only",
        "+------------+",
        "|     x      |",
        "+------------+",
        "      3",
    ]
    assert strip_plot([("a", []), ("b", [2.0, 2.5, 4.0, 3.0])], width=30, unit="s") == [
        "+ b",
        "+----------------------------+",
        "|+      +      +            +|",
        "||_________M_A__________|    |",
        "+----------------------------+",
        " 2 s                      4 s",
    ]


def test_strip_plot_edges() -> None:
    assert strip_plot([]) == []
    assert strip_plot([("a", []), ("b", [])]) == []
    lines = strip_plot([(f"v{i}", [float(i), i + 0.5]) for i in range(8)])
    assert [line[0] for line in lines[:8]] == ["x", "+", "*", "%", "#", "@", "O", "x"]
    assert {len(line) for line in lines[8:-1]} == {74}
    with pytest.raises(ValueError, match="at least 12 columns"):
        strip_plot([("a", [1.0])], width=11)
