"""The dashboard: its figures against counts made in the test from the rows, its CSV against its table,
who may see it, hostile filters, and a flat number of statements as ideas grow."""
import csv
import io
import statistics
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from ideas.accounts.models import Role
from ideas.accounts.units import create_site, create_unit
from ideas.audit.models import AuditEvent
from ideas.charts.signals import Signal
from ideas.clock import utcnow
from ideas.dashboard.pilots import summarised
from ideas.dashboard.queries import (FUNNEL, PILOTS_LISTED, Scope, funnel, median_days, over_their_limit,
                                     running_pilots, stage_counts, throughput)
from ideas.database import db
from ideas.pilots.chart_data import measure_chart
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import CLOSED, RUNNING, Stage
from tests.support.bulk import bulk_ideas, bulk_spread
from tests.support.holds import balancing_measure, observe, trip_stop_rule
from tests.support.ideas import a_unit, idea_events, make_idea
from tests.support.pilots import running_pilot
from tests.support.statements import statements_of


@pytest.fixture
def pipeline(people):
    """Ideas through the operations (with their audit trail) at several stages, and bulk ones beside them."""
    submitter, mentor = people["submitter"], people["mentor"]
    for stage in (Stage.DRAFT, Stage.SUBMITTED, Stage.MENTOR_REVIEW, Stage.REVISION, Stage.WITHDRAWN,
                  Stage.DECLINED, Stage.MENTOR_REVIEW):
        make_idea(submitter, stage, mentor=mentor)
    bulk_ideas(40, [submitter, people["co_author"]], mentor)
    return people


def _ideas(scope_units=None) -> list[Idea]:
    ideas = db.session.scalars(select(Idea)).all()
    return [i for i in ideas if scope_units is None or i.unit_id in scope_units]


def _stage_entries() -> dict[int, list[tuple[str, object]]]:
    """Each idea's stages entered, from its transitions read one by one (not the dashboard's SQL)."""
    entered = {}
    for idea in _ideas():
        for event, row in zip(idea_events(idea), db.session.scalars(
                select(AuditEvent).where(AuditEvent.idea_id == idea.id).order_by(AuditEvent.sequence))):
            if event.action == "idea.transition" and "stage" in event.changes:
                entered.setdefault(idea.id, []).append((event.changes["stage"][1], row.occurred_at))
    return entered


def test_stage_counts_and_median_days_equal_counts_from_the_rows(app, pipeline):
    now = utcnow()
    ideas = _ideas()
    assert stage_counts(Scope()) == {stage: sum(1 for i in ideas if i.stage == stage) for stage in Stage}
    for stage, total, days in median_days(Scope(), now):
        ages = [(now - i.stage_changed_at) / timedelta(days=1) for i in ideas if i.stage == stage]
        assert stage not in CLOSED and total == len(ages)
        assert days == (round(statistics.median(ages), 1) if ages else None), stage


def test_the_funnel_and_throughput_equal_the_transitions_in_the_trail(app, pipeline):
    entered = _stage_entries()
    reached = {stage: sum(1 for stages in entered.values() if stage.value in {s for s, _ in stages})
               for stage in FUNNEL}
    assert funnel(Scope()) == [(stage, reached[stage]) for stage in FUNNEL]
    assert reached[Stage.SUBMITTED] == 6 and reached[Stage.MENTOR_REVIEW] == 4  # the draft never left
    now = utcnow()
    this_month = dict(throughput(Scope(), now))[f"{now:%Y-%m}"]
    assert this_month[Stage.SUBMITTED] == reached[Stage.SUBMITTED]
    assert this_month[Stage.DECLINED] == 1 and this_month[Stage.WITHDRAWN] == 1


def test_over_the_limit_counts_equal_the_rows(app, pipeline):
    now = utcnow()
    over = over_their_limit(Scope(), now)
    for stage, limit in over.limits.items():
        expected = sum(1 for i in _ideas() if i.stage == stage and now - i.stage_changed_at > timedelta(days=limit))
        assert over.counts[stage] == expected, stage
    assert over.total > 0 and len(over.ideas) == min(over.total, 50)


