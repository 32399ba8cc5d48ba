"""Reading a scale-up's target units and sustainment checks for pages, home pages and rules."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from ideas.accounts.models import Role, Site, Unit, User
from ideas.clock import local_today
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.settings import get_setting
from ideas.spread.access import CHECKS_OPEN
from ideas.spread.models import SustainmentCheck, TargetUnit
from ideas.spread.rules import DUE_SOON_DAYS, Progress, SpreadFacts, UnitRow, UnitStatus, progress

HOME_LIMIT = 10  # checks of each kind on a home page, soonest due first


def spread_facts(idea_id: int) -> SpreadFacts:
    """How many target units adopted, and how many of those have no sustainment owner (one query)."""
    adopted = TargetUnit.status == UnitStatus.ADOPTED
    count, ownerless = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((TargetUnit.sustainment_owner_id.is_(None), 1), else_=0)), 0))
        .where(TargetUnit.idea_id == idea_id, adopted)).one()
    return SpreadFacts(adopted_units=count, adopted_without_owner=ownerless)


def target_units(idea_id: int) -> list[TargetUnit]:
    """The idea's target units by site and unit name, with their people and checks loaded."""
    return list(db.session.scalars(
        select(TargetUnit).join(Unit, Unit.id == TargetUnit.unit_id).join(Site, Site.id == Unit.site_id)
        .where(TargetUnit.idea_id == idea_id)
        .options(joinedload(TargetUnit.unit).joinedload(Unit.site), joinedload(TargetUnit.lead),
                 joinedload(TargetUnit.sustainment_owner))
        .order_by(Site.name, Unit.name)))


def checks_by_unit(idea_id: int) -> dict[int, list[SustainmentCheck]]:
    """Each target unit's sustainment checks, day 30 first."""
    found: dict[int, list[SustainmentCheck]] = {}
    for check in db.session.scalars(select(SustainmentCheck).where(SustainmentCheck.idea_id == idea_id)
                                    .options(joinedload(SustainmentCheck.answered_by))
                                    .order_by(SustainmentCheck.target_unit_id, SustainmentCheck.day)):
        found.setdefault(check.target_unit_id, []).append(check)
    return found


def spread_progress(units: list[TargetUnit]) -> Progress:
    return progress([UnitRow(UnitStatus(u.status), u.unit.site.name) for u in units])


def active_people() -> list[User]:
    """Every active user by name: who may lead a unit's adoption or own its sustainment."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name, User.id)))


@dataclass(frozen=True)
class Sustainment:
    """For the home page: missed checks (the owner's, or every one for the committee) and the owner's due soon."""

    missed: list[SustainmentCheck]
    due_soon: list[SustainmentCheck]
    today: date


def _open_checks():
    return (select(SustainmentCheck).join(TargetUnit, TargetUnit.id == SustainmentCheck.target_unit_id)
            .join(Idea, Idea.id == SustainmentCheck.idea_id)
            .where(SustainmentCheck.answered_at.is_(None), Idea.stage.in_(CHECKS_OPEN))
            .options(joinedload(SustainmentCheck.target_unit).joinedload(TargetUnit.unit),
                     joinedload(SustainmentCheck.target_unit).joinedload(TargetUnit.sustainment_owner),
                     joinedload(SustainmentCheck.idea))
            .order_by(SustainmentCheck.due_on, SustainmentCheck.id).limit(HOME_LIMIT))


def sustainment_for(user: User) -> Sustainment:
    """The checks the home page lists for this user (at most HOME_LIMIT of each kind)."""
    today = local_today(get_setting("time_zone"))
    owned = TargetUnit.sustainment_owner_id == user.id
    missed = _open_checks().where(SustainmentCheck.missed_at.is_not(None))
    if not user.has_role(Role.COMMITTEE):
        missed = missed.where(owned)
    due_soon = _open_checks().where(owned, SustainmentCheck.missed_at.is_(None),
                                    SustainmentCheck.due_on <= today + timedelta(days=DUE_SOON_DAYS))
    return Sustainment(list(db.session.scalars(missed)), list(db.session.scalars(due_soon)), today)
