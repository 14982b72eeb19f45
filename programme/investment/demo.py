"""Demo environmental investment: the demo enterprises' treatment facilities, monitoring and
greening projects from 1996 to 2002 (fictional; drawn with a fixed seed, so loading the demo
again gives the same rows). The projects of 2002 are planned; the others completed."""

import random
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from enterprises.models import Enterprise
from programme.investment.choices import FundSource, InvestmentCategory, InvestmentStatus
from programme.models import EnvironmentalInvestment

SEED = 2001
DEMO_PREFIX = "DEMO-"
YEARS = range(1996, 2003)
PLANNED_FROM = 2002
# Sectors whose plants build treatment facilities, with the range of a project (10k yuan).
TREATMENT = {
    "iron_steel": (["烧结机烟气除尘改造", "焦化废水处理站", "高炉煤气回收"], (120, 800)),
    "coal": (["矿井水处理站", "煤矸石山治理"], (40, 300)),
    "building_materials": (["水泥窑电除尘器", "粉尘无组织排放治理"], (30, 250)),
    "chemicals": (["化工废水处理站扩建", "废气焚烧装置"], (50, 450)),
    "power": (["锅炉烟气脱硫", "灰渣场防渗"], (150, 1000)),
    "nonferrous": (["冶炼烟气制酸", "含重金属废水处理"], (80, 600)),
    "machinery": (["电镀废水处理", "铸造车间除尘"], (15, 100)),
    "light_industry": (["造纸黑液碱回收", "中段水处理"], (40, 350)),
    "pharmaceuticals": (["发酵废水厌氧处理"], (25, 200)),
    "other": (["印染废水处理"], (15, 120)),
}
OTHER = [
    (InvestmentCategory.MONITORING, "污染源在线监测系统", (10, 60)),
    (InvestmentCategory.GREENING, "厂区绿化", (5, 40)),
    (InvestmentCategory.OTHER, "环境管理体系认证", (3, 15)),
]
SOURCES = [
    (FundSource.OWN, 5),
    (FundSource.BANK_LOAN, 3),
    (FundSource.GOVERNMENT, 1),
    (FundSource.CHARGE_REFUND, 2),
]


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.uniform(low, high)).quantize(Decimal("0.01"))


def _source(rng: random.Random) -> str:
    return rng.choices([s for s, _w in SOURCES], weights=[w for _s, w in SOURCES])[0]


def rows(enterprises: list[Enterprise], rng: random.Random) -> list[EnvironmentalInvestment]:
    """The demo projects of `enterprises`: about one treatment project in three years for a
    plant of a polluting sector, and now and then monitoring, greening or other spending."""
    made = []
    for enterprise in enterprises:
        names, (low, high) = TREATMENT.get(enterprise.sector, TREATMENT["other"])
        for year in YEARS:
            status = (
                InvestmentStatus.PLANNED if year >= PLANNED_FROM else InvestmentStatus.COMPLETED
            )
            if rng.random() < 0.3:
                name = rng.choice(names)
                made.append(
                    EnvironmentalInvestment(
                        enterprise=enterprise,
                        year=year,
                        category=InvestmentCategory.TREATMENT,
                        project=f"{name}（{year}）",
                        amount_10k_yuan=_amount(rng, low, high),
                        source=_source(rng),
                        status=status,
                    )
                )
            if rng.random() < 0.2:
                category, name, (low_o, high_o) = rng.choice(OTHER)
                made.append(
                    EnvironmentalInvestment(
                        enterprise=enterprise,
                        year=year,
                        category=category,
                        project=f"{name}（{year}）",
                        amount_10k_yuan=_amount(rng, low_o, high_o),
                        source=FundSource.OWN,
                        status=status,
                    )
                )
    return made


def load(stdout) -> None:
    enterprises = list(Enterprise.objects.filter(code__startswith=DEMO_PREFIX).order_by("code"))
    EnvironmentalInvestment.objects.filter(enterprise__code__startswith=DEMO_PREFIX).delete()
    made = rows(enterprises, random.Random(SEED))
    bulk_create_with_history(made, EnvironmentalInvestment, batch_size=500)
    stdout.write(
        f"Environmental investment: {len(made)} projects of {len(enterprises)} enterprises."
    )


def foreign_records(loaded: bool) -> dict[str, int]:
    """Projects the demo did not make: all of them in a database it was never loaded into,
    else those of enterprises outside its DEMO- codes."""
    investments = EnvironmentalInvestment.objects.all()
    if loaded:
        investments = investments.exclude(enterprise__code__startswith=DEMO_PREFIX)
    return {"environmental investments": investments.count()}
