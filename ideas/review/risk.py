"""Risk on the 5×5 matrix: score = severity × likelihood, banded as SPEC says. Pure."""
from collections.abc import Iterable
from enum import StrEnum

SEVERITY = {1: "negligible", 2: "minor", 3: "moderate", 4: "major", 5: "catastrophic"}
LIKELIHOOD = {1: "rare", 2: "unlikely", 3: "possible", 4: "likely", 5: "almost certain"}


class RiskBand(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    EXTREME = "extreme"

    @property
    def rank(self) -> int:
        return list(RiskBand).index(self)


def risk_score(severity: int, likelihood: int) -> int:
    if severity not in SEVERITY or likelihood not in LIKELIHOOD:
        raise ValueError("severity and likelihood are each 1 to 5")
    return severity * likelihood


def band(score: int) -> RiskBand:
    """1–3 low, 4–6 moderate, 8–12 high, 15–25 extreme (7, 13 and 14 cannot occur)."""
    if not 1 <= score <= 25:
        raise ValueError("a risk score is 1 to 25")
    if score <= 3:
        return RiskBand.LOW
    if score <= 6:
        return RiskBand.MODERATE
    if score <= 12:
        return RiskBand.HIGH
    return RiskBand.EXTREME


def worst_band(scores: Iterable[int]) -> RiskBand | None:
    """The idea's band is its worst hazard's; None when there are no hazards."""
    bands = [band(s) for s in scores]
    return max(bands, key=lambda b: b.rank) if bands else None


def matrix() -> list[tuple[int, str, list[tuple[int, RiskBand]]]]:
    """The 5×5 matrix, most severe row first: (severity, its word, [(score, band) for likelihood 1–5])."""
    return [(s, SEVERITY[s], [(risk_score(s, k), band(risk_score(s, k))) for k in LIKELIHOOD])
            for s in sorted(SEVERITY, reverse=True)]
