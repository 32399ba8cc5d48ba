"""The dashboard's spread progress: its numbers against counts made in the test from the target units and
sustainment checks, a site or unit filter picking target units there, the totals over more ideas than are
listed, the CSV against the table, and the words when no idea is spreading."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from ideas.accounts.models import Role, Unit
from ideas.accounts.units import create_unit
from ideas.dashboard.queries import Scope
from ideas.dashboard.spread import SPREAD_LISTED, SpreadCounts, spread_progress
from ideas.database import db
from ideas.pilots.operations import hospital_today
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import Stage
from ideas.spread.models import SustainmentCheck, TargetUnit
from ideas.spread.operations import answer_check, flag_missed, update_unit
from tests.pilots.conftest import members  # noqa: F401  (three committee members, enough for quorum)
from tests.support.bulk import bulk_ideas, bulk_spread
from tests.support.committee import PASSWORD
from tests.support.spread import scale_up_idea, target_wards
from tests.test_dashboard import Tables

pytestmark = pytest.mark.usefixtures("no_second_factor")


def _unit(idea, target, actor, **fields) -> None:
    values = {"status": "planned", "lead": "", "planned_start": "", "started_on": "", "adopted_on": "",
              "sustainment_owner": "", "notes": "", "adaptations": "", **fields}
    update_unit(idea, actor, target.id, values, target.version)
    db.session.commit()


@pytest.fixture
def spreading(people, members):
    """Two ideas through the operations: one in scale-up (5A adopted 100 days ago, its day-30 check answered
    'partly' late and its day-90 missed; Rose Ward in progress; 6C planned), one adopted (6C adopted, Rose Ward
    declined). Both reached the home site, none reached Hillside."""
    wards = target_wards()
    first, (ward_5a, ward_6c, rose) = scale_up_idea(people, members, wards)
    team, owner = people["submitter"], people["co_author"]
    _unit(first, ward_5a, team, status="adopted", adopted_on=(hospital_today() - timedelta(days=100)).isoformat(),
          sustainment_owner=owner.id)
    _unit(first, rose, team, status="in_progress", started_on=hospital_today().isoformat())
    assert flag_missed(hospital_today()) == 2
    day_30 = db.session.scalar(select(SustainmentCheck).where(SustainmentCheck.day == 30))
    answer_check(first, owner, day_30.id, {"answer": "partly", "note": "Nights only."}, day_30.version)
    db.session.commit()
    second, (other_6c, other_rose) = scale_up_idea(people, members, [wards[1], wards[2]])
    _unit(second, other_6c, team, status="adopted", adopted_on=hospital_today().isoformat(),
          sustainment_owner=owner.id)
    _unit(second, other_rose, team, status="declined", notes="No night staff to run it.")
    apply_action(second, members[1], "mark_adopted", second.version, password=PASSWORD)
    db.session.commit()
    return first, second, wards


def counted(idea: Idea, units: set[int] | None = None) -> SpreadCounts:
    """An idea's spread counted in Python from its rows, over its target units at `units` (every one: None)."""
    targets = [t for t in db.session.scalars(select(TargetUnit).where(TargetUnit.idea_id == idea.id))
               if units is None or t.unit_id in units]
    checks = [c for c in db.session.scalars(select(SustainmentCheck).where(SustainmentCheck.idea_id == idea.id))
              if c.target_unit_id in {t.id for t in targets}]
    statuses = [t.status for t in targets]
    return SpreadCounts(
        units=len(targets), adopted=statuses.count("adopted"), in_progress=statuses.count("in_progress"),
        planned=statuses.count("planned"), declined=statuses.count("declined"),
        sites_reached=len({t.unit.site_id for t in targets if t.status == "adopted"}),
        answered=sum(c.answered_at is not None for c in checks), not_held=sum(c.answer in ("partly", "no") for c in checks),
        missed=sum(c.missed_at is not None and c.answered_at is None for c in checks))


def summed(counts: list[SpreadCounts], sites_reached: int) -> SpreadCounts:
    """The ideas' counts added up, but for the sites reached (a site two ideas reached is one)."""
    return SpreadCounts(**{name: sum(getattr(c, name) for c in counts) for name in SpreadCounts.__dataclass_fields__}
                        | {"sites_reached": sites_reached})


