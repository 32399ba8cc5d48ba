"""The workflow forms mark what the next step needs (issue 17): on each form page the fields marked needed are
exactly those the rule refuses without. Each field is blanked in turn from a complete set: a marked one makes the
operation (or the step after it: recommend) refuse, naming it; an unmarked one blocks nothing."""
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from ideas.database import db
from ideas.errors import Invalid
from ideas.pilots.completion import complete_pilot
from ideas.pilots.operations import hospital_today
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.workflow import FIELD_LABELS, Stage, transition_for, unmet_preconditions
from ideas.review import operations as ops
from ideas.review.queries import plan_of, review_of
from ideas.spread.operations import update_unit
from tests.conftest import page_token, sign_in
from tests.pilots.conftest import members  # noqa: F401  (three committee members, enough for quorum)
from tests.support.ideas import COMPLETE, a_unit, make_idea
from tests.support.pilots import RESULTS, observe_every_measure, running_pilot
from tests.support.reviews import FEASIBILITY, HIGH_HAZARD, MEASURES, TRIAGE_QI, complete_review
from tests.support.spread import scale_up_idea
from tests.test_required_fields import parsed

pytestmark = pytest.mark.usefixtures("no_second_factor")


class Form:
    """One form of a page as a user sees it: its fields, those that can be left empty, those marked needed."""

    def __init__(self, action: str):
        self.action, self.fields, self.blankable, self.marked, self.aria_required = action, [], set(), set(), set()
        self.legend = ""


class Forms(HTMLParser):
    """Every form of a page. A field is marked when the needed asterisk follows its label, or sits in the legend
    of the fieldset that holds it."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form = self._label = self._after_label = self._select = None
        self._ids, self._marked_ids, self._fieldset = {}, set(), None
        self._in_legend = self._in_needed_legend = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        after_label, self._after_label = self._after_label, None
        if tag == "form":
            self._form = Form(attrs.get("action") or "")
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "span" and attrs.get("class") == "needed-mark" and attrs.get("aria-hidden") == "true":
            if after_label:
                self._marked_ids.add(after_label)
            elif self._in_legend and self._fieldset is not None:
                self._fieldset["marked"] = True
        elif tag == "label":
            self._label = attrs.get("for")
        elif tag == "fieldset":
            self._fieldset = {"names": set(), "marked": False}
        elif tag == "legend":
            self._in_legend = True
        elif tag == "p" and attrs.get("class") == "needed-legend":
            self._in_needed_legend = True
        elif tag in ("input", "textarea", "select") and attrs.get("name") and attrs.get("type") not in ("hidden",):
            name = attrs["name"]
            if name not in self._form.fields:
                self._form.fields.append(name)
            self._ids[attrs.get("id")] = (self._form, name)
            if attrs.get("aria-required") == "true":
                self._form.aria_required.add(name)
            if self._fieldset is not None:
                self._fieldset["names"].add(name)
            if tag == "select":
                self._select = name
            else:
                self._form.blankable.add(name)
        elif tag == "option" and self._select and attrs.get("value") == "":
            self._form.blankable.add(self._select)  # a select can be left empty only with an empty choice

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "label":
            self._after_label = self._label
        elif tag == "legend":
            self._in_legend = False
        elif tag == "fieldset" and self._fieldset is not None:
            if self._fieldset["marked"] and self._form is not None:
                self._form.marked |= self._fieldset["names"]
            self._fieldset = None
        elif tag == "select":
            self._select = None
        elif tag == "p":
            self._in_needed_legend = False

    def handle_data(self, data):
        if self._in_needed_legend and self._form is not None:
            self._form.legend += data

    def close(self):
        super().close()
        for control_id in self._marked_ids:
            form, name = self._ids[control_id]
            form.marked.add(name)


def form_on(html: str, action: str, prefix: str = "") -> Form:
    """The page's form posting to `action` ("" for the page itself), its field names without `prefix`."""
    parser = Forms()
    parser.feed(html)
    parser.close()
    form = next(f for f in parser.forms if f.action.split("#")[0] == action)
    for attribute in ("blankable", "marked", "aria_required"):
        setattr(form, attribute, {name.removeprefix(prefix) for name in getattr(form, attribute)})
    form.fields = [name.removeprefix(prefix) for name in form.fields]
    form.legend = " ".join(form.legend.split())
    return form


def blank(value: object) -> object:
    return [] if isinstance(value, list) else ""


def blocking(form: Form, complete: dict, refuses) -> set[str]:
    """The form's fields whose blanking (from `complete`, one at a time) `refuses` names; a select without an empty
    choice cannot be blanked. Every field of the form must be in `complete`, so none goes untested."""
    assert set(form.fields) == set(complete), "the test's complete set names exactly the form's fields"
    return {name for name in form.fields
            if name in form.blankable and refuses({**complete, name: blank(complete[name])}, name)}


def marks(form: Form, legend: str) -> set[str]:
    """The marked fields, after checking the legend and that each control marked beside its label says aria-required."""
    assert form.legend == legend
    assert form.aria_required <= form.marked
    return form.marked


