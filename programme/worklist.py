"""The programme's sources of work items (autodiscovered by benxi_cp.worklist)."""

from benxi_cp import worklist

# Organisation: the open tasks meetings gave a department -------------------------------------
from programme.worklist_organisation import open_tasks

worklist.register("programme.tasks", open_tasks)
