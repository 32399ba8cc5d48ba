"""Fixtures of the scale-up's tests: committee members enough for quorum, and an idea in scale-up."""
import pytest

from tests.pilots.conftest import members  # noqa: F401  (three committee members, enough for quorum)
from tests.support.spread import scale_up_idea


@pytest.fixture
def spread(people, members):
    """An idea of `people` in scale-up, and its three target units (two sites)."""
    return scale_up_idea(people, members)
