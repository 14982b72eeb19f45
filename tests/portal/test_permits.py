"""An enterprise user reads its own permits, limits, monitoring values, compliance and tax
(read-only, on the portal's pages); another enterprise's are not found, and the EPB's permit
pages stay closed to them."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from permits.models import Permit
from portal.models import Level
from tests.permits.test_compliance import value
from tests.permits.test_fees import discharge
from tests.permits.test_permits import make_permit

COD = ("DW001", "water", "COD", "daily_mean", "100", "mg/L", "daily")
SO2_TOTAL = ("", "", "SO2", "annual_total", "50", "t", "")


@pytest.fixture
def permitted(steel, cement):
    own = make_permit(steel, "P-S1", "2000-01-01", "2005-12-31", rows=[COD, SO2_TOTAL])
    own.document.save("permit.pdf", ContentFile(b"%PDF-1.4 own"), save=False)
    own.document_name, own.document_type = "permit.pdf", "application/pdf"
    own.save()
    other = make_permit(cement, "P-C2", "2000-01-01", "2005-12-31", rows=[COD])
    value(steel, "2001-03-02", "150")  # above its limit
    value(steel, "2001-03-03", "90")
    value(cement, "2001-03-02", "777")
    discharge(steel, 2001, "SO2", "60")  # more than the permitted 50 t
    return own, other


@pytest.mark.django_db
def test_an_enterprise_user_reads_its_own_permits_only(
    client, steel_user, make_enterprise_user, steel, permitted, django_assert_max_num_queries
):
    own, other = permitted
    for user in (steel_user, make_enterprise_user(steel, "steel-viewer", Level.VIEWER)):
        client.force_login(user)
        # session, user, grants, enterprises, permits, limits; for each enterprise: tax (3),
        # the clock's flag, concentration (limits, values by month, values by slot),
        # quantities (limits, verified discharge); the menu's permissions (3)
        with django_assert_max_num_queries(18):
            page = client.get(reverse("portal:permits") + "?year=2001")
        assert page.status_code == 200
        text = page.content.decode()
        assert "P-S1" in text and "P-C2" not in text and "Mingshan" not in text
        [row] = page.context["rows"]
        [series] = row["concentration"]
        assert (series.outlet, series.samples, series.exceedances) == ("DW001", 2, 1)
        [quantity] = row["quantities"]
        assert (quantity.pollutant, quantity.actual_t, quantity.exceeded) == ("SO2", 60, True)
        assert [line.pollutant for line in row["tax_lines"]] == ["SO2"]
        assert row["tax_total"] == row["tax_lines"][0].tax_yuan > 0
        assert reverse("portal:permit_document", args=[own.pk]) in text
        assert 'href="/permits/' not in text  # no link to the EPB's pages

        with django_assert_max_num_queries(10):
            page = client.get(reverse("portal:monitoring") + "?year=2001")
        values = list(page.context["page"])
        assert [v.value for v in values] == [90, 150] and page.context["outlets"] == ["DW001"]
        assert "777" not in page.content.decode()
        # A year that is not one is refused as on every page about one year, not replaced.
        for url in (reverse("portal:permits"), reverse("portal:monitoring")):
            refused = client.get(url + "?year=20x1")
            assert refused.status_code == 400

        document = client.get(reverse("portal:permit_document", args=[own.pk]))
        assert document.status_code == 200
        assert b"".join(document.streaming_content) == b"%PDF-1.4 own"
        assert client.get(reverse("portal:permit_document", args=[other.pk])).status_code == 404
        for url in (
            reverse("permits:list"),
            other.get_absolute_url(),
            own.get_absolute_url(),
            reverse("permits:monitoring"),
            reverse("permits:monitoring_entry"),
            reverse("permits:compliance"),
            reverse("permits:fees"),
        ):
            assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_staff_do_not_get_the_portals_permit_pages(client_as, permitted):
    staff = client_as("epb_staff")
    for url in (
        reverse("portal:permits"),
        reverse("portal:monitoring"),
        reverse("portal:permit_document", args=[Permit.objects.first().pk]),
    ):
        assert staff.get(url).status_code == 404, url