def test_each_idea_s_spread_and_the_totals_equal_counts_from_the_rows(app, spreading):
    first, second, wards = spreading
    spread = spread_progress(Scope())
    assert [(i.idea_id, i.stage) for i in spread.ideas] == [(first.id, Stage.SCALE_UP), (second.id, Stage.ADOPTED)]
    assert [i.counts for i in spread.ideas] == [counted(first), counted(second)]
    assert spread.ideas[0].counts == SpreadCounts(units=3, adopted=1, in_progress=1, planned=1, declined=0,
                                                  sites_reached=1, answered=1, not_held=1, missed=1)
    assert spread.total_ideas == 2
    # Both reached the home site: one site reached, not two.
    assert spread.totals == summed([counted(first), counted(second)], sites_reached=1)


def test_a_site_or_unit_filter_counts_the_target_units_there(app, spreading):
    first, second, (ward_5a, ward_6c, rose) = spreading
    hillside = Scope(site_id=rose.site_id)
    spread = spread_progress(hillside)
    # No missed check there: the latest to change stage first.
    assert [(i.idea_id, i.counts) for i in spread.ideas] == [(second.id, counted(second, {rose.id})),
                                                             (first.id, counted(first, {rose.id}))]
    assert spread.totals.units == 2 and spread.totals.sites_reached == 0 and spread.totals.missed == 0
    only_5a = spread_progress(Scope(site_id=ward_5a.site_id, unit_id=ward_5a.id))
    assert [i.idea_id for i in only_5a.ideas] == [first.id] and only_5a.total_ideas == 1
    assert only_5a.ideas[0].counts == counted(first, {ward_5a.id}) == only_5a.totals
    # An idea's origin unit does not put it in scope: both began on Ward 4B, where neither spreads.
    assert spread_progress(Scope(unit_id=first.unit_id)).total_ideas == 0


def test_the_csv_equals_the_table_and_the_chart_draws_the_units_by_status(client, signed_in, spreading):
    first, second, wards = spreading
    signed_in(Role.COMMITTEE)
    for query in (f"?site={wards[2].site_id}", ""):
        parser = Tables()
        parser.feed(client.get(f"/dashboard{query}").get_data(as_text=True))
        from_csv = list(csv.reader(io.StringIO(client.get(f"/dashboard/spread.csv{query}").get_data(as_text=True))))
        assert from_csv == parser.tables["spread"], query
    header, *rows = parser.tables["spread"]
    assert rows[-1][:2] == ["All", "2 ideas"] and [r[0] for r in rows[:-1]] == [first.number, second.number]
    html = client.get("/dashboard").get_data(as_text=True)
    totals = spread_progress(Scope()).totals
    assert (f"Adopted: {totals.adopted}; In progress: {totals.in_progress}; Planned: {totals.planned}; "
            f"Declined: {totals.declined}.") in html
    assert "2 of 2 shown" in html


def test_the_totals_take_in_every_idea_and_the_list_is_bounded(app, people):
    bulk_ideas(250, [people["submitter"], people["co_author"]], people["mentor"])
    bulk_spread()
    spread = spread_progress(Scope())
    ideas = db.session.scalars(select(Idea).where(Idea.stage.in_((Stage.SCALE_UP, Stage.ADOPTED)))
                               .order_by(Idea.stage_changed_at.desc(), Idea.id.desc())).all()
    assert len(ideas) > SPREAD_LISTED and spread.total_ideas == len(ideas)
    assert [i.idea_id for i in spread.ideas] == [i.id for i in ideas[:SPREAD_LISTED]]  # each has a missed check
    reached = {t.unit.site_id for t in db.session.scalars(select(TargetUnit)) if t.status == "adopted"}
    assert spread.totals == summed([counted(i) for i in ideas], sites_reached=len(reached))


def test_no_idea_spreading_is_said_in_words(client, signed_in, people, members):
    signed_in(Role.ADMIN)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "No idea is at scale-up or adopted yet." in html and 'id="spread-chart-title"' not in html
    assert list(csv.reader(io.StringIO(client.get("/dashboard/spread.csv").get_data(as_text=True)))) == [
        ["Idea", "Title", "Stage", "Target units", "Adopted", "In progress", "Planned", "Declined", "Sites reached",
         "Checks answered", "Not held", "Checks missed"]]
    scale_up_idea(people, members)
    quiet = create_unit(db.session.scalar(select(Unit).limit(1)).site, "Ward 9")
    db.session.commit()
    html = client.get(f"/dashboard?unit={quiet.id}").get_data(as_text=True)
    assert "No idea at scale-up or adopted has a target unit at this site or unit." in html
