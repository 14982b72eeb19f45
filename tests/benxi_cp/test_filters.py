"""The record filter: a drop-down up to DROPDOWN_LIMIT records, a code box beyond."""

import pytest
from django.db.models import F

from benxi_cp import filters
from benxi_cp.filters import CodeOrChoiceField
from enterprises.models import Enterprise


def make_enterprises(count: int) -> None:
    Enterprise.objects.bulk_create(
        Enterprise(code=f"F-{i:03d}", name=f"厂{i}", name_en=f"Works {i}", sector="coal")
        for i in range(count)
    )


def render(field: CodeOrChoiceField, value=None) -> str:
    return field.widget.render("enterprise", value)


@pytest.mark.django_db
def test_up_to_the_limit_a_drop_down_of_the_records_in_one_query(
    monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(filters, "DROPDOWN_LIMIT", 5)
    make_enterprises(5)
    field = CodeOrChoiceField(queryset=Enterprise.objects.order_by("code"))
    chosen = Enterprise.objects.get(code="F-003").pk
    with django_assert_num_queries(1):
        html = render(field, chosen)
    expected = [str(e) for e in Enterprise.objects.order_by("code")]
    assert html.startswith("<select") and html.count("<option") == 6
    assert all(label in html for label in expected)
    assert f'value="{chosen}" selected' in html
    assert render(field) == render(field)  # the widget can be rendered again


@pytest.mark.django_db
def test_beyond_the_limit_a_code_box_in_one_query(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(filters, "DROPDOWN_LIMIT", 5)
    make_enterprises(6)
    field = CodeOrChoiceField(
        queryset=Enterprise.objects.order_by("code"), code_placeholder="enterprise code"
    )
    with django_assert_num_queries(1):
        html = render(field, "F-002")
    assert html.startswith("<input") and 'value="F-002"' in html
    assert 'placeholder="enterprise code"' in html
    # A record chosen by id (as links give it) shows its code: one query more.
    chosen = str(Enterprise.objects.get(code="F-004").pk)
    with django_assert_num_queries(2):
        html = render(field, chosen)
    assert 'value="F-004"' in html


@pytest.mark.django_db
def test_a_queryset_with_annotations_gives_the_same_drop_down(monkeypatch):
    monkeypatch.setattr(filters, "DROPDOWN_LIMIT", 5)
    make_enterprises(3)
    plain = CodeOrChoiceField(queryset=Enterprise.objects.order_by("code"))
    annotated = CodeOrChoiceField(
        queryset=Enterprise.objects.annotate(n=F("employees")).order_by("code")
    )
    assert render(plain) == render(annotated)
