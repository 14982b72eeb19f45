"""The pollutant catalogue a new installation starts with (docs/formats/discharge.md)."""

from django.db import migrations

CATALOGUE = [
    # code, Chinese name, English name, unit, medium
    ("WASTEWATER", "工业废水排放量", "industrial waste water discharged", "10k t", "water"),
    ("COD", "化学需氧量", "chemical oxygen demand", "t", "water"),
    ("NH3N", "氨氮", "ammonia nitrogen", "t", "water"),
    ("WASTEGAS", "工业废气排放量", "industrial waste gas", "10k Nm3", "air"),
    ("SO2", "二氧化硫", "sulphur dioxide", "t", "air"),
    ("NOX", "氮氧化物", "nitrogen oxides", "t", "air"),
    ("SOOT", "烟尘", "soot", "t", "air"),
    ("DUST", "工业粉尘", "industrial dust", "t", "air"),
    ("SW_GEN", "工业固体废物产生量", "industrial solid waste generated", "t", "solid"),
    ("SW_UTIL", "工业固体废物综合利用量", "industrial solid waste utilised", "t", "solid"),
    ("SW_DISP", "工业固体废物处置量", "industrial solid waste disposed", "t", "solid"),
    ("SW_STORE", "工业固体废物贮存量", "industrial solid waste stored", "t", "solid"),
    ("ENERGY", "能源消耗量", "energy consumed", "tce", "resource"),
    ("FRESHWATER", "新鲜水用量", "fresh water used", "10k t", "resource"),
]


def seed(apps, schema_editor):
    Pollutant = apps.get_model("enterprises", "Pollutant")
    for position, (code, name, name_en, unit, medium) in enumerate(CATALOGUE, start=1):
        Pollutant.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "unit": unit,
                "medium": medium,
                "position": position * 10,
            },
        )


def unseed(apps, schema_editor):
    codes = [row[0] for row in CATALOGUE]
    apps.get_model("enterprises", "Pollutant").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
