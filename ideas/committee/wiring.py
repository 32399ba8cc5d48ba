"""What the committee gives the workflow core and hears from it: its facts for the rules, a round for each
gate the idea reaches, and the frozen-plan check after each save to a review."""
from ideas.committee.queries import committee_facts
from ideas.committee.rounds import on_transition
from ideas.committee.snapshot import reapprove_if_changed
from ideas.pipeline.facts import provide
from ideas.pipeline.signals import idea_transitioned, review_saved
from ideas.pipeline.workflow import GATES

# Recusals count for a hold's clearance too, whatever the stage.
provide("committee", committee_facts, needed=lambda idea: idea.stage in GATES or idea.safety_hold)
idea_transitioned.connect(on_transition)
review_saved.connect(reapprove_if_changed)
