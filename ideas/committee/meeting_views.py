"""Committee meetings: date, attendance, minutes, and the agenda items assigned to each."""
from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/committee/meetings")
