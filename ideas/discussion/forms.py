"""The comment form: it only carries the text; the operations validate it."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from ideas.pipeline.forms import ShowsRefusals


class CommentForm(ShowsRefusals, FlaskForm):
    version = HiddenField()
    body = TextAreaField("Comment", description="Markdown works: **bold**, *italic*, lists, links. "
                                                "Type @ and a name to mention someone who can see this idea.")
