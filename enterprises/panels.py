"""Panels other apps add to the enterprise page (its audits, its discharge reports, ...):
`@register_panel(order)` on a function (request, enterprise) -> (template, context) or None.
"""

from benxi_cp.panels import Panels

ENTERPRISE_PANELS = Panels()
register_panel = ENTERPRISE_PANELS.register
panels_for = ENTERPRISE_PANELS.render
