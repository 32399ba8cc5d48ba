"""What spread and sustainment hold, as plain data: no Flask, no database."""
from dataclasses import dataclass
from enum import StrEnum

# After a unit adopts the change, its owner is asked whether it held at these local days (SPEC "Sustainment").
CHECK_DAYS = (30, 90, 180)


class UnitStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    ADOPTED = "adopted"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class CheckAnswer(StrEnum):
    """Whether the change held on the unit."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"

    @property
    def label(self) -> str:
        return {"yes": "Yes, it held", "partly": "Partly", "no": "No, it did not hold"}[self.value]


@dataclass(frozen=True)
class SpreadFacts:
    """How far the change has spread: what mark_adopted checks."""

    adopted_units: int = 0
    adopted_without_owner: int = 0  # adopted units with no sustainment owner
