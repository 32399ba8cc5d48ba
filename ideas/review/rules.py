"""What a review holds and when it is complete, as plain data: no Flask, no database."""
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ideas.review.risk import RiskBand

# The six feasibility criteria (SPEC "What each stage holds"), in the order the form shows them.
CRITERIA = {
    "evidence": "Evidence base",
    "patient_experience": "Patient-experience impact",
    "resources": "Resources and cost",
    "workload": "Staff workload and training",
    "alignment": "Alignment with unit priorities",
    "measurability": "Measurability",
}
# What each score means for each criterion, from 1 (poor) to 5 (strong): shown beside the scores.
RUBRIC = {
    "evidence": ("No evidence, or evidence against it", "An opinion or a single report", "Some published or local evidence",
                 "Good evidence from similar settings", "Strong evidence: guidelines or several good studies"),
    "patient_experience": ("Patients would notice nothing, or worse", "A small gain for a few patients",
                           "A clear gain for some patients", "A clear gain for most patients on the unit",
                           "A large gain patients would tell us about"),
    "resources": ("Needs money or equipment we cannot get", "Needs a budget bid or new equipment",
                  "Some cost, found within the unit", "Little cost: existing stock or time",
                  "No cost, or it saves money"),
    "workload": ("Adds a lot of work or training for everyone", "Adds noticeable work; training for all",
                 "Some extra work; a short briefing", "Fits existing routines; a few minutes' briefing",
                 "Saves staff time; no training needed"),
    "alignment": ("Against the unit's priorities", "Unrelated to the unit's priorities", "Touches one priority",
                  "Supports a stated priority", "Central to the unit's top priority"),
    "measurability": ("Nothing we could count", "Only by a new, hard data collection",
                      "Countable with some extra effort", "Counted from routine records with little effort",
                      "Already measured routinely, with a baseline"),
}
# The QI-or-research triage: any "yes" points to research and needs an ethics-board referral.
TRIAGE = {
    "new_treatment": "Does it test a new treatment, drug or device?",
    "randomises": "Does it allocate or randomise patients to different care?",
    "extra_data": "Does it collect data from patients beyond routine care?",
    "generalisable": "Does it aim for generalisable knowledge, for publication?",
}

# What recommend needs of the review, field by field: queries.review_facts checks these, the forms mark them.
FEASIBILITY_NEEDED = (*(f"score_{name}" for name in CRITERIA), "overall")
TRIAGE_NEEDED = tuple(f"triage_{name}" for name in TRIAGE)
REFERRAL_NEEDED = ("ethics_reference", "ethics_referred_on")  # only when the triage points to research
# The pilot plan's parts recommend needs, in words, with the plan's fields that hold each, then its measure types.
PLAN_NEEDED = {"an aim": ("aim",), "a pilot unit": ("units",), "planned dates": ("planned_start", "planned_end")}
MEASURES_NEEDED = {"an outcome measure": "outcome", "a process measure": "process",
                   "a balancing measure": "balancing"}
# What saving a hazard or a measure refuses without, with the message naming each field.
HAZARD_NEEDED = {"description": "Hazard: describe what could go wrong.",
                 "severity": "Severity: choose a score from 1 to 5.",
                 "likelihood": "Likelihood: choose a score from 1 to 5."}
MEASURE_NEEDED = {"kind": "Measure type: choose outcome, process or balancing.",
                  "name": "Measure name: say what is measured.",
                  "definition": "Operational definition: say exactly how it is counted.",
                  "unit_of_measure": "Unit of measure: e.g. falls per 1,000 bed days, %, minutes.",
                  "direction": "Direction of improvement: choose whether higher or lower is better.",
                  "target": "Target: give the value you aim for."}


class Overall(StrEnum):
    PROCEED = "proceed"
    PROCEED_WITH_CHANGES = "proceed_with_changes"
    DO_NOT_PROCEED = "do_not_proceed"

    @property
    def label(self) -> str:
        return {"proceed": "Proceed to a pilot", "proceed_with_changes": "Proceed with the changes noted",
                "do_not_proceed": "Do not proceed"}[self.value]


class MeasureType(StrEnum):
    OUTCOME = "outcome"
    PROCESS = "process"
    BALANCING = "balancing"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"

    @property
    def label(self) -> str:
        return {"increase": "Higher is better", "decrease": "Lower is better"}[self.value]


class StopDirection(StrEnum):
    ABOVE = "above"
    BELOW = "below"

    @property
    def label(self) -> str:
        return {"above": "Stop if it rises above", "below": "Stop if it falls below"}[self.value]


@dataclass(frozen=True)
class ReviewFacts:
    """What recommend needs to know about an idea's review and plan."""

    feasibility_complete: bool = False
    safety_complete: bool = False
    plan_missing: tuple[str, ...] = (*PLAN_NEEDED, *MEASURES_NEEDED)
    band: RiskBand | None = None
    hazards_unmitigated: int = 0  # hazards without a mitigation or an owner
    triage_answered: bool = False
    research: bool = False
    referral_recorded: bool = False


def filled(value: object) -> bool:
    """A field holds an answer: text that is not blank, a list that is not empty, any other value (a "no" too)."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset):
        return bool(value)
    return value is not None


def plan_missing(plan: Mapping[str, object], kinds: set[str]) -> tuple[str, ...]:
    """What the pilot plan still lacks, in words: `plan` holds its fields by name, `kinds` its measures' types."""
    present = {words: all(filled(plan.get(name)) for name in names) for words, names in PLAN_NEEDED.items()}
    present |= {words: kind in kinds for words, kind in MEASURES_NEEDED.items()}
    return tuple(words for words, there in present.items() if not there)
