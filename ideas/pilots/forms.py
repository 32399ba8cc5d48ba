"""The pilot's forms. They only carry input: the operations validate it (one set of messages)."""
from wtforms import FileField, HiddenField, StringField, TextAreaField

from ideas.forms import ShowsRefusals, WebForm
from ideas.pilots.labels import LABELS

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
