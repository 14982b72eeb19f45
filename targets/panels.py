"""Panels other apps add to a department's page (the programme office's: its staff, its seats
on the leading team and its open tasks).

The target system knows nothing of those apps: they register a function here that returns
the panel's template and context for one department, or None to show nothing.
"""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

PanelFunction = Callable[[object, object], tuple[str, dict] | None]
_PANELS: list[tuple[int, PanelFunction]] = []


def register_panel(order: int = 100) -> Callable[[PanelFunction], PanelFunction]:
    def decorator(function: PanelFunction) -> PanelFunction:
        if all(f is not function for _o, f in _PANELS):
            _PANELS.append((order, function))
            _PANELS.sort(key=lambda pair: pair[0])
        return function

    return decorator


def panels_for(request, department) -> list[SafeString]:
    rendered = []
    for _order, function in _PANELS:
        panel = function(request, department)
        if panel is not None:
            template, context = panel
            rendered.append(render_to_string(template, context, request=request))
    return rendered
