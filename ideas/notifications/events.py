"""Who hears of what happens to an idea: receivers of the workflow core's announcements (SPEC "Notifications").

Each runs inside the transaction of the event; `notify` leaves out the actor, deactivated people and
anyone who may not see the idea.
"""
from ideas.accounts.models import Role, User
from ideas.accounts.queries import active_users_with
from ideas.accounts.signals import two_factor_reset
from ideas.database import db
from ideas.notifications.operations import idea_label, notify
from ideas.pipeline.models import Idea
from ideas.pipeline.signals import (
    co_author_invited,
    comment_posted,
    idea_transitioned,
    safety_hold_cleared,
    safety_hold_placed,
)
from ideas.pipeline.workflow import GATES, Stage

DECISIONS = frozenset({"decline", "return_to_mentor", "approve_pilot", "extend_pilot", "approve_scale_up", "stop",
                       "mark_adopted"})


def team(idea: Idea) -> list[User]:
    return [idea.submitter, *idea.co_authors]


def mentor_of(idea: Idea) -> User | None:
    """The assigned mentor as now set (the relationship may still hold the one loaded before a claim)."""
    return db.session.get(User, idea.mentor_id) if idea.mentor_id else None


def _by(actor: User | None) -> str:
    return f" by {actor.name}" if actor is not None else ""


@idea_transitioned.connect
def transitioned(idea: Idea, *, action: str, target: Stage, actor: User | None, **_) -> None:
    label = idea_label(idea)
    if action == "submit":
        notify("submitted", active_users_with(Role.MENTOR), f"{label} was submitted{_by(actor)}", idea=idea,
               actor=actor)
    elif action == "start_review":
        mentor = mentor_of(idea)
        notify("claimed", [*team(idea), mentor], f"{mentor.name} started reviewing {label}", idea=idea, actor=actor)
    elif action == "request_changes":
        notify("changes_requested", team(idea), f"Changes were requested to {label}{_by(actor)}", idea=idea,
               actor=actor)
    elif action == "resubmit":
        notify("resubmitted", [mentor_of(idea)], f"{label} was resubmitted{_by(actor)}", idea=idea, actor=actor)
    elif action == "recommend":
        notify("recommended", active_users_with(Role.COMMITTEE), f"{label} was recommended to the committee"
               f"{_by(actor)}", idea=idea, actor=actor)
    elif action == "reapprove":
        notify("reapproval", active_users_with(Role.COMMITTEE), f"The approved plan of {label} changed during its "
               "pilot: it needs re-approval", idea=idea, actor=actor)
    elif target in GATES:
        notify("vote_needed", active_users_with(Role.COMMITTEE), f"{label} waits for the committee's vote",
               idea=idea, actor=actor)
    if action in DECISIONS:
        notify("decision", [*team(idea), mentor_of(idea)], f"Decision on {label}: now {target.label.lower()}"
               f"{_by(actor)}", idea=idea, actor=actor)


@comment_posted.connect
def mentioned(idea: Idea, *, comment, actor: User, mentioned: list[User], **_) -> None:
    notify("mention", mentioned, f"{actor.name} mentioned you in a comment on {idea_label(idea)}", idea=idea,
           actor=actor, comment_id=comment.id)


@safety_hold_placed.connect
def held(idea: Idea, **_) -> None:
    notify("safety_hold", [*team(idea), mentor_of(idea), *active_users_with(Role.COMMITTEE)],
           f"{idea_label(idea)} is on safety hold: a stop rule tripped", idea=idea)


@safety_hold_cleared.connect
def released(idea: Idea, *, actor: User, **_) -> None:
    notify("safety_hold", [*team(idea), mentor_of(idea)], f"The safety hold on {idea_label(idea)} was cleared"
           f"{_by(actor)}", idea=idea, actor=actor)


@co_author_invited.connect
def invited(idea: Idea, *, actor: User, invited: User, **_) -> None:
    notify("invitation", [invited], f"{actor.name} invited you to co-author {idea_label(idea)}", idea=idea,
           actor=actor)


@two_factor_reset.connect
def second_factor_reset(user: User, **_) -> None:
    notify("two_factor_reset", [user], "Your two-step sign-in was reset by an administrator")
