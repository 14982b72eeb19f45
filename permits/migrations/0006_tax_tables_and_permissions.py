"""The tax tables a new installation starts with (docs/formats/compliance-summary.md, "fees"),
and who may edit them: the programme office; the EPB and the leading team read them."""

from decimal import Decimal

from django.db import migrations

from benxi_cp.roles import grant

LAW = "中华人民共和国环境保护税法（2018）附表二、附表三"
EQUIVALENTS = [
    ("COD", "water", "1"),
    ("NH3N", "water", "0.8"),
    ("SO2", "air", "0.95"),
    ("NOX", "air", "0.95"),
    ("SOOT", "air", "2.18"),
    ("DUST", "air", "4"),
]
RATES = [("water", "1.4"), ("air", "1.2")]
READ = ["view_taxequivalent", "view_taxrate"]
WRITE = [*READ, "add_taxequivalent", "change_taxequivalent", "change_taxrate"]
MATRIX = {"administrator": WRITE, "epb_staff": READ, "leadership": READ}


def forwards(apps, schema_editor):
    Pollutant = apps.get_model("enterprises", "Pollutant")
    TaxEquivalent = apps.get_model("permits", "TaxEquivalent")
    TaxRate = apps.get_model("permits", "TaxRate")
    for code, medium, kg in EQUIVALENTS:
        pollutant = Pollutant.objects.filter(code=code).first()
        if pollutant is not None:
            TaxEquivalent.objects.update_or_create(
                pollutant=pollutant,
                defaults={"medium": medium, "equivalent_kg": Decimal(kg), "law": LAW},
            )
    for medium, rate in RATES:
        TaxRate.objects.update_or_create(
            medium=medium, defaults={"rate_yuan": Decimal(rate), "law": LAW}
        )
    grant(apps, schema_editor, "permits", MATRIX)


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0005_environmental_protection_tax"),
        ("enterprises", "0002_pollutant_catalogue"),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
