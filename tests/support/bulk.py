"""Many ideas at once, inserted in bulk (no operations, no audit events): for tests that pages stay flat."""
from datetime import timedelta
from itertools import cycle

from sqlalchemy import select

from ideas.accounts.models import Unit, User
from ideas.accounts.units import create_site, create_unit
from ideas.remembered import forget_all
from ideas.clock import utcnow
from ideas.committee.models import VotingRound
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import GATES, Stage
from ideas.spread.models import SustainmentCheck, TargetUnit
from ideas.spread.rules import CheckAnswer, UnitStatus, check_due_dates
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


def bulk_spread() -> None:
    """Target units on two sites for every idea at scale-up or adopted that has none, one in each status, and
    the adopted unit's three checks (one answered, one missed); inserted in bulk, committed."""
    home = a_unit()
    other = db.session.scalar(select(Unit).where(Unit.site_id != home.site_id).limit(1)) or \
        create_unit(create_site("Hillside Community Hospital"), "Rose Ward")
    targeted = select(TargetUnit.idea_id)
    ideas = db.session.scalars(select(Idea.id).where(Idea.stage.in_((Stage.SCALE_UP, Stage.ADOPTED)),
                                                     Idea.id.not_in(targeted))).all()
    today = utcnow().date()
    units = [{"idea_id": idea_id, "unit_id": unit.id, "status": status, "notes": "", "adaptations": "", "version": 1,
              "adopted_on": today - timedelta(days=100) if status == UnitStatus.ADOPTED else None}
             for idea_id in ideas for unit, status in ((home, UnitStatus.ADOPTED), (other, UnitStatus.IN_PROGRESS))]
    if not units:
        return
    ids = db.session.execute(TargetUnit.__table__.insert().returning(TargetUnit.id, sort_by_parameter_order=True),
                             units).scalars().all()
    checks = [{"idea_id": row["idea_id"], "target_unit_id": unit_id, "day": day, "due_on": due_on, "note": "",
               "version": 1, "answer": CheckAnswer.YES if day == 30 else None,
               "answered_at": utcnow() if day == 30 else None, "missed_at": utcnow() if day == 90 else None}
              for unit_id, row in zip(ids, units) if row["adopted_on"]
              for day, due_on in check_due_dates(row["adopted_on"])]
    db.session.execute(SustainmentCheck.__table__.insert(), checks)
    db.session.commit()
