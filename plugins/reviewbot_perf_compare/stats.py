"""Summary statistics and ministat's two-sample Student's t comparison, in plain Python.

`compare` computes what Debian's ministat prints for a pair of data sets: the difference of the
means with its confidence interval (`+/-`, critical t times the pooled standard error), the
same relative to the reference mean, and the pooled standard deviation. It uses ministat's own
table of critical values (`tdist.critical_value`), so its verdicts are ministat's, including
at 99.5%, where that table holds 99.8% values. The exact p-value, Welch's p-value and the
variance ratio are added so a caller can say how far the equal-variance assumption holds.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from reviewbot.errors import ConfigError
from reviewbot_perf_compare.tdist import MINISTAT_LEVELS, critical_value, t_two_sided_p

#: The confidence levels ministat offers (`ministat -c`), in percent.
CONFIDENCE_LEVELS: tuple[float, ...] = MINISTAT_LEVELS


def confidence_level(value: float | str) -> float:
    """A user-given confidence level (95, 95.0, "95", "95%") as one of CONFIDENCE_LEVELS.

    Raises ConfigError for anything else, as ministat refuses other levels.
    """
    text = str(value).strip().removesuffix("%").strip()
    try:
        level = float(text)
    except ValueError:
        level = math.nan
    if level not in CONFIDENCE_LEVELS:
        choices = ", ".join(f"{choice:g}" for choice in CONFIDENCE_LEVELS)
        raise ConfigError(
            f"confidence level {value!r} is not one ministat offers",
            f"use one of {choices} (percent)",
        )
    return level


@dataclass(frozen=True)
class Summary:
    """What ministat prints for one data set: N, Min, Max, Median, Avg and Stddev.

    `median` is the true median (the mean of the two middle values for an even N), whereas
    ministat prints the upper of the two. `stddev` is the sample standard deviation (divisor
    N - 1); it is None for a single sample. Figures that state only a mean, a standard
    deviation and N (`Summary.given`) have no minimum, maximum or median.
    """

    n: int
    minimum: float | None
    maximum: float | None
    median: float | None
    mean: float
    stddev: float | None

    @classmethod
    def of(cls, samples: Sequence[float]) -> Summary:
        """The statistics of raw samples (at least one)."""
        if not samples:
            raise ValueError("no samples to summarise")
        values = [float(sample) for sample in samples]
        return cls(
            n=len(values),
            minimum=min(values),
            maximum=max(values),
            median=statistics.median(values),
            mean=statistics.fmean(values),
            stddev=statistics.stdev(values) if len(values) >= 2 else None,
        )

    @classmethod
    def given(cls, mean: float, stddev: float, n: int) -> Summary:
        """A data set known only by its mean, standard deviation and size."""
        if n < 1:
            raise ValueError(f"a data set has at least one value, not {n}")
        if not stddev >= 0:
            raise ValueError(f"a standard deviation is not negative: {stddev}")
        return cls(n=n, minimum=None, maximum=None, median=None, mean=mean, stddev=stddev)

    @property
    def variance(self) -> float:
        """The sample variance (stddev squared); needs N >= 2."""
        if self.stddev is None:
            raise ValueError("a single sample has no variance")
        return self.stddev * self.stddev


@dataclass(frozen=True)
class Comparison:
    """`other` against `reference` by Student's t with pooled variance, as ministat does it.

    `error` is ministat's `+/-`: the critical t (ministat's table, `df` degrees of freedom)
    times the pooled standard error. `percent` and `percent_error` are relative to the
    reference mean (None when it is zero; `percent_error` is never negative, where ministat
    prints a negative `+/-` for a negative reference mean). `significant` is ministat's rule,
    |difference| > error. `p_value` is the exact two-sided p of `t_statistic`;
    `welch_p_value` the same without assuming equal variances (Welch-Satterthwaite df), and
    `variance_ratio` the larger sample variance over the smaller (inf when only one is zero,
    1 when both are).
    """

    reference: Summary
    other: Summary
    confidence: float
    difference: float
    error: float
    percent: float | None
    percent_error: float | None
    pooled_stddev: float
    t_statistic: float
    df: int
    p_value: float
    significant: bool
    welch_p_value: float
    variance_ratio: float


def compare(reference: Summary, other: Summary, confidence: float = 95.0) -> Comparison:
    """ministat's comparison of `other` with `reference` at `confidence` percent."""
    for summary in (reference, other):
        if summary.n < 2 or summary.stddev is None:
            raise ValueError(f"a t-test needs at least 2 values per data set, not {summary.n}")
    n1, n2 = reference.n, other.n
    df = n1 + n2 - 2
    pooled_variance = ((n1 - 1) * reference.variance + (n2 - 1) * other.variance) / df
    pooled_stddev = math.sqrt(pooled_variance)
    standard_error = pooled_stddev * math.sqrt(1.0 / n1 + 1.0 / n2)
    difference = other.mean - reference.mean
    error = critical_value(confidence, df) * standard_error
    t_statistic = _ratio(difference, standard_error)
    percent = percent_error = None
    if reference.mean != 0:
        percent = difference * 100.0 / reference.mean
        percent_error = error * 100.0 / abs(reference.mean)
    return Comparison(
        reference=reference,
        other=other,
        confidence=confidence,
        difference=difference,
        error=error,
        percent=percent,
        percent_error=percent_error,
        pooled_stddev=pooled_stddev,
        t_statistic=t_statistic,
        df=df,
        p_value=_p_value(t_statistic, df),
        significant=abs(difference) > error,
        welch_p_value=_welch_p_value(reference, other, difference),
        variance_ratio=_variance_ratio(reference.variance, other.variance),
    )


