"""The forms of meetings, their agenda, and a condition marked done. They only carry input:
the operations validate it (one set of messages)."""
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from ideas.committee.operations import LABELS
from ideas.forms import Checkboxes, WebForm
from ideas.pipeline.forms import ShowsRefusals

DATE = {"type": "date"}


class NewMeetingForm(ShowsRefusals, WebForm):
    title = StringField(LABELS["title"], description="e.g. “Quality committee, March”.")
    held_on = StringField(LABELS["held_on"], render_kw=DATE)


class MeetingForm(NewMeetingForm):
    version = HiddenField()
    attendees = Checkboxes(LABELS["attendees"], choices=[], validate_choice=False)
    minutes = TextAreaField(LABELS["minutes"], description="Plain text; line breaks are kept.")

    def meeting_fields(self) -> dict:
        """The form's meeting fields as update_meeting takes them."""
        return {name: self[name].data for name in ("title", "held_on", "minutes", "attendees")}


class AgendaForm(ShowsRefusals, WebForm):
    """One agenda item to add to a meeting, or to take off it."""

    round = SelectField("Agenda item", choices=[], validate_choice=False)


class ConditionDoneForm(ShowsRefusals, WebForm):
    note = TextAreaField(LABELS["note"], description="How the condition was met.")
