"""Indexes of the enterprise box's lookup (enterprises/picker.py, `lookup`), on PostgreSQL:
the code's prefix (`code LIKE 'x%'`, in any collation) and the trigrams of the code and the
Chinese and English names (`UPPER(col) LIKE UPPER('%x%')`, Django's icontains), so that a
province's thousands of enterprises are searched through indexes. SQLite scans its few."""

from django.db import migrations

TABLE = "enterprises_enterprise"
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The lookup's first matches: the code begins with what is typed.
    f"CREATE INDEX IF NOT EXISTS enterprise_code_prefix ON {TABLE} (code varchar_pattern_ops)",
    # The lookup's other matches: the code or a name holds what is typed.
    f"CREATE INDEX IF NOT EXISTS enterprise_lookup_trgm ON {TABLE} USING gin "
    "(UPPER(code::text) gin_trgm_ops, UPPER(name::text) gin_trgm_ops, "
    "UPPER(name_en::text) gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS enterprise_lookup_trgm",
    "DROP INDEX IF EXISTS enterprise_code_prefix",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0011_edit_versions")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
