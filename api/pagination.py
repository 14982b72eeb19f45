from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Cursor pages in the order of the primary key: stable while records are added, and one
    indexed range scan per page whatever the size of the register.

    `page_size` is read exactly as the schema states it: one whole number from 1 to the
    maximum; anything else (0, 1001, "null", the parameter twice) is a 400, not quietly
    the default page."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[0]
        if len(values) == 1 and value.isascii() and value.isdigit():
            size = int(value)
            if 1 <= size <= self.max_page_size:
                return size
        raise ValidationError(
            {
                self.page_size_query_param: [
                    _("Give one whole number from 1 to %(maximum)s.")
                    % {"maximum": self.max_page_size}
                ]
            }
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
