"""The pipeline board and its list view: one URL for the page and for the htmx swap as the user types."""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from ideas.accounts.models import Role
from ideas.accounts.queries import all_sites, names_with
from ideas.board import queries
from ideas.remembered import remembered
from ideas.board.forms import BoardFilterForm
from ideas.board.queries import Scope, board, column_after, listing
from ideas.pipeline.workflow import Stage
from ideas.web import number_arg, render, wants_fragment

bp = Blueprint("board", __name__, url_prefix="/board")


def _filter_form() -> tuple[BoardFilterForm, bool]:
    form = BoardFilterForm(request.args).offer(all_sites(), names_with(Role.MENTOR))
    return form, form.validate()


@bp.get("")
@login_required
def index():
    """Every stage a column with its count (or the list), for what the user may see and picked."""
    (filter_form, results), status = remembered(("board", current_user.id), request.args, _board)
    return _page(filter_form, results), status


def _board() -> tuple[tuple[Markup, Markup], int]:
    """The filter as typed and what it picked (the columns, or a page of the list), or what is wrong with it."""
    form, valid = _filter_form()
    if not valid:
        results = _results(form)
    elif form.as_list:
        rows, more = listing(Scope(current_user, form.board_filter()), number_arg("after"))
        results = _results(form, rows=rows, more=more)
    else:
        results = _results(form, columns=board(Scope(current_user, form.board_filter())))
    return (Markup(render_template("board/_filter.html", form=form)), results), 200 if valid else 422


def _page(filter_form: Markup, results: Markup) -> str:
    """The results alone for an htmx swap, else the page around them."""
    return results if wants_fragment() else render_template("board/page.html", filter_form=filter_form,
                                                            results=results)


def _results(form: BoardFilterForm, columns=(), rows=(), more: bool = False) -> Markup:
    """What the filter picked (the columns, or the list), or what is wrong with it: what htmx swaps in."""
    return Markup(render_template("board/_results.html", form=form, columns=columns, rows=rows, more=more,
                                  text_window=queries.TEXT_WINDOW))


@bp.get("/more")
@login_required
def more():
    """The next ideas of a column (`stage`), or of the list, after the idea `after`: appended by htmx."""
    form, valid = _filter_form()
    if not valid:
        return _page(Markup(render_template("board/_filter.html", form=form)), _results(form)), 422
    named = request.args.get("stage")
    stage = Stage._value2member_map_.get(named) if named else None
    if named and stage is None:
        abort(404)  # no such column
    scope = Scope(current_user, form.board_filter())
    if stage is None:
        rows, more_rows = listing(scope, number_arg("after"))
        return render("board/more.html", "board/_rows.html", form=form, rows=rows, more=more_rows)
    cards, more_cards = column_after(scope, stage, number_arg("after"))
    return render("board/more.html", "board/_cards.html", form=form, stage=stage, cards=cards, more=more_cards,
                  next_after=cards[-1].id if cards else None)
