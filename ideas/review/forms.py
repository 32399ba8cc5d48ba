"""The review's forms. They only carry input: the operations validate it (one set of messages)."""
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField

from ideas.forms import Checkboxes, WebForm, options
from ideas.pipeline.forms import ShowsRefusals
from ideas.review.labels import LABELS
from ideas.review.risk import LIKELIHOOD, SEVERITY
from ideas.review.rules import (
    CRITERIA,
    HAZARD_NEEDED,
    MEASURE_NEEDED,
    TRIAGE,
    Direction,
    MeasureType,
    Overall,
    StopDirection,
)

SCORES = options("Not scored yet", ((n, str(n)) for n in range(1, 6)))
DATE = {"type": "date"}
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def _select(name: str, pairs, empty: str) -> SelectField:
    return SelectField(LABELS[name], choices=options(empty, pairs), validate_choice=False)


class FeasibilityForm(ShowsRefusals, WebForm):
    version = HiddenField()
    overall = _select("overall", ((o.value, o.label) for o in Overall), "Not decided yet")
    overall_note = TextAreaField(LABELS["overall_note"])


for _name in CRITERIA:
    setattr(FeasibilityForm, f"score_{_name}", SelectField(LABELS[f"score_{_name}"], choices=SCORES,
                                                          validate_choice=False))
    setattr(FeasibilityForm, f"note_{_name}", TextAreaField(LABELS[f"note_{_name}"]))


class StatementForm(ShowsRefusals, WebForm):
    version = HiddenField()
    no_hazards = BooleanField("No hazards identified: I have assessed this idea and confirm it introduces no hazard "
                              "for patients or staff.")


class HazardForm(ShowsRefusals, WebForm):
    needed, needed_why = tuple(HAZARD_NEEDED), "to save the hazard"
    version = HiddenField()  # the review's, when a hazard is edited in place
    description = TextAreaField(LABELS["description"])
    severity = _select("severity", ((n, f"{n} – {word}") for n, word in SEVERITY.items()), "Choose")
    likelihood = _select("likelihood", ((n, f"{n} – {word}") for n, word in LIKELIHOOD.items()), "Choose")
    mitigation = TextAreaField(LABELS["mitigation"])
    owner = StringField(LABELS["owner"], description="A role or a name, e.g. “Ward manager, 4B”.")


class TriageForm(ShowsRefusals, WebForm):
    version = HiddenField()
    ethics_reference = StringField(LABELS["ethics_reference"])
    ethics_referred_on = StringField(LABELS["ethics_referred_on"], render_kw=DATE)


for _name in TRIAGE:
    setattr(TriageForm, f"triage_{_name}", RadioField(LABELS[f"triage_{_name}"], choices=YES_NO,
                                                      validate_choice=False))


class PlanForm(ShowsRefusals, WebForm):
    version = HiddenField()
    aim = TextAreaField(LABELS["aim"], description="What will improve, by how much, by when: e.g. “Reduce night-time "
                                                   "falls on 4B by 30% by 31 March”.")
    units = Checkboxes(LABELS["units"], choices=[], validate_choice=False)
    planned_start = StringField(LABELS["planned_start"], render_kw=DATE)
    planned_end = StringField(LABELS["planned_end"], render_kw=DATE)
    data_collection = TextAreaField(LABELS["data_collection"], description="Who collects what, how often, from where.")
    estimated_impact = TextAreaField(LABELS["estimated_impact"], description="What the pilot should change for "
                                     "patients and staff, in numbers where you can: falls per 1,000 bed days, "
                                     "minutes saved, money. Set beside what was realised when the pilot completes.")


class MeasureForm(ShowsRefusals, WebForm):
    needed, needed_why = tuple(MEASURE_NEEDED), "to save the measure"
    version = HiddenField()  # the plan's, when a measure is edited in place
    kind = _select("kind", ((k.value, k.label) for k in MeasureType), "Choose a type")
    name = StringField(LABELS["name"])
    definition = TextAreaField(LABELS["definition"])
    unit_of_measure = StringField(LABELS["unit_of_measure"])
    direction = _select("direction", ((d.value, d.label) for d in Direction), "Choose")
    baseline = StringField(LABELS["baseline"], description="Leave empty if not known yet.")
    target = StringField(LABELS["target"], description="On the better side of the baseline, or equal to it.")
    proportion = BooleanField(LABELS["proportion"])
    stop_threshold = StringField(LABELS["stop_threshold"], description="Balancing measures only (optional).")
    stop_direction = _select("stop_direction", ((d.value, d.label) for d in StopDirection), "No stop rule")
    stop_on_signal = BooleanField(LABELS["stop_on_signal"], description="Balancing measures only.")


def field_ids(form, prefix: str):
    """Give a form's fields ids of their own, for a page that shows it beside another of its kind."""
    for field in form:
        field.id = f"{prefix}-{field.id}"
    return form
