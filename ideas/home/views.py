"""The home page: what waits for each of the user's roles."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ideas.accounts.models import Role
from ideas.home.agenda import Standing, standing
from ideas.home.stuck import stuck
from ideas.pipeline.queries import invitations, my_ideas, waiting_on
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
        context["stuck"] = stuck()
    return render_template("home/index.html", roles=sorted(current_user.roles), **context)


@bp.app_template_global()
def agenda_standing(items) -> dict[int, Standing]:
    """For the committee's card: where the signed-in member stands on each agenda item."""
    return standing(items, current_user)
