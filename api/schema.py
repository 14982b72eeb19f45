"""The error responses every operation may give, added to the OpenAPI schema in one place
(drf-spectacular documents the success responses from the views); the view that serves it."""

import re
import threading

from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

from benxi_cp.validators import TEXT_PATTERN

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


# The query parameters of the lists' pages, not filters: an empty one is not "all".
PAGE_PARAMETERS = ("cursor", "page_size")


def state_query_parameters(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: a filter may be sent empty, and lists all (`allowEmptyValue`,
    as the lists' pages read it); a text query parameter (a search, a district, a cursor)
    holds no control character: the edge refuses one with 400 (benxi_cp/edge.py), so its
    schema states the pattern, as the bodies' text fields do."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                if parameter.get("name") not in PAGE_PARAMETERS:
                    parameter["allowEmptyValue"] = True
                schema = parameter.get("schema", {})
                if (
                    schema.get("type") == "string"
                    and "enum" not in schema
                    and "pattern" not in schema
                ):
                    schema["pattern"] = TEXT_PATTERN
    return result


BLANK = {"type": "string", "maxLength": 0}


def _collapse_blank(node) -> None:
    if isinstance(node, dict):
        alternatives = node.get("oneOf")
        if isinstance(alternatives, list) and len(alternatives) == 2 and BLANK in alternatives:
            (inner,) = [one for one in alternatives if one != BLANK]
            pattern = inner.get("pattern")
            if inner.get("type") == "string" and pattern and re.search(pattern, ""):
                del node["oneOf"]
                node.update(inner)
        for child in node.values():
            _collapse_blank(child)
    elif isinstance(node, list):
        for child in node:
            _collapse_blank(child)


def collapse_blank_texts(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: a text field that may be blank is one string of the text's
    pattern (which matches the empty text), not `oneOf` that pattern and an empty string:
    the empty string would match both, and `oneOf` would then refuse it."""
    _collapse_blank(result.get("components", {}).get("schemas", {}))
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
