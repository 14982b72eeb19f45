"""A long form's PDF laid out in parts (reports/output.py pdf_parts, render_pdf): every row once,
in order, an enterprise's block never cut between parts, and the pages numbered "n / N" over
the whole form."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import translation
from pypdf import PdfReader

from reports import annual, output
from reports.annual import DEC2, TEXT, AnnualForm, Column, Table


def grouped_form(blocks: list[int]) -> AnnualForm:
    """A form of a short table and a table of enterprise blocks of the given numbers of rows."""
    short = Table(
        key="city",
        title="City",
        columns=[Column("name", "Name", TEXT, 20)],
        rows=[{"name": "a"}, {"name": "b"}],
        total={"name": "Total"},
        note="City note",
    )
    detail = Table(
        key="enterprises",
        title="By enterprise",
        columns=[Column("name", "Name", TEXT, 20), Column("amount", "Amount", DEC2, 10)],
        total={"name": "Total"},
        note="Detail note",
    )
    for number, size in enumerate(blocks):
        detail.rows.append({"_group": f"E{number}"})
        detail.rows += [{"name": f"E{number}-{row}", "amount": row} for row in range(size)]
    return AnnualForm(
        name="discharge",
        number="CP-3",
        title="Test form",
        year=2000,
        tables=[short, detail],
        csv_header=[],
        csv_rows=[],
    )


def pieces(parts: list[dict], key: str) -> list[dict]:
    return [item for part in parts for item in part["tables"] if item["table"].key == key]


def test_parts_hold_every_row_once_and_cut_only_between_blocks():
    form = grouped_form([3, 2, 4, 3, 1, 3])
    context = output.document_context(form, datetime.date(2001, 1, 5))
    parts = output.pdf_parts(context, part_rows=7)
    assert len(parts) > 2
    for part in parts:
        assert sum(len(item["rows"]) for item in part["tables"]) <= 7
    detail = pieces(parts, "enterprises")
    rows = [row for item in detail for row in item["rows"]]
    assert rows == context["tables"][1]["rows"]
    for item in detail:
        assert item["rows"][0]["group"] is not None, "a piece begins with an enterprise"
    # The title where the table begins, the totals and the note where it ends; the form's
    # head in the first part, its notes and sign-off in the last.
    assert [item["continued"] for item in detail] == [False] + [True] * (len(detail) - 1)
    assert [item["continues"] for item in detail] == [True] * (len(detail) - 1) + [False]
    assert [item["total"] is not None for item in detail] == [False] * (len(detail) - 1) + [True]
    assert [part["continued"] for part in parts] == [False] + [True] * (len(parts) - 1)
    assert [part["continues"] for part in parts] == [True] * (len(parts) - 1) + [False]
    assert "a" in pieces(parts, "city")[0]["body"] and pieces(parts, "city")[0]["total"]


def test_a_block_longer_than_a_part_is_cut_where_the_part_is_full():
    form = grouped_form([2, 10, 1])
    context = output.document_context(form)
    parts = output.pdf_parts(context, part_rows=5)
    detail = pieces(parts, "enterprises")
    assert [len(item["rows"]) for item in detail] == [3, 5, 5, 3]
    assert [row for item in detail for row in item["rows"]] == context["tables"][1]["rows"]


def test_a_short_form_is_one_part():
    context = output.document_context(grouped_form([3, 2]))
    parts = output.pdf_parts(context)
    assert len(parts) == 1
    assert not parts[0]["continued"] and not parts[0]["continues"]


@pytest.mark.django_db
def test_the_discharge_pdf_in_parts_is_numbered_over_the_whole_form(
    programme, tmp_path, monkeypatch
):
    form = annual.compose("discharge", 2000)
    blocks = [row["_group"].split()[0] for row in form.tables[1].rows if "_group" in row]
    rows = sum(len(table.rows) for table in form.tables)
    monkeypatch.setattr(output, "PART_ROWS", max(rows // 4, 1))
    with translation.override("zh-hans"):
        parts = output.pdf_parts(output.document_context(form))
    assert len(parts) >= 3, rows
    target = tmp_path / "discharge.pdf"
    call_command(
        "annual_report",
        *("--year", "2000", "--form", "discharge", "--format", "pdf", "--output", str(target)),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    reader = PdfReader(target)
    texts = [page.extract_text() for page in reader.pages]
    total = len(texts)
    assert total >= len(parts)
    for number, text in enumerate(texts, start=1):
        # Drawn last on the page (the city table's "reporting" column reads "n / m" too).
        assert re.findall(r"\b\d+ / \d+\b", text)[-1] == f"{number} / {total}"
    whole = "\n".join(texts)
    for code in blocks:
        assert whole.count(code) == 1, code
    with translation.override("zh-hans"):
        title, prepared = str(form.title), str(form.signatures[-1])
    # The later parts' pages carry the form's title in their heads, as the first part's do.
    assert all(title in text for text in texts)
    # The sign-off once, at the end.
    assert prepared in texts[-1]
    assert sum(text.count(prepared) for text in texts) == 1
