"""The refusals of docs/formats/permits.md and monitoring.md in both languages, each as
`row N, column: message` (第 N 行，…列（column）：…), and from the command line: all or
nothing, every refusal printed, a non-zero exit."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from permits.models import MonitoringValue, Permit
from reports.models import YearClosing
from tests.permits import test_monitoring, test_permits
from tests.permits.test_monitoring import demo  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the command line speaks the site's language
        yield


CHINESE = re.compile(r"[\u4e00-\u9fff]")
CASES = [("permits", rows) for rows, _expected in test_permits.REFUSED] + [
    ("monitoring", rows) for rows, _expected in test_monitoring.REFUSED
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "rows"), CASES)
def test_each_refusal_reads_in_both_languages(demo, kind, rows):  # noqa: F811
    module = test_permits if kind == "permits" else test_monitoring
    before = MonitoringValue.objects.count(), Permit.objects.count()
    with translation.override("en"):
        english = module.errors(module.run(module.HEADER + rows))
    with translation.override("zh-hans"):
        chinese = module.errors(module.run(module.HEADER + rows))
    assert english and len(chinese) == len(english)
    for en, zh in zip(english, chinese, strict=True):
        number, column = re.match(r"row (\d+), (\w+): ", en).groups()
        assert zh.startswith(f"第 {number} 行，") and f"（{column}）：" in zh, zh
        assert CHINESE.search(zh.split("：", 1)[1]), zh  # the message itself translated
    assert (MonitoringValue.objects.count(), Permit.objects.count()) == before  # all or nothing


@pytest.mark.django_db
def test_the_command_line_refuses_a_bad_file_whole(demo, tmp_path, capsys):  # noqa: F811
    file = tmp_path / "monitoring.csv"
    file.write_text(
        test_monitoring.HEADER
        + "DEMO-0001,DW001,COD,2001-01-03,daily_mean,1,,,\n"
        + "DEMO-0001,DW001,COD,2001-01-04,daily_mean,-1,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_data", "monitoring", str(file))
    assert "row 3, value: a concentration cannot be negative" in capsys.readouterr().err
    assert not MonitoringValue.objects.exists()


@pytest.mark.django_db
def test_the_command_line_refuses_a_closed_years_value_and_limit_change(demo, tmp_path, capsys):  # noqa: F811
    YearClosing.objects.create(year=2001, closed_at=timezone.now(), closed_by_name="x")
    values = tmp_path / "monitoring.csv"
    values.write_text(
        test_monitoring.HEADER + "DEMO-0001,DW001,COD,2001-01-03,daily_mean,1,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_data", "monitoring", str(values))
    assert "row 2, measured_at: the year 2001 is closed" in capsys.readouterr().err
    permit = Permit.objects.get()
    lines = test_permits.sample().splitlines(keepends=True)
    changed = "".join(
        [lines[0]]
        + [
            line.replace(",DW001,water,COD,daily_mean,100,", ",DW001,water,COD,daily_mean,90,")
            for line in lines[1:]
        ]
    )
    assert changed != test_permits.sample()
    permits = tmp_path / "permits.csv"
    permits.write_text(changed, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_data", "permits", str(permits))
    assert "closed year 2001" in capsys.readouterr().err
    assert Permit.objects.get().version == permit.version
    # reopened, the change goes through
    YearClosing.objects.filter(year=2001).update(
        reopened_at=timezone.now(), reopened_by_name="y", reopen_reason="a limit entered wrong"
    )
    call_command("import_data", "permits", str(permits))
    assert Permit.objects.get().version == permit.version + 1


def test_the_permits_words_keep_their_meaning_in_chinese():
    """Two words the register uses too, in another sense: a limit's basis is its averaging
    basis (基准, not the discharge figure's 数据来源), a case is closed (已结案, not a year's
    已关账); the permits' own translation is read, by its context."""
    from permits.choices import CaseStatus
    from permits.models import Limit, MonitoringValue

    with translation.override("zh-hans"):
        assert str(Limit._meta.get_field("basis").verbose_name) == "基准"
        assert str(MonitoringValue._meta.get_field("basis").verbose_name) == "基准"
        assert str(CaseStatus.CLOSED.label) == "已结案"


@pytest.mark.django_db
def test_a_refusal_names_the_formats_own_column(demo):  # noqa: F811
    """The monitoring's `basis` is an averaging basis: named so, where the register's
    discharge format names its `basis` column a data source (数据来源)."""
    rows = "DEMO-0001,DW001,COD,2001-01-03,annual_total,1,,,\n"
    with translation.override("zh-hans"):
        [line] = test_monitoring.errors(test_monitoring.run(test_monitoring.HEADER + rows))
        assert line.startswith("第 2 行，基准列（basis）："), line
        from benxi_cp.importers import column_label

        assert column_label("basis") == "数据来源"  # the register's, for its own format
        assert column_label("basis", "permits") == "基准"
