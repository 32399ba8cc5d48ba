"""The idea page's stage tracker, read from the rule table: where the idea is, who holds it, what comes next.

Pure (no Flask, no database): the steps forward and who takes them come from `TRANSITIONS`,
so a change to the pipeline's rules changes the tracker with it.
"""
from collections.abc import Mapping
from dataclasses import dataclass

from ideas.pipeline.workflow import CLOSED, TRANSITIONS, Stage, Transition, Who

# The way an idea normally travels; revision is a step aside, shown only while the idea is there.
PATH = tuple(s for s in Stage if s not in CLOSED or s == Stage.ADOPTED)
AHEAD = {stage: i for i, stage in enumerate(PATH)}


@dataclass(frozen=True)
class Step:
    """One stage on the tracker and how it stands to the idea's current stage."""

    stage: Stage
    state: str  # "done", "current" or "ahead"


@dataclass(frozen=True)
class NextStep:
    """A transition out of the current stage, with who takes it in words."""

    transition: Transition
    by: str


@dataclass(frozen=True)
class Tracker:
    steps: tuple[Step, ...]
    next: NextStep | None  # the step forward
    others: tuple[NextStep, ...]  # the other ways out (back, declined, stopped), withdrawing left out

    @property
    def holder(self) -> str | None:
        """Who holds the idea now: whoever takes its step forward."""
        return self.next.by if self.next else None


def _progress(transition: Transition) -> int:
    return AHEAD.get(transition.target, -1)


def forward(stage: Stage) -> Transition | None:
    """The transition that moves an idea on from `stage`: of those a person takes, the one that goes furthest."""
    if stage in CLOSED:
        return None
    rows = [t for t in TRANSITIONS if stage in t.sources and t.who != {Who.SYSTEM} and t.target in AHEAD]
    return max(rows, key=_progress, default=None)


def who_takes(transition: Transition, names: Mapping[Who, str]) -> str:
    """Who takes the transition, named where the idea says who; a kind named "" (no co-authors) is left out."""
    kinds = sorted(transition.who - {Who.SYSTEM}, key=list(Who).index)
    return " or ".join(name for kind in kinds if (name := names.get(kind, kind.label)))


def _shown(stage: Stage) -> list[Stage]:
    """The stages the tracker draws: the path, or for an idea closed without adoption the path it took.

    A closed idea got at least as far as the earliest stage it can be closed from (the rule table says which).
    """
    if stage not in CLOSED or stage == Stage.ADOPTED:
        return [s for s in PATH if s != Stage.REVISION or stage == Stage.REVISION]
    reached = min(AHEAD[s] for t in TRANSITIONS if t.target == stage for s in t.sources)
    return [s for s in PATH[:reached + 1] if s != Stage.REVISION] + [stage]


def tracker(stage: Stage, names: Mapping[Who, str]) -> Tracker:
    """The idea's tracker at `stage`; `names` names the people the idea has (Who.SUBMITTER: "Maya Okafor")."""
    shown = _shown(stage)
    at = shown.index(stage)
    steps = tuple(Step(s, "done" if i < at else "current" if i == at else "ahead") for i, s in enumerate(shown))
    ahead = forward(stage)
    others = tuple(NextStep(t, who_takes(t, names)) for t in TRANSITIONS
                   if stage in t.sources and t is not ahead and t.who != {Who.SYSTEM} and t.action != "withdraw")
    return Tracker(steps, NextStep(ahead, who_takes(ahead, names)) if ahead else None, others)


def primary_first(actions: list[Transition], stage: Stage) -> list[Transition]:
    """The user's actions with the step forward first and withdrawing last."""
    ahead = forward(stage)
    return sorted(actions, key=lambda t: (t is not ahead, t.action == "withdraw"))
