"""A measure's observations, checked: finite values, or proportions with sound denominators."""
import csv
import io
import math
from dataclasses import dataclass
from datetime import date

from ideas.errors import Invalid


class ChartInputError(Invalid):
    """Data a chart cannot be drawn from; `row` is the 0-based point (or `line` the file line)."""

    def __init__(self, message: str, row: int | None = None, line: int | None = None):
        super().__init__(message, field="observations")
        self.row = row
        self.line = line


@dataclass(frozen=True)
class Series:
    """Values in time order; for a proportion, numerators and denominators too."""

    values: tuple[float, ...]
    labels: tuple[str, ...]
    numerators: tuple[float, ...] | None = None
    denominators: tuple[float, ...] | None = None

    @property
    def is_proportion(self) -> bool:
        return self.denominators is not None


def _labels(n: int, labels) -> tuple[str, ...]:
    if labels is None:
        return tuple(f"point {i + 1}" for i in range(n))
    if len(labels) != n:
        raise ChartInputError(f"{len(labels)} labels were given for {n} points.")
    return tuple(str(label) for label in labels)


class _Bad(ValueError):
    """A reason without its place; the caller names the point or the line."""


def _number(x, what: str) -> float:
    try:
        number = float(x)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise _Bad(f"the {what} {x!r} is not a finite number")
    return number


def _proportion(x, n) -> tuple[float, float]:
    top, bottom = _number(x, "numerator"), _number(n, "denominator")
    if bottom <= 0:
        raise _Bad(f"the denominator is {n}; it must be above zero")
    if not 0 <= top <= bottom:
        raise _Bad(f"the numerator {x} is not between 0 and the denominator {n}")
    return top, bottom


def _each(names, check, *columns) -> list:
    """`check` applied to each point, a failure named by the point."""
    checked = []
    for i, cells in enumerate(zip(*columns, strict=True)):
        try:
            checked.append(check(*cells))
        except _Bad as bad:
            raise ChartInputError(f"{names[i]}: {bad}.", row=i) from None
    return checked


def series_of_values(values, labels=None) -> Series:
    """Measurements (one value a point), each a finite number."""
    if not values:
        raise ChartInputError("There are no observations to chart.")
    names = _labels(len(values), labels)
    return Series(tuple(_each(names, lambda v: _number(v, "value"), values)), names)


def series_of_proportions(numerators, denominators, labels=None) -> Series:
    """Proportions: 0 ≤ numerator ≤ denominator, denominator above zero."""
    if not numerators:
        raise ChartInputError("There are no observations to chart.")
    if len(numerators) != len(denominators):
        raise ChartInputError(f"{len(numerators)} numerators but {len(denominators)} denominators.")
    names = _labels(len(numerators), labels)
    pairs = _each(names, _proportion, numerators, denominators)
    tops, bottoms = (tuple(column) for column in zip(*pairs, strict=True))
    return Series(tuple(t / b for t, b in pairs), names, tops, bottoms)


def _label(raw: str) -> str:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise _Bad(f"the date {raw!r} is not a date (YYYY-MM-DD)") from None
    return f"{day.day} {day:%b %Y}"


def _row(record: dict) -> tuple:
    """One CSV row: its label and its numbers, checked as the chart will check them."""
    label = _label(record["date"]) if "date" in record else ""
    if "value" in record:
        return label, _number(record["value"], "value")
    return label, *_proportion(record["numerator"], record["denominator"])


def read_csv(text: str) -> Series:
    """A CSV with a header: `date,value` or `date,numerator,denominator` (date optional, ISO)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ChartInputError("The file is empty: it needs a header line and one row a point.", line=1)
    header = [cell.strip().lower() for cell in rows[0]]
    columns = set(header) - {"date"}
    if columns not in ({"value"}, {"numerator", "denominator"}) or len(header) != len(set(header)):
        raise ChartInputError(f"line 1: the header {','.join(header)!r} should be date,value or "
                              "date,numerator,denominator.", line=1)
    checked = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ChartInputError(f"line {line}: {len(row)} cells where the header has {len(header)}.", line=line)
        try:
            checked.append(_row(dict(zip(header, (cell.strip() for cell in row), strict=True))))
        except _Bad as bad:
            raise ChartInputError(f"line {line}: {bad}.", line=line) from None
    if not checked:
        raise ChartInputError("The file has a header but no observations.", line=2)
    labels = [label or f"point {i + 1}" for i, (label, *_) in enumerate(checked)]
    if "value" in columns:
        return series_of_values([numbers[0] for _, *numbers in checked], labels)
    return series_of_proportions([r[1] for r in checked], [r[2] for r in checked], labels)
