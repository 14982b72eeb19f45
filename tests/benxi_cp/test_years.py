"""The years a record may carry: one constant, one validator, and every place that checks a
year uses them (benxi_cp/validators.py)."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from benxi_cp.fields import YearField
from benxi_cp.validators import (
    DATE_MESSAGE,
    FIRST_YEAR,
    LAST_YEAR,
    YEAR_MESSAGE,
    YEARS_MESSAGE,
    validate_year,
    year_q,
)

ROOT = Path(__file__).resolve().parent.parent.parent
PROJECT = ("benxi_cp", "enterprises", "audits", "targets", "reports", "programme", "api")


def test_the_messages_say_the_constants():
    with translation.override("en"):
        for message in (YEAR_MESSAGE, YEARS_MESSAGE, DATE_MESSAGE):
            assert re.findall(r"\d{4}", str(message)) == [str(FIRST_YEAR), str(LAST_YEAR)]
    with translation.override("zh-hans"):
        for message in (YEAR_MESSAGE, YEARS_MESSAGE, DATE_MESSAGE):
            assert re.findall(r"\d{4}", str(message)) == [str(FIRST_YEAR), str(LAST_YEAR)]


@pytest.mark.parametrize("year", [FIRST_YEAR, 2001, LAST_YEAR])
def test_a_year_in_range_passes(year):
    validate_year(year)
    assert YearField().clean(str(year)) == year


@pytest.mark.parametrize(
    "year,bound", [(FIRST_YEAR - 1, FIRST_YEAR), (0, FIRST_YEAR), (LAST_YEAR + 1, LAST_YEAR)]
)
def test_a_year_out_of_range_is_refused_with_its_bound(year, bound):
    for check in (lambda: validate_year(year), lambda: YearField().clean(str(year))):
        with pytest.raises(ValidationError) as caught:
            check()
        (message,) = caught.value.messages
        assert str(bound) in message


def test_the_year_input_offers_the_range():
    field = YearField()
    html = str(field.widget.render("year", 2001, field.widget_attrs(field.widget)))
    assert f'min="{FIRST_YEAR}"' in html and f'max="{LAST_YEAR}"' in html


def test_every_year_range_constraint_uses_the_constant():
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT:
            continue
        for constraint in model._meta.constraints:
            if constraint.name.endswith("year_range") and "baseline_year" not in str(
                constraint.condition
            ):
                found.append(model._meta.label)
                assert constraint.condition == year_q(), model._meta.label
    assert {"enterprises.DischargeReport", "reports.YearClosing", "targets.Actual"} <= set(found)


def test_no_other_module_writes_the_years_out():
    """The range is written once; a module naming 1949 or 2100 restates it."""
    written = re.compile(r"\b(1949|2100)\b")
    offenders = []
    for package in PROJECT:
        for path in (ROOT / package).rglob("*"):
            if path.suffix not in (".py", ".html", ".js") or "migrations" in path.parts:
                continue
            if path.relative_to(ROOT).as_posix() == "benxi_cp/validators.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                # The demo's figures (a works of 2,100 employees) are not years.
                if written.search(line) and "demo" not in path.name:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
