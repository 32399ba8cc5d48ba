"""analyse() on worked examples: every expected number below was worked out by hand first."""
import pytest

from ideas.charts import ChartInputError, analyse, series_of_proportions, series_of_values

DAYS = [f"{d} Mar" for d in range(1, 32)]


def kinds(result):
    return [(s.rule, s.kind, s.points) for s in result.signals]


def test_run_chart_points_on_the_median_neither_break_nor_count():
    # 14 values, sorted 1×6, 5, 5, 9×6: median (5 + 5) / 2 = 5. Six above with one on the median between,
    # then six below with one on the median between: two shifts of 6, only 2 runs in 12 useful points
    # (Perla's table for 12: fewer than 3 is too few). No trend: without repeats 9, 5, 9, 1, 5, 1.
    values = [9, 9, 9, 5, 9, 9, 9, 1, 1, 1, 1, 1, 5, 1]
    result = analyse(series_of_values(values, DAYS[:14]))
    assert result.phases[0].centre == 5
    assert kinds(result) == [("shift", "above", (0, 1, 2, 4, 5, 6)), ("shift", "below", (7, 8, 9, 10, 11, 13)),
                             ("runs", "too few", (0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 13))]
    assert result.signals[0].text == "shift: 6 points above the median from 1 Mar to 7 Mar"
    assert "2 runs in 12 points off the median (fewer than 3" in result.signals[2].text
    assert any("astronomical points are looked for from 20 points" in note for note in result.notes)


def test_five_counted_points_are_not_a_shift():
    # Sorted 1×5, 5, 5, 9×6: median 5. Above: 0, 1, 2, 4, 5 (five counted; 3 is on the median).
    result = analyse(series_of_values([9, 9, 9, 5, 9, 9, 1, 1, 1, 1, 1, 5, 9]))
    assert [s for s in result.signals if s.rule == "shift"] == []


def test_too_many_runs_and_too_few_useful_points():
    # 1, 9 alternating: median 5, 10 runs in 10 useful points; Perla's table for 10: more than 9 is too many.
    many = analyse(series_of_values([1, 9] * 5))
    assert kinds(many) == [("runs", "too many", tuple(range(10)))]
    # 8 useful points (1, 9 alternating, median 5): the runs rule is not applied, and the result says so.
    few = analyse(series_of_values([1, 9] * 4))
    assert kinds(few) == [] and any("not applied: 8 points off the median, fewer than 10" in n for n in few.notes)


def test_astronomical_point_once_there_are_twenty_points():
    # 10, 12 alternating (19 points) then 30. Mean 238 / 20 = 11.9. Moving ranges: 18 of 2 and one of 20,
    # MR̄ = 56 / 19 = 2.947; 20 ≥ 3.267 × 2.947 = 9.63 is screened, so MR̄ = 2 and the limits are
    # 11.9 ± 5.32 = 6.58 and 17.22. The median is (10 + 12) / 2 = 11; alternating about it, the 20 points
    # make 20 runs, more than the 16 Perla's table allows for 20.
    values = [10, 12] * 9 + [10, 30]
    result = analyse(series_of_values(values, DAYS[:20]))
    assert result.phases[0].centre == 11
    assert kinds(result) == [("runs", "too many", tuple(range(20))), ("astronomical", "above", (19,))]
    assert result.signals[1].text == "astronomical point: 20 Mar (30) is above the upper limit (17.22)"


def test_xmr_exactly_twenty_points():
    # 1..20: mean 10.5, every moving range 1, limits 10.5 ± 2.66 = 7.84 and 13.16.
    result = analyse(series_of_values(list(range(1, 21))), kind="xmr")
    points = result.as_dict()["points"]
    assert points[0]["centre"] == 10.5
    assert points[0]["lower"] == pytest.approx(7.84) and points[19]["upper"] == pytest.approx(13.16)
    flags = result.flags()
    assert flags["beyond_limits"] == list(range(7)) + list(range(13, 20))
    assert flags["trend"] == list(range(20))
    assert result.notes == ()  # 20 points: no "provisional" note


def test_nhsrplotthedots_vignette_example():
    # NHSRplotthedots vignette "Screening outliers": data 1, 2, 1, 2, 10, 1, 2, … (18 points); with the
    # default screen_outliers = TRUE the caption reads "UPL = 4.6, Mean = 1.94, LPL = -0.72", and the
    # only special cause is the fifth point (improvement, the default direction being "increase").
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    result = analyse(series_of_values(values), kind="xmr", rules="mdc", direction="up")
    point = result.as_dict()["points"][0]
    assert (round(point["upper"], 2), round(point["centre"], 2), round(point["lower"], 2)) == (4.6, 1.94, -0.72)
    assert kinds(result) == [("beyond_limits", "above", (4,))]
    assert result.variation.code == "common_cause"


