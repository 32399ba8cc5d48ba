"""The chart's forms: a change point, removing one, the rule set and frozen baseline. They only carry
input; the operations validate it (one set of messages)."""
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ideas.forms import ShowsRefusals, WebForm
from ideas.pilots.chart_operations import LABELS
from ideas.pilots.models import RuleSet


class PhaseForm(ShowsRefusals, WebForm):
    starts_on = StringField(LABELS["starts_on"], render_kw={"type": "date"},
                            description="The first day the process ran the new way.")
    pdsa_cycle = SelectField(LABELS["pdsa_cycle"], choices=[], validate_choice=False)
    note = TextAreaField(LABELS["note"], render_kw={"rows": 2})


class RemovePhaseForm(ShowsRefusals, WebForm):
    reason = StringField(LABELS["reason"])


class ChartSettingsForm(ShowsRefusals, WebForm):
    rules = RadioField(LABELS["rules"], choices=[SelectChoice(r.value, r.label) for r in RuleSet],
                       validate_choice=False)
    baseline_points = StringField(LABELS["baseline_points"], render_kw={"inputmode": "numeric"},
                                  description="Freeze the first N points as the baseline that sets the centre line "
                                              "and limits; leave it empty to use every point.")
