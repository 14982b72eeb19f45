"""`/api/schema/` gave a server error when two requests generated it at once ("Schema
generation REQUIRES a view instance", drf-spectacular's generator shares its state between
threads): the API documentation page and a client fetching the schema were enough. Now the
schema is generated one request at a time, and every concurrent request gets it whole."""

import threading

import pytest
from rest_framework.test import APIRequestFactory, force_authenticate

from api.schema import SchemaView
from benxi_cp import roles

THREADS = 6


@pytest.mark.django_db
def test_concurrent_requests_each_get_the_whole_schema(make_user):
    user = make_user(roles.LEADERSHIP)
    view = SchemaView.as_view(urlconf=None)
    barrier = threading.Barrier(THREADS)
    outcomes: list = []

    def fetch():
        request = APIRequestFactory().get("/api/schema/?format=json&lang=en")
        force_authenticate(request, user=user)
        barrier.wait()
        try:
            response = view(request)
            response.render()
            outcomes.append((response.status_code, len(response.data["paths"])))
        except Exception as error:  # noqa: BLE001  (what the server would have turned into a 500)
            outcomes.append(repr(error))

    threads = [threading.Thread(target=fetch) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == THREADS
    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    assert {status for status, _paths in outcomes} == {200}
    assert len({paths for _status, paths in outcomes}) == 1
