"""The preferences form (one choice per kind) and the inbox's buttons. They carry input; the operations check it."""
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ideas.forms import ShowsRefusals, WebForm
from ideas.notifications.kinds import KINDS, Delivery


class PreferencesForm(ShowsRefusals, WebForm):
    pass


for _name, _kind in KINDS.items():
    setattr(PreferencesForm, _name, SelectField(_kind.label, choices=[SelectChoice(d.value, d.label) for d in Delivery],
                                                validate_choice=False))


class InboxForm(WebForm):
    """Mark one read, or all: the CSRF token is all it carries."""
