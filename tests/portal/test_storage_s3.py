"""Files in object storage: with STORAGES pointed at an S3 bucket (moto's server on
loopback), documents, import files, generated forms and copies of record are objects in the
bucket, private, handed out only by the app's permission-checked views; backup and restore
carry the bucket's objects."""

import hashlib
import re
import socket

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.models import Audit, AuditDocument
from benxi_cp import backup, roles
from benxi_cp.models import JOB_STORAGE, Job
from enterprises.models import Enterprise
from portal.models import CopyOfRecord, Level, Signature
from tests.portal import test_record

moto_server = pytest.importorskip("moto.server")

# The signed report and its signatory of the copy of record's tests.
report, signatory, sign = test_record.report, test_record.signatory, test_record.sign

BUCKET = "benxi-test"
PREFIX = "site"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(
        ip_address="127.0.0.1", port=_free_port(), verbose=False
    )
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _s3_options(endpoint: str, location: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "access_key": KEYS["aws_access_key_id"],
            "secret_key": KEYS["aws_secret_access_key"],
            "location": location,
            "default_acl": None,
            "querystring_auth": True,
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }


@pytest.fixture
def bucket(s3_endpoint, settings):
    """An empty bucket, and the site's storages in it (as BENXI_S3_* settings make them)."""
    s3 = boto3.resource("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS)
    bucket = s3.Bucket(BUCKET)
    bucket.create()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": _s3_options(s3_endpoint, PREFIX),
        "jobs": _s3_options(s3_endpoint, f"{PREFIX}/jobs"),
    }
    yield bucket
    bucket.objects.all().delete()
    bucket.delete()


def keys(bucket) -> list[str]:
    return sorted(summary.key for summary in bucket.objects.all())


def assert_private(bucket, key: str) -> None:
    grants = bucket.Object(key).Acl().grants
    assert grants and all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)


@pytest.fixture
def audit(steel, make_user):
    audit = Audit.objects.create(ref="A-1", enterprise=steel, started_on="1998-03-01", focus="烧结")
    auditor = make_user(roles.AUDITOR, "team-auditor")
    audit.team.add(auditor)
    return audit, auditor


@pytest.mark.django_db
def test_an_audit_document_is_a_private_object_served_only_by_the_checked_view(
    client, bucket, audit, make_user, make_enterprise_user, cement, tmp_path, settings
):
    audit, auditor = audit
    client.force_login(auditor)
    upload = SimpleUploadedFile("roster.pdf", b"%PDF-1.4 roster", content_type="application/pdf")
    data = {
        "status": "completed",
        "started_on": "1998-03-02",
        "completed_on": "1998-03-20",
        "checklist": ["team_roster", "work_plan", "staff_training"],
    }
    response = client.post(
        reverse("audits:step", args=[audit.pk, 1]), data | {"documents": [upload]}
    )
    assert response.status_code == 302
    document = AuditDocument.objects.get()
    key = f"{PREFIX}/{document.file.name}"
    assert keys(bucket) == [key]
    assert not (settings.MEDIA_ROOT / document.file.name).exists()  # not on the disk
    assert_private(bucket, key)
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200 and "Location" not in download
    assert b"".join(download.streaming_content) == b"%PDF-1.4 roster"
    client.force_login(make_enterprise_user(cement, "cement-prep", Level.PREPARER))
    assert client.get(document.get_absolute_url()).status_code in (403, 404)
    client.logout()
    assert client.get(document.get_absolute_url()).status_code == 302  # to log in
    assert "X-Amz-Signature=" in document.file.url  # the object's own URL is signed

    # Backup copies the bucket's objects; restore puts them back and drops the others.
    folder = tmp_path / "backup"
    folder.mkdir()
    backup._copy_bucket(folder / backup.STORAGE)  # backup() does it with a bucket (not its
    # database part here: the test's database is in one open transaction)
    assert (folder / "storage" / document.file.name).read_bytes() == b"%PDF-1.4 roster"
    bucket.Object(key).delete()
    bucket.put_object(Key=f"{PREFIX}/stray.txt", Body=b"x")
    backup._restore_media(folder / "storage")
    assert keys(bucket) == [key]
    assert bucket.Object(key).get()["Body"].read() == b"%PDF-1.4 roster"
    assert_private(bucket, key)


@pytest.fixture
def admin_client(client_as):
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
def test_import_files_wait_in_the_bucket(
    admin_client, bucket, settings, django_capture_on_commit_callbacks
):
    csv = "code,name,sector,state_large_medium\n" + "J-1,甲,coal,no\n"
    # A small file: checked at once, kept in the bucket until its user confirms.
    page = admin_client.post(
        reverse("import", args=["enterprises"]), {"file": SimpleUploadedFile("e.csv", csv.encode())}
    ).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    assert keys(bucket) == [f"{PREFIX}/jobs/spool/{token}.csv"]
    admin_client.post(reverse("import", args=["enterprises"]), {"token": token, "suffix": ".csv"})
    assert Enterprise.objects.filter(code="J-1").exists() and keys(bucket) == []
    # A large one: a job's file, checked and imported by the worker from the bucket.
    settings.BENXI_IMPORT_BACKGROUND_BYTES = 10
    csv = csv.replace("J-1,甲", "J-2,乙")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("import", args=["enterprises"]),
            {"file": SimpleUploadedFile("e.csv", csv.encode())},
        )
    job = Job.objects.get()
    assert (job.status, job.result["created"]) == (Job.Status.CHECKED, 1)
    assert keys(bucket) == [f"{PREFIX}/jobs/{job.file.name}"]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("job", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and Enterprise.objects.filter(code="J-2").exists()
    assert keys(bucket) == []  # the file it read is let go


@pytest.mark.django_db
def test_a_background_form_is_made_into_the_bucket_and_served_to_its_user(
    admin_client, bucket, settings, make_user
):
    settings.BENXI_FORM_BACKGROUND_RECORDS = -1  # every year, even an empty one, is "large"
    url = reverse("reports:form_download", args=["programme", "csv"])
    response = admin_client.get(url, {"year": 2000})
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.DONE
    key = f"{PREFIX}/jobs/{job.file.name}"
    assert keys(bucket) == [key] and JOB_STORAGE.exists(job.file.name)
    assert_private(bucket, key)
    served = admin_client.get(reverse("job_file", args=[job.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == bucket.Object(key).get()["Body"].read()
    admin_client.force_login(make_user(roles.LEADERSHIP, "someone-else"))
    assert admin_client.get(reverse("job_file", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_a_copy_of_record_is_checked_against_its_hash_from_the_bucket(
    client,
    bucket,
    signatory,
    report,
):
    signature = sign(report, signatory)
    copy = CopyOfRecord.objects.get(signature=signature)
    key = f"{PREFIX}/{copy.file.name}"
    assert keys(bucket) == [key]
    assert_private(bucket, key)
    content = bucket.Object(key).get()["Body"].read()
    assert hashlib.sha256(content).hexdigest() == copy.file_sha256
    url = reverse("portal:copy_of_record", args=[signature.pk])
    client.force_login(signatory)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == copy.file_sha256
    bucket.put_object(Key=key, Body=content + b"%tampered")  # changed in the bucket
    response = client.get(url)
    assert response.status_code == 409 and b"%PDF" not in response.content
    assert Signature.objects.filter(pk=signature.pk).exists()
