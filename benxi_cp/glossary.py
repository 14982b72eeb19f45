"""The help page's glossary: sections that each app registers from its AppConfig.ready().

A section is a template and a function computing its context from the app's own choices,
constants and catalogues, so the glossary says what the code does and cannot drift from it.
Every term has an anchor (`anchor`, and the ids its template gives its terms); pages link
to them with `{% help_link "anchor" %}` (benxi_cp/templatetags/help_tags.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from benxi_cp.registry import registry


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str  # lazily translated
    template: str
    order: int
    context: Callable[[], dict]


def sections() -> list[Section]:
    """The sections the apps registered (registry.glossary), in their order."""
    return list(registry.glossary)
