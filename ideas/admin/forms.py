"""Administration forms. Rules that need the database (unique e-mail, last admin, who may be
paired) live in the operations; these forms check only the shape of the input."""
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from ideas.accounts.handover import WorkItem
from ideas.accounts.models import Role, User
from ideas.database import parse_int
from ideas.forms import Checkboxes, WebForm, options
from ideas.settings.definitions import DEFINITIONS, Definition

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]
STATUS_CHOICES = [SelectChoice("active", "Active"), SelectChoice("inactive", "Deactivated"),
                  SelectChoice("all", "Everyone")]


def optional_id(value) -> int | None:
    """A select's id; a value no row could have is refused like any other wrong choice."""
    if value in (None, ""):
        return None
    if (number := parse_int(value)) is None:
        raise ValueError("Not a valid choice.")
    return number


def chosen(message: str):
    def check(form, field) -> None:
        if field.data is None:
            raise StopValidation(message)
    return check


class UserForm(WebForm):
    name = StringField("Full name", validators=[DataRequired("Enter the person's name."),
                                                Length(max=120, message="Keep the name to 120 characters.")])
    email = EmailField("E-mail", validators=[DataRequired("Enter an e-mail address."),
                                             Length(max=254, message="That e-mail address is too long.")])
    roles = Checkboxes("Roles", choices=ROLE_CHOICES)
    home_unit = SelectField("Home unit", coerce=optional_id)

    def role_set(self) -> set[Role]:
        return {Role(value) for value in self.roles.data or []}


class UserFilterForm(WebForm):
    class Meta:
        csrf = False

    q = StringField("Name or e-mail", validators=[Optional(), Length(max=100)])
    role = SelectField("Role", choices=[SelectChoice("", "Any role"), *ROLE_CHOICES], validate_choice=False)
    status = SelectField("Status", choices=STATUS_CHOICES, default="active", validate_choice=False)


class NameForm(WebForm):
    name = StringField("Name", validators=[DataRequired("Enter a name."),
                                           Length(max=120, message="Keep the name to 120 characters.")])


class UnitForm(NameForm):
    site = SelectField("Site", coerce=optional_id, validators=[chosen("Choose the site the unit belongs to.")])


class PairingForm(WebForm):
    # The operation says why a person cannot be paired, more clearly than "Not a valid choice".
    mentee = SelectField("Mentee", coerce=optional_id, validate_choice=False, validators=[chosen("Choose a mentee.")])
    mentor = SelectField("Mentor", coerce=optional_id, validate_choice=False, validators=[chosen("Choose a mentor.")])


class ReasonForm(WebForm):
    reason = TextAreaField("Reason (kept in the audit trail)", validators=[
        Optional(), Length(max=500, message="Keep the reason to 500 characters.")])


class ResetTwoFactorForm(WebForm):
    # The operation refuses a blank reason, for every caller; the form only bounds its length.
    reason = TextAreaField("Reason (kept in the audit trail)", validators=[
        Length(max=500, message="Keep the reason to 500 characters.")])


def handover_form(items: list[WorkItem], candidates: dict[Role, list[User]]) -> ReasonForm:
    """A reason, and for each open work item a choice of who takes it over."""

    class HandoverForm(ReasonForm):
        pass

    for item in items:
        people = [(u.id, u.name) for u in candidates.get(item.successor_role, []) if u.id not in item.not_to]
        setattr(HandoverForm, item.key, SelectField(item.summary, coerce=optional_id, description=item.released,
                                                    choices=options("Nobody yet", people)))
    return HandoverForm()


def _parses(definition: Definition):
    def check(form, field) -> None:
        try:
            definition.parse(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None
    return check


def settings_form(values: dict[str, object]) -> WebForm:
    """One text field per setting, filled with its current value."""

    class SettingsForm(WebForm):
        pass

    for name, definition in DEFINITIONS.items():
        setattr(SettingsForm, name, StringField(definition.label, description=definition.hint,
                                                validators=[_parses(definition)]))
    return SettingsForm(data={name: str(value) for name, value in values.items()})
