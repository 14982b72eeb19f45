"""The bare SQL behind the programme summary and the dashboards, for `manage.py bench`.

Each function runs, as raw SQL, the aggregates that produce a page's figures for the
benchmark year: the floor a page could reach if it did nothing but fetch its numbers. The
benchmark compares the page's server time with these (goal: within 3×).
"""

from django.db import connection

from bench.scale import LAST_YEAR

PROGRAMME = [
    # enterprises in the programme and the coverage of state large/medium enterprises
    """SELECT cp_status, state_large_medium, COUNT(*) FROM enterprises_enterprise
       GROUP BY cp_status, state_large_medium""",
    # audits accepted by whom, demonstration enterprises, up to the year's end
    """SELECT acceptance, accepted_by, demonstration, COUNT(DISTINCT enterprise_id)
       FROM audits_audit WHERE started_on <= %(end)s
       GROUP BY acceptance, accepted_by, demonstration""",
    # options screened and implemented by fee class
    """SELECT fee_class, status, COUNT(*), SUM(investment_10k_yuan), SUM(annual_benefit_10k_yuan)
       FROM audits_option WHERE implemented_on IS NULL OR implemented_on <= %(end)s
       GROUP BY fee_class, status""",
    # claimed reductions per pollutant of the implemented options
    """SELECT r.pollutant_id, SUM(r.amount_per_year) FROM audits_optionreduction r
       JOIN audits_option o ON o.id = r.option_id
       WHERE o.status = 'implemented' AND o.implemented_on <= %(end)s GROUP BY r.pollutant_id""",
    # discharge of the audited enterprises in the year before their first audit (baseline)
    """SELECT v.pollutant_id, SUM(v.amount) FROM enterprises_dischargevalue v
       JOIN enterprises_dischargereport r ON r.id = v.report_id
       JOIN (SELECT enterprise_id, MIN(started_on) AS started FROM audits_audit
             GROUP BY enterprise_id) a ON a.enterprise_id = r.enterprise_id
       WHERE r.period_kind = 'Y' AND r.status = 'verified'
         AND r.year = {year_of_started} - 1
       GROUP BY v.pollutant_id""",
    # the same enterprises' discharge in the year
    """SELECT v.pollutant_id, SUM(v.amount) FROM enterprises_dischargevalue v
       JOIN enterprises_dischargereport r ON r.id = v.report_id
       WHERE r.period_kind = 'Y' AND r.status = 'verified' AND r.year = %(year)s
         AND r.enterprise_id IN (SELECT enterprise_id FROM audits_audit)
       GROUP BY v.pollutant_id""",
]
TRENDS = [
    # city discharge per pollutant per year (verified annual reports)
    """SELECT r.year, v.pollutant_id, SUM(v.amount) FROM enterprises_dischargevalue v
       JOIN enterprises_dischargereport r ON r.id = v.report_id
       WHERE r.period_kind = 'Y' AND r.status = 'verified' AND r.year <= %(year)s
       GROUP BY r.year, v.pollutant_id""",
    # targets: actual values up to the year
    """SELECT indicator_id, year, value FROM targets_actual WHERE year <= %(year)s""",
    """SELECT indicator_id, baseline_year, baseline_value, goal_year, goal_value
       FROM targets_target""",
]
EPB = [
    # reports of the year by status and period kind
    """SELECT status, period_kind, COUNT(*) FROM enterprises_dischargereport
       WHERE year = %(year)s GROUP BY status, period_kind""",
    # grades of the year's annual reports
    """SELECT grade, COUNT(*) FROM enterprises_dischargereport
       WHERE year = %(year)s AND period_kind = 'Y' GROUP BY grade""",
    # flags of the year's reports by severity and check
    """SELECT f.severity, f.code, COUNT(*) FROM enterprises_reliabilityflag f
       JOIN enterprises_dischargereport r ON r.id = f.report_id
       WHERE r.year = %(year)s GROUP BY f.severity, f.code""",
    # enterprises without an annual report for the year
    """SELECT COUNT(*) FROM enterprises_enterprise e WHERE NOT EXISTS (
         SELECT 1 FROM enterprises_dischargereport r
         WHERE r.enterprise_id = e.id AND r.year = %(year)s AND r.period_kind = 'Y')""",
    # the year's verified totals per pollutant
    """SELECT v.pollutant_id, SUM(v.amount) FROM enterprises_dischargevalue v
       JOIN enterprises_dischargereport r ON r.id = v.report_id
       WHERE r.period_kind = 'Y' AND r.status = 'verified' AND r.year = %(year)s
       GROUP BY v.pollutant_id""",
]


def _run(statements: list[str], year: int = LAST_YEAR) -> list:
    params = {"year": year, "end": f"{year}-12-31"}
    year_of_started = (
        "CAST(EXTRACT(YEAR FROM a.started) AS integer)"
        if connection.vendor == "postgresql"
        else "CAST(strftime('%%Y', a.started) AS integer)"
    )
    results = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql.replace("{year_of_started}", year_of_started), params)
            results.append(cursor.fetchall())
    return results


def summary(year: int = LAST_YEAR) -> list:
    return _run(PROGRAMME, year)


def dashboard(year: int = LAST_YEAR) -> list:
    return _run(PROGRAMME + TRENDS, year)


def epb_dashboard(year: int = LAST_YEAR) -> list:
    return _run(EPB, year)
