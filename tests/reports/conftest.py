import pytest


@pytest.fixture
def programme(db):
    """A small programme whose figures for 2000 are worked out by hand in test_summary.py."""
    from tests.reports.scenario import build

    return build()


# The forms that read the permits, their monitoring and the tax: the `programme` scenario has
# none of it, `permitted` adds it (to E5, of 2000).
PERMIT_FORMS = ("compliance", "fees")


@pytest.fixture
def permitted(programme):
    from tests.reports.scenario import permits_2000

    permits_2000(programme["e5"])
    return programme


@pytest.fixture
def with_content(request, programme):
    """The programme, with the permits of 2000 for a form that reads them: `name` is the
    test's parameter."""
    if request.node.callspec.params.get("name") in PERMIT_FORMS:
        request.getfixturevalue("permitted")
    return programme
