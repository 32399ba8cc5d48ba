"""What the pilot page lists: PDSA cycles newest first, and each measure's latest observations."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ideas.database import db
from ideas.pilots.models import Observation, PdsaCycle

LATEST = 20  # observations a measure shows before "all"


def cycles_of(idea_id: int) -> list[PdsaCycle]:
    return list(db.session.scalars(select(PdsaCycle).where(PdsaCycle.idea_id == idea_id)
                                   .order_by(PdsaCycle.started_on.desc(), PdsaCycle.id.desc())))



def latest_observations(idea_id: int, every_of: int | None = None) -> dict[int, list[Observation]]:
    """Per measure, its latest observations newest first: the last 20, or all for the measure `every_of`."""
    newest_first = (Observation.observed_on.desc(), Observation.id.desc())
    ranked = select(Observation.id, func.row_number().over(partition_by=Observation.measure_id,
                                                           order_by=newest_first).label("n")
                    ).where(Observation.idea_id == idea_id).subquery()
    rows = db.session.scalars(
        select(Observation).join(ranked, ranked.c.id == Observation.id)
        .where(or_(ranked.c.n <= LATEST, Observation.measure_id == every_of))
        .options(joinedload(Observation.recorded_by)).order_by(Observation.measure_id, *newest_first))
    found: dict[int, list[Observation]] = {}
    for row in rows:
        found.setdefault(row.measure_id, []).append(row)
    return found


def observation_counts(idea_id: int) -> dict[int, int]:
    return dict(db.session.execute(select(Observation.measure_id, func.count()).where(Observation.idea_id == idea_id)
                                   .group_by(Observation.measure_id)).all())
