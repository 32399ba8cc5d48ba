"""What the review gives the workflow core: its facts, where the rules read them (recommend in mentor
review, risk acceptance at committee)."""
from ideas.pipeline.facts import provide
from ideas.pipeline.workflow import Stage
from ideas.review.queries import review_facts

REVIEWED = frozenset({Stage.MENTOR_REVIEW, Stage.COMMITTEE_REVIEW})

provide("review", review_facts, needed=lambda idea: idea.stage in REVIEWED)
