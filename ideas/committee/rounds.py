"""Voting rounds follow the pipeline: reaching a gate opens one, leaving it closes it with the action."""
from ideas.audit import record
from ideas.clock import utcnow
from ideas.committee.models import VotingRound
from ideas.committee.queries import open_round
from ideas.committee.snapshot import freeze
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import GATES, Stage

FREEZES = frozenset({"approve_pilot", "approve_scale_up"})


def on_transition(idea: Idea, *, action: str, source: Stage, target: Stage, **_) -> VotingRound | None:
    """Close the round the idea leaves, freeze the plan an approval approves, open the next gate's round."""
    if source in GATES and (closing := open_round(idea.id)) is not None:
        closing.closed_at, closing.outcome = utcnow(), action
        db.session.flush()
        if action in FREEZES:
            freeze(idea, closing)
    if target not in GATES:
        return None
    opened = VotingRound(idea_id=idea.id, gate=target, opened_at=utcnow())
    db.session.add(opened)
    db.session.flush()
    record("round.opened", entity=opened, changes={"gate": (None, str(target))})
    return opened
