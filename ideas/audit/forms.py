"""The audit page's filter, export and redaction forms."""
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ideas.audit.export import FORMATS
from ideas.audit.queries import AuditFilter
from ideas.audit.words import entity, sentence
from ideas.forms import IdeaNumberField, WebForm


FILTER_FIELDS = ("actor", "action", "entity_type", "date_from", "date_to", "idea")


class DayField(DateField):
    """A date typed as year-month-day, with a message a person can act on."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a date as year-month-day, for example 2026-03-31.") from error


class AuditFilterForm(WebForm):
    """Which events to list (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    actor = StringField("Actor (name or e-mail)", validators=[Optional(), Length(max=120)])
    action = SelectField("Action", choices=[], validate_choice=False)
    entity_type = SelectField("Entity type", choices=[], validate_choice=False)
    date_from = DayField("From (date)", validators=[Optional()])
    date_to = DayField("To (date)", validators=[Optional()])
    idea = IdeaNumberField("Idea number (FI-142)", validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

    def offer(self, actions: list[str], entity_types: list[str]) -> "AuditFilterForm":
        worded = sorted((sentence(action).capitalize(), action) for action in actions)
        self.action.choices = [SelectChoice("", "Any action"), *(SelectChoice(code, words) for words, code in worded)]
        self.entity_type.choices = [SelectChoice("", "Any entity"),
                                    *(SelectChoice(code, entity(code)) for code in entity_types)]
        return self

    def audit_filter(self) -> AuditFilter:
        return AuditFilter(actor=(self.actor.data or "").strip() or None, action=self.action.data or None,
                           entity_type=self.entity_type.data or None, date_from=self.date_from.data,
                           date_to=self.date_to.data, idea_id=self.idea.data)

    def query_args(self) -> dict:
        """The filter as it was typed, for links and the export forms."""
        typed = {name: (self[name].raw_data or [""])[0] for name in FILTER_FIELDS}
        return {name: text for name, text in typed.items() if text}


class ExportForm(AuditFilterForm):
    class Meta:
        csrf = True

    format = SelectField("Format", choices=[SelectChoice(f, f.upper()) for f in FORMATS])


class RedactForm(WebForm):
    field = SelectField("Field whose stored values to remove", choices=[])
    reason = TextAreaField("Why must it be removed?", validators=[
        DataRequired("Say why this value must be removed."), Length(max=2000)])
    confirm = BooleanField("I understand that the old and new values of this field are removed for good; "
                           "the audit trail will show that they were redacted, by whom, when and why.",
                           validators=[DataRequired("Tick the box to confirm the redaction.")])
