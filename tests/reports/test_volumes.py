"""Volumes of the annual forms that list enterprises (reports/annual.py Volume): a form restricted
to a district's or a sector's enterprises with the volume's totals, on the page, in every
download, in the background job and the command; and the contents volume, the PDF of a whole
form too long to print in one (settings.BENXI_PDF_WHOLE_ROWS)."""

import csv
import io
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from benxi_cp import roles
from benxi_cp.models import Job
from enterprises.models import AnnualDischarge, Enterprise, Pollutant
from reports import annual, closing, output
from reports.annual import Volume
from reports.choices import CopyFormat
from tests.reports.factories import make_report
from tests.reports.test_annual import CACHED_PAGE, FORM_QUERIES, VOLUME_FILTER

pytestmark = pytest.mark.django_db

PINGSHAN, XIHU = "平山区", "溪湖区"
# E1–E3 in Pingshan (E1 iron and steel, E2 and E3 chemicals), E4–E5 in Xihu, E6–E7 without.
DISTRICTS = {"E1": PINGSHAN, "E2": PINGSHAN, "E3": PINGSHAN, "E4": XIHU, "E5": XIHU}


@pytest.fixture(autouse=True)
def english():
    """The labels the tests read, in English (the pages: the client's cookie)."""
    with translation.override("en"):
        yield


@pytest.fixture
def districts(programme):
    """The programme with its enterprises in two districts (two without one), and verified
    reports of 1999 and 2000 in each (the scenario has few)."""
    for code, district in DISTRICTS.items():
        Enterprise.objects.filter(code=code).update(district=district)
    make_report(programme["e1"], 2000, {"COD": "500", "SO2": "90"})
    make_report(programme["e2"], 2000, {"COD": "20", "SO2": "5"})
    make_report(programme["e4"], 1999, {"COD": "30"})
    make_report(programme["e4"], 2000, {"COD": "25", "SO2": "10"})
    make_report(programme["e5"], 2000, {"SO2": "7"})
    make_report(programme["e6"], 2000, {"COD": "11"})
    return programme


@pytest.fixture
def leader(districts, client_as):
    client = client_as(roles.LEADERSHIP)
    client.cookies["django_language"] = "en"
    return client


def codes_of(volume: Volume) -> set[str]:
    return set(Enterprise.objects.filter(volume.q()).values_list("code", flat=True))


def detail_codes(form) -> set[str]:
    table = next(t for t in form.tables if t.key == "enterprises")
    return {row["_group"].split()[0] for row in table.rows if "_group" in row}


# The figures of a volume -----------------------------------------------------------------


@pytest.mark.parametrize(
    "volume",
    [Volume(PINGSHAN), Volume(XIHU), Volume(PINGSHAN, "chemicals"), Volume(sector="chemicals")],
)
def test_a_discharge_volume_holds_its_enterprises_and_their_totals(districts, volume):
    whole = annual.compose("discharge", 2000)
    form = annual.compose("discharge", 2000, volume)
    chosen = codes_of(volume)
    assert chosen and detail_codes(form) == detail_codes(whole) & chosen
    city = next(t for t in form.tables if t.key == "city")
    assert volume.label in str(city.title) and "volume" in str(city.note)
    # The volume's totals, from the records: its enterprises' verified figures of each year.
    assert city.rows
    for row in city.rows:
        pollutant = Pollutant.objects.get(code=row["_code"])
        for key, year in (("previous", 1999), ("current", 2000)):
            figures = AnnualDischarge.objects.filter(
                verified=True, year=year, pollutant=pollutant, enterprise__code__in=chosen
            )
            if row[key] is not None:
                assert row[key] == figures.aggregate(total=Sum("amount"))["total"]
        reported = AnnualDischarge.objects.filter(
            verified=True, pollutant=pollutant, enterprise__code__in=chosen
        )
        counts = [reported.filter(year=y).count() for y in (1999, 2000)]
        assert row["reporting"] == f"{counts[0]} / {counts[1]}"
    # Same CSV columns, the rows of its enterprises (and its totals as the city's rows).
    assert form.csv_header == whole.csv_header
    enterprise_rows = [row for row in whole.csv_rows if row[0] == "enterprise"]
    assert [row for row in form.csv_rows if row[0] == "enterprise"] == [
        row for row in enterprise_rows if row[1] in chosen
    ]
    assert form.volume == volume and not form.districts


