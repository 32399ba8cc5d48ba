"""Two people acting on the same idea at once, for real, on PostgreSQL: exactly one wins."""
import threading

import pytest
from sqlalchemy import select

from ideas.accounts.models import Role, User
from ideas.accounts.operations import create_user
from ideas.database import db
from ideas.errors import Conflict
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from tests.conftest import make_app
from tests.support.ideas import idea_events, make_idea

pytestmark = pytest.mark.postgres
THREADS = 8


@pytest.fixture
def pg_app(pg_databases, tmp_path):
    url = pg_databases.fresh()
    app = make_app(url, tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()
    pg_databases.drop(url)


def race(app, idea_id: int, act) -> list[str]:
    """Run `act(idea)` in THREADS threads released together; each answers 'won' or 'conflict'."""
    barrier = threading.Barrier(THREADS)
    outcomes = []

    def worker(n: int):
        with app.app_context():
            idea = db.session.get(Idea, idea_id)
            version = idea.version
            barrier.wait()
            try:
                act(idea, version, n)
                db.session.commit()
                outcomes.append("won")
            except Conflict:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("action", ["withdraw", "submit", "edit"])
def test_same_transition_at_once_one_wins_the_rest_conflict(pg_app, action):
    from ideas.pipeline.operations import apply_action, save_draft

    with pg_app.app_context():
        submitter = create_user("maya@hospital.example", "Maya Okafor", {Role.MENTEE}, "a long passphrase here")
        idea = make_idea(submitter, Stage.SUBMITTED if action == "withdraw" else Stage.DRAFT)
        idea_id, submitter_id = idea.id, submitter.id
        db.session.remove()

    def act(idea, version, n):
        user = db.session.get(User, submitter_id)
        if action == "edit":
            save_draft(idea, user, {"title": f"Title from tab {n}"}, version)
        else:
            apply_action(idea, user, action, version, reason=f"Reason from tab {n}")

    outcomes = race(pg_app, idea_id, act)
    assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["won"]

    with pg_app.app_context():
        idea = db.session.get(Idea, idea_id)
        kinds = [e.action for e in idea_events(idea)]
        # one event from the winner, besides the submit that set up the withdraw race
        expected = {"edit": ("idea.edited", 1), "submit": ("idea.transition", 1), "withdraw": ("idea.transition", 2)}
        assert kinds.count(expected[action][0]) == expected[action][1]
        result = pg_app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(select(Idea.version).where(Idea.id == idea_id)) == idea.version
