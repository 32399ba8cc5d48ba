"""The scale-up's forms. They only carry input: the operations validate it (one set of messages)."""
from wtforms import HiddenField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ideas.forms import ShowsRefusals, WebForm
from ideas.spread.labels import LABELS
from ideas.spread.rules import NEEDED_TO_ADOPT, CheckAnswer, UnitStatus

DATE = {"type": "date"}


class UnitForm(ShowsRefusals, WebForm):
    needed, needed_why = tuple(NEEDED_TO_ADOPT), "to mark the unit adopted"
    version = HiddenField()
    status = SelectField(LABELS["status"], choices=[SelectChoice(s.value, s.label) for s in UnitStatus], validate_choice=False)
    lead = SelectField(LABELS["lead"], validate_choice=False, description="Who leads the change on this unit.")
    planned_start = StringField(LABELS["planned_start"], render_kw=DATE)
    started_on = StringField(LABELS["started_on"], render_kw=DATE)
    adopted_on = StringField(LABELS["adopted_on"], render_kw=DATE,
                             description="Needed to mark it adopted: the checks count 30, 90 and 180 days from it.")
    sustainment_owner = SelectField(LABELS["sustainment_owner"], validate_choice=False,
                                    description="Needed to mark it adopted: who answers the sustainment checks.")
    notes = TextAreaField(LABELS["notes"])
    adaptations = TextAreaField(LABELS["adaptations"], description="What the unit changed to make it fit.")


class CheckForm(ShowsRefusals, WebForm):
    version = HiddenField()
    answer = RadioField(LABELS["answer"], choices=[SelectChoice(a.value, a.label) for a in CheckAnswer], validate_choice=False)
    note = TextAreaField(LABELS["note"], description="Needed for partly or no: what slipped, and what the unit does.")
    measure = SelectField(LABELS["measure"], validate_choice=False, description="Optional: a fresh measurement.")
    value = StringField(LABELS["value"], render_kw={"inputmode": "decimal", "autocomplete": "off"})


class AdoptForm(ShowsRefusals, WebForm):
    version = HiddenField()
    password = PasswordField("Your password", description="Marking the idea adopted is a signed decision.",
                             render_kw={"autocomplete": "current-password"})
