"""Conditions of approval: on the idea, on the owner's home page, marked done with a note."""
from flask import Blueprint

bp = Blueprint("conditions", __name__, url_prefix="/conditions")
