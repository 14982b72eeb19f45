"""The importers of docs/formats/training.md and incentives.md."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from audits.models import Audit
from benxi_cp import formats, roles
from benxi_cp.importers import get_importer
from enterprises.models import Enterprise
from programme.models import Incentive, TrainingEvent, TrainingParticipation
from tests.fixtures import FORMATS_DIR

KINDS = ["training", "incentives"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(kind: str, text: str, dry_run: bool = False, user=None):
    return get_importer(kind)(user=user).run(text.encode("utf-8"), f"{kind}.csv", dry_run=dry_run)


def _column_table(kind: str) -> dict[str, str]:
    lines = formats.document_text(kind).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| column |"))
    table = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        table[cells[0]] = cells[2]
    return table


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_importer_accepts_exactly_the_columns_its_format_lists(kind):
    assert list(_column_table(kind)) == list(get_importer(kind)().columns)
    assert (FORMATS_DIR / f"{kind}.sample.csv").is_file()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_coded_columns_offer_the_codes_the_format_lists(kind):
    rows = _column_table(kind)
    for column, codes in get_importer(kind)().column_choices().items():
        assert re.findall(r"`([a-z_]+)`", rows[column]) == codes, column


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_samples_import(kind, db):
    for n in (1, 2):
        Enterprise.objects.create(code=f"DEMO-000{n}", name=f"厂{n}", sector="iron_steel")
    result = run(kind, (FORMATS_DIR / f"{kind}.sample.csv").read_text(encoding="utf-8"))
    assert result.ok, result.errors
    assert result.created >= 2


TRAINING = """held_on,title,kind,audience,hours,other_participants,enterprise_code,participants
1999-04-15,审核方法,training,enterprises,16,2,E-1,3
1999-04-15,审核方法,training,enterprises,16,2,E-2,4
1999-06-05,环境日,outreach,public,3,300,,
"""


@pytest.mark.django_db
def test_events_and_participants_import_and_update(enterprises):
    result = run("training", TRAINING)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (3, 0)  # 2 participations, 1 event alone
    event = TrainingEvent.objects.get(title="审核方法")
    assert event.total_participants == 9
    again = run("training", TRAINING.replace("E-2,4", "E-2,6"))
    assert again.ok, again.errors
    assert (again.created, again.updated) == (0, 3)
    assert TrainingParticipation.objects.get(enterprise__code="E-2").participants == 6
    assert TrainingEvent.objects.count() == 2


@pytest.mark.django_db
def test_training_rows_are_refused_all_together(enterprises):
    text = (
        "held_on,title,kind,audience,hours,enterprise_code,participants\n"
        "1999-04-15,a,training,enterprises,16,E-1,3\n"
        "1999-04-15,a,training,enterprises,8,E-2,3\n"  # differs from row 2
        "1999-04-15,b,lecture,enterprises,16,E-9,0\n"  # bad kind, unknown code, zero people
        "1999-04-15,a,training,enterprises,16,E-1,2\n"  # E-1 twice
    )
    result = run("training", text)
    assert not result.ok
    found = {(issue.row, issue.column) for issue in result.errors}
    assert (3, "hours") in found
    assert {(4, "enterprise_code"), (4, "participants")} <= found
    assert (5, "enterprise_code") in found
    assert not TrainingEvent.objects.exists()


INCENTIVES = """\
kind,enterprise_code,amount_10k_yuan,granted_on,decision_number,audit_ref,policy_number
reward,E-1,5,1999-12-20,D-1,A-1,本政发〔1998〕40号
cp_fund_grant,E-2,40,2000-05-10,D-2,,
"""


@pytest.mark.django_db
def test_incentives_import_and_update(audits, policy):
    result = run("incentives", INCENTIVES)
    assert result.ok, result.errors
    assert result.created == 2
    reward = Incentive.objects.get(decision_number="D-1")
    assert reward.audit == audits["A-1"] and reward.policy == policy
    again = run("incentives", INCENTIVES.replace("E-1,5,", "E-1,6.5,"))
    assert (again.created, again.updated) == (0, 2)
    assert Incentive.objects.get(decision_number="D-1").amount_10k_yuan == Decimal("6.5")


@pytest.mark.django_db
def test_incentive_rows_are_refused_with_their_reasons(audits, policy):
    text = (
        "kind,enterprise_code,amount_10k_yuan,granted_on,decision_number,audit_ref,policy_number\n"
        "reward,E-1,-5,1999-12-20,D-1,,\n"  # negative
        "reward,E-1,5,1999-12-20,D-2,A-2,\n"  # another enterprise's audit
        "gift,E-9,5,1999-12-20,D-3,A-9,NO-1\n"  # kind, enterprise, audit, policy
        "reward,E-1,5,1999-12-20,,,\n"  # no decision number
        "reward,E-2,5,1999-12-20,D-5,,\n"
        "reward,E-2,5,1999-12-20,D-5,,\n"  # twice
    )
    result = run("incentives", text)
    found = {(issue.row, issue.column) for issue in result.errors}
    assert (2, "amount_10k_yuan") in found
    assert (3, "audit_ref") in found
    assert {(4, "kind"), (4, "enterprise_code"), (4, "audit_ref"), (4, "policy_number")} <= found
    assert (5, "decision_number") in found
    assert (7, "decision_number") in found
    assert not Incentive.objects.exists()


@pytest.mark.django_db
def test_only_the_office_imports(client_as, enterprises):
    assert (
        client_as(roles.ADMINISTRATOR).get(reverse("import", args=["training"])).status_code == 200
    )
    for role in (roles.EPB_STAFF, roles.AUDITOR, roles.LEADERSHIP):
        assert client_as(role).get(reverse("import", args=["incentives"])).status_code == 403


@pytest.mark.django_db
def test_the_import_page_commits_after_the_dry_run(client_as, enterprises):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(roles.ADMINISTRATOR)
    upload = SimpleUploadedFile("training.csv", TRAINING.encode("utf-8"))
    response = client.post(reverse("import", args=["training"]), {"file": upload})
    token = response.context["token"]
    assert token and not TrainingEvent.objects.exists()
    client.post(
        reverse("import", args=["training"]),
        {"token": token, "suffix": response.context["suffix"]},
    )
    assert TrainingEvent.objects.count() == 2
    assert Audit.objects.count() == 0
