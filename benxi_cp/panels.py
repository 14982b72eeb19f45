"""Panels that other apps add to a page of one app (the enterprise page, the audit page, a
department's page), so that the page's app knows nothing of them.

A panel is a function `(request, obj)` returning the panel's template and context for that
object, or None to show nothing; the page renders them in their order.
"""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

PanelFunction = Callable[[object, object], tuple[str, dict] | None]


class Panels:
    """The panels of one kind of page, in the order they were registered with."""

    def __init__(self) -> None:
        self._panels: list[tuple[int, PanelFunction]] = []

    def register(self, order: int = 100) -> Callable[[PanelFunction], PanelFunction]:
        def decorator(function: PanelFunction) -> PanelFunction:
            if all(f is not function for _o, f in self._panels):
                self._panels.append((order, function))
                self._panels.sort(key=lambda pair: pair[0])
            return function

        return decorator

    def render(self, request, obj) -> list[SafeString]:
        rendered = []
        for _order, function in self._panels:
            panel = function(request, obj)
            if panel is not None:
                template, context = panel
                rendered.append(render_to_string(template, context, request=request))
        return rendered
