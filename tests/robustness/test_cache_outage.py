"""Redis down: a six-second outage gave 62 server errors (every API call, whose throttle read
the cache, and the dashboards, summary, claims, trends and forms). Now the cache is an
optimisation: with Redis unreachable or stopped under the site, the pages and the API answer
(their figures computed in the process), one log line says so, the throttle counts per
process (with its own log line), and all goes back to Redis by itself when it returns."""

import logging
import time

import pytest
from django.urls import reverse

from benxi_cp import roles
from tests.robustness.conftest import free_port, redis_caches

PAGES = [
    reverse("reports:dashboard"),
    reverse("reports:epb_dashboard"),
    reverse("reports:claims"),
    reverse("reports:trends"),
    reverse("reports:forms"),
]
API = ["/api/v1/enterprises/", "/api/v1/discharge-reports/", "/api/v1/programme-summary/1998/"]


def answers(client, api) -> list[int]:
    statuses = [client.get(url).status_code for url in PAGES]
    return statuses + [api.get(url).status_code for url in API]


def logged(caplog, text: str) -> int:
    return sum(text in record.getMessage() for record in caplog.records)


@pytest.fixture
def readers(client_as, api_as, city, settings):
    settings.API_THROTTLE_RATE = "1000/minute"
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    return client, api_as(roles.ADMINISTRATOR)


@pytest.mark.django_db
def test_with_redis_unreachable_the_pages_and_the_api_answer(
    readers, settings, fresh_cache_state, caplog
):
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{free_port()}/0")  # nobody listens
    client, api = readers
    caplog.set_level(logging.WARNING)
    started = time.perf_counter()
    assert answers(client, api) == [200] * (len(PAGES) + len(API))
    assert answers(client, api) == [200] * (len(PAGES) + len(API))
    assert time.perf_counter() - started < 30
    assert logged(caplog, "the cache (Redis) does not answer") == 1  # once, not per call
    assert logged(caplog, "the API throttle counts in this process only") == 1


@pytest.mark.django_db
def test_the_throttle_holds_per_process_while_redis_is_down(
    api_as, city, settings, fresh_cache_state
):
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{free_port()}/0")
    settings.API_THROTTLE_RATE = "3/minute"
    api = api_as(roles.LEADERSHIP)
    assert [api.get(API[0]).status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.django_db
def test_redis_stopped_and_started_under_the_site(readers, settings, private_redis, caplog):
    settings.CACHES = redis_caches(private_redis.url)
    settings.BENXI_CACHE_RETRY_SECONDS = 1
    client, api = readers
    caplog.set_level(logging.WARNING)
    assert answers(client, api) == [200] * (len(PAGES) + len(API))
    assert private_redis.client().dbsize() > 0  # the figures and the throttle are in Redis
    private_redis.stop()
    assert answers(client, api) == [200] * (len(PAGES) + len(API))
    assert logged(caplog, "the cache (Redis) does not answer") == 1
    private_redis.start()  # an empty Redis, as after a restart
    time.sleep(1.1)  # the retry delay
    assert answers(client, api) == [200] * (len(PAGES) + len(API))
    assert logged(caplog, "the cache (Redis) answers again") == 1
    assert logged(caplog, "the API throttle counts in Redis again") == 1
    assert private_redis.client().dbsize() > 0  # back to the shared cache
