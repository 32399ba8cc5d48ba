"""The home page: what waits for each of the user's roles."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("home/index.html", roles=sorted(current_user.roles))
