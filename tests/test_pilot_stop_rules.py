"""The stop rules' decision, pure: observations in, the trips out (each naming the measure, rule and point)."""
from datetime import date, timedelta

import pytest

from ideas.pilots.stop_rules import Point, StopRule, stop_reasons

START = date(2027, 1, 4)
HANDOVER = StopRule("Handover length", "minutes", "decrease", threshold=45.0)
SIGNAL = StopRule("Handover length", "minutes", "decrease", on_signal=True)


def points(values, start: date = START) -> list[Point]:
    return [Point(start + timedelta(i), v) for i, v in enumerate(values)]


def proportions(pairs) -> list[Point]:
    return [Point(START + timedelta(i), None, n, d) for i, (n, d) in enumerate(pairs)]


def test_nothing_observed_trips_nothing():
    assert stop_reasons(HANDOVER, []) == [] and stop_reasons(SIGNAL, []) == []


def test_an_observation_above_the_threshold_trips_and_is_named():
    assert stop_reasons(HANDOVER, points([30, 31, 52])) == [
        "Stop rule on “Handover length”: 52 minutes on 6 Jan 2027 is above the stop threshold (45 minutes)."]


@pytest.mark.parametrize(("value", "trips"), [(45, False), (45.01, True), (44.99, False)])
def test_the_threshold_itself_does_not_trip(value, trips):
    assert bool(stop_reasons(HANDOVER, points([30, value]))) is trips


def test_a_threshold_below():
    rule = StopRule("Staff at handover", "nurses", "increase", threshold=4, above=False)
    assert stop_reasons(rule, points([6, 5, 4])) == []
    assert stop_reasons(rule, points([6, 3, 5])) == [
        "Stop rule on “Staff at handover”: 3 nurses on 5 Jan 2027 is below the stop threshold (4 nurses)."]


def test_a_breach_inside_a_batch_is_not_hidden_by_a_later_normal_value():
    """An uploaded week: Tuesday's breach counts though Sunday's value is normal."""
    reasons = stop_reasons(HANDOVER, points([30, 60, 31, 47, 30]))
    assert [r.split(" on ")[2] for r in reasons] == ["5 Jan 2027 is above the stop threshold (45 minutes).",
                                                     "7 Jan 2027 is above the stop threshold (45 minutes)."]


def test_a_proportion_is_compared_in_per_cent():
    rule = StopRule("Drug round delayed", "%", "decrease", threshold=10, proportion=True)
    assert stop_reasons(rule, proportions([(2, 40), (4, 40)])) == []  # 5 % and 10 %
    assert stop_reasons(rule, proportions([(2, 40), (5, 40)])) == [
        "Stop rule on “Drug round delayed”: 12.5% (5 of 40) on 5 Jan 2027 is above the stop threshold (10%)."]


def test_the_frozen_baseline_came_before_the_change_and_trips_nothing():
    rule = StopRule("Handover length", "minutes", "decrease", threshold=45.0, baseline=3)
    assert stop_reasons(rule, points([50, 30, 31, 32])) == []
    assert len(stop_reasons(rule, points([50, 30, 31, 46]))) == 1


# --- special-cause signals on a balancing measure ----------------------------------------------------

RISING = [30, 31, 29, 30, 28, 30, 31, 32, 33, 34, 35, 36]  # a trend of 8 rising, from the 5th point


def test_an_unfavourable_trend_trips():
    (reason,) = stop_reasons(SIGNAL, points(RISING))
    assert reason == ("Stop rule on “Handover length”: a special-cause signal against its direction of improvement "
                      "(IHI rules, run chart): trend: 8 points rising from 8 Jan 2027 to 15 Jan 2027.")


def test_the_same_trend_in_the_direction_of_improvement_trips_nothing():
    assert stop_reasons(StopRule("Checklist done", "%", "increase", on_signal=True), points(RISING)) == []


def test_signals_count_only_when_the_measure_stops_on_them():
    assert stop_reasons(HANDOVER, points(RISING)) == []


def test_unfavourable_signals_trip_and_favourable_ones_and_the_runs_rule_do_not():
    values = [30, 29, 31, 30, 28, 29, 40, 41, 42, 40, 41, 42]  # 6 below the median, 6 above; too few runs
    reasons = [r.split("(IHI rules, run chart): ")[1] for r in stop_reasons(SIGNAL, points(values))]
    assert reasons == ["shift: 6 points above the median from 10 Jan 2027 to 15 Jan 2027.",
                       "trend: 5 points rising from 8 Jan 2027 to 12 Jan 2027."]


def test_from_twenty_points_the_control_chart_reads_a_point_beyond_its_limits():
    values = [30, 31, 29, 30, 32, 31, 30, 29, 31, 30, 29, 31, 30, 32, 30, 31, 29, 30, 31, 30, 44]
    (reason,) = stop_reasons(SIGNAL, points(values))
    assert "(IHI rules, xmr chart): beyond the limits: 24 Jan 2027 (44) is above the upper limit" in reason
    low = values[:-1] + [16]  # as far beyond, on the favourable side
    assert stop_reasons(SIGNAL, points(low)) == []


def test_making_data_count_reads_the_control_chart_from_the_first_points():
    rule = StopRule("Handover length", "minutes", "decrease", on_signal=True, rules="mdc")
    values = [30, 31, 29, 30, 32, 31, 30, 29, 31, 30, 29, 31, 60]
    (reason,) = stop_reasons(rule, points(values))
    assert "(Making Data Count rules, xmr chart): beyond the limits: 16 Jan 2027 (60)" in reason


def test_a_p_chart_for_a_proportion():
    rule = StopRule("Drug round delayed", "%", "decrease", on_signal=True, proportion=True, rules="mdc")
    pairs = [(4, 40)] * 6 + [(3, 40), (5, 40)] * 3 + [(20, 40)]
    (reason,) = stop_reasons(rule, proportions(pairs))
    assert "(Making Data Count rules, p chart): beyond the limits" in reason


def test_a_new_phase_at_the_change_reads_each_phase_on_its_own():
    values = [30] * 7 + [40] * 7
    assert any("shift: 7 points above" in r for r in stop_reasons(SIGNAL, points(values)))  # one median
    phased = StopRule("Handover length", "minutes", "decrease", on_signal=True, phase_starts=(START + timedelta(7),))
    assert stop_reasons(phased, points(values)) == []


def test_phase_starts_outside_the_data_and_a_baseline_too_long_are_left_out():
    rule = StopRule("Handover length", "minutes", "decrease", on_signal=True, baseline=40,
                    phase_starts=(START - timedelta(3), START + timedelta(90)))
    assert stop_reasons(rule, points(RISING)) == stop_reasons(SIGNAL, points(RISING))


def test_a_signal_wholly_inside_the_frozen_baseline_trips_nothing():
    values = [30, 31, 32, 33, 34, 35, 34, 33, 33, 34, 33]  # a trend of 6 rising inside the first 6 points
    frozen = StopRule("Handover length", "minutes", "decrease", on_signal=True, baseline=6)
    assert any("trend" in r for r in stop_reasons(SIGNAL, points(values)))
    assert not any("trend" in r for r in stop_reasons(frozen, points(values)))


def test_a_threshold_and_a_signal_both_named():
    rule = StopRule("Handover length", "minutes", "decrease", threshold=45.0, on_signal=True)
    reasons = stop_reasons(rule, points(RISING[:-1] + [50]))
    assert [("threshold" in r, "trend" in r) for r in reasons] == [(True, False), (False, True)]
