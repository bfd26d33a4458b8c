"""Student's t distribution in plain Python, and the critical values ministat uses.

`t_cdf`, `t_sf` and `t_two_sided_p` go through the regularized incomplete beta function
(evaluated by its continued fraction with the modified Lentz method); `t_quantile` inverts the
upper tail by bisection, which cannot fail to converge.

`critical_value` reproduces the table of Debian's ministat (20150715) entry for entry. Measured
against the real program (df 4..130 and a few larger, every level), ministat's table is the
two-sided t quantile rounded to three decimals for df <= 100 and the normal quantile rounded to
three decimals beyond, except for its 99.5% column: that column holds the one-sided 0.999
quantiles (a two-sided 99.8% interval, 3.090 beyond df 100), and six of its entries (df 7..12)
are a few thousandths off even from those. `textbook_critical_value` gives the true 99.5%
values with the same rounding convention.
"""

from __future__ import annotations

import math
from functools import lru_cache

# The levels ministat offers (its -c option), in percent.
MINISTAT_LEVELS = (80.0, 90.0, 95.0, 98.0, 99.0, 99.5)

# ministat uses its last table row (the normal distribution) beyond this many degrees of freedom.
TABLE_ROWS = 100

# ministat's 99.5% column is really the one-sided 0.999 (two-sided 99.8%) column.
_MINISTAT_995_AS = 99.8

# Entries of that column that are not the correctly rounded 0.999 quantile (observed with the
# real ministat; the correctly rounded values are 4.785, 4.501, 4.297, 4.144, 4.025, 3.930).
# df 1..3 cannot be observed (ministat needs 3 samples per data set, so df >= 4); they are
# assumed to be correctly rounded (318.309, 22.327, 10.215).
_MINISTAT_995_EXCEPTIONS = {
    7: 4.782,
    8: 4.499,
    9: 4.296,
    10: 4.143,
    11: 4.024,
    12: 3.929,
}

_CF_EPSILON = 1e-15
_CF_TINY = 1e-300
_CF_MAX_ITERATIONS = 100_000
# Beyond this many degrees of freedom the continued fraction loses precision (its error grows
# with df, to ~1e-8 relative here), and Fisher's normal approximation of t (error O(1/df^2))
# is more precise (~1e-9 relative).
_LARGE_DF = 1e8


def _stirling_tail(x: float) -> float:
    """ln Gamma(x) - ((x - 1/2) ln x - x + ln(2 pi) / 2): the Stirling series, for x >= 100."""
    inverse = 1.0 / x
    inverse2 = inverse * inverse
    return inverse * (1.0 / 12.0 - inverse2 * (1.0 / 360.0 - inverse2 / 1260.0))


def _log_beta(a: float, b: float) -> float:
    """ln B(a, b); for one large argument without lgamma's cancellation (large df)."""
    small, large = min(a, b), max(a, b)
    if large < 100.0:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    # ln Gamma(large) - ln Gamma(large + small) from the Stirling series of both.
    ratio = (
        -(large - 0.5) * math.log1p(small / large)
        - small * math.log(large + small)
        + small
        + _stirling_tail(large)
        - _stirling_tail(large + small)
    )
    return math.lgamma(small) + ratio


def _nonzero(value: float) -> float:
    """Lentz's guard: a tiny number instead of a zero divisor."""
    return value if abs(value) >= _CF_TINY else _CF_TINY


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b), evaluated with the modified Lentz method."""
    d = 1.0 / _nonzero(1.0 - (a + b) * x / (a + 1.0))
    c = 1.0
    result = d
    for m in range(1, _CF_MAX_ITERATIONS + 1):
        even = m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m))
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0))
        delta = 1.0
        for numerator in (even, odd):
            d = 1.0 / _nonzero(1.0 + numerator * d)
            c = _nonzero(1.0 + numerator / c)
            delta = d * c
            result *= delta
        if abs(delta - 1.0) < _CF_EPSILON:
            return result
    raise ArithmeticError(f"incomplete beta continued fraction did not converge (a={a}, b={b})")


def _incomplete_beta(a: float, b: float, x: float, y: float, log_x: float, log_y: float) -> float:
    """I_x(a, b) with y = 1 - x and both logarithms given as precisely as the caller knows them."""
    log_front = a * log_x + b * log_y - _log_beta(a, b)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, y) / b


def normal_sf(z: float) -> float:
    """The standard normal upper tail, P(Z > z), accurate far into the tail."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _check_df(df: float) -> None:
    if not df > 0:  # also rejects NaN
        raise ValueError(f"degrees of freedom must be positive, not {df}")


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with `df` degrees of freedom (> 0, fractional or math.inf)."""
    _check_df(df)
    if math.isnan(t):
        return math.nan
    if math.isinf(df):
        return normal_sf(t)
    if df >= _LARGE_DF:
        return normal_sf(t * (1.0 - 0.25 / df) / math.sqrt(1.0 + t * t / (2.0 * df)))
    if math.isinf(t):
        return 0.0 if t > 0 else 1.0
    t2 = t * t
    if t2 == 0:
        return 0.5
    # P(|T| > |t|) = I_x(df/2, 1/2) with x = df/(df+t^2); x, 1 - x and their logarithms are
    # each computed directly, since x is close to 1 for large df (and t^2 may overflow).
    if math.isinf(t2):
        log_x = math.log(df) - 2.0 * math.log(abs(t))
        x = math.exp(log_x)
        y = 1.0 - x
        log_y = math.log1p(-x)
    else:
        x = df / (df + t2)
        y = t2 / (df + t2)
        log_x = -math.log1p(t2 / df)
        log_y = math.log(t2) - math.log(df + t2)
    both_tails = _incomplete_beta(df / 2.0, 0.5, x, y, log_x, log_y)
    return 0.5 * both_tails if t >= 0 else 1.0 - 0.5 * both_tails


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with `df` degrees of freedom."""
    return t_sf(-t, df)


