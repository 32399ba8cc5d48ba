"""Seed a benchmark database in bulk: people, units, ideas in every stage, hazards and ~20 chained audit events per idea.

Rows go in with one multi-row statement per batch (Core executemany on SQLite, COPY on PostgreSQL),
never through the ORM per row. Audit events are sealed exactly as `record()` seals them (the real
`seal_event`, the real chain from GENESIS), so `audit verify` passes on the result; the append-only
triggers refuse only UPDATE and DELETE, so bulk INSERT goes through them.
"""
import random
from types import SimpleNamespace
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from flask_migrate import upgrade
from sqlalchemy import insert, text

from ideas.accounts.models import MentorPairing, Site, Unit, User, UserRole
from ideas.audit.chain import FORMAT_VERSION, GENESIS, key_id
from ideas.audit.models import AuditEvent, AuditValue, Outcome
from ideas.audit.writer import seal_event
from ideas.database import db
from ideas.pipeline.models import Category, Idea
from ideas.pipeline.workflow import Stage
from ideas.review.models import Hazard
from ideas.review.risk import band

PASSWORD = "benchmark password 1"
SITES, UNITS_PER_SITE, MENTEES, MENTORS, COMMITTEE = 3, 10, 2000, 60, 8
BATCH = 5000
# The bench's signed-in users (the first of each role) hold the same work at every size, so a page listing a user's
# own work shows as much at 1,000 ideas as at 100,000 and the bench measures what the rest of the data costs it: the
# first OWN ideas are by the first mentee (the first five) and seven more mentees, all paired with the first mentor,
# who is the mentor of those ideas and of no others. The other ideas go to the other people at random.
OWN, OWN_BY_MENTEE, OWN_MENTEES = 30, 5, 8
WORDS = ("falls night checklist handover medication round delays discharge pressure ulcer hydration sepsis "
         "screening bed alarm catheter infection hand hygiene pain score mouth care delirium nutrition "
         "wristband allergy insulin escalation early warning transfer porter theatre list").split()
# How a year of ideas spreads over the stages (weights).
STAGE_WEIGHTS = {Stage.DRAFT: 12, Stage.SUBMITTED: 8, Stage.MENTOR_REVIEW: 10, Stage.REVISION: 5,
                 Stage.COMMITTEE_REVIEW: 6, Stage.PILOT: 10, Stage.PILOT_REVIEW: 4, Stage.SCALE_UP: 4,
                 Stage.ADOPTED: 8, Stage.DECLINED: 12, Stage.WITHDRAWN: 11, Stage.STOPPED: 10}
REVIEWED = {Stage.MENTOR_REVIEW, Stage.REVISION, Stage.COMMITTEE_REVIEW, Stage.PILOT, Stage.PILOT_REVIEW,
            Stage.SCALE_UP, Stage.ADOPTED, Stage.DECLINED, Stage.STOPPED}
ASSESSED = REVIEWED - {Stage.MENTOR_REVIEW, Stage.REVISION, Stage.DECLINED}
EVENT_ACTIONS = ("idea.edited", "comment.posted", "review.saved", "idea.edited", "hazard.added")


def people(count_mentees: int = MENTEES) -> dict[str, list[int]]:
    """The user ids by role: mentees, mentors, committee and one admin (ids are assigned here)."""
    ids = iter(range(1, 10**6))
    return {"mentee": [next(ids) for _ in range(count_mentees)], "mentor": [next(ids) for _ in range(MENTORS)],
            "committee": [next(ids) for _ in range(COMMITTEE)], "admin": [next(ids)]}


def bulk(connection, table, rows: list[dict]) -> None:
    """Insert rows in one statement per batch: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_plain(row[name]) for name in names])


def _plain(value):
    """What COPY takes: naive UTC times (the columns hold naive UTC) and enum values as text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, Stage | Category | Outcome):
        return value.value
    return value


def seed(app, ideas: int, events_per_idea: int = 20, seed_value: int = 15) -> dict[str, list[int]]:
    """Create the schema and fill it; returns the user ids by role."""
    rng, now = random.Random(seed_value), datetime.now(UTC)
    with app.app_context():
        upgrade()
        who = people()
        with db.engine.begin() as connection:
            _accounts(connection, who, now)
            _ideas(connection, rng, who, ideas, now)
        _audit(app, rng, who, ideas, events_per_idea, now)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        db.engine.dispose()
    return who


