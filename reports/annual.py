"""The annual report forms: what each form holds, computed from the records for one year.

A form is a list of tables of plain values; `reports/output.py` turns it into a page, a
PDF, an XLSX workbook or a CSV file, so every format shows the same figures. Forms:

- ``programme`` (a): the programme summary (reports/summary.py), figure by figure, and
  the reductions per pollutant with their rates;
- ``audits`` (b): each audit started by 31 December: steps done, options retained and
  implemented by fee class, investment, benefit, assessment, acceptance;
- ``discharge`` (c): each enterprise's verified annual discharge per pollutant in the
  year and the year before (the ledger, enterprises/ledger.py), with the change, and the
  city totals of the years that are complete;
- ``options`` (d): options implemented by aspect and fee class, in the year and to date;
- ``targets`` (e): every target's progress in the year (targets/progress.py: the latest
  actual up to the year, the share of the way from baseline to goal, the straight line's
  share, and the traffic light);
- ``training`` (f): training and outreach events of the year by audience (events, hours,
  participants; programme/outreach/queries.py), and the events one by one;
- ``compliance`` (g): compliance with the discharge permits (permits/compliance.py): each
  outlet, pollutant and basis with a limit in force in the year, and each permitted annual
  quantity against the verified discharge; its CSV is docs/formats/compliance-summary.md's;
- ``fees`` (h): the environmental protection tax on the verified annual discharge
  (permits/fees.py), by enterprise and by pollutant; its CSV likewise.

Who is in the programme, accepted or a demonstration enterprise, and the steps an audit had
done as of a day, follow audits/programme.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audits.choices import AcceptingBody, Aspect, FeeClass, Verdict
from audits.models import Audit, Option
from audits.programme import (
    as_of,
    counted_benefit,
    counted_investment,
    demonstration_q,
    implemented_q,
    in_programme_q,
    percent,
    retained_q,
    round_half_up,
    steps_done,
)
from benxi_cp import clock, datacache
from enterprises import districts, ledger
from enterprises.choices import Medium, Sector
from enterprises.models import AnnualDischarge, Enterprise, Pollutant
from permits import compliance, fees
from permits.choices import LimitBasis
from programme.models import TrainingEvent
from programme.outreach.choices import EventKind
from programme.outreach.queries import year_by_audience
from reports import summary
from reports.summary import KEY_LABELS, ProgrammeSummary, investment_note
from targets.choices import Dimension
from targets.progress import AMBER_POINTS, overview

# Cell kinds: how a value is written on the page and which number format the XLSX uses.
TEXT, INT, DEC1, DEC2, DATE = "text", "int", "dec1", "dec2", "date"
LIGHT = "light"  # a traffic light: the value is (code, label); printed as a dot and the label


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    width: int = 12  # in characters, for the XLSX
    wrap: bool = False  # long text (names) may wrap; other cells keep to one line


@dataclass
class Table:
    """One table of a form. A row is a dict of column key → value; a row holding only
    "_group" is a heading row spanning the table (an enterprise's block of rows)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    total: dict | None = None
    note: str = ""
    # A two-row header: (label, number of columns); a None label leaves one column's own
    # label spanning both rows.
    groups: list[tuple[str | None, int]] | None = None
    # A row (or block of rows) per enterprise: split among the volumes of a form.
    per_enterprise: bool = False

    def header_rows(self) -> list[list[dict]]:
        """The header as rows of {"label", "colspan", "rowspan", "kind"} cells."""
        if not self.groups:
            return [
                [
                    {"label": c.label, "colspan": 1, "rowspan": 1, "kind": c.kind}
                    for c in self.columns
                ]
            ]
        top, bottom, index = [], [], 0
        for label, span in self.groups:
            if label is None:
                column = self.columns[index]
                top.append({"label": column.label, "colspan": 1, "rowspan": 2, "kind": column.kind})
            else:
                top.append({"label": label, "colspan": span, "rowspan": 1, "kind": "group"})
                bottom += [
                    {"label": c.label, "colspan": 1, "rowspan": 1, "kind": c.kind}
                    for c in self.columns[index : index + span]
                ]
            index += span
        return [top, bottom]


@dataclass(frozen=True)
class Volume:
    """A volume of a form: the form restricted to the enterprises of a district (as the
    register records it, `Enterprise.district`) and/or a sector. The empty volume is the
    whole form."""

    district: str = ""
    sector: str = ""

    def __bool__(self) -> bool:
        return bool(self.district or self.sector)

    def q(self, prefix: str = "") -> Q:
        """The volume's enterprises, as a filter of a model reached through `prefix`."""
        found = Q()
        if self.district:
            recorded = "" if self.district == NO_DISTRICT else self.district
            found &= Q(**{f"{prefix}district": recorded})
        if self.sector:
            found &= Q(**{f"{prefix}sector": self.sector})
        return found

    @property
    def label(self) -> str:
        """The volume's name in the user's language: "平山区 · 钢铁" (empty: the whole form)."""
        parts = []
        if self.district:
            parts.append(district_label(self.district))
        if self.sector:
            parts.append(_label(Sector, self.sector))
        return " · ".join(parts)

    def params(self) -> dict[str, str]:
        """The volume as query parameters (a link, a job's params): only those given."""
        given = (("district", self.district), ("sector", self.sector))
        return {key: value for key, value in given if value}


def district_label(district: str) -> str:
    """A volume's district in the user's language (NO_DISTRICT or "": none recorded)."""
    if district in ("", NO_DISTRICT):
        return str(_("No district recorded"))
    return districts.display(district)


WHOLE = Volume()
# The district of a volume of the enterprises whose district is not recorded.
NO_DISTRICT = "-"
# The forms that list enterprises and may be printed in volumes.
VOLUME_FORMS = ("audits", "discharge")


@dataclass
class AnnualForm:
    name: str
    number: str  # the form's number on paper, e.g. "CP-1"
    title: str
    year: int
    tables: list[Table]
    csv_header: list[str]
    csv_rows: list[list]
    # Decimal places of the CSV's numeric columns, so that every database writes the same.
    csv_places: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    landscape: bool = False
    volume: Volume = WHOLE
    # Of a whole form that may be printed in volumes: {district: [enterprises, body rows]}
    # of its enterprise tables ("" for the enterprises without a district).
    districts: dict[str, list[int]] = field(default_factory=dict)
    signatures: tuple = (
        _("Head of the office (seal)"),
        _("Checked by"),
        _("Prepared by"),
    )

    @property
    def day(self) -> datetime.date:
        return as_of(self.year)

    @property
    def volume_label(self) -> str:
        return self.volume.label

    @property
    def full_title(self) -> str:
        """The title with the volume's name, for the pages' heads."""
        if not self.volume:
            return str(self.title)
        return _("%(title)s (%(volume)s)") % {"title": self.title, "volume": self.volume.label}

    @property
    def body_rows(self) -> int:
        """The rows of its tables, heading rows left out: what its PDF lays out."""
        return sum(1 for table in self.tables for row in table.rows if "_group" not in row)


def _count(districts_found: dict[str, list[int]], district: str, enterprise, rows: int, seen: set):
    """Counts an enterprise's `rows` to its district (the enterprise once)."""
    counts = districts_found.setdefault(district or "", [0, 0])
    if enterprise not in seen:
        seen.add(enterprise)
        counts[0] += 1
    counts[1] += rows


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value)) if value else ""


