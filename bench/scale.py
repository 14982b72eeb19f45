"""Scale data: a deterministic, province-sized data set written straight into every app's tables.

`seed_scale` and `bench` use this. It writes through the real models' tables (the columns
come from the models' fields) with PostgreSQL COPY, or `bulk_create` in batches elsewhere;
never row-by-row saves, so 5,000 enterprises × 10 years × 12 months fit in minutes.

What is generated, per enterprise (magnitudes of a 1990s industrial city, per sector):
- the register entry (sector, city, ownership, size, state large/medium flag, employees);
- its CP audits (about half the enterprises, some a second round) at every stage, with the
  eight steps, options at every status (no/low-fee and medium/high-fee), feasibility inputs
  of the medium/high-fee ones and claimed reductions; `cp_status` follows the audits by the
  rule of audits.services.cp_status_of;
- a discharge report for every year (and, with `monthly`, every month) with a value for
  each of the sector's usual pollutants: monthly ≈ annual / 12 with a seasonal swing and
  noise, the annual report the sum of its months; discharge falls after implemented options;
- reliability: the per-report checks are NOT run (far too slow at this size). Instead each
  value's basis is drawn per enterprise and pollutant, every estimated value gets its
  'estimated' note, a few reports get a year-on-year warning, an outlier or a solid-waste
  balance warning, and the stored grade follows from those flags by the real rule
  (enterprises.reliability.grade_report). Plausible stored flags, consistent grades.
- the target system of the demo (targets.demo), whose computed actuals then come from the
  generated reports and audits.
History tables get no rows for generated data.

The bench app sits above every other app: nothing but bench imports this module.
"""

import datetime
import io
import json
import math
import random
import time
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction

LAST_YEAR = 2001  # the programme's last year (the demo's and the targets' years end here)
FLUSH_ROWS = 250_000
TRACKED = (
    "created",
    "updated",
    "created_by_id",
    "updated_by_id",
)  # discharge values buffered before a COPY