def test_the_volumes_by_district_share_out_the_whole_form(districts):
    whole = annual.compose("discharge", 2000)
    assert set(whole.districts) == {PINGSHAN, XIHU, ""}
    seen = set()
    for district, (enterprises, rows) in whole.districts.items():
        volume = annual.compose("discharge", 2000, Volume(district or annual.NO_DISTRICT))
        codes = detail_codes(volume)
        assert len(codes) == enterprises and volume.body_rows - len(volume.tables[0].rows) == rows
        assert not codes & seen
        seen |= codes
    assert seen == detail_codes(whole)


def test_an_audits_volume_holds_its_audits_and_their_totals(districts):
    whole = annual.compose("audits", 2000)
    volume = Volume(PINGSHAN)
    form = annual.compose("audits", 2000, volume)
    chosen = codes_of(volume)
    (table,) = form.tables
    assert table.rows and {row["enterprise_code"] for row in table.rows} <= chosen
    expected = [row for row in whole.tables[0].rows if row["enterprise_code"] in chosen]
    assert [row["audit_ref"] for row in table.rows] == [row["audit_ref"] for row in expected]
    for key in annual.AUDIT_FIGURES:
        assert table.total[key] == sum(row[key] for row in expected)
    assert table.total["audit_ref"] == len(expected) < len(whole.tables[0].rows)
    assert "volume" in str(table.note)
    assert form.csv_header == whole.csv_header
    assert form.csv_rows == [row for row in whole.csv_rows if row[0] in chosen]
    assert sum(rows for _e, rows in whole.districts.values()) == len(whole.tables[0].rows)


def test_a_volume_is_refused_for_a_form_that_does_not_list_enterprises(districts):
    with pytest.raises(ValueError):
        annual.compose("programme", 2000, Volume(PINGSHAN))
    assert annual.volume_problems(Volume(PINGSHAN), "programme")
    assert annual.volume_problems(Volume(PINGSHAN), "discharge") == []
    assert annual.volume_problems(Volume("火星区"), "discharge")
    assert annual.volume_problems(Volume(sector="nope"), "audits")
    assert annual.volume_problems(Volume(annual.NO_DISTRICT), "audits") == []  # E6, E7


# The page ----------------------------------------------------------------------------------


def test_the_page_of_a_volume_filters_and_keeps_the_volume_in_its_links(leader, monkeypatch):
    monkeypatch.setattr(output, "PAGE_ROWS", 3)
    url = reverse("reports:form", args=["discharge"])
    html = leader.get(url, {"year": 2000, "district": PINGSHAN}).content.decode()
    assert "Volume: Pingshan District" in html and "Pingshan District" in html.split("<title>")[1]
    document = html.split("<article", 1)[1].split("</article>", 1)[0]
    assert "E1 " in document and "E4 " not in document and "E6 " not in document
    # The filter offers the register's districts in the page's language, and the sectors.
    assert f'<option value="{PINGSHAN}" selected>Pingshan District</option>' in html
    assert f'<option value="{XIHU}">Xihu District</option>' in html
    assert 'name="sector"' in html and '<option value="chemicals">' in html
    # Every download, the pager and the year picker keep the volume.
    district = quote(PINGSHAN)
    for fmt in output.FORMATS:
        link = reverse("reports:form_download", args=["discharge", fmt])
        assert f'href="{link}?year=2000&amp;district={district}"' in html
    assert f"district={district}&amp;page-enterprises=2" in html
    assert f'<input type="hidden" name="district" value="{PINGSHAN}">' in html


