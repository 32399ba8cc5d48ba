"""The pilot's forms. They only carry input: the operations validate it (one set of messages)."""
from wtforms import FileField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ideas.forms import ShowsRefusals, WebForm
from ideas.pilots.labels import LABELS
from ideas.pilots.rules import Recommendation
from ideas.pipeline.workflow import FIELD_LABELS, Stage, transition_for

DATE = {"type": "date"}
NUMBER = {"inputmode": "decimal", "autocomplete": "off"}
COUNT = {"inputmode": "numeric", "autocomplete": "off"}


class PdsaForm(ShowsRefusals, WebForm):
    version = HiddenField()
    change_tested = StringField(LABELS["change_tested"], description="The one change this cycle tries, in a line.")
    started_on = StringField(LABELS["started_on"], render_kw=DATE)
    ended_on = StringField(LABELS["ended_on"], render_kw=DATE, description="Leave empty while the cycle runs.")
    plan = TextAreaField(LABELS["plan"], description="What you will try, who, where, and what you predict.")
    do = TextAreaField(LABELS["do"], description="What happened when you tried it.")
    study = TextAreaField(LABELS["study"], description="What the data showed, against the prediction.")
    act = TextAreaField(LABELS["act"], description="Adopt, adapt or abandon — and the next cycle.")


class ObservationForm(ShowsRefusals, WebForm):
    observed_on = StringField(LABELS["observed_on"], render_kw=DATE)
    value = StringField(LABELS["value"], render_kw=NUMBER)
    numerator = StringField(LABELS["numerator"], render_kw=COUNT)
    denominator = StringField(LABELS["denominator"], render_kw=COUNT)
    note = StringField(LABELS["note"], description="Optional: shown on the chart's point.")


class CorrectionForm(ObservationForm):
    version = HiddenField()
    reason = StringField(LABELS["reason"], description="Why the value was wrong: kept in the audit trail.")


class RemovalForm(ShowsRefusals, WebForm):
    version = HiddenField()
    reason = StringField(LABELS["reason"], description="Why it should not be there: kept in the audit trail.")


class UploadForm(ShowsRefusals, WebForm):
    file = FileField(LABELS["file"], render_kw={"accept": ".csv,text/csv"})


class CompletionForm(ShowsRefusals, WebForm):
    """The pilot team completes the pilot: results, recommendation and the impact realised."""

    needed = transition_for("complete_pilot", Stage.PILOT).needs
    needed_why = "before you complete the pilot"
    version = HiddenField()
    summary = TextAreaField(FIELD_LABELS["summary"], description="What the pilot found: what the charts show, "
                                                                 "what the PDSA cycles taught.")
    recommendation = RadioField(FIELD_LABELS["recommendation"], validate_choice=False,
                                choices=[SelectChoice(r.value, r.label) for r in Recommendation])
    impact = TextAreaField(FIELD_LABELS["impact"], description="What changed for patients and staff, in numbers "
                                                               "where you can (falls per 1,000 bed-days, minutes, money).")
