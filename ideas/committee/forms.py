"""The committee's forms on the review pack. They only carry input: the operations validate it."""
import re

from wtforms import (FieldList, FormField, HiddenField, PasswordField, RadioField, SelectField,
    SelectMultipleField, StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice

from ideas.committee.operations import LABELS
from ideas.committee.tally import Vote
from ideas.errors import Refusal
from ideas.forms import RowForm, WebForm
from ideas.pipeline.forms import ShowsRefusals
from ideas.pipeline.workflow import FIELD_LABELS

CONDITION_ROWS = 5  # rows on the approval form; the operation allows a few more
VOTES = [SelectChoice(Vote.APPROVE.value, "Approve"), SelectChoice(Vote.REJECT.value, "Reject"),
         SelectChoice(Vote.ABSTAIN.value, "Abstain")]
CONDITION_MESSAGE = re.compile(r"\bCondition (\d+)\b")  # how the operation's messages name a row
ROW_FIELDS = ("text", "owner", "due_on")


class VoteForm(ShowsRefusals, WebForm):
    vote = RadioField(LABELS["vote"], choices=VOTES, validate_choice=False)
    comment = TextAreaField(LABELS["comment"], description="Seen by the idea's team, without your name.")
    password = PasswordField(FIELD_LABELS["password"], render_kw={"autocomplete": "current-password"})


class RecusalForm(ShowsRefusals, WebForm):
    reason = TextAreaField("Your conflict of interest", description="Recorded and shown to the committee; "
                                                                    "you will no longer vote or decide on this idea.")


class ConditionRow(RowForm):
    text = StringField(LABELS["text"])
    owner = SelectField(LABELS["owner"], choices=[], validate_choice=False)
    due_on = StringField(LABELS["due_on"], render_kw={"type": "date"})

    def filled(self) -> bool:
        return any(str(value or "").strip() for value in self.data.values())


class DecisionForm(ShowsRefusals, WebForm):
    """The committee's decisions (approve_pilot, approve_scale_up, decline, extend_pilot, stop,
    return_to_mentor); each shows only the fields its action asks for."""

    version = HiddenField()
    reason = TextAreaField(FIELD_LABELS["reason"])
    risk_acceptance = TextAreaField(FIELD_LABELS["risk_acceptance"])
    conditions = FieldList(FormField(ConditionRow), min_entries=CONDITION_ROWS, max_entries=CONDITION_ROWS)
    target_units = SelectMultipleField(FIELD_LABELS["target_units"], choices=[], validate_choice=False,
                                       description="The units the change spreads to, from any site.")
    password = PasswordField(FIELD_LABELS["password"], render_kw={"autocomplete": "current-password"})

    @property
    def action(self) -> str:
        return self._prefix.removesuffix("-")

    def set_owners(self, choices: list[SelectChoice]) -> None:
        for row in self.conditions:
            row.owner.choices = choices

    def condition_rows(self) -> list[dict]:
        """The filled condition rows, first to last, as the operation takes them."""
        return [row.form.data for row in self.conditions if row.form.filled()]

    def more_rows_used(self) -> bool:
        """Whether a row after the first holds input or a message (the page then shows those rows)."""
        return any(row.form.filled() or row.errors for row in list(self.conditions)[1:])

    def compact(self) -> None:
        """Filled rows first, so "Condition 2" in a message is the second row on the page."""
        self.conditions.process(None, self.condition_rows())

    def show(self, refusal: Refusal) -> None:
        """A condition's refusal goes beside its row's field; the others as for every form."""
        number = CONDITION_MESSAGE.search(refusal.message)
        if number and refusal.field in ROW_FIELDS and int(number[1]) <= len(self.conditions):
            field = self.conditions[int(number[1]) - 1][refusal.field]
            field.errors = [*field.errors, refusal.message]
            return
        super().show(refusal)
