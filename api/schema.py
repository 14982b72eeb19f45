"""The error responses every operation may give, added to the OpenAPI schema in one place
(drf-spectacular documents the success responses from the views); the view that serves it."""

import threading

from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": _("The errors of each parameter or field."),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _response(description, schema_ref: str) -> dict:
    return {
        "description": str(description),
        "content": {"application/json": {"schema": {"$ref": schema_ref}}},
    }


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: 401, 403, 404, 429 everywhere (a list's 404: an invalid cursor);
    400 where there are query parameters or a body, unless the view documents its own."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Detail", DETAIL)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    detail, fields = "#/components/schemas/Detail", "#/components/schemas/FieldErrors"
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", _response(_("Not authenticated"), detail))
            responses.setdefault("403", _response(_("Not allowed"), detail))
            responses.setdefault("429", _response(_("Too many requests"), detail))
            responses.setdefault(
                "404", _response(_("No such record, or an invalid page cursor"), detail)
            )
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault(
                    "400",
                    {
                        "description": str(_("Invalid parameters or body")),
                        "content": {
                            "application/json": {
                                "schema": {"anyOf": [{"$ref": fields}, {"$ref": detail}]}
                            }
                        },
                    },
                )
    return result


# The lists a request must not send empty: (component, property). drf-spectacular does not
# state a list serializer's `allow_empty=False`, nor a field that refuses an empty list.
NON_EMPTY_LISTS = (
    ("BatchRequest", "reports"),  # BatchSerializer.reports: allow_empty=False
    ("BatchReportRequest", "values"),  # BatchValuesField: "A report needs at least one value."
)


def state_non_empty_lists(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: `minItems: 1` on the request lists the API refuses empty."""
    schemas = result.get("components", {}).get("schemas", {})
    for component, name in NON_EMPTY_LISTS:
        field = schemas.get(component, {}).get("properties", {}).get(name)
        if field is not None:
            field["minItems"] = 1
    return result


class SchemaView(SpectacularAPIView):
    """The schema, generated one request at a time in a process: drf-spectacular's generator
    keeps its state where concurrent requests share it, and two generating at once failed
    ("Schema generation REQUIRES a view instance", a server error) when the documentation
    page and a client fetched the schema together."""

    generation = threading.Lock()

    def _get_schema_response(self, request):
        with self.generation:
            return super()._get_schema_response(request)
