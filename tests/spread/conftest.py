"""Fixtures of the scale-up's tests: committee members enough for quorum, and an idea in scale-up."""
import pytest

from ideas.accounts.models import Role
from tests.support.spread import scale_up_idea


@pytest.fixture
def members(people, create_user):
    return [people["committee"], create_user(Role.COMMITTEE, name="Ravi Patel"),
            create_user(Role.COMMITTEE, name="Lena Novak")]


@pytest.fixture
def spread(people, members):
    """An idea of `people` in scale-up, and its three target units (two sites)."""
    return scale_up_idea(people, members)
