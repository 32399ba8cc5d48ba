"""The only code that creates ideas, edits them and moves them along the pipeline.

Each operation checks the rules (workflow.py), changes the idea, writes its audit events, announces
what happened (signals.py: the features subscribe) and flushes; the caller commits once. Nothing else
assigns `idea.stage`.
"""
from collections.abc import Iterable, Mapping

from sqlalchemy import exists, select
from sqlalchemy.orm.exc import StaleDataError

from ideas.accounts.models import Role, Unit, User
from ideas.accounts.reauth import reauthenticate
from ideas.audit import SYSTEM, record, record_refusal
from ideas.audit.models import AuditEvent
from ideas.clock import utcnow
from ideas.database import db, parse_int
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pipeline.co_authors import co_author_emails, name_co_authors, named_emails, record_invitations
from ideas.pipeline.facts import FREE_TEXT, actor_facts, idea_facts
from ideas.pipeline.identifier_guard import find_identifiers, identifiers_message
from ideas.pipeline.models import Benefit, Category, Idea, IdeaBenefit, IdeaTag
from ideas.pipeline.signals import idea_edited, idea_transitioned, safety_hold_cleared, safety_hold_placed
from ideas.pipeline.workflow import (
    FIELD_LABELS,
    GATES,
    Stage,
    Transition,
    Who,
    can_edit,
    check,
    check_hold,
    check_mentor_change,
    transition_for,
)
from ideas.review.models import Measure

MAX_LENGTH = {"title": 200, "problem": 5000, "proposed_change": 5000, "expected_benefit": 5000,
              "evidence": 5000, "resources": 3000}
MAX_TAGS, MAX_TAG_LENGTH = 12, 40
EDITABLE_FIELDS = (*FREE_TEXT, "category", "unit", "benefits", "tags", "co_authors")


def create_draft(actor: User, fields: Mapping[str, object] | None = None) -> Idea:
    """A new draft by this mentee, with whatever fields they have filled so far."""
    if not actor.has_role(Role.MENTEE):
        raise Forbidden("Only mentees write ideas; ask an administrator for the mentee role.")
    idea = Idea(submitter=actor, stage=Stage.DRAFT)
    changes = {name: (None, new) for name, (_, new) in _assign(idea, actor, fields or {}).items()}
    db.session.add(idea)
    db.session.flush()
    record("idea.created", entity=idea, idea_id=idea.id, changes=changes, actor=actor)
    record_invitations(idea, actor, changes)
    return idea


def save_draft(idea: Idea, actor: User, fields: Mapping[str, object], expected_version: object) -> dict:
    """Save the team's edits to a draft or an idea back with them for revision; returns what changed."""
    _expect_version(idea, expected_version)
    if not can_edit(idea_facts(idea), actor_facts(actor)):
        if idea.stage not in (Stage.DRAFT, Stage.REVISION):
            raise Invalid(f"The idea is {Stage(idea.stage).label.lower()} and can no longer be edited.")
        raise Forbidden("Only the idea's submitter and co-authors can edit it.")
    changes = _assign(idea, actor, fields)
    if changes:
        idea.updated_at = utcnow()  # bumps the version even when only co-authors, tags or benefits changed
        _flush(idea)
        record("idea.edited", entity=idea, idea_id=idea.id, changes=changes, actor=actor)
        record_invitations(idea, actor, changes)
        idea_edited.send(idea, actor=actor, changes=changes)
    return changes


