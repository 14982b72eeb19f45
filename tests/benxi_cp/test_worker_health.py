"""/health/ says whether the background worker keeps up: the tasks waiting for it and how
long the oldest has waited; "behind" past BENXI_WORKER_STALL_SECONDS (a stopped worker)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from benxi_cp import jobs


def waiting_task(waited: float, run_after: datetime.datetime | None = None) -> DBTaskResult:
    """A task in the queue, due since `waited` seconds (the database backend's row)."""
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="benxi_cp.jobs.run_job",
        backend_name="default",
        queue_name="default",
        run_after=run_after or get_date_max(),
    )
    enqueued = timezone.now() - datetime.timedelta(seconds=waited)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued)
    return task


@pytest.mark.django_db
def test_health_says_how_long_the_oldest_task_has_waited_and_when_the_worker_is_behind(
    client, settings
):
    settings.BENXI_WORKER_STALL_SECONDS = 120
    said = client.get(reverse("health")).json()
    assert (said["worker"], said["tasks_waiting"], said["oldest_wait_seconds"]) == ("ok", 0, None)
    waiting_task(30)
    waiting_task(5)
    said = client.get(reverse("health"))
    assert said.status_code == 200
    said = said.json()
    assert (said["worker"], said["tasks_waiting"]) == ("ok", 2)
    assert 30 <= said["oldest_wait_seconds"] < 60
    stuck = waiting_task(121)
    said = client.get(reverse("health"))
    assert said.status_code == 200  # the site answers: only its background work waits
    said = said.json()
    assert (said["worker"], said["tasks_waiting"]) == ("behind", 3)
    assert said["oldest_wait_seconds"] >= 121
    # A task the worker has taken, or one not due yet, is not waiting for it.
    DBTaskResult.objects.filter(pk=stuck.pk).update(status="RUNNING")
    waiting_task(500, run_after=timezone.now() + datetime.timedelta(hours=1))
    said = client.get(reverse("health")).json()
    assert (said["worker"], said["tasks_waiting"]) == ("ok", 2)


@pytest.mark.django_db
def test_a_process_reads_the_queue_at_most_once_in_ten_seconds(django_assert_num_queries):
    jobs.forget_worker_state()
    try:
        with django_assert_num_queries(1):
            assert jobs.worker_behind() is False
            assert jobs.worker_behind() is False
        waiting_task(10_000)
        assert jobs.worker_behind() is False  # read a moment ago
        jobs.forget_worker_state()
        assert jobs.worker_behind() is True
    finally:
        jobs.forget_worker_state()
