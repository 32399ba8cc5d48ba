"""The settings a hospital changes without a deploy: names, defaults and how to read input.

Pure: no Flask or database import, so parsing is tested on its own.
"""
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Definition:
    name: str
    label: str
    hint: str
    parse: Callable[[str], object]
    default: object = None  # None: taken from the app config key `config_default`
    config_default: str | None = None


def whole_number(minimum: int, maximum: int, unit: str) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        text = (raw or "").strip()
        if not text:
            raise ValueError("Enter a number.")
        digits = text.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):  # not "٣" or "²", which int() takes or chokes on
            raise ValueError(f"Enter a whole number of {unit}, such as {maximum // 2 or 1}.")
        if len(digits) > 9 or not minimum <= int(text) <= maximum:
            raise ValueError(f"Enter a number from {minimum} to {maximum}.")
        return int(text)

    return parse


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone(raw: str) -> str:
    name = (raw or "").strip()
    if not name:
        raise ValueError("Enter a time zone, such as Europe/London.")
    if name not in time_zone_names():
        raise ValueError(f"{name[:60]!r} is not a time zone name; use a name such as Europe/London or America/New_York.")
    return name


DEFINITIONS: dict[str, Definition] = {d.name: d for d in (
    Definition("quorum", "Committee quorum",
               "How many eligible votes a committee round needs before it can decide.",
               whole_number(1, 50, "votes"), 3),
    Definition("stage_limit_unclaimed_days", "Days an idea may wait unclaimed",
               "A submitted idea nobody has claimed is flagged after this many days.",
               whole_number(1, 365, "days"), 7),
    Definition("stage_limit_mentor_review_days", "Days in mentor review",
               "An idea in mentor review is flagged after this many days.",
               whole_number(1, 365, "days"), 14),
    Definition("stage_limit_committee_review_days", "Days at committee",
               "An idea waiting for the committee is flagged after this many days.",
               whole_number(1, 365, "days"), 30),
    Definition("stage_limit_revision_days", "Days in revision",
               "An idea back with its team for revision is flagged after this many days.",
               whole_number(1, 365, "days"), 30),
    Definition("stage_limit_pilot_review_days", "Days at the pilot review",
               "A finished pilot waiting for the committee's review is flagged after this many days.",
               whole_number(1, 365, "days"), 30),
    Definition("open_queue_wait_days", "Days before the open queue",
               "A submitted idea waits this long in the paired mentor's queue before every mentor sees it "
               "(0: at once).",
               whole_number(0, 90, "days"), 3),
    Definition("condition_due_soon_days", "Days' notice of a condition's due date",
               "The owner of a condition of approval is reminded this many days before it is due.",
               whole_number(0, 90, "days"), 3),
    Definition("pilot_data_overdue_days", "Days a running pilot may go without data",
               "The pilot team is reminded when no observation has been recorded for this many days.",
               whole_number(1, 365, "days"), 14),
    Definition("time_zone", "Hospital time zone",
               "Times are shown, and due dates counted, in this zone (an IANA name).",
               time_zone, config_default="HOSPITAL_TIME_ZONE"),
)}
