"""The programme office's demo records; each register's part lives in its own module."""

from programme import demo_organisation


def load(stdout) -> None:
    demo_organisation.load(stdout)


def foreign_records(loaded: bool) -> dict[str, int]:
    found: dict[str, int] = {}
    found.update(demo_organisation.foreign_records(loaded))
    return found