# Orders of magnitude per enterprise kind, annual, in each pollutant's unit.
# soot + dust is split in halves.
KINDS = {
    "steel": {
        "WASTEWATER": (3000, 10000),
        "COD": (1000, 4000),
        "WASTEGAS": (2e6, 6e6),
        "SO2": (10000, 40000),
        "DUST": (2500, 10000),
        "SW_GEN": (1e6, 5e6),
        "ENERGY": (2e6, 6e6),
    },
    "coal": {
        "WASTEWATER": (200, 1500),
        "COD": (300, 2000),
        "WASTEGAS": (50000, 500000),
        "SO2": (500, 5000),
        "DUST": (250, 2500),
        "SW_GEN": (2e5, 2e6),
        "ENERGY": (50000, 500000),
    },
    "cement": {
        "WASTEWATER": (5, 100),
        "COD": (5, 80),
        "WASTEGAS": (1e5, 1e6),
        "SO2": (200, 3000),
        "DUST": (500, 5000),
        "SW_GEN": (1000, 50000),
        "ENERGY": (30000, 300000),
    },
    "chemical": {
        "WASTEWATER": (50, 800),
        "COD": (200, 3000),
        "WASTEGAS": (10000, 200000),
        "SO2": (100, 2000),
        "DUST": (25, 500),
        "SW_GEN": (5000, 100000),
        "ENERGY": (10000, 200000),
    },
    "power": {
        "WASTEWATER": (100, 1000),
        "COD": (50, 500),
        "WASTEGAS": (1e6, 5e6),
        "SO2": (5000, 50000),
        "DUST": (1000, 10000),
        "SW_GEN": (1e5, 1e6),
        "ENERGY": (5e5, 3e6),
    },
    "light": {
        "WASTEWATER": (1, 50),
        "COD": (5, 200),
        "WASTEGAS": (1000, 20000),
        "SO2": (10, 200),
        "DUST": (5, 100),
        "SW_GEN": (100, 5000),
        "ENERGY": (500, 10000),
    },
}
# The pollutants each kind usually reports (about 8 a report on average at province mix).
REPORTED = {
    "steel": "WASTEWATER COD NH3N WASTEGAS SO2 NOX SOOT DUST SW_GEN SW_UTIL SW_DISP SW_STORE "
    "ENERGY FRESHWATER",
    "coal": "WASTEWATER COD NH3N WASTEGAS SO2 NOX SOOT DUST SW_GEN SW_UTIL SW_DISP SW_STORE "
    "ENERGY FRESHWATER",
    "power": "WASTEWATER COD WASTEGAS SO2 NOX SOOT DUST SW_GEN SW_UTIL SW_DISP SW_STORE "
    "ENERGY FRESHWATER",
    "cement": "WASTEWATER COD WASTEGAS SO2 SOOT DUST SW_GEN SW_UTIL ENERGY FRESHWATER",
    "chemical": "WASTEWATER COD NH3N WASTEGAS SO2 NOX SOOT SW_GEN SW_UTIL SW_DISP ENERGY",
    "light": "WASTEWATER COD SO2 SOOT ENERGY FRESHWATER",
}
# Output value (10k yuan a year) per tce of energy, per kind.
OUTPUT_PER_TCE = {
    "steel": 0.25,
    "coal": 0.5,
    "cement": 0.4,
    "chemical": 1.0,
    "power": 0.15,
    "light": 3.0,
}
# sector code, weight in a province's register, kind, Chinese and English words for names
SECTORS = [
    ("iron_steel", 3, "steel", "钢铁", "Iron and Steel"),
    ("coal", 6, "coal", "煤业", "Coal"),
    ("building_materials", 14, "cement", "水泥", "Cement"),
    ("chemicals", 12, "chemical", "化工", "Chemical"),
    ("pharmaceuticals", 5, "chemical", "制药", "Pharmaceutical"),
    ("power", 4, "power", "发电", "Power"),
    ("nonferrous", 5, "chemical", "有色金属", "Non-ferrous Metals"),
    ("machinery", 15, "light", "机械", "Machinery"),
    ("light_industry", 26, "light", "轻工", "Light Industry"),
    ("other", 10, "light", "实业", "Industrial"),
]
CITIES = [
    ("沈阳", "Shenyang"),
    ("大连", "Dalian"),
    ("鞍山", "Anshan"),
    ("抚顺", "Fushun"),
    ("本溪", "Benxi"),
    ("丹东", "Dandong"),
    ("锦州", "Jinzhou"),
    ("营口", "Yingkou"),
    ("阜新", "Fuxin"),
    ("辽阳", "Liaoyang"),
    ("盘锦", "Panjin"),
    ("铁岭", "Tieling"),
    ("朝阳", "Chaoyang"),
    ("葫芦岛", "Huludao"),
]
BRANDS = [
    ("宏达", "Hongda"),
    ("兴华", "Xinghua"),
    ("东方", "Dongfang"),
    ("金桥", "Jinqiao"),
    ("长城", "Changcheng"),
    ("新世纪", "Xinshiji"),
    ("胜利", "Shengli"),
    ("红旗", "Hongqi"),
    ("永安", "Yong'an"),
    ("华光", "Huaguang"),
    ("北方", "Beifang"),
    ("辽河", "Liaohe"),
]
ASPECT_TITLES = {
    "raw_materials_energy": ["改用低硫煤", "原料配比优化", "余热回收利用"],
    "technology": ["工艺改造", "干法除尘改造", "连铸连轧改造"],
    "equipment": ["更换高效电机", "锅炉燃烧器改造", "泵阀密封改造"],
    "process_control": ["加装在线监测仪表", "温度自动控制", "配料自动化"],
    "product": ["产品结构调整", "包装减量"],
    "waste": ["冷却水循环利用", "废渣综合利用", "废酸回收"],
    "management": ["跑冒滴漏管理", "物料定额管理", "设备点检制度"],
    "employees": ["岗位清洁生产培训", "合理化建议奖励"],
}
FOCUSES = ["烧结车间", "炼焦工序", "锅炉房", "合成车间", "污水处理站", "包装车间", "原料工段"]
SEASON = [1 + 0.12 * math.cos(2 * math.pi * (m - 1) / 12) for m in range(1, 13)]
BENCH_USERS = [
    # username, role, staff, superuser
    ("bench_admin", "administrator", True, True),
    ("bench_epb", "epb_staff", False, False),
    ("bench_auditor", "auditor", False, False),
    ("bench_leader", "leadership", False, False),
]


@dataclass(frozen=True)
class ScaleSpec:
    enterprises: int
    years: int
    monthly: bool = False
    seed: int = 1

    @property
    def first_year(self) -> int:
        return LAST_YEAR - self.years + 1

    @property
    def label(self) -> str:
        months = " × 12 months" if self.monthly else ""
        return f"{self.enterprises} enterprises × {self.years} years{months} (seed {self.seed})"


@dataclass
class SeedResult:
    spec: ScaleSpec
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class DatabaseNotEmpty(Exception):
    """The database holds enterprises, audits or reports and --force was not given."""


# -- tables ---------------------------------------------------------------------------------
def _models():
    from audits.models import (
        Audit,
        AuditStep,
        Option,
        OptionFeasibility,
        OptionReduction,
    )
    from enterprises.models import DischargeReport, DischargeValue, Enterprise, ReliabilityFlag

    return {
        "enterprise": Enterprise,
        "audit": Audit,
        "audit_team": Audit.team.through,
        "step": AuditStep,
        "option": Option,
        "feasibility": OptionFeasibility,
        "reduction": OptionReduction,
        "report": DischargeReport,
        "value": DischargeValue,
        "flag": ReliabilityFlag,
    }


