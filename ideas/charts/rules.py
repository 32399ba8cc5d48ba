"""Run rules on a sequence of points: shifts, trends, number of runs, Anhøj's runs analysis.

Sources: IHI rules as in Perla, Provost & Murray, "The run chart", BMJ Qual Saf 2011;20:46–51
(shift 6, trend 5, runs table, points on the median ignored); NHS "Making Data Count" as coded
in NHSRplotthedots R/ptd_calculate_point_type.R (shift 7 and trend 7, where a point on the mean
or a tie breaks the run); Anhøj's longest run and crossings as coded in qicharts2
R/helper.functions.R `runs.analysis`/`crsignal` (Anhøj & Olesen, PLoS ONE 2014).
"""
import math
from dataclasses import dataclass

# Perla, Provost & Murray 2011, Table 1 (from Swed & Eisenhart 1943): for N useful observations,
# fewer runs than the first number is "too few", more than the second is "too many". Transcribed, not
# copied from a file (no searchable copy was found): proofread against the paper before release; a test
# holds every row within one run of the exact distribution (2.5 % a tail).
RUNS_TABLE = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (5, 12), 16: (5, 13),
    17: (5, 13), 18: (6, 14), 19: (6, 15), 20: (6, 16), 21: (7, 16), 22: (7, 17), 23: (7, 17),
    24: (8, 18), 25: (8, 18), 26: (9, 19), 27: (10, 19), 28: (10, 20), 29: (10, 20), 30: (11, 21),
    31: (11, 22), 32: (11, 22), 33: (12, 23), 34: (12, 23), 35: (13, 24), 36: (13, 24), 37: (13, 25),
    38: (14, 26), 39: (14, 26), 40: (15, 27), 41: (15, 27), 42: (16, 28), 43: (16, 28), 44: (17, 29),
    45: (17, 30), 46: (17, 30), 47: (18, 31), 48: (18, 31), 49: (19, 32), 50: (19, 32), 51: (20, 33),
    52: (20, 33), 53: (21, 34), 54: (21, 35), 55: (22, 35), 56: (22, 36), 57: (23, 36), 58: (23, 37),
    59: (24, 38), 60: (24, 38),
}


def sides(values, centres) -> list[int]:
    """+1 above the centre line, -1 below, 0 on it (within rounding of the centre's arithmetic)."""
    signs = []
    for y, c in zip(values, centres, strict=True):
        gap = y - c
        signs.append(0 if abs(gap) <= 1e-9 * max(1.0, abs(c)) else (1 if gap > 0 else -1))
    return signs


def shifts(signs, length: int, *, on_line_breaks: bool) -> list[tuple[int, list[int]]]:
    """Runs of `length` or more points on one side: (side, indices of the points counted)."""
    found, run = [], []
    for i, s in enumerate(signs):
        if s == 0 and not on_line_breaks:
            continue
        if run and s != signs[run[-1]]:
            found.append(run)
            run = []
        if s:
            run.append(i)
    found.append(run)
    return [(signs[r[0]], r) for r in found if len(r) >= length]


def _monotone(indices, values, length: int) -> list[tuple[int, list[int]]]:
    """Stretches of `indices` whose values go one way, at least `length` points long."""
    found = []
    for direction in (1, -1):
        run = indices[:1]
        for prev, i in zip(indices, indices[1:]):
            step = values[i] - values[prev]
            if step * direction > 0:
                run.append(i)
                continue
            if len(run) >= length:
                found.append((direction, run))
            run = [i]
        if len(run) >= length:
            found.append((direction, run))
    return sorted(found, key=lambda t: t[1][0])


def trends_ignoring_ties(values, length: int) -> list[tuple[int, list[int]]]:
    """IHI trend: a repeated value neither adds to nor breaks the trend (the first of a tie counts)."""
    kept = [i for i in range(len(values)) if i == 0 or values[i] != values[i - 1]]
    return _monotone(kept, values, length)


def strict_trends(values, length: int) -> list[tuple[int, list[int]]]:
    """Making Data Count trend: every step up (or every step down); a tie breaks it."""
    return _monotone(list(range(len(values))), values, length)


def runs_limits(useful: int) -> tuple[int, int] | None:
    """The fewest and most runs expected by chance for `useful` points, or None off the table."""
    return RUNS_TABLE.get(useful)


@dataclass(frozen=True)
class Runs:
    """Runs about the centre line: counts for the IHI runs rule and Anhøj's analysis."""

    useful: int
    runs: int
    longest: int
    longest_limit: int | None
    crossings: int
    crossings_limit: int | None

    @property
    def anhoej_signal(self) -> bool:
        """qicharts2's runs.signal: the longest run too long or too few crossings."""
        if self.longest_limit is None:
            return False
        return self.longest > self.longest_limit or self.crossings < self.crossings_limit

    def as_dict(self) -> dict:
        return {"useful": self.useful, "runs": self.runs, "longest_run": self.longest,
                "longest_run_max": self.longest_limit, "crossings": self.crossings,
                "crossings_min": self.crossings_limit, "anhoej_signal": self.anhoej_signal}


def _binomial_quantile(p: float, n: int) -> int:
    """R's qbinom(p, n, 0.5): the smallest x with P(X ≤ x) ≥ p."""
    total = 0
    for x in range(n + 1):
        total += math.comb(n, x)
        if total / 2**n >= p - 1e-12:
            return x
    return n


def count_runs(signs) -> Runs:
    """Runs of the useful (off-line) points; Anhøj's limits round(log2 n) + 3 and qbinom(.05, n-1, .5)."""
    useful = [s for s in signs if s]
    lengths = []
    for i, s in enumerate(useful):
        if i and s == useful[i - 1]:
            lengths[-1] += 1
        else:
            lengths.append(1)
    n = len(useful)
    if not n:
        return Runs(0, 0, 0, None, 0, None)
    return Runs(n, len(lengths), max(lengths), round(math.log2(n)) + 3, len(lengths) - 1,
                _binomial_quantile(0.05, n - 1))
