"""Hand-made records for the reports tests, created directly with the ORM (and the ledger
refreshed after each report, as the real write paths do)."""

import datetime
from decimal import Decimal

from django.db import transaction

from audits.models import Audit, Option, OptionReduction
from benxi_cp import guards
from enterprises import ledger
from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def make_enterprise(code: str, slm: bool = False, sector: str = "chemicals", **fields):
    fields.setdefault("name", f"{code}厂")
    fields.setdefault("name_en", f"{code} Works")
    return Enterprise.objects.create(code=code, sector=sector, state_large_medium=slm, **fields)


def make_audit(
    enterprise,
    started: str,
    ref: str | None = None,
    accepted_by: str = "",
    accepted_on: str | None = None,
    acceptance: str = "pass",
    demonstration: bool = False,
    demonstration_on: str | None = None,
    steps: int | None = None,
    score: str | None = "85",
):
    """An audit; with accepted_by, a finished one: eight steps, assessed, accepted."""
    fields = {}
    if accepted_by:
        accepted = day(accepted_on)
        fields = {
            "steps_completed": 8,
            "assessment": "pass",
            "assessed_on": accepted - datetime.timedelta(days=30),
            "assessment_score": Decimal(score) if score else None,
            "acceptance": acceptance,
            "accepted_by": accepted_by,
            "accepted_on": accepted,
            "demonstration": demonstration,
            "demonstration_on": day(demonstration_on) if demonstration_on else None,
        }
    if steps is not None:
        fields["steps_completed"] = steps
    return Audit.objects.create(
        enterprise=enterprise,
        ref=ref or f"A-{enterprise.code}-{started}",
        started_on=day(started),
        **fields,
    )


def make_option(
    audit,
    code: str,
    fee_class: str = "low_no",
    status: str = "implemented",
    investment: str | None = None,
    benefit: str | None = None,
    implemented_on: str | None = None,
    aspect: str = "management",
    reductions: dict[str, str] | None = None,
):
    """An option, written below the lock on accepted audits (audits/locks.py), as the demo
    writes its generated records: the reports tests build finished audits first."""
    with transaction.atomic(), guards.suspended():
        return _make_option(
            audit, code, fee_class, status, investment, benefit, implemented_on, aspect, reductions
        )


def _make_option(
    audit, code, fee_class, status, investment, benefit, implemented_on, aspect, reductions
):
    if status == "implemented" and implemented_on is None:
        implemented_on = audit.started_on.isoformat()
    option = Option.objects.create(
        audit=audit,
        code=code,
        title=f"方案 {code}",
        aspect=aspect,
        fee_class=fee_class,
        status=status,
        investment_10k_yuan=Decimal(investment) if investment is not None else None,
        annual_benefit_10k_yuan=Decimal(benefit) if benefit is not None else None,
        implemented_on=day(implemented_on) if implemented_on else None,
    )
    for pollutant, amount in (reductions or {}).items():
        OptionReduction.objects.create(
            option=option,
            pollutant=Pollutant.objects.get(code=pollutant),
            amount_per_year=Decimal(amount),
        )
    return option


def make_report(
    enterprise,
    year: int,
    values: dict[str, str],
    kind: str = "Y",
    number: int = 0,
    status: str = "verified",
    output: str | None = None,
):
    """A report with its values; a verified one is verified after its values are in (a
    verified report is locked). The ledger is brought in line, as every write path does."""
    report = DischargeReport.objects.create(
        enterprise=enterprise,
        year=year,
        period_kind=kind,
        period_number=number,
        status="submitted" if status == "verified" else status,
        output_10k_yuan=Decimal(output) if output else None,
    )
    for pollutant, amount in values.items():
        DischargeValue.objects.create(
            report=report, pollutant=Pollutant.objects.get(code=pollutant), amount=Decimal(amount)
        )
    if status == "verified":
        report.status = status
        report.save()
    ledger.refresh({(enterprise.pk, year)})
    return report


def grow(count: int, prefix: str = "G") -> None:
    """`count` more enterprises, each with a finished audit, three options (with
    reductions) and verified reports for 1999 and 2000: a bigger data set of the same shape."""
    for i in range(count):
        enterprise = make_enterprise(f"{prefix}{i:03d}", slm=i % 2 == 0, sector="coal")
        audit = make_audit(
            enterprise,
            "1999-03-01",
            accepted_by="municipality" if i % 3 else "national_centre",
            accepted_on="2000-06-01",
        )
        make_option(audit, "1", investment="1", benefit="2", reductions={"COD": "3"})
        make_option(
            audit,
            "2",
            fee_class="medium_high",
            investment="100",
            benefit="150",
            implemented_on="2000-05-01",
            aspect="technology",
            reductions={"SO2": "4"},
        )
        make_option(audit, "3", status="selected")
        make_report(enterprise, 1998, {"COD": "30", "SO2": "40"})
        make_report(enterprise, 1999, {"COD": "28", "SO2": "38"})
        make_report(enterprise, 2000, {"COD": "25", "SO2": "30"})
