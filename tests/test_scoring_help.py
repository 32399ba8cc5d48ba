"""Scoring help beside the review: each criterion's 1–5 rubric, and the 5×5 risk matrix in words."""
import re

from ideas.pipeline.workflow import Stage
from ideas.review.risk import RiskBand, matrix
from ideas.review.rules import CRITERIA, RUBRIC
from tests.conftest import sign_in
from tests.support.ideas import make_idea


def test_the_matrix_runs_from_catastrophic_to_negligible_with_every_band():
    rows = matrix()
    assert [severity for severity, _, _ in rows] == [5, 4, 3, 2, 1]
    assert rows[0][2][-1] == (25, RiskBand.EXTREME) and rows[-1][2][0] == (1, RiskBand.LOW)
    assert {cell_band for _, _, cells in rows for _, cell_band in cells} == set(RiskBand)


def test_every_criterion_has_five_meanings():
    assert set(RUBRIC) == set(CRITERIA)
    assert all(len(meanings) == 5 and all(meanings) for meanings in RUBRIC.values())


def test_the_mentor_sees_the_rubric_and_the_matrix(client, people):
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    sign_in(client, people["mentor"])
    feasibility = client.get(f"/review/{idea.id}/feasibility").get_data(as_text=True)
    for name, label in CRITERIA.items():
        assert f"What 1 to 5 mean for {label.lower()}" in feasibility
        assert all(meaning in feasibility.replace("&#39;", "'") for meaning in RUBRIC[name])
    safety = client.get(f"/review/{idea.id}/safety").get_data(as_text=True)
    matrix_html = safety[safety.index('class="risk-matrix"'):]
    cells = re.findall(r'<td class="band-(\w+)">(\d+) <span aria-hidden="true">\w</span>'
                       r'<span class="visually-hidden">(\w+)</span></td>', matrix_html)
    assert len(cells) == 25 and all(css == word for css, _, word in cells)
    assert ("extreme", "25", "extreme") in cells
