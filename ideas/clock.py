"""The one place the application reads the time, so tests can move it; local days and times."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local_time(moment: datetime, zone: str) -> datetime:
    """A stored UTC time as the hospital's clock shows it."""
    return moment.astimezone(ZoneInfo(zone))


def start_of_local_day(day: date, zone: str, days_later: int = 0) -> datetime:
    """When the local day (plus `days_later`) begins, in UTC."""
    return datetime.combine(day + timedelta(days=days_later), time(), ZoneInfo(zone)).astimezone(UTC)


def local_today(zone: str) -> date:
    """Today's date on the hospital's clock: due dates count in local days."""
    return utcnow().astimezone(ZoneInfo(zone)).date()
