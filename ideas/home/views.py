"""The home page: what waits for each of the user's roles."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from ideas.accounts.models import Role
from ideas.home.agenda import Standing, standing
from ideas.home.stuck import stuck
from ideas.pipeline.queries import invitations, my_ideas, waiting_on
from ideas.remembered import remembered
from ideas.review.queue import mentor_queue
from ideas.spread.queries import sustainment_for

bp = Blueprint("home", __name__)
HOME_LIST_LENGTH = 5


@bp.get("/")
@login_required
def index():
    context = {"invitations": invitations(current_user), "sustainment": sustainment_for(current_user)}
    if current_user.has_role(Role.MENTEE):
        ideas = my_ideas(current_user, limit=HOME_LIST_LENGTH)
        context.update(ideas=ideas, waiting=waiting_on(ideas, current_user))
    if current_user.has_role(Role.MENTOR):
        context["queue"] = mentor_queue(current_user, limit=HOME_LIST_LENGTH)
    if current_user.has_role(Role.ADMIN):
        context["stuck_card"] = stuck_card()
    return render_template("home/index.html", roles=sorted(current_user.roles), **context)


def stuck_card() -> Markup:
    """The administrators' "what is stuck": the same for every administrator (they see every idea), and its counts
    read up to COUNT_CAP ideas a list, so it is built once for each version of the data (ideas/remembered.py)."""
    card, _ = remembered(("stuck",), MultiDict(), lambda: (Markup(render_template("home/_stuck.html",
                                                                                  stuck=stuck())), 200))
    return card


@bp.app_template_global()
def agenda_standing(items) -> dict[int, Standing]:
    """For the committee's card: where the signed-in member stands on each agenda item."""
    return standing(items, current_user)
