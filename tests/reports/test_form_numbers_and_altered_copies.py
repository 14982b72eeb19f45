"""The annual forms' numbers on the forms' index and in the downloaded files' names; a copy
of record whose stored SHA-256 no longer matches its bytes shows the app's "altered" message
on every page that reads it, never a server error."""

import pytest
from django.db import transaction
from django.urls import reverse

from benxi_cp import guards
from reports import annual, closing
from reports.choices import FORM_NUMBERS
from reports.models import RecordCopy

pytestmark = pytest.mark.django_db
ALTERED = "This copy of record does not match its SHA-256: it was altered."


def test_each_form_prints_the_number_its_files_are_named_by():
    assert set(FORM_NUMBERS) == set(annual.FORMS)
    for name in annual.FORMS:
        assert annual.compose(name, 2000).number == FORM_NUMBERS[name]


def test_the_forms_index_shows_each_forms_number(client_as):
    client = client_as("leadership")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("reports:forms")).content.decode()
    for name, number in FORM_NUMBERS.items():
        assert f'id="number-{name}">{number}</td>' in page
    assert "Form No." in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_downloaded_form_is_named_by_its_number(client_as, fmt):
    client = client_as("leadership")
    response = client.get(reverse("reports:form_download", args=["programme", fmt]), {"year": 2000})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert f'filename="CP-1-programme-2000.{fmt}"' in disposition


@pytest.fixture
def altered(programme, administrator):
    """2000 closed, then the JSON copy of record of its programme form changed below every
    guard (as a tampered restore would leave it)."""
    closed = closing.close(2000, administrator)
    copy = closed.copies.get(form="programme", fmt="json")
    with transaction.atomic(), guards.suspended():
        RecordCopy.objects.filter(pk=copy.pk).update(content=b'{"header": [], "rows": []}')
    return closed


def test_an_altered_copy_of_record_shows_the_apps_message(altered, client_as):
    client = client_as("leadership")
    client.cookies["django_language"] = "en"
    year = client.get(reverse("reports:year", args=[2000]))
    assert year.status_code == 200
    page = year.content.decode()
    assert 'id="changed-programme"><span class="badge text-bg-danger' in page
    assert ALTERED in page
    form = client.get(reverse("reports:form", args=["programme"]), {"year": 2000})
    assert form.status_code == 200
    assert f'id="record-altered" role="alert">{ALTERED}</div>' in form.content.decode()
    # Another form's copy is intact: compared as before.
    assert client.get(reverse("reports:form", args=["audits"]), {"year": 2000}).status_code == 200
    copy = altered.copies.get(form="programme", fmt="json")
    download = client.get(reverse("reports:record_copy", args=[2000, copy.pk]), follow=True)
    assert download.status_code == 200 and ALTERED in download.content.decode()
    assert copy.filename == f"CP-1-programme-2000-record-{altered.pk}.json"
