"""Two app servers (gunicorn, production settings) on one PostgreSQL and one Redis, as behind a proxy:
sessions and the sign-in throttle hold across both, and writes on both leave one valid audit chain
and one checkpoint history (both servers write the checkpoint file under its lock)."""
import threading
import uuid

import pytest
from sqlalchemy import func, select

from ideas.accounts.models import Role
from ideas.accounts.operations import create_user
from ideas.audit.models import AuditEvent
from ideas.audit.verify import verify_trail
from ideas.committee.models import CommitteeVote
from ideas.extensions import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from tests.conftest import PASSWORD, make_app, need
from tests.support import gunicorn
from tests.support.http_client import WebUser
from tests.support.ideas import make_idea
from tests.test_rate_limit_redis import REDIS_URL, redis_reachable

pytestmark = pytest.mark.postgres


@pytest.fixture
def deployment(pg_databases, tmp_path):
    """(the test's own app on the shared database, [base URL of server A, of server B])."""
    need(redis_reachable())
    url = pg_databases.fresh()
    checkpoint = tmp_path / "shared" / "audit-checkpoint.json"
    environment = gunicorn.app_environment(url, checkpoint, REDIS_URL, f"test-{uuid.uuid4().hex}",
                                           SIGNIN_LIMIT_ACCOUNT="4 per 15 minutes")
    ports = [gunicorn.free_port(), gunicorn.free_port()]
    servers = []
    app = make_app(url, tmp_path, AUDIT_CHECKPOINT_PATH=str(checkpoint))
    try:
        for port in ports:
            servers.append(gunicorn.start(environment, port, log=tmp_path / f"server-{port}.log"))
        with app.app_context():
            yield app, [f"http://127.0.0.1:{port}" for port in ports]
            db.session.remove()
            db.engine.dispose()
    finally:
        for server in servers:
            gunicorn.stop(server)
        pg_databases.drop(url)


def person(*roles: Role, email: str):
    user = create_user(email, email.split("@")[0].title(), set(roles), PASSWORD)
    db.session.commit()
    return user


def test_a_session_begun_on_one_server_is_honoured_and_ended_on_the_other(deployment):
    _, (server_a, server_b) = deployment
    person(Role.MENTEE, email="maya@hospital.example")
    maya = WebUser(server_a)
    assert maya.sign_in("maya@hospital.example", PASSWORD).status == 302
    maya.base_url = server_b
    assert maya.get("/ideas/mine").status == 200
    assert maya.post("/sign-out", {}, page="/ideas/mine").status == 302
    maya.base_url = server_a
    assert maya.get("/ideas/mine").status == 302  # the cookie no longer opens a session anywhere


def test_failed_sign_ins_on_both_servers_count_toward_one_throttle(deployment):
    _, servers = deployment
    person(Role.MENTEE, email="sam@hospital.example")
    statuses = [WebUser(servers[n % 2]).sign_in("sam@hospital.example", "wrong password!").status for n in range(6)]
    assert statuses == [422, 422, 422, 422, 429, 429]


def test_a_transition_on_one_server_and_votes_on_the_other_leave_one_valid_chain(deployment):
    app, (server_a, server_b) = deployment
    mentee = person(Role.MENTEE, email="uma@hospital.example")
    mentor = person(Role.MENTOR, email="priya@hospital.example")
    members = [person(Role.COMMITTEE, email=f"member{n}@hospital.example") for n in range(3)]
    drafts = [make_idea(mentee, mentor=mentor) for _ in range(4)]
    at_committee = make_idea(mentee, Stage.COMMITTEE_REVIEW, mentor=mentor)
    ids, voting = [idea.id for idea in drafts], at_committee.id  # plain values: the threads have no app context
    versions = {idea.id: idea.version for idea in drafts}
    emails = [member.email for member in members]
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    start = threading.Barrier(1 + len(members))
    answers = []

    def submit_all():
        uma = WebUser(server_a)
        uma.sign_in("uma@hospital.example", PASSWORD)
        start.wait()
        for idea_id in ids:
            answers.append(uma.post(f"/ideas/{idea_id}/actions/submit", {"version": versions[idea_id]},
                                    page=f"/ideas/{idea_id}").status)

    def vote(email):
        voter = WebUser(server_b)
        voter.sign_in(email, PASSWORD)
        start.wait()
        answers.append(voter.post(f"/committee/ideas/{voting}/vote",
                                  {"vote": "approve", "comment": "Sound plan.", "password": PASSWORD},
                                  page=f"/committee/ideas/{voting}").status)

    threads = [threading.Thread(target=submit_all)] + [threading.Thread(target=vote, args=(e,)) for e in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [302] * (len(ids) + len(members))
    db.session.expire_all()
    assert {db.session.get(Idea, idea_id).stage for idea_id in ids} == {Stage.SUBMITTED}
    assert db.session.scalar(select(func.count()).select_from(CommitteeVote)) == len(members)
    sequences = db.session.scalars(select(AuditEvent.sequence).order_by(AuditEvent.sequence)).all()
    assert sequences == list(range(1, len(sequences) + 1)) and len(sequences) > events_before
    report = verify_trail()
    assert report.ok, report.summary()
    assert report.checkpoint == sequences[-1]
