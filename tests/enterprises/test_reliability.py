"""The reliability checks on hand-made figures: each fires where it should, and only there."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from benxi_cp import guards
from enterprises import flags
from enterprises import reliability as r
from enterprises import reliability_store as store
from enterprises.models import ReliabilityFlag
from enterprises.reliability import Finding, PeriodFigures, ReportContext

STEADY = [D(1000), D(1040), D(980), D(1010), D(990)]


def codes(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.code, f.pollutant) for f in findings]


def test_completeness_names_what_last_period_had_and_this_one_lacks():
    found = r.check_completeness({"COD": D(1)}, {"COD": D(2), "SO2": D(300)}, "1999")
    assert codes(found) == [("missing", "SO2")]
    assert found[0].params == {"period": "1999", "previous": "300"}
    assert found[0].severity == "warning"
    assert r.check_completeness({"COD": D(1), "SO2": D(0)}, {"COD": D(2), "SO2": D(3)}, "") == []
    # A new pollutant this period is not a gap.
    assert r.check_completeness({"COD": D(1), "NOX": D(1)}, {"COD": D(2)}, "1999") == []


def test_range_flags_negatives_and_zero_against_a_large_history():
    assert codes(r.check_range("COD", D(-5), [])) == [("negative", "COD")]
    assert codes(r.check_range("COD", D(0), STEADY)) == [("zero", "COD")]
    # Silent: zero with no or a zero history; any positive value.
    assert r.check_range("COD", D(0), []) == []
    assert r.check_range("COD", D(0), [D(1000)]) == []
    assert r.check_range("COD", D(0), [D(0), D(0), D(0)]) == []
    assert r.check_range("COD", D(5), STEADY) == []


def test_robust_z_score_from_median_and_mad():
    # median 1000, MAD 100: (1500 − 1000) / 100 × 0.6745
    spread = [D(800), D(1000), D(1200), D(900), D(1100)]
    assert r.robust_z(D(1500), spread) == pytest.approx(3.3725)
    # A steady history (MAD 10) counts its MAD as 5% of the median, 50.
    assert r.robust_z(D(1100), STEADY) == pytest.approx(0.6745 * 100 / 50)
    assert r.robust_z(D(1100), STEADY[:2]) is None  # too short a history
    assert r.robust_z(D(6), [D(5), D(5), D(5)]) == pytest.approx(0.6745 / 0.25)
    assert r.robust_z(D(6), [D(0), D(0), D(0)]) is None  # nothing to measure against


def test_trend_flags_an_outlier_and_a_year_on_year_jump():
    found = r.check_trend("COD", D(3000), STEADY, D(990), "1999")
    assert codes(found) == [("outlier", "COD"), ("yoy", "COD")]
    assert found[0].severity == "serious" and found[0].params["median"] == "1,000"
    assert found[1].params == {"change": "+203", "period": "1999", "previous": "990"}
    # A fall is as suspicious as a rise.
    assert codes(r.check_trend("COD", D(400), STEADY, D(990), "1999")) == [
        ("outlier", "COD"),
        ("yoy", "COD"),
    ]


def test_trend_stays_silent_on_plausible_values_and_thin_histories():
    assert r.check_trend("COD", D(1030), STEADY, D(990), "1999") == []
    # +45% against last year is within ±50%; 25% above the median is a z-score of 3.4.
    assert r.check_trend("COD", D(1250), STEADY, D(870), "1999") == []
    assert codes(r.check_trend("COD", D(1270), STEADY, D(870), "1999")) == [("outlier", "COD")]
    # A big change on a history of two periods: only the year-on-year check speaks.
    assert codes(r.check_trend("COD", D(3000), STEADY[:2], D(1040), "1999")) == [("yoy", "COD")]
    # No figure last year, or zero last year: no year-on-year ratio.
    assert r.check_trend("COD", D(3000), [], None) == []
    assert r.check_trend("COD", D(3000), [], D(0), "1999") == []


def test_subperiods_against_the_year():
    quarters = [{"COD": D(250)}, {"COD": D(260)}, {"COD": D(240)}, {"COD": D(250)}]
    assert r.check_subperiods({"COD": D(1000)}, quarters, "Q") == []
    assert r.check_subperiods({"COD": D(1090)}, quarters, "Q") == []
    found = r.check_subperiods({"COD": D(1500)}, quarters, "Q")
    assert codes(found) == [("subperiods", "COD")]
    assert found[0].params["gap"] == "-33" and found[0].severity == "serious"
    # Two quarters so far: their sum may be below the year, not far above it.
    assert r.check_subperiods({"COD": D(1000)}, quarters[:2], "Q") == []
    assert codes(r.check_subperiods({"COD": D(400)}, quarters[:2], "Q")) == [("subperiods", "COD")]
    # A pollutant that the sub-periods do not report is not compared.
    assert r.check_subperiods({"SO2": D(1)}, quarters, "Q") == []


def test_solid_waste_generated_against_what_became_of_it():
    balanced = {"SW_GEN": D(1000), "SW_UTIL": D(600), "SW_DISP": D(300), "SW_STORE": D(120)}
    assert r.check_solid_waste(balanced) == []
    found = r.check_solid_waste(balanced | {"SW_UTIL": D(900)})
    assert codes(found) == [("solid_balance", "SW_GEN")]
    assert found[0].params == {"handled": "1,320", "generated": "1,000", "gap": "+32"}
    assert codes(r.check_solid_waste({"SW_GEN": D(1000), "SW_UTIL": D(100)})) == [
        ("solid_balance", "SW_GEN")
    ]
    # Nothing to compare: generated alone, or its fate without the amount generated.
    assert r.check_solid_waste({"SW_GEN": D(1000)}) == []
    assert r.check_solid_waste({"SW_UTIL": D(1000)}) == []


def test_intensity_against_the_sector_median():
    peers = [D("0.010"), D("0.012"), D("0.009"), D("0.011")]
    assert r.check_intensity("COD", D(1100), D(100000), peers) == []
    found = r.check_intensity("COD", D(9000), D(100000), peers)
    assert codes(found) == [("intensity", "COD")]
    assert found[0].params["peers"] == 4
    assert codes(r.check_intensity("COD", D(100), D(100000), peers)) == [("intensity", "COD")]
    # Silent without output, without enough peers.
    assert r.check_intensity("COD", D(9000), None, peers) == []
    assert r.check_intensity("COD", D(9000), D(100000), peers[:2]) == []


def test_basis_estimated_ranks_below_measured():
    assert codes(r.check_basis("COD", "estimated")) == [("estimated", "COD")]
    assert r.check_basis("COD", "measured_continuous") == []
    assert r.check_basis("COD", "calculated") == []


def test_assess_combines_the_checks_over_a_report():
    history = [PeriodFigures(str(1995 + i), {"COD": a, "SO2": D(50)}) for i, a in enumerate(STEADY)]
    context = ReportContext(
        current=PeriodFigures("2000", {"COD": D(5000), "NOX": D(0)}, {"COD": "estimated"}),
        earlier=history,
        last_year=history[-1],
    )
    assert sorted(codes(r.assess(context))) == [
        ("estimated", "COD"),
        ("missing", "SO2"),
        ("outlier", "COD"),
        ("yoy", "COD"),
    ]
    assert codes(r.assess(ReportContext(PeriodFigures("2000", {})))) == [("empty", None)]


def test_grade_rule():
    def grade(severities, values=10, estimated=0):
        return r.grade_report([("x", s) for s in severities], values, estimated).grade

    assert grade([]) == "A"
    assert grade(["info"] * 5, estimated=5) == "A"  # half estimated is still A
    assert grade([], estimated=6) == "B"
    assert grade(["warning"]) == "B"
    assert grade(["warning", "warning"]) == "B"
    assert grade(["warning"] * 3) == "C"
    assert grade(["serious"]) == "C"
    assert grade(["serious", "warning"]) == "C"
    assert grade(["serious", "serious"]) == "D"
    assert grade([], values=0) == "D"
    assert r.grade_report([("empty", "serious")], 0, 0).grade == "D"


def test_grade_reasons_are_given_in_both_languages():
    result = r.grade_report([("outlier", "serious"), ("yoy", "warning")], 4, 1)
    with translation.override("en"):
        assert r.grade_report([("outlier", "serious")], 4, 1).reasons == [
            "1 serious flag",
            "1 of 4 values estimated",
        ]
    with translation.override("zh-hans"):
        reasons = r.grade_report([("outlier", "serious")], 4, 1).reasons
        assert "严重" in reasons[0]
    assert result.grade == "C"


def test_enterprise_grade_averages_the_latest_three_years():
    assert r.enterprise_grade([]).grade is None
    result = r.enterprise_grade([(1998, "A"), (1999, "A"), (2000, "B"), (2001, "A"), (1995, "D")])
    assert result.grade == "A" and result.years == [1999, 2000, 2001]  # 1995 and 1998 drop out
    assert result.counts == {"A": 2, "B": 1}
    # 3.5 is a half: it goes to the worse grade.
    assert r.enterprise_grade([(2000, "A"), (2001, "B")]).grade == "B"
    assert r.enterprise_grade([(2000, "D"), (2001, "C"), (2001, "C")]).grade == "C"
    assert r.enterprise_grade([(2000, "D"), (2001, "D"), (2001, "C")]).grade == "D"


def test_messages_render_in_the_readers_language(pollutants):
    finding = r.check_trend("COD", D(3000), STEADY, D(990), "1999")[1]
    with translation.override("en"):
        text = flags.render_message(finding.code, finding.params, pollutants["COD"])
        assert text.startswith("+203% against 1999 (990 t)")
    with translation.override("zh-hans"):
        text = flags.render_message(finding.code, finding.params, pollutants["COD"])
        assert "1999" in text and "同比" in text


@pytest.mark.django_db
def test_refresh_stores_flags_on_values_and_the_grade(steel, make_report):
    for offset, amount in enumerate(STEADY):
        make_report(steel, 1995 + offset, {"COD": amount, "SO2": 20000}, status="verified")
    report = make_report(steel, 2000, {"COD": 4000, "SO2": 20500})
    store.refresh_reports([report.pk])
    report.refresh_from_db()
    flags = ReliabilityFlag.objects.filter(report=report)
    assert sorted(flags.values_list("code", "pollutant__code")) == [
        ("outlier", "COD"),
        ("yoy", "COD"),
    ]
    assert {flag.value.amount for flag in flags} == {D(4000)}
    assert report.grade == "C"
    # A draft of an earlier year is not part of the history the checks trust.
    with guards.suspended():  # verified reports are locked: below the lock, as a data load
        steel.discharge_reports.filter(year=1999).update(status="draft")
    store.refresh_reports([report.pk])
    assert sorted(flags.values_list("code", flat=True)) == ["outlier"]


@pytest.mark.django_db
def test_a_quarter_refreshes_its_year(steel, make_report):
    annual = make_report(steel, 2000, {"COD": 1000}, status="verified")
    quarters = [
        make_report(steel, 2000, {"COD": 400}, kind="Q", number=n, status="submitted")
        for n in (1, 2, 3)
    ]
    store.refresh_reports([quarters[-1].pk])
    assert list(annual.flags.values_list("code", flat=True)) == ["subperiods"]
    annual.refresh_from_db()
    assert annual.grade == "C"  # derived data changes even on a locked report


@pytest.mark.django_db
def test_intensity_uses_the_other_enterprises_of_the_sector(steel, make_report):
    from enterprises.models import Enterprise

    for i in range(3):
        peer = Enterprise.objects.create(code=f"P-{i}", name=f"钢厂{i}", sector="iron_steel")
        make_report(peer, 2000, {"SO2": 20000 + i * 1000}, status="verified", output=500000)
    other_sector = Enterprise.objects.create(code="C-9", name="煤矿", sector="coal")
    make_report(other_sector, 2000, {"SO2": 10}, status="verified", output=500000)
    report = make_report(steel, 2000, {"SO2": 200000}, output=500000)
    store.refresh_reports([report.pk])
    flag = report.flags.get()
    assert (flag.code, flag.params["peers"], flag.params["ratio"]) == ("intensity", 3, "9.52")


@pytest.mark.django_db
def test_enterprise_grades_for_many_enterprises_in_one_query(
    steel, make_report, django_assert_num_queries
):
    from enterprises.models import Enterprise

    coal = Enterprise.objects.create(code="C-1", name="煤矿", sector="coal")
    quiet = Enterprise.objects.create(code="Q-1", name="新厂", sector="coal")
    for year, grade in [(1999, "B"), (2000, "C"), (2001, "C")]:
        report = make_report(steel, year, {"COD": 1}, status="verified")
        type(report).objects.filter(pk=report.pk).update(grade=grade)
    draft = make_report(coal, 2001, {"COD": 1})
    type(draft).objects.filter(pk=draft.pk).update(grade="D")  # drafts do not count
    with django_assert_num_queries(1):
        grades = store.enterprise_grades()
    assert grades[steel.pk].grade == "C"  # (3 + 2 + 2) / 3 = 2.33
    assert coal.pk not in grades and quiet.pk not in grades
    assert store.enterprise_grades([coal.pk]) == {}


@pytest.mark.django_db
def test_one_batch_gives_the_flags_and_grades_of_one_report_at_a_time(
    steel, make_report, monkeypatch
):
    """refresh_reports over many reports at once (as an import runs it) against one by one,
    and in batches of a few enterprises (as it checks a large import)."""
    from enterprises.models import DischargeReport, Enterprise

    peers = [
        Enterprise.objects.create(code=f"P-{i}", name=f"钢厂{i}", sector="iron_steel")
        for i in range(4)
    ]
    for offset, amount in enumerate(STEADY):
        make_report(steel, 1995 + offset, {"COD": amount, "SO2": 20000}, status="verified")
        for i, peer in enumerate(peers):
            make_report(
                peer,
                1995 + offset,
                {"COD": amount * (i + 1), "SO2": 1000 + i, "NOX": 50},
                status="verified" if offset % 2 else "submitted",
                output=400000 + i,
            )
    make_report(steel, 1999, {"COD": 1, "NOX": 5}, status="draft", kind="Q", number=4)
    year = {"status": "submitted"}
    checked = [
        make_report(
            steel,
            2000,
            {"COD": 4000, "SO2": 200000, "SW_GEN": 100, "SW_UTIL": 50},
            output=500000,
        ),
        make_report(peers[0], 2000, {"COD": 0, "SO2": 1000, "NOX": 49}, output=400000, **year),
        make_report(
            peers[1], 2000, {"COD": 2000, "SO2": 9000}, basis="estimated", output=1, **year
        ),
        make_report(peers[2], 2000, {}),
        *[
            make_report(peers[3], 2000, {"COD": 400, "NOX": 20}, kind="Q", number=n, **year)
            for n in (1, 2, 3)
        ],
        make_report(
            peers[3], 2000, {"COD": 1000, "SO2": 1100, "NOX": 50}, output=400000, status="verified"
        ),
    ]

    def stored():
        flags = {
            report.pk: list(
                report.flags.order_by("id").values_list(
                    "value_id", "pollutant_id", "code", "severity", "params"
                )
            )
            for report in DischargeReport.objects.all()
        }
        return flags, dict(DischargeReport.objects.values_list("pk", "grade"))

    for report in checked:
        store.refresh_reports([report.pk])
    one_by_one = stored()
    ReliabilityFlag.objects.all().delete()
    DischargeReport.objects.update(grade="")
    store.refresh_reports(report.pk for report in checked)
    assert stored() == one_by_one
    ReliabilityFlag.objects.all().delete()
    DischargeReport.objects.update(grade="")
    monkeypatch.setattr(store, "REFRESH_BATCH", 2)  # a batch for each enterprise
    store.refresh_reports(report.pk for report in checked)
    assert stored() == one_by_one
    # The hand-made history exercises most checks, so that the comparison means something.
    assert set(ReliabilityFlag.objects.values_list("code", flat=True)) >= {
        "outlier",
        "yoy",
        "zero",
        "missing",
        "empty",
        "estimated",
        "intensity",
        "subperiods",
        "solid_balance",
    }
    assert set(one_by_one[1].values()) >= {"A", "B", "C", "D"}


# -- a month or a quarter against the history of every period kind -------------------------
def test_scaled_history_at_its_edges():
    annual = [("Y", D(600)), ("Y", D(660)), ("Y", D(720))]  # median 660 a year: 55 a month
    assert r.scaled(D(660), "Y", "M") == D(55)
    assert r.scaled(D(660), "Y", "Q") == D(165)
    assert r.scaled(D(55), "M", "Q") == D(165)
    # Three times the scaled median is allowed (the seasons), a little more is not.
    assert r.check_scaled_history("SO2", D(165), "M", annual) == []
    found = r.check_scaled_history("SO2", D("165.01"), "M", annual)
    assert codes(found) == [("scaled", "SO2")]
    assert found[0].severity == "serious"
    assert found[0].params == {
        "amount": "165",  # fmt() rounds figures of 100 and more
        "expected": "55",
        "ratio": "3",
        "count": 3,
        "kinds": "Y",
        "limit": 3,
    }
    # A third is allowed, less is not.
    assert r.check_scaled_history("SO2", D("18.34"), "M", annual) == []
    assert codes(r.check_scaled_history("SO2", D("18.33"), "M", annual)) == [("scaled", "SO2")]
    # A quarter against a year's quarter and months scaled up, mixed.
    mixed = [("Y", D(660)), ("M", D(50)), ("M", D(60))]  # 165, 150, 180: median 165
    assert r.check_scaled_history("SO2", D(495), "Q", mixed) == []
    assert r.check_scaled_history("SO2", D(496), "Q", mixed)[0].params["kinds"] == "YM"
    # Not for a year, not without a history, not for zero (the range check's business).
    assert r.check_scaled_history("SO2", D(99999), "Y", annual) == []
    assert r.check_scaled_history("SO2", D(99999), "M", []) == []
    assert r.check_scaled_history("SO2", D(0), "M", annual) == []
    assert r.check_scaled_history("SO2", D(5), "M", [("Y", D(0))]) == []


def test_scaled_history_is_not_counted_twice_with_an_outlier():
    months = [PeriodFigures(f"1999-M{n:02}", {"SO2": D(55)}, kind="M") for n in range(1, 7)]
    context = ReportContext(
        PeriodFigures("1999-M07", {"SO2": D(5600)}, kind="M"), months, verified=months
    )
    assert codes(r.assess(context)) == [("outlier", "SO2")]
    context.earlier = []
    assert codes(r.assess(context)) == [("scaled", "SO2")]


def test_scaled_history_message_in_both_languages(pollutants):
    found = r.check_scaled_history("SO2", D(5600), "M", [("Y", D(670)), ("Q", D(160))])[0]
    with translation.override("en"):
        text = flags.render_message(found.code, found.params, pollutants["SO2"])
    assert "5,600" in text and "annual / quarterly" in text and "beyond 3×" in text
    with translation.override("zh-hans"):
        text = flags.render_message(found.code, found.params, pollutants["SO2"])
        assert "5,600" in text and "年度 / 季度申报" in text


@pytest.mark.django_db
def test_the_june_of_an_enterprise_that_reported_years(steel, make_report):
    """About 670 t of SO2 a year, verified; then 5,600 t in its first monthly report."""
    for year, amount in [(1998, 650), (1999, 670), (2000, 690), (2001, 670)]:
        make_report(steel, year, {"SO2": amount, "COD": 120}, status="verified")
    june = make_report(
        steel, 2002, {"SO2": 5600, "COD": 10}, kind="M", number=6, status="submitted"
    )
    store.refresh_reports([june.pk])
    june.refresh_from_db()
    assert june.grade in ("C", "D")
    flag = june.flags.get(code="scaled")
    assert flag.pollutant.code == "SO2" and flag.params["expected"] == "55.83"
    # Its COD, 10 t against 670 / 12 = 10 t a month, passes.
    assert not june.flags.filter(pollutant__code="COD").exists()
    # Only verified reports count, and only the three years before and its own year.
    with guards.suspended():
        steel.discharge_reports.filter(year__in=(1999, 2000, 2001)).update(status="submitted")
    store.refresh_reports([june.pk])
    assert not june.flags.filter(code="scaled").exists()
    june.refresh_from_db()
    assert june.grade == "A"


@pytest.mark.django_db
def test_scaled_history_reads_earlier_months_of_the_year_and_not_later_ones(steel, make_report):
    # Two months so far: too few for the z-score against the months alone.
    for number in (2, 3):
        make_report(steel, 2002, {"SO2": 50}, kind="M", number=number, status="verified")
    make_report(steel, 2002, {"SO2": 5000}, kind="M", number=5, status="verified")
    april = make_report(steel, 2002, {"SO2": 400}, kind="M", number=4, status="submitted")
    store.refresh_reports([april.pk])
    flag = april.flags.get(code="scaled")
    assert flag.params["count"] == 2 and flag.params["expected"] == "50"


@pytest.mark.django_db
def test_intensity_of_a_month_against_the_sector_year(steel, make_report):
    """Peers that report years: their annual intensity stands for a month's."""
    from enterprises.models import Enterprise

    for i in range(3):
        peer = Enterprise.objects.create(code=f"P-{i}", name=f"钢厂{i}", sector="iron_steel")
        make_report(peer, 2002, {"SO2": 20000 + i * 1000}, status="verified", output=500000)
    month = make_report(steel, 2002, {"SO2": 20000}, kind="M", number=3, output=5000)
    store.refresh_reports([month.pk])
    flag = month.flags.get()
    assert (flag.code, flag.params["peers"], flag.params["ratio"]) == ("intensity", 3, "95.24")
    # Within the factor: silent.
    month.values.update(amount=D(200))
    store.refresh_reports([month.pk])
    assert not month.flags.exists()


@pytest.mark.django_db
def test_twelve_months_against_their_year_at_the_edges(steel, make_report):
    annual = make_report(steel, 2002, {"COD": 1200}, status="verified")
    months = [
        make_report(steel, 2002, {"COD": 110}, kind="M", number=n, status="submitted")
        for n in range(1, 13)
    ]  # 1,320 = the year + 10%: allowed
    store.refresh_reports([months[-1].pk])
    assert not annual.flags.exists()
    months[0].values.update(amount=D("110.13"))  # 1,320.13: beyond +10%
    store.refresh_reports([months[0].pk])
    flag = annual.flags.get()
    assert (flag.code, flag.params["count"], flag.params["kind"]) == ("subperiods", 12, "M")
