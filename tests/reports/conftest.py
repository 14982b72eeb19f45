import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Charts are cached across requests; each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def programme(db):
    """A small programme whose figures for 2000 are worked out by hand in test_summary.py."""
    from tests.reports.scenario import build

    return build()
