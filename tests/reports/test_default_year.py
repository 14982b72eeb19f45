"""The one rule for the year a page opens on (reports/years.py): the latest year whose
reporting is complete, not the latest year that holds a record."""

import pytest
from django.urls import reverse

from benxi_cp.models import SiteFlag
from enterprises.models import DischargeReport, Enterprise
from reports import years


def test_complete_years_at_the_edges():
    # 4 enterprises reported 1999; 3 of 4 is enough for 2000, 2 of 3 is not for 2001.
    assert years.complete_years({1999: 4, 2000: 3, 2001: 2}, 2002) == [1999, 2000]
    assert years.complete_years({1999: 4, 2000: 3, 2001: 3}, 2002) == [1999, 2000, 2001]
    # A year that has not ended is never complete, however many reported.
    assert years.complete_years({1999: 4, 2000: 4}, 2000) == [1999]
    # A year whose reports are all drafts is not complete; after a gap the next one is.
    assert years.complete_years({1999: 4, 2000: 0, 2001: 1}, 2002) == [1999, 2001]


@pytest.mark.django_db
def test_one_report_of_a_new_year_does_not_move_the_pages(client_as):
    SiteFlag.objects.create(key=SiteFlag.DEMO_LOADED, value="2002-03-15")  # the clock
    enterprises = [
        Enterprise.objects.create(code=f"E-{i}", name=f"厂{i}", sector="coal") for i in range(4)
    ]
    for year in (1999, 2000):
        for enterprise in enterprises:
            DischargeReport.objects.create(
                enterprise=enterprise, year=year, period_kind="Y", status="submitted"
            )
    assert years.default_year() == 2000
    # 2001 has ended; one enterprise of four has reported it so far.
    DischargeReport.objects.create(
        enterprise=enterprises[0], year=2001, period_kind="Y", status="submitted"
    )
    assert years.data_years()[-1] == 2001 and years.default_year() == 2000
    response = client_as("leadership").get(reverse("reports:dashboard"))
    assert response.context["year"] == 2000 and 2001 in response.context["years"]
    # Three of four: complete.
    for enterprise in enterprises[1:3]:
        DischargeReport.objects.create(
            enterprise=enterprise, year=2001, period_kind="Y", status="submitted"
        )
    assert years.default_year() == 2001
