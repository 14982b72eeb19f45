"""The programme's sources of work items (autodiscovered by benxi_cp.worklist)."""

# Organisation: the open tasks meetings gave a department
from programme import worklist_organisation

worklist_organisation.register()
