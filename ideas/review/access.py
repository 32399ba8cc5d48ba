"""Who may change an idea's review and its pilot plan. Pure: reads the workflow's facts."""
from ideas.pipeline.workflow import FROZEN, TEAM, ActorFacts, IdeaFacts, Stage, Who, relationships

IN_REVIEW = frozenset({Stage.MENTOR_REVIEW, Stage.REVISION})
# While a pilot runs on its approved plan the plan may still change, which sends it back for re-approval.
CHANGEABLE = IN_REVIEW | FROZEN


def may_review(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """Only the assigned mentor edits feasibility, safety and triage, and never on their own idea."""
    kinds = relationships(idea, actor)
    return idea.stage in CHANGEABLE and Who.ASSIGNED_MENTOR in kinds and not kinds & TEAM


def may_plan(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """The assigned mentor and the idea's team write the pilot plan together while it is in review."""
    kinds = relationships(idea, actor)
    return idea.stage in CHANGEABLE and bool(kinds & (TEAM | {Who.ASSIGNED_MENTOR}))
