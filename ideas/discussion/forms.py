"""The comment form: it only carries the text; the operations validate it."""
from wtforms import HiddenField, TextAreaField

from ideas.forms import WebForm
from ideas.pipeline.forms import ShowsRefusals


class CommentForm(ShowsRefusals, WebForm):
    version = HiddenField()
    body = TextAreaField("Comment", description="Markdown works: **bold**, *italic*, lists, links. "
                                                "Type @ and a name to mention someone who can see this idea.")
