"""The target system's rules hold in the database, whatever the forms do."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from targets.models import Actual, Department, Indicator, Target, may_write_actuals


@pytest.mark.django_db
def test_one_target_per_indicator_and_goal_year(make_indicator, make_target):
    indicator = make_indicator()
    make_target(indicator, goal=(2000, "80"))
    make_target(indicator, goal=(2005, "60"))  # another goal year is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        make_target(indicator, baseline=(1997, "90"), goal=(2000, "70"))
    assert Target.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("goal_year", [1996, 1990])
def test_the_goal_year_comes_after_the_baseline_year(make_indicator, make_target, goal_year):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_target(make_indicator(), baseline=(1996, "100"), goal=(goal_year, "80"))
    assert not Target.objects.exists()


@pytest.mark.django_db
def test_one_actual_per_indicator_and_year(make_indicator):
    indicator = make_indicator()
    Actual.objects.create(indicator=indicator, year=1997, value=Decimal("5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Actual.objects.create(indicator=indicator, year=1997, value=Decimal("6"), source="computed")
    assert Actual.objects.get().value == Decimal("5")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [{"year": 1900}, {"year": 2200}, {"source": "guessed"}],
)
def test_actual_year_and_source_are_checked(make_indicator, fields):
    values = {"indicator": make_indicator(), "year": 1997, "value": Decimal("1")} | fields
    with pytest.raises(IntegrityError), transaction.atomic():
        Actual.objects.create(**values)


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [{"dimension": "cultural"}, {"direction": "up"}, {"code": ""}])
def test_indicator_codes_are_checked(make_indicator, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_indicator(**({"code": "x"} | fields))


@pytest.mark.django_db
def test_a_department_with_indicators_cannot_be_deleted(make_indicator, department):
    make_indicator()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        department.delete()
    assert Department.objects.filter(code="epb").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,environmental,social",
    [
        ("administrator", True, True),
        ("epb_staff", True, False),
        ("auditor", False, False),
        ("leadership", False, False),
    ],
)
def test_who_may_enter_actuals_of_which_dimension(
    make_user, make_indicator, role, environmental, social
):
    env = make_indicator("cod")
    soc = make_indicator("jobs", dimension="social", direction="higher")
    user = make_user(role)
    assert may_write_actuals(user, env) is environmental
    assert may_write_actuals(user, soc) is social
    writable = set(Indicator.objects.actuals_writable_by(user).values_list("code", flat=True))
    assert writable == {c for c, ok in (("cod", environmental), ("jobs", social)) if ok}


@pytest.mark.django_db
def test_the_roles_hold_the_permissions_of_the_matrix():
    def codenames(role):
        group = Group.objects.get(name=role)
        return set(
            group.permissions.filter(content_type__app_label="targets").values_list(
                "codename", flat=True
            )
        )

    assert {"add_target", "change_indicator", "enter_any_actual", "recompute_actual"} <= codenames(
        "administrator"
    )
    assert codenames("epb_staff") == {
        "view_department",
        "view_indicator",
        "view_target",
        "view_actual",
        "add_actual",
        "change_actual",
    }
    view_only = {"view_department", "view_indicator", "view_target", "view_actual"}
    assert codenames("auditor") == view_only
    assert codenames("leadership") == view_only
