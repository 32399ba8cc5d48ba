"""What the pilot gives the workflow core: its completion facts, while the idea is at pilot (complete_pilot)."""
from ideas.pilots.queries import pilot_facts
from ideas.pipeline.facts import provide
from ideas.pipeline.workflow import Stage

provide("pilot", pilot_facts, needed=lambda idea: idea.stage == Stage.PILOT)
