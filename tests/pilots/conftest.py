"""Fixtures of the pilot records' tests: a running pilot, its measures, and a listener for the signal."""
import pytest

from ideas.accounts.models import Role
from ideas.database import db
from ideas.pilots.signals import observations_changed
from tests.support.pilots import measure_named, running_pilot

@pytest.fixture
def members(people, create_user):
    """Three committee members, enough for quorum."""
    return [people["committee"], create_user(Role.COMMITTEE, name="Ravi Patel"),
            create_user(Role.COMMITTEE, name="Lena Novak")]


@pytest.fixture
def idea(people, members):
    """A running pilot of `people`."""
    return running_pilot(people, members)


@pytest.fixture
def falls(idea):
    """The pilot's outcome measure, observed as values."""
    return measure_named(idea, "Night-time falls")


@pytest.fixture
def checklist(idea):
    """The process measure, observed as a proportion (patients with the checklist of patients on the ward)."""
    measure = measure_named(idea, "Checklist done")
    measure.proportion = True
    db.session.commit()
    return measure


@pytest.fixture
def heard():
    """Every `observations_changed` sent: (measure id, actor id)."""
    calls = []

    def receiver(measure, actor):
        calls.append((measure.id, actor.id))

    observations_changed.connect(receiver)
    yield calls
    observations_changed.disconnect(receiver)
