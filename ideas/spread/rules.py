"""What spread and sustainment hold, as plain data: no Flask, no database."""
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# What marking a unit adopted refuses without, each with what its message asks for.
NEEDED_TO_ADOPT = {"sustainment_owner": "name who checks that the change holds on this unit.",
                   "adopted_on": "give the day the unit adopted the change."}
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


# A check opens this many local days before it is due, and the owner's home page lists it from then.
DUE_SOON_DAYS = 14


def check_due_dates(adopted_on: date) -> list[tuple[int, date]]:
    """Each check's day and due date: `day` local days after the unit adopted (a calendar, not 24-hour steps)."""
    return [(day, adopted_on + timedelta(days=day)) for day in CHECK_DAYS]


@dataclass(frozen=True)
class UnitRow:
    """What spread progress needs to know of one target unit."""

    status: UnitStatus
    site: str


@dataclass(frozen=True)
class Progress:
    """Spread at a glance: "3 of 5 units adopted, 2 sites"."""

    total: int
    adopted: int
    in_progress: int
    declined: int
    adopted_sites: int
    sites: int

    @property
    def summary(self) -> str:
        sites = f"{self.adopted_sites} site{'' if self.adopted_sites == 1 else 's'}"
        return f"{self.adopted} of {self.total} unit{'' if self.total == 1 else 's'} adopted, {sites}"


def progress(units: list[UnitRow]) -> Progress:
    """Count the target units by status, and the sites they (and the adopted ones) belong to."""
    adopted = [u for u in units if u.status == UnitStatus.ADOPTED]
    return Progress(total=len(units), adopted=len(adopted),
                    in_progress=sum(u.status == UnitStatus.IN_PROGRESS for u in units),
                    declined=sum(u.status == UnitStatus.DECLINED for u in units),
                    adopted_sites=len({u.site for u in adopted}), sites=len({u.site for u in units}))
