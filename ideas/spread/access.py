"""Who updates a scale-up's target units and answers sustainment checks. Pure: reads the workflow's facts."""
from ideas.pilots.access import is_pilot_team
from ideas.pipeline.workflow import ActorFacts, IdeaFacts, Stage

# A scale-up's units and checks are shown from scale-up on (a stopped scale-up keeps its record).
HAS_SPREAD = frozenset({Stage.SCALE_UP, Stage.ADOPTED, Stage.STOPPED})
# Sustainment checks are answered while the change spreads and after the idea is adopted.
CHECKS_OPEN = frozenset({Stage.SCALE_UP, Stage.ADOPTED})


def may_spread(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """The pilot team and committee members update the target units while the idea is in scale-up."""
    return idea.stage == Stage.SCALE_UP and (is_pilot_team(idea, actor) or "committee" in actor.roles)


def may_answer(owner_id: int | None, actor: ActorFacts) -> bool:
    """A unit's sustainment owner answers its checks; a committee member may answer for them."""
    return actor.user_id is not None and (actor.user_id == owner_id or "committee" in actor.roles)
