"""The frozen approved plan (SPEC "Frozen approved plan"): the snapshot frozen at an approval, how the idea
differs from it now, and sending it back for re-approval on a change."""
import hashlib
import json

from ideas.audit import record
from ideas.committee.difference import Change, difference, summary
from ideas.committee.models import ApprovedPlan, VotingRound
from ideas.committee.queries import frozen_plan
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import FROZEN
from ideas.review.queries import hazards_of, measures_of, plan_of, review_of
from ideas.review.rules import CRITERIA, TRIAGE

IDEA_FIELDS = ("title", "problem", "proposed_change", "expected_benefit", "evidence", "resources")
HAZARD_FIELDS = ("description", "severity", "likelihood", "mitigation", "owner")
MEASURE_FIELDS = ("kind", "name", "definition", "unit_of_measure", "direction", "baseline", "target",
                  "stop_threshold", "stop_direction", "stop_on_signal", "proportion")


def _plain(value: object) -> object:
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)  # enums, dates


def current_snapshot(idea: Idea) -> dict:
    """The idea, its reviews and its pilot plan as plain JSON data."""
    review, plan = review_of(idea.id), plan_of(idea.id)
    return {
        "idea": {**{name: getattr(idea, name) for name in IDEA_FIELDS},
                 "category": _plain(idea.category), "unit": idea.unit.label if idea.unit else None,
                 "benefits": [str(b) for b in idea.benefits], "tags": idea.tags,
                 "co_authors": [u.name for u in idea.co_authors]},
        "feasibility": {**{f"{c} score": review.score(c) if review else None for c in CRITERIA},
                        **{f"{c} note": review and getattr(review, f"note_{c}") or None for c in CRITERIA},
                        "overall": _plain(review.overall) if review else None,
                        "overall note": review.overall_note if review else None},
        "safety": {"no hazards identified": bool(review and review.no_hazards)},
        "hazards": [{name: getattr(h, name) for name in HAZARD_FIELDS} for h in hazards_of(idea.id)],
        "triage": {**{name: getattr(review, f"triage_{name}") if review else None for name in TRIAGE},
                   "ethics reference": review.ethics_reference if review else None,
                   "ethics referred on": _plain(review.ethics_referred_on) if review else None},
        "plan": {"aim": plan.aim if plan else None, "units": [u.label for u in plan.units] if plan else [],
                 "planned start": _plain(plan.planned_start) if plan else None,
                 "planned end": _plain(plan.planned_end) if plan else None,
                 "data collection": plan.data_collection if plan else None,
                 # only when given, so plans frozen before the estimate existed do not differ from themselves
                 **({"estimated impact": plan.estimated_impact} if plan and plan.estimated_impact else {})},
        "measures": [{name: _plain(getattr(m, name)) for name in MEASURE_FIELDS} for m in measures_of(idea.id)],
    }


def canonical(snapshot: dict) -> str:
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def freeze(idea: Idea, round_: VotingRound) -> ApprovedPlan:
    """Store the snapshot the committee approved; its digest goes in the audit event."""
    content = canonical(current_snapshot(idea))
    plan = ApprovedPlan(idea_id=idea.id, round_id=round_.id, content=content,
                        digest=hashlib.sha256(content.encode()).hexdigest())
    db.session.add(plan)
    db.session.flush()
    record("plan.frozen", entity=plan, changes={"digest": (None, plan.digest)})
    return plan


def changes_since_approval(idea: Idea) -> list[Change]:
    """How the idea differs from its last approved snapshot (nothing when it was never approved)."""
    approved = frozen_plan(idea.id)
    if approved is None:
        return []
    return difference(json.loads(approved.content), json.loads(canonical(current_snapshot(idea))))


def reapprove_if_changed(idea: Idea, **_) -> list[Change]:
    """After a save to an idea running on an approved plan: a material change sends it back (`reapprove`)."""
    if idea.stage not in FROZEN:
        return []
    changes = changes_since_approval(idea)
    if changes:
        apply_action(idea, None, "reapprove", idea.version, difference=summary(changes))
    return changes
