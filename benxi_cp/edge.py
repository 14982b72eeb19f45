"""Control characters refused at the edge, before any view or query sees them.

A NUL byte in a query parameter (`?enterprise=%00`), a form's field or an API body reached
PostgreSQL, which refuses NUL in text: a server error. This middleware answers such a
request with 400 and a message naming the character and where it is: the path, a query
parameter, a form field (a file's content is not looked at here: the importers refuse a
file's control characters at its row), or a string of a JSON body of a page. The API's
bodies are its serializers' to refuse (their text fields hold the same rule), so that the
400 has the shape its schema states. The characters are those
of benxi_cp/validators.py (tab, line feed and carriage return are text).
"""

import json
import logging
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from benxi_cp.validators import control_character

logger = logging.getLogger(__name__)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/api/"


def _strings(value, where: str) -> Iterator[tuple[str, str]]:
    """Each string of a parsed JSON document (keys too), with where it is."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield where, key
            yield from _strings(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


def _texts(request: HttpRequest) -> Iterator[tuple[str, str]]:
    """Each text of the request that a view may read, with where it is."""
    yield "path", request.path
    for key, values in request.GET.lists():
        yield key, key
        for value in values:
            yield key, value
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.path.startswith(API_PREFIX):
        # The API reads its own bodies: its text fields refuse control characters with the
        # error of the operation's schema (the API's serializers); a form read here would be
        # gone for its parsers, which refuse it (415: its writes take JSON only).
        return
    if request.content_type in FORM_TYPES and request.method == "POST":
        for key, values in request.POST.lists():
            yield key, key
            for value in values:
                yield key, value
    elif request.content_type == "application/json" or request.content_type.endswith("+json"):
        try:
            document = json.loads(request.body)
        except ValueError:
            return  # not JSON: the view refuses it
        yield from _strings(document, "")


def find_control_character(request: HttpRequest) -> tuple[str, str] | None:
    """The first control character of the request and where it is; None when it has none."""
    for where, text in _texts(request):
        found = control_character(text)
        if found:
            return where, found
    return None


def refusal(request: HttpRequest, where: str, character: str) -> HttpResponse:
    message = _(
        "The request holds a control character (%(character)s: a NUL byte or another "
        "invisible character) in “%(where)s”, which no field accepts. Remove it and send "
        "the request again."
    ) % {"character": character, "where": where or _("the body")}
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=400)
    html = loader.render_to_string("400.html", {"message": message}, request=request)
    return HttpResponse(html, status=400)


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = find_control_character(request)
        if found is not None:
            where, character = found
            logger.info("refused %s %s: %s in %s", request.method, request.path, character, where)
            return refusal(request, where, character)
        return self.get_response(request)