def _wiped_models():
    """Every table of the data apps but the pollutant catalogue, history tables included."""
    from django.apps import apps

    from enterprises.models import Pollutant
    from permits.models import TaxEquivalent, TaxRate

    kept = (Pollutant, TaxEquivalent, TaxRate)  # the catalogue and the tax tables: settings
    wiped = []
    for label in ("enterprises", "audits", "targets", "reports", "permits"):
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models(include_auto_created=True):
            if model in kept or not model._meta.managed or model._meta.proxy:
                continue
            wiped.append(model)
    return wiped


def holds_data() -> bool:
    from audits.models import Audit
    from enterprises.models import DischargeReport, Enterprise

    return Enterprise.objects.exists() or Audit.objects.exists() or DischargeReport.objects.exists()


def wipe() -> None:
    """Delete every row of the data apps (TRUNCATE … CASCADE on PostgreSQL)."""
    tables = [model._meta.db_table for model in _wiped_models()]
    sql = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    deferred = connection.vendor == "postgresql" and connection.in_atomic_block
    if deferred:  # inside a transaction (tests): fire pending FK checks, or TRUNCATE refuses
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(sql)
    if deferred:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class _Writer:
    """Buffers rows per table and writes them with COPY (PostgreSQL) or bulk_create."""

    def __init__(self, models: dict | None = None):
        self.models = _models() if models is None else models
        # The generator's tuples list the tracked fields (created, updated, by) last.
        self.fields = {}
        for name, model in self.models.items():
            # A save counter (benxi_cp.models.VersionedModel) starts at 1 by its default.
            fields = [f for f in model._meta.concrete_fields if f.attname != "version"]
            self.fields[name] = [f for f in fields if f.attname not in TRACKED] + [
                f for f in fields if f.attname in TRACKED
            ]
        self.columns = {name: [f.attname for f in fields] for name, fields in self.fields.items()}
        self.rows: dict[str, list[tuple]] = {name: [] for name in self.models}
        self.counts: dict[str, int] = dict.fromkeys(self.models, 0)
        self.postgres = connection.vendor == "postgresql"

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def add_fields(self, table: str, **values) -> None:
        """A row given by its fields' names (attnames), in the table's column order."""
        self.rows[table].append(tuple(values[name] for name in self.columns[table]))

    @staticmethod
    def _text(value) -> str:
        if value is None:
            return "\\N"
        if value is True:
            return "t"
        if value is False:
            return "f"
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def flush(self) -> None:
        for table, rows in self.rows.items():  # parents before children (dict order)
            if not rows:
                continue
            model = self.models[table]
            columns = self.columns[table]
            if self.postgres:
                text = self._text
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(text, row)) + "\n" for row in rows)
                buffer.seek(0)
                names = ", ".join(connection.ops.quote_name(f.column) for f in self.fields[table])
                with connection.cursor() as cursor:
                    cursor.cursor.copy_expert(
                        f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) "
                        "FROM STDIN",
                        buffer,
                    )
            else:
                objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
                model.objects.bulk_create(objects, batch_size=2000)
            self.counts[table] += len(rows)
            rows.clear()

    def reset_sequences(self) -> None:
        sql = connection.ops.sequence_reset_sql(no_style(), list(self.models.values()))
        if sql:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)


# -- users ----------------------------------------------------------------------------------
def bench_users() -> dict[str, object]:
    """One user per role for the benchmark (bench_admin is a superuser for the admin)."""
    from django.contrib.auth.models import Group, User

    users = {}
    for username, role, staff, superuser in BENCH_USERS:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={"is_staff": staff, "is_superuser": superuser, "is_active": True},
        )
        if not user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.set([Group.objects.get(name=role)])
        users[role] = user
    return users


# -- the generator --------------------------------------------------------------------------
def _log_uniform(rng: random.Random, low: float, high: float, u: float | None = None) -> float:
    u = rng.random() if u is None else u
    return low * (high / low) ** u


def _amount(value: float) -> str:
    return f"{max(value, 0.0):.4f}"


def _stamp(day: datetime.date, hour: int = 9) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00+00"


def _capped(day: datetime.date, last: datetime.date) -> datetime.date:
    return min(day, last)


