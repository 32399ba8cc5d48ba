"""Completing a pilot: the team's results summary, recommendation and realised impact, through the pipeline's
`complete_pilot` row, with the PilotResult and its audit event in the same transaction; the view commits."""
from collections.abc import Mapping

from ideas.accounts.models import User
from ideas.audit import record
from ideas.database import db
from ideas.errors import Invalid
from ideas.pilots.models import PilotResult
from ideas.pilots.rules import Recommendation
from ideas.pipeline.identifier_guard import guarded_text
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import FIELD_LABELS

TEXT_LENGTH = 4000  # the rule table's limit for a given text
REQUIRED = {"summary": "Results summary: say what the pilot found.",
            "impact": "Impact realised: say what changed for patients and staff, against the estimate."}


def _recommendation(value: object) -> Recommendation:
    if value not in Recommendation._value2member_map_:
        raise Invalid("Recommendation: choose adopt, adapt or abandon.", field="recommendation")
    return Recommendation(value)


def complete_pilot(idea: Idea, actor: User, fields: Mapping[str, object], expected_version: object) -> PilotResult:
    """The pilot team completes the pilot: every field checked before anything is set, then the stage moves."""
    summary, impact = (guarded_text(name, fields.get(name), FIELD_LABELS[name], REQUIRED[name], TEXT_LENGTH)
                       for name in ("summary", "impact"))
    recommendation = _recommendation(fields.get("recommendation"))
    apply_action(idea, actor, "complete_pilot", expected_version, summary=summary,
                 recommendation=recommendation.value, impact=impact)
    result = PilotResult(idea_id=idea.id, summary=summary, recommendation=recommendation, impact_realised=impact,
                         completed_by_id=actor.id)
    db.session.add(result)
    db.session.flush()
    record("pilot.completed", entity=result, actor=actor,
           changes={"recommendation": (None, recommendation.value), "summary": (None, summary),
                    "impact_realised": (None, impact)})
    return result
