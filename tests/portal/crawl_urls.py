"""The project's URLs (benxi_cp.urls, the same patterns) with a plain 404 answer, for the
crawl of tests/portal/test_crawl.py: most of its thousands of requests are refused as not
found, a status the crawl reads without reading the page. Rendering Django's 404 page (the
site's templates/404.html, its navigation for the user) each time was most of the crawl's
time; that page, for an enterprise user too, is tested in tests/benxi_cp/test_errors.py and
tests/portal/test_scoping.py."""

from django.http import HttpResponseNotFound

from benxi_cp.urls import handler500, urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def handler404(request, exception):
    return HttpResponseNotFound(b"Not found", content_type="text/plain")
