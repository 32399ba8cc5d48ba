"""Who records a pilot's PDSA cycles and observations. Pure: reads the workflow's facts."""
from ideas.pipeline.workflow import SHOWCASE, TEAM, ActorFacts, IdeaFacts, Stage, Who, relationships

# From pilot onward (stopped and adopted included) an idea has pilot records to show.
HAS_PILOT = SHOWCASE


def is_pilot_team(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """The submitter, accepted co-authors and the assigned mentor."""
    return bool(relationships(idea, actor) & (TEAM | {Who.ASSIGNED_MENTOR}))


def may_record(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """The pilot team records cycles and observations, and shapes the charts, while the pilot runs; later all is read-only."""
    return idea.stage == Stage.PILOT and is_pilot_team(idea, actor)