def _change(current: Decimal | None, previous: Decimal | None):
    if current is None or previous is None:
        return None, None
    return current - previous, percent(current - previous, previous)


# (a) programme summary -------------------------------------------------------------------


def programme_form(year: int, data: ProgrammeSummary | None = None) -> AnnualForm:
    data = data or summary.programme_summary(year)
    kinds = {
        "coverage_pct": DEC1,
        "investment_10k_yuan": DEC2,
        "annual_benefit_10k_yuan": DEC2,
        "input_output_ratio": DEC2,
    }
    figures = Table(
        key="figures",
        title=_("Programme figures as of 31 December"),
        columns=[
            Column("number", _("No."), INT, 5),
            Column("label", _("Item"), TEXT, 48),
            Column("value", _("Value"), TEXT, 14),
        ],
    )
    for number, (key, label) in enumerate(KEY_LABELS.items(), start=1):
        value = getattr(data, key)
        kind = kinds.get(key, INT)
        if kind == DEC2 and value is not None:
            value = round_half_up(value, Decimal("0.01"))
        figures.rows.append(
            {"number": number, "label": label, "value": value, "_kind": kind, "_key": key}
        )
    reductions = Table(
        key="reductions",
        title=_("Annual reductions by implemented options"),
        columns=[
            Column("pollutant", _("Pollutant"), TEXT, 22),
            Column("unit", _("Unit"), TEXT, 9),
            Column("amount", _("Reduction per year"), DEC2, 14),
            Column("enterprises", pgettext_lazy("count", "Enterprises"), INT, 10),
            Column("baseline", _("Their discharge before the audit"), DEC2, 16),
            Column("rate_pct", _("Reduction rate (%)"), DEC1, 11),
            Column("without_baseline", _("Enterprises without a baseline"), INT, 12),
        ],
        note=_(
            "The rate compares the reductions with the same enterprises' discharge in the "
            "year before each one's first audit (verified reports); enterprises without that "
            "baseline are left out of the rate."
        ),
    )
    for reduction in data.reductions:
        reductions.rows.append(
            {
                "pollutant": reduction.pollutant.display_name,
                "unit": reduction.pollutant.display_unit,
                "amount": reduction.amount,
                "enterprises": reduction.enterprises,
                "baseline": reduction.baseline,
                "rate_pct": reduction.rate_pct,
                "without_baseline": len(reduction.without_baseline),
                "_code": reduction.pollutant.code,
            }
        )
    notes = [investment_note(data.implemented_at_estimate)]
    if data.without_baseline:
        notes.append(
            _("%(count)s enterprise(s) have no verified baseline and are left out of the rates.")
            % {"count": data.without_baseline}
        )
    return AnnualForm(
        name="programme",
        number="CP-1",
        title=_("Cleaner production programme summary"),
        year=year,
        tables=[figures, reductions],
        csv_header=["key", "value"],
        csv_rows=[list(row) for row in data.rows()],
        notes=notes,
    )


# (b) audit status of each enterprise ------------------------------------------------------


AUDIT_FIGURES = (
    "options_low_no_retained",
    "options_low_no_implemented",
    "options_medium_high_retained",
    "options_medium_high_implemented",
    "investment_10k_yuan",
    "annual_benefit_10k_yuan",
)


def audit_rows(day: datetime.date, volume: Volume = WHOLE) -> list[dict]:
    """One row per audit started by `day` (2 queries: the audits with their steps done and
    whether they were a demonstration enterprise by then, their options' figures), of the
    enterprises of `volume` (all by default)."""
    audits = list(
        Audit.objects.filter(in_programme_q(day), volume.q("enterprise__"))
        .annotate(
            done=steps_done(day),
            named=ExpressionWrapper(demonstration_q(day), output_field=BooleanField()),
        )
        .select_related("enterprise")
        .order_by("enterprise__code", "started_on", "ref")
    )
    implemented = implemented_q(day)
    retained = retained_q(day)
    low, high = Q(fee_class=FeeClass.LOW_NO), Q(fee_class=FeeClass.MEDIUM_HIGH)
    figures = {
        row["audit_id"]: row
        for row in Option.objects.filter(
            in_programme_q(day, "audit__"), volume.q("audit__enterprise__")
        )
        .values("audit_id")
        .annotate(
            options_low_no_retained=Count("pk", filter=retained & low),
            options_low_no_implemented=Count("pk", filter=implemented & low),
            options_medium_high_retained=Count("pk", filter=retained & high),
            options_medium_high_implemented=Count("pk", filter=implemented & high),
            investment_10k_yuan=Sum(counted_investment(), filter=implemented),
            annual_benefit_10k_yuan=Sum(counted_benefit(), filter=implemented),
        )
        .order_by()
    }
    rows = []
    for audit in audits:
        # The verdicts recorded by the day (passed or not) show; later ones do not yet.
        assessed = audit.assessment and audit.assessed_on <= day
        accepted = audit.acceptance and audit.accepted_on <= day
        row = {
            "audit": audit,
            "enterprise_code": audit.enterprise.code,
            "enterprise_name": audit.enterprise.display_name,
            "sector": audit.enterprise.get_sector_display(),
            "sector_code": audit.enterprise.sector,
            "district": audit.enterprise.district,
            "audit_ref": audit.ref,
            "started_on": audit.started_on,
            "steps_done": audit.done,
            "assessment": audit.assessment if assessed else "",
            "assessment_score": audit.assessment_score if assessed else None,
            "assessed_on": audit.assessed_on if assessed else None,
            "acceptance": audit.acceptance if accepted else "",
            "accepted_by": audit.accepted_by if accepted else "",
            "accepted_on": audit.accepted_on if accepted else None,
            "demonstration": bool(audit.named),
        }
        found = figures.get(audit.pk, {})
        for key in AUDIT_FIGURES:
            value = found.get(key)
            row[key] = value if value is not None else (Decimal("0") if "yuan" in key else 0)
        rows.append(row)
    return rows


