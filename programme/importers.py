"""The programme's importers (autodiscovered by benxi_cp; each registers itself)."""

# Organisation: members of bodies, tasks
from programme import importers_organisation  # noqa: F401
