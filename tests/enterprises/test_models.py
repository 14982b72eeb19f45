import pytest
from django.db import IntegrityError, transaction

from enterprises.models import Enterprise, Pollutant


def make(**fields) -> Enterprise:
    values = {"code": "X-1", "name": "测试厂", "sector": "coal"} | fields
    return Enterprise.objects.create(**values)


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_code():
    make(code="DUP-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(code="DUP-1", name="另一厂", sector="coal")
    assert Enterprise.objects.filter(code="DUP-1").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_negative_employees():
    with pytest.raises(IntegrityError), transaction.atomic():
        make(employees=-1)
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_an_unknown_sector_and_an_empty_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        make(sector="shipbuilding")
    with pytest.raises(IntegrityError), transaction.atomic():
        make(code="")


@pytest.mark.django_db
def test_pollutant_catalogue_is_seeded_with_the_formats_units():
    units = dict(Pollutant.objects.values_list("code", "unit"))
    assert units["COD"] == "t"
    assert units["WASTEGAS"] == "10k Nm3"
    assert units["ENERGY"] == "tce"
    assert len(units) == 14


@pytest.mark.django_db
def test_enterprise_history_records_who_changed_what(epb_user):
    enterprise = make()
    enterprise.name = "改名厂"
    enterprise.stamp(epb_user)
    enterprise.save()
    assert enterprise.history.count() == 2
    assert enterprise.updated_by == epb_user
    assert enterprise.created_by is None


@pytest.mark.django_db
def test_search_matches_code_and_both_names():
    make(code="AB-1", name="溪城钢铁厂", name_en="Xicheng Steel")
    make(code="CD-2", name="明山煤矿", name_en="Mingshan Coal Mine")
    assert [e.code for e in Enterprise.objects.search("ab-")] == ["AB-1"]
    assert [e.code for e in Enterprise.objects.search("煤矿")] == ["CD-2"]
    assert [e.code for e in Enterprise.objects.search("steel")] == ["AB-1"]
