"""Open conditions a person owns are open work: when they leave, an administrator hands each over."""
from flask_login import current_user

from ideas.accounts.handover import WorkItem, WorkProvider, register_work_provider
from ideas.accounts.models import Role, User
from ideas.committee.models import Condition
from ideas.committee.operations import reassign_condition
from ideas.committee.queries import conditions_owned
from ideas.database import db

SUMMARY_LENGTH = 80


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= SUMMARY_LENGTH else line[:SUMMARY_LENGTH - 1].rstrip() + "…"


def _conditions_owned_by(owner: User) -> list[WorkItem]:
    return [WorkItem(kind="conditions_owned", ref=c.id,
                     summary=f"Condition on “{c.idea.title}”: {_short(c.text)} (due {c.due_on:%d %b %Y})",
                     successor_role=Role.COMMITTEE,
                     released=f"The condition on “{c.idea.title}” stays with its leaving owner until reassigned.")
            for c in conditions_owned(owner.id)]


def _hand_over_condition(item: WorkItem, successor: User | None, reason: str | None) -> str:
    if successor is None:
        return item.released
    condition = db.session.get(Condition, item.ref)
    reassign_condition(condition, current_user._get_current_object(), successor,
                       reason or "Handed over when the previous owner left.")
    return f"{successor.name} now owns the condition on “{condition.idea.title}”."


register_work_provider(WorkProvider("conditions_owned", _conditions_owned_by, _hand_over_condition))
