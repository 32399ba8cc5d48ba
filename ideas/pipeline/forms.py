"""The idea form and the action form. They only carry input: the operations validate it,
so the web, the API and the command line refuse the same things with the same messages."""
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ideas.forms import Checkboxes, ShowsRefusals, WebForm, options
from ideas.pipeline.models import Benefit, Category
from ideas.pipeline.workflow import FIELD_LABELS

L = FIELD_LABELS


class IdeaForm(ShowsRefusals, WebForm):
    idea_id = HiddenField()
    version = HiddenField()
    title = StringField(L["title"], description="A short name for the change, e.g. “Night-time falls checklist”.")
    problem = TextAreaField(L["problem"], description="What goes wrong for patients or staff, and how often.")
    proposed_change = TextAreaField(L["proposed_change"], description="What you would do differently.")
    expected_benefit = TextAreaField(L["expected_benefit"], description="What would get better, and for whom.")
    benefits = Checkboxes(L["benefits"], choices=[SelectChoice(b.value, b.label) for b in Benefit],
                          validate_choice=False)
    category = SelectField(L["category"], choices=options("Choose a category", ((c.value, c.label) for c in Category)),
                           validate_choice=False)
    tags = StringField(L["tags"], description="Words to find it by, separated by commas.")
    unit = SelectField(L["unit"], choices=[], validate_choice=False)
    evidence = TextAreaField(L["evidence"], description="Guidelines, papers, audits or local data (optional).")
    resources = TextAreaField(L["resources"], description="Equipment, time, training or money needed (optional).")
    co_authors = StringField(L["co_authors"], description="Colleagues who wrote it with you: their e-mail "
                                                          "addresses, separated by commas.")
    response = TextAreaField(L["response"], description="Tell the mentor what you changed.")

    def idea_fields(self, include_co_authors: bool = True) -> dict:
        """The form's idea fields as the operations take them."""
        names = ["title", "problem", "proposed_change", "expected_benefit", "benefits", "category", "tags",
                 "unit", "evidence", "resources"] + (["co_authors"] if include_co_authors else [])
        return {name: self[name].data for name in names}


class ActionForm(ShowsRefusals, WebForm):
    """The inputs an action may ask for; a page shows only those its transition needs."""

    version = HiddenField()
    reason = TextAreaField(L["reason"])
    comment = TextAreaField(L["comment"])
    response = TextAreaField(L["response"])
    note = TextAreaField(L["note"], description="What the committee should know: it goes on the idea's timeline.")
    mentor = SelectField(L["mentor"], choices=[], validate_choice=False)


class InvitationForm(WebForm):
    """An invited colleague's answer: its buttons send "accept" or "decline"."""

    answer = StringField("Your answer")


class ClearHoldForm(ShowsRefusals, WebForm):
    """A committee member clears the safety hold; the operation checks the reason."""

    reason = TextAreaField("Why the hold can be cleared",
                           description="What the committee reviewed and decided; kept in the audit trail.")
