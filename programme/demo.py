"""Demo records of the programme office's registers (each register's own module)."""

from programme.demo_outreach import delete_outreach, foreign_outreach, load_outreach


def prepare(stdout) -> None:
    # Training and outreach; policies and incentives
    delete_outreach(stdout)


def load(stdout) -> None:
    # Training and outreach; policies and incentives
    load_outreach(stdout)


def foreign_records(loaded: bool) -> dict[str, int]:
    found: dict[str, int] = {}
    # Training and outreach; policies and incentives
    found.update(foreign_outreach(loaded))
    return found
