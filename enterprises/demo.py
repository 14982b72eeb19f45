"""The demo city's register: 64 invented key enterprises of an industrial city like Benxi.

Names and figures are fictional. 50 are state-owned large or medium enterprises, the base
of the programme's coverage rate; the first three match docs/formats/enterprises.sample.csv.
"""

from enterprises.models import Enterprise

DISTRICTS = ["平山区", "溪湖区", "明山区", "南芬区", "本溪县", "桓仁县"]
STREETS = ["钢铁路", "永丰街", "解放北路", "胜利路", "东明路", "站前街", "矿山路", "河沿街"]

# sector, Chinese stem, English stem, count, (employees low, high), state large/medium count
SECTORS = [
    ("iron_steel", "钢铁厂", "Steel Works", 5, (3000, 30000), 5),
    ("coal", "煤矿", "Coal Mine", 8, (1500, 12000), 8),
    ("building_materials", "水泥厂", "Cement Works", 9, (400, 3000), 7),
    ("chemicals", "化工厂", "Chemical Plant", 9, (300, 4000), 7),
    ("power", "发电厂", "Power Plant", 4, (600, 3000), 4),
    ("nonferrous", "有色金属冶炼厂", "Non-ferrous Smelter", 4, (500, 3500), 4),
    ("machinery", "机械厂", "Machinery Works", 8, (300, 5000), 6),
    ("light_industry", "造纸厂", "Paper Mill", 6, (100, 1200), 3),
    ("pharmaceuticals", "制药厂", "Pharmaceutical Factory", 5, (200, 2500), 3),
    ("other", "纺织厂", "Textile Mill", 3, (150, 1500), 1),
]
PLACES = [
    ("溪城", "Xicheng"),
    ("明山", "Mingshan"),
    ("南岭", "Nanling"),
    ("东坡", "Dongpo"),
    ("太河", "Taihe"),
    ("北台", "Beitai"),
    ("石桥", "Shiqiao"),
    ("牛心", "Niuxin"),
    ("枫林", "Fenglin"),
    ("清水", "Qingshui"),
]
ORDINALS = [("第一", "No. 1 "), ("第二", "No. 2 "), ("第三", "No. 3 ")]
# The three enterprises of docs/formats/enterprises.sample.csv, as that file has them.
SAMPLE = [
    (
        "溪城第一钢铁厂",
        "Xicheng No. 1 Steel Works",
        "iron_steel",
        "平山区",
        "state",
        "large",
        True,
        48000,
    ),
    (
        "溪城水泥厂",
        "Xicheng Cement Works",
        "building_materials",
        "溪湖区",
        "state",
        "medium",
        True,
        2100,
    ),
    (
        "明山化工厂",
        "Mingshan Chemical Plant",
        "chemicals",
        "明山区",
        "collective",
        "small",
        False,
        350,
    ),
]
CONTACTS = ["赵建国", "钱卫东", "孙丽华", "李志强", "周海燕", "吴国庆", "郑秀英", "王立新"]


def demo_rows() -> list[dict]:
    """The register as plain dicts; the sample file's enterprises come first."""
    rows = []
    for name, name_en, sector, district, ownership, size, slm, employees in SAMPLE:
        rows.append(
            {
                "code": f"DEMO-{len(rows) + 1:04d}",
                "name": name,
                "name_en": name_en,
                "sector": sector,
                "district": district,
                "ownership": ownership,
                "size": size,
                "state_large_medium": slm,
                "employees": employees,
            }
        )
    used_names = {row["name"] for row in rows}
    for sector, stem, stem_en, count, (low, high), slm in SECTORS:
        for i in range(count):
            number = len(rows) + 1
            code = f"DEMO-{number:04d}"
            place, place_en = PLACES[(number * 3 + i) % len(PLACES)]
            ordinal, ordinal_en = ORDINALS[i % 3] if count > 3 else ("", "")
            name, name_en = f"{place}{ordinal}{stem}", f"{place_en} {ordinal_en}{stem_en}"
            if name in used_names:
                name, name_en = f"{place}{stem}{i + 1}分厂", f"{place_en} {stem_en}, Branch {i + 1}"
            used_names.add(name)
            state_large_medium = i < slm
            size = "small" if not state_large_medium else ("large" if i % 3 == 0 else "medium")
            district = DISTRICTS[number % len(DISTRICTS)]
            employees = low + (high - low) * ((number * 37) % 100) // 100
            if size == "small":
                employees = min(employees, 600)
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "name_en": name_en,
                    "sector": sector,
                    "district": district,
                    "ownership": "state"
                    if state_large_medium
                    else ("collective", "private")[i % 2],
                    "size": size,
                    "state_large_medium": state_large_medium,
                    "employees": employees,
                    "address": f"{district}{STREETS[number % len(STREETS)]}{number * 7}号",
                    "contact_person": CONTACTS[number % len(CONTACTS)],
                    "phone": f"0414-{2800000 + number * 1931:07d}",
                }
            )
    return rows


def foreign_records(loaded: bool) -> dict[str, int]:
    """Enterprises the demo did not make (their reports go with them): all of them in a
    database it was never loaded into, else those outside its DEMO- codes."""
    enterprises = Enterprise.objects.all()
    if loaded:
        enterprises = enterprises.exclude(code__startswith="DEMO-")
    return {"enterprises": enterprises.count()}


def load(stdout) -> None:
    from enterprises import demo_discharge

    rows = demo_rows()
    for row in rows:
        Enterprise.objects.update_or_create(code=row["code"], defaults=row)
    stdout.write(f"Enterprises: {len(rows)} in the register.")
    demo_discharge.load(stdout)
