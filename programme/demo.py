"""Demo records of the programme office's registers; each register's part lives in its own
module."""

from programme.investment import demo as demo_investment
from programme.organisation import demo as demo_organisation
from programme.outreach.demo import delete_outreach, foreign_outreach, load_outreach


def prepare(stdout) -> None:
    # Training and outreach; policies and incentives
    delete_outreach(stdout)


def load(stdout) -> None:
    demo_organisation.load(stdout)
    # Training and outreach; policies and incentives
    load_outreach(stdout)
    # Environmental investment
    demo_investment.load(stdout)


def foreign_records(loaded: bool) -> dict[str, int]:
    found: dict[str, int] = {}
    found.update(demo_organisation.foreign_records(loaded))
    # Training and outreach; policies and incentives
    found.update(foreign_outreach(loaded))
    # Environmental investment
    found.update(demo_investment.foreign_records(loaded))
    return found
