"""The help page's glossary: sections that each app registers in its own `glossary.py`.

A section is a template and a function computing its context from the app's own choices,
constants and catalogues, so the glossary says what the code does and cannot drift from it.
Every term has an anchor (`anchor`, and the ids its template gives its terms); pages link
to them with `{% help_link "anchor" %}` (benxi_cp/templatetags/help_tags.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str  # lazily translated
    template: str
    order: int
    context: Callable[[], dict]


_SECTIONS: dict[str, Section] = {}
_discovered = False


def register(*sections: Section) -> None:
    for section in sections:
        _SECTIONS[section.anchor] = section


def sections() -> list[Section]:
    global _discovered
    if not _discovered:
        autodiscover_modules("glossary")
        _discovered = True
    return sorted(_SECTIONS.values(), key=lambda section: section.order)