def _audits_table(rows: list[dict], volume: Volume) -> Table:
    """The table of form (b): a row per audit, with its totals (the volume's, of a volume)."""
    note = _(
        "Ret.: options retained at screening; Impl.: options implemented. "
        "★ demonstration enterprise. Steps done out of eight, as of 31 December."
    )
    if volume:
        note = " ".join([str(note), str(_("Total: the audits of the volume's enterprises."))])
    table = Table(
        key="audits",
        title=_("CP audit status of each enterprise"),
        columns=[
            Column("enterprise_code", _("Code"), TEXT, 11),
            Column("enterprise_name", _("Enterprise"), TEXT, 22, wrap=True),
            Column("audit_ref", _("Audit"), TEXT, 10),
            Column("started_on", _("Started"), DATE, 11),
            Column("steps_done", _("Steps done"), INT, 6),
            Column("options_low_no_retained", _("Ret."), INT, 7),
            Column("options_low_no_implemented", _("Impl."), INT, 7),
            Column("options_medium_high_retained", _("Ret."), INT, 7),
            Column("options_medium_high_implemented", _("Impl."), INT, 7),
            Column("investment_10k_yuan", _("Investment (10k yuan)"), DEC2, 11),
            Column("annual_benefit_10k_yuan", _("Annual benefit (10k yuan)"), DEC2, 11),
            Column("assessment_text", _("Assessment (score)"), TEXT, 10),
            Column("acceptance_text", _("Accepted by"), TEXT, 12, wrap=True),
            Column("accepted_on", _("Accepted on"), DATE, 11),
            Column("demonstration_text", _("Demonstration"), TEXT, 6),
        ],
        groups=[
            *[(None, 1)] * 5,
            (_("No/low-fee options"), 2),
            (_("Medium/high-fee options"), 2),
            *[(None, 1)] * 6,
        ],
        rows=rows,
        note=note,
        per_enterprise=True,
    )
    total = {"enterprise_name": _("Total"), "steps_done": None}
    for key in AUDIT_FIGURES:
        total[key] = sum((row[key] for row in rows), start=0)
    total["audit_ref"] = len(rows)
    total["enterprise_code"] = ""
    table.total = total
    return table


def audits_form(year: int, volume: Volume = WHOLE) -> AnnualForm:
    day = as_of(year)
    rows = audit_rows(day, volume)
    found: dict[str, list[int]] = {}
    seen: set[str] = set()
    for row in rows:
        verdict = _label(Verdict, row["assessment"])
        if row["assessment_score"] is not None:
            verdict = f"{verdict} {row['assessment_score']}"
        row["assessment_text"] = verdict
        row["acceptance_text"] = _label(AcceptingBody, row["accepted_by"])
        row["demonstration_text"] = "★" if row["demonstration"] else ""
        _count(found, row["district"], row["enterprise_code"], 1, seen)
    table = _audits_table(rows, volume)
    header = [
        "enterprise_code",
        "enterprise_name",
        "sector",
        "audit_ref",
        "started_on",
        "steps_done",
        *AUDIT_FIGURES,
        "assessment",
        "assessment_score",
        "assessed_on",
        "acceptance",
        "accepted_by",
        "accepted_on",
        "demonstration",
    ]
    csv_rows = [
        [row["sector_code"] if key == "sector" else row[key] for key in header] for row in rows
    ]
    return AnnualForm(
        name="audits",
        number="CP-2",
        title=_("CP audit status of enterprises"),
        year=year,
        tables=[table],
        csv_header=header,
        csv_rows=csv_rows,
        csv_places={"investment_10k_yuan": 2, "annual_benefit_10k_yuan": 2, "assessment_score": 1},
        landscape=True,
        volume=volume,
        districts={} if volume else found,
    )


# (c) pollution discharge by enterprise and pollutant -------------------------------------


def discharge_city(year: int, volume: Volume = WHOLE) -> dict[tuple[int, int], dict]:
    """{(pollutant id, year): {"total", "count", "both"}} of the verified figures of `year`
    and the year before, summed in SQL: all of them (of the enterprises of `volume`), how
    many enterprises, and those of the enterprises with a verified figure of the pollutant
    in both years."""
    in_other_year = AnnualDischarge.objects.filter(
        enterprise_id=OuterRef("enterprise_id"),
        pollutant_id=OuterRef("pollutant_id"),
        year=Value(2 * year - 1) - OuterRef("year"),  # the year before, or the year after
        verified=True,
    )
    rows = (
        AnnualDischarge.objects.filter(
            volume.q("enterprise__"), verified=True, year__in=[year - 1, year]
        )
        .values("pollutant_id", "year")
        .annotate(
            total=Sum("amount"),
            count=Count("enterprise_id"),
            both=Sum("amount", filter=Exists(in_other_year)),
        )
        .order_by()
    )
    return {(row["pollutant_id"], row["year"]): row for row in rows}


