"""Who may shape a measure's chart (change points, rule set, frozen baseline). Pure: reads the workflow's facts."""
from ideas.pipeline.workflow import TEAM, ActorFacts, IdeaFacts, Stage, Who, relationships

PILOT_TEAM = TEAM | {Who.ASSIGNED_MENTOR}


def may_shape_chart(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """The pilot team (submitter, accepted co-authors, assigned mentor), while the pilot runs."""
    return idea.stage == Stage.PILOT and bool(relationships(idea, actor) & PILOT_TEAM)
