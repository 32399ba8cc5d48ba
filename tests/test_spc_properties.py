"""Properties of the SPC engine that hold for any data."""
from hypothesis import given
from hypothesis import strategies as st

from ideas.charts import analyse, series_of_proportions, series_of_values

measurements = st.lists(st.integers(0, 40), min_size=1, max_size=40)


def findings(result):
    return [(s.rule, s.kind, s.points) for s in result.signals]


@given(measurements, st.integers(-1000, 1000), st.sampled_from([("run", "ihi"), ("xmr", "ihi"), ("xmr", "mdc")]))
def test_signals_do_not_move_when_a_constant_is_added(values, constant, chart):
    kind, rules = chart
    before = analyse(series_of_values(values), kind=kind, rules=rules)
    after = analyse(series_of_values([v + constant for v in values]), kind=kind, rules=rules)
    assert findings(before) == findings(after)


@given(st.lists(st.integers(-100, 100), min_size=5, max_size=30, unique=True), st.booleans())
def test_a_monotone_series_of_five_or_more_is_a_trend(values, falling):
    ordered = sorted(values, reverse=falling)
    trends = [s for s in analyse(series_of_values(ordered)).signals if s.rule == "trend"]
    assert [(s.kind, s.points) for s in trends] == [("falling" if falling else "rising", tuple(range(len(values))))]


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=40))
def test_xmr_limits_are_symmetric_about_the_mean(values):
    for point in analyse(series_of_values(values), kind="xmr").as_dict()["points"]:
        assert abs((point["upper"] - point["centre"]) - (point["centre"] - point["lower"])) <= 1e-6 * (
            1 + abs(point["upper"]) + abs(point["lower"]))


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 50)).map(lambda t: (min(t), t[1])), min_size=1,
                max_size=30))
def test_p_limits_stay_between_zero_and_one(pairs):
    series = series_of_proportions([x for x, _ in pairs], [n for _, n in pairs])
    for point in analyse(series, kind="p").as_dict()["points"]:
        assert 0 <= point["lower"] <= point["centre"] <= point["upper"] <= 1


@given(measurements, st.sampled_from([("run", "ihi"), ("xmr", "ihi"), ("xmr", "mdc")]))
def test_every_signal_names_real_points_in_words(values, chart):
    kind, rules = chart
    result = analyse(series_of_values(values), kind=kind, rules=rules)
    for signal in result.signals:
        assert signal.points and all(0 <= i < len(values) for i in signal.points) and signal.text
        minimum = {"shift": 6 if rules == "ihi" else 7, "trend": 5 if rules == "ihi" else 7}.get(signal.rule, 1)
        assert len(signal.points) >= minimum
