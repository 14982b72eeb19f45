"""Everything a person reads in the user's language: units, figures, filters, empty lists,
districts, import errors, pollutants by name, and form headers that break between words."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from benxi_cp import units
from benxi_cp.importers import RowIssue
from enterprises import districts
from enterprises.filters import EnterpriseFilter
from enterprises.models import Enterprise, Pollutant
from reports.templatetags.reports_tags import header_words


@pytest.mark.parametrize(
    ("code", "chinese", "english"),
    [("t", "吨", "t"), ("10k t", "万吨", "10k t"), ("10k Nm3", "万标立方米", "10k Nm3")]
    + [("tce", "吨标准煤", "tce"), ("万元/人", "万元/人", "万元/人")],
)
def test_units_are_shown_in_the_users_language(code, chinese, english):
    with translation.override("zh-hans"):
        assert units.unit_label(code) == chinese
    with translation.override("en"):
        assert units.unit_label(code) == english


def test_a_quantity_per_year_and_the_catalogues_unit(db):
    energy = Pollutant.objects.get(code="ENERGY")
    with translation.override("zh-hans"):
        assert (energy.display_unit, units.per_year("t")) == ("吨标准煤", "吨/年")
        assert energy.unit == "tce"  # the files' code stays
    with translation.override("en"):
        assert (energy.display_unit, units.per_year("t")) == ("tce", "t/a")


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (48000, None, "48,000"),
        (Decimal("152.1200"), None, "152.12"),
        (Decimal("1372.2000"), None, "1,372.2"),
        (Decimal("0.123456"), None, "0.12"),
        (Decimal("53352979.6"), 2, "53,352,979.60"),
        (Decimal("-232.665"), 2, "-232.67"),
        (Decimal("2.5"), 0, "3"),
        (Decimal("376000.000"), -3, "376,000"),
        (Decimal("1.2345"), -3, "1.235"),
        (Decimal("-0.001"), 2, "0.00"),
        (None, None, "—"),
        ("", 2, "—"),
    ],
)
def test_figures_have_thousands_separators_and_sensible_decimals(value, places, shown):
    assert units.figure(value, places) == shown
    template = Template("{% load units %}{{ v|figure }}|{{ v|figure:2 }}")
    assert template.render(Context({"v": Decimal("1234.5")})) == "1,234.5|1,234.50"


def test_the_empty_choice_of_every_filter_reads_all(db):
    for language, label in (("zh-hans", "全部"), ("en", "All")):
        with translation.override(language):
            form = EnterpriseFilter(data={}, queryset=Enterprise.objects.all()).form
            html = str(form)
            assert "---------" not in html
            # sector (a ChoiceFilter) and state-owned (a yes/no drop-down) alike
            for name in ("sector", "state_large_medium", "cp_status"):
                assert list(form.fields[name].widget.choices)[0] == ("", label), name


def test_an_empty_list_says_whether_the_filter_or_the_register_is_empty(client, make_user):
    client.cookies["django_language"] = "en"
    client.force_login(make_user("epb_staff", username="l10n-epb"))
    url = reverse("enterprises:list")
    page = client.get(url).content.decode()
    assert "Nothing recorded yet." in page and "No matching records" not in page
    Enterprise.objects.create(code="L-1", name="甲钢铁厂", sector="iron_steel", district="平山区")
    page = client.get(url, {"q": "nothing-matches"}).content.decode()
    assert "No matching records." in page and "Nothing recorded yet." not in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(url, {"q": "nothing-matches"}).content.decode()
    assert "没有符合条件的记录" in page


def test_districts_have_english_names(client, make_user):
    Enterprise.objects.create(code="L-1", name="甲钢铁厂", sector="iron_steel", district="平山区")
    Enterprise.objects.create(code="L-2", name="乙煤矿", sector="coal", district="某新区")
    with translation.override("en"):
        assert districts.display("桓仁满族自治县") == "Huanren Manchu Autonomous County"
        assert Enterprise.objects.get(code="L-1").display_district == "Pingshan District"
        assert districts.display("某新区") == "某新区"  # not in the list: as recorded
    with translation.override("zh-hans"):
        assert Enterprise.objects.get(code="L-1").display_district == "平山区"
    client.force_login(make_user("epb_staff", username="l10n-epb"))
    client.cookies["django_language"] = "en"
    url = reverse("enterprises:list")
    page = client.get(url).content.decode()
    assert "Pingshan District" in page and ">平山区<" not in page
    found = client.get(url, {"district": "pingshan"}).context["table"].page.object_list
    assert [row.record.code for row in found] == ["L-1"]
    # the export keeps the district as recorded
    response = client.get(url, {"_export": "csv"})
    assert "平山区" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_an_import_error_line_is_wholly_in_the_users_language(db):
    issue = RowIssue(2, "amount", "输入一个数字。")
    with translation.override("zh-hans"):
        assert str(issue) == "第 2 行，数量列（amount）：输入一个数字。"
        assert str(RowIssue(1, "colour", "未知列")) == "第 1 行，colour 列：未知列"
        assert str(RowIssue(3, "", "数据库拒绝")) == "第 3 行：数据库拒绝"
        assert str(RowIssue(4, "reduction_COD", "x")).startswith("第 4 行，化学需氧量年削减量列")
    with translation.override("en"):
        assert str(RowIssue(2, "amount", "Enter a number.")) == "row 2, amount: Enter a number."


def test_the_options_list_names_pollutants_with_codes_as_tooltips(demo_city, client, make_user):
    client.force_login(make_user("epb_staff", username="l10n-epb"))
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("audits:option_list")).content.decode()
    cells = re.findall(r'<span class="reduction[^"]*" title="([A-Z0-9_]+)">([^<]*)</span>', page)
    assert cells
    shown = " ".join(text for _code, text in cells)
    for code in ("SW_GEN", "ENERGY", "WASTEGAS"):
        assert code not in shown
    assert ("ENERGY", "能源消耗量") in {(c, t.split()[0]) for c, t in cells}
    assert "吨标准煤" in shown and " tce" not in shown and "10k" not in shown
    assert "---------" not in page


def test_annual_forms_show_units_in_the_users_language(demo_city, client, make_user):
    client.force_login(make_user("leadership", username="l10n-leader"))
    url = reverse("reports:form", args=["discharge"]) + "?year=2001"
    client.cookies["django_language"] = "zh-hans"
    page = client.get(url).content.decode()
    assert "<td>万吨</td>" in page or ">万吨<" in page
    assert ">tce<" not in page and ">10k t<" not in page
    # the headers as unbreakable words (the PDF is made of the same document)
    assert '<span class="nb">增减率</span>\u200b<span class="nb">（%）</span>' in page
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert ">tce<" in page


def test_form_headers_break_between_words_only():
    assert header_words("完成步骤") == '<span class="nb">完成步骤</span>'
    assert header_words("投资（万元）") == (
        '<span class="nb">投资</span>\u200b<span class="nb">（万元）</span>'
    )
    assert (
        header_words("Steps done") == '<span class="nb">Steps</span> <span class="nb">done</span>'
    )
    assert header_words("<b>") == '<span class="nb">&lt;b&gt;</span>'


def test_every_importers_columns_have_a_name_in_the_users_language():
    """An import error names its column as the user knows it (registry.import_columns): a new
    format's columns must be registered there, or its errors would show bare headers in
    Chinese."""
    from benxi_cp.importers import column_labels, get_importer, importer_kinds

    COLUMN_LABELS = column_labels()

    unnamed = {
        f"{kind}: {column}"
        for kind in importer_kinds()
        for column in get_importer(kind).columns
        if column not in COLUMN_LABELS
    }
    assert unnamed == set()