class _Generator:
    def __init__(self, spec: ScaleSpec, users: dict, writer: _Writer):
        from enterprises.models import Pollutant

        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.writer = writer
        self.pollutants = dict(Pollutant.objects.values_list("code", "pk"))
        self.epb_id = users["epb_staff"].pk
        self.admin_id = users["administrator"].pk
        self.auditor_id = users["auditor"].pk
        self.ids = dict.fromkeys(
            ("audit", "audit_team", "step", "option", "feasibility", "reduction")
            + ("report", "value", "flag"),
            0,
        )
        self.end = datetime.date(LAST_YEAR, 12, 31)
        weights = [s[1] for s in SECTORS]
        self.sector_picks = SECTORS, weights

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    # -- enterprises ----------------------------------------------------------------------
    def run(self) -> None:
        spec = self.spec
        for number in range(1, spec.enterprises + 1):
            self.enterprise(number)
            if len(self.writer.rows["value"]) >= FLUSH_ROWS:
                self.writer.flush()
        self.writer.flush()
        self.writer.reset_sequences()

    def enterprise(self, number: int) -> None:
        rng = self.rng
        sector, _weight, kind, word, word_en = rng.choices(*self.sector_picks)[0]
        city, city_en = CITIES[rng.randrange(len(CITIES))]
        brand, brand_en = BRANDS[rng.randrange(len(BRANDS))]
        u = rng.random()  # the enterprise's place within its kind's range: its size
        size = "large" if u > 0.7 else "medium" if u > 0.35 else "small"
        ownership = rng.choices(
            ["state", "collective", "private", "joint", "foreign"], [50, 15, 20, 10, 5]
        )[0]
        state_large_medium = ownership == "state" and size in ("large", "medium")
        employees = int(_log_uniform(rng, 80, 20000, u))
        created = _stamp(datetime.date(self.spec.first_year, 1, 2))
        audits, reduction_from, reduction = self.audits(number, state_large_medium, kind, u)
        cp_status = self.cp_status(audits)
        self.writer.add(
            "enterprise",
            (
                number,
                f"912105{number:012d}",
                f"{city}{brand}{word}有限公司{number}",
                f"{city_en} {brand_en} {word_en} Co. No. {number}",
                sector,
                city,
                ownership,
                size,
                state_large_medium,
                employees,
                f"{city}市工业区{number}号",
                "",
                "",
                "",  # no contact e-mail
                cp_status,
                created,
                created,
                self.admin_id,
                self.admin_id,
            ),
        )
        # rows of children go after the parent row: flush writes tables in parent order
        for audit in audits:
            self.write_audit(number, audit, kind, u)
        self.reports(number, kind, u, reduction_from, reduction)

    def cp_status(self, audits: list[dict]) -> str:
        if any(a["demonstration"] for a in audits):
            return "demonstration"
        if any(a["acceptance"] == "pass" for a in audits):
            return "accepted"
        if any(a["assessment"] == "pass" for a in audits):
            return "assessed"
        return "auditing" if audits else "none"

    # -- audits ---------------------------------------------------------------------------
    def audits(self, number: int, state_large_medium: bool, kind: str, u: float):
        rng, spec = self.rng, self.spec
        audits = []
        reduction_from, reduction = None, 0.0
        if rng.random() >= (0.75 if state_large_medium else 0.5) or spec.years < 2:
            return audits, reduction_from, reduction
        start_year = rng.randint(spec.first_year + 1, LAST_YEAR)
        rounds = 2 if (LAST_YEAR - start_year >= 4 and rng.random() < 0.35) else 1
        for round_number in range(rounds):
            year = start_year if round_number == 0 else rng.randint(start_year + 3, LAST_YEAR)
            audit = self.audit_stage(year)
            audits.append(audit)
            if audit["steps"] >= 6 and reduction_from is None:
                reduction_from = year + 1
                reduction = rng.uniform(0.05, 0.3)
        return audits, reduction_from, reduction

    def audit_stage(self, year: int) -> dict:
        rng = self.rng
        started = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        elapsed = (self.end - started).days / 365
        steps = max(0, min(8, int(elapsed * 4 + rng.random() * 2)))
        audit = {
            "started": started,
            "steps": steps,
            "assessment": "",
            "assessed_on": None,
            "score": None,
            "acceptance": "",
            "accepted_by": "",
            "accepted_on": None,
            "demonstration": False,
            "demonstration_on": None,
        }
        if steps == 8 and rng.random() < 0.9:
            audit["assessment"] = "pass" if rng.random() < 0.92 else "fail"
            audit["assessed_on"] = _capped(
                started + datetime.timedelta(rng.randint(300, 600)), self.end
            )
            audit["score"] = f"{rng.uniform(60, 96):.1f}"
            if audit["assessment"] == "pass" and rng.random() < 0.8:
                audit["acceptance"] = "pass" if rng.random() < 0.95 else "fail"
                audit["accepted_by"] = "national_centre" if rng.random() < 0.35 else "municipality"
                audit["accepted_on"] = _capped(
                    audit["assessed_on"] + datetime.timedelta(rng.randint(20, 120)), self.end
                )
                if audit["acceptance"] == "pass" and rng.random() < 0.12:
                    audit["demonstration"] = True
                    audit["demonstration_on"] = audit["accepted_on"]
        return audit

    def write_audit(self, enterprise_id: int, audit: dict, kind: str, u: float) -> None:
        rng, writer = self.rng, self.writer
        audit_id = self.next_id("audit")
        started = audit["started"]
        stamp = _stamp(started)
        writer.add(
            "audit",
            (
                audit_id,
                enterprise_id,
                f"CP-{started.year}-{audit_id:05d}",
                started,
                f"{FOCUSES[rng.randrange(len(FOCUSES))]}",
                "",
                audit["steps"],
                audit["assessment"],
                audit["assessed_on"],
                audit["score"],
                audit["acceptance"],
                audit["accepted_by"],
                audit["accepted_on"],
                audit["demonstration"],
                audit["demonstration_on"],
                stamp,
                stamp,
                self.admin_id,
                self.admin_id,
            ),
        )
        if audit_id % 7 == 1:  # the bench auditor serves on every seventh audit
            writer.add("audit_team", (self.next_id("audit_team"), audit_id, self.auditor_id))
        steps = audit["steps"]
        for number in range(1, 9):
            step_start = _capped(started + datetime.timedelta(days=(number - 1) * 45), self.end)
            if number <= steps:
                done = _capped(step_start + datetime.timedelta(days=40), self.end)
                row = ("completed", step_start, done)
            elif number == steps + 1:
                row = ("in_progress", step_start, None)
            else:
                row = ("not_started", None, None)
            writer.add("step", (self.next_id("step"), audit_id, number, *row, "", []))
        if steps < 2:
            return
        for index in range(1, rng.randint(10, 70) + 1):
            self.write_option(audit_id, index, audit, kind, u)

    def write_option(self, audit_id: int, index: int, audit: dict, kind: str, u: float) -> None:
        """One option of the scale data with its feasibility, reductions and balance.

        Long: the rows of one option written in the order their keys need."""
        rng, writer = self.rng, self.writer
        steps = audit["steps"]
        medium = rng.random() < 0.12
        fee_class = "medium_high" if medium else "low_no"
        status = "proposed"
        if steps >= 4:
            status = "selected" if rng.random() < 0.85 else "rejected"
        if status == "selected":
            if medium and steps >= 5:
                status = "feasible" if rng.random() < 0.75 else "not_feasible"
                if status == "feasible" and steps >= 6 and rng.random() < 0.6:
                    status = "implemented"
            elif not medium and steps >= 6 and rng.random() < 0.9:
                status = "implemented"
        if medium:
            investment = _log_uniform(rng, 50, 5000)
            benefit = investment / rng.uniform(1, 5)
        else:
            investment = _log_uniform(rng, 0.1, 20)
            benefit = investment * rng.uniform(1, 5)
        implemented_on = None
        if status == "implemented":
            implemented_on = _capped(
                audit["started"] + datetime.timedelta(rng.randint(200, 700)), self.end
            )
        aspect = rng.choice(list(ASPECT_TITLES))
        option_id = self.next_id("option")
        stamp = _stamp(audit["started"])
        writer.add(
            "option",
            (
                option_id,
                audit_id,
                f"F{index:02d}",
                rng.choice(ASPECT_TITLES[aspect]),
                "",
                aspect,
                fee_class,
                4 if medium or index % 3 else 2,
                status,
                f"{investment:.2f}",
                f"{benefit:.2f}",
                # Actual figures beside the estimate, for implemented options only.
                f"{investment:.2f}" if implemented_on else None,
                f"{benefit:.2f}" if implemented_on else None,
                implemented_on,
                stamp,
                stamp,
                self.auditor_id,
                self.auditor_id,
            ),
        )
        if medium and status in ("feasible", "not_feasible", "implemented"):
            saving = benefit if status != "not_feasible" else investment / rng.uniform(12, 30)
            writer.add(
                "feasibility",
                (
                    self.next_id("feasibility"),
                    option_id,
                    f"{investment:.2f}",
                    f"{saving:.2f}",
                    10,
                    "33.00",
                    "8.00",
                    12,
                    "",
                    "",
                    "",  # no negative NPV to explain
                    stamp,
                    stamp,
                    self.auditor_id,
                    self.auditor_id,
                ),
            )
        if status != "rejected" and rng.random() < 0.5:
            ranges = KINDS[kind]
            for code in rng.sample(["COD", "SO2", "WASTEWATER", "DUST", "ENERGY"], 1 + (index % 2)):
                low, high = ranges[code]
                amount = _log_uniform(rng, low, high, u) * rng.uniform(0.002, 0.03)
                writer.add(
                    "reduction",
                    (self.next_id("reduction"), option_id, self.pollutants[code], _amount(amount)),
                )

    # -- discharge reports ----------------------------------------------------------------
    def base_amounts(self, kind: str, u: float) -> dict[str, float]:
        rng = self.rng
        ranges = KINDS[kind]
        base = {}
        for code, (low, high) in ranges.items():
            wobble = min(1.0, max(0.0, u + rng.uniform(-0.1, 0.1)))
            base[code] = _log_uniform(rng, low, high, wobble)
        base["SOOT"] = base["DUST"] * rng.uniform(0.6, 1.4)
        base["NH3N"] = base["COD"] * rng.uniform(0.03, 0.1)
        base["NOX"] = base["SO2"] * rng.uniform(0.2, 0.5)
        base["FRESHWATER"] = base["WASTEWATER"] * rng.uniform(1.1, 1.6)
        utilised = rng.uniform(0.3, 0.8)
        disposed = rng.uniform(0.05, 1 - utilised)
        base["SW_UTIL"] = base["SW_GEN"] * utilised
        base["SW_DISP"] = base["SW_GEN"] * disposed
        base["SW_STORE"] = base["SW_GEN"] * (1 - utilised - disposed)
        return base

    def reports(
        self, enterprise_id: int, kind: str, u: float, reduction_from, reduction: float
    ) -> None:
        rng, spec = self.rng, self.spec
        codes = REPORTED[kind].split()
        base = self.base_amounts(kind, u)
        large = kind in ("steel", "power", "coal")
        bases = {}
        for code in codes:
            roll = rng.random()
            if large and code in ("SO2", "COD", "WASTEGAS") and roll < 0.6:
                bases[code] = "measured_continuous"
            elif roll < 0.62:
                bases[code] = "measured_sampling"
            elif roll < 0.93:
                bases[code] = "calculated"
            else:
                bases[code] = "estimated"
        drift = 1.0
        output_base = base["ENERGY"] * OUTPUT_PER_TCE[kind]
        for year in range(spec.first_year, LAST_YEAR + 1):
            drift *= rng.uniform(0.95, 1.07)
            cut = 1 - reduction if reduction_from is not None and year >= reduction_from else 1.0
            annual = {}
            for code in codes:
                cut_here = cut if code in ("COD", "SO2", "WASTEWATER", "WASTEGAS", "DUST") else 1
                annual[code] = base[code] * drift * cut_here * rng.uniform(0.9, 1.1)
            output = output_base * drift * rng.uniform(0.9, 1.15)
            if spec.monthly:
                months = []
                for month in range(1, 13):
                    season = SEASON[month - 1]
                    amounts = {
                        code: value / 12 * season * rng.uniform(0.9, 1.1)
                        for code, value in annual.items()
                    }
                    months.append(amounts)
                    self.write_report(enterprise_id, year, "M", month, amounts, bases, output / 12)
                annual = {code: sum(m[code] for m in months) for code in codes}
            self.write_report(enterprise_id, year, "Y", 0, annual, bases, output)

    def write_report(self, enterprise_id, year, kind, number, amounts, bases, output) -> None:
        """One discharge report of the scale data with its values and ledger rows.

        Long: the rows of one report written in the order their keys need."""
        from enterprises.reliability import grade_report

        rng, writer = self.rng, self.writer
        report_id = self.next_id("report")
        last = year == LAST_YEAR
        roll = rng.random()
        if last:
            status = (
                "verified"
                if roll < 0.45
                else "submitted"
                if roll < 0.8
                else "draft"
                if roll < 0.95
                else "returned"
            )
        else:
            status = "verified" if roll < 0.96 else "submitted" if roll < 0.99 else "returned"
        if kind == "Y":
            filed = datetime.date(min(year + 1, LAST_YEAR + 1), 2, 15)
        else:
            filed = datetime.date(year + number // 12, number % 12 + 1, 10)
        filed_at = _stamp(filed)
        checked_at = _stamp(filed + datetime.timedelta(days=20), 15)
        submitted = status != "draft"
        flags = []
        value_rows = []
        for code, amount in amounts.items():
            value_id = self.next_id("value")
            value_rows.append(
                (value_id, report_id, self.pollutants[code], _amount(amount), bases[code])
            )
            if bases[code] == "estimated":
                flags.append((value_id, code, "estimated", "info", {}))
        if submitted:
            roll = rng.random()
            code = rng.choice(list(amounts))
            value_id = value_rows[list(amounts).index(code)][0]
            if roll < 0.04:
                previous = amounts[code] / rng.uniform(1.55, 2.2)
                change = (amounts[code] / previous - 1) * 100
                flags.append(
                    (
                        value_id,
                        code,
                        "yoy",
                        "warning",
                        {
                            "change": f"{change:+.0f}",
                            "period": str(year - 1),
                            "previous": f"{previous:,.2f}",
                        },
                    )
                )
            elif roll < 0.05:
                flags.append(
                    (
                        value_id,
                        code,
                        "outlier",
                        "serious",
                        {
                            "amount": f"{amounts[code]:,.2f}",
                            "median": f"{amounts[code] / 3:,.2f}",
                            "count": 10,
                            "z": f"{rng.uniform(4, 9):.1f}",
                        },
                    )
                )
            elif roll < 0.06 and "SW_UTIL" in amounts:
                generated = amounts["SW_GEN"]
                flags.append(
                    (
                        None,
                        None,
                        "solid_balance",
                        "warning",
                        {
                            "handled": f"{generated * 0.9:,.0f}",
                            "generated": f"{generated:,.0f}",
                            "gap": "-10",
                        },
                    )
                )
        estimated = sum(1 for code in amounts if bases[code] == "estimated")
        grade = (
            grade_report([(f[2], f[3]) for f in flags], len(amounts), estimated).grade
            if submitted
            else ""
        )
        verified = status == "verified"
        returned = status == "returned"
        writer.add(
            "report",
            (
                report_id,
                enterprise_id,
                year,
                kind,
                number,
                status,
                f"{output:.2f}",
                self.epb_id,  # entered_by
                filed_at if submitted else None,
                self.epb_id if submitted else None,
                checked_at if verified else None,
                self.epb_id if verified else None,
                checked_at if returned else None,
                self.epb_id if returned else None,
                "数据与上年差异过大，请核实。" if returned else "",
                grade,
                filed_at,
                checked_at if (verified or returned) else filed_at,
                self.epb_id,
                self.epb_id,
            ),
        )
        for row in value_rows:
            writer.add("value", row)
        for value_id, code, flag_code, severity, params in flags:
            writer.add(
                "flag",
                (
                    self.next_id("flag"),
                    report_id,
                    value_id,
                    self.pollutants[code] if code else None,
                    flag_code,
                    severity,
                    params,
                    checked_at,
                ),
            )


def seed(spec: ScaleSpec, force: bool = False, stdout=None) -> SeedResult:
    """Build the data set of `spec`; refuses a database holding data unless `force`."""
    from enterprises.models import DischargeReport  # noqa: F401 - apps are ready here

    start = time.perf_counter()
    if holds_data() and not force:
        raise DatabaseNotEmpty(
            "The database holds enterprises, audits or discharge reports; "
            "use --force to delete them first."
        )
    from benxi_cp import guards
    from enterprises import ledger

    writer = _Writer()
    # Generated data, verified reports with their values and accepted audits with their
    # options: written below the database's guards (benxi_cp/guards.py),
    # in one transaction; then the ledger.
    with transaction.atomic(), guards.suspended():
        wipe()
        users = bench_users()
        _Generator(spec, users, writer).run()
        ledger.rebuild()
        permit_writer = _Writer(_permit_models())
        _Permits(spec, users, permit_writer).run()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh statistics and visibility map, as autovacuum would leave them (VACUUM
            # cannot run inside a transaction, as in tests).
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    _targets(stdout)
    counts = {**writer.counts, **permit_writer.counts}
    result = SeedResult(spec, counts, time.perf_counter() - start)
    return result


# -- permits and monitoring -----------------------------------------------------------------
PERMIT_FROM = datetime.date(LAST_YEAR - 1, 1, 1)
PERMIT_TO = datetime.date(LAST_YEAR + 3, 12, 31)
# The share of enterprises of each monitoring profile (the rest are clean), and of each
# permitted quantity's multiple of the enterprise's verified discharge of the last year.
PROFILES = (("occasional", 0.12), ("chronic", 0.02), ("gaps", 0.04))
QUANTITY_FACTORS = ((0.9, 0.03), (1.1, 0.10))  # above the quantity; above 80 % of it


def _permit_models():
    from permits.models import Limit, MonitoringValue, Outlet, Permit, PermitRevision

    return {
        "permit": Permit,
        "revision": PermitRevision,
        "outlet": Outlet,
        "limit": Limit,
        "monitoring": MonitoringValue,
    }


class _Permits:
    """A permit per enterprise, in force from the year before the last to three years after
    it, with a waste-water outlet (daily-mean COD limit) and a waste-gas outlet (daily-mean
    SO2 limit), both monitored daily, and annual permitted quantities of COD and SO2 set
    against the enterprise's verified discharge of the last year (a few above it, some above
    80 % of it); and the last year's daily means at both outlets (5,000 enterprises: about
    3.65 million values): most enterprises well within their limits, some with occasional
    exceedances, a few chronic and serious, a few with months of monitoring missing. Drawn
    from a random stream of their own: the rest of the data set is the same with or without
    them."""

    def __init__(self, spec: ScaleSpec, users: dict, writer: _Writer):
        from enterprises.models import AnnualDischarge, Pollutant
        from permits.demo import SERIES  # the demo's outlets and daily-mean limits

        self.series = SERIES
        self.spec = spec
        self.rng = random.Random(spec.seed * 7919 + 17)
        self.writer = writer
        self.epb_id = users["epb_staff"].pk
        self.pollutants = dict(Pollutant.objects.values_list("code", "pk"))
        self.verified = {
            (enterprise, code): amount
            for enterprise, code, amount in AnnualDischarge.objects.filter(
                year=LAST_YEAR, verified=True, pollutant__code__in=("COD", "SO2")
            ).values_list("enterprise_id", "pollutant__code", "amount")
        }
        self.ids = dict.fromkeys(("outlet", "limit", "monitoring"), 0)

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def run(self) -> None:
        for number in range(1, self.spec.enterprises + 1):
            self.permit(number)
            if len(self.writer.rows["monitoring"]) >= FLUSH_ROWS:
                self.writer.flush()
        self.writer.flush()
        self.writer.reset_sequences()

    def profile(self) -> str:
        roll = self.rng.random()
        for name, share in PROFILES:
            if roll < share:
                return name
            roll -= share
        return "clean"

    def permit(self, number: int) -> None:
        add = self.writer.add_fields
        issued = _stamp(PERMIT_FROM - datetime.timedelta(days=20))
        tracked = {
            "created": issued,
            "updated": issued,
            "created_by_id": self.epb_id,
            "updated_by_id": self.epb_id,
        }
        permit_number = f"912105{number:012d}-{PERMIT_FROM.year}-01"
        add(
            "permit",
            id=number,
            number=permit_number,
            enterprise_id=number,
            valid_from=PERMIT_FROM,
            valid_to=PERMIT_TO,
            issuer="本溪市环境保护局",
            document="",
            document_name="",
            document_type="",
            document_size=0,
            revision=1,
            **tracked,
        )
        limits = []
        for code, kind, pollutant, value, unit in self.series:
            outlet_id = self.next_id("outlet")
            add("outlet", id=outlet_id, permit_id=number, code=code, kind=kind, category="main")
            add(
                "limit",
                id=self.next_id("limit"),
                permit_id=number,
                outlet_id=outlet_id,
                pollutant_id=self.pollutants[pollutant],
                basis="daily_mean",
                value=value,
                unit=unit,
                monitoring="daily",
            )
            limits.append(
                {
                    "outlet": code,
                    "outlet_kind": kind,
                    "category": "main",
                    "pollutant": pollutant,
                    "basis": "daily_mean",
                    "limit": str(value),
                    "unit": unit,
                    "monitoring": "daily",
                }
            )
        limits += self.quantities(number)
        add(
            "revision",
            id=number,
            permit_id=number,
            number=1,
            valid_from=PERMIT_FROM,
            valid_to=PERMIT_TO,
            issuer="本溪市环境保护局",
            limits=limits,
            created=issued,
            created_by_id=self.epb_id,
            source="bench",
        )
        self.monitoring(number, self.profile())

    def quantities(self, number: int) -> list[dict]:
        """The permit's annual quantities of COD and SO2 against the enterprise's verified
        discharge of the last year (none where it has none), as its version holds them."""
        rng, add = self.rng, self.writer.add_fields
        limits = []
        for pollutant in ("COD", "SO2"):
            actual = self.verified.get((number, pollutant))
            if not actual:
                continue
            roll, factor = rng.random(), rng.uniform(1.3, 2.5)
            for multiple, share in QUANTITY_FACTORS:
                if roll < share:
                    factor = multiple
                    break
                roll -= share
            permitted = f"{float(actual) * factor:.4f}"
            add(
                "limit",
                id=self.next_id("limit"),
                permit_id=number,
                outlet_id=None,
                pollutant_id=self.pollutants[pollutant],
                basis="annual_total",
                value=permitted,
                unit="t",
                monitoring="",
            )
            limits.append(
                {
                    "outlet": "",
                    "outlet_kind": "",
                    "category": "",
                    "pollutant": pollutant,
                    "basis": "annual_total",
                    "limit": format(float(permitted), "f").rstrip("0").rstrip("."),
                    "unit": "t",
                    "monitoring": "",
                }
            )
        return limits

    def monitoring(self, number: int, profile: str) -> None:
        rng, add = self.rng, self.writer.add_fields
        first = datetime.date(LAST_YEAR, 1, 1)
        missing = set(rng.sample(range(1, 13), 3)) if profile == "gaps" else set()
        for code, _kind, pollutant, limit, _unit in self.series:
            pollutant_id = self.pollutants[pollutant]
            level = rng.uniform(0.25, 0.7)  # the outlet's usual share of its limit
            for day_number in range(365):
                day = first + datetime.timedelta(days=day_number)
                if day.month in missing:
                    continue
                share = level * rng.lognormvariate(0, 0.25)
                if profile == "occasional" and rng.random() < 0.03:
                    share = rng.uniform(1.02, 1.35)
                elif profile == "chronic" and rng.random() < 0.25:
                    share = rng.uniform(1.05, 1.6)
                value = float(limit) * share
                add(
                    "monitoring",
                    id=self.next_id("monitoring"),
                    enterprise_id=number,
                    outlet=code,
                    pollutant_id=pollutant_id,
                    basis="daily_mean",
                    measured_on=day,
                    hour=None,
                    value=f"{value:.4f}",
                    below_detection=False,
                    method="automatic",
                    created=_stamp(day + datetime.timedelta(days=1)),
                    updated=_stamp(day + datetime.timedelta(days=1)),
                    created_by_id=self.epb_id,
                    updated_by_id=self.epb_id,
                )


def _targets(stdout) -> None:
    """The demo's target system; its computed actuals come from the generated records."""
    from targets import demo

    class _Quiet:
        def write(self, text: str) -> None:
            pass

    demo.load(stdout or _Quiet())