def _accounts(connection, who: dict, now: datetime) -> None:
    secret = PasswordHasher().hash(PASSWORD)
    bulk(connection, Site.__table__, [{"id": s, "name": f"Site {s}"} for s in range(1, SITES + 1)])
    bulk(connection, Unit.__table__, [{"id": u, "site_id": (u - 1) // UNITS_PER_SITE + 1, "name": f"Ward {u}"}
                                      for u in range(1, SITES * UNITS_PER_SITE + 1)])
    users, roles = [], []
    for role, ids in who.items():
        for n in ids:
            users.append({"id": n, "email": f"{role}{n}@bench.example", "name": f"{role.title()} {n}",
                          "password_hash": secret, "active": True, "created_at": now, "password_changed_at": now,
                          "home_unit_id": n % (SITES * UNITS_PER_SITE) + 1})
            roles.append({"user_id": n, "role": role})
    bulk(connection, User.__table__, users)
    bulk(connection, UserRole.__table__, roles)
    bulk(connection, MentorPairing.__table__, [
        {"id": i + 1, "mentee_id": n, "mentor_id": _mentor_of(who, i), "created_at": now}
        for i, n in enumerate(who["mentee"]) if _mentor_of(who, i)])
    _advance_sequences(connection, {"sites": SITES, "units": SITES * UNITS_PER_SITE, "users": len(users),
                                    "mentor_pairings": len(who["mentee"])})


def _mentor_of(who: dict, index: int) -> int | None:
    """The first mentor has the first OWN_MENTEES mentees; of the others four in five have one of the other mentors."""
    if index < OWN_MENTEES:
        return who["mentor"][0]
    return who["mentor"][1 + index % (len(who["mentor"]) - 1)] if index % 5 else None


def _owners(rng: random.Random, who: dict, n: int) -> tuple[int, int]:
    """The submitter and the mentor (if reviewed) of the nth idea: the bench users' own for the first OWN."""
    mentees, mentors = who["mentee"], who["mentor"]
    if n <= OWN_BY_MENTEE:
        return mentees[0], mentors[0]
    if n <= OWN:
        return mentees[1 + (n - OWN_BY_MENTEE - 1) % (OWN_MENTEES - 1)], mentors[0]
    return rng.choice(mentees[OWN_MENTEES:]), rng.choice(mentors[1:])


def _ideas(connection, rng: random.Random, who: dict, count: int, now: datetime) -> None:
    stages, weights = list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values())
    rows, hazards = [], []
    for n in range(1, count + 1):
        stage = rng.choices(stages, weights)[0]
        created = now - timedelta(days=365) + timedelta(seconds=n * 365 * 86400 // count)
        changed = min(now, created + timedelta(days=rng.randint(0, 40)))
        words = rng.sample(WORDS, 6)
        submitter, mentor = _owners(rng, who, n)
        assessed = [{"idea_id": n, "description": "A patient could be harmed.", "severity": rng.randint(1, 5),
                     "likelihood": rng.randint(1, 5), "mitigation": "Train staff.", "owner": "Ward manager",
                     "created_at": changed} for _ in range(rng.randint(1, 2))] if stage in ASSESSED else []
        hazards += assessed
        worst = max((h["severity"] * h["likelihood"] for h in assessed), default=None)
        rows.append({"id": n, "title": f"{words[0].title()} {words[1]} {words[2]} idea {n}",
                     "problem": f"On the ward the {words[3]} and {words[4]} go wrong at {words[5]} time.",
                     "proposed_change": "Try a simple change for a month.", "expected_benefit": "Safer care.",
                     "category": rng.choice(list(Category)), "unit_id": rng.randint(1, SITES * UNITS_PER_SITE),
                     "evidence": "", "resources": "", "submitter_id": submitter,
                     "mentor_id": mentor if stage in REVIEWED else None, "stage": stage,
                     "stage_changed_at": changed, "submitted_at": None if stage == Stage.DRAFT else created,
                     "created_at": created, "updated_at": changed, "safety_hold": False,
                     "risk_band": band(worst) if worst else None, "version": 1})
        if len(rows) == BATCH or n == count:
            bulk(connection, Idea.__table__, rows)
            rows = []
    for start in range(0, len(hazards), BATCH):
        bulk(connection, Hazard.__table__, hazards[start:start + BATCH])
    _advance_sequences(connection, {"ideas": count, "hazards": len(hazards)})


def _audit(app, rng: random.Random, who: dict, ideas: int, per_idea: int, now: datetime) -> None:
    """Real sealed events, idea by idea, chained from GENESIS; one edited value on every fifth event."""
    key = app.config["AUDIT_KEY"]
    prev_hash, kid, sequence = GENESIS, key_id(key), 0
    start, step = now - timedelta(days=365), timedelta(seconds=365 * 86400 // max(ideas * per_idea, 1))
    events, values = [], []
    for idea in range(1, ideas + 1):
        actor = rng.choice(who["mentee"])
        for k in range(per_idea):
            sequence += 1
            action = "idea.created" if k == 0 else EVENT_ACTIONS[k % len(EVENT_ACTIONS)]
            event = SimpleNamespace(  # sealed as record() seals an AuditEvent; no ORM object per row
                sequence=sequence, occurred_at=start + step * sequence, format_version=FORMAT_VERSION, key_id=kid,
                actor_id=actor, actor_name=f"Mentee {actor}", actor_roles="mentee", action=action,
                outcome=Outcome.SUCCESS, entity_type="ideas", entity_id=str(idea), entity_version=1, idea_id=idea,
                request_id=f"{sequence:032x}", client_address="10.0.0.1", method="POST", path=f"/ideas/{idea}",
                user_agent="bench", prev_hash=prev_hash, reason=None, meaning=None)
            seal_event(key, event, {"title": (f"Old title {k}", f"New title {k}")} if k % 5 == 1 else {})
            prev_hash = event.hash
            events.append({c.key: getattr(event, c.key) for c in AuditEvent.__table__.columns if c.key != "values"})
            values += [{c.key: getattr(value, c.key) for c in AuditValue.__table__.columns if c.key != "id"}
                       | {"event_sequence": sequence} for value in event.values]
        if len(events) >= BATCH or idea == ideas:
            with db.engine.begin() as connection:
                bulk(connection, AuditEvent.__table__, events)
                bulk(connection, AuditValue.__table__, values)
            events, values = [], []


def _advance_sequences(connection, tables: dict[str, int]) -> None:
    """PostgreSQL's id sequences past the ids given here (SQLite takes max(id) + 1 by itself)."""
    if connection.dialect.name != "postgresql":
        return
    for name, last in tables.items():
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {max(last, 1)})"))
