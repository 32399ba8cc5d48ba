"""The dashboard's filter: a site, a unit, or both."""
from wtforms import SelectField
from wtforms.validators import ValidationError

from ideas.accounts.models import Site
from ideas.forms import WebForm, options, unit_choices


class ListedChoice(SelectField):
    """A select whose refusal of an unknown value names the field."""

    def pre_validate(self, form):
        if (self.data or "") not in {choice.value for choice in self.choices}:
            raise ValidationError(f"Choose a {self.label.text.lower()} from the list.")


class DashboardFilterForm(WebForm):
    """Which ideas the figures count (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    site = ListedChoice("Site", choices=[])
    unit = ListedChoice("Unit", choices=[])

    def offer(self, sites: list[Site]) -> "DashboardFilterForm":
        self.site.choices = options("Every site", ((site.id, site.name) for site in sites))
        self.unit.choices = unit_choices(sites, "Every unit")
        self._site_of = {str(unit.id): str(site.id) for site in sites for unit in site.units}
        return self

    def validate_unit(self, field):
        if field.data and self.site.data and self._site_of.get(field.data) != self.site.data:
            raise ValidationError("That unit is not at the chosen site: choose one of its units, or every unit.")