def t_two_sided_p(t: float, df: float) -> float:
    """The two-sided p-value of a t statistic: P(|T| >= |t|)."""
    return min(1.0, 2.0 * t_sf(abs(t), df))


def _upper_tail(x: float, df: float) -> float:
    return normal_sf(x) if math.isinf(df) else t_sf(x, df)


def _invert_upper_tail(tail: float, df: float) -> float:
    """The x >= 0 with P(T > x) == tail, for 0 < tail <= 0.5, by bisection."""
    low, high = 0.0, 1.0
    while _upper_tail(high, df) > tail:
        low, high = high, high * 2.0
        if math.isinf(high):
            return math.inf
    for _ in range(200):
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if _upper_tail(middle, df) > tail:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def _quantile(p: float, df: float) -> float:
    if not 0.0 < p < 1.0:
        raise ValueError(f"a quantile needs 0 < p < 1, not {p}")
    if p == 0.5:
        return 0.0
    if p > 0.5:
        return _invert_upper_tail(1.0 - p, df)
    return -_invert_upper_tail(p, df)


@lru_cache(maxsize=1024)
def t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) == p, for 0 < p < 1 and `df` > 0 (math.inf: the normal)."""
    _check_df(df)
    return _quantile(p, df)


@lru_cache(maxsize=64)
def normal_quantile(p: float) -> float:
    """The z with P(Z <= z) == p, for 0 < p < 1."""
    return _quantile(p, math.inf)


def _check_level(confidence_percent: float) -> None:
    if not 0.0 < confidence_percent < 100.0:
        raise ValueError(
            f"a confidence level is a percentage in (0, 100), not {confidence_percent}"
        )


def _check_table_df(df: int) -> None:
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, not {df}")


@lru_cache(maxsize=2048)
def textbook_critical_value(confidence_percent: float, df: int) -> float:
    """The two-sided critical t for a confidence level, in ministat's convention.

    That is, the exact quantile rounded to three decimals for df <= 100, and the normal
    quantile rounded to three decimals beyond (1.960 at 95%). Unlike `critical_value`, the
    99.5% level gives the true 99.5% values (127.321 at df 1).
    """
    _check_level(confidence_percent)
    _check_table_df(df)
    p = 1.0 - (1.0 - confidence_percent / 100.0) / 2.0
    exact = t_quantile(p, float(df)) if df <= TABLE_ROWS else normal_quantile(p)
    return round(exact, 3)


@lru_cache(maxsize=2048)
def critical_value(confidence_percent: float, df: int) -> float:
    """The two-sided critical t ministat uses for a confidence level and df, entry for entry.

    Identical to `textbook_critical_value` except at 99.5%, where ministat's table holds the
    99.8% values (318.309 at df 1, 3.090 beyond df 100) with six slightly different entries
    (df 7..12). Levels other than ministat's six follow the textbook convention.
    """
    _check_level(confidence_percent)
    _check_table_df(df)
    if confidence_percent != 99.5:
        return textbook_critical_value(confidence_percent, df)
    if df in _MINISTAT_995_EXCEPTIONS:
        return _MINISTAT_995_EXCEPTIONS[df]
    return textbook_critical_value(_MINISTAT_995_AS, df)
