"""The dashboard (committee and administrators): figures with charts, tables and CSV downloads.

Mentors and mentees do not see it: its counts take in ideas hidden from them (drafts, other mentors'
reviews), and a count per unit and stage would tell them such an idea exists.
"""
import csv
import io

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from ideas.accounts.models import Role
from ideas.accounts.queries import all_sites
from ideas.audit.export import csv_cell
from ideas.clock import utcnow
from ideas.dashboard.forms import DashboardFilterForm
from ideas.dashboard.queries import Scope
from ideas.dashboard.tables import TABLES
from ideas.database import parse_int
from ideas.remembered import remembered
from ideas.web import role_required, wants_fragment

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
committee_or_admin = role_required(Role.COMMITTEE, Role.ADMIN)


def _filter() -> tuple[DashboardFilterForm, Scope | None]:
    """The filter as typed, and the scope it picks (None when it is refused)."""
    form = DashboardFilterForm(request.args).offer(all_sites())
    if not form.validate():
        return form, None
    return form, Scope(parse_int(form.site.data), parse_int(form.unit.data))


@bp.get("")
@committee_or_admin
def index():
    """Every figure for the filter; built once for each version of the data (the same for every member and
    administrator: they all see every idea), as its figures read every idea."""
    form, scope = _filter()
    if scope is None:
        return _page(form, _figures(form, [])), 422
    now = utcnow()
    figures, _ = remembered(("dashboard",), request.args, lambda: (
        _figures(form, [build(scope, now) for build in TABLES.values()]), 200))
    return _page(form, figures)


def _figures(form: DashboardFilterForm, tables: list) -> Markup:
    args = {name: value for name in ("site", "unit") if (value := form[name].data)}
    return Markup(render_template("dashboard/_figures.html", tables=tables, args=args))


def _page(form: DashboardFilterForm, figures: Markup) -> str:
    """The figures alone for an htmx swap, else the page around them."""
    return figures if wants_fragment() else render_template("dashboard/index.html", form=form, figures=figures)


@bp.get("/<name>.csv")
@committee_or_admin
def table_csv(name: str):
    """One figure's table as CSV, with the same filter as the page."""
    if name not in TABLES:
        abort(404)
    form, scope = _filter()
    if scope is None:
        return _page(form, _figures(form, [])), 422
    table = TABLES[name](scope, utcnow())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    writer.writerows([csv_cell(cell) if isinstance(cell, str) else cell for cell in row] for row in table.rows)
    return buffer.getvalue(), 200, {"Content-Type": "text/csv; charset=utf-8",
                                    "Content-Disposition": f'attachment; filename="dashboard-{name}.csv"'}
