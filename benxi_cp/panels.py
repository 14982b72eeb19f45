"""Panels that other apps add to a page of one app (the enterprise page, the audit page, a
department's page), so that the page's app knows nothing of them.

A panel (`Panel`) names its page, by the name the page's app gives it, and a function
`(request, obj)` returning the panel's template and context for that object, or None to
show nothing. Apps register their panels in `registry.panels` from their AppConfig.ready();
the page renders its panels (`render`) in their order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from benxi_cp.registry import registry

PanelFunction = Callable[[object, object], tuple[str, dict] | None]


@dataclass(frozen=True)
class Panel:
    page: str
    function: PanelFunction
    order: int = 100


def render(page: str, request, obj) -> list[SafeString]:
    """The panels of `page` for `obj`, rendered, in their order."""
    rendered = []
    for panel in registry.panels:
        if panel.page != page:
            continue
        found = panel.function(request, obj)
        if found is not None:
            template, context = found
            rendered.append(render_to_string(template, context, request=request))
    return rendered
