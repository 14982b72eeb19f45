"""The documents' files are named by the shared stored-document base (benxi_cp.models
StoredDocument): the same folder and generated name as before. Only Django's record of the
field changes; the table stays as it is."""

from django.db import migrations, models

import benxi_cp.models


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0006_audit_rules_and_lock"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditdocument",
                    name="file",
                    field=models.FileField(
                        max_length=200,
                        upload_to=benxi_cp.models.stored_document_path,
                        verbose_name="file",
                    ),
                ),
            ],
        ),
    ]