# The idea form: what submit (and resubmit) refuse without -----------------------------------------------------

IDEA = {**COMPLETE, "evidence": "NICE falls guideline, local audit 2025.", "resources": "Printed checklists.",
        "co_authors": "", "response": "Added how we measure it."}


@pytest.mark.parametrize(("stage", "intent", "legend"), [
    (Stage.DRAFT, "submit", "* needed before the idea is sent"),
    (Stage.REVISION, "resubmit", "* needed before the idea goes back to the mentor"),
])
def test_the_idea_form_marks_what_sending_it_needs(client, people, stage, intent, legend):
    def new_idea():
        return make_idea(people["submitter"], stage, mentor=people["mentor"])

    sign_in(client, people["submitter"])
    idea = new_idea()
    html = client.get(f"/ideas/{idea.id}/edit").get_data(as_text=True)
    form = form_on(html, f"/ideas/{idea.id}/edit")
    form.fields = [name for name in form.fields if name != "q"]  # the colleague search beside co-authors

    def refuses(data: dict, name: str) -> bool:
        fresh = new_idea()
        path = f"/ideas/{fresh.id}/edit"
        data = {**data, "idea_id": str(fresh.id), "version": str(fresh.version), "intent": intent}
        response = client.post(path, data={**data, "csrf_token": page_token(client, path)})
        if response.status_code == 302:
            return False
        assert response.status_code == 422, response.status_code
        return f'id="{name}-error"' in response.get_data(as_text=True)

    complete = {name: value for name, value in {**IDEA, "unit": str(a_unit().id)}.items() if name in form.fields}
    assert marks(form, legend) == blocking(form, complete, refuses) == set(transition_for(intent, stage).needs)
    assert {"title", "unit"} <= form.aria_required and "tags" not in form.aria_required
    names = parsed(html).names  # the asterisk stays out of the labels' accessible names
    assert names["title"].strip() == FIELD_LABELS["title"] and names["unit"].strip() == FIELD_LABELS["unit"]


@pytest.mark.parametrize(("action", "stage", "who", "field", "legend"), [
    ("withdraw", Stage.SUBMITTED, "submitter", "reason", "* needed before you withdraw"),
    ("request_changes", Stage.MENTOR_REVIEW, "mentor", "comment", "* needed before you request changes"),
])
def test_an_action_form_marks_what_its_row_refuses_without(client, people, action, stage, who, field, legend):
    idea = make_idea(people["submitter"], stage, mentor=people["mentor"])
    sign_in(client, people[who])
    path = f"/ideas/{idea.id}/actions/{action}"
    form = form_on(client.get(path).get_data(as_text=True), "")

    def refuses(data: dict, name: str) -> bool:
        data = {**data, "version": str(idea.version), "csrf_token": page_token(client, path)}
        response = client.post(path, data=data)
        return response.status_code == 422 and f'id="{name}-error"' in response.get_data(as_text=True)

    assert marks(form, legend) == blocking(form, {field: "Not needed any more."}, refuses) == {field}


# The mentor's review: what recommend refuses without, and what saving a hazard or a measure needs ---------------

@pytest.fixture
def reviewed(people):
    """An idea in mentor review whose review and plan are complete: recommend would go through."""
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    complete_review(idea, people["mentor"])
    db.session.commit()
    assert unmet(idea, people["mentor"]) == set()
    return idea


def unmet(idea, actor) -> set[str]:
    """The review sections recommend refuses for, now."""
    row = transition_for("recommend", Stage.MENTOR_REVIEW)
    return {refusal.field for refusal in unmet_preconditions(row, idea_facts(idea), actor_facts(actor))}


def refused_by(save, section: str | None, idea, actor):
    """Whether saving a set blocks, naming its field: the save refuses it, or recommend then refuses the section."""
    def refuses(data: dict, name: str) -> bool:
        try:
            save(data)
        except Invalid as refusal:
            blocked = refusal.field == name
        else:
            blocked = section is not None and section in unmet(idea, actor)
        db.session.rollback()
        return blocked

    return refuses


RECOMMEND = "* needed before the idea can be recommended"
PLAN = {"aim": "Reduce night-time falls on 4B by 30% by 31 March.", "planned_start": "2027-01-04",
        "planned_end": "2027-03-31", "data_collection": "Night nurse in charge tallies each shift.",
        "estimated_impact": "Two fewer falls a month."}
MEASURE = {**MEASURES[0], "proportion": "", "stop_threshold": "", "stop_direction": "", "stop_on_signal": ""}


def test_the_feasibility_form_marks_what_recommend_needs(client, people, reviewed):
    mentor = people["mentor"]
    sign_in(client, mentor)
    form = form_on(client.get(f"/review/{reviewed.id}/feasibility").get_data(as_text=True), "")
    save = lambda data: ops.save_feasibility(reviewed, mentor, data, review_of(reviewed.id).version)  # noqa: E731
    marked = marks(form, RECOMMEND)
    assert marked == blocking(form, FEASIBILITY, refused_by(save, "feasibility", reviewed, mentor))
    assert "overall" in marked and "overall_note" not in marked and "note_evidence" not in marked


