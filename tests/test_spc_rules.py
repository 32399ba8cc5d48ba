"""The run rules on their own, against sequences whose answers are written by hand."""
from math import comb

import pytest

from ideas.charts import mdc, rules
from ideas.charts.control_chart import Limits
from ideas.charts.phases import Phase


def test_sides_treat_points_on_the_line_as_zero():
    assert rules.sides([1, 5, 9, 5.000000000001], [5] * 4) == [-1, 0, 1, 0]


@pytest.mark.parametrize(("signs", "length", "breaks", "expected"), [
    ([1] * 5, 6, False, []),                                   # a run of exactly 5 is not an IHI shift
    ([1] * 6, 6, False, [(1, [0, 1, 2, 3, 4, 5])]),            # exactly 6 is
    ([1, 1, 1, 0, 1, 1, 1], 6, False, [(1, [0, 1, 2, 4, 5, 6])]),  # on the median: neither breaks nor counts
    ([1, 1, 1, 0, 1, 1, 1], 6, True, []),                      # on the mean: breaks (Making Data Count)
    ([-1] * 6, 7, True, []),                                   # exactly 6 is not an MDC shift
    ([-1] * 7, 7, True, [(-1, list(range(7)))]),               # exactly 7 is
    ([1, 1, -1, -1, -1, -1, -1, -1, 1], 6, False, [(-1, [2, 3, 4, 5, 6, 7])]),
])
def test_shifts(signs, length, breaks, expected):
    assert rules.shifts(signs, length, on_line_breaks=breaks) == expected


@pytest.mark.parametrize(("values", "expected"), [
    ([1, 2, 3, 4], []),                                         # 4 rising: not a trend
    ([1, 2, 3, 4, 5], [(1, [0, 1, 2, 3, 4])]),                  # exactly 5
    ([9, 8, 7, 6, 5, 6], [(-1, [0, 1, 2, 3, 4])]),              # falling, then a turn
    ([1, 2, 2, 3, 4, 5, 3], [(1, [0, 1, 3, 4, 5])]),            # the repeated 2 neither adds nor breaks
    ([1, 2, 2, 3, 4], []),                                      # so these are only 4 rising
])
def test_ihi_trends_ignore_ties(values, expected):
    assert rules.trends_ignoring_ties(values, 5) == expected


def test_making_data_count_trends_break_on_a_tie():
    assert rules.strict_trends([1, 2, 3, 4, 5, 6, 7], 7) == [(1, list(range(7)))]
    assert rules.strict_trends([1, 2, 3, 3, 4, 5, 6, 7], 7) == []
    assert rules.trends_ignoring_ties([1, 2, 3, 3, 4, 5, 6, 7], 7) == [(1, [0, 1, 2, 4, 5, 6, 7])]


def test_count_runs_and_anhoej_limits():
    # 12 useful points in 2 runs of 6 (the median point ignored). Anhøj (qicharts2 runs.analysis):
    # longest-run limit round(log2 12) + 3 = round(3.58) + 3 = 7; crossings limit qbinom(.05, 11, .5) = 3
    # because P(X ≤ 2) = 67/2048 = .033 < .05 ≤ P(X ≤ 3) = 232/2048 = .113.
    runs = rules.count_runs([1] * 6 + [0] + [-1] * 6)
    assert (runs.useful, runs.runs, runs.longest, runs.crossings) == (12, 2, 6, 1)
    assert (runs.longest_limit, runs.crossings_limit, runs.anhoej_signal) == (7, 3, True)
    assert rules.count_runs([0, 0, 0]).useful == 0


def _exact_bounds(n: int) -> tuple[int, int]:
    """Swed–Eisenhart from the exact distribution of runs, 2.5 % in each tail, n split in halves."""
    n1, n2 = n // 2, n - n // 2

    def p(r):
        k = r // 2
        if r % 2 == 0:
            return 2 * comb(n1 - 1, k - 1) * comb(n2 - 1, k - 1) / comb(n, n1)
        return (comb(n1 - 1, k) * comb(n2 - 1, k - 1) + comb(n1 - 1, k - 1) * comb(n2 - 1, k)) / comb(n, n1)

    fewest = max(r for r in range(2, n + 2) if sum(p(x) for x in range(2, r)) <= 0.025)
    most = min(r for r in range(2, n + 1) if sum(p(x) for x in range(r + 1, n + 1)) <= 0.025)
    return fewest, most


@pytest.mark.parametrize("n", range(10, 61))
def test_the_printed_runs_table_agrees_with_the_exact_distribution_within_one_run(n):
    fewest, most = rules.runs_limits(n)
    exact_fewest, exact_most = _exact_bounds(n)
    assert abs(fewest - exact_fewest) <= 1 and abs(most - exact_most) <= 1
    assert fewest < n / 2 + 1 < most  # the expected number of runs lies between


def test_runs_table_rows_people_quote():
    # Perla, Provost & Murray 2011, Table 1: 10 → 3 and 9; 20 → 6 and 16.
    assert rules.runs_limits(10) == (3, 9) and rules.runs_limits(20) == (6, 16)
    assert rules.runs_limits(9) is None and rules.runs_limits(61) is None


def test_two_of_three_flags_only_the_points_beyond_two_sigma():
    # centre 0, sigma 1: "near" means 2 < |y| ≤ 3 (beyond 3 is outside the limits, not near).
    limits, labels = Limits(0.0, (1.0,) * 8), [f"p{i}" for i in range(8)]
    values = [2.5, 0.5, 2.2, -2.5, 1, -2.5, 3.5, 2.5]
    signs = rules.sides(values, [0.0] * 8)
    found = mdc.two_of_three(Phase(1, 0, 8, 8), values, signs, limits, labels)
    assert [(s.kind, s.points) for s in found] == [("above", (0, 2))]
    # -2.5, 1, -2.5 are not all below; 3.5 is outside, not near, so 3.5 and 2.5 make one near point only.
    assert "p1" not in found[0].text and "near the upper limit" in found[0].text


def test_the_cases_in_nhsrplotthedots_own_tests():
    # tests/testthat/test-ptd_calculate_point_type.R: a 7-trend inside c(2, 1:7, 3) and c(2, 7:1, 3);
    # none in c(1:3, 3:6) (a tie); 8 on one side inside c(-1, rep(1, 8), -1); with every point above the
    # mean, near-limit flags c(1, 0, 0, 1, 1) mark only the last two (the first has no partner within three).
    assert rules.strict_trends([2, 1, 2, 3, 4, 5, 6, 7, 3], 7) == [(1, [1, 2, 3, 4, 5, 6, 7])]
    assert rules.strict_trends([2, 7, 6, 5, 4, 3, 2, 1, 3], 7) == [(-1, [1, 2, 3, 4, 5, 6, 7])]
    assert rules.strict_trends([1, 2, 3, 3, 4, 5, 6], 7) == []
    assert rules.shifts([-1, *[1] * 8, -1], 7, on_line_breaks=True) == [(1, list(range(1, 9)))]
    values, labels = [2.5, 1, 1, 2.5, 2.5], [f"p{i}" for i in range(5)]
    found = mdc.two_of_three(Phase(1, 0, 5, 5), values, [1] * 5, Limits(0.0, (1.0,) * 5), labels)
    assert [s.points for s in found] == [(3, 4)]
