"""Choice lists in the order a reader expects: Chinese names by pinyin, English names
alphabetically, whatever the codes behind them."""

import re

import pytest
from django.urls import reverse

from benxi_cp.sorting import collation_key
from targets.models import Department

# (code, Chinese name, English name): the codes' order is neither the pinyin nor the English.
DEPARTMENTS = [
    ("a-water", "水利局", "Water Bureau"),
    ("b-epb", "环境保护局", "Environmental Protection Bureau"),
    ("c-labour", "劳动局", "Labour Bureau"),
    ("d-planning", "计划委员会", "Planning Commission"),
    ("e-health", "卫生局", "Health Bureau"),
]


def test_chinese_names_sort_by_pinyin_and_latin_ones_alphabetically():
    names = ["水利局", "环境保护局", "劳动局", "计划委员会", "卫生局", "本溪市政府"]
    assert sorted(names, key=collation_key) == [
        "本溪市政府",  # ben
        "环境保护局",  # huan
        "计划委员会",  # ji
        "劳动局",  # lao
        "水利局",  # shui
        "卫生局",  # wei
    ]
    assert sorted(["water", "Labour", "health"], key=collation_key) == ["health", "Labour", "water"]


def options(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select, select_id
    return [text.strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1))]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang,expected",
    [
        ("zh-hans", ["环境保护局", "计划委员会", "劳动局", "水利局", "卫生局"]),
        (
            "en",
            [
                "Environmental Protection Bureau",
                "Health Bureau",
                "Labour Bureau",
                "Planning Commission",
                "Water Bureau",
            ],
        ),
    ],
)
def test_the_task_forms_departments_are_in_the_order_of_their_names(client_as, lang, expected):
    for code, name, name_en in DEPARTMENTS:
        Department.objects.create(code=code, name=name, name_en=name_en)
    client = client_as("administrator")
    client.cookies["django_language"] = lang
    html = client.get(reverse("programme:task_create")).content.decode()
    listed = [name for name in options(html, "id_department") if not set(name) <= set("-")]
    assert listed == expected
    # The targets' indicator form and overview filter too.
    html = client.get(reverse("targets:indicator_create")).content.decode()
    assert [n for n in options(html, "id_department") if not set(n) <= set("-")] == expected
