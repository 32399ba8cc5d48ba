"""What the completion rules need to know about a pilot, as plain data: no Flask, no database."""
from dataclasses import dataclass
from enum import StrEnum


class Recommendation(StrEnum):
    """The pilot team's recommendation when it completes the pilot (SPEC "The pipeline")."""

    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"

    @property
    def label(self) -> str:
        return {"adopt": "Adopt it as it is", "adapt": "Adopt it with adaptations",
                "abandon": "Abandon it"}[self.value]


@dataclass(frozen=True)
class PilotFacts:
    """The measures of the pilot plan that have no observation recorded yet, by name."""

    measures_without_data: tuple[str, ...] = ()