def test_all_points_equal():
    result = analyse(series_of_values([7] * 20), kind="xmr")
    point = result.as_dict()["points"][0]
    assert (point["lower"], point["centre"], point["upper"]) == (7, 7, 7)
    assert result.signals == () and result.phases[0].runs.useful == 0
    assert analyse(series_of_values([7] * 20)).signals == ()


def test_p_chart_with_varying_denominators():
    # p̄ = (2 + 6 + 3 + 9) / (10 + 20 + 15 + 30) = 20 / 75 = 0.26667; p̄(1 − p̄) = 0.195556.
    # n = 10: σ = √0.0195556 = 0.139841, limits 0.26667 ± 0.41952 → 0 (clipped) and 0.68619.
    # n = 30: σ = √0.0065185 = 0.080737, limits 0.26667 ± 0.24221 → 0.02445 and 0.50888.
    series = series_of_proportions([2, 6, 3, 9], [10, 20, 15, 30])
    points = analyse(series, kind="p").as_dict()["points"]
    assert points[0]["centre"] == pytest.approx(0.266667, abs=1e-6)
    assert (points[0]["lower"], points[0]["upper"]) == (0.0, pytest.approx(0.686190, abs=1e-6))
    assert points[3]["lower"] == pytest.approx(0.024455, abs=1e-6)
    assert points[3]["upper"] == pytest.approx(0.508879, abs=1e-6)


def test_p_chart_needs_proportions():
    with pytest.raises(ChartInputError, match="numerator and a denominator"):
        analyse(series_of_values([1, 2, 3]), kind="p")


def test_a_phase_change_recalculates_centre_and_limits():
    # Phase 1: 1, 2 alternating, mean 1.5, MR̄ 1, limits −1.16 and 4.16; phase 2: 11, 12, mean 11.5.
    values = [1, 2] * 5 + [11, 12] * 5
    phased = analyse(series_of_values(values), kind="xmr", phase_at=[10])
    assert [r.centre for r in phased.phases] == [1.5, 11.5]
    assert phased.signals == ()
    # One phase: mean 6.5; the jump's moving range 9 is screened, MR̄ 1, limits 3.84 and 9.16: all 20 beyond.
    whole = analyse(series_of_values(values), kind="xmr")
    assert whole.flags()["beyond_limits"] == list(range(20))


def test_a_frozen_baseline_sets_the_limits_for_what_follows():
    # Baseline 1, 2 × 5: mean 1.5, limits −1.16 and 4.16 for all 15 points; 5 and 6 are beyond.
    values = [1, 2] * 5 + [5, 6, 5, 6, 5]
    result = analyse(series_of_values(values), kind="xmr", baseline=10)
    assert {p["centre"] for p in result.as_dict()["points"]} == {1.5}
    assert result.flags()["beyond_limits"] == [10, 11, 12, 13, 14]
    assert result.flags()["shift"] == [9, 10, 11, 12, 13, 14]  # the last baseline 2 is above 1.5 too
    assert analyse(series_of_values(values), baseline=10).phases[0].centre == 1.5  # baseline median


@pytest.mark.parametrize(("phase_at", "baseline"), [([0], None), ([20], None), ([5, 5], None), ([], 1), ([8], 9)])
def test_bad_phases_and_baselines_are_refused(phase_at, baseline):
    with pytest.raises(ChartInputError):
        analyse(series_of_values(list(range(20))), phase_at=phase_at, baseline=baseline)


def test_making_data_count_shift_needs_seven_and_the_mean_breaks_it():
    # Above: 12, 13 ×3; one 10; below: 7, 8 ×3; one 10. Sum 140 over 14: mean 10 exactly.
    values = [12, 13, 12, 13, 12, 13, 10, 7, 8, 7, 8, 7, 8, 10]
    mdc_result = analyse(series_of_values(values), kind="xmr", rules="mdc")
    ihi_result = analyse(series_of_values(values), kind="xmr")
    assert "shift" not in mdc_result.flags()
    assert ihi_result.flags()["shift"] == [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12]


@pytest.mark.parametrize(("direction", "target", "variation", "assurance"), [
    ("up", 5, "special_cause_improving", "consistently_failed"),
    ("down", 5, "special_cause_concerning", "consistently_met"),
    ("up", -2, "special_cause_improving", "consistently_met"),
    ("down", -2, "special_cause_concerning", "consistently_failed"),
    ("up", 3, "special_cause_improving", "inconsistent"),
    (None, 3, "special_cause_neutral_high", None),
])
def test_variation_and_assurance(direction, target, variation, assurance):
    # Baseline limits −1.16 to 4.16; the last point (5) is above the upper limit.
    values = [1, 2] * 5 + [5, 6, 5, 6, 5]
    result = analyse(series_of_values(values), kind="xmr", rules="mdc", baseline=10,
                     direction=direction, target=target)
    assert result.variation.code == variation
    assert (result.assurance.code if result.assurance else None) == assurance


def test_making_data_count_does_not_read_a_run_chart():
    with pytest.raises(ChartInputError, match="control chart"):
        analyse(series_of_values([1, 2, 3]), kind="run", rules="mdc")
