"""The one data version becomes a token per scope (benxi_cp/datacache.py); the triggers are
recreated after migrate by `install_triggers`, which also drops the old ones."""

from django.db import migrations, models


def drop_old_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'benxi_data_changed'"
            )
            for name, table in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')
            cursor.execute("DROP FUNCTION IF EXISTS benxi_data_changed()")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'benxi_data_changed%'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("benxi_cp", "0003_data_version"),
    ]

    operations = [
        migrations.RunPython(drop_old_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name="DataVersion"),
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "scope",
                    models.CharField(
                        max_length=32, primary_key=True, serialize=False, verbose_name="scope"
                    ),
                ),
                (
                    "token",
                    models.BigIntegerField(
                        help_text="A random number, never reused.", verbose_name="token"
                    ),
                ),
            ],
            options={
                "verbose_name": "data version",
                "verbose_name_plural": "data versions",
                "ordering": ["scope"],
            },
        ),
    ]