def apply_action(idea: Idea, actor: User | None, action: str, expected_version: object,
                 password: object = None, **inputs: object) -> Transition:
    """Move the idea by one row of the pipeline table, or raise the refusal; `actor=None` is the system.

    A gate decision (`row.signed`) needs the actor's password again; a member refused at a gate
    is audited as a denied gate action.
    """
    _expect_version(idea, expected_version)
    try:
        row = check(action, idea_facts(idea), actor_facts(actor), inputs)
    except Forbidden as refusal:
        if actor is not None and idea.stage in GATES and transition_for(action, idea.stage).who & {Who.COMMITTEE}:
            record_refusal("gate.denied", entity=idea, reason=f"{action}: {refusal.message}", actor=actor)
        raise
    meaning = reauthenticate(actor, password, row.signed, idea) if row.signed else None
    if action == "start_review" and inputs.get("mentor") is not None:
        _active_mentor(inputs["mentor"])
    source = Stage(idea.stage)
    before = {"stage": str(idea.stage), "mentor_id": idea.mentor_id}
    now = utcnow()
    idea.stage = row.target
    idea.stage_changed_at = now
    if action == "submit":
        idea.submitted_at = now
    if action == "start_review":
        idea.mentor_id = inputs.get("mentor") or actor.id
    _flush(idea)
    after = {"stage": str(idea.stage), "mentor_id": idea.mentor_id}
    changes = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    # Only the texts this action asks for were checked (and guarded): only they reach the trail.
    reason = next((inputs[name].strip() for name in row.inputs
                   if name != "mentor" and isinstance(inputs.get(name), str) and inputs[name].strip()), None)
    record("idea.transition", entity=idea, idea_id=idea.id, changes=changes, reason=reason, meaning=meaning,
           actor=actor or SYSTEM)
    idea_transitioned.send(idea, action=action, source=source, target=row.target, actor=actor,
                           inputs={name: inputs[name] for name in row.inputs if name in inputs})
    return row


def place_safety_hold(idea: Idea, reason: str, *, measure: Measure | None = None) -> bool:
    """The system holds the idea for a stop rule's trip (a reason already recorded is not recorded again)."""
    check_hold("place_safety_hold", idea_facts(idea), actor_facts(None), {"reason": reason})
    reason = reason.strip()
    if db.session.scalar(select(exists().where(AuditEvent.idea_id == idea.id, AuditEvent.reason == reason,
                                               AuditEvent.action == "idea.safety_hold_placed"))):
        return False
    changes = {} if idea.safety_hold else {"safety_hold": (False, True)}
    if measure is not None:
        changes["measure_id"] = (None, measure.id)  # which measure tripped, for a query; the reason names it
    idea.safety_hold = True
    _flush(idea)
    record("idea.safety_hold_placed", entity=idea, idea_id=idea.id, changes=changes, reason=reason, actor=SYSTEM)
    safety_hold_placed.send(idea, reason=reason)
    return True


def clear_safety_hold(idea: Idea, actor: User, reason: object) -> None:
    """An eligible committee member clears the hold, saying why (SPEC "Stop rules")."""
    check_hold("clear_safety_hold", idea_facts(idea), actor_facts(actor), {"reason": reason})
    idea.safety_hold = False
    _flush(idea)
    record("idea.safety_hold_cleared", entity=idea, idea_id=idea.id, changes={"safety_hold": (True, False)},
           reason=reason.strip(), actor=actor)
    safety_hold_cleared.send(idea, actor=actor, reason=reason.strip())


def reassign_mentor(idea: Idea, actor: User, mentor_id: int | None, reason: str | None,
                    expected_version: object) -> None:
    """An administrator gives the idea another mentor, with a reason (SPEC "People and roles")."""
    _expect_version(idea, expected_version)
    check_mentor_change(idea_facts(idea), actor_facts(actor), mentor_id, reason)
    _active_mentor(mentor_id)
    before = idea.mentor_id
    idea.mentor_id = mentor_id
    _flush(idea)
    record("idea.mentor_reassigned", entity=idea, idea_id=idea.id, changes={"mentor_id": (before, mentor_id)},
           reason=reason.strip(), actor=actor)


def _expect_version(idea: Idea, expected: object) -> None:
    if (expected := parse_int(expected, 0)) is None:
        raise Invalid("The form is missing the idea's version; reload the page.", field="version")
    if expected != idea.version:
        raise Conflict(f"Someone else changed this idea while you had it open (it is now at version "
                       f"{idea.version}, you had version {expected}). Nothing of yours was saved.",
                       field="version")


