"""The programme office's demo records: each register's part lives in its own module."""

from programme import demo_investment


def load(stdout) -> None:
    # Environmental investment
    demo_investment.load(stdout)


def foreign_records(loaded: bool) -> dict[str, int]:
    found: dict[str, int] = {}
    # Environmental investment
    found.update(demo_investment.foreign_records(loaded))
    return found
