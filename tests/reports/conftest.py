import pytest


@pytest.fixture
def programme(db):
    """A small programme whose figures for 2000 are worked out by hand in test_summary.py."""
    from tests.reports.scenario import build

    return build()
