"""Each measure's chart page: who sees it, its SVG, signals, table and CSV; the pilot team's phases,
rule set and frozen baseline (bad input 422, audited); a query count that stays flat."""
import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ideas.accounts.models import Role
from ideas.database import db
from ideas.pilots.models import ChartPhase, ChartSettings, Observation, PdsaCycle, RuleSet
from ideas.pipeline.workflow import Stage
from ideas.review.models import Measure
from tests.conftest import page_token, sign_in
from tests.support.ideas import idea_events, make_idea
from tests.support.statements import statements_of

pytestmark = pytest.mark.usefixtures("no_second_factor")

HTMX = {"HX-Request": "true"}
START = date(2027, 1, 4)
# 12 points about 10, then 8 well above: a shift the run chart names.
SHIFTED = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 12, 8, 16, 17, 15, 16, 18, 17, 16, 15]


@pytest.fixture
def pilot(people, create_user):
    members = (people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE))
    return make_idea(people["submitter"], Stage.PILOT, mentor=people["mentor"], co_authors=(people["co_author"],),
                     committee=members)


def measure_of(idea, name: str = "Night-time falls") -> Measure:
    return db.session.scalar(select(Measure).where(Measure.idea_id == idea.id, Measure.name == name))


def observe(idea, measure: Measure, values, notes: dict | None = None, start: date = START) -> None:
    """Weekly observations straight into the table (the pilot's own entry forms are another part)."""
    for i, value in enumerate(values):
        numbers = {"numerator": value[0], "denominator": value[1]} if measure.proportion else {"value": value}
        db.session.add(Observation(idea_id=idea.id, measure_id=measure.id, observed_on=start + timedelta(weeks=i),
                                   note=(notes or {}).get(i, ""), recorded_by_id=idea.submitter_id, **numbers))
    db.session.commit()


def test_smoke(client, people, pilot):
    falls = measure_of(pilot)
    observe(pilot, falls, SHIFTED + [16, 15, 17], notes={12: "New rota"})
    db.session.add(PdsaCycle(idea_id=pilot.id, change_tested="Checklist at handover", started_on=START + timedelta(weeks=11)))
    db.session.commit()
    sign_in(client, people["submitter"])
    r = client.get(f"/ideas/{pilot.id}/measures/{falls.id}/chart")
    open("/tmp/pc/page.html", "w").write(r.get_data(as_text=True))
    assert r.status_code == 200
