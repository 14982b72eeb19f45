"""Panels other apps add to a department's page (the programme office's: its staff, its seats
on the leading team and its open tasks): a `benxi_cp.panels.Panel` of the page `PAGE`, on a
function (request, department) -> (template, context) or None.
"""

from benxi_cp import panels

PAGE = "department"


def panels_for(request, department):
    return panels.render(PAGE, request, department)
