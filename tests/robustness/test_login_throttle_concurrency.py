"""The log-in throttle (django-axes) under concurrency: clients from many addresses guessing
one account's password at once. Each failure is counted in one atomic step (axes locks its
row and adds one in the database), so the passwords checked never pass the limit by more
than the clients racing it, and the account ends locked for everyone; on SQLite (a file, its
connections in threads) and on PostgreSQL alike."""

import threading

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connections
from django.test import Client
from django.urls import reverse

from benxi_cp import roles
from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 8
EACH = 4
WRONG = "not-the-password-9"


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_concurrent_guesses_pass_the_limit_by_at_most_the_clients(
    shared_database, make_user, settings, monkeypatch
):
    make_user(roles.EPB_STAFF, "target")
    limit = settings.AXES_FAILURE_LIMIT
    checks = []  # each time the password was checked (list.append is atomic)
    check = ModelBackend.authenticate

    def counted(self, request, username=None, password=None, **kwargs):
        checks.append(username)
        return check(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counted)
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    errors: list[str] = []

    def guess(number: int) -> None:
        client = Client(REMOTE_ADDR=f"10.0.1.{number + 1}")
        try:
            barrier.wait()
            for _ in range(EACH):
                statuses.append(log_in(client, "target", WRONG).status_code)
        except Exception as error:  # noqa: BLE001  (a server error would land here)
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(set(statuses)) <= [200, 429]
    # The password was checked at least `limit` times (the lockout needs as many failures)
    # and at most the limit plus the clients racing it; every other attempt was refused.
    assert limit <= len(checks) <= limit + CLIENTS
    assert statuses.count(200) <= len(checks)
    assert statuses.count(429) >= CLIENTS * EACH - len(checks)
    # The account is locked from every address, even with its password.
    assert log_in(Client(REMOTE_ADDR="10.0.2.1"), "target", PASSWORD).status_code == 429
