"""The search across the application and the glossary: pages for every logged-in user,
each showing only what the user's permissions allow (benxi_cp/search.py,
benxi_cp/glossary.py)."""

from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from benxi_cp import glossary, search


class SearchView(TemplateView):
    enterprise_scoped = True  # every hit goes through scoping.scope_for
    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        query = search.parse(self.request.GET.get("q"))
        groups = search.search(self.request.user, query)
        return super().get_context_data(
            title=gettext_lazy("Search"),
            query=query,
            min_length=search.MIN_LENGTH,
            groups=groups,
            found=[group for group in groups if group.count],
            total=sum(group.count for group in groups),
            **kwargs,
        )


class GlossaryView(TemplateView):
    enterprise_scoped = True  # the terms and rules, no records
    template_name = "help/glossary.html"

    def get_context_data(self, **kwargs):
        sections = [
            {"section": section, "context": section.context()} for section in glossary.sections()
        ]
        return super().get_context_data(
            title=gettext_lazy("Help: glossary"), sections=sections, **kwargs
        )
