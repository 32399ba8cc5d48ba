"""Many ideas at once, inserted in bulk (no operations, no audit events): for tests that pages stay flat."""
from datetime import timedelta
from itertools import cycle

from ideas.accounts.models import User
from ideas.board.cache import forget_all
from ideas.clock import utcnow
from ideas.committee.models import VotingRound
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import GATES, Stage
from tests.support.ideas import a_unit

# Stages to spread bulk ideas over, old and new, so every list and figure has rows.
SPREAD = (Stage.DRAFT, Stage.SUBMITTED, Stage.MENTOR_REVIEW, Stage.REVISION, Stage.COMMITTEE_REVIEW, Stage.PILOT,
          Stage.PILOT_REVIEW, Stage.SCALE_UP, Stage.ADOPTED, Stage.DECLINED)


def bulk_ideas(count: int, submitters: list[User], mentor: User | None = None) -> None:
    """`count` ideas by the submitters in turn, over SPREAD, entered their stage 0-99 days ago; committed.

    Every idea has the `mentor` (even a draft): any few of them then load the same kinds of rows, so a
    page's statements differ only if it grows with the data.

    Ideas at a committee gate get an open voting round, so they are on the agenda.
    """
    now, unit = utcnow(), a_unit()
    people, stages = cycle(submitters), cycle(SPREAD)
    rows = []
    for n in range(count):
        stage, when = next(stages), now - timedelta(days=n % 100, hours=1)
        rows.append({"title": f"Bulk idea {n}", "submitter_id": next(people).id, "unit_id": unit.id, "stage": stage,
                     "mentor_id": mentor.id if mentor else None,
                     "stage_changed_at": when, "submitted_at": when if stage != Stage.DRAFT else None,
                     "created_at": when, "updated_at": when, "safety_hold": stage == Stage.PILOT and n % 3 == 0,
                     "version": 1})
    first = db.session.execute(Idea.__table__.insert().returning(Idea.id, sort_by_parameter_order=True), rows).scalars().all()
    gated = [{"idea_id": idea_id, "gate": row["stage"], "opened_at": row["stage_changed_at"]}
             for idea_id, row in zip(first, rows) if row["stage"] in GATES]
    if gated:
        db.session.execute(VotingRound.__table__.insert(), gated)
    db.session.commit()
    forget_all()  # rows inserted without audit events: a remembered board would not know them
