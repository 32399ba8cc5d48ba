"""Hostile requests for every route: the values an attacker sends, every parameter a view reads, and a
world of real rows to aim them at (SECURITY.md, "Bad input fuzzing")."""
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

from flask import Flask
from sqlalchemy import func, select
from wtforms import FieldList, FormField

from ideas.accounts.models import Role
from ideas.accounts.operations import create_user as create_user_op
from ideas.accounts.pairings import pair_mentee
from ideas.audit.models import AuditEvent, Outcome
from ideas.committee.models import Condition
from ideas.committee.operations import create_meeting
from ideas.database import db
from ideas.discussion.operations import post_comment
from ideas.forms import WebForm
from ideas.pipeline.workflow import Stage
from ideas.review.models import Hazard, Measure
from tests.conftest import PASSWORD, csrf_token
from tests.support.committee import approve_pilot, vote
from tests.support.ideas import make_idea
from tests.support.reviews import complete_review

LONG = "x" * 100_000
HOSTILE = ["2147483648", "9223372036854775808", "-1", "0", "²", "٣", "a\x00b", "\ud800",
           "/\r\nLocation: https://elsewhere.example", LONG]
REPEATED = ["7", "a\x00b"]  # each parameter sent twice: an array where a view expects one value
SOURCE = Path(__file__).resolve().parents[2] / "ideas"
READS = re.compile(r"request\.(?:args|form|values)\.get\(\s*[\"'](\w+)[\"']")
PATH_ARGUMENT = re.compile(r"<(?:[^>:]+:)?(\w+)>")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True, order=True)
class Route:
    method: str
    rule: str
    endpoint: str

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def routes(app: Flask) -> list[Route]:
    """Every (method, rule) of the URL map: a route added later is in the list without anyone adding it."""
    return sorted(Route(method, rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
                  for method in rule.methods - {"HEAD", "OPTIONS"})


class _Names(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        named = dict(attrs).get("name")
        if tag in ("input", "select", "textarea", "button") and named:
            self.names.add(named)


def _form_fields() -> set[str]:
    """The fields of every form class (FieldList rows included), bound without input."""
    names, pending = set(), list(WebForm.__subclasses__())
    while pending:
        form_class = pending.pop()
        pending += form_class.__subclasses__()
        try:
            form = form_class(formdata=None, meta={"csrf": False})
        except TypeError:  # needs arguments: its fields show up on its rendered page
            continue
        names |= set(_field_names(form))
    return names


def _field_names(fields):
    """Each field's name, and those of the rows inside a FieldList or FormField."""
    for bound in fields:
        yield bound.name
        if isinstance(bound, FieldList | FormField):
            yield from _field_names(bound)


def pages_to_read(ids: dict[str, int]) -> list[str]:
    """Pages whose forms only show for an idea at a later stage: the decision forms, a condition's form."""
    return [f"/committee/ideas/{ids['committee_idea_id']}", f"/ideas/{ids['piloted_id']}"]


def parameters(pages: list[str]) -> list[str]:
    """Every query or form parameter a view may read: form classes, names in the views' source, rendered fields."""
    names = _form_fields() | {"page", "next"}
    for path in SOURCE.rglob("*.py"):
        names |= set(READS.findall(path.read_text()))
    for html in pages:
        parser = _Names()
        parser.feed(html)
        names |= parser.names
    return sorted(names | {"csrf_token"})


def encode(text: str) -> str:
    """Percent-encoded UTF-8; a lone surrogate is sent as the bytes an attacker would send."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


@dataclass(repr=False)
class World:
    """One database of real rows and three clients: everyone (admin, committee, mentor and mentee), a mentee,
    a visitor who is not signed in."""

    app: Flask
    ids: dict[str, int]
    clients: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    token_names: list[str] = field(default_factory=list)  # csrf_token, and each prefixed form's

    def __repr__(self) -> str:
        return "World()"

    def learn(self, names: list[str]) -> None:
        """Parameters to attack, and the CSRF token fields (of each prefixed form too) that carry a real token."""
        self.token_names = [name for name in names if name.endswith("csrf_token")]
        self.names = [name for name in names if name not in self.token_names]

    def sign_in(self, who: str) -> None:
        client = self.clients[who]
        if who != "visitor":
            token = csrf_token(client.get("/sign-in").get_data(as_text=True))
            response = client.post("/sign-in", data={"email": self.users[who], "password": PASSWORD,
                                                     "csrf_token": token})
            assert response.status_code == 302, response.get_data(as_text=True)
        self.tokens[who] = csrf_token(client.get("/sign-in" if who == "visitor" else "/").get_data(as_text=True))

    def stay_signed_in(self, who: str) -> None:
        """Sign in again after a request that ended the session (sign-out; the code step, which starts over)."""
        with self.clients[who].session_transaction() as session:
            signed_out = "sid" not in session
        if who != "visitor" and signed_out:
            self.sign_in(who)

    def path(self, route: Route, hostile: str | None) -> str:
        """The route's path with real ids (or the hostile value) in its variables."""
        real = {"action": "request_changes" if route.endpoint == "pipeline.act" else "approve_pilot",
                "name": "htmx.min.js", "filename": "css/app.css"}

        def fill(match: re.Match) -> str:
            name = match.group(1)
            if name == "idea_id" and route.endpoint.startswith("committee."):
                name = "committee_idea_id"  # an idea at the committee, where votes and decisions happen
            return encode(hostile) if hostile is not None else str(self.ids.get(name, real.get(name, 1)))

        return PATH_ARGUMENT.sub(fill, route.rule)

    def send(self, who: str, route: Route, values: list[str], repeat: bool = False, in_path: bool = False,
             as_json: bool = False):
        """Every parameter gets one of `values` in turn (twice over when `repeat`), in the query and the body.

        `as_json` posts a JSON body instead: a list when `repeat`, else an object whose every other value
        is itself an object.
        """
        pairs = []
        for number, name in enumerate(self.names):
            pairs.append((name, values[number % len(values)]))
            if repeat:
                pairs.append((name, values[(number + 1) % len(values)]))
        encoded = "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)
        path = self.path(route, values[0] if in_path else None)
        client, query = self.clients[who], encoded if in_path else None
        if route.method not in UNSAFE_METHODS:
            return client.open(path, method=route.method, query_string=encoded)
        if as_json:
            body = values if repeat else {name: {"nested": value} if number % 2 else value
                                          for number, (name, value) in enumerate(pairs)}
            return client.open(path, method=route.method, query_string=query, json=body,
                               headers={"X-CSRFToken": self.tokens[who]})
        tokens = "&".join(f"{encode(name)}={encode(self.tokens[who])}" for name in self.token_names)
        return client.open(path, method=route.method, query_string=query, data=f"{encoded}&{tokens}",
                           content_type="application/x-www-form-urlencoded")

    def counts(self) -> dict[str, int]:
        """Rows per table, leaving out the audit trail's own tables (checked by `denials_only`)."""
        tables = [t for name, t in db.metadata.tables.items() if not name.startswith("audit")]
        row = db.session.execute(select(*(select(func.count()).select_from(t).scalar_subquery().label(t.name)
                                          for t in tables))).one()
        db.session.rollback()
        return dict(row._mapping)

    def last_sequence(self) -> int:
        sequence = db.session.scalar(select(func.max(AuditEvent.sequence))) or 0
        db.session.rollback()
        return sequence

    def denials_only(self, since: int) -> bool:
        """Whether every audit event after `since` records a refusal (the only thing a refused request may write)."""
        outcomes = set(db.session.scalars(select(AuditEvent.outcome).where(AuditEvent.sequence > since)))
        db.session.rollback()
        return outcomes <= {Outcome.DENIED}


def create_user(*roles: Role):
    """A committed user with the test password (no second factor: the world signs in by password alone)."""
    user = create_user_op(f"{uuid.uuid4().hex[:12]}@hospital.example", "Test User", set(roles), PASSWORD)
    db.session.commit()
    return user


def build_world() -> tuple[dict[str, str], dict[str, int]]:
    """Real rows for every kind of id a route takes, with `everyone` reviewing, voting and commenting.

    Returns the signed-in users' e-mails and the id to put in each path variable.
    """
    everyone = create_user(Role.ADMIN, Role.COMMITTEE, Role.MENTOR, Role.MENTEE)
    mentee, submitter, target = (create_user(Role.MENTEE) for _ in range(3))
    committee = [everyone, *(create_user(Role.COMMITTEE) for _ in range(3))]
    reviewed = make_idea(submitter, Stage.MENTOR_REVIEW, mentor=everyone)
    complete_review(reviewed, everyone)
    deciding = make_idea(submitter, Stage.COMMITTEE_REVIEW, mentor=create_user(Role.MENTOR))
    vote(deciding, committee[1:])  # quorum: `everyone` is offered every decision form, and may still vote
    piloted = make_idea(submitter, Stage.COMMITTEE_REVIEW, mentor=create_user(Role.MENTOR))
    approve_pilot(piloted, committee[:3], conditions=[
        {"text": "Report falls monthly.", "owner": str(everyone.id), "due_on": date.today() + timedelta(days=30)}])
    comment = post_comment(reviewed, everyone, "Could the night staff try it first?")
    meeting = create_meeting(everyone, {"title": "January committee", "held_on": date.today() + timedelta(days=7)})
    pairing = pair_mentee(mentee, everyone)
    db.session.commit()
    first = {model: db.session.scalar(select(model.id).where(model.idea_id.in_([reviewed.id, piloted.id])))
             for model in (Hazard, Measure, Condition)}
    return {"everyone": everyone.email, "mentee": mentee.email}, {
        "idea_id": reviewed.id, "committee_idea_id": deciding.id, "piloted_id": piloted.id, "comment_id": comment.id, "hazard_id": first[Hazard],
        "measure_id": first[Measure], "condition_id": first[Condition], "meeting_id": meeting.id,
        "pairing_id": pairing.id, "user_id": target.id, "site_id": reviewed.unit.site_id,
        "unit_id": reviewed.unit_id, "sequence": 1,
    }
