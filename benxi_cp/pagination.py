"""A paginator that never counts more than COUNT_CAP rows.

At province scale a list's unfiltered COUNT(*) reads hundreds of thousands of rows on every
request. This one counts at most COUNT_CAP + 1 rows (SELECT COUNT(*) FROM (… LIMIT n)): one
query at every scale, bounded work. Beyond the cap the list says "more than COUNT_CAP
records" and pages up to the cap; sorting the other way or filtering reaches the rest.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000


def _queryset(object_list) -> QuerySet | None:
    """The QuerySet behind django-tables2's rows (BoundRows → TableQuerysetData → QuerySet)."""
    data = getattr(object_list, "data", object_list)
    data = getattr(data, "data", data)
    return data if isinstance(data, QuerySet) else None


class CappedCountPaginator(Paginator):
    capped = False

    @cached_property
    def count(self) -> int:
        queryset = _queryset(self.object_list)
        if queryset is None:
            return super().count
        counted = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)