def _city_table(columns: list[Column], volume: Volume) -> Table:
    """The totals of the enterprises reporting: the city's, or the volume's enterprises'."""
    note = _(
        "Enterprises reporting: with a verified figure in the previous year / in the "
        "year. A year's city total is shown once every figure of it is verified. The "
        "change adds up the enterprises with a verified figure in both years, so that a "
        "report not yet verified does not show as a fall."
    )
    title = _("City totals of the enterprises reporting")
    if volume:
        title = _("Totals of the volume's enterprises reporting (%(volume)s)") % {
            "volume": volume.label
        }
        note = _(
            "Totals of the enterprises of this volume only, not of the city. Enterprises "
            "reporting: with a verified figure in the previous year / in the year. A year's "
            "total is shown once every figure of the volume's enterprises for it is "
            "verified. The change adds up the enterprises with a verified figure in both "
            "years, so that a report not yet verified does not show as a fall."
        )
    return Table(
        key="city",
        title=title,
        columns=[
            *columns[:4],
            Column("reporting", _("Enterprises reporting"), TEXT, 11),
            Column("change", _("Change, same enterprises"), DEC2, 14),
            Column("change_pct", pgettext_lazy("difference", "Change (%)"), DEC1, 10),
        ],
        note=note,
    )


def discharge_form(year: int, volume: Volume = WHOLE) -> AnnualForm:
    """Form (c) from the ledger, in five queries: the years' states, the city sums, the
    enterprises with a verified figure, their figures, the pollutants (and, for a volume,
    first its enterprises).

    Long: the form's layout, section by section, as the printed form has it."""
    years = [year - 1, year]
    chosen = None
    if volume:
        chosen = list(Enterprise.objects.filter(volume.q()).values_list("pk", flat=True))
    states = ledger.year_states(years, enterprise_ids=chosen)
    complete = {y: y in states and states[y].complete for y in years}
    city_sums = discharge_city(year, volume)
    figures = AnnualDischarge.objects.filter(verified=True, year__in=years)
    if chosen is not None:
        figures = figures.filter(enterprise_id__in=chosen)
    enterprises = {
        e.pk: e
        for e in Enterprise.objects.filter(pk__in=figures.values("enterprise_id"))
        .only("code", "name", "name_en", "district")
        .order_by("code")
    }
    values = {
        (e, y, p): amount
        for e, y, p, amount in figures.order_by().values_list(
            "enterprise_id", "year", "pollutant_id", "amount"
        )
    }
    pollutants = list(Pollutant.objects.all())

    columns = [
        Column("pollutant", _("Pollutant"), TEXT, 24),
        Column("unit", _("Unit"), TEXT, 9),
        Column("previous", str(year - 1), DEC2, 15),
        Column("current", str(year), DEC2, 15),
        Column("change", pgettext_lazy("difference", "Change"), DEC2, 14),
        Column("change_pct", pgettext_lazy("difference", "Change (%)"), DEC1, 10),
    ]
    city = _city_table(columns, volume)
    detail = Table(
        key="enterprises", title=_("By enterprise"), columns=columns, per_enterprise=True
    )
    header = [
        "table",
        "enterprise_code",
        "enterprise_name",
        "pollutant",
        "unit",
        "previous",
        "current",
        "change",
        "change_pct",
    ]
    csv_rows = []
    for pollutant in pollutants:
        previous = city_sums.get((pollutant.pk, year - 1))
        current = city_sums.get((pollutant.pk, year))
        if previous is None and current is None:
            continue
        change, change_pct = _change(
            current["both"] if previous and current else None,
            previous["both"] if previous and current else None,
        )
        row = {
            "pollutant": pollutant.display_name,
            "unit": pollutant.display_unit,
            # A city total only for a complete year (enterprises/ledger.py).
            "previous": previous["total"] if previous and complete[year - 1] else None,
            "current": current["total"] if current and complete[year] else None,
            "change": change,
            "change_pct": change_pct,
            "reporting": (
                f"{previous['count'] if previous else 0} / {current['count'] if current else 0}"
            ),
            "_code": pollutant.code,
        }
        city.rows.append(row)
        csv_rows.append(
            ["city", "", "", pollutant.code, pollutant.unit]
            + [row[k] for k in ("previous", "current", "change", "change_pct")]
        )
    # Once each: at province scale this loop runs for every enterprise and pollutant.
    catalogue = [(p.pk, p.code, p.unit, p.display_name, p.display_unit) for p in pollutants]
    found: dict[str, list[int]] = {}
    seen: set[int] = set()
    for pk, enterprise in enterprises.items():
        block = []
        for pollutant_id, code, unit, name, shown_unit in catalogue:
            previous = values.get((pk, year - 1, pollutant_id))
            current = values.get((pk, year, pollutant_id))
            if previous is None and current is None:
                continue
            change, change_pct = _change(current, previous)
            block.append(
                {
                    "pollutant": name,
                    "unit": shown_unit,
                    "previous": previous,
                    "current": current,
                    "change": change,
                    "change_pct": change_pct,
                    "_code": code,
                }
            )
            csv_rows.append(
                ["enterprise", enterprise.code, enterprise.name, code, unit]
                + [previous, current, change, change_pct]
            )
        if block:
            detail.rows.append({"_group": f"{enterprise.code} {enterprise.display_name}"})
            detail.rows.extend(block)
            _count(found, enterprise.district, pk, len(block), seen)
    notes = [
        _(
            "Verified reports only: the annual report, else four quarters or twelve months. "
            "The change is the year's figure minus the previous year's."
        )
    ]
    # Said under the city table, where the total is missing.
    incomplete = (
        _(
            "%(year)s is not yet complete: %(count)s enterprise(s) of the volume still wait "
            "for verification, so the volume shows no total for it."
        )
        if volume
        else _(
            "%(year)s is not yet complete: %(count)s enterprise(s) still wait for "
            "verification, so the city shows no total for it."
        )
    )
    pending = [
        incomplete % {"year": y, "count": states[y].pending if y in states else 0}
        for y in years
        if not complete[y]
    ]
    if pending:
        city.note = " ".join([*map(str, pending), str(city.note)])
    return AnnualForm(
        name="discharge",
        number="CP-3",
        title=_("Pollution discharge by enterprise and pollutant"),
        year=year,
        tables=[city, detail],
        csv_header=header,
        csv_rows=csv_rows,
        csv_places={"previous": 4, "current": 4, "change": 4, "change_pct": 1},
        notes=notes,
        volume=volume,
        districts={} if volume else found,
    )


