"""Control limits: XmR (I) chart and p chart, from a phase's baseline points.

XmR: centre = mean, MR̄ = mean moving range, limits = centre ± 2.66·MR̄ (Wheeler; NHSRplotthedots
R/ptd_spc_standard.R uses 2.66; qicharts2 `qic.i` uses 3·MR̄/1.128 = 2.6596·MR̄, 0.015 % narrower).
Moving ranges at or above 3.267·MR̄ are screened out and MR̄ recomputed (Nelson 1982), as both
NHSRplotthedots (`screen_outliers = TRUE`, the default) and qicharts2 (`qic.screenedmr`, set TRUE
when the package is attached) do; unlike them, a series with no variation keeps MR̄ = 0 rather than
NaN. p chart: p̄ = Σnumerators / Σdenominators, σᵢ = √(p̄(1−p̄)/nᵢ), limits clipped to [0, 1]
(qicharts2 `qic.p`).
"""
import math
import statistics
from dataclasses import dataclass

XMR_LIMIT = 2.66
MR_SCREEN = 3.267


@dataclass(frozen=True)
class Limits:
    """Centre line and, per point of the phase, one sigma and the 3-sigma limits."""

    centre: float
    sigma: tuple[float, ...]
    bounded: bool = False

    def band(self, i: int, k: float) -> tuple[float, float]:
        """The k-sigma limits at point i (clipped to [0, 1] for proportions)."""
        low, high = self.centre - k * self.sigma[i], self.centre + k * self.sigma[i]
        return (max(low, 0.0), min(high, 1.0)) if self.bounded else (low, high)

    def lower(self, i: int) -> float:
        return self.band(i, 3)[0]

    def upper(self, i: int) -> float:
        return self.band(i, 3)[1]


def mean_moving_range(values) -> float | None:
    """MR̄ of consecutive values, screened for moving ranges at or above 3.267·MR̄."""
    ranges = [abs(b - a) for a, b in zip(values, values[1:])]
    if not ranges:
        return None
    average = statistics.fmean(ranges)
    kept = [r for r in ranges if r < MR_SCREEN * average]
    return statistics.fmean(kept) if kept else average


def xmr_limits(base, n: int) -> Limits | None:
    """I-chart limits from the baseline values, for the n points of the phase."""
    average = mean_moving_range(base)
    if average is None:
        return None
    centre, sigma = statistics.fmean(base), XMR_LIMIT * average / 3
    return Limits(centre, (sigma,) * n)


def p_limits(base_numerators, base_denominators, denominators) -> Limits:
    """p-chart limits from the baseline's pooled proportion, per point's own denominator."""
    centre = sum(base_numerators) / sum(base_denominators)
    sigma = tuple(math.sqrt(centre * (1 - centre) / n) for n in denominators)
    return Limits(centre, sigma, bounded=True)


def beyond(values, limits: Limits, k: float = 3) -> list[int]:
    """Indices of points strictly outside the k-sigma limits."""
    found = []
    for i, y in enumerate(values):
        low, high = limits.band(i, k)
        if y > high or y < low:
            found.append(i)
    return found


def phase_limits(series, phase, proportion: bool) -> Limits | None:
    """A phase's limits from its baseline: p-chart limits for proportions, else XmR."""
    if proportion:
        return p_limits(phase.base(series.numerators), phase.base(series.denominators),
                        phase.take(series.denominators))
    return xmr_limits(phase.base(series.values), phase.stop - phase.start)