def test_the_page_of_a_volume_runs_a_fixed_number_of_queries(leader, django_assert_num_queries):
    url = reverse("reports:form", args=["discharge"])
    # The districts (the filter, and the check of the one asked for), the volume's
    # enterprises, then the form's queries; the data versions: years offered, the page.
    with django_assert_num_queries(FORM_QUERIES["discharge"] + VOLUME_FILTER["discharge"] + 1 + 2):
        response = leader.get(url, {"year": 2000, "district": PINGSHAN, "sector": "chemicals"})
    assert response.status_code == 200
    with django_assert_num_queries(CACHED_PAGE + VOLUME_FILTER["discharge"]):
        again = leader.get(url, {"year": 2000, "district": PINGSHAN, "sector": "chemicals"})
    assert b"E2 " in again.content and b"E1 " not in again.content.split(b"<article")[1]


@pytest.mark.parametrize(
    "query",
    [{"district": "火星区"}, {"sector": "nope"}, {"district": PINGSHAN, "sector": "nope"}],
)
def test_an_unknown_district_or_sector_is_said_on_the_page(leader, query):
    url = reverse("reports:form", args=["discharge"])
    response = leader.get(url, {"year": 2000, **query})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="volume-problems"' in html and "The whole form is shown." in html
    assert "E4 " in html.split("<article", 1)[1]  # the whole form
    download = leader.get(reverse("reports:form_download", args=["discharge", "pdf"]), query)
    assert download.status_code == 302 and download.url == f"{url}?year=2000"
    followed = leader.get(download.url).content.decode()
    assert "There is no sector" in followed or "records no district" in followed


def test_a_form_not_printed_in_volumes_says_so(leader):
    url = reverse("reports:form", args=["programme"])
    html = leader.get(url, {"year": 2000, "district": PINGSHAN}).content.decode()
    assert "not printed in volumes" in html and 'id="volume-filter"' not in html


# Downloads, the job, the command ------------------------------------------------------------


def test_each_download_of_a_volume_holds_the_volume(leader):
    query = {"year": 2000, "district": PINGSHAN, "sector": "chemicals"}
    name = "CP-3-discharge-2000-平山区-chemicals"

    def get(fmt: str):
        response = leader.get(reverse("reports:form_download", args=["discharge", fmt]), query)
        assert response.status_code == 200
        assert quote(f"{name}.{fmt}") in response["Content-Disposition"]
        return response.content

    rows = list(csv.reader(io.StringIO(get("csv").decode("utf-8-sig"))))
    whole = annual.compose("discharge", 2000)
    assert rows[0] == whole.csv_header
    volume = annual.compose("discharge", 2000, Volume(PINGSHAN, "chemicals"))
    assert {row[1] for row in rows[1:] if row[0] == "enterprise"} == detail_codes(volume)
    assert detail_codes(volume) == {"E2"}  # E3 reported quarters of 1999 only
    sheet = load_workbook(io.BytesIO(get("xlsx"))).active
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert any("Pingshan District · Chemicals" in text for text in texts)
    assert not any(text.startswith("E1 ") for text in texts)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(get("pdf"))).pages)
    assert "Pingshan District · Chemicals" in text and "E2 " in text and "E1 " not in text


def test_a_volume_made_by_a_job_keeps_its_volume(leader, settings):
    settings.BENXI_FORM_BACKGROUND_RECORDS = 0
    url = reverse("reports:form_download", args=["audits", "csv"])
    response = leader.get(url, {"year": 2000, "district": XIHU})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job", args=[job.pk])
    assert job.params == {"name": "audits", "year": 2000, "fmt": "csv", "district": XIHU}
    assert job.status == Job.Status.DONE and job.filename == "CP-2-audits-2000-溪湖区.csv"
    served = b"".join(leader.get(reverse("job_file", args=[job.pk])).streaming_content)
    expected = output.render_csv(annual.compose("audits", 2000, Volume(XIHU)))
    assert served == expected
    page = leader.get(response.url).content.decode()
    assert "Xihu District" in page  # the job names its volume
    assert f"district={quote(XIHU)}" in page  # and leads back to the volume's page
    # The same form whole is another job, another file.
    leader.get(url, {"year": 2000})
    assert Job.objects.count() == 2


