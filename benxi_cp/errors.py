"""The site's error pages: inside its layout, translated, each with a way back.

Django's own views render 403.html and 404.html with the request's context (navigation,
user). A server error and a failed CSRF check have their views here: the 500 page is
rendered without the context processors, which read the database that may be what failed.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseForbidden, HttpResponseServerError
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def server_error(request: HttpRequest) -> HttpResponseServerError:
    html = loader.render_to_string("500.html", {"site_title": settings.SITE_TITLE})
    return HttpResponseServerError(html)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    """A form sent with a missing or stale CSRF token (an old tab, cookies refused): the
    reason goes to the log (django.security.csrf), the page leads back to the form."""
    referer = request.headers.get("referer", "")
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    html = loader.render_to_string(
        "403_csrf.html", {"back_url": referer if allowed else ""}, request=request
    )
    return HttpResponseForbidden(html)
