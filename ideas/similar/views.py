"""The similar-ideas fragment the idea form asks for as the mentee types."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ideas.similar.search import similar_ideas
from ideas.web import number_arg

bp = Blueprint("similar", __name__, url_prefix="/ideas")


@bp.get("/similar")
@login_required
def suggestions():
    """Up to five ideas the user may see that read like the title and problem being written."""
    title, problem = (request.args.get(name, "")[:5000] for name in ("title", "problem"))
    found = similar_ideas(current_user, title, problem, number_arg("idea_id"))
    return render_template("similar/_results.html", ideas=found)
