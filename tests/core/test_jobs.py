"""Background jobs: progress records, in-process by default, on a real Celery worker over Redis."""

from __future__ import annotations

import io
import os
import random
import time
import uuid
from collections.abc import Callable

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.test import Client
from openpyxl import Workbook

from baiqianwan import celery_app
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_uscc
from baiqianwan.core.imports import import_job_start
from baiqianwan.core.jobs import JobFailedError, job_create, job_run
from baiqianwan.core.models import Job
from baiqianwan.orgs.importing import ORGANISATION_SCHEMA
from baiqianwan.orgs.models import Organisation

from ..conftest import A

BROKER = os.environ.get("BQW_TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


def _organisations_file(count: int) -> bytes:
    rng = random.Random(11)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c.header for c in ORGANISATION_SCHEMA.columns])
    for i in range(count):
        code = make_uscc(rng, kind="enterprise", division_code=A["town"])
        sheet.append([f"湖寮镇企业{i:03d}", "企业", code, A["town"], "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_job_records_success_and_failure(make_user: Callable[..., User]) -> None:
    user = make_user(Role.TOWN, A["town"])

    def work(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, object]:
        for i in range(1, 201):
            progress(i, 200, "处理中")
        return {"message": "处理了 200 条"}

    job = job_run(job_create(kind="test", title="测试任务", created_by=user), work)
    assert (job.status, job.progress, job.total, job.percent) == ("succeeded", 200, 200, 100)
    assert job.started_at is not None
    assert job.finished_at is not None

    def fail(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, object]:
        raise JobFailedError("数据有误", [{"row": 2, "message": "错"}])

    failed = job_run(job_create(kind="test", title="失败任务", created_by=user), fail)
    assert failed.status == "failed"
    assert failed.message == "数据有误"
    assert failed.errors == [{"row": 2, "message": "错"}]


def test_any_exception_ends_the_job_as_failed_with_a_message(
    make_user: Callable[..., User], client_for: Callable[[User], Client], caplog: pytest.LogCaptureFixture
) -> None:
    user = make_user(Role.TOWN, A["town"])

    def crash(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, object]:
        progress(1, 10, "处理中")
        raise KeyError("no such column")

    job = job_run(job_create(kind="test", title="出错的任务", created_by=user), crash)
    assert job.status == "failed"
    assert job.finished_at is not None
    assert "KeyError" in job.message
    assert "已记录" in job.message
    assert "no such column" in caplog.text  # the traceback is in the log, not on the page
    page = client_for(user).get(f"/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' not in page  # the page stops polling


def test_record_changes_made_by_a_job_are_audited_under_its_starter(
    make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> None:
    from auditlog.models import LogEntry

    user = make_user(Role.COUNTY, A["county"])
    org = make_org("湖寮镇蜜柚协会", "cooperative", A["town"])

    def rename(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, object]:
        org.name = "湖寮镇蜜柚产业协会"
        org.save()
        return {"message": "已改名"}

    job_run(job_create(kind="test", title="改名", created_by=user), rename)
    entry = LogEntry.objects.get_for_object(org).latest("timestamp")
    assert entry.actor_id == user.pk


def test_job_page_shows_progress_to_its_owner_only(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    owner = make_user(Role.TOWN, A["town"])
    job = job_create(kind="test", title="导入单位：单位.xlsx", created_by=owner)
    page = client_for(owner).get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in page.content.decode()  # polls while unfinished
    other = make_user(Role.TOWN, A["town"])
    assert client_for(other).get(f"/jobs/{job.pk}/").status_code == 404
    body = client_for(owner).get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "pending"


@pytest.mark.django_db(transaction=True)
def test_import_runs_on_a_celery_worker_over_redis(make_user: Callable[..., User]) -> None:
    """The deployment path: the web process queues the job in Redis, a Celery worker runs it."""
    user = make_user(Role.COUNTY, A["county"])
    # A Celery app of its own, with its own queue, so eager use earlier in this process (which
    # caches routing) and concurrent test runs sharing this Redis cannot interfere.
    app = Celery("baiqianwan-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=BROKER, task_always_eager=False, task_default_queue=f"bqw-test-{uuid.uuid4().hex}"
    )
    app.autodiscover_tasks(force=True)
    app.set_current()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            job = import_job_start(
                acting_user=user, kind="organisations", filename="单位.xlsx", data=_organisations_file(120)
            )
            assert job.status in (Job.Status.PENDING, Job.Status.RUNNING)  # queued, not run inline
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.finished:
                    break
                time.sleep(0.2)
    finally:
        celery_app.set_current()
        celery_app.set_default()
        app.close()
    assert job.status == Job.Status.SUCCEEDED, (job.message, job.errors)
    assert job.result["created"] == 120
    assert Organisation.all_objects.filter(name__startswith="湖寮镇企业").count() == 120
