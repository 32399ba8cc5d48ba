"""CSV upload of a measure's observations: a good file adds every row at once; a bad one names each bad line."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ideas.database import db
from ideas.pilots.csv_upload import MAX_BYTES, MAX_ROWS
from ideas.pilots.models import Observation
from ideas.pilots.operations import hospital_today
from tests.conftest import page_token, sign_in
from tests.support.ideas import idea_events

pytestmark = pytest.mark.usefixtures("no_second_factor")


def day(days_ago: int, fmt: str = "%Y-%m-%d") -> str:
    return (hospital_today() - timedelta(days=days_ago)).strftime(fmt)


def upload(client, idea, measure, content: bytes | None, filename: str = "falls.csv"):
    data = {"csrf_token": page_token(client, f"/ideas/{idea.id}/pilot")}
    if content is not None:
        data[f"u{measure.id}-file"] = (io.BytesIO(content), filename)
    return client.post(f"/ideas/{idea.id}/measures/{measure.id}/observations/upload", data=data,
                       content_type="multipart/form-data")


def saved() -> int:
    return db.session.scalar(select(func.count()).select_from(Observation))


def test_a_good_file_adds_every_row_in_one_event_and_one_signal(client, people, idea, falls, heard):
    sign_in(client, people["co_author"])
    content = f"date,value,note\n{day(3)},4\n{day(2)},5.5,Agency night\n\n{day(2)},6\n".encode()
    response = upload(client, idea, falls, content)
    assert response.status_code == 302
    assert [(o.observed_on.isoformat(), o.value, o.note) for o in db.session.scalars(
        select(Observation).order_by(Observation.id))] == [(day(3), 4.0, ""), (day(2), 5.5, "Agency night"),
                                                           (day(2), 6.0, "")]
    event = idea_events(idea)[-1]
    assert event.action == "observations.uploaded"
    assert event.changes["count"] == (None, 3) and event.changes["file"] == (None, "falls.csv")
    assert event.changes["rows"] == (None, [[day(3), "4.0"], [day(2), "5.5", "Agency night"], [day(2), "6.0"]])
    assert heard == [(falls.id, people["co_author"].id)]
    assert "3 observations added" in client.get(f"/ideas/{idea.id}/pilot").get_data(as_text=True)


def test_uk_dates_a_byte_order_mark_and_windows_line_ends_are_read(client, people, idea, falls):
    sign_in(client, people["submitter"])
    content = "\ufeffDate,Value\r\n{},1\r\n{},2\r\n".format(day(1, "%d/%m/%Y"), day(0, "%d/%m/%Y")).encode()
    assert upload(client, idea, falls, content).status_code == 302
    assert [o.observed_on.isoformat() for o in db.session.scalars(select(Observation))] == [day(1), day(0)]


def test_a_proportion_file_has_numerators_and_denominators(client, people, idea, checklist):
    sign_in(client, people["mentor"])
    content = f"date,numerator,denominator\n{day(1)},18,20\n{day(0)},20,20\n".encode()
    assert upload(client, idea, checklist, content, "checklist.csv").status_code == 302
    assert [(o.numerator, o.denominator) for o in db.session.scalars(select(Observation))] == [(18, 20), (20, 20)]


def test_every_bad_line_is_named_and_nothing_is_saved(client, people, idea, falls, heard):
    sign_in(client, people["submitter"])
    tomorrow = (hospital_today() + timedelta(days=1)).isoformat()
    content = (f"date,value\n{day(3)},4\n31/02/2026,5\n{day(2)},many\n{tomorrow},1\n{day(1)},nan\n"
               f"{day(1)},1,extra\n{day(0)},1e99\n{day(0)},2\n").encode()
    response = upload(client, idea, falls, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was saved" in html
    assert "Line 3: Date: “31/02/2026” is not a date" in html
    assert "Line 4: Value: “many” is not a number" in html
    assert "Line 5: Date:" in html and "in the future" in html
    assert "Line 6: Value: “nan” is not a number" in html
    assert "Line 7: 3 cells where the header has 2." in html
    assert "Line 8: Value: 1e99 is beyond ±1,000,000,000" in html and "Line 9" not in html
    assert saved() == 0 and heard == []


def test_a_proportion_above_its_denominator_is_named(client, people, idea, checklist):
    sign_in(client, people["submitter"])
    content = f"date,numerator,denominator\n{day(1)},21,20\n{day(0)},1,0\n{day(0)},1.5,2\n".encode()
    html = upload(client, idea, checklist, content).get_data(as_text=True)
    assert "Line 2: Numerator: 21 is above the denominator 20." in html
    assert "Line 3: Denominator: it must be above zero" in html
    assert "Line 4: Numerator: “1.5” is not a whole number" in html
    assert saved() == 0


@pytest.mark.parametrize("content, status, message", [
    (b"", 422, "Choose a CSV file"),
    (b"\n\n", 422, "The file is empty"),
    (b"date,value\n", 422, "a header but no observations"),
    (b"date,value\n" + b"2026-11-01,1\n" * 25_000, 413, "larger than the limit of 256 KiB"),
    (b"date,value\n" + b"2026-11-01,1\n" * (MAX_ROWS + 1), 422, "the limit is 5,000"),
    ("date,value\n2026-11-01,1,Café\n".encode("latin-1"), 422, "not UTF-8"),
    ("date,value\n2026-11-01,1\n".encode("utf-16"), 422, "not UTF-8"),
    (b"date,value\n2026-11-01,1\x00\n", 422, "NUL bytes"),
    (b"day,value\n2026-11-01,1\n", 422, "the column “date” is missing"),
    (b"date,numerator,denominator\n2026-11-01,1,2\n", 422, "the column “value” is missing"),
    (b"date,value,value\n2026-11-01,1,2\n", 422, "appears twice"),
])
def test_a_file_unfit_to_read_is_refused_with_its_reason(client, people, idea, falls, content, status, message):
    sign_in(client, people["submitter"])
    response = upload(client, idea, falls, content if content else None) if not content else \
        upload(client, idea, falls, content)
    html = response.get_data(as_text=True)
    assert response.status_code == status and message in html, html[-3000:]
    assert saved() == 0


def test_the_limit_is_on_the_bytes_read(client, people, idea, falls):
    assert len(b"date,value\n" + b"2026-11-01,1\n" * (MAX_ROWS + 1)) < MAX_BYTES  # the row limit is its own check


def test_an_unknown_measure_is_named(client, people, idea, falls):
    sign_in(client, people["submitter"])
    response = client.post(f"/ideas/{idea.id}/measures/999/observations/upload",
                           data={"csrf_token": page_token(client, f"/ideas/{idea.id}/pilot"),
                                 "u999-file": (io.BytesIO(b"date,value\n"), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 409 and "not in this idea" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["committee", "other_mentor", "stranger", "admin"])
def test_only_the_pilot_team_uploads(client, people, idea, falls, kind):
    sign_in(client, people[kind])
    assert upload(client, idea, falls, f"date,value\n{day(0)},1\n".encode()).status_code == 403
    assert saved() == 0