def test_the_pilots_listed_are_those_on_hold_then_the_latest_changed_of_all_running_ideas(app, people):
    bulk_ideas(60, [people["submitter"]], people["mentor"])  # pilots (a third on hold), pilot reviews, scale-ups
    running = [i for i in _ideas() if i.stage in RUNNING]
    assert len(running) > PILOTS_LISTED and any(i.safety_hold for i in running)
    expected = sorted(running, key=lambda i: (not i.safety_hold, -i.updated_at.timestamp(), -i.id))
    listed, total = running_pilots(Scope())
    assert [i.id for i in listed] == [i.id for i in expected[:PILOTS_LISTED]] and total == len(running)
    unit = running[0].unit_id
    listed, total = running_pilots(Scope(unit_id=unit + 1))
    assert (listed, total) == ([], 0)


def test_a_site_and_a_unit_filter_count_only_their_ideas(app, pipeline):
    elsewhere = create_unit(create_site("Hillside Community Hospital"), "Ward 2")
    make_idea(pipeline["submitter"], Stage.SUBMITTED, unit=elsewhere.id)
    db.session.commit()
    there = stage_counts(Scope(site_id=elsewhere.site_id))
    assert there[Stage.SUBMITTED] == 1 and sum(there.values()) == 1
    assert stage_counts(Scope(unit_id=elsewhere.id)) == there
    home = stage_counts(Scope(unit_id=a_unit().id))
    assert sum(home.values()) == len(_ideas({a_unit().id}))
    assert funnel(Scope(unit_id=elsewhere.id))[0] == (Stage.SUBMITTED, 1)


class Tables(HTMLParser):
    """Each figure table's cells as text, by the id of the section holding it."""

    def __init__(self):
        super().__init__()
        self.tables, self.section, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "figure" in (attrs.get("class") or ""):
            self.section = attrs["id"]
            self.tables[self.section] = []
        elif tag == "tr" and "empty" not in (attrs.get("class") or ""):
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.section].append(self.row)
            self.row = None


def test_each_csv_equals_its_table_on_the_page(client, signed_in, pipeline):
    signed_in(Role.COMMITTEE)
    unit = a_unit()
    page = client.get(f"/dashboard?site={unit.site_id}&unit={unit.id}")
    assert page.status_code == 200
    parser = Tables()
    parser.feed(page.get_data(as_text=True))
    assert set(parser.tables) == {"stages", "funnel", "median-days", "over-limit", "throughput", "pilots", "spread"}
    for name, rows in parser.tables.items():
        response = client.get(f"/dashboard/{name}.csv?site={unit.site_id}&unit={unit.id}")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert f'filename="dashboard-{name}.csv"' in response.headers["Content-Disposition"]
        from_csv = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert from_csv == rows, name
    stages = dict(parser.tables["stages"][1:])
    assert stages["Mentor review"] == str(stage_counts(Scope(unit_id=unit.id))[Stage.MENTOR_REVIEW])


def test_the_page_draws_each_chart_with_its_numbers_in_words(client, signed_in, pipeline):
    signed_in(Role.ADMIN)
    html = client.get("/dashboard").get_data(as_text=True)
    counts = stage_counts(Scope())
    assert f"Mentor review: {counts[Stage.MENTOR_REVIEW]}" in html  # the chart's description
    assert html.count('role="img"') == 5 and "<table" in html and "style=" not in html


@pytest.mark.parametrize("roles, status", [
    ((Role.MENTEE,), 403), ((Role.MENTOR,), 403), ((Role.MENTEE, Role.MENTOR), 403),
    ((Role.COMMITTEE,), 200), ((Role.ADMIN,), 200)])
