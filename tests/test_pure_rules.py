"""Risk bands and voting tallies: pure functions, tested at their edges."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ideas.committee.tally import Vote, tally
from ideas.review.risk import RiskBand, band, risk_score, worst_band


@pytest.mark.parametrize(("score", "expected"), [
    (1, "low"), (3, "low"), (4, "moderate"), (6, "moderate"), (8, "high"), (12, "high"),
    (15, "extreme"), (25, "extreme"),
])
def test_band_edges(score, expected):
    assert band(score) == RiskBand(expected)


@given(st.integers(1, 5), st.integers(1, 5))
def test_every_matrix_cell_has_a_band(severity, likelihood):
    assert band(risk_score(severity, likelihood)) in RiskBand


@pytest.mark.parametrize("bad", [(0, 3), (6, 1), (3, -1)])
def test_out_of_range_is_refused(bad):
    with pytest.raises(ValueError):
        risk_score(*bad)


def test_worst_hazard_sets_the_band():
    assert worst_band([2, 16, 9]) == RiskBand.EXTREME
    assert worst_band([]) is None


A, R, X = Vote.APPROVE, Vote.REJECT, Vote.ABSTAIN


@pytest.mark.parametrize(("votes", "quorate", "majority"), [
    ([A, A], False, None),            # 2 of 3: below quorum
    ([A, A, R], True, A),             # 3 of 3, 2 to 1
    ([A, R, X], True, None),          # a tie decides nothing
    ([A, X, X], True, A),             # abstentions count to quorum, not to the majority
    ([X, X, X], True, None),
    ([R, R, A, X], True, R),
])
def test_quorum_and_majority(votes, quorate, majority):
    result = tally(votes, quorum=3)
    assert result.quorate is quorate
    assert result.majority == majority