def test_the_command_writes_a_volume(districts, tmp_path, capsys):
    call_command(
        "annual_report", year=2000, form="audits", fmt="csv", district=PINGSHAN, language="en"
    )
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert {row[0] for row in rows[1:]} == {"E1", "E2", "E3"}
    path = tmp_path / "volume.xlsx"
    call_command(
        "annual_report", year=2000, form="discharge", fmt="xlsx", sector="coal",
        output_path=path, language="en",
    )  # fmt: skip
    texts = [str(c.value) for row in load_workbook(path).active.iter_rows() for c in row]
    assert any("(Coal" in text for text in texts)
    with pytest.raises(CommandError, match="records no district"):
        call_command(
            "annual_report", year=2000, form="audits", fmt="csv", district="火星区", language="en"
        )
    # In the command's language, Chinese by default.
    with pytest.raises(CommandError, match="本表不按区县或行业分册"):
        call_command("annual_report", year=2000, form="targets", fmt="csv", district=XIHU)


# The contents volume -------------------------------------------------------------------------


def test_a_whole_form_above_the_setting_prints_as_its_contents_volume(leader, settings):
    settings.BENXI_PDF_WHOLE_ROWS = 5
    whole = annual.compose("discharge", 2000)
    assert whole.body_rows > 5 and output.in_volumes(whole)
    url = reverse("reports:form_download", args=["discharge", "pdf"])
    pdf = leader.get(url, {"year": 2000}).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Contents: the volumes by district" in text and "City totals" in text
    assert "Pingshan District" in text and "Xihu District" in text
    assert "No district recorded" in text
    assert "E1 " not in text  # no enterprise's block
    assert "Head of the office" in text  # the sign-off
    assert "CP-3-discharge-2000-平山区.pdf" in text
    assert f"{settings.BENXI_SITE_URL}{url}?year=2000&district=平山区" in text.replace("\n", "")
    # A district's volume is its own PDF, with its enterprises; the XLSX stays whole.
    volume = leader.get(url, {"year": 2000, "district": PINGSHAN}).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(volume)).pages)
    assert "E1 " in text and "Contents" not in text
    xlsx = leader.get(reverse("reports:form_download", args=["discharge", "xlsx"]), {"year": 2000})
    texts = [str(c.value) for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
             for c in row]  # fmt: skip
    assert any(text.startswith("E4 ") for text in texts)
    # The page says so and links each district's PDF.
    html = leader.get(reverse("reports:form", args=["discharge"]), {"year": 2000}).content
    html = html.decode()
    assert 'id="form-volumes"' in html
    assert f'href="{url}?year=2000&amp;district={quote(PINGSHAN)}"' in html
    assert f'href="{url}?year=2000&amp;district=-"' in html
    # Below the setting nothing changes.
    settings.BENXI_PDF_WHOLE_ROWS = whole.body_rows
    assert not output.in_volumes(whole)


def test_the_audits_contents_volume_keeps_the_city_totals(districts, settings):
    settings.BENXI_PDF_WHOLE_ROWS = 1
    form = annual.compose("audits", 2000)
    contents = output.contents_volume(form)
    keys = [table.key for table in contents.tables]
    assert keys == ["audits-total", "volumes"]
    (total,) = contents.tables[0].rows
    assert total["investment_10k_yuan"] == form.tables[0].total["investment_10k_yuan"]
    volumes = contents.tables[1]
    assert sum(row["enterprises"] for row in volumes.rows) == len(
        {row["enterprise_code"] for row in form.tables[0].rows}
    )
    assert volumes.total["rows"] == len(form.tables[0].rows)


def test_a_closing_keeps_the_whole_pdf_of_a_form_printed_in_volumes(
    districts, administrator, settings
):
    settings.BENXI_PDF_WHOLE_ROWS = 1
    assert output.in_volumes(annual.compose("discharge", 1999))
    kept = closing.close(1999, administrator)
    pdf = kept.copies.get(form="discharge", fmt=CopyFormat.PDF)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    # The whole form (in the programme's language): every enterprise's block.
    assert all(f"{code} " in text for code in ("E1", "E2", "E4"))
