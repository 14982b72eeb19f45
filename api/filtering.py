"""The lists' filters read exactly as the API's schema states them.

Each filter is one value of its type, or empty for "all" (the schema states
`allowEmptyValue`, as the lists' pages read an empty filter). The pages read a yes/no
leniently (1 or 0 too) and a repeated parameter as its last value; a client of the API
generates its requests from the schema, so the API refuses, with 400 and the parameter's
error, a yes/no other than `true`, `false` or empty, and a filter given twice.
"""

import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

YES_NO_ALL = ("true", "false", "")


def query_problems(query_params, filters: dict) -> dict[str, list[str]]:
    """Each filter's problem, by its parameter: nothing when the filters are as stated."""
    problems = {}
    for name, one in filters.items():
        values = query_params.getlist(name)
        if isinstance(one, django_filters.BooleanFilter) and any(
            value not in YES_NO_ALL for value in values
        ):
            # The words of the yes/no filter's own refusal (benxi_cp/filters.py).
            problems[name] = [_("Enter a valid value.")]
        elif len(values) > 1:
            problems[name] = [_("Give this filter once.")]
    return problems


class ExactFilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing first what the schema does not allow."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            problems = query_problems(request.query_params, filterset.filters)
            if problems:
                raise ValidationError(problems)
        return filterset
