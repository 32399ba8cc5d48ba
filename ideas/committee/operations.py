"""The only code that changes the committee's data: votes, recusals, gate decisions with their
conditions, conditions done, meetings. Each checks the rules, validates every field before it sets
any, records its audit events and flushes; the caller commits once."""
from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ideas.accounts.models import Role, Unit, User
from ideas.accounts.reauth import reauthenticate
from ideas.audit import record
from ideas.clock import local_today, utcnow
from ideas.committee.models import CommitteeVote, Condition, Meeting, Recusal, VotingRound
from ideas.committee.queries import open_round
from ideas.committee.tally import Vote
from ideas.database import db, parse_int
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.identifier_guard import guarded_text
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import Transition, check_vote
from ideas.settings import get_setting
from ideas.spread.operations import add_target_units

LABELS = {"vote": "Your vote", "comment": "Comment", "reason": "Reason", "text": "Condition",
          "owner": "Owner", "due_on": "Due date", "note": "Note", "title": "Title", "held_on": "Date",
          "minutes": "Minutes", "attendees": "Attendance", "meeting": "Meeting"}
TEXT_LENGTH, MAX_CONDITIONS, MAX_TARGET_UNITS = 4000, 10, 500
VOTE_MEANING = {Vote.APPROVE: "voted to approve", Vote.REJECT: "voted to reject", Vote.ABSTAIN: "abstained"}


def text(name: str, value: object, required: str | None = None, max_length: int = TEXT_LENGTH,
         label: str | None = None) -> str:
    """Free text, trimmed and free of patient identifiers; `required` is the message when empty."""
    return guarded_text(name, value, label or LABELS[name], required, max_length)


def a_date(name: str, value: object, label: str | None = None) -> date:
    label = label or LABELS[name]
    if isinstance(value, date):
        return value
    if value in (None, ""):
        raise Invalid(f"{label}: give a date.", field=name)
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(f"{label}: give a date as YYYY-MM-DD.", field=name) from None


def _committee(actor: User, what: str) -> None:
    if not actor.has_role(Role.COMMITTEE):
        raise Forbidden(f"Only committee members {what}.")


# --- votes and recusals -----------------------------------------------------------------------------

def cast_vote(idea: Idea, member: User, vote: object, comment: object, password: object) -> CommitteeVote:
    """A signed vote in the idea's open round: approve, reject or abstain, with a comment."""
    if vote not in Vote._value2member_map_:
        raise Invalid("Your vote: choose approve, reject or abstain.", field="vote")
    vote = Vote(vote)
    comment = text("comment", comment)
    current = open_round(idea.id, lock=True)  # votes and decisions on one idea take turns
    check_vote(idea_facts(idea), actor_facts(member))
    meaning = reauthenticate(member, password, VOTE_MEANING[vote], idea)
    cast = CommitteeVote(round_id=current.id, idea_id=idea.id, member_id=member.id, vote=vote, comment=comment)
    db.session.add(cast)
    try:
        db.session.flush()
    except IntegrityError:  # the same member voting twice at the same moment
        raise Conflict("You have already voted in this round; a signed vote is not changed.", field="vote") from None
    # The comment is the event's reason: the idea's team sees it, without who voted what.
    record("vote.cast", entity=cast, changes={"vote": (None, str(vote)), "gate": (None, str(current.gate))},
           reason=comment or None, meaning=meaning, actor=member)
    return cast


def recuse(idea: Idea, member: User, reason: object) -> Recusal:
    """A member declares a conflict of interest: from now on they do not vote or decide on the idea."""
    _committee(member, "declare a conflict on committee business")
    reason = text("reason", reason, "Reason: say what the conflict of interest is.")
    if member.id in idea_facts(idea).committee.recused_ids:
        raise Conflict("You have already declared a conflict on this idea.", field="reason")
    recusal = Recusal(idea_id=idea.id, member_id=member.id, reason=reason)
    db.session.add(recusal)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict("You have already declared a conflict on this idea.", field="reason") from None
    record("committee.recused", entity=recusal, changes={"member_id": (None, member.id)}, reason=reason,
           actor=member)
    return recusal


# --- gate decisions ---------------------------------------------------------------------------------