# (d) options implemented by aspect and fee class ------------------------------------------


def options_by_aspect(day: datetime.date, since: datetime.date | None = None) -> dict:
    """{(aspect, fee class): {"count", "investment", "benefit"}} of options implemented by
    `day` (and on or after `since`), in one query."""
    options = Option.objects.filter(implemented_q(day))
    if since:
        options = options.filter(implemented_on__gte=since)
    rows = (
        options.values("aspect", "fee_class")
        .annotate(
            count=Count("pk"),
            investment=Sum(counted_investment()),
            benefit=Sum(counted_benefit()),
        )
        .order_by()
    )
    return {
        (row["aspect"], row["fee_class"]): {
            "count": row["count"],
            "investment": row["investment"] or Decimal("0"),
            "benefit": row["benefit"] or Decimal("0"),
        }
        for row in rows
    }


def _aspect_table(key: str, title: str, found: dict) -> Table:
    columns = [Column("aspect", _("Aspect"), TEXT, 22, wrap=True)]
    for fee in ("low_no", "medium_high", "all"):
        columns += [
            Column(f"{fee}_count", pgettext_lazy("count", "Options"), INT, 8),
            Column(f"{fee}_investment", _("Investment"), DEC2, 12),
            Column(f"{fee}_benefit", _("Annual benefit"), DEC2, 12),
        ]
    groups = [
        (None, 1),
        (_("No/low-fee options"), 3),
        (_("Medium/high-fee options"), 3),
        (_("All options"), 3),
    ]
    table = Table(key=key, title=title, columns=columns, groups=groups)
    total: dict = {"aspect": _("Total")}
    for aspect in Aspect:
        row: dict = {"aspect": aspect.label, "_aspect": aspect.value}
        for fee in ("low_no", "medium_high", "all"):
            fees = [fee] if fee != "all" else ["low_no", "medium_high"]
            cells = [found.get((aspect.value, f), {}) for f in fees]
            row[f"{fee}_count"] = sum(c.get("count", 0) for c in cells)
            row[f"{fee}_investment"] = sum(
                (c.get("investment", Decimal("0")) for c in cells), start=Decimal("0")
            )
            row[f"{fee}_benefit"] = sum(
                (c.get("benefit", Decimal("0")) for c in cells), start=Decimal("0")
            )
        for column in columns[1:]:
            total[column.key] = total.get(column.key, 0) + row[column.key]
        table.rows.append(row)
    table.total = total
    return table


def options_form(year: int) -> AnnualForm:
    day = as_of(year)
    in_year = _aspect_table(
        "in_year",
        _("Implemented during the year"),
        options_by_aspect(day, since=datetime.date(year, 1, 1)),
    )
    to_date = _aspect_table(
        "to_date", _("Implemented since the programme began"), options_by_aspect(day)
    )
    header = [
        "table",
        "aspect",
        "fee_class",
        "options",
        "investment_10k_yuan",
        "annual_benefit_10k_yuan",
    ]
    csv_rows = []
    for table in (in_year, to_date):
        for row in table.rows:
            for fee in ("low_no", "medium_high"):
                csv_rows.append(
                    [
                        table.key,
                        row["_aspect"],
                        fee,
                        row[f"{fee}_count"],
                        row[f"{fee}_investment"],
                        row[f"{fee}_benefit"],
                    ]
                )
    return AnnualForm(
        name="options",
        number="CP-4",
        title=_("CP options implemented by aspect and fee class"),
        year=year,
        tables=[in_year, to_date],
        csv_header=header,
        csv_rows=csv_rows,
        csv_places={"investment_10k_yuan": 2, "annual_benefit_10k_yuan": 2},
        notes=[_("Investment in 10k yuan; annual economic benefit in 10k yuan a year.")],
        landscape=True,
    )


# (e) target progress -------------------------------------------------------------------


def targets_form(year: int) -> AnnualForm:
    """Form (d): the targets of the year, their actual values and whether they were met.

    Long: the form's layout, section by section, as the printed form has it."""
    rows = overview(year)
    table = Table(
        key="targets",
        title=_("Progress of each target"),
        columns=[
            Column("indicator", _("Indicator"), TEXT, 26, wrap=True),
            Column("unit", _("Unit"), TEXT, 10, wrap=True),
            Column("department", _("Responsible department"), TEXT, 16, wrap=True),
            Column("baseline_year", _("Year"), TEXT, 6),
            Column("baseline_value", _("Value"), DEC2, 11),
            Column("goal_year", _("Year"), TEXT, 6),
            Column("goal_value", _("Value"), DEC2, 11),
            Column("actual_year", _("Year"), TEXT, 6),
            Column("actual_value", _("Value"), DEC2, 11),
            Column("progress_pct", _("Progress (%)"), DEC1, 9),
            Column("expected_pct", _("Expected (%)"), DEC1, 9),
            Column("light", _("Status"), LIGHT, 11),
        ],
        groups=[
            (None, 1),
            (None, 1),
            (None, 1),
            (pgettext_lazy("target", "Baseline"), 2),
            (pgettext_lazy("target", "Goal"), 2),
            (pgettext_lazy("target", "Actual"), 2),
            (None, 1),
            (None, 1),
            (None, 1),
        ],
    )
    current = None
    csv_rows = []
    for row in rows:
        indicator, target = row.indicator, row.target
        if indicator.dimension != current:
            current = indicator.dimension
            table.rows.append({"_group": str(Dimension(current).label)})
        table.rows.append(
            {
                "indicator": indicator.display_name,
                "unit": indicator.display_unit,
                "department": indicator.department.display_name,
                "baseline_year": target.baseline_year,
                "baseline_value": target.baseline_value,
                "goal_year": target.goal_year,
                "goal_value": target.goal_value,
                "actual_year": row.actual_year,
                "actual_value": row.actual_value,
                "progress_pct": row.progress_pct,
                "expected_pct": row.expected_pct,
                "light": (row.light, row.light_label),  # a limit: met / not met
                "_code": indicator.code,
            }
        )
        csv_rows.append(
            [
                indicator.code,
                indicator.dimension,
                indicator.unit,
                indicator.department.code,
                target.baseline_year,
                target.baseline_value,
                target.goal_year,
                target.goal_value,
                row.actual_year,
                row.actual_value,
                row.progress_pct,
                row.expected_pct,
                row.on_track,
                row.light,
            ]
        )
    return AnnualForm(
        name="targets",
        number="CP-5",
        title=_("Progress of the programme's targets"),
        year=year,
        tables=[table],
        csv_header=[
            "indicator_code",
            "dimension",
            "unit",
            "department",
            "baseline_year",
            "baseline_value",
            "goal_year",
            "goal_value",
            "actual_year",
            "actual_value",
            "progress_pct",
            "expected_pct",
            "on_track",
            "light",
        ],
        csv_rows=csv_rows,
        csv_places={
            "baseline_value": 4,
            "goal_value": 4,
            "actual_value": 4,
            "progress_pct": 1,
            "expected_pct": 1,
        },
        notes=[
            _(
                "Progress: the share of the way from the baseline to the goal reached by the "
                "latest actual value up to the year. Expected: the straight line from the "
                "baseline year to the goal year at that value's year. Behind by less than "
                "%(points)s points: slightly behind; by more, or moving away from the goal: "
                "behind."
            )
            % {"points": AMBER_POINTS}
        ],
        landscape=True,
    )


