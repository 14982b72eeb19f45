"""Named users per role, and clients logged in as them. Every test module uses these."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from benxi_cp import roles

FORMATS_DIR = Path(__file__).resolve().parent.parent / "docs" / "formats"
PASSWORD = "test-password-123"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Figures and charts are cached under the tokens of their scopes (benxi_cp.datacache),
    which a test's rolled-back transaction winds back: each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def formats_dir() -> Path:
    if not FORMATS_DIR.is_dir():
        pytest.fail(f"docs/formats not found at {FORMATS_DIR}")
    return FORMATS_DIR


@pytest.fixture
def make_user(db):
    def make(role: str | None, username: str | None = None) -> User:
        user = User.objects.create_user(
            username=username or f"{role or 'nobody'}-user", password=PASSWORD
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def administrator(make_user) -> User:
    return make_user(roles.ADMINISTRATOR)


@pytest.fixture
def epb_user(make_user) -> User:
    return make_user(roles.EPB_STAFF)


@pytest.fixture
def epb_verifier(make_user) -> User:
    """A second member of the EPB: verifies what `epb_user` entered (separation of duties)."""
    return make_user(roles.EPB_STAFF, "epb-verifier")


@pytest.fixture
def auditor_user(make_user) -> User:
    return make_user(roles.AUDITOR)


@pytest.fixture
def leader_user(make_user) -> User:
    return make_user(roles.LEADERSHIP)


@pytest.fixture
def client_as(client, make_user):
    """client_as("epb_staff") gives the test client logged in as a new user of that role."""
    users: dict[str, User] = {}

    def login(role: str):
        if role not in users:
            users[role] = make_user(role)
        client.force_login(users[role])
        return client

    return login


ALL_ROLES = [roles.ADMINISTRATOR, roles.EPB_STAFF, roles.AUDITOR, roles.LEADERSHIP]


@pytest.fixture(scope="module")
def _demo_for_the_module(django_db_setup, django_db_blocker):
    """load_demo once for the module (8-10 s a load), in a transaction rolled back at the
    module's end: the module's other tests that use the database must come before the first
    that asks for `demo_city`, or they see the demo too."""
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_city(_demo_for_the_module, db):
    """The demo city, loaded once for the module; each test runs in a savepoint of its own
    inside the module's transaction (pytest-django's `db`), so what it writes is undone."""


_REFERENCE_DATA: dict[str, str] = {}


def _serialize_reference_data() -> str:
    """Every row the migrations wrote, except content types and permissions, which the
    post-migrate signal recreates after a flush (with new ids: hence natural keys)."""
    from django.apps import apps
    from django.core import serializers

    skip = {"contenttypes.contenttype", "auth.permission"}
    app_list = [(config, None) for config in apps.get_app_configs()]
    models = [
        model
        for model in serializers.sort_dependencies(app_list)
        if model._meta.label_lower not in skip and not model._meta.proxy
    ]
    rows = [obj for model in models for obj in model._default_manager.order_by("pk")]
    return serializers.serialize("json", rows, use_natural_foreign_keys=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep the reference data the migrations wrote (roles and their permissions, catalogues).

    Transactional tests (browser tests with live_server) end with a flush that empties
    every table; `reference_data` puts the migrations' data back before the next one.
    Django's own serialized_rollback cannot be used: Playwright's event loop gives the
    test a different connection object than the one the contents were stored on.
    """
    with django_db_blocker.unblock():
        _REFERENCE_DATA["default"] = _serialize_reference_data()


@pytest.fixture(autouse=True)
def reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional:
        return
    request.node.stash[_FLUSHED] = True
    request.getfixturevalue("transactional_db")
    _restore_reference_data()


_FLUSHED = pytest.StashKey[bool]()


def _restore_reference_data():
    if not Group.objects.exists():
        from django.core import serializers

        for obj in serializers.deserialize("json", _REFERENCE_DATA["default"]):
            obj.save()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the reference data back at once: under
    pytest-xdist a worker may run ordinary tests (one transaction each, rolled back) after
    it, which would otherwise find no roles and no catalogues."""
    yield
    # After the last test the test database is gone already: nothing to put back.
    if item.stash.get(_FLUSHED, False) and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_reference_data()