@pytest.mark.parametrize("research", [False, True])
def test_the_triage_form_marks_its_questions_and_a_referral_once_it_points_to_research(client, people, reviewed,
                                                                                      research):
    mentor = people["mentor"]
    complete = {**TRIAGE_QI, "ethics_reference": "", "ethics_referred_on": ""}
    if research:
        complete |= {"triage_extra_data": "yes", "ethics_reference": "REC 24/0193", "ethics_referred_on": "2026-11-02"}
        ops.save_triage(reviewed, mentor, complete, review_of(reviewed.id).version)
        db.session.commit()
    sign_in(client, mentor)
    form = form_on(client.get(f"/review/{reviewed.id}/triage").get_data(as_text=True), "")
    save = lambda data: ops.save_triage(reviewed, mentor, data, review_of(reviewed.id).version)  # noqa: E731
    marked = marks(form, RECOMMEND)
    assert marked == blocking(form, complete, refused_by(save, "triage", reviewed, mentor))
    assert ({"ethics_reference", "ethics_referred_on"} <= marked) == research and len(marked) == 4 + 2 * research


def test_the_plan_form_marks_what_recommend_needs(client, people, reviewed):
    mentor = people["mentor"]
    sign_in(client, mentor)
    form = form_on(client.get(f"/review/{reviewed.id}/plan").get_data(as_text=True), "")
    save = lambda data: ops.save_plan(reviewed, mentor, data, plan_of(reviewed.id).version)  # noqa: E731
    complete = {**PLAN, "units": [str(reviewed.unit_id)]}
    assert marks(form, RECOMMEND) == blocking(form, complete, refused_by(save, "plan", reviewed, mentor)) == {
        "aim", "units", "planned_start", "planned_end"}


@pytest.mark.parametrize(("page", "action", "complete", "operation", "legend"), [
    ("plan", "measures", MEASURE, ops.add_measure, "* needed to save the measure"),
    ("safety", "hazards", HIGH_HAZARD, ops.add_hazard, "* needed to save the hazard"),
])
def test_the_measure_and_hazard_forms_mark_what_saving_needs(client, people, reviewed, page, action, complete,
                                                             operation, legend):
    mentor = people["mentor"]
    sign_in(client, mentor)
    html = client.get(f"/review/{reviewed.id}/{page}").get_data(as_text=True)
    form = form_on(html, f"/review/{reviewed.id}/{action}")
    save = lambda data: operation(reviewed, mentor, data)  # noqa: E731
    marked = marks(form, legend)
    assert marked == blocking(form, complete, refused_by(save, None, reviewed, mentor))
    assert marked and "baseline" not in marked and "mitigation" not in marked


def test_a_read_only_review_section_shows_no_legend(client, people, reviewed):
    sign_in(client, people["committee"])
    html = client.get(f"/review/{reviewed.id}/feasibility").get_data(as_text=True)
    assert "needed-legend" not in html and "needed-mark" not in html


# The pilot's results and the scale-up ----------------------------------------------------------------------

def test_the_results_form_marks_what_completing_the_pilot_needs(client, people, members):  # noqa: F811
    idea = running_pilot(people, members)
    observe_every_measure(idea, people["submitter"])
    sign_in(client, people["submitter"])
    form = form_on(client.get(f"/ideas/{idea.id}/pilot").get_data(as_text=True), f"/ideas/{idea.id}/pilot/complete")
    save = lambda data: complete_pilot(idea, people["submitter"], data, idea.version)  # noqa: E731
    assert marks(form, "* needed before you complete the pilot") == blocking(
        form, RESULTS, refused_by(save, None, idea, people["submitter"])) == {"summary", "recommendation", "impact"}


def test_a_target_units_form_marks_what_marking_it_adopted_needs(client, people, members):  # noqa: F811
    idea, units = scale_up_idea(people, members)
    unit, today = units[0], hospital_today()
    sign_in(client, people["submitter"])
    html = client.get(f"/ideas/{idea.id}/scale-up").get_data(as_text=True)
    form = form_on(html, f"/ideas/{idea.id}/scale-up/units/{unit.id}", prefix=f"u{unit.id}-")
    complete = {"status": "adopted", "lead": str(people["mentor"].id), "planned_start": str(today - timedelta(9)),
                "started_on": str(today - timedelta(5)), "adopted_on": str(today),
                "sustainment_owner": str(people["co_author"].id), "notes": "Went well.", "adaptations": "None."}
    save = lambda data: update_unit(idea, people["submitter"], unit.id, data, unit.version)  # noqa: E731
    assert marks(form, "* needed to mark the unit adopted") == blocking(
        form, complete, refused_by(save, None, idea, people["submitter"])) == {"adopted_on", "sustainment_owner"}