def _ratio(difference: float, standard_error: float) -> float:
    """difference / standard_error, with a zero spread giving 0 or an infinite t."""
    if standard_error > 0:
        return difference / standard_error
    return 0.0 if difference == 0 else math.copysign(math.inf, difference)


def _p_value(t_statistic: float, df: float) -> float:
    if math.isinf(t_statistic):
        return 0.0
    return t_two_sided_p(t_statistic, df)


def _welch_p_value(reference: Summary, other: Summary, difference: float) -> float:
    share1 = reference.variance / reference.n
    share2 = other.variance / other.n
    standard_error = math.sqrt(share1 + share2)
    t_statistic = _ratio(difference, standard_error)
    if standard_error == 0:
        return 1.0 if t_statistic == 0 else 0.0
    # Welch-Satterthwaite degrees of freedom (fractional).
    df = (share1 + share2) ** 2 / (
        share1 * share1 / (reference.n - 1) + share2 * share2 / (other.n - 1)
    )
    return _p_value(t_statistic, df)


def _variance_ratio(variance1: float, variance2: float) -> float:
    larger, smaller = max(variance1, variance2), min(variance1, variance2)
    if smaller > 0:
        return larger / smaller
    return 1.0 if larger == 0 else math.inf


def significant_digits(value: float, digits: int = 3) -> str:
    """`value` rounded to `digits` significant digits (-9.50, 0.354, 123000; 1.23e-07)."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    rounded = value
    for _ in range(2):  # rounding may carry into a new leading digit (9.996 -> 10.0)
        exponent = math.floor(math.log10(abs(rounded)))
        rounded = round(value, digits - 1 - exponent)
    exponent = math.floor(math.log10(abs(rounded)))
    if not -5 <= exponent < 9:  # positional notation would be unreadably long
        return f"{rounded:.{digits}g}"
    return f"{rounded:.{max(digits - 1 - exponent, 0)}f}"


def ministat_text(comparison: Comparison) -> str:
    """ministat's verdict on one line.

    `Difference at 95.0% confidence: -9.51 +/- 0.354, -14.30% +/- 0.53%` (the percentages left
    out when the reference mean is zero), or `No difference proven at 95.0% confidence`.
    """
    level = f"{comparison.confidence:.1f}% confidence"
    if not comparison.significant:
        return f"No difference proven at {level}"
    text = (
        f"Difference at {level}: {significant_digits(comparison.difference)} +/- "
        f"{significant_digits(comparison.error)}"
    )
    if comparison.percent is not None and comparison.percent_error is not None:
        text += f", {comparison.percent:.2f}% +/- {comparison.percent_error:.2f}%"
    return text
