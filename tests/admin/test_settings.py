"""Settings kept in the database: typed values, defaults, the admin form's refusals."""
import pytest
from sqlalchemy import func, select

from ideas.extensions import db
from ideas.settings import get_setting
from ideas.settings.definitions import DEFINITIONS, time_zone, whole_number
from ideas.settings.models import Setting
from tests.admin.conftest import post

DEFAULTS = {"quorum": 3, "stage_limit_unclaimed_days": 7, "stage_limit_mentor_review_days": 14,
            "stage_limit_committee_review_days": 30, "stage_limit_revision_days": 30,
            "stage_limit_pilot_review_days": 30, "open_queue_wait_days": 3, "condition_due_soon_days": 3,
            "pilot_data_overdue_days": 14}


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Setting))


def form(**overrides) -> dict:
    return {**{name: str(value) for name, value in DEFAULTS.items()}, "time_zone": "Europe/London", **overrides}


def test_defaults(app):
    for name, value in DEFAULTS.items():
        assert get_setting(name) == value
    assert get_setting("time_zone") == app.config["HOSPITAL_TIME_ZONE"]


def test_unknown_setting_is_a_programming_error(app):
    with pytest.raises(KeyError):
        get_setting("colour")


def test_parsers_are_pure():
    assert whole_number(1, 5, "votes")(" 4 ") == 4
    for bad, message in [("0", "from 1 to 5"), ("three", "whole number of votes"), ("", "Enter a number."),
                         ("2.5", "whole number")]:
        with pytest.raises(ValueError, match=message):
            whole_number(1, 5, "votes")(bad)
    assert time_zone("America/New_York") == "America/New_York"
    for bad in ["Mars/Olympus_Mons", "../../etc/passwd", "", "europe/london"]:
        with pytest.raises(ValueError):
            time_zone(bad)
    assert set(DEFINITIONS) == {*DEFAULTS, "time_zone"}


def test_admin_changes_settings(client, admin):
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'value="3"' in page and 'value="Europe/London"' in page
    response = post(client, "/admin/settings", form(quorum="5", time_zone="Australia/Sydney"))
    assert response.status_code == 302
    assert "Saved: Committee quorum, Hospital time zone." in client.get("/admin/settings").get_data(as_text=True)
    assert get_setting("quorum") == 5 and get_setting("time_zone") == "Australia/Sydney"
    row = db.session.scalar(select(Setting).where(Setting.name == "quorum"))
    assert row.updated_by_id == admin.id


def test_saving_unchanged_settings_changes_nothing(client, admin):
    post(client, "/admin/settings", form())
    assert "Nothing was changed." in client.get("/admin/settings").get_data(as_text=True)
    assert stored() == 0


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("quorum", "0", "Enter a number from 1 to 50."),
    ("quorum", "three", "Enter a whole number of votes"),
    ("quorum", "٣", "Enter a whole number of votes"),
    ("quorum", "9" * 5000, "Enter a number from 1 to 50."),
    ("quorum", "", "Enter a number."),
    ("open_queue_wait_days", "-1", "Enter a number from 0 to 90."),
    ("stage_limit_committee_review_days", "9999", "Enter a number from 1 to 365."),
    ("time_zone", "Mars/Olympus_Mons", "is not a time zone name"),
    ("time_zone", "", "Enter a time zone"),
])
def test_bad_settings_are_explained_and_kept(client, admin, field, typed, message):
    response = post(client, "/admin/settings", {**form(quorum="4"), field: typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and f'id="{field}-error"' in html
    assert f'value="{typed}"' in html
    assert stored() == 0  # nothing half-saved, not even the good quorum