def decide(idea: Idea, member: User, action: str, expected_version: object, password: object = None,
           reason: object = None, risk_acceptance: object = None,
           conditions: Iterable[Mapping[str, object]] = (), target_units: object = None) -> Transition:
    """A committee decision through the pipeline's rules: at a gate approve_pilot (with conditions), decline,
    return_to_mentor, approve_scale_up (naming target units), extend_pilot or stop; stop also while the pilot
    runs or spreads. Every field is checked before anything is set."""
    current = open_round(idea.id, lock=True)
    wanted = [c for c in conditions if any(str(v or "").strip() for v in c.values())]
    if wanted and action not in ("approve_pilot", "approve_scale_up"):
        raise Invalid("Conditions: only an approval carries conditions.", field="conditions")
    if target_units is not None and action != "approve_scale_up":
        raise Invalid("Target units: only an approved scale-up names them.", field="target_units")
    checked = _conditions(idea, wanted)
    units = _units(target_units) if action == "approve_scale_up" else []
    row = apply_action(idea, member, action, expected_version, password=password, reason=reason,
                       risk_acceptance=risk_acceptance, target_units=[u.id for u in units] or None)
    add_target_units(idea, member, [u.id for u in units])
    for values in checked:
        condition = Condition(idea_id=idea.id, round_id=current.id, **values)
        db.session.add(condition)
        db.session.flush()
        record("condition.added", entity=condition, actor=member,
               changes={"text": (None, values["text"]), "owner_id": (None, values["owner_id"]),
                        "due_on": (None, values["due_on"].isoformat())})
    return row


def _units(value: object) -> list[Unit]:
    """The target units by id (any site), each once; Invalid naming the field when one is not a unit."""
    if isinstance(value, str | int):
        value = [value]
    ids = [parse_int(v) for v in value or ()]
    if not ids:
        raise Invalid("Target units: name at least one unit the change spreads to.", field="target_units")
    if None in ids or len(ids) > MAX_TARGET_UNITS:
        raise Invalid("Target units: choose units from the list.", field="target_units")
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    if len(found) != len(set(ids)):
        raise Invalid("Target units: a unit you chose no longer exists; choose again from the list.",
                      field="target_units")
    return [found[i] for i in dict.fromkeys(ids)]


def _conditions(idea: Idea, wanted: list[Mapping[str, object]]) -> list[dict]:
    if len(wanted) > MAX_CONDITIONS:
        raise Invalid(f"Conditions: at most {MAX_CONDITIONS}.", field="conditions")
    today = local_today(get_setting("time_zone"))
    checked = []
    for number, values in enumerate(wanted, start=1):
        label = f"Condition {number}"
        condition_text = text("text", values.get("text"), f"{label}: say what must be done.", 1000, label)
        owner = _active_user(values.get("owner"), f"{label}: choose who owns it.")
        due_on = a_date("due_on", values.get("due_on"), f"{label}, due date")
        if due_on < today:
            raise Invalid(f"{label}, due date: choose today or a later day.", field="due_on")
        checked.append({"text": condition_text, "owner_id": owner.id, "due_on": due_on})
    return checked


def _active_user(value: object, message: str) -> User:
    user_id = parse_int(value)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        raise Invalid(message, field="owner")
    return user


def may_complete(condition: Condition, user: User) -> bool:
    """Whether this user marks the condition done: its owner or a committee member (done or not)."""
    return condition.owner_id == user.id or user.has_role(Role.COMMITTEE)


def complete_condition(condition: Condition, actor: User, note: object) -> None:
    """The owner (or a committee member) marks a condition done, with a note."""
    if not may_complete(condition, actor):
        raise Forbidden("Only the condition's owner or a committee member marks it done.")
    note = text("note", note, "Note: say how the condition was met.")
    if condition.done_at is not None:
        raise Conflict("This condition was already marked done.", field="note")
    updated = db.session.execute(
        Condition.__table__.update().where(Condition.id == condition.id, Condition.done_at.is_(None))
        .values(done_at=utcnow(), done_by_id=actor.id, done_note=note))
    if updated.rowcount != 1:
        raise Conflict("This condition was just marked done by someone else.", field="note")
    db.session.refresh(condition)
    record("condition.done", entity=condition, reason=note, actor=actor,
           changes={"done": (False, True), "done_note": (None, note)})


