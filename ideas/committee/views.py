"""The committee's pages: the agenda, an idea's review pack, votes, recusals and gate decisions."""
from flask import Blueprint

bp = Blueprint("committee", __name__, url_prefix="/committee")
