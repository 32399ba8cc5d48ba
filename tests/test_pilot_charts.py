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
from ideas.review import operations as review_ops
from ideas.review.models import Measure
from tests.conftest import page_token, sign_in
from tests.support.ideas import idea_events, make_idea
from tests.support.reviews import MEASURES
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


def planned(idea, mentor):
    """An idea in mentor review with the plan's balancing measure."""
    review_ops.add_measure(idea, mentor, MEASURES[2])
    db.session.commit()
    return idea


def measure_of(idea, name: str = "Night-time falls") -> Measure:
    return db.session.scalar(select(Measure).where(Measure.idea_id == idea.id, Measure.name == name))


def observe(idea, measure: Measure, values, notes: dict | None = None, start: date = START) -> None:
    """Weekly observations straight into the table (the pilot's own entry forms are another part)."""
    for i, value in enumerate(values):
        numbers = {"numerator": value[0], "denominator": value[1]} if measure.proportion else {"value": value}
        db.session.add(Observation(idea_id=idea.id, measure_id=measure.id, observed_on=start + timedelta(weeks=i),
                                   note=(notes or {}).get(i, ""), recorded_by_id=idea.submitter_id, **numbers))
    db.session.commit()


def chart_path(idea, measure, suffix: str = "chart") -> str:
    return f"/ideas/{idea.id}/measures/{measure.id}/{suffix}"


def post(client, path: str, data: dict, page: str, **kwargs):
    return client.post(path, data={**data, "csrf_token": page_token(client, page)}, **kwargs)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Who may use each route ------------------------------------------------------------------------------------

KINDS = ["submitter", "co_author", "mentor", "other_mentor", "committee", "admin", "stranger"]
TEAM = {"submitter", "co_author", "mentor"}


@pytest.mark.parametrize("suffix", ["chart", "chart.csv", "chart.svg?chart=run", "chart.json"])
@pytest.mark.parametrize("kind", KINDS)
def test_everyone_who_sees_a_pilot_sees_its_charts(client, people, pilot, kind, suffix):
    falls = measure_of(pilot)
    observe(pilot, falls, SHIFTED[:5])
    sign_in(client, people[kind])
    assert client.get(chart_path(pilot, falls, suffix)).status_code == 200


@pytest.mark.parametrize("suffix", ["chart", "chart.csv", "chart.svg", "chart.json"])
@pytest.mark.parametrize(("kind", "status"), [("submitter", 200), ("co_author", 200), ("mentor", 200),
                                              ("committee", 200), ("admin", 200), ("other_mentor", 404),
                                              ("stranger", 404)])
def test_a_hidden_idea_hides_its_charts(client, people, kind, status, suffix):
    idea = planned(make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"],
                             co_authors=(people["co_author"],)), people["mentor"])
    falls = measure_of(idea, "Handover length")
    observe(idea, falls, [30, 32])
    sign_in(client, people[kind])
    assert client.get(chart_path(idea, falls, suffix)).status_code == status


def test_a_measure_of_another_idea_or_none_is_404(client, people, pilot):
    other = planned(make_idea(people["stranger"], Stage.MENTOR_REVIEW, mentor=people["mentor"]), people["mentor"])
    sign_in(client, people["admin"])
    for suffix in ("chart", "chart.csv", "chart.svg", "chart.json"):
        assert client.get(chart_path(pilot, measure_of(other, "Handover length"), suffix)).status_code == 404
        assert client.get(f"/ideas/{pilot.id}/measures/999999/{suffix}").status_code == 404
        assert client.get(f"/ideas/999999/measures/{measure_of(pilot).id}/{suffix}").status_code == 404


def test_signed_out_goes_to_sign_in(client, pilot):
    response = client.get(chart_path(pilot, measure_of(pilot)))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


CHANGES = [("phases", {"starts_on": "2027-03-29", "note": "Checklist on every shift."}),
           ("settings", {"rules": "mdc", "baseline_points": "6"})]


