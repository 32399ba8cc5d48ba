"""The timeline as the idea page asks for it: filter and page from the query string."""
from flask import request
from flask_login import current_user

from ideas.database import BIGINT_MAX
from ideas.pipeline.models import Idea
from ideas.timeline.entries import Kind
from ideas.timeline.queries import Timeline, idea_timeline
from ideas.web import number_arg


def requested_timeline(idea: Idea) -> Timeline:
    kind = request.args.get("kind", Kind.ALL)
    before, after = number_arg("before", BIGINT_MAX), number_arg("after", BIGINT_MAX)
    return idea_timeline(idea, current_user, Kind(kind) if kind in set(Kind) else Kind.ALL,
                         before=before, after=after if before is None else None)