# (f) training and outreach -------------------------------------------------------------


def training_form(year: int) -> AnnualForm:
    """Events, hours and participants of the year by audience (programme/outreach/queries.py), and
    the year's events one by one.

    Long: the form's layout, section by section, as the printed form has it."""
    events = TrainingEvent.objects.all()
    counts = {kind: year_by_audience(events.filter(kind=kind), year) for kind in EventKind.values}
    by_audience = Table(
        key="audiences",
        title=_("Training and outreach by audience"),
        columns=[
            Column("audience", _("Audience"), TEXT, 34, wrap=True),
            Column("training_events", _("Events"), INT, 8),
            Column("training_hours", _("Hours"), DEC1, 8),
            Column("training_participants", _("Participants"), INT, 11),
            Column("outreach_events", _("Events"), INT, 8),
            Column("outreach_hours", _("Hours"), DEC1, 8),
            Column("outreach_participants", _("Participants"), INT, 11),
        ],
        groups=[(None, 1), (EventKind.TRAINING.label, 3), (EventKind.OUTREACH.label, 3)],
    )
    csv_rows = []
    totals = dict.fromkeys([c.key for c in by_audience.columns[1:]], 0)
    for index, audience in enumerate(counts[EventKind.TRAINING]):
        row = {"audience": audience.audience_label}
        for kind in EventKind.values:
            count = counts[kind][index]
            row[f"{kind}_events"] = count.events
            row[f"{kind}_hours"] = count.hours
            row[f"{kind}_participants"] = count.participants
            csv_rows.append(
                [
                    audience.audience,
                    kind,
                    count.events,
                    count.hours,
                    count.participants,
                    count.participant_hours,
                ]
            )
        for key in totals:
            totals[key] += row[key]
        by_audience.rows.append(row)
    by_audience.total = {"audience": _("Total"), **totals}
    listed = Table(
        key="events",
        title=_("Events of the year"),
        columns=[
            Column("held_on", _("Date"), DATE, 11),
            Column("kind", _("Kind"), TEXT, 9),
            Column("audience", _("Audience"), TEXT, 24, wrap=True),
            Column("title", _("Title"), TEXT, 40, wrap=True),
            Column("hours", _("Hours"), DEC1, 7),
            Column("participants", _("Participants"), INT, 11),
        ],
    )
    year_events = events.filter(held_on__year=year).annotate(
        enterprise_participants=Coalesce(Sum("participations__participants"), 0)
    )
    for event in year_events.order_by("held_on", "title"):
        listed.rows.append(
            {
                "held_on": event.held_on,
                "kind": event.get_kind_display(),
                "audience": event.get_audience_display(),
                "title": event.title,
                "hours": event.hours,
                "participants": event.total_participants,
            }
        )
    return AnnualForm(
        name="training",
        number="CP-6",
        title=_("Training and outreach of the programme"),
        year=year,
        tables=[by_audience, listed],
        csv_header=[
            "audience",
            "kind",
            "events",
            "hours",
            "participants",
            "participant_hours",
        ],
        csv_rows=csv_rows,
        csv_places={"hours": 1, "participant_hours": 1},
        notes=[
            _(
                "Hours: the length of the events added up. Participants: those sent by "
                "enterprises of the register and the others (officials, the public)."
            )
        ],
        landscape=True,
    )


# (g) compliance with the permits -----------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    return "" if value is None else str(_("Yes") if value else _("No"))


def _names(enterprise_ids) -> dict[int, str]:
    """Enterprise id → "code name", for the heading rows (one query)."""
    return {
        e.pk: f"{e.code} {e.display_name}"
        for e in Enterprise.objects.filter(pk__in=set(enterprise_ids)).only(
            "code", "name", "name_en"
        )
    }


def _pollutant_names() -> dict[str, str]:
    return {p.code: p.display_name for p in Pollutant.objects.all()}


