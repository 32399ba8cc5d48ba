"""seed-demo reaches every stage through the operations, with pilots whose run charts show real signals,
a stopped idea with its lesson, and an adopted idea with units and checks (one answered, one missed)."""
from sqlalchemy import select

from ideas.database import db
from ideas.pilots.chart_data import measure_chart
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.review.models import Measure
from ideas.review.rules import MeasureType
from ideas.spread.models import SustainmentCheck
from ideas.spread.rules import UnitStatus
from tests.support.ideas import idea_events


def outcome_signals(title: str) -> set[str]:
    idea = db.session.scalar(select(Idea).where(Idea.title == title))
    measure = db.session.scalar(select(Measure).where(Measure.idea_id == idea.id,
                                                      Measure.kind == MeasureType.OUTCOME))
    return {signal.rule for signal in measure_chart(measure).run.signals}


def test_the_demo_has_every_stage_real_signals_a_lesson_and_sustainment(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert set(db.session.scalars(select(Idea.stage))) == set(Stage)
    assert "shift" in outcome_signals("Protected mealtimes on Ward 4B")
    assert "trend" in outcome_signals("Hourly comfort rounds at night")
    assert "astronomical" in outcome_signals("Bedside handover with the patient")
    stopped = db.session.scalar(select(Idea).where(Idea.stage == Stage.STOPPED))
    assert [e.reason for e in idea_events(stopped) if e.action == "idea.transition"][-1].startswith("Lesson:")
    adopted = db.session.scalar(select(Idea).where(Idea.stage == Stage.ADOPTED))
    checks = db.session.scalars(select(SustainmentCheck).where(SustainmentCheck.idea_id == adopted.id)).all()
    assert len(checks) == 6 and all(c.target_unit.status == UnitStatus.ADOPTED for c in checks)
    assert sum(c.answered_at is not None for c in checks) == 1
    assert sum(c.missed_at is not None for c in checks) == 1
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
