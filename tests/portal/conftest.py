"""Two enterprises, each with its own enterprise user; grants made directly."""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from benxi_cp import roles
from enterprises.models import Enterprise
from portal.models import Basis, Grant, Level
from tests.fixtures import PASSWORD


@pytest.fixture
def steel(db) -> Enterprise:
    return Enterprise.objects.create(
        code="S-1", name="溪城钢铁厂", name_en="Xicheng Steel", sector="iron_steel"
    )


@pytest.fixture
def cement(db) -> Enterprise:
    return Enterprise.objects.create(
        code="C-2", name="明山水泥厂", name_en="Mingshan Cement", sector="building_materials"
    )


@pytest.fixture
def make_enterprise_user(db):
    def make(enterprise, username: str, level: str = Level.PREPARER, approved=True) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD)
        user.groups.add(Group.objects.get(name=roles.ENTERPRISE_USER))
        signatory = level == Level.SIGNATORY
        Grant.objects.create(
            user=user,
            enterprise=enterprise,
            level=level,
            basis=Basis.LEGAL_REPRESENTATIVE if signatory else "",
            approved_at=timezone.now() if signatory and approved else None,
        )
        return user

    return make


@pytest.fixture
def steel_user(make_enterprise_user, steel) -> User:
    return make_enterprise_user(steel, "steel-preparer")


@pytest.fixture
def cement_user(make_enterprise_user, cement) -> User:
    return make_enterprise_user(cement, "cement-preparer")


@pytest.fixture(autouse=True)
def _english(client):
    """The messages are asserted in English (the pages' default language is Chinese)."""
    client.cookies["django_language"] = "en"