# --- meetings and the agenda --------------------------------------------------------------------------

def _meeting_values(fields: Mapping[str, object]) -> dict:
    return {"title": text("title", fields.get("title"), "Title: name the meeting.", 200),
            "held_on": a_date("held_on", fields.get("held_on"))}


def create_meeting(actor: User, fields: Mapping[str, object]) -> Meeting:
    _committee(actor, "arrange committee meetings")
    meeting = Meeting(**_meeting_values(fields))
    db.session.add(meeting)
    db.session.flush()
    record("meeting.created", entity=meeting, actor=actor,
           changes={"title": (None, meeting.title), "held_on": (None, meeting.held_on.isoformat())})
    return meeting


def update_meeting(meeting: Meeting, actor: User, fields: Mapping[str, object], expected_version: object) -> dict:
    """Title, date, minutes and attendance (committee members), saved together at the version the form had."""
    _committee(actor, "keep the committee's minutes")
    values = {**_meeting_values(fields), "minutes": text("minutes", fields.get("minutes"), max_length=20000)}
    attendees = _members(fields.get("attendees") or [])
    if (expected := parse_int(expected_version, 0)) is None:
        raise Invalid("The form is missing its version; reload the page.", field="version")
    if expected != meeting.version:
        raise Conflict("Someone else saved this meeting while you had it open. Nothing of yours was saved; "
                       "your text is still here.", field="version")
    changes = {name: (getattr(meeting, name), new) for name, new in values.items() if getattr(meeting, name) != new}
    old_ids, new_ids = sorted(u.id for u in meeting.attendees), sorted(u.id for u in attendees)
    if old_ids != new_ids:
        changes["attendees"] = (old_ids, new_ids)
    if not changes:
        return {}
    with db.session.no_autoflush:
        for name, value in values.items():
            setattr(meeting, name, value)
        meeting.attendees = attendees
        meeting.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict("Someone else saved this meeting at the same moment. Nothing of yours was saved.",
                       field="version") from None
    record("meeting.updated", entity=meeting, actor=actor,
           changes={k: (v[0].isoformat(), v[1].isoformat()) if k == "held_on" else v for k, v in changes.items()})
    return changes


def _members(ids) -> list[User]:
    if isinstance(ids, str | int):
        ids = [ids]
    wanted = {parse_int(i) for i in ids}
    if None in wanted:
        raise Invalid("Attendance: choose committee members from the list.", field="attendees")
    found = [u for u in db.session.scalars(select(User).where(User.id.in_(wanted))) if u.has_role(Role.COMMITTEE)]
    if len(found) != len(wanted):
        raise Invalid("Attendance: choose committee members from the list.", field="attendees")
    return found


def schedule(round_: VotingRound, meeting: Meeting | None, actor: User) -> None:
    """Put an open round (an agenda item) on a meeting's agenda, or take it off."""
    _committee(actor, "set the agenda")
    if round_.closed_at is not None:
        raise Invalid("That item was already decided; it is no longer on the agenda.", field="meeting")
    before = round_.meeting_id
    new = meeting.id if meeting else None
    if before == new:
        return
    round_.meeting_id = new
    db.session.flush()
    record("agenda.scheduled", entity=round_, actor=actor, changes={"meeting_id": (before, new)})



# --- conditions handed over -----------------------------------------------------------------------------

def reassign_condition(condition: Condition, actor: User, successor: User, reason: object) -> None:
    """An administrator or committee member gives an open condition to another owner, with a reason."""
    if not actor.has_role(Role.ADMIN, Role.COMMITTEE):
        raise Forbidden("Only an administrator or a committee member reassigns a condition.")
    reason = text("reason", reason, "Reason: say why the condition changes owner.")
    if successor is None or not successor.active:
        raise Invalid("Owner: choose an active person to own the condition.", field="owner")
    if condition.done_at is not None:
        raise Conflict("This condition was already marked done; it keeps its owner.", field="owner")
    before = condition.owner_id
    if before == successor.id:
        return
    condition.owner = successor
    db.session.flush()
    record("condition.reassigned", entity=condition, actor=actor, reason=reason,
           changes={"owner_id": (before, successor.id)})
