"""What the search across the application finds in the register: enterprises and their
discharge reports (benxi_cp/search.py)."""

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from benxi_cp.search import Hit, Query, Source
from enterprises.models import DischargeReport, Enterprise, parse_period


def find_enterprises(user, query: Query):
    # The register is one list for everyone who may read it (EnterpriseListView).
    exact_code_first = Case(
        When(code__iexact=query.terms, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return Enterprise.objects.search(query.terms).order_by(exact_code_first, "code")


def enterprise_hit(enterprise: Enterprise) -> Hit:
    other = enterprise.name_en if enterprise.display_name == enterprise.name else enterprise.name
    details = [other, enterprise.get_sector_display(), enterprise.get_cp_status_display()]
    return Hit(
        title=f"{enterprise.code} {enterprise.display_name}",
        url=enterprise.get_absolute_url(),
        detail=" · ".join(str(part) for part in details if part),
    )


def find_reports(user, query: Query):
    reports = DischargeReport.objects.for_user(user).select_related("enterprise")
    if query.words:
        reports = reports.search(query.words)
    if query.year:
        reports = reports.filter(year=query.year)
    if query.period:
        kind, number = parse_period(query.period)
        reports = reports.filter(period_kind=kind, period_number=number)
    return reports.order_by("-year", "enterprise__code", "period_kind", "period_number", "pk")


def report_hit(report: DischargeReport) -> Hit:
    details = [report.get_status_display()]
    if report.grade:
        details.append(_("grade %(grade)s") % {"grade": report.grade})
    return Hit(
        title=f"{report.enterprise.code} {report.enterprise.display_name} · {report.period_label}",
        url=report.get_absolute_url(),
        detail=" · ".join(str(part) for part in details),
    )


def report_list_params(query: Query) -> dict:
    kind = parse_period(query.period)[0] if query.period else ""
    return {"q": query.words, "year": query.year, "period_kind": kind}


# Kinds of record the search box finds; registered by the app's ready() (registry.search).
SOURCES = (
    Source(
        key="enterprises",
        label=_("Enterprises"),
        permission="enterprises.view_enterprise",
        order=10,
        find=find_enterprises,
        hit=enterprise_hit,
        list_url_name="enterprises:list",
        list_params=lambda query: {"q": query.terms},
    ),
    Source(
        key="reports",
        label=_("Discharge reports"),
        permission="enterprises.view_dischargereport",
        order=40,
        find=find_reports,
        hit=report_hit,
        list_url_name="enterprises:report_list",
        list_params=report_list_params,
    ),
)
