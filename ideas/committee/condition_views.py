"""Conditions of approval: on the idea, on the owner's home page, marked done with a note."""
from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required

from ideas.clock import local_today
from ideas.committee import handover  # noqa: F401  (open conditions a leaving owner holds are open work)
from ideas.committee.meeting_forms import ConditionDoneForm
from ideas.committee.models import Condition
from ideas.committee.operations import complete_condition, may_complete
from ideas.committee.queries import conditions_of, conditions_owned
from ideas.database import db
from ideas.extensions import htmx
from ideas.pipeline.views import detail as idea_page
from ideas.pipeline.views import visible_idea
from ideas.pipeline.visibility import visible_ideas
from ideas.settings import get_setting
from ideas.web import attempt

bp = Blueprint("conditions", __name__, url_prefix="/conditions")
HOME_LIST_LENGTH = 5
FRAGMENT = "committee/_conditions.html"


def _done_form(condition: Condition) -> ConditionDoneForm:
    return ConditionDoneForm(formdata=None, prefix=f"condition-{condition.id}")


@bp.app_template_global()
def idea_conditions(idea) -> dict:
    """For committee/_conditions.html: the idea's conditions, today's local date, the forms this user may send."""
    refused = g.get("refused_conditions", {})  # a refused note keeps its text and shows its message
    conditions = conditions_of(idea.id)
    forms = {c.id: refused.get(c.id) or _done_form(c) for c in conditions
             if c.done_at is None and may_complete(c, current_user)}
    today = local_today(get_setting("time_zone"))
    return {"conditions": conditions, "today": today, "forms": forms, "refused": refused}


@bp.app_template_global()
def my_conditions() -> dict:
    """For committee/_my_conditions.html on the home page: open conditions the user owns, soonest due first."""
    owned = conditions_owned(current_user.id, HOME_LIST_LENGTH + 1, visible_ideas(current_user))
    return {"conditions": owned[:HOME_LIST_LENGTH], "more": len(owned) > HOME_LIST_LENGTH,
            "today": local_today(get_setting("time_zone"))}


@bp.post("/<int:condition_id>/done")
@login_required
def done(condition_id: int):
    """The owner or a committee member marks the condition done with a note; answers the list for htmx."""
    condition = db.get_or_404(Condition, condition_id)
    idea = visible_idea(condition.idea_id)
    form = ConditionDoneForm(prefix=f"condition-{condition.id}")
    if not form.validate_on_submit():
        abort(400)
    refusal = attempt(form, lambda: complete_condition(condition, current_user._get_current_object(),
                                                        form.note.data))
    if refusal is None:
        if htmx:
            return render_template(FRAGMENT, idea=idea)
        flash("Condition marked done.", "success")
        return redirect(url_for("pipeline.detail", idea_id=idea.id, _anchor="conditions"))
    g.refused_conditions = {condition.id: form}
    if htmx:
        return render_template(FRAGMENT, idea=idea), refusal.status
    return idea_page(idea.id), refusal.status