@pytest.mark.parametrize(("path", "data"), CHANGES, ids=[c[0] for c in CHANGES])
@pytest.mark.parametrize("kind", KINDS)
def test_only_the_pilot_team_shapes_the_chart(client, people, pilot, kind, path, data):
    falls = measure_of(pilot)
    observe(pilot, falls, SHIFTED)
    sign_in(client, people[kind])
    response = post(client, chart_path(pilot, falls, path), data, chart_path(pilot, falls))
    assert response.status_code == (302 if kind in TEAM else 403)
    events = [e.action for e in idea_events(pilot) if e.action.startswith("chart.")]
    assert events == ([f"chart.{'phase_added' if path == 'phases' else 'settings_changed'}"] if kind in TEAM else [])


@pytest.mark.parametrize("kind", KINDS)
def test_the_forms_show_only_to_the_team(client, people, pilot, kind):
    sign_in(client, people[kind])
    html = client.get(chart_path(pilot, measure_of(pilot))).get_data(as_text=True)
    shown = kind in TEAM
    assert ("Mark a change point" in html) is shown and ("Save chart settings" in html) is shown


def test_the_team_cannot_shape_a_chart_before_the_pilot_runs(client, people):
    idea = planned(make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"]), people["mentor"])
    falls = measure_of(idea, "Handover length")
    observe(idea, falls, SHIFTED[:4])
    sign_in(client, people["submitter"])
    response = post(client, chart_path(idea, falls, "settings"), {"rules": "mdc"}, chart_path(idea, falls))
    assert response.status_code == 422 and "only while its pilot runs" in response.get_data(as_text=True)
    assert count(ChartSettings) == 0


# The chart page ------------------------------------------------------------------------------------------

def test_a_run_chart_from_the_first_point_names_its_signals(client, people, pilot):
    falls = measure_of(pilot)
    observe(pilot, falls, SHIFTED[:14], notes={12: "New night rota"})
    sign_in(client, people["stranger"])
    html = client.get(chart_path(pilot, falls)).get_data(as_text=True)
    assert "XmR chart" not in html and html.count('class="spc-chart spc-') == 2  # wide and narrow run chart
    assert "Shift: 6 points above the median" not in html  # two points above is no shift
    assert "Notes on points" in html and "29 Mar 2027: New night rota" in html
    assert "The numbers (14 points)" in html and html.count("<tr>") == 15
    assert "style=" not in html


def test_twenty_points_bring_the_xmr_chart_with_the_run_chart_a_click_away(client, people, pilot):
    falls = measure_of(pilot)
    observe(pilot, falls, SHIFTED)
    sign_in(client, people["submitter"])
    html = client.get(chart_path(pilot, falls)).get_data(as_text=True)
    assert html.index("XmR chart") < html.index("<details class=\"chart-more\"><summary>Run chart")
    assert "Shift: 8 points above the median from 29 Mar 2027 to 17 May 2027." in html
    assert "Shift: 8 points above the mean from 29 Mar 2027 to 17 May 2027." in html
    assert "<th scope=\"col\">Upper limit</th>" in html


def test_making_data_count_draws_a_control_chart_with_its_icons_from_the_first_points(client, people, pilot):
    falls = measure_of(pilot)
    observe(pilot, falls, [6.5, 6.1, 5.9, 6.8, 6.0, 6.4])
    db.session.add(ChartSettings(measure_id=falls.id, idea_id=pilot.id, rules=RuleSet.MDC))
    db.session.commit()
    sign_in(client, people["committee"])
    html = client.get(chart_path(pilot, falls)).get_data(as_text=True)
    assert "XmR chart" in html and "<strong>Variation:</strong> common cause variation" in html
    assert "<strong>Assurance:</strong> the process will consistently fail the target 4" in html
    assert html.count('class="spc-icon"') == 2 and "<title id=\"icon-variation-title\">" in html


def test_a_proportion_draws_a_p_chart_with_limits_per_point(client, people, pilot):
    checklist = measure_of(pilot, "Checklist done")
    checklist.proportion = True
    observe(pilot, checklist, [(10 + i % 5, 20 + 3 * (i % 4)) for i in range(22)])
    sign_in(client, people["mentor"])
    html = client.get(chart_path(pilot, checklist)).get_data(as_text=True)
    assert "p chart" in html and "10/20 (50%)" in html
    rows = list(csv.DictReader(io.StringIO(client.get(chart_path(pilot, checklist, "chart.csv")).get_data(as_text=True))))
    assert len({row["lower_limit"] for row in rows}) == 4  # one limit per denominator
    assert rows[0]["numerator"] == "10" and rows[0]["denominator"] == "20" and float(rows[0]["value"]) == 0.5


def test_pdsa_cycles_and_phases_are_marked_and_each_phase_has_its_own_lines(client, people, pilot):
    falls = measure_of(pilot)
    observe(pilot, falls, SHIFTED)
    cycle = PdsaCycle(idea_id=pilot.id, change_tested="Checklist at handover", started_on=START + timedelta(weeks=12))
    db.session.add(cycle)
    db.session.flush()
    db.session.add(ChartPhase(idea_id=pilot.id, measure_id=falls.id, starts_on=cycle.started_on, pdsa_cycle=cycle,
                              note="Rota changed"))
    db.session.add(ChartPhase(idea_id=pilot.id, measure_id=falls.id, starts_on=date(2028, 1, 3)))
    db.session.commit()
    sign_in(client, people["submitter"])
    html = client.get(chart_path(pilot, falls)).get_data(as_text=True)
    assert "PDSA 1: Checklist at handover, from 29 Mar 2027" in html and ">PDSA 1</text>" in html
    assert "From <strong>29 Mar 2027</strong> (Checklist at handover): Rota changed" in html
    assert "The phase from 3 Jan 2028 has no observations yet" in html
    assert "XmR chart" not in html  # no phase has 20 points yet
    assert html.count('class="spc-centre"') == 2 * 2  # two phases, two sizes
    assert "Shift" not in html.split("What the chart says")[1].split("</ul>")[0]  # each phase is level
    rows = list(csv.DictReader(io.StringIO(client.get(chart_path(pilot, falls, "chart.csv")).get_data(as_text=True))))
    assert {row["phase"] for row in rows} == {"1", "2"} and rows[0]["median"] != rows[-1]["median"]


def test_the_csv_is_the_numbers_table(client, people, pilot):
    falls = measure_of(pilot)
    observe(pilot, falls, SHIFTED, notes={3: "=HYPERLINK(\"http://x\")"})
    sign_in(client, people["stranger"])
    response = client.get(chart_path(pilot, falls, "chart.csv"))
    assert response.headers["Content-Disposition"] == 'attachment; filename="night-time-falls-chart.csv"'
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 20 and rows[0]["date"] == "2027-01-04" and rows[0]["value"] == "10.0"
    assert rows[0]["median"] == "11.5" and rows[0]["centre"] == "12.5" and rows[0]["upper_limit"]
    assert rows[12]["run_chart_signals"] == "shift" and "shift" in rows[12]["control_chart_signals"]
    assert rows[3]["note"].startswith("'=HYPERLINK")  # inert in a spreadsheet


def test_the_json_is_the_engines_document(client, people, pilot):
    falls = measure_of(pilot)
    observe(pilot, falls, SHIFTED)
    sign_in(client, people["stranger"])
    document = client.get(chart_path(pilot, falls, "chart.json")).get_json()
    assert document["rules"] == "ihi" and document["run"]["kind"] == "run" and document["control"]["kind"] == "xmr"
    assert len(document["run"]["points"]) == 20 and document["run"]["points"][0]["label"] == "4 Jan 2027"
    assert document["control"]["flags"]["shift"] == list(range(20))  # 12 below the mean, then 8 above


def test_the_standalone_svg_carries_its_colours(client, people, pilot):
    falls = measure_of(pilot)
    observe(pilot, falls, SHIFTED)
    sign_in(client, people["stranger"])
    response = client.get(chart_path(pilot, falls, "chart.svg"))
    body = response.get_data(as_text=True)
    assert response.mimetype == "image/svg+xml" and "attachment" in response.headers["Content-Disposition"]
    assert body.startswith("<?xml") and "<title" in body and 'stroke="#1d5f8c"' in body and "style" not in body
    assert "xmr-chart.svg" in response.headers["Content-Disposition"]
    assert client.get(chart_path(pilot, falls, "chart.svg?chart=nonsense")).status_code == 404


def test_no_observations_yet(client, people, pilot):
    falls = measure_of(pilot)
    sign_in(client, people["submitter"])
    assert "No observations yet" in client.get(chart_path(pilot, falls)).get_data(as_text=True)
    assert client.get(chart_path(pilot, falls, "chart.csv")).get_data(as_text=True).count("\n") == 1
    assert client.get(chart_path(pilot, falls, "chart.svg")).status_code == 404


def test_data_the_engine_refuses_is_said_not_a_500(client, people, pilot):
    checklist = measure_of(pilot, "Checklist done")
    checklist.proportion = True
    observe(pilot, checklist, [(5, 10), (5, 10)])
    db.session.add(Observation(idea_id=pilot.id, measure_id=checklist.id, observed_on=date(2027, 2, 1), value=3.0,
                               recorded_by_id=pilot.submitter_id))  # a value where a proportion is due
    db.session.commit()
    sign_in(client, people["submitter"])
    response = client.get(chart_path(pilot, checklist))
    assert response.status_code == 200 and "This chart cannot be drawn: 1 Feb 2027: the numerator" in \
        response.get_data(as_text=True)


# Phases, the rule set and a frozen baseline ----------------------------------------------------------------

@pytest.fixture
def shaping(client, people, pilot):
    """The submitter on the falls chart of a running pilot with 20 weekly points."""
    falls = measure_of(pilot)
    observe(pilot, falls, SHIFTED)
    sign_in(client, people["submitter"])
    return pilot, falls


def test_a_phase_is_added_audited_and_the_chart_recalculated_in_place(client, shaping):
    pilot, falls = shaping
    cycle = PdsaCycle(idea_id=pilot.id, change_tested="Checklist at handover", started_on=date(2027, 3, 29))
    db.session.add(cycle)
    db.session.commit()
    response = post(client, chart_path(pilot, falls, "phases"), {"starts_on": "2027-03-29", "pdsa_cycle": cycle.id,
                                                                 "note": "Checklist on every shift."},
                    chart_path(pilot, falls), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("<div id=\"chart-body\">") and "<html" not in html
    assert "Phase added" in html and "From <strong>29 Mar 2027</strong> (Checklist at handover)" in html
    phase = db.session.scalar(select(ChartPhase))
    assert phase.starts_on == date(2027, 3, 29) and phase.pdsa_cycle_id == cycle.id
    added = [e for e in idea_events(pilot) if e.action == "chart.phase_added"]
    assert added[0].changes == {"measure": (None, "Night-time falls"), "starts_on": (None, "2027-03-29"),
                                "pdsa_cycle": (None, "Checklist at handover"),
                                "note": (None, "Checklist on every shift.")}


BAD_PHASES = [
    ({"starts_on": ""}, "starts_on", "give a date as YYYY-MM-DD"),
    ({"starts_on": "2027-02-30"}, "starts_on", "give a date as YYYY-MM-DD"),
    ({"starts_on": "29/03/2027"}, "starts_on", "give a date as YYYY-MM-DD"),
    ({"starts_on": "2027-03-29\x00"}, "starts_on", "give a date as YYYY-MM-DD"),
    ({"starts_on": "9" * 400}, "starts_on", "give a date as YYYY-MM-DD"),
    ({"starts_on": "2027-01-04"}, "starts_on", "starts after the first observation (4 Jan 2027)"),
    ({"starts_on": "1999-01-01"}, "starts_on", "starts after the first observation"),
    ({"starts_on": "2027-03-29", "pdsa_cycle": "999999"}, "pdsa_cycle", "choose one of this pilot"),
    ({"starts_on": "2027-03-29", "pdsa_cycle": "1e9"}, "pdsa_cycle", "choose one of this pilot"),
    ({"starts_on": "2027-03-29", "pdsa_cycle": "9" * 50}, "pdsa_cycle", "choose one of this pilot"),
    ({"starts_on": "2027-03-29", "pdsa_cycle": "99999999999"}, "pdsa_cycle", "choose one of this pilot"),
    ({"starts_on": "2027-03-29", "note": "Call 07700 900123 about bed 4"}, "note", "What changed"),
    ({"starts_on": "2027-03-29", "note": "x" * 1001}, "note", "keep it to 1000 characters"),
]


def test_two_phases_cannot_start_on_the_same_day(client, shaping):
    pilot, falls = shaping
    data = {"starts_on": "2027-03-29"}
    assert post(client, chart_path(pilot, falls, "phases"), data, chart_path(pilot, falls)).status_code == 302
    again = post(client, chart_path(pilot, falls, "phases"), data, chart_path(pilot, falls))
    assert again.status_code == 422 and "a phase already starts on 29 Mar 2027" in again.get_data(as_text=True)
    assert count(ChartPhase) == 1


def test_a_phase_is_removed_with_a_reason(client, shaping):
    pilot, falls = shaping
    post(client, chart_path(pilot, falls, "phases"), {"starts_on": "2027-03-29"}, chart_path(pilot, falls))
    phase = db.session.scalar(select(ChartPhase))
    path = chart_path(pilot, falls, f"phases/{phase.id}/remove")
    refused = post(client, path, {"reason": "  "}, chart_path(pilot, falls), headers=HTMX)
    assert refused.status_code == 422 and "say why this change point goes" in refused.get_data(as_text=True)
    assert "<details class=\"remove-phase\" open>" in refused.get_data(as_text=True) and count(ChartPhase) == 1
    removed = post(client, path, {"reason": "Marked on the wrong measure."}, chart_path(pilot, falls))
    assert removed.status_code == 302 and count(ChartPhase) == 0
    event = [e for e in idea_events(pilot) if e.action == "chart.phase_removed"][0]
    assert event.reason == "Marked on the wrong measure." and event.changes["starts_on"] == ("2027-03-29", None)
    gone = post(client, path, {"reason": "Again."}, chart_path(pilot, falls))
    assert gone.status_code == 409 and "no longer there" in gone.get_data(as_text=True)


def test_a_phase_of_another_measure_cannot_be_removed_through_this_one(client, shaping):
    pilot, falls = shaping
    other = measure_of(pilot, "Handover length")
    observe(pilot, other, SHIFTED)
    db.session.add(ChartPhase(idea_id=pilot.id, measure_id=other.id, starts_on=date(2027, 3, 29)))
    db.session.commit()
    phase = db.session.scalar(select(ChartPhase))
    response = post(client, chart_path(pilot, falls, f"phases/{phase.id}/remove"), {"reason": "Why not."},
                    chart_path(pilot, falls))
    assert response.status_code == 409 and count(ChartPhase) == 1


def test_the_rule_set_and_a_frozen_baseline_are_saved_and_audited(client, shaping):
    pilot, falls = shaping
    response = post(client, chart_path(pilot, falls, "settings"), {"rules": "mdc", "baseline_points": "12"},
                    chart_path(pilot, falls), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Chart settings saved" in html and "frozen baseline</text>" in html
    assert "read with NHS Making Data Count" in html and "<strong>Variation:</strong>" in html
    settings = db.session.get(ChartSettings, falls.id)
    assert settings.rules == RuleSet.MDC and settings.baseline_points == 12
    event = [e for e in idea_events(pilot) if e.action == "chart.settings_changed"][0]
    assert event.changes == {"rules": ("ihi", "mdc"), "baseline_points": (None, 12)}
    same = post(client, chart_path(pilot, falls, "settings"), {"rules": "mdc", "baseline_points": "12"},
                chart_path(pilot, falls), headers=HTMX)
    assert "Nothing changed" in same.get_data(as_text=True)
    post(client, chart_path(pilot, falls, "settings"), {"rules": "mdc", "baseline_points": ""}, chart_path(pilot, falls))
    db.session.expire_all()
    assert db.session.get(ChartSettings, falls.id).baseline_points is None
    assert [e.action for e in idea_events(pilot) if e.action.startswith("chart.")] == ["chart.settings_changed"] * 2


BAD_SETTINGS = [
    ({"rules": "spc"}, "rules", "choose the IHI run-chart rules or NHS Making Data Count"),
    ({"rules": ""}, "rules", "choose the IHI run-chart rules"),
    ({"rules": "ihi\x00"}, "rules", "choose the IHI run-chart rules"),
    *[({"rules": "ihi", "baseline_points": bad}, "baseline_points", "give a whole number of points from 2 to 20")
      for bad in ("1", "0", "-3", "21", "abc", "2.5", "NaN", "inf", "1e3", "9" * 5000, "12\x00", "²")],
]


BAD_INPUT = [("phases", ChartPhase, *case) for case in BAD_PHASES] + [("settings", ChartSettings, *case)
                                                                     for case in BAD_SETTINGS]


@pytest.mark.parametrize(("path", "model", "data", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_naming_its_field_keeping_the_input_and_saving_nothing(client, shaping, path, model,
                                                                                   data, field, message):
    pilot, falls = shaping
    response = post(client, chart_path(pilot, falls, path), data, chart_path(pilot, falls))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and f'id="{field}-error"' in html
    kept = data.get("note") or data.get("baseline_points")
    if kept and kept.isprintable() and len(kept) < 100:
        assert kept[:40] in html
    assert count(model) == 0 and not [e for e in idea_events(pilot) if e.action.startswith("chart.")]


def test_a_baseline_is_limited_to_the_first_phase_and_waits_when_a_later_phase_shortens_it(client, shaping):
    pilot, falls = shaping
    post(client, chart_path(pilot, falls, "settings"), {"rules": "ihi", "baseline_points": "15"}, chart_path(pilot, falls))
    post(client, chart_path(pilot, falls, "phases"), {"starts_on": "2027-03-29"}, chart_path(pilot, falls))
    html = client.get(chart_path(pilot, falls)).get_data(as_text=True)
    assert "The frozen baseline of 15 points waits for its data: the first phase has 12 points" in html
    refused = post(client, chart_path(pilot, falls, "settings"), {"rules": "ihi", "baseline_points": "13"},
                   chart_path(pilot, falls))
    assert refused.status_code == 422 and "from 2 to 12 (the first phase)" in refused.get_data(as_text=True)


def test_no_baseline_to_freeze_without_observations(client, people, pilot):
    falls = measure_of(pilot)
    sign_in(client, people["mentor"])
    response = post(client, chart_path(pilot, falls, "settings"), {"rules": "ihi", "baseline_points": "5"},
                    chart_path(pilot, falls))
    assert response.status_code == 422 and "at least 2 points in the first phase; there are 0" in \
        response.get_data(as_text=True)
    phase = post(client, chart_path(pilot, falls, "phases"), {"starts_on": "2027-03-29"}, chart_path(pilot, falls))
    assert phase.status_code == 422 and "record observations first" in phase.get_data(as_text=True)


def test_the_page_runs_the_same_queries_for_5_points_or_60(client, people, pilot):
    falls = measure_of(pilot)
    sign_in(client, people["submitter"])

    def queries() -> int:
        responses = []
        statements = statements_of(lambda: responses.append(client.get(chart_path(pilot, falls))))
        assert responses[0].status_code == 200 and "XmR chart" in responses[0].get_data(as_text=True)
        return len(statements)

    observe(pilot, falls, SHIFTED[:5], notes={1: "A note"})
    db.session.add(ChartSettings(measure_id=falls.id, idea_id=pilot.id, rules=RuleSet.MDC))
    db.session.add(PdsaCycle(idea_id=pilot.id, change_tested="Checklist", started_on=START + timedelta(weeks=2)))
    db.session.add(ChartPhase(idea_id=pilot.id, measure_id=falls.id, starts_on=START + timedelta(weeks=3)))
    db.session.commit()
    few = queries()
    observe(pilot, falls, [SHIFTED[i % 20] for i in range(55)], notes={3: "Another", 40: "And one more"},
            start=START + timedelta(weeks=5))
    for week in (20, 40):
        db.session.add(PdsaCycle(idea_id=pilot.id, change_tested=f"Cycle {week}", started_on=START + timedelta(weeks=week)))
        db.session.add(ChartPhase(idea_id=pilot.id, measure_id=falls.id, starts_on=START + timedelta(weeks=week)))
    db.session.commit()
    assert queries() == few


def test_the_idea_page_links_each_measure_to_its_chart_from_the_pilot_on(client, people, pilot):
    sign_in(client, people["stranger"])
    html = client.get(f"/ideas/{pilot.id}").get_data(as_text=True)
    for name in ("Night-time falls", "Checklist done", "Handover length"):
        assert f'href="{chart_path(pilot, measure_of(pilot, name))}">{name}</a>' in html


def test_the_idea_page_has_no_chart_links_before_the_pilot(client, people):
    idea = planned(make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"]), people["mentor"])
    sign_in(client, people["submitter"])
    assert "Measures and their charts" not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
