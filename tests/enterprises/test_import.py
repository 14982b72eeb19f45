import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from benxi_cp.importers import get_importer
from enterprises.models import Enterprise

HEADER = "code,name,sector,state_large_medium,employees\n"


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English; one test below checks the Chinese ones."""
    with translation.override("en"):
        yield


def run(text: str | bytes, filename: str = "e.csv", dry_run: bool = False):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return get_importer("enterprises")().run(content, filename, dry_run=dry_run)


def errors(result) -> list[str]:
    return [str(issue) for issue in result.errors]


@pytest.mark.django_db
def test_the_sample_file_creates_then_updates(formats_dir):
    content = (formats_dir / "enterprises.sample.csv").read_bytes()
    result = run(content)
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (3, 0)
    steel = Enterprise.objects.get(code="DEMO-0001")
    assert steel.name_en == "Xicheng No. 1 Steel Works"
    assert steel.state_large_medium and steel.employees == 48000
    assert Enterprise.objects.get(code="DEMO-0003").ownership == "collective"
    again = run(content)
    assert (again.created, again.updated) == (0, 3)
    assert Enterprise.objects.count() == 3


@pytest.mark.django_db
def test_an_update_keeps_columns_the_file_leaves_out():
    Enterprise.objects.create(code="K-1", name="旧名", sector="coal", address="胜利路1号")
    result = run("code,name,sector,state_large_medium\nK-1,新名,coal,否\n")
    assert result.ok, errors(result)
    enterprise = Enterprise.objects.get(code="K-1")
    assert (enterprise.name, enterprise.address) == ("新名", "胜利路1号")


@pytest.mark.django_db
def test_labels_case_and_bom_are_accepted():
    text = (
        "\ufeffCODE,Name,Sector,State_Large_Medium,size\n"
        "L-1,甲厂,煤炭,是,Large\n"
        "L-2,乙厂,Chemicals,N,\n"
    )
    result = run(text)
    assert result.ok, errors(result)
    assert Enterprise.objects.get(code="L-1").sector == "coal"
    assert Enterprise.objects.get(code="L-1").size == "large"
    assert Enterprise.objects.get(code="L-2").sector == "chemicals"


@pytest.mark.django_db
def test_a_valid_xlsx_creates_rows():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "sector", "state_large_medium", "employees"])
    sheet.append(["X-1", "甲厂", "power", "yes", 1200])
    sheet.append([None, None, None, None, None])
    sheet.append(["X-2", "乙厂", "coal", False, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(buffer.getvalue(), "e.xlsx")
    assert result.ok, errors(result)
    assert Enterprise.objects.get(code="X-1").employees == 1200
    assert Enterprise.objects.get(code="X-2").state_large_medium is False


@pytest.mark.django_db
def test_a_bad_header_is_refused_on_row_1():
    result = run("code,name,sector,colour\nA,甲,coal,red\n")
    assert "row 1, colour: unknown column" in errors(result)
    assert "row 1, state_large_medium: required column is missing" in errors(result)
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_every_bad_row_is_reported_and_nothing_is_written():
    text = HEADER + (
        "G-1,好厂,coal,yes,10\n"  # row 2: fine on its own
        "B-1,坏厂,shipbuilding,yes,10\n"  # row 3: unknown sector
        "B-2,坏厂,coal,yes,-4\n"  # row 4: negative number
        "G-1,重复,coal,no,\n"  # row 5: duplicate of row 2
        "B-3,坏厂,coal,perhaps,\n"  # row 6: not yes/no
    )
    result = run(text)
    messages = errors(result)
    assert any(
        m.startswith("row 3, sector: “shipbuilding” is not one of the codes") for m in messages
    )
    assert any(m.startswith("row 4, employees:") for m in messages)
    assert "row 5, code: duplicate of row 2 in this file" in messages
    assert any(m.startswith("row 6, state_large_medium:") for m in messages)
    assert (result.created, result.updated) == (0, 0)
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
@pytest.mark.django_db
def test_messages_follow_the_users_language():
    with translation.override("zh-hans"):
        result = run("code,name,sector,colour\nA,甲,煤炭,red\n")
    assert "row 1, colour: 未知列" in errors(result)


@pytest.mark.django_db
def test_a_broken_encoding_is_refused_with_its_row():
    content = (HEADER + "G-1,好厂,coal,yes,10\n").encode("utf-8") + "A-2,钢厂,coal,yes,1\n".encode(
        "gbk"
    )
    result = run(content)
    assert len(result.errors) == 1
    assert result.errors[0].row == 3
    assert "UTF-8" in result.errors[0].message
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_reports_what_it_would_do_and_writes_nothing():
    Enterprise.objects.create(code="U-1", name="旧", sector="coal")
    result = run(HEADER + "U-1,新,coal,yes,\nN-1,新厂,coal,no,\n", dry_run=True)
    assert result.ok and (result.created, result.updated) == (1, 1)
    assert [line["action"] for line in result.preview] == ["updated", "created"]
    assert Enterprise.objects.get(code="U-1").name == "旧"
    assert not Enterprise.objects.filter(code="N-1").exists()


@pytest.mark.django_db
def test_the_command_line_importer_behaves_the_same(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "C-1,甲厂,coal,yes,5\n", encoding="utf-8")
    call_command("import_data", "enterprises", str(good), "--dry-run")
    assert "would have created 1, updated 0" in capsys.readouterr().out
    assert not Enterprise.objects.exists()
    call_command("import_data", "enterprises", str(good))
    assert "created 1, updated 0" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "C-2,乙厂,coal,yes,-1\nC-3,丙厂,mining,yes,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_data", "enterprises", str(bad))
    err = capsys.readouterr().err
    assert "row 2, employees:" in err and "row 3, sector:" in err
    assert Enterprise.objects.count() == 1


def test_the_command_line_importer_exits_non_zero(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    bad = tmp_path / "bad.csv"
    bad.write_text("code,colour\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_data", "enterprises", str(bad), "--dry-run"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "benxi_cp.settings_test"},
    )
    assert result.returncode != 0
    # The command speaks the site's language (Chinese): the whole line, not "row 1, colour:".
    assert "第 1 行，colour 列：" in result.stderr


@pytest.mark.django_db
def test_web_import_previews_then_commits_the_same_file(client_as):
    client = client_as("epb_staff")
    url = reverse("import", args=["enterprises"])
    upload = io.BytesIO((HEADER + "W-1,网厂,coal,yes,3\n").encode())
    upload.name = "batch.csv"
    preview = client.post(url, {"file": upload})
    page = preview.content.decode()
    assert preview.status_code == 200 and 'id="commit-form"' in page
    assert not Enterprise.objects.exists()
    token = preview.context["token"]
    response = client.post(url, {"token": token, "suffix": ".csv"})
    assert response.status_code == 302
    assert Enterprise.objects.get(code="W-1").created_by.username == "epb_staff-user"


@pytest.mark.django_db
def test_web_import_shows_row_errors_and_refuses_forged_tokens(client_as):
    client = client_as("administrator")
    url = reverse("import", args=["enterprises"])
    upload = io.BytesIO((HEADER + "W-1,网厂,coal,yes,-3\n").encode())
    upload.name = "batch.csv"
    page = client.post(url, {"file": upload}).content.decode()
    # The whole line in the page's language, the column by its name and by its header.
    assert "第 2 行，职工人数列（employees）：" in page and 'id="commit-form"' not in page
    response = client.post(url, {"token": "../../etc/passwd", "suffix": ".csv"})
    assert response.status_code == 302
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_an_unknown_import_kind_is_404(client_as):
    assert client_as("administrator").get(reverse("import", args=["nothing"])).status_code == 404
