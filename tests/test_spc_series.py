"""Observations are checked before any chart is drawn: each bad point or line is named."""
import math

import pytest

from ideas.charts import ChartInputError, read_csv, series_of_proportions, series_of_values


@pytest.mark.parametrize(("values", "message"), [
    ([], "no observations"),
    ([1, math.nan, 3], "point 2: the value nan is not a finite number"),
    ([1, 2, math.inf], "point 3: the value inf is not a finite number"),
    ([1, "x"], "point 2: the value 'x' is not a finite number"),
])
def test_bad_values_are_named(values, message):
    with pytest.raises(ChartInputError, match=message) as refused:
        series_of_values(values)
    assert refused.value.field == "observations"


@pytest.mark.parametrize(("numerators", "denominators", "message", "row"), [
    ([1, 2], [10, 0], "2 Mar: the denominator is 0; it must be above zero", 1),
    ([1, 2], [-5, 10], "1 Mar: the denominator is -5; it must be above zero", 0),
    ([1, 12], [10, 10], "2 Mar: the numerator 12 is not between 0 and the denominator 10", 1),
    ([-1, 2], [10, 10], "1 Mar: the numerator -1 is not between", 0),
])
def test_bad_proportions_are_named(numerators, denominators, message, row):
    with pytest.raises(ChartInputError, match=message) as refused:
        series_of_proportions(numerators, denominators, ["1 Mar", "2 Mar"])
    assert refused.value.row == row


def test_labels_must_match_the_points():
    with pytest.raises(ChartInputError, match="2 labels were given for 3 points"):
        series_of_values([1, 2, 3], ["a", "b"])


def test_csv_of_values_and_of_proportions():
    values = read_csv("date,value\n2024-03-03,4.5\n\n2024-03-10,5\n")
    assert values.values == (4.5, 5.0) and values.labels == ("3 Mar 2024", "10 Mar 2024")
    proportions = read_csv("numerator,denominator\n3,10\n1,4\n")
    assert proportions.values == (0.3, 0.25) and proportions.labels == ("point 1", "point 2")
    assert proportions.denominators == (10.0, 4.0)


@pytest.mark.parametrize(("text", "message", "line"), [
    ("", "The file is empty", 1),
    ("date,value\n", "no observations", 2),
    ("date,amount\n2024-03-01,3\n", "line 1: the header 'date,amount' should be", 1),
    ("date,value\n2024-03-01,3\n2024-02-30,4\n", "line 3: the date '2024-02-30' is not a date", 3),
    ("date,value\n2024-03-01,3\n2024-03-02,three\n", "line 3: the value 'three' is not a finite number", 3),
    ("date,value\n2024-03-01,3,4\n", "line 2: 3 cells where the header has 2", 2),
    ("date,numerator,denominator\n2024-03-01,11,10\n", "line 2: the numerator 11 is not between", 2),
    ("date,numerator,denominator\n2024-03-01,0,0\n", "line 2: the denominator is 0", 2),
])
def test_bad_csv_rows_are_named_by_line(text, message, line):
    with pytest.raises(ChartInputError, match=message) as refused:
        read_csv(text)
    assert refused.value.line == line
