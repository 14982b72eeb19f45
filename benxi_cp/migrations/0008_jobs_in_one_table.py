"""Imports of large files and the other background jobs in one table (benxi_cp.Job): the rows
of the two tables are copied, then the tables go. A job that was waiting or running when the
site was upgraded is copied as stopped with its worker lost: its user tries it again (an
import's stored file is moved along). New ids: the jobs' pages are new pages."""

import os
from pathlib import Path

import benxi_cp.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


UNFINISHED = ("queued", "running")


def copy_jobs(apps, schema_editor):
    ImportJob = apps.get_model("benxi_cp", "ImportJob")
    BackgroundJob = apps.get_model("benxi_cp", "BackgroundJob")
    Job = apps.get_model("benxi_cp", "Job")
    using = schema_editor.connection.alias
    for old in ImportJob.objects.using(using).iterator():
        stored = ""
        if old.file:
            source = Path(settings.IMPORT_SPOOL_DIR) / old.file.name
            target = Path(settings.BENXI_JOB_FILES_DIR) / "files" / Path(old.file.name).name
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                stored = f"files/{target.name}"
            except OSError:
                pass
        job = Job.objects.using(using).create(
            user_id=old.user_id,
            kind="import",
            params={"importer": old.kind},
            dry_run=old.dry_run,
            language=old.language,
            status="failed" if old.status in UNFINISHED else old.status,
            lost=old.status in UNFINISHED,
            started=old.started,
            finished=old.finished,
            attempts=1 if old.started else 0,
            done=min(old.rows_done, old.rows_total),
            total=old.rows_total,
            result={
                "created": old.created_count,
                "updated": old.updated_count,
                "error_count": old.error_count,
                "preview": old.preview,
            },
            messages=old.errors,
            file=stored,
            filename=old.filename,
            size=old.size,
        )
        Job.objects.using(using).filter(pk=job.pk).update(created=old.created)
    for old in BackgroundJob.objects.using(using).iterator():
        job = Job.objects.using(using).create(
            user_id=old.user_id,
            kind=old.kind,
            params=old.params,
            language=old.language,
            status="failed" if old.status in UNFINISHED else old.status,
            lost=old.status in UNFINISHED,
            started=old.started,
            finished=old.finished,
            attempts=1 if old.started else 0,
            done=min(old.steps_done, old.steps_total),
            total=old.steps_total,
            messages=old.messages,
            file=old.file.name if old.file else "",
            filename=old.filename,
            content_type=old.content_type,
            size=old.size,
        )
        Job.objects.using(using).filter(pk=job.pk).update(created=old.created)


class Migration(migrations.Migration):

    dependencies = [
        ('benxi_cp', '0007_background_jobs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Job',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=32, verbose_name='kind')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                ('dry_run', models.BooleanField(default=False, help_text='A check that writes nothing; its user confirms the real run.', verbose_name='check only')),
                ('language', models.CharField(blank=True, max_length=16, verbose_name='language')),
                ('status', models.CharField(choices=[('queued', 'waiting for the worker'), ('running', 'running'), ('checked', 'checked: waiting for your confirmation'), ('refused', 'refused: nothing written'), ('done', 'done'), ('failed', 'stopped on an error')], default='queued', max_length=16, verbose_name='status')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('started', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                ('finished', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('attempts', models.PositiveSmallIntegerField(default=0, help_text='How many times a worker started it.', verbose_name='attempts')),
                ('worker', models.CharField(blank=True, help_text='The worker that ran it last.', max_length=100, verbose_name='worker')),
                ('lost', models.BooleanField(default=False, help_text='The worker running it stopped before it ended.', verbose_name='worker lost')),
                ('done', models.PositiveIntegerField(default=0, verbose_name='done')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='to do')),
                ('result', models.JSONField(blank=True, default=dict, verbose_name='result')),
                ('messages', models.JSONField(blank=True, default=list, verbose_name='messages')),
                ('file', models.FileField(blank=True, storage=benxi_cp.models.job_storage, upload_to='files/', verbose_name='file')),
                ('filename', models.CharField(blank=True, max_length=255, verbose_name='file name')),
                ('content_type', models.CharField(blank=True, max_length=100, verbose_name='content type')),
                ('size', models.PositiveBigIntegerField(default=0, verbose_name='size')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'background job',
                'verbose_name_plural': 'background jobs',
                'ordering': ['-created', '-pk'],
            },
        ),
        migrations.RunPython(copy_jobs, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='BackgroundJob',
        ),
        migrations.DeleteModel(
            name='ImportJob',
        ),
        migrations.AddIndex(
            model_name='job',
            index=models.Index(fields=['user', '-created'], name='job_user_created'),
        ),
        migrations.AddIndex(
            model_name='job',
            index=models.Index(fields=['status'], name='job_status'),
        ),
        migrations.AddConstraint(
            model_name='job',
            constraint=models.CheckConstraint(condition=models.Q(('kind', ''), _negated=True), name='benxi_cp_job_kind', violation_error_message='A job needs a kind.'),
        ),
        migrations.AddConstraint(
            model_name='job',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'running', 'checked', 'refused', 'done', 'failed'])), name='benxi_cp_job_status', violation_error_message='Unknown status of a job.'),
        ),
        migrations.AddConstraint(
            model_name='job',
            constraint=models.CheckConstraint(condition=models.Q(('done__lte', models.F('total'))), name='benxi_cp_job_steps', violation_error_message='A job cannot have done more than it has to do.'),
        ),
    ]