def _concentration_table(series: list[compliance.Series], names, pollutants) -> Table:
    table = Table(
        key="concentrations",
        title=_("Concentrations against the limits"),
        columns=[
            Column("outlet", _("Outlet"), TEXT, 10),
            Column("pollutant", _("Pollutant"), TEXT, 18),
            Column("basis", pgettext_lazy("averaging", "Basis"), TEXT, 12),
            Column("samples", _("Samples"), INT, 9),
            Column("exceedances", _("Exceedances"), INT, 11),
            Column("max_exceedance_pct", _("Largest excess (%)"), DEC1, 11),
            Column("months_exceeded", _("Months exceeded"), INT, 9),
            Column("chronic", _("Chronic"), TEXT, 8),
            Column("serious", _("Serious"), TEXT, 8),
            Column("missing", _("Missing monitoring"), INT, 10),
        ],
        note=_(
            "An exceedance is a value above the limit of its basis in force on its day (a "
            "value equal to the limit complies; a value below detection never exceeds). "
            "Chronic: four or more months with an exceedance in some six consecutive months "
            "of the year; serious: two or more months whose highest value is at least 1.4 × "
            "the limit. Missing: required monitoring slots with no value."
        ),
    )
    total = {"outlet": _("Total"), "samples": 0, "exceedances": 0, "missing": 0}
    enterprise = None
    for row in series:
        if row.enterprise_id != enterprise:
            enterprise = row.enterprise_id
            table.rows.append({"_group": names.get(enterprise, row.enterprise_code)})
        table.rows.append(
            {
                "outlet": row.outlet,
                "pollutant": pollutants.get(row.pollutant, row.pollutant),
                "basis": _label(LimitBasis, row.basis),
                "samples": row.samples,
                "exceedances": row.exceedances,
                "max_exceedance_pct": round_half_up(row.max_exceedance_pct, Decimal("0.1")),
                "months_exceeded": row.months_exceeded,
                "chronic": _yes_no(row.chronic),
                "serious": _yes_no(row.serious),
                "missing": row.missing,
            }
        )
        for key in ("samples", "exceedances", "missing"):
            total[key] += getattr(row, key)
    table.total = total
    return table


def _quantity_table(quantities: list[compliance.Quantity], names, pollutants) -> Table:
    table = Table(
        key="quantities",
        title=_("Annual quantities against the permitted quantities"),
        columns=[
            Column("enterprise", _("Enterprise"), TEXT, 30, wrap=True),
            Column("pollutant", _("Pollutant"), TEXT, 18),
            Column("permitted_t", _("Permitted (t)"), DEC2, 13),
            Column("actual_t", _("Verified discharge (t)"), DEC2, 13),
            Column("share_pct", _("Share (%)"), DEC1, 9),
            Column("exceeded", _("Exceeded"), TEXT, 9),
        ],
        note=_(
            "Permitted: each permit's annual quantity pro rata of its days in force in the "
            "year. Verified discharge: the verified annual report, else four verified "
            "quarters, else twelve verified months; a dash while the year is not complete."
        ),
    )
    for row in quantities:
        table.rows.append(
            {
                "enterprise": names.get(row.enterprise_id, row.enterprise_code),
                "pollutant": pollutants.get(row.pollutant, row.pollutant),
                "permitted_t": round_half_up(row.permitted_t, Decimal("0.01")),
                "actual_t": round_half_up(row.actual_t, Decimal("0.01")),
                "share_pct": round_half_up(row.share_pct, Decimal("0.1")),
                "exceeded": _yes_no(row.exceeded),
            }
        )
    return table


def compliance_form(year: int) -> AnnualForm:
    """Each outlet, pollutant and basis with a limit in force in the year, and each permitted
    annual quantity against the verified discharge (permits/compliance.py); its CSV is
    docs/formats/compliance-summary.md's `compliance`."""
    series = compliance.city_concentration(year, clock.today())
    quantities = compliance.quantity_rows(year)
    names = _names([s.enterprise_id for s in series] + [q.enterprise_id for q in quantities])
    pollutants = _pollutant_names()
    return AnnualForm(
        name="compliance",
        number="CP-7",
        title=_("Compliance with the discharge permits"),
        year=year,
        tables=[
            _concentration_table(series, names, pollutants),
            _quantity_table(quantities, names, pollutants),
        ],
        csv_header=list(compliance.HEADER),
        csv_rows=compliance.csv_lines(series, quantities),
        notes=[
            _(
                "In the current year, monitoring slots count as missing only once they "
                "ended at least %(days)s days ago."
            )
            % {"days": compliance.GRACE_DAYS}
        ],
        landscape=True,
    )


# (h) the environmental protection tax -------------------------------------------------------


def _tax_table(lines: list[fees.Line], names, pollutants) -> Table:
    table = Table(
        key="tax",
        title=_("Tax by enterprise and pollutant"),
        columns=[
            Column("medium", _("Medium"), TEXT, 8),
            Column("pollutant", _("Pollutant"), TEXT, 18),
            Column("discharge_kg", _("Discharge (kg)"), DEC2, 14),
            Column("equivalent_kg", _("kg per equivalent"), DEC2, 10),
            Column("equivalents", _("Equivalents"), DEC2, 14),
            Column("counted", _("Counted"), TEXT, 8),
            Column("rate_yuan", _("Rate (yuan)"), DEC2, 9),
            Column("tax_yuan", _("Tax (yuan)"), DEC2, 14),
        ],
        note=_(
            "Equivalents: the discharge in kg ÷ the pollutant's kg per equivalent. In each "
            "medium the three pollutants with the most equivalents are counted (ties by "
            "pollutant code), each taxed equivalents × the medium's rate."
        ),
    )
    enterprise, total = None, Decimal("0.00")
    for line in lines:
        if line.enterprise_id != enterprise:
            enterprise = line.enterprise_id
            table.rows.append({"_group": names.get(enterprise, line.enterprise_code)})
        table.rows.append(
            {
                "medium": _label(Medium, line.medium),
                "pollutant": pollutants.get(line.pollutant, line.pollutant),
                "discharge_kg": round_half_up(line.discharge_kg, Decimal("0.01")),
                "equivalent_kg": line.equivalent_kg,
                "equivalents": line.equivalents,
                "counted": _yes_no(line.counted),
                "rate_yuan": line.rate_yuan,
                "tax_yuan": line.tax_yuan,
            }
        )
        total += line.tax_yuan
    table.total = {"medium": _("Total"), "tax_yuan": total}
    return table