def test_only_the_committee_and_administrators_see_the_dashboard(client, signed_in, roles, status):
    signed_in(*roles)
    assert client.get("/dashboard").status_code == status
    assert client.get("/dashboard/stages.csv").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in ("/dashboard", "/dashboard/funnel.csv"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("query, field, message", [
    ("site=2147483648", "site", "Choose a site from the list."),
    ("site=%D9%A3", "site", "Choose a site from the list."),
    ("unit=-1", "unit", "Choose a unit from the list."),
    ("unit=abc&site=1", "unit", "Choose a unit from the list."),
])
def test_a_hostile_filter_is_refused_naming_its_field(client, signed_in, query, field, message):
    a_unit()
    db.session.commit()
    signed_in(Role.COMMITTEE)
    for path in ("/dashboard", "/dashboard/stages.csv"):
        response = client.get(f"{path}?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 422, path
        assert f'id="{field}-error"' in html and message in html


def test_a_unit_of_another_site_is_refused(client, signed_in):
    unit = a_unit()
    other = create_site("Hillside Community Hospital")
    db.session.commit()
    signed_in(Role.ADMIN)
    response = client.get(f"/dashboard?site={other.id}&unit={unit.id}")
    assert response.status_code == 422
    assert "That unit is not at the chosen site" in response.get_data(as_text=True)


def test_an_unknown_table_is_not_found(client, signed_in):
    signed_in(Role.ADMIN)
    assert client.get("/dashboard/everything.csv").status_code == 404


def test_the_dashboard_sends_as_many_statements_for_1000_ideas_as_for_10(client, signed_in, people):
    """Spread included: the ideas at scale-up or adopted get target units and sustainment checks."""
    signed_in(Role.COMMITTEE)
    submitters = [people["submitter"], people["co_author"]]
    counts = []
    for total in (10, 1000):
        bulk_ideas(total - (counts and 10 or 0), submitters, people["mentor"])
        bulk_spread()
        responses = []
        counts.append(len(statements_of(lambda: responses.append(client.get("/dashboard")))))
        assert responses[0].status_code == 200
    assert counts[0] == counts[1]


def test_a_pilot_shows_its_hold_and_its_measures_latest_signals_as_its_chart_reads_them(client, signed_in, people,
                                                                                       create_user):
    members = [create_user(Role.COMMITTEE) for _ in range(3)]
    idea = running_pilot(people, members)
    observe(balancing_measure(idea), people["submitter"], [30.0, 31.0, 32.0, 33.0, 34.0, 35.0])
    trip_stop_rule(idea, people["submitter"])
    signed_in(Role.COMMITTEE)
    response = client.get("/dashboard/pilots.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    chart = measure_chart(balancing_measure(idea))
    signals = (chart.control or chart.run).phases[-1].signals
    kinds = list(dict.fromkeys((s.rule, s.kind) for s in signals))
    [row] = [r for r in rows if r["Measure"] == chart.measure.name]
    sentences = row["Latest signals"].split("; ")
    assert signals and len(sentences) == len(kinds)  # one sentence a rule and direction, the latest finding in it
    for (rule, kind), sentence in zip(kinds, sentences, strict=True):
        same = [s for s in signals if (s.rule, s.kind) == (rule, kind)]
        assert sentence.startswith(same[-1].text)
        assert sentence.endswith(f"(and {len(same) - 1} more like it)") == (len(same) > 1)
    assert row["Safety hold"] == "On safety hold" and row["Observations"] == "7" and row["Idea"] == str(idea.id)


def test_many_points_beyond_the_limits_read_as_one_sentence():
    beyond = [Signal("beyond_limits", "below", (n,), f"beyond the limits: point {n}") for n in (3, 5, 8)]
    shift = Signal("shift", "above", (1, 2, 3, 4, 5, 6), "a shift above the centre line")
    assert summarised([*beyond, shift]) == ("beyond the limits: point 8 (and 2 more like it)",
                                            "a shift above the centre line")
