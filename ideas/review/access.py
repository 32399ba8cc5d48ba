"""Who may change an idea's review and its pilot plan. Pure: reads the workflow's facts."""
from ideas.pipeline.workflow import TEAM, ActorFacts, IdeaFacts, Stage, Who, relationships

IN_REVIEW = frozenset({Stage.MENTOR_REVIEW, Stage.REVISION})


def may_review(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """Only the assigned mentor edits feasibility, safety and triage, and never on their own idea."""
    kinds = relationships(idea, actor)
    return idea.stage in IN_REVIEW and Who.ASSIGNED_MENTOR in kinds and not kinds & TEAM


def may_plan(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """The assigned mentor and the idea's team write the pilot plan together while it is in review."""
    kinds = relationships(idea, actor)
    return idea.stage in IN_REVIEW and bool(kinds & (TEAM | {Who.ASSIGNED_MENTOR}))