def _tax_by_enterprise(lines: list[fees.Line], names) -> Table:
    table = Table(
        key="enterprises",
        title=_("Tax by enterprise"),
        columns=[
            Column("enterprise", _("Enterprise"), TEXT, 34, wrap=True),
            Column("water", Medium.WATER.label, DEC2, 14),
            Column("air", Medium.AIR.label, DEC2, 14),
            Column("tax_yuan", _("Tax (yuan)"), DEC2, 14),
        ],
    )
    found: dict[int, dict] = {}
    zero = Decimal("0.00")
    for line in lines:
        row = found.setdefault(
            line.enterprise_id,
            {"enterprise": names.get(line.enterprise_id), "water": zero, "air": zero},
        )
        row[line.medium] = row.get(line.medium, zero) + line.tax_yuan
    total = {"enterprise": _("Total"), "water": zero, "air": zero, "tax_yuan": zero}
    for row in found.values():
        row["tax_yuan"] = row["water"] + row["air"]
        for key in ("water", "air", "tax_yuan"):
            total[key] += row[key]
        table.rows.append(row)
    table.total = total
    return table


def fees_form(year: int) -> AnnualForm:
    """The environmental protection tax of the year on each enterprise's verified annual
    discharge (permits/fees.py); its CSV is docs/formats/compliance-summary.md's `fees`."""
    lines = fees.lines(year)
    names = _names([line.enterprise_id for line in lines])
    pollutants = _pollutant_names()
    return AnnualForm(
        name="fees",
        number="CP-8",
        title=_("Environmental protection tax"),
        year=year,
        tables=[_tax_by_enterprise(lines, names), _tax_table(lines, names, pollutants)],
        csv_header=list(fees.HEADER),
        csv_rows=[fees.csv_line(line) for line in lines],
        notes=[
            _(
                "On the verified annual discharge: the annual report, else four verified "
                "quarters, else twelve verified months. The equivalents and rates are the "
                "programme office's tables."
            )
        ],
        landscape=True,
    )


FORMS: dict[str, tuple[str, Callable[[int], AnnualForm]]] = {
    "programme": (_("Programme summary"), programme_form),
    "audits": (_("CP audit status of enterprises"), audits_form),
    "discharge": (_("Pollution discharge by enterprise"), discharge_form),
    "options": (_("Options by aspect and fee class"), options_form),
    "targets": (_("Target progress"), targets_form),
    "training": (_("Training and outreach"), training_form),
    "compliance": (_("Compliance with the permits"), compliance_form),
    "fees": (_("Environmental protection tax"), fees_form),
}
# What a form asks of its reader beyond reports.view_annual_forms: the permits' forms are for
# those who may read the monitoring, and the tax (as the permits' own pages were).
FORM_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "compliance": ("permits.view_permit", "permits.view_monitoringvalue"),
    "fees": ("permits.view_taxrate",),
}


def may_read(user, name: str) -> bool:
    """Whether `user`, who may read the annual forms, may read form `name`."""
    return user.has_perms(FORM_PERMISSIONS.get(name, ()))


# What each form reads (benxi_cp.datacache scopes): it is cached until one of them changes.
FORM_SCOPES: dict[str, tuple[str, ...]] = {
    "programme": ("register", "audits", "discharge"),
    "audits": ("register", "audits"),
    "discharge": ("register", "discharge", "reports"),
    "options": ("register", "audits"),
    "targets": ("targets",),
    "training": ("programme",),
    "compliance": ("register", "permits", "discharge"),
    "fees": ("register", "permits", "discharge"),
}

# The forms whose figures of a year depend on the day they are computed.
BY_THE_DAY = ("compliance",)


def build(name: str, year: int, volume: Volume = WHOLE, *, stale_ok: bool = True) -> AnnualForm:
    """The form `name` for `year` (the `volume` of it); KeyError for an unknown name. Cached
    until a record changes (benxi_cp.datacache), for the files to download; `stale_ok=False`
    for figures that must be current (a copy of record, reports/closing.py)."""
    # The compliance form's missing monitoring of the current year depends on the day.
    day = clock.today() if name in BY_THE_DAY else None
    built = _built if stale_ok else _built.current
    return built(name, year, day, volume.district, volume.sector)


@datacache.figure("annual-form", depends=lambda name, year, day, *volume: FORM_SCOPES[name])
def _built(
    name: str, year: int, day: datetime.date | None, district: str = "", sector: str = ""
) -> AnnualForm:
    """The form as `build` caches it: `day`, for the forms that depend on it, is in its key,
    and the volume (district, sector)."""
    return compose(name, year, Volume(district, sector))


def compose(name: str, year: int, volume: Volume = WHOLE) -> AnnualForm:
    """The form `name` for `year` (the `volume` of it) from the records, not cached;
    KeyError for an unknown name; ValueError for a volume of a form not printed in volumes.
    The page caches its rendered document instead: storing the built form as well
    (megabytes of figures at province scale) would only slow its first showing."""
    if not volume:
        return FORMS[name][1](year)
    if name not in VOLUME_FORMS:
        raise ValueError(name)
    return FORMS[name][1](year, volume)


def recorded_districts() -> list[str]:
    """The districts the register records, in order (one query)."""
    return list(
        Enterprise.objects.exclude(district="")
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )


def volume_problems(volume: Volume, name: str, known: list[str] | None = None) -> list[str]:
    """What is wrong with a volume asked for of form `name`: an unknown district or sector,
    or a form not printed in volumes. `known`: the recorded districts, if already read (else
    one query for a district)."""
    problems = []
    if volume and name not in VOLUME_FORMS:
        problems.append(str(_("This form is not printed in volumes by district or sector.")))
        return problems
    if volume.sector and volume.sector not in Sector.values:
        problems.append(str(_("There is no sector “%(sector)s”.")) % {"sector": volume.sector})
    if known is None:
        known = recorded_districts() if volume.district else []
    known = list(known)
    if volume.district == NO_DISTRICT and Enterprise.objects.filter(district="").exists():
        known.append(NO_DISTRICT)
    if volume.district and volume.district not in known:
        problems.append(
            str(_("The register records no district “%(district)s”."))
            % {"district": volume.district}
        )
    return problems
