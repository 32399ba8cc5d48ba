"""What the scale-up gives the workflow core: its adoption facts, while the idea is at scale-up (mark_adopted)."""
from ideas.pipeline.facts import provide
from ideas.pipeline.workflow import Stage
from ideas.spread.queries import spread_facts

provide("spread", spread_facts, needed=lambda idea: idea.stage == Stage.SCALE_UP)