def _flush(idea: Idea) -> None:
    """Flush, turning a lost race on the version into a conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict("Someone else changed this idea at the same moment. Nothing of yours was saved.",
                       field="version") from None


def _active_mentor(mentor_id: int) -> None:
    user = db.session.get(User, mentor_id)
    if user is None or not user.active or not user.has_role(Role.MENTOR):
        raise Invalid("Choose an active mentor.", field="mentor")


def _assign(idea: Idea, actor: User, fields: Mapping[str, object]) -> dict:
    """Validate every given field, then set them; returns {field: (old, new)} of what changed."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(f"These cannot be set here: {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    new = {name: _clean(name, value, idea, actor) for name, value in fields.items()}
    old = {name: _current(idea, name) for name in new}
    changed = {name: (old[name], new[name]) for name in new if (old[name] or None) != (new[name] or None)}
    with db.session.no_autoflush:  # one UPDATE, so one version step, however many fields changed
        for name, (_, value) in changed.items():
            _set(idea, name, value)
    return changed


def _current(idea: Idea, name: str) -> object:
    if name == "unit":
        return idea.unit_id
    if name == "benefits":
        return sorted(idea.benefits)
    if name == "co_authors":
        return named_emails(idea)
    value = getattr(idea, name)
    return str(value) if isinstance(value, Category) else value


def _set(idea: Idea, name: str, value: object) -> None:
    if name == "unit":
        idea.unit_id = value
    elif name == "benefits":
        idea.benefit_rows = [IdeaBenefit(benefit=Benefit(b)) for b in value]
    elif name == "tags":
        idea.tag_rows = [IdeaTag(tag=tag) for tag in value]
    elif name == "co_authors":
        name_co_authors(idea, value)
    elif name == "category":
        idea.category = Category(value) if value else None
    else:
        setattr(idea, name, value)


def _text(name: str, value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(f"{FIELD_LABELS[name]}: expected text.", field=name)
    return value.replace("\r\n", "\n").replace("\x00", "").strip()


def _guarded(name: str, text: str) -> str:
    findings = find_identifiers(text, name)
    if findings:
        raise Invalid(identifiers_message(findings, {name: FIELD_LABELS[name]}), field=name)
    return text


def _items(name: str, value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise Invalid(f"{FIELD_LABELS[name]}: expected a list of text.", field=name)
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def _clean(name: str, value: object, idea: Idea, actor: User) -> object:
    """The field's value as stored, or Invalid naming the field."""
    label = FIELD_LABELS[name]
    if name in MAX_LENGTH:
        text = _text(name, value)
        if len(text) > MAX_LENGTH[name]:
            raise Invalid(f"{label}: keep it to {MAX_LENGTH[name]} characters (it has {len(text)}).", field=name)
        return _guarded(name, text)
    if name == "category":
        text = _text(name, value)
        if text and text not in Category._value2member_map_:
            raise Invalid(f"{label}: choose one from the list.", field=name)
        return text or None
    if name == "unit":
        return _unit_id(value)
    if name == "benefits":
        chosen = _items(name, value)
        if not set(chosen) <= set(Benefit._value2member_map_):
            raise Invalid(f"{label}: choose from the listed benefits.", field=name)
        return sorted(chosen)
    if name == "tags":
        tags = sorted({tag.lower() for tag in _items(name, value)})
        if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
            raise Invalid(f"{label}: up to {MAX_TAGS} tags of at most {MAX_TAG_LENGTH} characters each.", field=name)
        _guarded(name, ", ".join(tags))
        return tags
    return co_author_emails(_items(name, value), idea, actor)


def _unit_id(value: object) -> int | None:
    if value in (None, ""):
        return None
    unit_id = parse_int(value)
    if unit_id is None or db.session.get(Unit, unit_id) is None:
        raise Invalid("Origin unit: choose a unit from the list.", field="unit")
    return unit_id
