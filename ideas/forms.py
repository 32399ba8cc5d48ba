"""Form pieces more than one feature uses: checkbox lists and select choices."""
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ideas.accounts.models import Site
from ideas.errors import Refusal


class ShowsRefusals:
    def show(self, refusal: Refusal) -> None:
        """Put a refusal next to its field, or above the form."""
        if refusal.field in self and refusal.field not in ("version", "idea_id"):
            self[refusal.field].errors = [*self[refusal.field].errors, refusal.message]
        else:
            self.form_errors.append(refusal.message)


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(empty: str, pairs) -> list[SelectChoice]:
    """A select's choices: an empty one first, then one per (id, label)."""
    return [SelectChoice("", empty), *(SelectChoice(str(value), label) for value, label in pairs)]


def unit_choices(sites: list[Site], empty: str) -> list[SelectChoice]:
    """Every unit, named with its site, after an empty choice."""
    return options(empty, ((unit.id, unit.label) for site in sites for unit in site.units))
