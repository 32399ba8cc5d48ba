"""The timeline as the idea page asks for it: filter and page from the query string."""
from flask import request
from flask_login import current_user

from ideas.pipeline.models import Idea
from ideas.timeline.entries import Kind
from ideas.timeline.queries import Timeline, idea_timeline


def requested_timeline(idea: Idea) -> Timeline:
    kind = request.args.get("kind", Kind.ALL)
    before, after = request.args.get("before", ""), request.args.get("after", "")
    return idea_timeline(idea, current_user, Kind(kind) if kind in set(Kind) else Kind.ALL,
                         before=int(before) if before.isdigit() else None,
                         after=int(after) if after.isdigit() and not before.isdigit() else None)
