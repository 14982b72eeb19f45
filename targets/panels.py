"""Panels other apps add to a department's page (the programme office's: its staff, its seats
on the leading team and its open tasks): `@register_panel(order)` on a function
(request, department) -> (template, context) or None.
"""

from benxi_cp.panels import Panels

DEPARTMENT_PANELS = Panels()
register_panel = DEPARTMENT_PANELS.register
panels_for = DEPARTMENT_PANELS.render
