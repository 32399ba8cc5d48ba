"""Several people saving the same measure or hazard at once, for real, on PostgreSQL: exactly one wins."""
import pytest
from sqlalchemy import select

from ideas.accounts.models import Role, User
from ideas.accounts.operations import create_user
from ideas.audit.models import AuditEvent
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.review import operations as ops
from ideas.review.queries import hazards_of, measures_of, plan_of, review_of
from tests.support.ideas import make_idea
from tests.support.reviews import HIGH_HAZARD, MEASURES, complete_review
from tests.test_pipeline_concurrency import THREADS, pg_app, race  # noqa: F401  (pg_app is a fixture)

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("what", ["measure", "hazard"])
def test_the_same_edit_at_once_one_wins_the_rest_conflict(pg_app, what):  # noqa: F811
    with pg_app.app_context():
        mentee = create_user("maya@hospital.example", "Maya Okafor", {Role.MENTEE}, "a long passphrase here")
        mentor = create_user("priya@hospital.example", "Priya Shah", {Role.MENTOR}, "a long passphrase here")
        idea = make_idea(mentee, Stage.MENTOR_REVIEW, mentor=mentor)
        complete_review(idea, mentor)
        db.session.commit()
        part_id = (measures_of(idea.id) if what == "measure" else hazards_of(idea.id))[0].id
        guard = plan_of(idea.id) if what == "measure" else review_of(idea.id)
        idea_id, mentor_id, expected = idea.id, mentor.id, guard.version  # every tab opened at this version
        db.session.remove()

    def act(idea: Idea, _, n: int):
        user = db.session.get(User, mentor_id)
        if what == "measure":
            ops.update_measure(idea, user, part_id, {**MEASURES[0], "definition": f"From tab {n}."}, expected)
        else:
            ops.update_hazard(idea, user, part_id, {**HIGH_HAZARD, "mitigation": f"From tab {n}."}, expected)

    assert sorted(race(pg_app, idea_id, act)) == ["conflict"] * (THREADS - 1) + ["won"]
    with pg_app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.idea_id == idea_id)).all()
        assert actions.count(f"{what}.updated") == 1
        assert pg_app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
