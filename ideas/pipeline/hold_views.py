"""The safety hold on the idea page: why and since when, and the form a committee member clears it with."""
from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required

from ideas.extensions import htmx
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.forms import ClearHoldForm
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import clear_safety_hold
from ideas.pipeline.queries import hold_trips
from ideas.pipeline.views import detail as idea_page
from ideas.pipeline.views import visible_idea
from ideas.pipeline.workflow import hold_refusal
from ideas.web import attempt

bp = Blueprint("safety_hold", __name__, url_prefix="/ideas")
FRAGMENT = "pipeline/_safety_hold.html"
SHOWN_TRIPS = 5


@bp.app_template_global()
def safety_hold(idea: Idea) -> dict | None:
    """For the banner: the trips since the hold, and the form for a member who may clear it (or the refused one)."""
    refused = g.get("refused_hold")
    if not idea.safety_hold:
        return {"trips": [], "since": None, "form": refused} if refused else None
    trips = hold_trips(idea.id)
    may_clear = hold_refusal("clear_safety_hold", idea_facts(idea), actor_facts(current_user)) is None
    return {"trips": trips[-SHOWN_TRIPS:], "count": len(trips), "since": trips[0].occurred_at if trips else None,
            "form": refused or (ClearHoldForm(formdata=None, prefix="hold") if may_clear else None)}


@bp.post("/<int:idea_id>/safety-hold/clear")
@login_required
def clear(idea_id: int):
    """An eligible committee member clears the hold with a reason; then the idea page, with what it offers now."""
    idea = visible_idea(idea_id)
    form = ClearHoldForm(prefix="hold")
    if not form.validate_on_submit():
        abort(400)
    refusal = attempt(form, lambda: clear_safety_hold(idea, current_user._get_current_object(), form.reason.data))
    if refusal is None:
        flash("The safety hold is cleared; your reason is in the audit trail.", "success")
        target = url_for("pipeline.detail", idea_id=idea.id)
        return ("", 200, {"HX-Redirect": target}) if htmx else redirect(target)
    g.refused_hold = form
    if htmx:
        return render_template(FRAGMENT, idea=idea), refusal.status
    return idea_page(idea.id), refusal.status
