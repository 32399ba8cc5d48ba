"""The board's filter: a GET form (nothing changes, so no CSRF token), every field optional."""
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from ideas.accounts.models import Site
from ideas.board.queries import BoardFilter
from ideas.board.widgets import RememberedSelect
from ideas.database import parse_int
from ideas.forms import WebForm, options, unit_choices
from ideas.pipeline.models import Category
from ideas.review.risk import RiskBand

FILTER_FIELDS = ("q", "site", "unit", "category", "mentor", "risk", "view")
LONGEST_SEARCH = 200


class BoardFilterForm(WebForm):
    class Meta:
        csrf = False

    q = StringField("Search (words, or an idea number such as FI-142)",
                    validators=[Optional(), Length(max=LONGEST_SEARCH, message="Search for at most 200 characters.")])
    # Every list is rendered once per process for each choice made (RememberedSelect).
    site = SelectField("Site", choices=[], default="", widget=RememberedSelect())
    unit = SelectField("Unit", choices=[], default="", widget=RememberedSelect())
    category = SelectField("Category", default="", widget=RememberedSelect(),
                           choices=options("Any category", ((c.value, c.label) for c in Category)))
    mentor = SelectField("Mentor", choices=[], default="", widget=RememberedSelect())
    risk = SelectField("Risk band", default="", widget=RememberedSelect(),
                       choices=options("Any risk band", ((b.value, b.value.capitalize()) for b in RiskBand)))
    view = SelectField("Show as", default="columns", widget=RememberedSelect(),
                       choices=[SelectChoice("columns", "Columns by stage"), SelectChoice("list", "A list")])

    def offer(self, sites: list[Site], mentors: list[tuple[int, str]]) -> "BoardFilterForm":
        """The choices that come from the database: sites, units and mentors."""
        self.site.choices = options("Any site", ((site.id, site.name) for site in sites))
        self.unit.choices = unit_choices(sites, "Any unit")
        self.mentor.choices = options("Any mentor", mentors)
        return self

    def board_filter(self) -> BoardFilter:
        return BoardFilter(site=parse_int(self.site.data), unit=parse_int(self.unit.data),
                           category=Category(self.category.data) if self.category.data else None,
                           mentor=parse_int(self.mentor.data), risk=RiskBand(self.risk.data) if self.risk.data else None,
                           text=(self.q.data or "").strip())

    @property
    def as_list(self) -> bool:
        return self.view.data == "list"

    def query_args(self, **changes) -> dict:
        """The filter as it was typed (for links: "more", the other view, a bookmark), with `changes` made."""
        typed = {name: (self[name].raw_data or [""])[0] for name in FILTER_FIELDS}
        return {name: text for name, text in {**typed, **changes}.items() if text}
